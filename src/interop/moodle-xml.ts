/**
 * Moodle XML question format import and export (fast-xml-parser; nothing hand-parsed).
 *
 * Public API (stable):
 *   parseMoodleXml(text: string, opts?: TextParseOptions): ParsedRows
 *     One RowOutcome per question (categories excluded); `row` is the question's 1-based index.
 *     Throws InteropFileError for a file that is not well-formed XML, has a DOCTYPE/entities, is
 *     not a <quiz>, is empty/too large, or holds no question.
 *   toMoodleXml(drafts: readonly QuestionDraft[]): string
 *
 * Mapping (docs/decisions/interop.md):
 *   <question type="category"> path ↔ topic        <idnumber> ↔ id            <tags> ↔ tags
 *   multichoice single=true ↔ single; single=false ↔ multiple (fractions → partialFractions, snapped)
 *   truefalse ↔ truefalse; shortanswer ↔ fill (one blank; more via the meta comment); essay ↔ short
 *   (graderinfo: 参考答案 + 评分要点 list); <generalfeedback> ↔ explanation; answer <feedback> ↔ option feedback.
 *   Text: HTML (format html / moodle_auto_format) is turned into plain text, images dropped with a
 *   warning; our export writes format="plain_text", which Moodle shows with its line breaks.
 *   `<!-- xiaobao: {…} -->` inside <question>: difficulty, source, extra blanks.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  DEFAULT_TOPIC,
  InteropFileError,
  checkQuestionCount,
  checkTextInput,
  flagDuplicatesInFile,
  parsedRows,
  type ParsedRows,
  type QuestionDraft,
  type RowOutcome,
  type TextParseOptions,
} from './question-draft.ts';
import {
  categoryForTopic,
  decodeMeta,
  draftFromMoodle,
  encodeMeta,
  equalShare,
  formatPercent,
  htmlToText,
  metaFor,
  toGraderText,
  topicFromCategory,
  type MoodleQuestion,
  type QuestionMeta,
} from './moodle-common.ts';

type XNode = Record<string, unknown>;

const ARRAYS = new Set(['question', 'answer', 'tag', '#comment', 'file']);

function parser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    commentPropName: '#comment',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => ARRAYS.has(name),
  });
}

const COLUMNS = { stem: 'questiontext', answers: 'answer', feedback: 'feedback' };

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as XNode)) return str((v as XNode)['#text']);
  return '';
}

/** A Moodle "text with format" element (<questiontext format="html"><text>…</text><file/>…) as plain text. */
function formatted(node: unknown, defaultFormat = 'html'): { text: string; images: number; scripts: number } {
  if (node === undefined || node === null || typeof node !== 'object') return { text: str(node).trim(), images: 0, scripts: 0 };
  const n = node as XNode;
  const raw = str(n.text);
  // Moodle's import_text_with_files: a missing format is the question text's (html for the question
  // text itself); an unknown one is treated as html.
  const format = str(n['@_format']).trim() || defaultFormat;
  const files = Array.isArray(n.file) ? n.file.length : 0;
  if (format === 'plain_text' || format === 'markdown') return { text: raw.trim(), images: files, scripts: 0 };
  const t = htmlToText(raw);
  return { text: t.text, images: Math.max(t.images, files), scripts: t.scripts };
}

function child(n: XNode, name: string): XNode | undefined {
  const v = n[name];
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as XNode) : undefined;
}

function fraction(a: XNode): number {
  const f = Number(str(a['@_fraction']));
  return Number.isFinite(f) ? f / 100 : 0;
}

function metaOf(q: XNode): QuestionMeta | null {
  const comments = Array.isArray(q['#comment']) ? (q['#comment'] as unknown[]) : [];
  for (const c of comments) {
    const m = decodeMeta(str(c));
    if (m) return m;
  }
  return null;
}

/** Answers of shortanswer/truefalse are plain text in Moodle (import_answer without files). */
function plainAnswer(a: XNode): string {
  return str(a.text).trim();
}

function toMoodleQuestion(q: XNode, row: number, topic: string): MoodleQuestion {
  const qtype = str(q['@_type']);
  const stem = formatted(q.questiontext);
  const qFormat = (child(q, 'questiontext') && str((child(q, 'questiontext') as XNode)['@_format']).trim()) || 'html';
  const fmt = (node: unknown): { text: string; images: number; scripts: number } => formatted(node, qFormat);
  const general = fmt(q.generalfeedback);
  const answers = Array.isArray(q.answer) ? (q.answer as XNode[]) : [];
  const tags = child(q, 'tags');
  const out: MoodleQuestion = {
    row, qtype, stem: stem.text, single: true, answers: [], generalFeedback: general.text, topic,
    tags: tags && Array.isArray(tags.tag) ? (tags.tag as XNode[]).map((t) => str(t.text).trim()).filter((t) => t !== '') : [],
    meta: metaOf(q), images: stem.images + general.images, scripts: stem.scripts + general.scripts, droppedFeedback: false,
  };
  const idnumber = str(q.idnumber).trim();
  if (idnumber !== '') out.idnumber = idnumber;
  // Combined feedback (correct / partially correct / incorrect) has no place in our model.
  for (const f of ['correctfeedback', 'partiallycorrectfeedback', 'incorrectfeedback']) {
    if (fmt(q[f]).text !== '') out.droppedFeedback = true;
  }
  if (qtype === 'multichoice') {
    const single = str(q.single).trim().toLowerCase();
    out.single = !(single === 'false' || single === '0');
    out.answers = answers.map((a) => {
      const t = fmt(a);
      const fb = fmt(a.feedback);
      out.images += t.images + fb.images;
      out.scripts = (out.scripts ?? 0) + t.scripts + fb.scripts;
      return { text: t.text, fraction: fraction(a), feedback: fb.text };
    });
  } else if (qtype === 'truefalse') {
    // As Moodle's import_truefalse: answers are matched on the text "true"/"false"; old files with
    // localised texts are taken as true first, then false. The correct answer is the one at 100 %.
    answers.forEach((a, i) => {
      let t = plainAnswer(a);
      if (t !== 'true' && t !== 'false') t = i === 0 ? 'true' : 'false';
      const full = fraction(a) >= 1;
      out.truefalse = t === 'true' ? full : !full;
      if (fmt(a.feedback).text !== '') out.droppedFeedback = true;
    });
  } else if (qtype === 'shortanswer') {
    out.answers = answers.map((a) => ({ text: plainAnswer(a), fraction: fraction(a), feedback: fmt(a.feedback).text }));
  } else if (qtype === 'essay') {
    const g = fmt(q.graderinfo);
    out.graderInfo = g.text;
    out.images += g.images;
  }
  return out;
}

export function parseMoodleXml(text: string, opts: TextParseOptions = {}): ParsedRows {
  checkTextInput(text, 'Moodle XML');
  const src = text.replace(/^\uFEFF/, '');
  // No DTDs: entity definitions are how XML bombs and external-entity reads work; Moodle never writes them.
  if (/<!DOCTYPE|<!ENTITY/i.test(src)) {
    throw new InteropFileError('xml_doctype', 'XML 文件中含有 DOCTYPE/ENTITY 声明，出于安全原因不予处理。请上传 Moodle 导出的原始文件。', 'The XML declares a DOCTYPE or entities, which are refused for safety. Upload the file exactly as Moodle exported it.');
  }
  const valid = XMLValidator.validate(src);
  if (valid !== true) {
    const e = valid.err;
    throw new InteropFileError('not_xml', `不是格式正确的 XML（第 ${e.line} 行第 ${e.col} 列：${e.msg}）。请上传 Moodle 导出的 XML 文件。`, `This is not well-formed XML (line ${e.line}, column ${e.col}: ${e.msg}). Upload the XML file Moodle exported.`);
  }
  let doc: XNode;
  try {
    doc = parser().parse(src) as XNode;
  } catch (err) {
    // fast-xml-parser refuses element names such as __proto__ or constructor (prototype pollution).
    const why = err instanceof Error ? err.message : String(err);
    throw new InteropFileError('not_xml', `无法读取该 XML 文件（${why}）。请上传 Moodle 导出的 XML 文件。`, `This XML file cannot be read (${why}). Upload the XML file Moodle exported.`);
  }
  // An empty <quiz></quiz> parses as a string.
  const quiz = doc.quiz === '' ? {} : child(doc, 'quiz');
  if (!quiz) {
    throw new InteropFileError('not_moodle_xml', '这不是 Moodle XML 题库文件（根元素应为 <quiz>）。', 'This is not a Moodle XML question file (the root element must be <quiz>).');
  }
  const questions = Array.isArray(quiz.question) ? (quiz.question as XNode[]) : [];
  let topic = DEFAULT_TOPIC;
  let row = 0;
  const outcomes: RowOutcome[] = [];
  for (const q of questions) {
    if (str(q['@_type']) === 'category') {
      topic = topicFromCategory(str(child(q, 'category')?.text)) || DEFAULT_TOPIC;
      continue;
    }
    row += 1;
    checkQuestionCount(row, 'Moodle XML');
    outcomes.push(draftFromMoodle(toMoodleQuestion(q, row, topic), opts, COLUMNS));
  }
  if (outcomes.length === 0) {
    throw new InteropFileError('no_questions', '文件中没有题目。', 'The file holds no questions.');
  }
  flagDuplicatesInFile(outcomes, { zh: '题', en: 'question' });
  return parsedRows(outcomes, 'moodle-xml');
}

// ---------------------------------------------------------------------------------------------
// Export

// Characters XML 1.0 cannot hold at all (control characters other than tab and line breaks).
const xmlSafe = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
const plain = (text: string): XNode => ({ '@_format': 'plain_text', text: xmlSafe(text) });

function questionName(d: QuestionDraft): string {
  if (d.id !== undefined) return d.id;
  const oneLine = d.stem.replace(/\s+/g, ' ').trim();
  return [...oneLine].length > 40 ? `${[...oneLine].slice(0, 40).join('')}…` : oneLine;
}

function questionNode(d: QuestionDraft): XNode {
  const k = d.key as Record<string, unknown>;
  const type = d.type === 'single' || d.type === 'multiple' ? 'multichoice' : d.type === 'fill' ? 'shortanswer' : d.type === 'short' ? 'essay' : 'truefalse';
  const q: XNode = {
    '@_type': type,
    '#comment': [` ${encodeMeta(metaFor(d, 'xml'))} `],
    name: { text: xmlSafe(questionName(d)) },
    questiontext: plain(d.stem),
    ...(d.explanation ? { generalfeedback: plain(d.explanation) } : {}),
    defaultgrade: '1',
    penalty: type === 'truefalse' ? '1' : '0.3333333',
    hidden: '0',
    ...(d.id !== undefined ? { idnumber: xmlSafe(d.id) } : {}),
  };
  // Empty feedback elements are left out (Moodle's importer defaults them to ''): exports stay small.
  const answer = (fraction: number, text: string, feedback = ''): XNode => ({
    '@_fraction': formatPercent(fraction), '@_format': 'plain_text', text: xmlSafe(text), ...(feedback ? { feedback: plain(feedback) } : {}),
  });
  switch (d.type) {
    case 'single':
    case 'multiple': {
      const correct = new Set(d.type === 'single' ? [k.answer as string] : (k.answer as string[]));
      const share = d.type === 'single' ? 1 : equalShare(correct.size);
      q.single = d.type === 'single' ? 'true' : 'false';
      q.shuffleanswers = 'true';
      q.answernumbering = 'ABCD';
      // Under every multiple-choice rule of ours a wrong option scores 0: Moodle's -100% (total clamped at 0).
      q.answer = d.options.map((o) =>
        answer(correct.has(o.id) ? (d.partialFractions?.[o.id] ?? share) : d.type === 'single' ? 0 : -1, o.text, o.feedback ?? ''),
      );
      break;
    }
    case 'truefalse':
      q.answer = [answer(k.answer ? 1 : 0, 'true'), answer(k.answer ? 0 : 1, 'false')];
      break;
    case 'fill':
      q.usecase = '0';
      q.answer = ((k.blanks as string[][])[0] ?? []).map((a) => answer(1, a));
      break;
    case 'short':
      q.responseformat = 'editor';
      q.responserequired = '1';
      q.responsefieldlines = '15';
      q.attachments = '0';
      q.attachmentsrequired = '0';
      q.graderinfo = plain(toGraderText(k.modelAnswer as string, k.rubric as string[]));
      break;
  }
  if (d.tags.length > 0) q.tags = { tag: d.tags.map((t) => ({ text: xmlSafe(t) })) };
  return q;
}

export function toMoodleXml(drafts: readonly QuestionDraft[]): string {
  const questions: XNode[] = [];
  let topic: string | null = null;
  for (const d of drafts) {
    if (d.topic !== topic) {
      topic = d.topic;
      questions.push({ '@_type': 'category', category: { text: categoryForTopic(topic) } });
    }
    questions.push(questionNode(d));
  }
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    commentPropName: '#comment',
    format: true,
    indentBy: ' ',
    suppressEmptyNode: false,
    processEntities: true,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ quiz: { '#comment': [' 消保学堂 question export (Moodle XML). "xiaobao:" comments carry fields Moodle has no place for. '], question: questions } }) as string}`;
}
