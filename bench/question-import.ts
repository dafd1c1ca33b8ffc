// Question-bank import and export in src/interop (pure CPU, no I/O but the file bytes in memory).
//
//   npx node bench/question-import.ts [--rows 5000] [--record]
//
// Workload: a trainer's workbook of N rows (default 5,000) in the template layout, with the mix of
// spellings people use (单选/单项选择/多选题, answers "A、B", "Ａ", "√", blanks "a;b｜c", difficulty
// 较难 …) and 1 % broken rows (unknown type, answer not among the options), written once with exceljs.
//   A. parse + preview: parseQuestionWorkbook (read, normalise, validate every row, in-file
//      duplicates) and the per-row duplicate key (normaliseStem) the preview compares with the bank.
//      Target (issue 9): a few seconds for 5,000 rows.
//   B. export of the valid drafts: xlsx (questionsToWorkbook), GIFT and Moodle XML.
//   C. re-import of those GIFT and Moodle XML exports.
// Each measurement: 1 warm-up run, then 3 timed runs; the median wall time and the median CPU time
// of this process are reported (the machine is shared: wall time grows with the load average,
// CPU time much less). `--record` appends to RESULTS.md.
//
// Hook for the commit step (engineer T2): call `runQuestionImportBench({ extraSteps: [...] })` from
// another script; each step receives the parsed outcomes and its time is reported in the same table.
import { parseQuestionWorkbook, questionsToWorkbook } from '../src/interop/question-xlsx.ts';
import { parseGift, toGift } from '../src/interop/gift.ts';
import { parseMoodleXml, toMoodleXml } from '../src/interop/moodle-xml.ts';
import { normaliseStem, summarise, type QuestionDraft, type RowOutcome } from '../src/interop/question-draft.ts';
import { writeWorkbook, type WriteCell } from '../src/interop/spreadsheet.ts';
import { rngFor } from '../src/core/rng.ts';
import { appendResults, arg, fmt, machineLine, median, table } from './_lib.ts';

export interface ExtraStep {
  label: string;
  run: (outcomes: RowOutcome[]) => Promise<void>;
}

const HEADER = ['题型', '题干', '选项A', '选项B', '选项C', '选项D', '选项E', '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点'];
const TOPICS = ['投诉处理', '个人信息保护', '消费者权利', '适当性管理', '反洗钱', '营销宣传', '收费管理'];

/** N template rows with realistic spellings and ~1 % broken rows. Deterministic. */
export function benchRows(n: number): WriteCell[][] {
  const rng = rngFor('bench-question-import', 'rows');
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const rows: WriteCell[][] = [];
  for (let i = 1; i <= n; i++) {
    const topic = pick(TOPICS);
    const stem = `第${i}题：关于${topic}，下列说法${pick(['正确', '错误', '符合规定'])}的是（ ）？编号 ${i.toString(36)}`;
    const expl = `依据相关规定，第${i}题的解析说明。`;
    const diff = pick(['1', '2', '3', '4', '5', '较难', '中等', '']);
    const source = pick(['消费者权益保护法', '个人信息保护法', '', '内部制度']);
    const article = source && source !== '内部制度' ? pick(['第八条', '15', '']) : '';
    const tags = pick(['', '重点', '重点，易错']);
    const r = rng();
    let row: WriteCell[];
    if (r < 0.45) row = [pick(['单选', '单选题', '单项选择']), stem, '选项甲', '选项乙', '选项丙', '选项丁', '', pick(['A', 'Ｂ', 'c', 'D']), expl, diff, topic, source, article, tags, ''];
    else if (r < 0.7) row = [pick(['多选', '多选题', '多项选择']), stem, '选项甲', '选项乙', '选项丙', '选项丁', '选项戊', pick(['ABD', 'A、C', 'B,C,E', 'Ａ；Ｂ']), expl, diff, topic, source, article, tags, ''];
    else if (r < 0.85) row = [pick(['判断', '判断题']), stem, '', '', '', '', '', pick(['对', '错', '√', '×', 'T', '正确']), expl, diff, topic, source, article, tags, ''];
    else if (r < 0.95) row = [pick(['填空', '填空题']), `第${i}题：${topic}的期限为____日，方式为____。`, '', '', '', '', '', pick(['15;十五|书面', '30;三十｜书面;纸质']), expl, diff, topic, source, article, tags, ''];
    else row = [pick(['简答', '问答']), stem, '', '', '', '', '', `第${i}题的参考答案。`, expl, diff, topic, source, article, tags, '要点一\n要点二'];
    if (rng() < 0.01) row[0] = '选择'; // broken: unknown type
    else if (rng() < 0.01 && String(row[0]).startsWith('单')) row[7] = 'F'; // broken: not among the options
    rows.push(row);
  }
  return rows;
}

/**
 * Median wall time and median CPU time (user + system of this process) over `runs` runs after one
 * warm-up. On a shared machine the wall time grows with the load; the CPU time much less, so both
 * are reported.
 */
async function timed<T>(f: () => Promise<T> | T, runs = 3): Promise<{ ms: number; cpuMs: number; result: T }> {
  let result = await f(); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = await f();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpu), result };
}

const REGISTER = [
  { id: 'consumer-rights-law', title: '中华人民共和国消费者权益保护法', short: '消费者权益保护法' },
  { id: 'pipl', title: '中华人民共和国个人信息保护法', short: '个人信息保护法' },
];

export async function runQuestionImportBench(opts: { rows?: number; record?: boolean; extraSteps?: ExtraStep[] } = {}): Promise<void> {
  const n = opts.rows ?? 5000;
  const machine = machineLine();
  const t0 = performance.now();
  const bytes = await writeWorkbook({ sheets: [{ name: '题目', columns: HEADER.map((h) => ({ header: h })), rows: benchRows(n) }] });
  const writeMs = performance.now() - t0;

  const parse = await timed(async () => {
    const out = await parseQuestionWorkbook(bytes, { instruments: REGISTER });
    const keys = out.flatMap((o) => (o.draft ? [normaliseStem(o.draft.stem)] : []));
    return { out, keys };
  });
  const outcomes = parse.result.out;
  const s = summarise(outcomes);
  const valid = outcomes.flatMap((o) => (o.draft ? [o.draft] : [])) as QuestionDraft[];
  const normalised = outcomes.reduce((a, o) => a + o.normalisations.length, 0);

  const xlsxOut = await timed(() => questionsToWorkbook(valid));
  const giftOut = await timed(() => toGift(valid));
  const xmlOut = await timed(() => toMoodleXml(valid));
  const giftIn = await timed(() => parseGift(giftOut.result));
  const xmlIn = await timed(() => parseMoodleXml(xmlOut.result));

  const rows: (string | number)[][] = [
    [`write the ${fmt(n)}-row workbook (exceljs, setup)`, `${fmt(bytes.byteLength / 1024)} KiB`, fmt(writeMs), ''],
    [`A. parse + preview ${fmt(n)} rows (${fmt(s.valid)} valid, ${fmt(s.withProblems)} with problems, ${fmt(normalised)} normalisations)`, '', fmt(parse.ms), fmt(parse.cpuMs)],
    [`B. export ${fmt(valid.length)} questions to xlsx`, `${fmt(xlsxOut.result.byteLength / 1024)} KiB`, fmt(xlsxOut.ms), fmt(xlsxOut.cpuMs)],
    [`B. export to GIFT`, `${fmt(giftOut.result.length / 1024)} K chars`, fmt(giftOut.ms), fmt(giftOut.cpuMs)],
    [`B. export to Moodle XML`, `${fmt(xmlOut.result.length / 1024)} K chars`, fmt(xmlOut.ms), fmt(xmlOut.cpuMs)],
    [`C. re-import the GIFT export (${fmt(summarise(giftIn.result).valid)} valid)`, '', fmt(giftIn.ms), fmt(giftIn.cpuMs)],
    [`C. re-import the Moodle XML export (${fmt(summarise(xmlIn.result).valid)} valid)`, '', fmt(xmlIn.ms), fmt(xmlIn.cpuMs)],
  ];
  for (const step of opts.extraSteps ?? []) {
    const r = await timed(() => step.run(outcomes), 1);
    rows.push([step.label, '', fmt(r.ms), fmt(r.cpuMs)]);
  }
  const md = [
    `### Question import/export (src/interop) — ${new Date().toISOString().slice(0, 10)}`,
    '',
    machine,
    '',
    table(['step', 'size', 'median wall ms', 'median CPU ms'], rows),
  ].join('\n');
  console.log(md);
  if (opts.record) appendResults(md);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await runQuestionImportBench({ rows: Number(arg('rows') ?? 5000), record: process.argv.includes('--record') });
}
