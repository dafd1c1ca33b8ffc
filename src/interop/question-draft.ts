/**
 * QuestionDraft: what every importer (xlsx, GIFT, Moodle XML, Aiken) produces and every exporter
 * consumes, and the row outcome an import preview lists. Validation reuses the exam engine's
 * schemas (src/core/questions.ts), so the bank editor, the content check and the importers agree
 * on what a valid question is.
 *
 * Public API (stable; the bank functions and pages import it):
 *
 *   QuestionDraft, DraftOption, DraftSource          the draft shape (see the interface below)
 *   RowOutcome { row, draft?, problems, normalisations, warnings }
 *     `draft` is present only when `problems` is empty (the row can be imported).
 *     `warnings` never block (a fraction snapped, an image dropped); `normalisations` list each
 *     automatic correction ("Ａ → A") so the preview can show it.
 *   RowProblem { row, column, message_zh, message_en, fix_zh, fix_en }
 *   validateDraft(draft, row?, columns?) → RowProblem[]   ([] = valid)
 *   draftToVersion(draft, id) → QuestionVersion        (throws if invalid; call validateDraft first)
 *   versionToDraft(version, extra?) → QuestionDraft     (for exports of stored questions)
 *   normaliseStem(text) → string                        duplicate-detection key
 *   outcomeFor(row, draft, problems, normalisations, warnings) → RowOutcome
 *   ParsedRows = RowOutcome[] & { format, fileWarnings, encoding?, sheetName? }  (every parser's result)
 *   InteropFileError { code, message_zh, message_en } — thrown for unreadable GIFT/XML/Aiken files
 *   flagDuplicatesInFile(outcomes) — a repeated id / normalised stem within one file is a problem
 *   parseArticle('第十五条') → 15, articleText(15) → '第十五条'
 *   DEFAULT_TOPIC, DRAFT_LIMITS, FIELD_LABELS
 */
import {
  KEY_SCHEMAS,
  LIMITS,
  QuestionVersionSchema,
  countStemBlanks,
  type QuestionKey,
  type QuestionType,
  type QuestionVersion,
} from '../core/questions.ts';
import { normaliseBlank } from '../core/normalise.ts';
import { looksLikeMarkup } from './text.ts';
import { findControlChar } from '../core/text.ts';

export interface DraftOption {
  /** Option id; importers use the display letters A, B, C… */
  id: string;
  text: string;
  /** Per-answer feedback (Moodle); kept for round trips, not shown by our exam runner. */
  feedback?: string;
}

/** A register citation (instrument id, optional article number) or free text. */
export type DraftSource = { instrument: string; article?: number } | { text: string };

export interface QuestionDraft {
  /** Question id: ours on update (题号/ID column, Moodle idnumber, GIFT ::title::), else absent. */
  id?: string;
  type: QuestionType;
  stem: string;
  /** Choice options in display order; [] for truefalse, fill and short. */
  options: DraftOption[];
  /** Same shape as QuestionVersion['key'] for the type. */
  key: QuestionKey;
  explanation: string;
  /** 1 (easy) … 5 (hard); default 3. */
  difficulty: number;
  /** Topic / category path, e.g. 投诉处理 or 消保/投诉处理 (Moodle categories use `/`). */
  topic: string;
  tags: string[];
  source: DraftSource | null;
  /**
   * Moodle partial credit for multiple choice: option id → fraction in (0, 1] for correct options
   * (wrong options' negative fractions are not kept). Absent = equal shares (Moodle's default export
   * of our all-or-nothing rule is written from this).
   */
  partialFractions?: Record<string, number>;
}

export interface RowProblem {
  /** Row (xlsx/CSV row number, Moodle question index, GIFT/Aiken line number). */
  row: number;
  /** Column / field the problem is in, as the file names it (题干, 答案, questiontext, …). */
  column: string;
  message_zh: string;
  message_en: string;
  fix_zh: string;
  fix_en: string;
}

export interface Normalisation {
  column: string;
  from: string;
  to: string;
}

export interface RowOutcome {
  row: number;
  draft?: QuestionDraft;
  problems: RowProblem[];
  normalisations: Normalisation[];
  /** Non-blocking notes (e.g. a partial-credit fraction snapped, an image dropped). */
  warnings: RowProblem[];
}

export type ImportFormat = 'xlsx' | 'csv' | 'gift' | 'moodle-xml' | 'aiken';

/**
 * What every question parser returns: one outcome per row/question (valid or not), as a plain array
 * that also carries file-level, non-blocking notes (`fileWarnings`: CSV read as GBK, unknown columns
 * ignored, …). A file that cannot be read at all (wrong type, empty, too large, required columns
 * missing, not XML) is not returned: the parser throws an error with `code`, `message_zh` and
 * `message_en` (SpreadsheetError for spreadsheets, InteropFileError for the text formats).
 */
export type ParsedRows = RowOutcome[] & { format: ImportFormat; fileWarnings: RowProblem[]; encoding?: string; sheetName?: string };

export function parsedRows(outcomes: RowOutcome[], format: ImportFormat, fileWarnings: RowProblem[] = [], extra: { encoding?: string; sheetName?: string } = {}): ParsedRows {
  return Object.assign(outcomes, { format, fileWarnings }, extra);
}

/** A file the text-format parsers cannot read at all (not XML, no questions, too large). */
export class InteropFileError extends Error {
  readonly code: string;
  readonly message_zh: string;
  readonly message_en: string;
  constructor(code: string, message_zh: string, message_en: string) {
    super(message_en);
    this.name = 'InteropFileError';
    this.code = code;
    this.message_zh = message_zh;
    this.message_en = message_en;
  }
}

/**
 * Text formats (GIFT, Moodle XML, Aiken): a character limit checked before parsing. The upload's
 * byte limit is the caller's (the bank functions refuse more than 6 MB); this bounds what a parser
 * is ever asked to hold.
 */
export const MAX_TEXT_CHARS = 10 * 1024 * 1024;

export function checkTextInput(text: string, what: string): void {
  if (text.trim() === '') throw new InteropFileError('empty_file', `${what} 文件是空的。`, `The ${what} file is empty.`);
  if (text.length > MAX_TEXT_CHARS) {
    throw new InteropFileError('too_large', `${what} 文件太大（超过 ${MAX_TEXT_CHARS / 1024 / 1024} MB 字符），请拆分后分别导入。`, `The ${what} file is too large (over ${MAX_TEXT_CHARS / 1024 / 1024} M characters); split it and import the parts one by one.`);
  }
}

/**
 * Questions one text file may hold: the spreadsheet's row limit (spreadsheet.ts DEFAULT_MAX_ROWS).
 * Parsers call this as they go, so a file of a million tiny questions is refused before they are built.
 */
export const MAX_TEXT_QUESTIONS = 20_000;

export function checkQuestionCount(count: number, what: string): void {
  if (count > MAX_TEXT_QUESTIONS) {
    throw new InteropFileError('too_many_rows', `${what} 文件中的题目超过 ${MAX_TEXT_QUESTIONS} 道，请拆分后分别导入。`, `The ${what} file holds more than ${MAX_TEXT_QUESTIONS} questions; split it and import the parts one by one.`);
  }
}

export function summarise(outcomes: readonly RowOutcome[]): { total: number; valid: number; withProblems: number } {
  const valid = outcomes.filter((o) => o.draft !== undefined).length;
  return { total: outcomes.length, valid, withProblems: outcomes.length - valid };
}

/**
 * Marks later rows whose id or normalised stem repeats an earlier row of the same file (a second
 * copy would create a duplicate or update the same question twice). Mutates and returns outcomes.
 */
export function flagDuplicatesInFile(
  outcomes: RowOutcome[],
  unit: { zh: string; en: string } = { zh: '行', en: 'row' },
  columns: { id?: string; stem?: string } = {},
): RowOutcome[] {
  const byStem = new Map<string, number>();
  const byId = new Map<string, number>();
  for (const o of outcomes) {
    const d = o.draft;
    if (!d) continue;
    const key = normaliseStem(d.stem);
    const sameId = d.id !== undefined ? byId.get(d.id) : undefined;
    const sameStem = byStem.get(key);
    if (sameId !== undefined) {
      o.problems.push(problem(o.row, columns.id ?? FIELD_LABELS.id, `题号“${d.id}”与第 ${sameId} ${unit.zh}重复。`, `The id "${d.id}" repeats ${unit.en} ${sameId}.`, '删除重复的一行，或清空其中一个题号。', 'Delete the repeated one, or clear one of the ids.'));
    } else if (sameStem !== undefined && key !== '') {
      o.problems.push(problem(o.row, columns.stem ?? FIELD_LABELS.stem, `题干与第 ${sameStem} ${unit.zh}相同（忽略空格、标点和全半角后）。`, `The stem is the same as ${unit.en} ${sameStem}'s (ignoring spaces, punctuation and full-/half-width).`, '删除重复的一行，或修改题干。', 'Delete the repeated one, or change the stem.'));
    }
    if (o.problems.length > 0) {
      delete o.draft;
      continue;
    }
    if (d.id !== undefined) byId.set(d.id, o.row);
    if (key !== '') byStem.set(key, o.row);
  }
  return outcomes;
}

/** One instrument of the regulation register (content/instruments/register.yaml), passed in by callers. */
export interface RegisterEntry {
  id: string;
  title: string;
  short?: string | null;
}

const foldTitle = (s: string): string => s.normalize('NFKC').replace(/[\s《》〈〉"“”]/g, '').toLowerCase();

/** The register entry an 出处 cell names: its id, full title or short title (《》 and 中华人民共和国 optional). */
export function matchInstrument(text: string, register: readonly RegisterEntry[]): RegisterEntry | null {
  const t = foldTitle(text);
  if (t === '') return null;
  const bare = (s: string): string => s.replace(/^中华人民共和国/, '');
  return (
    register.find((r) => r.id.toLowerCase() === t) ??
    register.find((r) => foldTitle(r.title) === t || (r.short ? foldTitle(r.short) === t : false)) ??
    register.find((r) => bare(foldTitle(r.title)) === bare(t)) ??
    null
  );
}

/** Options of the text-format parsers (GIFT, Moodle XML, Aiken). */
export interface TextParseOptions {
  /** The regulation register; a cited instrument id not in it is kept as free text with a warning. */
  instruments?: readonly RegisterEntry[];
}

/**
 * A source from a metadata comment checked against the register (when one is given): an unknown
 * instrument id becomes free text, with a warning on the row.
 */
export function checkSource(source: DraftSource | null, register: readonly RegisterEntry[] | undefined, row: number, warnings: RowProblem[]): DraftSource | null {
  if (!source || !('instrument' in source) || !register || register.length === 0) return source;
  if (register.some((r) => r.id === source.instrument)) return source;
  warnings.push(problem(row, FIELD_LABELS.source, `出处“${source.instrument}”不在法规登记簿中，按文字保存。`, `The instrument "${source.instrument}" is not in the regulation register; it is kept as text.`, '在题库编辑器中从登记簿选择出处。', 'Pick the instrument from the register in the bank editor.'));
  return { text: source.article !== undefined ? `${source.instrument} ${articleText(source.article)}` : source.instrument };
}

export const DEFAULT_TOPIC = '未分类';
export const DEFAULT_DIFFICULTY = 3;

export const DRAFT_LIMITS = {
  stemChars: 5000,
  optionChars: 1000,
  explanationChars: 5000,
  tagChars: 40,
  maxTags: 20,
  topicChars: 200,
  idChars: 100,
} as const;

/** Field → the column name used in messages when the caller gives none (the xlsx template's). */
export const FIELD_LABELS = {
  id: '题号',
  type: '题型',
  stem: '题干',
  options: '选项',
  key: '答案',
  explanation: '解析',
  difficulty: '难度',
  topic: '知识点',
  tags: '标签',
  source: '出处',
} as const;
export type DraftField = keyof typeof FIELD_LABELS;

export function problem(row: number, column: string, message_zh: string, message_en: string, fix_zh: string, fix_en: string): RowProblem {
  return { row, column, message_zh, message_en, fix_zh, fix_en };
}

export function outcomeFor(
  row: number,
  draft: QuestionDraft | undefined,
  problems: RowProblem[],
  normalisations: Normalisation[] = [],
  warnings: RowProblem[] = [],
): RowOutcome {
  const out: RowOutcome = { row, problems, normalisations, warnings };
  if (draft && problems.length === 0) out.draft = draft;
  return out;
}

/**
 * Duplicate-detection key for a stem: the fill-blank normalisation (NFKC folds full-width forms,
 * lower case, all whitespace removed, quote marks dropped — src/core/normalise.ts), then every
 * remaining punctuation mark removed, so `下列说法正确的是（  ）。` and `下列说法正确的是()`
 * collide. Blank markers (____) are punctuation and vanish too. Symbols (≥ ≤ < > + ¥) and `%`
 * are kept: `金额≥5万元` and `金额≤5万元`, or `15%` and `15`, are different questions.
 */
export function normaliseStem(text: string): string {
  return normaliseBlank(text).replace(/(?!%)\p{P}/gu, '');
}

const len = (s: string): number => [...s].length;

function sourceForCore(source: DraftSource | null): { instrument: string; article?: number } | null {
  if (source && 'instrument' in source) return source;
  return null; // free-text sources are not register citations; core stores null for them
}

/** The version the core schema sees for a draft (options without feedback). */
function coreInput(draft: QuestionDraft, id: string): unknown {
  const base = {
    id,
    type: draft.type,
    stem: draft.stem,
    explanation: draft.explanation,
    source: sourceForCore(draft.source),
    difficulty: draft.difficulty,
    topic: draft.topic || DEFAULT_TOPIC,
    key: draft.key,
  };
  return draft.type === 'single' || draft.type === 'multiple'
    ? { ...base, options: draft.options.map((o) => ({ id: o.id, text: o.text })) }
    : base;
}

function zodPathField(path: readonly PropertyKey[]): DraftField {
  const head = String(path[0] ?? '');
  if (head === 'options') return 'options';
  if (head === 'key') return 'key';
  if (head in FIELD_LABELS) return head as DraftField;
  return 'stem';
}

const TYPE_ZH: Readonly<Record<QuestionType, string>> = { single: '单选题', multiple: '多选题', truefalse: '判断题', fill: '填空题', short: '简答题' };

/** Chinese rendering (with a fix) of the core schema's English messages, by field and type. */
function explainIssue(field: DraftField, type: QuestionType, en: string): { zh: string; fix_zh: string; fix_en: string } {
  if (field === 'options') {
    return { zh: '选项不完整：至少需要两个非空选项，且选项不能重复。', fix_zh: '在“选项A”“选项B”…列中依次填写选项，不要跳列。', fix_en: 'Fill the options in order (A, B, …) without gaps; at least two.' };
  }
  if (field === 'key') {
    switch (type) {
      case 'single':
        return { zh: '单选题的答案必须是一个已填写的选项字母。', fix_zh: '答案填写一个字母，如 B，且该选项有内容。', fix_en: 'Give one letter, e.g. B, of an option that has text.' };
      case 'multiple':
        return { zh: '多选题的答案至少要有两个不同的、已填写的选项。', fix_zh: '答案填写两个或以上字母，如 ABD；只有一个正确项的请改为单选题。', fix_en: 'Give two or more letters, e.g. ABD; with one correct option make it a single-choice question.' };
      case 'truefalse':
        return { zh: '判断题的答案必须是“对”或“错”。', fix_zh: '答案填写 对/错（也可用 正确/错误、√/×、T/F）。', fix_en: 'Answer 对 or 错 (正确/错误, √/×, T/F also work).' };
      case 'fill':
        return { zh: '填空题每个空都要有至少一个有效答案（不能只有空格或标点）。', fix_zh: '各空答案用 | 分隔，同一空的可接受答案用 ; 分隔，例如：15日;十五日|书面', fix_en: 'Separate blanks with | and alternatives with ;, e.g. 15日;十五日|书面' };
      case 'short':
        return { zh: '简答题需要参考答案。', fix_zh: '在“答案”列填写参考答案。', fix_en: 'Put the model answer in the answer column.' };
    }
  }
  if (field === 'difficulty') return { zh: '难度必须是 1 到 5 的整数。', fix_zh: '填写 1–5（1 最容易）。', fix_en: 'Use 1–5 (1 = easiest).' };
  if (field === 'stem') return { zh: '题干不能为空。', fix_zh: '填写题干。', fix_en: 'Write the question text.' };
  return { zh: `${FIELD_LABELS[field]}有误：${en}`, fix_zh: '请按模板说明修改。', fix_en: 'Correct it as the template instructions describe.' };
}

/**
 * Problems that stop a draft from being imported or saved; [] when it is valid. `columns` maps a
 * field to the column name the file uses (defaults: FIELD_LABELS), so messages point at the cell.
 */
export function validateDraft(input: QuestionDraft, row = 0, columns: Partial<Record<DraftField, string>> = {}): RowProblem[] {
  // Callers may pass what a client sent: missing lists and texts are treated as empty, not thrown on.
  const draft: QuestionDraft = {
    ...input,
    stem: typeof input.stem === 'string' ? input.stem : '',
    options: Array.isArray(input.options) ? input.options : [],
    explanation: typeof input.explanation === 'string' ? input.explanation : '',
    topic: typeof input.topic === 'string' ? input.topic : '',
    tags: Array.isArray(input.tags) ? input.tags : [],
    source: input.source ?? null,
  };
  const col = (f: DraftField): string => columns[f] ?? FIELD_LABELS[f];
  const out: RowProblem[] = [];
  const add = (f: DraftField, zh: string, en: string, fix_zh: string, fix_en: string): void => {
    out.push(problem(row, col(f), zh, en, fix_zh, fix_en));
  };

  // The engine's schema first: key among options, ≥2 correct for 多选, blanks non-empty, model answer.
  const parsed = QuestionVersionSchema.safeParse(coreInput(draft, draft.id || 'draft'));
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const iss of parsed.error.issues) {
      const field = zodPathField(iss.path);
      if (seen.has(field)) continue; // one message per field is enough to act on
      seen.add(field);
      const x = explainIssue(field, draft.type, iss.message);
      add(field, x.zh, iss.message, x.fix_zh, x.fix_en);
    }
  }

  // What the content check and the editor demand beyond the schema.
  if (draft.type === 'short') {
    const k = KEY_SCHEMAS.short.safeParse(draft.key);
    if (k.success && k.data.rubric.length === 0) {
      add('key', '简答题需要评分要点，阅卷人按要点给分。', 'A short-answer question needs marking points for the markers.',
        '在“评分要点”列逐条填写（每条一行，或用 | 分隔）。', 'Fill the 评分要点 (marking points) column: one point per line, or separated by |.');
    }
  }
  if (draft.type === 'fill') {
    const k = KEY_SCHEMAS.fill.safeParse(draft.key);
    const marks = countStemBlanks(draft.stem);
    if (k.success && marks > 0 && marks !== k.data.blanks.length) {
      add('key', `题干中有 ${marks} 个空（____），答案却有 ${k.data.blanks.length} 个空。`,
        `The stem has ${marks} blank(s) (____) but the answer gives ${k.data.blanks.length}.`,
        '每个空的答案用 | 分隔，数量与题干中的空一致。', 'Separate the blanks’ answers with | — one per blank in the stem.');
    }
  }
  if (draft.partialFractions !== undefined) {
    const k = draft.key as { answer?: unknown };
    const correct = new Set(draft.type === 'multiple' && Array.isArray(k.answer) ? (k.answer as string[]) : []);
    const entries = Object.entries(draft.partialFractions);
    const bad = draft.type !== 'multiple' || entries.some(([id, f]) => !correct.has(id) || !(typeof f === 'number' && f > 0 && f <= 1)) || entries.length !== correct.size;
    if (bad) {
      add('key', '部分得分比例只能用于多选题，且每个正确选项一个 (0, 1] 之间的比例。', 'Partial-credit fractions apply to multiple choice only: one fraction in (0, 1] per correct option.',
        '删除部分得分设置，或为每个正确选项各给一个比例。', 'Remove the partial credit, or give one fraction per correct option.');
    }
  }
  if (draft.source && 'text' in draft.source && len(draft.source.text) > 500) {
    add('source', '出处文字过长，上限 500 字。', 'The source text is longer than 500 characters.', '精简出处。', 'Shorten it.');
  }
  if (len(draft.stem) > DRAFT_LIMITS.stemChars) {
    add('stem', `题干过长（${len(draft.stem)} 字），上限 ${DRAFT_LIMITS.stemChars} 字。`, `The stem is too long (${len(draft.stem)} characters; limit ${DRAFT_LIMITS.stemChars}).`, '精简题干。', 'Shorten it.');
  }
  if (draft.options.length > LIMITS.maxOptions) {
    add('options', `选项过多（${draft.options.length} 个），上限 ${LIMITS.maxOptions} 个。`, `Too many options (${draft.options.length}; limit ${LIMITS.maxOptions}).`, '删除多余选项。', 'Remove options.');
  }
  for (const o of draft.options) {
    if (len(o.text) > DRAFT_LIMITS.optionChars) {
      add('options', `选项 ${o.id} 过长，上限 ${DRAFT_LIMITS.optionChars} 字。`, `Option ${o.id} is longer than ${DRAFT_LIMITS.optionChars} characters.`, '精简选项。', 'Shorten it.');
    }
  }
  if (len(draft.explanation) > DRAFT_LIMITS.explanationChars) {
    add('explanation', `解析过长，上限 ${DRAFT_LIMITS.explanationChars} 字。`, `The explanation is longer than ${DRAFT_LIMITS.explanationChars} characters.`, '精简解析。', 'Shorten it.');
  }
  if (len(draft.topic) > DRAFT_LIMITS.topicChars) {
    add('topic', `知识点/分类过长，上限 ${DRAFT_LIMITS.topicChars} 字。`, `The topic is longer than ${DRAFT_LIMITS.topicChars} characters.`, '使用更短的分类名。', 'Use a shorter name.');
  }
  if (draft.tags.length > DRAFT_LIMITS.maxTags || draft.tags.some((t) => len(t) > DRAFT_LIMITS.tagChars)) {
    add('tags', `标签最多 ${DRAFT_LIMITS.maxTags} 个，每个不超过 ${DRAFT_LIMITS.tagChars} 字。`, `At most ${DRAFT_LIMITS.maxTags} tags of up to ${DRAFT_LIMITS.tagChars} characters each.`, '减少或缩短标签。', 'Use fewer or shorter tags.');
  }
  if (draft.id !== undefined && (draft.id.trim() === '' || len(draft.id) > DRAFT_LIMITS.idChars || /[\s/\\]/.test(draft.id))) {
    add('id', `题号“${draft.id}”不可用：不能含空格或斜杠，且不超过 ${DRAFT_LIMITS.idChars} 字。`, `The id "${draft.id}" is not usable: no spaces or slashes, at most ${DRAFT_LIMITS.idChars} characters.`, '留空（新题）或填写导出文件中的题号。', 'Leave it empty for a new question, or use the id from an export.');
  }
  // Plain text only: markup is rejected, never silently rendered or stripped (see docs/decisions/interop.md).
  const texts: [DraftField, string][] = [['stem', draft.stem], ['explanation', draft.explanation], ...draft.options.map((o): [DraftField, string] => ['options', `${o.text}\n${o.feedback ?? ''}`])];
  if (draft.type === 'short') {
    const k = draft.key as { modelAnswer?: unknown; rubric?: unknown };
    texts.push(['key', `${String(k.modelAnswer ?? '')}\n${Array.isArray(k.rubric) ? k.rubric.join('\n') : ''}`]);
  }
  const marked = new Set<DraftField>();
  for (const [f, t] of texts) {
    if (!marked.has(f) && looksLikeMarkup(t)) {
      marked.add(f);
      add(f, `${col(f)}含有 HTML 或脚本标记，只接受纯文本。`, `${col(f)} contains HTML or script markup; only plain text is accepted.`, '删除尖括号标签（如 <b>、<script>）。', 'Remove the angle-bracket tags (such as <b> or <script>).');
    }
  }
  // The one text rule (src/core/text.ts): no NUL or control characters. PostgreSQL cannot store a
  // NUL (the import would fail with a server error) and the others would end up in exports.
  const fields: [DraftField, unknown][] = [
    ['id', draft.id], ['stem', draft.stem], ['options', draft.options], ['key', draft.key], ['explanation', draft.explanation],
    ['topic', draft.topic], ['tags', draft.tags], ['source', draft.source],
  ];
  for (const [f, value] of fields) {
    const hit = findControlChar(value);
    if (hit) {
      add(f, `${col(f)}含有不可见的控制字符（如 NUL），无法保存。`, `${col(f)}: ${hit.message}`, '删除该字符（可复制为纯文本后重新粘贴）后重新上传。', 'Remove the character (paste the text as plain text) and upload again.');
    }
  }
  return out;
}

/** The stored-version shape of a valid draft (throws a ZodError for an invalid one). */
export function draftToVersion(draft: QuestionDraft, id: string): QuestionVersion {
  return QuestionVersionSchema.parse(coreInput(draft, id));
}

/** A stored version as a draft, for exports; `extra` adds what versions do not hold. */
export function versionToDraft(
  v: QuestionVersion,
  extra: { tags?: string[]; source?: DraftSource | null; feedback?: Record<string, string>; partialFractions?: Record<string, number> } = {},
): QuestionDraft {
  const src = v.source && 'instrument' in v.source ? v.source : null;
  const draft: QuestionDraft = {
    id: v.id,
    type: v.type,
    stem: v.stem,
    options: v.type === 'single' || v.type === 'multiple'
      ? v.options.map((o) => (extra.feedback?.[o.id] ? { id: o.id, text: o.text, feedback: extra.feedback[o.id] as string } : { id: o.id, text: o.text }))
      : [],
    key: structuredClone(v.key),
    explanation: v.explanation,
    difficulty: v.difficulty,
    topic: v.topic,
    tags: extra.tags ?? [],
    source: extra.source !== undefined ? extra.source : src,
  };
  if (extra.partialFractions) draft.partialFractions = extra.partialFractions;
  return draft;
}

/**
 * Article text → number: 15, 第15条, 第十五条, 第一百零二条 → 15 / 15 / 15 / 102. Null when it is not
 * an article number (e.g. 第三章, 附件一).
 */
export function parseArticle(text: string): number | null {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  if (t === '') return null;
  const m = /^第?([0-9]+|[零〇一二两三四五六七八九十百千]+)条?$/.exec(t);
  if (!m || (!/^[0-9]/.test(m[1] as string) && !t.endsWith('条') && !t.startsWith('第'))) return null;
  const n = /^[0-9]+$/.test(m[1] as string) ? Number(m[1]) : chineseNumber(m[1] as string);
  return n !== null && n > 0 && Number.isSafeInteger(n) ? n : null;
}

function chineseNumber(s: string): number | null {
  const digit: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const unit: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let cur = 0;
  for (const ch of s) {
    if (ch in digit) cur = digit[ch] as number;
    else if (ch in unit) {
      total += (cur === 0 ? 1 : cur) * (unit[ch] as number);
      cur = 0;
    } else return null;
  }
  return total + cur;
}

/** An article number in Chinese for exports: 15 → 第十五条. */
export function articleText(n: number): string {
  const d = '零一二三四五六七八九';
  const part = (x: number): string => {
    const th = Math.floor(x / 1000), h = Math.floor((x % 1000) / 100), t = Math.floor((x % 100) / 10), u = x % 10;
    let s = '';
    if (th) s += `${d[th]}千`;
    if (h) s += `${d[h]}百`;
    else if (th && (t || u)) s += '零';
    if (t) s += t === 1 && !th && !h ? '十' : `${d[t]}十`;
    else if ((th || h) && u) s += s.endsWith('零') ? '' : '零';
    if (u) s += d[u];
    return s;
  };
  return n > 0 && n < 10000 ? `第${part(n)}条` : `第${n}条`;
}
