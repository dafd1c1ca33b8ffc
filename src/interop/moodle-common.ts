/**
 * What the GIFT and Moodle XML modules share: Moodle's grade fractions and the snapping rule,
 * category paths ↔ topics, HTML ↔ plain text, and the metadata comment that carries our fields
 * Moodle has no place for.
 *
 *   MOODLE_FRACTIONS                     Moodle's allowed answer grades (question_bank::fraction_options_full)
 *   snapFraction(f) → { value, snapped } nearest allowed grade
 *   equalShare(n) → number               the allowed grade for 1/n (what our export writes per correct option)
 *   formatPercent(f) → '33.33333'        Moodle's percentage notation (fraction × 100, ≤ 5 decimals)
 *   topicFromCategory(path) / categoryForTopic(topic)
 *   htmlToText(html) → { text, images }  HTML (Moodle's usual text format) to our plain text
 *   textToHtml(text)                     plain text with line breaks to HTML
 *   META_PREFIX, encodeMeta / decodeMeta the `xiaobao:` comment (GIFT `//` line, XML <!-- -->)
 *   draftFromMoodle(question, opts, columns) → RowOutcome   the one Moodle → draft mapping
 *   metaFor(draft) → QuestionMeta                            what the comment carries for a draft
 */
import sanitizeHtml from 'sanitize-html';
import {
  DEFAULT_DIFFICULTY,
  DEFAULT_TOPIC,
  checkSource,
  outcomeFor,
  problem,
  validateDraft,
  type DraftSource,
  type Normalisation,
  type QuestionDraft,
  type RowOutcome,
  type RowProblem,
  type TextParseOptions,
} from './question-draft.ts';

/** Moodle's grade options for an answer, as fractions (positive list; negatives are their mirror). */
const POSITIVE = [1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05];
export const MOODLE_FRACTIONS: readonly number[] = [...POSITIVE, 0, ...POSITIVE.map((f) => -f)];

/**
 * The allowed grade nearest to `f` (ties go to the larger). `snapped` is true when `f` was not
 * already one of them (within 1e-5: exports write 5 decimals of a percentage, e.g. 33.33333).
 */
export function snapFraction(f: number): { value: number; snapped: boolean } {
  const clamped = Math.max(-1, Math.min(1, f));
  let best = 0;
  let bestDist = Infinity;
  for (const a of MOODLE_FRACTIONS) {
    const d = Math.abs(a - clamped);
    if (d < bestDist - 1e-12 || (Math.abs(d - bestDist) <= 1e-12 && a > best)) {
      best = a;
      bestDist = d;
    }
  }
  return { value: best, snapped: Math.abs(best - f) > 1e-5 };
}

export function equalShare(n: number): number {
  return snapFraction(1 / n).value;
}

export function formatPercent(f: number): string {
  return String(Number((f * 100).toFixed(5)));
}

/** Moodle category path → our topic: context prefix ($course$ …) and the top category dropped. */
export function topicFromCategory(path: string): string {
  let p = path.trim().replace(/^\$[a-z0-9]+\$\/?/i, '');
  p = p.replace(/^top(\/|$)/i, '');
  // Moodle writes a literal "/" in a category name as "//"; our topics use "/" for nesting anyway.
  return p.split(/\/+/).map((s) => s.trim()).filter((s) => s !== '').join('/');
}

export function categoryForTopic(topic: string): string {
  return `$course$/top/${topic}`;
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * HTML → plain text with line breaks: <br> and block ends become newlines, list items become
 * lines, every tag is removed by sanitize-html (scripts and styles with their content), entities
 * decoded once. `images` counts <img> elements dropped (the importer warns).
 */
export function htmlToText(html: string): { text: string; images: number; scripts: number } {
  const images = (html.match(/<img\b/gi) ?? []).length;
  // Active content (removed by the sanitiser) is counted so the importer can say so.
  const scripts = (html.match(/<(script|style|iframe|object|embed)\b|javascript\s*:|\son[a-z]+\s*=/gi) ?? []).length;
  const marked = html
    .replace(/\r\n?/g, '\n')
    .replace(/\n/g, ' ') // in HTML a newline is a space; line breaks are tags
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^<>]*>/gi, '\n') // [^<>]: [^>]* was quadratic on thousands of unclosed <li
    .replace(/<\/(p|div|li|ol|ul|tr|h[1-6]|blockquote|pre)\s*>/gi, '\n');
  const stripped = sanitizeHtml(marked, {
    allowedTags: [],
    allowedAttributes: {},
    disallowedTagsMode: 'discard',
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'],
  });
  const text = stripped
    .replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m)
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, images, scripts };
}

export function textToHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '<br>');
}

// ---------------------------------------------------------------------------------------------
// Metadata comment

/**
 * Fields Moodle has no place for travel in a comment Moodle ignores (GIFT `// xiaobao: {…}` line
 * directly above the question; Moodle XML `<!-- xiaobao: {…} -->` inside <question>). Moodle drops
 * comments when it re-exports, so these fields survive our own files, not a trip through Moodle.
 */
export const META_PREFIX = 'xiaobao:';

export interface QuestionMeta {
  id?: string;
  difficulty?: number;
  source?: DraftSource;
  tags?: string[];
  /** Fill: all blanks (when more than one, or order-insensitive). */
  blanks?: string[][];
  orderInsensitive?: boolean;
  /** Short: model answer and marking points (GIFT has no grader information). */
  modelAnswer?: string;
  rubric?: string[];
}

/** JSON with every "-" escaped, so "--" (not allowed in an XML comment) cannot appear. */
export function encodeMeta(meta: QuestionMeta): string {
  return `${META_PREFIX} ${JSON.stringify(meta).replace(/-/g, '\\u002d')}`;
}

/** The meta object from a comment's text, or null when it is not ours or not valid. */
export function decodeMeta(comment: string): QuestionMeta | null {
  const t = comment.trim();
  if (!t.startsWith(META_PREFIX)) return null;
  try {
    const v = JSON.parse(t.slice(META_PREFIX.length)) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    const m = v as Record<string, unknown>;
    const out: QuestionMeta = {};
    if (typeof m.id === 'string' && m.id !== '') out.id = m.id;
    if (typeof m.difficulty === 'number' && Number.isInteger(m.difficulty)) out.difficulty = m.difficulty;
    const s = m.source as Record<string, unknown> | undefined;
    if (s && typeof s === 'object') {
      if (typeof s.instrument === 'string') out.source = typeof s.article === 'number' ? { instrument: s.instrument, article: s.article } : { instrument: s.instrument };
      else if (typeof s.text === 'string') out.source = { text: s.text };
    }
    if (Array.isArray(m.tags) && m.tags.every((x) => typeof x === 'string')) out.tags = m.tags as string[];
    if (Array.isArray(m.blanks) && m.blanks.every((b) => Array.isArray(b) && b.every((x) => typeof x === 'string'))) out.blanks = m.blanks as string[][];
    if (typeof m.orderInsensitive === 'boolean') out.orderInsensitive = m.orderInsensitive;
    if (typeof m.modelAnswer === 'string') out.modelAnswer = m.modelAnswer;
    if (Array.isArray(m.rubric) && m.rubric.every((x) => typeof x === 'string')) out.rubric = m.rubric as string[];
    return out;
  } catch {
    return null;
  }
}

/** Splits grader information text into model answer and marking points (see toGraderText). */
export const RUBRIC_HEADING = '评分要点：';
export const ANSWER_HEADING = '参考答案：';

export function toGraderText(modelAnswer: string, rubric: readonly string[]): string {
  return `${ANSWER_HEADING}\n${modelAnswer}\n${RUBRIC_HEADING}\n${rubric.map((r, i) => `${i + 1}. ${r}`).join('\n')}`;
}

export function fromGraderText(text: string): { modelAnswer: string; rubric: string[] } {
  const t = text.replace(/\r\n?/g, '\n').trim();
  // The heading is found by its words, not by the whitespace before it: a leading `\s*` made the
  // search quadratic on long runs of spaces (a hostile file). The answer part is trimmed anyway.
  const m = /(?:评分要点|得分要点|marking points|rubric)\s*[:：]\s*\n?/i.exec(t);
  const answerPart = (m ? t.slice(0, m.index) : t).replace(/^\s*(?:参考答案|model answer)\s*[:：]\s*\n?/i, '').trim();
  const rubric = m
    ? t.slice(m.index + m[0].length).split('\n').map((l) => l.replace(/^\s*(?:\d+[.、)）]|[-•·*])\s*/, '').trim()).filter((l) => l !== '')
    : [];
  return { modelAnswer: answerPart, rubric };
}

// ---------------------------------------------------------------------------------------------
// One Moodle question (from GIFT or XML) → a row outcome

export interface MoodleAnswer {
  text: string;
  /** Grade as a fraction (-1…1), as written (not yet snapped). */
  fraction: number;
  feedback: string;
}

export interface MoodleQuestion {
  /** GIFT: first line number; XML: question index (categories not counted). */
  row: number;
  /** Moodle qtype: multichoice, truefalse, shortanswer, essay, or anything else (unsupported). */
  qtype: string;
  stem: string;
  /** multichoice: one answer allowed (Moodle `single`). */
  single: boolean;
  answers: MoodleAnswer[];
  /** truefalse: the correct answer. */
  truefalse?: boolean;
  generalFeedback: string;
  /** essay: grader information as plain text. */
  graderInfo?: string;
  topic: string;
  tags: string[];
  /** Moodle idnumber (XML) — our question id on re-import. */
  idnumber?: string;
  meta: QuestionMeta | null;
  /** Images dropped while converting text (the row gets a warning). */
  images: number;
  /** Scripts/styles/event handlers removed while converting HTML (the row gets a warning). */
  scripts?: number;
  /** Feedback that has no place in our model (true/false feedback, combined feedback). */
  droppedFeedback: boolean;
}

const LETTERS = 'ABCDEFGHIJ';

const QTYPE_NAMES: Readonly<Record<string, string>> = {
  numerical: '数值题 numerical', match: '匹配题 matching', description: '说明文字 description', multianswer: '完形/嵌入答案题 cloze (embedded answers)',
  calculated: '计算题 calculated', calculatedsimple: '计算题 calculated', calculatedmulti: '计算选择题 calculated multichoice', ddwtos: '拖放题 drag and drop',
  gapselect: '下拉选词题 select missing words', randomsamatch: '随机匹配题 random short-answer matching', ordering: '排序题 ordering',
};

export function draftFromMoodle(q: MoodleQuestion, opts: TextParseOptions, columns: { stem: string; answers: string; feedback: string }): RowOutcome {
  const problems: RowProblem[] = [];
  const warnings: RowProblem[] = [];
  const normalisations: Normalisation[] = [];
  const row = q.row;
  const meta = q.meta ?? {};
  const unsupported = (): RowOutcome => {
    const name = QTYPE_NAMES[q.qtype] ?? q.qtype;
    problems.push(problem(row, columns.answers, `不支持的题型：${name}。`, `Unsupported question type: ${name}.`, '只导入单选、多选、判断、填空（简答题 shortanswer）和简答（论述 essay）题；这道题需要在题库中手动重建。', 'Only multichoice, true/false, short answer (fill) and essay questions are imported; recreate this one in the bank editor.'));
    return outcomeFor(row, undefined, problems, normalisations, warnings);
  };

  let draft: QuestionDraft | undefined;
  const base = {
    stem: q.stem,
    explanation: q.generalFeedback,
    difficulty: meta.difficulty ?? DEFAULT_DIFFICULTY,
    topic: q.topic || DEFAULT_TOPIC,
    tags: meta.tags ?? q.tags,
    source: checkSource(meta.source ?? null, opts.instruments, row, warnings),
  };
  switch (q.qtype) {
    case 'multichoice': {
      if (q.answers.length > LETTERS.length) {
        problems.push(problem(row, columns.answers, `选项过多（${q.answers.length} 个），上限 ${LETTERS.length} 个。`, `Too many answers (${q.answers.length}; limit ${LETTERS.length}).`, '删减选项。', 'Remove answers.'));
        return outcomeFor(row, undefined, problems, normalisations, warnings);
      }
      const options = q.answers.map((a, i) => (a.feedback ? { id: LETTERS[i] as string, text: a.text, feedback: a.feedback } : { id: LETTERS[i] as string, text: a.text }));
      const snapped = q.answers.map((a, i) => {
        const s = snapFraction(a.fraction);
        if (s.snapped) {
          warnings.push(problem(row, `${columns.answers} ${LETTERS[i]}`, `选项 ${LETTERS[i]} 的得分比例 ${formatPercent(a.fraction)}% 不是 Moodle 允许的值，已调整为 ${formatPercent(s.value)}%。`, `Option ${LETTERS[i]}'s grade ${formatPercent(a.fraction)}% is not one Moodle allows; snapped to ${formatPercent(s.value)}%.`, '如需其他比例，请在题库编辑器中调整。', 'Adjust it in the bank editor if needed.'));
          normalisations.push({ column: `${columns.answers} ${LETTERS[i]}`, from: `${formatPercent(a.fraction)}%`, to: `${formatPercent(s.value)}%` });
        }
        return s.value;
      });
      if (q.single) {
        const full = snapped.flatMap((f, i) => (f >= 1 ? [LETTERS[i] as string] : []));
        if (full.length !== 1) {
          problems.push(problem(row, columns.answers, full.length === 0 ? '单选题没有满分（100%）选项。' : `单选题有 ${full.length} 个满分选项。`, full.length === 0 ? 'The single-answer question has no 100% answer.' : `The single-answer question has ${full.length} answers worth 100%.`, '让恰好一个选项为 100%（GIFT 中用 = 标记），或改为多选。', 'Give exactly one answer 100% (= in GIFT), or make it multiple-answer.'));
          break;
        }
        if (snapped.some((f) => f > 0 && f < 1)) {
          warnings.push(problem(row, columns.answers, '单选题其他选项的部分得分已忽略（本系统单选题只有一个正确答案）。', 'Partial credit on other answers of a single-answer question was dropped (our single choice has one correct answer).', '无需处理。', 'No action needed.'));
        }
        draft = { ...base, type: 'single', options, key: { answer: full[0] as string } };
      } else {
        const correct = snapped.flatMap((f, i) => (f > 0 ? [LETTERS[i] as string] : []));
        if (correct.length === 1) {
          normalisations.push({ column: columns.answers, from: 'multichoice (multiple answers), one correct', to: '单选题 single' });
          draft = { ...base, type: 'single', options, key: { answer: correct[0] as string } };
          break;
        }
        draft = { ...base, type: 'multiple', options, key: { answer: correct } };
        const share = equalShare(correct.length);
        const positive = correct.map((id) => snapped[LETTERS.indexOf(id)] as number);
        if (positive.some((f) => Math.abs(f - share) > 1e-6)) {
          draft.partialFractions = Object.fromEntries(correct.map((id, i) => [id, positive[i] as number]));
          const sum = positive.reduce((a, b) => a + b, 0);
          if (Math.abs(sum - 1) > 0.01) {
            warnings.push(problem(row, columns.answers, `正确选项的得分比例合计为 ${formatPercent(sum)}%，不是 100%。`, `The correct answers' grades add up to ${formatPercent(sum)}%, not 100%.`, '在题库编辑器中检查部分得分。', 'Check the partial credit in the bank editor.'));
          }
        }
      }
      break;
    }
    case 'truefalse':
      if (q.truefalse === undefined) {
        problems.push(problem(row, columns.answers, '判断题没有正确答案。', 'The true/false question has no correct answer.', 'GIFT 写 {T} 或 {F}；XML 中给 true 或 false 其中一个 100%。', 'Write {T} or {F} in GIFT; give true or false 100% in XML.'));
        break;
      }
      draft = { ...base, type: 'truefalse', options: [], key: { answer: q.truefalse } };
      break;
    case 'shortanswer': {
      const full = q.answers.filter((a) => snapFraction(a.fraction).value >= 1).map((a) => a.text);
      if (q.answers.length > full.length) {
        warnings.push(problem(row, columns.answers, '得分低于 100% 的答案已忽略（填空题的可接受答案都得满分）。', 'Answers worth less than 100% were dropped (every accepted answer of a blank gets full marks).', '无需处理。', 'No action needed.'));
      }
      const blanks = meta.blanks ?? [full];
      draft = { ...base, type: 'fill', options: [], key: { blanks, orderInsensitive: meta.orderInsensitive ?? false } };
      break;
    }
    case 'essay': {
      const fromGrader = q.graderInfo !== undefined ? fromGraderText(q.graderInfo) : { modelAnswer: '', rubric: [] as string[] };
      draft = { ...base, type: 'short', options: [], key: { modelAnswer: meta.modelAnswer ?? fromGrader.modelAnswer, rubric: meta.rubric ?? fromGrader.rubric } };
      if ((draft.key as { modelAnswer: string }).modelAnswer === '') {
        problems.push(problem(row, columns.answers, '简答题（essay）没有参考答案。', 'The essay question has no model answer.', 'Moodle 中把参考答案和评分要点写在“评分者信息”（graderinfo）里：先写参考答案，再写“评分要点：”并逐条列出。', 'In Moodle put the model answer, then "评分要点：" and one marking point per line, in the grader information.'));
      }
      break;
    }
    default:
      return unsupported();
  }
  if (q.images > 0) {
    warnings.push(problem(row, columns.stem, `已忽略 ${q.images} 张图片（题目只支持文字）。`, `${q.images} image(s) were dropped (questions are text only).`, '如图片是题目的一部分，请把内容改写为文字。', 'If an image carried content, write it out as text.'));
  }
  if ((q.scripts ?? 0) > 0) {
    warnings.push(problem(row, columns.stem, 'HTML 中的脚本或样式已删除，请核对文字。', 'Scripts or styles were removed from the HTML; check the text.', '核对题目文字是否完整。', 'Check that the text is complete.'));
  }
  if (q.droppedFeedback) {
    warnings.push(problem(row, columns.feedback, '判断题的反馈或整体反馈（答对/答错反馈）没有对应字段，已忽略；解析（general feedback）已保留。', 'True/false and combined (correct/incorrect) feedback have no place here and were dropped; the general feedback (explanation) was kept.', '需要时把内容并入解析。', 'Merge it into the explanation if needed.'));
  }
  if (!draft) return outcomeFor(row, undefined, problems, normalisations, warnings);
  const id = meta.id ?? q.idnumber;
  if (id !== undefined && id !== '') draft.id = id;
  problems.push(...validateDraft(draft, row, { stem: columns.stem, key: columns.answers, options: columns.answers, explanation: columns.feedback }));
  return outcomeFor(row, draft, problems, normalisations, warnings);
}

/** The metadata comment for a draft: only what the Moodle formats cannot carry themselves. */
export function metaFor(d: QuestionDraft, format: 'gift' | 'xml'): QuestionMeta {
  const m: QuestionMeta = {};
  if (d.id !== undefined && format === 'gift') m.id = d.id; // XML has <idnumber>
  m.difficulty = d.difficulty;
  if (d.source) m.source = d.source;
  if (d.tags.length > 0 && format === 'gift') m.tags = d.tags; // XML has <tags>
  if (d.type === 'fill') {
    const k = d.key as { blanks: string[][]; orderInsensitive: boolean };
    if (k.blanks.length > 1) m.blanks = k.blanks;
    if (k.orderInsensitive) m.orderInsensitive = true;
  }
  if (d.type === 'short' && format === 'gift') {
    const k = d.key as { modelAnswer: string; rubric: string[] };
    m.modelAnswer = k.modelAnswer;
    m.rubric = k.rubric;
  }
  return m;
}
