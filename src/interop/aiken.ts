/**
 * Aiken (Moodle's simplest format: single-choice questions) import.
 *
 * Public API (stable):
 *   parseAiken(text: string, opts?: TextParseOptions): ParsedRows
 *     One RowOutcome per question; `row` is the line number of its question text. Throws
 *     InteropFileError when the file is empty, too large or has no question.
 *
 *   Question text (may span lines)
 *   A. first option            (A) / A、 / Ａ． / full-width letters are accepted too)
 *   B. second option
 *   ANSWER: B                  (答案：B also; several letters, e.g. ANSWER: A,C, make a 多选题 — an
 *                               extension of Aiken, recorded as a normalisation)
 *
 * Aiken has no topic, explanation, difficulty or feedback: drafts get the defaults (未分类, '', 3).
 * There is no Aiken export (GIFT and Moodle XML carry everything Aiken can and more).
 */
import {
  DEFAULT_DIFFICULTY,
  DEFAULT_TOPIC,
  InteropFileError,
  checkQuestionCount,
  checkTextInput,
  flagDuplicatesInFile,
  outcomeFor,
  parsedRows,
  problem,
  validateDraft,
  type Normalisation,
  type ParsedRows,
  type QuestionDraft,
  type RowOutcome,
  type RowProblem,
  type TextParseOptions,
} from './question-draft.ts';

const OPTION_LINE = /^\s*([A-Za-zＡ-Ｚａ-ｚ])\s*[.．)）、]\s*(.*)$/;
const ANSWER_LINE = /^\s*(?:ANSWER|答案)\s*[:：]\s*(.*)$/i;
const COLUMNS = { stem: '题干 question', options: '选项 options', key: 'ANSWER' };

interface Pending {
  line: number;
  stem: string[];
  options: { letter: string; text: string; line: number }[];
}

export function parseAiken(text: string, _opts: TextParseOptions = {}): ParsedRows {
  checkTextInput(text, 'Aiken');
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const outcomes: RowOutcome[] = [];
  let cur: Pending | null = null;

  const finish = (answerRaw: string | null, answerLine: number): void => {
    if (!cur) return;
    checkQuestionCount(outcomes.length + 1, 'Aiken');
    const row = cur.line;
    const problems: RowProblem[] = [];
    const normalisations: Normalisation[] = [];
    const stem = cur.stem.join('\n').trim();
    const options = cur.options.map((o, i) => {
      const letter = o.letter.normalize('NFKC').toUpperCase();
      const expected = String.fromCharCode(65 + i);
      if (letter !== expected) {
        problems.push(problem(o.line, COLUMNS.options, `第 ${o.line} 行的选项字母是 ${letter}，应为 ${expected}。`, `The option on line ${o.line} is lettered ${letter}; ${expected} was expected.`, '选项从 A 开始按顺序编号。', 'Letter the options A, B, C… in order.'));
      }
      if (o.letter !== letter) normalisations.push({ column: COLUMNS.options, from: o.letter, to: letter });
      return { id: expected, text: o.text.trim() };
    });
    if (answerRaw === null) {
      problems.push(problem(row, COLUMNS.key, '这道题缺少 ANSWER: 行。', 'The question has no ANSWER: line.', '在选项后加一行 ANSWER: B。', 'Add a line "ANSWER: B" after the options.'));
      outcomes.push(outcomeFor(row, undefined, problems, normalisations));
      cur = null;
      return;
    }
    const folded = answerRaw.normalize('NFKC').toUpperCase();
    const letters = [...new Set(folded.replace(/[\s,，、;；]+/g, '').split(''))];
    if (folded !== answerRaw.trim()) normalisations.push({ column: COLUMNS.key, from: answerRaw.trim(), to: letters.join('') });
    if (letters.length === 0 || !letters.every((l) => /^[A-J]$/.test(l))) {
      problems.push(problem(answerLine, COLUMNS.key, `答案“${answerRaw.trim()}”不是选项字母。`, `The answer "${answerRaw.trim()}" is not an option letter.`, '写成 ANSWER: B。', 'Write it as "ANSWER: B".'));
      outcomes.push(outcomeFor(row, undefined, problems, normalisations));
      cur = null;
      return;
    }
    if (letters.length > 1) normalisations.push({ column: COLUMNS.key, from: `ANSWER: ${answerRaw.trim()}`, to: '多选题 multiple' });
    const draft: QuestionDraft = {
      type: letters.length > 1 ? 'multiple' : 'single',
      stem,
      options,
      key: letters.length > 1 ? { answer: letters.sort() } : { answer: letters[0] as string },
      explanation: '',
      difficulty: DEFAULT_DIFFICULTY,
      topic: DEFAULT_TOPIC,
      tags: [],
      source: null,
    };
    problems.push(...validateDraft(draft, row, COLUMNS));
    outcomes.push(outcomeFor(row, draft, problems, normalisations));
    cur = null;
  };

  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') {
      // A blank line inside a question (between stem lines) is allowed only before the options start.
      if (cur && cur.options.length > 0) {
        // Options then a blank line without ANSWER: the question ends here, unanswered.
        finish(null, n);
      }
      return;
    }
    const ans = ANSWER_LINE.exec(line);
    if (ans && cur) {
      finish(ans[1] as string, n);
      return;
    }
    const opt = OPTION_LINE.exec(line);
    if (opt && cur && cur.stem.length > 0) {
      cur.options.push({ letter: opt[1] as string, text: opt[2] as string, line: n });
      return;
    }
    if (cur && cur.options.length > 0) {
      // Text after options without an ANSWER line: the previous question is unanswered; this starts a new one.
      finish(null, n);
    }
    cur ??= { line: n, stem: [], options: [] };
    cur.stem.push(line);
  });
  if (cur) finish(null, lines.length);
  if (outcomes.length === 0) throw new InteropFileError('no_questions', '文件中没有找到 Aiken 格式的题目。', 'No Aiken questions were found in the file.');
  flagDuplicatesInFile(outcomes, { zh: '行开始的题目', en: 'the question at line' });
  return parsedRows(outcomes, 'aiken');
}
