/**
 * Question banks in the spreadsheet layout Chinese trainers already use (Excel/WPS .xlsx, or CSV):
 *
 *   题型 | 题干 | 选项A … 选项H | 答案 | 解析 | 难度 | 知识点/分类 | 出处 | 条款 | 标签 | 评分要点 | 填空顺序不限 | 题号
 *
 * Public API (stable; the bank functions and pages import it):
 *
 *   parseQuestionWorkbook(data: Uint8Array, opts?: ParseSheetOptions): Promise<ParsedRows>
 *     .xlsx (or CSV when `opts.fileName` ends in .csv). Every data row gives a RowOutcome (see
 *     question-draft.ts) with problems located by row and column and the normalisations applied
 *     ("Ａ → A", "A、B → AB", "√ → 对"). A file that cannot be used at all (not xlsx, empty, too
 *     large, no 题型/题干/答案 column) throws SpreadsheetError { code, message_zh, message_en }.
 *   questionTemplate(): Promise<Uint8Array>
 *     The downloadable template: sheet 题目 (header + one example per type), sheet 说明 (how to fill it).
 *   questionsToWorkbook(drafts, opts?): Promise<Uint8Array>
 *     Export in the same layout (formula-safe); re-importing it gives the same drafts.
 *   RegisterEntry { id, title, short }   — the regulation register, passed in as `opts.instruments`
 *                                          (no file reads here)
 *   matchInstrument(text, register) → RegisterEntry | null
 *   TEMPLATE_COLUMNS, TYPE_ALIASES
 *
 * Accepted spellings: see TYPE_ALIASES, TRUE_WORDS/FALSE_WORDS and docs/decisions/interop.md.
 * Columns are found by header name (any order; extra columns are ignored with a file warning).
 */
import type { QuestionType } from '../core/questions.ts';
import {
  DEFAULT_DIFFICULTY,
  DEFAULT_TOPIC,
  flagDuplicatesInFile,
  matchInstrument,
  outcomeFor,
  parsedRows,
  parseArticle,
  articleText,
  problem,
  validateDraft,
  type DraftField,
  type DraftOption,
  type DraftSource,
  type ParsedRows,
  type Normalisation,
  type QuestionDraft,
  type RegisterEntry,
  type RowOutcome,
  type RowProblem,
} from './question-draft.ts';
export { matchInstrument, type RegisterEntry };

import {
  SpreadsheetError,
  columnLetter,
  readCsvRows,
  readSheetRows,
  writeWorkbook,
  type CellIssue,
  type SheetData,
  type WriteCell,
} from './spreadsheet.ts';

export interface ParseSheetOptions {
  /** The regulation register, to resolve 出处 (id, short title or full title). */
  instruments?: readonly RegisterEntry[];
  /** The uploaded file's name: `.csv` selects the CSV reader. */
  fileName?: string;
  maxBytes?: number;
  maxRows?: number;
}

// ---------------------------------------------------------------------------------------------
// Columns

type Col =
  | 'id' | 'type' | 'stem' | 'answer' | 'explanation' | 'difficulty' | 'topic' | 'instrument' | 'article'
  | 'tags' | 'rubric' | 'orderInsensitive';

const OPTION_LETTERS = 'ABCDEFGHIJ'; // core allows 10 options; the template shows A–H

/** Header spellings (after folding: NFKC, no spaces, no * or （必填）-style notes). */
const HEADER_ALIASES: Readonly<Record<Col, readonly string[]>> = {
  id: ['题号', 'id', '题目id', '试题id', '题目编号', '试题编号'],
  type: ['题型', '类型', '题目类型', '试题类型'],
  stem: ['题干', '题目', '试题', '题目内容', '试题内容', '问题'],
  answer: ['答案', '正确答案', '标准答案', '参考答案'],
  explanation: ['解析', '答案解析', '试题解析', '题目解析'],
  difficulty: ['难度', '难度等级', '难度系数'],
  topic: ['知识点/分类', '知识点', '分类', '知识点分类', '章节', '题目分类'],
  instrument: ['出处', '法规', '依据', '法规依据', '出处法规'],
  article: ['条款', '条文', '法条', '条'],
  tags: ['标签'],
  rubric: ['评分要点', '得分要点', '要点'],
  orderInsensitive: ['填空顺序不限', '顺序不限'],
};

export const TEMPLATE_COLUMNS = [
  '题型', '题干', '选项A', '选项B', '选项C', '选项D', '选项E', '选项F', '选项G', '选项H',
  '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点', '填空顺序不限', '题号',
] as const;

function foldHeader(h: string): string {
  return h
    .normalize('NFKC')
    // 题型（必填）. An opening bracket inside a group ends the scan: `[^)）]*` was quadratic on a cell of
    // thousands of "(" (one shared string can fill every cell of the first 20 rows).
    .replace(/[(（][^()（）]*[)）]/g, '')
    .replace(/[\s*＊:：]/g, '')
    .toLowerCase();
}

interface ColumnMap {
  cols: Partial<Record<Col, number>>;
  options: { letter: string; index: number }[];
  unknown: string[];
  header: string[];
}

function mapColumns(header: string[]): ColumnMap {
  const cols: Partial<Record<Col, number>> = {};
  const options: { letter: string; index: number }[] = [];
  const unknown: string[] = [];
  header.forEach((raw, i) => {
    const h = foldHeader(raw);
    if (h === '') return;
    const opt = /^(?:选项)?([a-j])(?:选项)?$/.exec(h);
    if (opt) {
      const letter = (opt[1] as string).toUpperCase();
      if (!options.some((o) => o.letter === letter)) options.push({ letter, index: i });
      return;
    }
    for (const [col, aliases] of Object.entries(HEADER_ALIASES) as [Col, readonly string[]][]) {
      if (aliases.includes(h)) {
        if (cols[col] === undefined) cols[col] = i;
        return;
      }
    }
    unknown.push(raw);
  });
  options.sort((a, b) => a.letter.localeCompare(b.letter));
  return { cols, options, unknown, header };
}

// ---------------------------------------------------------------------------------------------
// Value spellings

export const TYPE_ALIASES: Readonly<Record<QuestionType, readonly string[]>> = {
  single: ['单选', '单选题', '单项选择', '单项选择题', '单择题', 'single', 'singlechoice', 'sc'],
  multiple: ['多选', '多选题', '多项选择', '多项选择题', '不定项', '不定项选择', '不定项选择题', 'multiple', 'multiplechoice', 'mc'],
  truefalse: ['判断', '判断题', '是非题', '对错题', '正误题', 'truefalse', 'tf'],
  fill: ['填空', '填空题', 'fill', 'blank'],
  short: ['简答', '简答题', '问答', '问答题', '论述', '论述题', 'short', 'essay'],
};
const TYPE_NAMES: Readonly<Record<QuestionType, string>> = { single: '单选题', multiple: '多选题', truefalse: '判断题', fill: '填空题', short: '简答题' };
/** For the English half of a message (the Chinese names above are the template's own vocabulary). */
const TYPE_NAMES_EN: Readonly<Record<QuestionType, string>> = { single: 'Single-choice', multiple: 'Multiple-choice', truefalse: 'True/false', fill: 'Fill-in-the-blank', short: 'Short-answer' };

const TRUE_WORDS = ['对', '正确', '√', '✓', '✔', '是', 't', 'true', 'y', 'yes', '1'];
const FALSE_WORDS = ['错', '错误', '×', '✗', '✘', 'x', '否', '不正确', 'f', 'false', 'n', 'no', '0'];

const DIFFICULTY_WORDS: Readonly<Record<string, number>> = {
  容易: 1, 简单: 1, 易: 1, 较易: 2, 较容易: 2, 中等: 3, 中: 3, 一般: 3, 适中: 3, 较难: 4, 困难: 5, 难: 5,
};

function parseType(raw: string): QuestionType | null {
  const t = raw.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  for (const [type, aliases] of Object.entries(TYPE_ALIASES) as [QuestionType, readonly string[]][]) {
    if (aliases.includes(t)) return type;
  }
  return null;
}

/** Strips the apostrophe our own exports add before a formula-looking text (src/core/csv.ts). */
function unguard(s: string): string {
  return /^'[=+\-@\t\r\n]/.test(s) ? s.slice(1) : s;
}

/** Line breaks as \n; trimmed; the guard apostrophe removed. */
function cellText(s: string | undefined): string {
  return unguard((s ?? '').replace(/\r\n?/g, '\n')).trim();
}

// ---------------------------------------------------------------------------------------------
// Register

// ---------------------------------------------------------------------------------------------
// Parsing one row

interface RowCtx {
  row: number;
  problems: RowProblem[];
  normalisations: Normalisation[];
  warnings: RowProblem[];
  colName: (c: Col | 'option', letter?: string) => string;
}

function parseChoiceAnswer(raw: string, ctx: RowCtx): string[] | null {
  const column = ctx.colName('answer');
  const folded = raw.normalize('NFKC').toUpperCase();
  const letters = folded.replace(/[\s,，、;；/|和及与]+/g, '');
  if (!/^[A-J]+$/.test(letters)) {
    ctx.problems.push(problem(ctx.row, column, `答案“${raw}”不是选项字母。`, `The answer "${raw}" is not option letters.`, '填写选项字母，如 B 或 ABD（也可写 A,B,D 或 A、B）。', 'Use option letters, e.g. B or ABD (A,B,D and A、B also work).'));
    return null;
  }
  const list = [...letters];
  if (new Set(list).size !== list.length) {
    ctx.problems.push(problem(ctx.row, column, `答案“${raw}”中有重复的字母。`, `The answer "${raw}" repeats a letter.`, '每个正确选项只写一次。', 'List each correct option once.'));
    return null;
  }
  const sorted = [...list].sort();
  if (sorted.join('') !== raw) ctx.normalisations.push({ column, from: raw, to: sorted.join('') });
  return sorted;
}

function parseTrueFalse(raw: string, options: DraftOption[], ctx: RowCtx): boolean | null {
  const t = raw.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  let value: boolean | null = TRUE_WORDS.includes(t) ? true : FALSE_WORDS.includes(t) ? false : null;
  // Some files write 判断题 as two options (A 正确 / B 错误) and answer with the letter.
  if (value === null && /^[ab]$/.test(t)) {
    const text = options.find((o) => o.id === t.toUpperCase())?.text.replace(/\s+/g, '').toLowerCase() ?? '';
    value = TRUE_WORDS.includes(text) ? true : FALSE_WORDS.includes(text) ? false : null;
  }
  if (value === null) {
    ctx.problems.push(problem(ctx.row, ctx.colName('answer'), `判断题的答案“${raw}”无法识别。`, `The true/false answer "${raw}" is not recognised.`, '填写 对 或 错（也可用 正确/错误、√/×、是/否、T/F）。', 'Use 对 or 错 (正确/错误, √/×, 是/否, T/F also work).'));
    return null;
  }
  const canonical = value ? '对' : '错';
  if (raw !== canonical) ctx.normalisations.push({ column: ctx.colName('answer'), from: raw, to: canonical });
  return value;
}

function parseBlanks(raw: string, ctx: RowCtx): string[][] {
  const column = ctx.colName('answer');
  // Full-width separators (｜ ；) are what a Chinese IME types; treat them as | and ;.
  const unified = raw.replace(/｜/g, '|').replace(/；/g, ';');
  if (unified !== raw) ctx.normalisations.push({ column, from: raw, to: unified });
  return unified.split('|').map((b) => b.split(';').map((a) => a.trim()).filter((a) => a !== ''));
}

function parseDifficulty(raw: string, ctx: RowCtx): number {
  const column = ctx.colName('difficulty');
  if (raw === '') return DEFAULT_DIFFICULTY;
  const t = raw.normalize('NFKC').trim();
  const n = Number(t);
  if (/^\d+(\.0+)?$/.test(t) && n >= 1 && n <= 5) {
    if (String(n) !== raw) ctx.normalisations.push({ column, from: raw, to: String(n) });
    return n;
  }
  const word = DIFFICULTY_WORDS[t];
  if (word !== undefined) {
    ctx.normalisations.push({ column, from: raw, to: String(word) });
    return word;
  }
  ctx.problems.push(problem(ctx.row, column, `难度“${raw}”无法识别。`, `The difficulty "${raw}" is not recognised.`, '填写 1–5 的整数（1 最容易），或 容易/较易/中等/较难/困难，或留空（默认 3）。', 'Use 1–5 (1 = easiest), 容易/较易/中等/较难/困难, or leave it empty (default 3).'));
  return DEFAULT_DIFFICULTY;
}

function parseSource(instrumentRaw: string, articleRaw: string, register: readonly RegisterEntry[], ctx: RowCtx): DraftSource | null {
  if (instrumentRaw === '' && articleRaw === '') return null;
  const entry = instrumentRaw === '' ? null : matchInstrument(instrumentRaw, register);
  const article = articleRaw === '' ? null : parseArticle(articleRaw);
  if (instrumentRaw === '') {
    ctx.problems.push(problem(ctx.row, ctx.colName('article'), '填写了条款却没有出处。', 'An article is given without an instrument.', '在“出处”列填写法规名称（或登记簿编号）。', 'Fill the 出处 (instrument) column.'));
    return null;
  }
  if (entry && (articleRaw === '' || article !== null)) {
    if (entry.id !== instrumentRaw) ctx.normalisations.push({ column: ctx.colName('instrument'), from: instrumentRaw, to: entry.id });
    if (article !== null && String(article) !== articleRaw) ctx.normalisations.push({ column: ctx.colName('article'), from: articleRaw, to: String(article) });
    return article !== null ? { instrument: entry.id, article } : { instrument: entry.id };
  }
  const text = [instrumentRaw, articleRaw].filter((s) => s !== '').join(' ');
  ctx.warnings.push(
    entry
      ? problem(ctx.row, ctx.colName('article'), `条款“${articleRaw}”不是条号，出处按文字“${text}”保存。`, `The article "${articleRaw}" is not an article number; the source is kept as the text "${text}".`, '条款写成 第十五条 或 15，便于关联法规登记簿。', 'Write the article as 第十五条 or 15 to link it to the register.')
      : problem(ctx.row, ctx.colName('instrument'), `出处“${instrumentRaw}”不在法规登记簿中，按文字保存；法规修订时不会提示复核这道题。`, `The instrument "${instrumentRaw}" is not in the regulation register; it is kept as text, so rule changes will not flag this question.`, '改用登记簿中的法规名称或简称。', 'Use the register’s title or short title.'),
  );
  return { text };
}

function rowToOutcome(values: string[], map: ColumnMap, row: number, cellIssues: CellIssue[], register: readonly RegisterEntry[]): RowOutcome {
  const letterOf = (i: number): string => columnLetter(i);
  const colName = (c: Col | 'option', letter?: string): string => {
    if (c === 'option') {
      const o = map.options.find((x) => x.letter === letter);
      return o ? `${letterOf(o.index)}（${map.header[o.index]}）` : `选项${letter ?? ''}`;
    }
    const i = map.cols[c];
    return i === undefined ? (HEADER_ALIASES[c][0] as string) : `${letterOf(i)}（${map.header[i]}）`;
  };
  const ctx: RowCtx = { row, problems: [], normalisations: [], warnings: [], colName };
  const get = (c: Col): string => (map.cols[c] === undefined ? '' : cellText(values[map.cols[c] as number]));

  // Cell-level findings (formula, merged, HTML, error) make the row unusable: nothing is guessed.
  for (const i of cellIssues) {
    const fix_zh = i.kind === 'formula' ? '把公式改为数值（复制 → 选择性粘贴 → 数值）。' : i.kind === 'merged' ? '取消合并单元格，每行填写完整。' : i.kind === 'html' ? '删除 HTML/脚本标签，只保留文字。' : '改为正确的内容。';
    const fix_en = i.kind === 'formula' ? 'Replace the formula by its value (copy → Paste Special → Values).' : i.kind === 'merged' ? 'Unmerge the cells and fill every row.' : i.kind === 'html' ? 'Remove the HTML/script tags; keep the text.' : 'Replace it with the intended content.';
    ctx.problems.push(problem(row, `${i.column}（${i.header}）`, i.message_zh, i.message_en, fix_zh, fix_en));
  }

  const typeRaw = get('type');
  const type = parseType(typeRaw);
  if (type === null) {
    ctx.problems.push(problem(row, colName('type'), typeRaw === '' ? '题型为空。' : `题型“${typeRaw}”无法识别。`, typeRaw === '' ? 'The question type is empty.' : `The question type "${typeRaw}" is not recognised.`, '填写 单选、多选、判断、填空 或 简答。', 'Use 单选, 多选, 判断, 填空 or 简答.'));
    return outcomeFor(row, undefined, ctx.problems, ctx.normalisations, ctx.warnings);
  }
  const canonicalType = TYPE_NAMES[type];
  if (typeRaw !== canonicalType && typeRaw !== canonicalType.slice(0, 2)) ctx.normalisations.push({ column: colName('type'), from: typeRaw, to: canonicalType });

  // Options: contiguous from A; a gap is an error (B empty while C is filled shifts every letter).
  const options: DraftOption[] = [];
  let gapAt: string | null = null;
  for (const { letter, index } of map.options) {
    const raw = values[index] ?? '';
    const text = cellText(raw);
    if (text === '') {
      gapAt ??= letter;
      continue;
    }
    if (gapAt !== null) {
      ctx.problems.push(problem(row, colName('option', letter), `选项${gapAt}为空，但选项${letter}有内容。`, `Option ${gapAt} is empty but option ${letter} is filled.`, '选项从 A 开始连续填写，不要空列。', 'Fill options from A onwards without gaps.'));
      gapAt = null;
    }
    options.push({ id: letter, text });
  }

  let stem = get('stem');
  const answerRaw = get('answer');
  let key: QuestionDraft['key'] | null = null;
  let finalType: QuestionType = type;
  switch (type) {
    case 'single':
    case 'multiple': {
      if (answerRaw === '') break;
      const letters = parseChoiceAnswer(answerRaw, ctx);
      if (letters === null) break;
      // 不定项选择 with one correct option is a single-choice question in our engine.
      const undetermined = /^不定项/.test(typeRaw.replace(/\s+/g, ''));
      if (type === 'multiple' && letters.length === 1 && undetermined) {
        finalType = 'single';
        ctx.normalisations.push({ column: colName('type'), from: typeRaw, to: TYPE_NAMES.single });
      } else if (type === 'single' && letters.length > 1) {
        ctx.problems.push(problem(row, colName('answer'), `单选题的答案“${answerRaw}”有 ${letters.length} 个选项。`, `A single-choice answer "${answerRaw}" names ${letters.length} options.`, '只保留一个正确选项，或把题型改为多选。', 'Keep one correct option, or change the type to 多选.'));
        break;
      }
      key = finalType === 'single' ? { answer: letters[0] as string } : { answer: letters };
      break;
    }
    case 'truefalse': {
      if (answerRaw === '') break;
      const v = parseTrueFalse(answerRaw, options, ctx);
      if (v !== null) key = { answer: v };
      break;
    }
    case 'fill': {
      if (answerRaw === '') break;
      // Papers print a blank as （ ） or ( ); our runner's blank marker is ____.
      const marked = stem.replace(/[（(][\s\u3000]*[）)]/g, '____');
      if (marked !== stem) {
        ctx.normalisations.push({ column: colName('stem'), from: '（ ）', to: '____' });
        stem = marked;
      }
      const oi = get('orderInsensitive').normalize('NFKC').toLowerCase();
      const orderInsensitive = TRUE_WORDS.includes(oi);
      key = { blanks: parseBlanks(answerRaw, ctx), orderInsensitive };
      break;
    }
    case 'short': {
      if (answerRaw === '') break;
      const rubric = get('rubric').split(/\n|\|/).map((s) => s.replace(/^\s*(?:\d+[.、)）]|[-•·])\s*/, '').trim()).filter((s) => s !== '');
      key = { modelAnswer: answerRaw, rubric };
      break;
    }
  }
  if (answerRaw === '') {
    ctx.problems.push(problem(row, colName('answer'), '答案为空。', 'The answer is empty.', type === 'short' ? '填写参考答案。' : '填写正确答案。', type === 'short' ? 'Give the model answer.' : 'Give the correct answer.'));
  }
  if ((finalType === 'truefalse' || finalType === 'fill' || finalType === 'short') && options.length > 0) {
    const tfWords = finalType === 'truefalse' && options.every((o) => [...TRUE_WORDS, ...FALSE_WORDS].includes(o.text.toLowerCase()));
    if (!tfWords) {
      ctx.warnings.push(problem(row, colName('option', 'A'), `${TYPE_NAMES[finalType]}不使用选项列，已忽略。`, `${TYPE_NAMES_EN[finalType]} questions have no options; the option columns were ignored.`, '如果这是选择题，请修改题型。', 'If this is a choice question, change its type.'));
    }
  }

  const tagsRaw = get('tags');
  const topic = get('topic');
  const draft: QuestionDraft = {
    type: finalType,
    stem,
    options: finalType === 'single' || finalType === 'multiple' ? options : [],
    key: key ?? ({} as QuestionDraft['key']),
    explanation: get('explanation'),
    difficulty: parseDifficulty(get('difficulty'), ctx),
    topic: topic === '' ? DEFAULT_TOPIC : topic,
    tags: tagsRaw === '' ? [] : [...new Set(tagsRaw.split(/[,，、;；\s]+/).filter((t) => t !== ''))],
    source: parseSource(get('instrument'), get('article'), register, ctx),
  };
  const id = get('id');
  if (id !== '') draft.id = id;

  if (key !== null) {
    const columns: Partial<Record<DraftField, string>> = {
      id: colName('id'), type: colName('type'), stem: colName('stem'), options: map.options[0] ? colName('option', 'A') : '选项',
      key: colName('answer'), explanation: colName('explanation'), difficulty: colName('difficulty'), topic: colName('topic'),
      tags: colName('tags'), source: colName('instrument'),
    };
    // A short answer's key problem is a missing marking point: point at 评分要点 when the file has it.
    if (finalType === 'short' && map.cols.rubric !== undefined) columns.key = colName('rubric');
    // A cell already reported as markup by the reader is not reported twice.
    const markupReported = cellIssues.some((i) => i.kind === 'html');
    ctx.problems.push(...validateDraft(draft, row, columns).filter((p) => !(markupReported && p.message_en.includes('markup'))));
  } else if (stem === '') {
    ctx.problems.push(problem(row, colName('stem'), '题干为空。', 'The stem is empty.', '填写题干。', 'Write the question text.'));
  }
  return outcomeFor(row, draft, ctx.problems, ctx.normalisations, ctx.warnings);
}

// ---------------------------------------------------------------------------------------------
// Whole file

function fileProblem(zh: string, en: string, fix_zh: string, fix_en: string): RowProblem {
  return problem(0, '', zh, en, fix_zh, fix_en);
}

const isHeaderRow = (cells: string[]): boolean => {
  const f = cells.map(foldHeader);
  return f.some((c) => HEADER_ALIASES.stem.includes(c)) && f.some((c) => HEADER_ALIASES.type.includes(c));
};

export async function parseQuestionWorkbook(data: Uint8Array, opts: ParseSheetOptions = {}): Promise<ParsedRows> {
  const csv = /\.csv$/i.test(opts.fileName ?? '');
  const common = { findHeader: isHeaderRow, ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}), ...(opts.maxRows ? { maxRows: opts.maxRows } : {}) };
  let sheet: SheetData & { encoding?: string };
  try {
    sheet = csv ? await readCsvRows(data, common) : await readSheetRows(data, { ...common, sheet: ['题目', '题库', '试题'] });
  } catch (e) {
    if (e instanceof SpreadsheetError && e.code === 'empty_sheet' && /header/i.test(e.message_en)) {
      throw new SpreadsheetError('missing_columns', '没有找到同时含“题型”和“题干”的表头行。请下载模板，按模板的表头填写（表头放在第一行）。', 'No header row with both 题型 and 题干 was found. Download the template and use its header row (in the first row).');
    }
    throw e;
  }

  const map = mapColumns(sheet.header);
  const missing = (['type', 'stem', 'answer'] as const).filter((c) => map.cols[c] === undefined).map((c) => HEADER_ALIASES[c][0] as string);
  if (missing.length > 0) {
    throw new SpreadsheetError('missing_columns', `缺少“${missing.join('”“')}”列。请在表头加上（参照模板）。`, `The ${missing.join(', ')} column(s) are missing. Add them to the header row (see the template).`);
  }
  if (sheet.rows.length === 0 && !sheet.issues.some((i) => i.row > sheet.headerRow)) {
    throw new SpreadsheetError('empty_sheet', '表格只有表头，没有题目。请从第 2 行起每行填写一道题。', 'The sheet has a header but no questions. Fill one question per row below the header.');
  }
  const fileWarnings: RowProblem[] = [];
  if (map.unknown.length > 0) {
    fileWarnings.push(fileProblem(`以下列无法识别，已忽略：${map.unknown.join('、')}。`, `These columns are not recognised and were ignored: ${map.unknown.join(', ')}.`, '如需导入，请改用模板中的列名。', 'Rename them as in the template if they should be imported.'));
  }
  if (sheet.encoding === 'gbk') {
    fileWarnings.push(fileProblem('CSV 文件按 GBK 编码读取。', 'The CSV file was read as GBK.', '如有乱码，请在 Excel 中“另存为 CSV UTF-8”或直接上传 .xlsx。', 'If text looks garbled, save as "CSV UTF-8" or upload the .xlsx instead.'));
  }

  // Issues in the header row or above concern the file, not a question; a merged range marks every row it covers.
  const byRow = new Map<number, CellIssue[]>();
  for (const i of sheet.issues) {
    for (let r = Math.max(i.row, sheet.headerRow + 1); r <= (i.lastRow ?? i.row); r++) {
      const list = byRow.get(r) ?? [];
      list.push(i);
      byRow.set(r, list);
    }
  }
  const register = opts.instruments ?? [];
  const outcomes = sheet.rows.map((r) => rowToOutcome(r.values, map, r.row, byRow.get(r.row) ?? [], register));
  // A merged range may cover rows that are otherwise empty (skipped by the reader): report them too.
  const seen = new Set(sheet.rows.map((r) => r.row));
  for (const [r, list] of byRow) {
    if (!seen.has(r)) outcomes.push(rowToOutcome([], map, r, list, register));
  }
  outcomes.sort((a, b) => a.row - b.row);
  const letter = (c: Col): string => (map.cols[c] === undefined ? HEADER_ALIASES[c][0] as string : `${columnLetter(map.cols[c] as number)}（${map.header[map.cols[c] as number]}）`);
  flagDuplicatesInFile(outcomes, undefined, { id: letter('id'), stem: letter('stem') });
  return parsedRows(outcomes, csv ? 'csv' : 'xlsx', fileWarnings, csv ? { encoding: sheet.encoding as string } : { sheetName: sheet.sheetName });
}

// ---------------------------------------------------------------------------------------------
// Writing

function answerCell(d: QuestionDraft, letterOf: (id: string) => string): string {
  const k = d.key as Record<string, unknown>;
  switch (d.type) {
    case 'single':
      return letterOf(String(k.answer));
    case 'multiple':
      return (k.answer as string[]).map(letterOf).sort().join('');
    case 'truefalse':
      return k.answer ? '对' : '错';
    case 'fill':
      return (k.blanks as string[][]).map((alts) => alts.join(';')).join('|');
    case 'short':
      return String(k.modelAnswer);
  }
}

export interface WriteQuestionsOptions {
  /** The register: instrument ids are written as their short titles (re-import maps them back). */
  instruments?: readonly RegisterEntry[];
  sheetName?: string;
}

/** The drafts as rows of the template layout (export, and the template's examples). */
function rowsFor(drafts: readonly QuestionDraft[], optionCount: number, register: readonly RegisterEntry[]): WriteCell[][] {
  return drafts.map((d) => {
    const letters = new Map(d.options.map((o, i) => [o.id, OPTION_LETTERS[i] ?? o.id]));
    const letterOf = (id: string): string => letters.get(id) ?? id;
    const opts = Array.from({ length: optionCount }, (_, i) => d.options[i]?.text ?? '');
    let instrument = '';
    let article = '';
    if (d.source && 'instrument' in d.source) {
      const id = d.source.instrument;
      const entry = register.find((r) => r.id === id);
      instrument = entry?.short || entry?.title || id;
      article = d.source.article !== undefined ? articleText(d.source.article) : '';
    } else if (d.source) instrument = d.source.text;
    const k = d.key as Record<string, unknown>;
    return [
      TYPE_NAMES[d.type], d.stem, ...opts, answerCell(d, letterOf), d.explanation, String(d.difficulty), d.topic,
      instrument, article, d.tags.join('，'),
      d.type === 'short' ? (k.rubric as string[]).join('\n') : '',
      d.type === 'fill' ? (k.orderInsensitive ? '是' : '') : '',
      d.id ?? '',
    ];
  });
}

function columnsFor(optionCount: number): { header: string; width: number }[] {
  const letters = [...OPTION_LETTERS.slice(0, optionCount)];
  const headers = ['题型', '题干', ...letters.map((l) => `选项${l}`), '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点', '填空顺序不限', '题号'];
  const widths: Record<string, number> = { 题型: 8, 题干: 50, 答案: 14, 解析: 40, 难度: 6, '知识点/分类': 16, 出处: 22, 条款: 10, 标签: 14, 评分要点: 30, 填空顺序不限: 8, 题号: 22 };
  return headers.map((h) => ({ header: h, width: widths[h] ?? 18 }));
}

export async function questionsToWorkbook(drafts: readonly QuestionDraft[], opts: WriteQuestionsOptions = {}): Promise<Uint8Array> {
  const optionCount = Math.max(8, ...drafts.map((d) => d.options.length));
  return writeWorkbook({
    sheets: [{ name: opts.sheetName ?? '题目', columns: columnsFor(optionCount), rows: rowsFor(drafts, optionCount, opts.instruments ?? []) }],
  });
}

export const TEMPLATE_EXAMPLES: readonly QuestionDraft[] = [
  {
    type: 'single', stem: '对于事实清楚、争议情况简单的消费投诉，银行应当在多少日内作出处理决定并告知投诉人？',
    options: [{ id: 'A', text: '7日' }, { id: 'B', text: '15日' }, { id: 'C', text: '30日' }, { id: 'D', text: '60日' }],
    key: { answer: 'B' }, explanation: '事实清楚、争议简单的投诉应在15日内作出处理决定；复杂投诉可延长至30日。',
    difficulty: 2, topic: '投诉处理', tags: ['投诉'], source: { text: '银行业保险业消费投诉处理管理办法' },
  },
  {
    type: 'multiple', stem: '下列哪些属于消费者依法享有的权利？',
    options: [{ id: 'A', text: '知情权' }, { id: 'B', text: '自主选择权' }, { id: 'C', text: '要求银行保证投资收益的权利' }, { id: 'D', text: '公平交易权' }],
    key: { answer: ['A', 'B', 'D'] }, explanation: '知情权、自主选择权、公平交易权都是法定权利；保证收益不是。',
    difficulty: 2, topic: '消费者权利', tags: [], source: null,
  },
  {
    type: 'truefalse', stem: '银行可以在未告知消费者的情况下收集与业务无关的个人信息。',
    options: [], key: { answer: false }, explanation: '收集个人信息应当遵循合法、正当、必要原则，并告知消费者。',
    difficulty: 1, topic: '个人信息保护', tags: [], source: null,
  },
  {
    type: 'fill', stem: '投诉人对处理决定有异议的，可以在____日内以书面形式申请核查。',
    options: [], key: { blanks: [['30', '三十']], orderInsensitive: false }, explanation: '',
    difficulty: 3, topic: '投诉处理', tags: [], source: null,
  },
  {
    type: 'short', stem: '简述银行处理消费投诉时应当告知投诉人的主要事项。',
    options: [], key: { modelAnswer: '处理结果、依据和理由，以及不服处理决定时的救济途径（申请核查、调解、仲裁或诉讼）。', rubric: ['处理结果', '依据和理由', '救济途径'] },
    explanation: '', difficulty: 4, topic: '投诉处理', tags: [], source: null,
  },
];

const INSTRUCTIONS: readonly [string, string][] = [
  ['使用方法', '在“题目”工作表中每行填写一道题，第一行是表头，不要改名或删除。可以删除示例行。保存为 .xlsx 后上传；上传后先预览，确认无误才会导入。'],
  ['题型', '单选 / 多选 / 判断 / 填空 / 简答（也可写 单选题、单项选择、多项选择、判断题、填空题、简答题、问答）。'],
  ['题干', '纯文本，可以换行（Alt+Enter）。不要使用公式、合并单元格或 HTML 标签。填空题的空用 ____（四个下划线）或（ ）表示。'],
  ['选项A…选项H', '选择题从 A 开始连续填写，至少两个选项。判断、填空、简答题不填选项。'],
  ['答案', '单选：一个字母，如 B。多选：两个或以上字母，如 ABD（也可写 A,B,D、A、B、A;B，全角字母也可以）。判断：对/错（也可写 正确/错误、√/×、是/否、T/F）。填空：各空答案用 | 分隔，同一空的多个可接受答案用 ; 分隔，如 15日;十五日|书面。简答：参考答案。数字按文本保留（如 007）。'],
  ['解析', '答案解释，练习和考后回顾时展示。'],
  ['难度', '1–5 的整数，1 最容易；也可写 容易/较易/中等/较难/困难；留空为 3。'],
  ['知识点/分类', '知识点或分类名称，可用 / 表示层级，如 消保/投诉处理；留空为“未分类”。'],
  ['出处、条款', '出处填写法规名称、简称或登记簿编号；条款写 第十五条 或 15。登记簿中找不到的出处按文字保存，法规修订时不会提示复核。'],
  ['标签', '多个标签用逗号、顿号或空格分隔。'],
  ['评分要点', '简答题必填：每条一行（Alt+Enter），或用 | 分隔。阅卷时显示在参考答案旁。'],
  ['填空顺序不限', '填空题各空可以任意顺序作答时填“是”。'],
  ['题号', '新题留空。导出的文件带有题号，修改后再导入会更新同一道题（生成新版本），不会重复添加。'],
  ['安全', '导入只读取单元格的值，从不计算公式；含公式、合并单元格、HTML/脚本标记的行会被标出，需修改后再导入。'],
];

export async function questionTemplate(): Promise<Uint8Array> {
  const optionCount = 8;
  return writeWorkbook({
    sheets: [
      { name: '题目', columns: columnsFor(optionCount), rows: rowsFor(TEMPLATE_EXAMPLES, optionCount, []) },
      { name: '说明', columns: [{ header: '列', width: 16 }, { header: '填写说明', width: 100 }], rows: INSTRUCTIONS.map((r) => [...r]) },
    ],
  });
}
