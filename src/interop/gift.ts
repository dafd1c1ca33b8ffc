/**
 * GIFT (Moodle's plain-text question format) import and export.
 *
 * Public API (stable):
 *   parseGift(text: string, opts?: TextParseOptions): ParsedRows
 *     One RowOutcome per question; `row` is the question's first line number. Throws
 *     InteropFileError when the file is empty, too large or holds no question at all.
 *   toGift(drafts: readonly QuestionDraft[]): string
 *
 * Mapping (docs/decisions/interop.md has the full table):
 *   $CATEGORY: $course$/top/<topic>  ↔ topic          ::name::                ← ignored (our id travels in the meta comment)
 *   {=right ~wrong#feedback}         ↔ single          {~%50%a ~%50%b ~%-100%c} ↔ multiple (+ partialFractions)
 *   {T} / {F}                        ↔ truefalse       {=alt1 =alt2}           ↔ fill (one blank; more blanks via the meta comment)
 *   {}  (essay)                      ↔ short           ####general feedback    ↔ explanation
 *   `// xiaobao: {…}` line right above the question: difficulty, source, tags, id, extra blanks, short-answer key.
 * Escapes: \~ \= \# \{ \} \: \\ and \n (newline), as Moodle's qformat_gift reads and writes them.
 * Unsupported types (numerical {#…}, matching {=a->b}, description) give a row problem.
 */
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
  topicFromCategory,
  type MoodleAnswer,
  type MoodleQuestion,
  type QuestionMeta,
} from './moodle-common.ts';

// Escaped characters become private-use placeholders while the structure is parsed (Moodle does
// the same with "&&058;"-style markers), then turn back into the characters.
const ESCAPES: Readonly<Record<string, string>> = { ':': '\ue001', '#': '\ue002', '=': '\ue003', '{': '\ue004', '}': '\ue005', '~': '\ue006', n: '\ue007' };
const BACKSLASH = '\ue000';

function escapePre(s: string): string {
  return s.replace(/\\\\/g, BACKSLASH).replace(/\\([:#={}~n])/g, (_, c: string) => ESCAPES[c] as string).replace(new RegExp(BACKSLASH, 'g'), '\\');
}

function escapePost(s: string): string {
  return s
    .replace(/\ue001/g, ':').replace(/\ue002/g, '#').replace(/\ue003/g, '=').replace(/\ue004/g, '{')
    .replace(/\ue005/g, '}').replace(/\ue006/g, '~').replace(/\ue007/g, '\n');
}

const COLUMNS = { stem: '题干 question text', answers: '答案 {…}', feedback: '反馈 feedback' };

/** `[html]…` / `[plain]…` prefix → plain text (Moodle's parse_text_with_format). */
function textWithFormat(raw: string): { text: string; images: number; scripts?: number } {
  const t = raw.trim();
  const m = /^\[(html|moodle|plain|markdown)\]/.exec(t);
  const body = escapePost(m ? t.slice(m[0].length) : t).trim();
  if (m?.[1] === 'html' || (m?.[1] !== 'plain' && m?.[1] !== 'markdown' && /<\/?(p|br|div|span|b|strong|em|i|img)\b/i.test(body))) {
    return htmlToText(body);
  }
  return { text: body, images: 0 };
}

interface Block {
  line: number;
  text: string;
  meta: QuestionMeta | null;
}

function blocks(source: string): Block[] {
  const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let cur: { line: number; lines: string[]; meta: QuestionMeta | null } | null = null;
  const flush = (): void => {
    if (cur && cur.lines.some((l) => l.trim() !== '')) out.push({ line: cur.line, text: cur.lines.join('\n').trim(), meta: cur.meta });
    cur = null;
  };
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      flush();
      return;
    }
    cur ??= { line: i + 1, lines: [], meta: null };
    const t = line.trim();
    if (t.startsWith('//')) {
      cur.meta = decodeMeta(t.slice(2)) ?? cur.meta;
      return;
    }
    if (cur.lines.length === 0) cur.line = i + 1; // the row is where the question text starts
    cur.lines.push(line);
  });
  flush();
  return out;
}

function splitFeedback(s: string): { text: string; feedback: string; images: number } {
  const i = s.indexOf('#');
  const a = textWithFormat(i === -1 ? s : s.slice(0, i));
  const f = i === -1 ? { text: '', images: 0 } : textWithFormat(s.slice(i + 1));
  return { text: a.text, feedback: f.text, images: a.images + f.images };
}

function weight(s: string): { fraction: number | null; rest: string } {
  const m = /^%(-?\d+(?:\.\d+)?)%/.exec(s);
  return m ? { fraction: Number(m[1]) / 100, rest: s.slice(m[0].length) } : { fraction: null, rest: s };
}

function readQuestion(b: Block, topic: string): MoodleQuestion | { error: string; error_zh: string } {
  let text = escapePre(b.text);
  if (text.startsWith('::')) {
    // As Moodle: "::name::" is dropped; a lone leading "::" too.
    const end = text.indexOf('::', 2);
    text = end !== -1 ? text.slice(end + 2).trim() : text.slice(2);
  }
  const open = text.indexOf('{');
  const close = text.indexOf('}');
  const q: MoodleQuestion = {
    row: b.line, qtype: '', stem: '', single: true, answers: [], generalFeedback: '', topic, tags: [], meta: b.meta, images: 0, droppedFeedback: false,
  };
  if (open === -1 && close === -1) {
    q.qtype = 'description';
    q.stem = textWithFormat(text).text;
    return q;
  }
  if (open === -1 || close === -1 || close < open) {
    return { error: 'The answer braces { } do not match (write \\{ or \\} for a literal brace).', error_zh: '答案的大括号 { } 不配对（题目文字中的大括号要写成 \\{ 或 \\}）。' };
  }
  let answerText = text.slice(open + 1, close).trim();
  const stemRaw = text.endsWith('}') ? text.slice(0, open) : `${text.slice(0, open)}_____${text.slice(close + 1)}`;
  const gf = answerText.lastIndexOf('####');
  let general = '';
  if (gf !== -1) {
    general = answerText.slice(gf + 4);
    answerText = answerText.slice(0, gf).trim();
  }
  const stem = textWithFormat(stemRaw);
  const fb = textWithFormat(general);
  q.stem = stem.text;
  q.generalFeedback = fb.text;
  q.images = stem.images + fb.images;
  q.scripts = (stem.scripts ?? 0) + (fb.scripts ?? 0);

  if (answerText === '') q.qtype = 'essay';
  else if (answerText.startsWith('#')) q.qtype = 'numerical';
  else if (answerText.includes('~')) q.qtype = 'multichoice';
  else if (answerText.includes('=') && answerText.includes('->')) q.qtype = 'match';
  else {
    const tf = (answerText.includes('#') ? answerText.slice(0, answerText.indexOf('#')) : answerText).trim();
    q.qtype = ['T', 'TRUE', 'F', 'FALSE'].includes(tf) ? 'truefalse' : 'shortanswer';
  }

  if (q.qtype === 'multichoice') {
    q.single = answerText.includes('=');
    const parts = answerText.replace(/=/g, '~=').split('~').map((p) => p.trim());
    if (parts[0] === '') parts.shift();
    q.answers = parts.map((p): MoodleAnswer => {
      let fraction = 0;
      let rest = p;
      if (p.startsWith('=')) {
        fraction = 1;
        rest = p.slice(1);
      } else {
        const w = weight(p);
        if (w.fraction !== null) {
          fraction = w.fraction;
          rest = w.rest;
        }
      }
      const s = splitFeedback(rest);
      q.images += s.images;
      return { text: s.text, fraction, feedback: s.feedback };
    });
  } else if (q.qtype === 'truefalse') {
    const bits = answerText.split('#');
    q.truefalse = ['T', 'TRUE'].includes((bits[0] ?? '').trim());
    q.droppedFeedback = bits.slice(1).some((x) => x.trim() !== '');
  } else if (q.qtype === 'shortanswer') {
    const parts = answerText.split('=').map((p) => p.trim());
    if (parts[0] === '') parts.shift();
    q.answers = parts.map((p) => {
      const w = weight(p);
      const s = splitFeedback(w.rest);
      return { text: s.text, fraction: w.fraction ?? 1, feedback: s.feedback };
    });
  }
  return q;
}

export function parseGift(text: string, opts: TextParseOptions = {}): ParsedRows {
  checkTextInput(text, 'GIFT');
  let topic = DEFAULT_TOPIC;
  const outcomes: RowOutcome[] = [];
  for (const b of blocks(text)) {
    const cat = /^\$CATEGORY:\s*(.*)$/s.exec(b.text);
    if (cat) {
      topic = topicFromCategory(escapePost(escapePre(cat[1] as string))) || DEFAULT_TOPIC;
      continue;
    }
    checkQuestionCount(outcomes.length + 1, 'GIFT');
    const q = readQuestion(b, topic);
    if ('error' in q) {
      outcomes.push({ row: b.line, problems: [{ row: b.line, column: COLUMNS.answers, message_zh: q.error_zh, message_en: q.error, fix_zh: '修正后重新上传。', fix_en: 'Fix it and upload again.' }], normalisations: [], warnings: [] });
      continue;
    }
    outcomes.push(draftFromMoodle(q, opts, COLUMNS));
  }
  if (outcomes.length === 0) {
    throw new InteropFileError('no_questions', '文件中没有找到 GIFT 格式的题目。', 'No GIFT questions were found in the file.');
  }
  flagDuplicatesInFile(outcomes, { zh: '行开始的题目', en: 'the question at line' });
  return parsedRows(outcomes, 'gift');
}

// ---------------------------------------------------------------------------------------------
// Export

/** Moodle's repchar: escape the reserved characters, newlines as \n. */
function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/([#=~{}:])/g, '\\$1').replace(/\r/g, '').replace(/\n/g, '\\n');
}

function answersBlock(d: QuestionDraft): string {
  const k = d.key as Record<string, unknown>;
  const feedback = (o: { feedback?: string }): string => (o.feedback ? `#${esc(o.feedback)}` : '');
  const general = d.explanation ? `\t####${esc(d.explanation)}\n` : '';
  switch (d.type) {
    case 'single':
      return `{\n${d.options.map((o) => `\t${o.id === k.answer ? '=' : '~'}${esc(o.text)}${feedback(o)}\n`).join('')}${general}}`;
    case 'multiple': {
      const correct = new Set(k.answer as string[]);
      const share = equalShare(correct.size);
      const lines = d.options.map((o) => {
        const w = correct.has(o.id) ? (d.partialFractions?.[o.id] ?? share) : -1;
        return `\t~%${formatPercent(w)}%${esc(o.text)}${feedback(o)}\n`;
      });
      return `{\n${lines.join('')}${general}}`;
    }
    case 'truefalse':
      return `{${k.answer ? 'TRUE' : 'FALSE'}${d.explanation ? `####${esc(d.explanation)}` : ''}}`;
    case 'fill': {
      // Moodle grades one box: the first blank's alternatives (all blanks travel in the meta comment).
      const first = (k.blanks as string[][])[0] ?? [];
      return `{\n${first.map((a) => `\t=${esc(a)}\n`).join('')}${general}}`;
    }
    case 'short':
      return `{${d.explanation ? `####${esc(d.explanation)}` : ''}}`;
  }
}

export function toGift(drafts: readonly QuestionDraft[]): string {
  const out: string[] = [
    '// 消保学堂 — GIFT export for Moodle (UTF-8).',
    '// Lines starting with "// xiaobao:" carry fields Moodle has no place for (difficulty, source, tags, id,',
    '// extra blanks, short-answer key); Moodle ignores them, 消保学堂 reads them back.',
    '',
  ];
  let topic: string | null = null;
  for (const d of drafts) {
    if (d.topic !== topic) {
      topic = d.topic;
      out.push(`$CATEGORY: ${categoryForTopic(topic)}`, '');
    }
    const name = d.id !== undefined ? `::${esc(d.id)}::` : '';
    out.push(`// ${encodeMeta(metaFor(d, 'gift'))}`, `${name}${esc(d.stem)}${answersBlock(d)}`, '');
  }
  return out.join('\n');
}
