// Grading throughput in src/core (pure CPU, no I/O).
//
//   npx node bench/grading.ts            (or: npm run bench:grading)
//
// Workload: the real official question bank (content/questions, ~350 questions of all five types)
// with a realistic response mix per question — ~55 % right, ~15 % partially right (multi-select
// subsets, some blanks), ~20 % wrong, ~10 % unanswered; fill responses use full-width characters
// and extra spaces so normalisation does real work; multi-select questions cycle through all three
// rules (全对得分 / 少选得一半分 / 少选按选项得分).
//   A. gradeResponse over a shuffled list of 200,000 (question, response, rule) items.
//   B. whole papers: 50 slots (20 single, 10 multiple, 10 true/false, 8 fill, 2 short),
//      gradeResponse per slot + gradeAttempt + isPassed, for 4,000 papers.
//   C. gradeAttempt alone over precomputed 50-slot grades.
// Each measurement: 2 warm-up runs, then 7 timed runs; the median is reported.
import { loadContent, validContent } from '../src/content/load.ts';
import { toQuestionVersion } from '../src/content/question-version.ts';
import { gradeAttempt, gradeResponse, isPassed, MULTIPLE_RULES, type MultipleRule, type SlotGrade } from '../src/core/grading.ts';
import type { QuestionResponse, QuestionVersion } from '../src/core/questions.ts';
import { rngFor } from '../src/core/rng.ts';
import { appendResults, fmt, machineLine, median, table } from './_lib.ts';

const WARMUP = 2;
const RUNS = 7;
const ITEMS = 200_000;
const PAPERS = 4_000;

const versions: QuestionVersion[] = validContent(loadContent()).questions.map(({ data }) => toQuestionVersion(data));
const byType = new Map<string, QuestionVersion[]>();
for (const v of versions) byType.set(v.type, [...(byType.get(v.type) ?? []), v]);

const rng = rngFor('bench-grading', 'responses');
const pick = <T,>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;

/** Full-width digits/letters and stray spaces, as people type them on Chinese IMEs. */
function messUp(s: string): string {
  const wide = [...s].map((c) => (/[0-9A-Za-z]/.test(c) && rng() < 0.5 ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
  return rng() < 0.5 ? ` ${wide}\u3000` : wide;
}

function responseFor(v: QuestionVersion): QuestionResponse {
  const r = rng();
  if (r < 0.1) return v.type === 'multiple' || v.type === 'fill' ? (rng() < 0.5 ? null : []) : null;
  const outcome = r < 0.65 ? 'right' : r < 0.8 ? 'partial' : 'wrong';
  switch (v.type) {
    case 'single': {
      if (outcome === 'right') return v.key.answer;
      return pick(v.options.filter((o) => o.id !== v.key.answer)).id;
    }
    case 'truefalse':
      return outcome === 'right' ? v.key.answer : !v.key.answer;
    case 'multiple': {
      const key = v.key.answer;
      if (outcome === 'right') return [...key].reverse();
      if (outcome === 'partial') return key.slice(0, Math.max(1, key.length - 1));
      const wrong = v.options.find((o) => !key.includes(o.id));
      return wrong ? [key[0] as string, wrong.id] : [key[0] as string];
    }
    case 'fill': {
      const blanks = v.key.blanks;
      return blanks.map((alts, i) => {
        const good = messUp(alts[Math.floor(rng() * alts.length)] as string);
        if (outcome === 'right') return good;
        if (outcome === 'partial') return i === 0 ? good : '不知道';
        return '错误答案';
      });
    }
    case 'short':
      return outcome === 'wrong' ? '不清楚' : `${v.key.modelAnswer.slice(0, 80)}（考生作答）`;
  }
}

interface Item { v: QuestionVersion; r: QuestionResponse; points: number; rule: MultipleRule }
let ruleIx = 0;
const makeItem = (v: QuestionVersion, points = 2): Item => ({
  v, r: responseFor(v), points, rule: v.type === 'multiple' ? (MULTIPLE_RULES[ruleIx++ % 3] as MultipleRule) : 'all_or_nothing',
});

const items: Item[] = Array.from({ length: ITEMS }, () => makeItem(pick(versions)));

const paperShape: [string, number, number][] = [['single', 20, 1], ['multiple', 10, 2], ['truefalse', 10, 1], ['fill', 8, 2], ['short', 2, 5]];
const papers: Item[][] = Array.from({ length: PAPERS }, () => {
  const rule = MULTIPLE_RULES[Math.floor(rng() * 3)] as MultipleRule;
  return paperShape.flatMap(([type, n, points]) =>
    Array.from({ length: n }, () => ({ ...makeItem(pick(byType.get(type) as QuestionVersion[]), points), rule })));
});
const slotGrades: SlotGrade[][] = papers.map((p) => p.map((it) => gradeResponse(it.v, it.r, it.points, it.rule)));

let sink = 0;
function measure(fn: () => number): number[] {
  const rates: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const n = fn();
    const sec = Number(process.hrtime.bigint() - t0) / 1e9;
    if (i >= WARMUP) rates.push(n / sec);
  }
  return rates;
}

const stateCounts = new Map<string, number>();
for (const it of items) {
  const g = gradeResponse(it.v, it.r, it.points, it.rule);
  stateCounts.set(`${it.v.type}:${g.state}`, (stateCounts.get(`${it.v.type}:${g.state}`) ?? 0) + 1);
}

const responseRates = measure(() => {
  for (const it of items) sink += gradeResponse(it.v, it.r, it.points, it.rule).mark ?? 0;
  return items.length;
});
const perType = new Map<string, number>();
for (const type of ['single', 'multiple', 'truefalse', 'fill', 'short']) {
  const subset = items.filter((it) => it.v.type === type);
  perType.set(type, median(measure(() => {
    for (const it of subset) sink += gradeResponse(it.v, it.r, it.points, it.rule).mark ?? 0;
    return subset.length;
  })));
}
const paperRates = measure(() => {
  for (const p of papers) {
    const grades = p.map((it) => gradeResponse(it.v, it.r, it.points, it.rule));
    const g = gradeAttempt(grades);
    sink += g.score + (isPassed(g, 60) ? 1 : 0);
  }
  return papers.length;
});
const attemptOnlyRates = measure(() => {
  for (let k = 0; k < 5; k++) for (const g of slotGrades) sink += gradeAttempt(g).score;
  return slotGrades.length * 5;
});
if (sink === 42) console.log('');

const mix = ['single', 'multiple', 'truefalse', 'fill', 'short'].map((t) => `${t} ${items.filter((it) => it.v.type === t).length}`).join(', ');
const states = [...stateCounts.entries()].sort().map(([k, v]) => `${k} ${v}`).join(', ');
const rows: (string | number)[][] = [
  ['gradeResponse, bank mix', `${fmt(median(responseRates))} questions/s`, `${fmt(Math.min(...responseRates))} – ${fmt(Math.max(...responseRates))}`],
  ...[...perType.entries()].map(([t, r]) => [`gradeResponse, ${t} only`, `${fmt(r)} questions/s`, '']),
  ['50-slot paper: 50 × gradeResponse + gradeAttempt + isPassed', `${fmt(median(paperRates))} papers/s = ${fmt(median(paperRates) * 50)} questions/s`,
    `${fmt(Math.min(...paperRates))} – ${fmt(Math.max(...paperRates))} papers/s`],
  ['gradeAttempt alone (50 slot grades)', `${fmt(median(attemptOnlyRates))} papers/s`, `${fmt(Math.min(...attemptOnlyRates))} – ${fmt(Math.max(...attemptOnlyRates))}`],
];
const report = `## grading (src/core) — ${new Date().toISOString().slice(0, 10)}

${machineLine()}

Command: \`npx node bench/grading.ts\`. Single thread; ${WARMUP} warm-up + ${RUNS} timed runs, median (range over the timed runs).
Bank: ${versions.length} questions; ${ITEMS.toLocaleString('en-US')} items (${mix}); multi-select cycles all three rules.
Grade states in the mix: ${states}.

${table(['workload', 'median', 'range'], rows)}
`;
console.log(report);
appendResults(report);
