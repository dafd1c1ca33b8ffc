/**
 * Required training by period: periods, completion rules, the one status vocabulary, and the report
 * arithmetic. Pure; shared by functions (server), islands (browser) and tests.
 *
 * The database keeps, per assignment and person (app.assignment_people), the facts: when the person
 * started, when the completion rule was met, the counted score, exempt or not. Statuses are derived
 * from those facts and a clock by `assignmentStatus` here; the report query derives them in SQL with
 * app_private.assignment_status (supabase/migrations/20261201000400_assignments_reports.sql), which
 * must say exactly the same: tests/integration/assignments.test.ts checks both on every case of
 * STATUS_CASES below. The refresh trigger's exam rule (app_private.assignment_person_refresh) mirrors
 * `examCompletion` the same way.
 */
import { z } from 'zod';
import { toMs, type DateLike } from './time.ts';
import type { AttemptState, GradingMethod } from './attempt.ts';

// ---------------------------------------------------------------------------------------------
// Statuses

export const ASSIGNMENT_STATUSES = ['not_started', 'in_progress', 'completed', 'completed_late', 'overdue', 'exempt'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** Chinese labels, the words HR already uses; English for the /en/ chrome. */
export const STATUS_LABELS: Record<'zh' | 'en', Record<AssignmentStatus, string>> = {
  zh: { not_started: '未开始', in_progress: '进行中', completed: '已完成', completed_late: '逾期完成', overdue: '逾期未完成', exempt: '豁免' },
  en: { not_started: 'Not started', in_progress: 'In progress', completed: 'Completed', completed_late: 'Completed late', overdue: 'Overdue', exempt: 'Exempt' },
};

/** "At risk": due within this many days and not done. */
export const AT_RISK_DAYS = 7;
const DAY_MS = 86_400_000;

export interface PersonFacts {
  dueAt: DateLike;
  /** First activity counted for the assignment (attempt started, lesson read); null if none. */
  startedAt: DateLike | null;
  /** When the completion rule was first met (and stayed met); null if not met. */
  completedAt: DateLike | null;
  exempt: boolean;
}

/**
 * The status of one person's assignment at `now`. Exempt wins; a completion is on time when it
 * happened at or before the due instant; not completed past the due instant is overdue whether or
 * not the person started.
 */
export function assignmentStatus(f: PersonFacts, now: DateLike): AssignmentStatus {
  if (f.exempt) return 'exempt';
  const due = toMs(f.dueAt);
  if (f.completedAt !== null) return toMs(f.completedAt) <= due ? 'completed' : 'completed_late';
  if (toMs(now) > due) return 'overdue';
  return f.startedAt !== null ? 'in_progress' : 'not_started';
}

/** Due within AT_RISK_DAYS and not done (not completed, not exempt, not yet overdue). */
export function isAtRisk(f: PersonFacts, now: DateLike): boolean {
  const s = assignmentStatus(f, now);
  if (s !== 'not_started' && s !== 'in_progress') return false;
  return toMs(f.dueAt) - toMs(now) <= AT_RISK_DAYS * DAY_MS;
}

/** Every combination the SQL twin must agree on (used by the parity test). */
export const STATUS_CASES: { facts: PersonFacts; now: string; status: AssignmentStatus; atRisk: boolean }[] = (() => {
  const due = '2026-12-15T15:59:59.999Z';
  const out: { facts: PersonFacts; now: string; status: AssignmentStatus; atRisk: boolean }[] = [];
  const nows = ['2026-11-01T00:00:00Z', '2026-12-10T00:00:00Z', due, '2026-12-20T00:00:00Z'];
  const starts = [null, '2026-10-05T01:00:00Z'];
  const completions = [null, '2026-12-01T00:00:00Z', due, '2026-12-16T00:00:00Z'];
  for (const now of nows) for (const startedAt of starts) for (const completedAt of completions) for (const exempt of [false, true]) {
    // A completion is never in the future of the clock it is judged by.
    if (completedAt && toMs(completedAt) > toMs(now)) continue;
    const facts = { dueAt: due, startedAt, completedAt, exempt };
    out.push({ facts, now, status: assignmentStatus(facts, now), atRisk: isAtRisk(facts, now) });
  }
  return out;
})();

// ---------------------------------------------------------------------------------------------
// Periods: 2026Q4, 2026H1, 2026-03 (a month), 2026 (a year). Boundaries are China Standard Time
// (UTC+8, no daylight saving), the bank's working clock.

export const PERIOD_PATTERN = /^(\d{4})(?:Q([1-4])|H([12])|-(0[1-9]|1[0-2]))?$/;
// A refinement rather than .regex(): it carries the code pages say in their language (src/core/field-codes.ts).
export const PeriodSchema = z.string().trim().refine((s) => PERIOD_PATTERN.test(s), {
  message: '期间格式：2026Q4、2026H1、2026-03 或 2026 / Period like 2026Q4, 2026H1, 2026-03 or 2026.',
  params: { code: 'bad_period' },
});
const CST_OFFSET_MS = 8 * 3600_000;

/** The instant a CST calendar day begins. */
function cstMidnight(year: number, month0: number, day = 1): Date {
  return new Date(Date.UTC(year, month0, day) - CST_OFFSET_MS);
}

/** [start, end) of a period label, as instants. */
export function periodBounds(label: string): { start: Date; end: Date } {
  const m = PERIOD_PATTERN.exec(label);
  if (!m) throw new RangeError(`Not a period label: ${label}`);
  const year = Number(m[1]);
  let first = 0;
  let months = 12;
  if (m[2]) { first = (Number(m[2]) - 1) * 3; months = 3; }
  else if (m[3]) { first = (Number(m[3]) - 1) * 6; months = 6; }
  else if (m[4]) { first = Number(m[4]) - 1; months = 1; }
  return { start: cstMidnight(year, first), end: cstMidnight(year, first + months) };
}

export const RECURRENCES = ['none', 'quarterly'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

/** The quarter after a quarter label: 2026Q4 → 2027Q1. */
export function nextQuarter(label: string): string {
  const m = /^(\d{4})Q([1-4])$/.exec(label);
  if (!m) throw new RangeError(`Not a quarter label: ${label}`);
  const q = Number(m[2]);
  return q === 4 ? `${Number(m[1]) + 1}Q1` : `${m[1]}Q${q + 1}`;
}

/**
 * An instant moved by whole calendar months in CST, keeping the day of month (clamped to the end of
 * a shorter month) and the time of day: a due date of 12-15 18:00 in 2026Q4 becomes 03-15 18:00 in
 * 2027Q1, whatever the quarters' lengths.
 */
export function shiftMonthsCst(at: DateLike, months: number): Date {
  const local = new Date(toMs(at) + CST_OFFSET_MS);
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  const ms = Date.UTC(y, mo, day, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return new Date(ms - CST_OFFSET_MS);
}

/** The next occurrence of a quarterly assignment: the next quarter, with start and due moved by three months. */
export function nextOccurrence(a: { period: string; startsAt: DateLike; dueAt: DateLike }): { period: string; startsAt: Date; dueAt: Date; periodEnd: Date } {
  const period = nextQuarter(a.period);
  return { period, startsAt: shiftMonthsCst(a.startsAt, 3), dueAt: shiftMonthsCst(a.dueAt, 3), periodEnd: periodBounds(period).end };
}

// ---------------------------------------------------------------------------------------------
// The completion rule: "exam passed by the due date; lessons read by the due date".

export interface CountedAttempt {
  id?: string;
  state: AttemptState;
  startedAt: DateLike;
  finishedAt: DateLike | null;
  /** Percent of the paper's points (0–100); null while grading is pending. */
  percent: number | null;
}

const isCounted = (a: CountedAttempt) => (a.state === 'submitted' || a.state === 'auto_submitted') && a.percent !== null && a.finishedAt !== null;

function grade(percents: number[], method: GradingMethod): number {
  switch (method) {
    case 'highest': return Math.max(...percents);
    case 'first': return percents[0] as number;
    case 'latest': return percents[percents.length - 1] as number;
    case 'average': return Math.round((percents.reduce((s, x) => s + x, 0) / percents.length) * 100) / 100;
  }
}

export interface ExamCompletion {
  /** The grade per the exam's method over the counted attempts (percent), null if none counts. */
  score: number | null;
  passed: boolean | null;
  /** When the passing grade was reached and stayed reached: the finish of the attempt that began the final passing run. */
  passedAt: Date | null;
  counted: number;
}

/**
 * The exam part of the rule. Attempts count when finished and graded, and started at or after the
 * assignment's start (a quarterly assignment does not count last quarter's attempt). In start order
 * (one live attempt per person, so also finish order), the grade after each attempt is the method's
 * grade over the attempts so far; the exam is passed when the grade after the last one passes, and it
 * was passed at the finish of the attempt from which every later grade passes. With 'highest' that is
 * the first passing attempt; with 'latest' a later failing attempt undoes it; with 'average' the
 * average must be and stay at the pass mark.
 */
export function examCompletion(attempts: readonly CountedAttempt[], method: GradingMethod, passPercent: number, since: DateLike | null = null): ExamCompletion {
  const from = since === null ? -Infinity : toMs(since);
  const counted = attempts
    .map((a, i) => ({ a, i, t: toMs(a.startedAt) }))
    .filter(({ a, t }) => isCounted(a) && t >= from)
    .sort((x, y) => x.t - y.t || x.i - y.i)
    .map(({ a }) => a);
  if (counted.length === 0) return { score: null, passed: null, passedAt: null, counted: 0 };
  const percents: number[] = [];
  let runStart: Date | null = null;
  let g = 0;
  for (const a of counted) {
    percents.push(a.percent as number);
    g = grade(percents, method);
    if (g >= passPercent) runStart ??= new Date(toMs(a.finishedAt as DateLike));
    else runStart = null;
  }
  return { score: g, passed: g >= passPercent, passedAt: runStart, counted: counted.length };
}

/**
 * Which attempt(s) make the grade, for the per-person drill-down: 'highest' the best one (earliest on
 * a tie), 'first' and 'latest' by start, 'average' all counted. Returns attempt indexes into the input.
 */
export function countingAttempts(attempts: readonly CountedAttempt[], method: GradingMethod, since: DateLike | null = null): number[] {
  const from = since === null ? -Infinity : toMs(since);
  const counted = attempts
    .map((a, i) => ({ a, i, t: toMs(a.startedAt) }))
    .filter(({ a, t }) => isCounted(a) && t >= from)
    .sort((x, y) => x.t - y.t || x.i - y.i);
  if (counted.length === 0) return [];
  switch (method) {
    case 'first': return [counted[0]!.i];
    case 'latest': return [counted[counted.length - 1]!.i];
    case 'average': return counted.map((c) => c.i);
    case 'highest': {
      let best = counted[0]!;
      for (const c of counted) if ((c.a.percent as number) > (best.a.percent as number)) best = c;
      return [best.i];
    }
  }
}

/** The lesson part: all assigned lessons read; done at the last read. */
export function lessonsCompletion(lessonIds: readonly string[], reads: readonly { lessonId: string; readAt: DateLike }[]): { read: number; doneAt: Date | null; firstReadAt: Date | null } {
  const wanted = new Set(lessonIds);
  const at = new Map<string, number>();
  for (const r of reads) if (wanted.has(r.lessonId)) at.set(r.lessonId, Math.min(at.get(r.lessonId) ?? Infinity, toMs(r.readAt)));
  const times = [...at.values()];
  return {
    read: at.size,
    doneAt: wanted.size > 0 && at.size === wanted.size ? new Date(Math.max(...times)) : null,
    firstReadAt: times.length ? new Date(Math.min(...times)) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Report arithmetic

export interface StatusCounts {
  assigned: number;
  completed: number;       // on time
  completedLate: number;
  overdue: number;
  inProgress: number;
  notStarted: number;
  exempt: number;
  passed: number;
  atRisk: number;
  scoreSum: number;
  scoreCount: number;
  bestScore: number | null;
}

export const emptyCounts = (): StatusCounts => ({
  assigned: 0, completed: 0, completedLate: 0, overdue: 0, inProgress: 0, notStarted: 0, exempt: 0, passed: 0, atRisk: 0,
  scoreSum: 0, scoreCount: 0, bestScore: null,
});

export function addCounts(into: StatusCounts, c: StatusCounts): StatusCounts {
  into.assigned += c.assigned; into.completed += c.completed; into.completedLate += c.completedLate; into.overdue += c.overdue;
  into.inProgress += c.inProgress; into.notStarted += c.notStarted; into.exempt += c.exempt; into.passed += c.passed;
  into.atRisk += c.atRisk; into.scoreSum += c.scoreSum; into.scoreCount += c.scoreCount;
  if (c.bestScore !== null) into.bestScore = into.bestScore === null ? c.bestScore : Math.max(into.bestScore, c.bestScore);
  return into;
}

export interface Rates {
  /** Completed (on time or late) ÷ (assigned − exempt); null when nobody is required. */
  completionRate: number | null;
  /** On time ÷ (assigned − exempt). */
  onTimeRate: number | null;
  /** Anyone who started or finished ÷ (assigned − exempt): completed + late + in progress + overdue people who started. */
  participationRate: number | null;
  averageScore: number | null;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10000) / 100 : null);

/**
 * Rates in percent with 2 decimals. `participated` is counted by the query (people with any activity,
 * including overdue people who started); exempt people are outside every denominator.
 */
export function rates(c: StatusCounts, participated: number): Rates {
  const required = c.assigned - c.exempt;
  return {
    completionRate: pct(c.completed + c.completedLate, required),
    onTimeRate: pct(c.completed, required),
    participationRate: pct(participated, required),
    averageScore: c.scoreCount > 0 ? Math.round((c.scoreSum / c.scoreCount) * 100) / 100 : null,
  };
}

/**
 * The drill-down key of an org unit under `parentPath`: the code of the child of the parent on the
 * way to the unit, or '' when the unit is the parent itself (people placed directly in it).
 * '/HQ/QD/QD-SN/' under '/HQ/' → 'QD'.
 */
export function childKey(unitPath: string, parentPath: string): string | null {
  if (!unitPath.startsWith(parentPath)) return null;
  const rest = unitPath.slice(parentPath.length);
  return rest === '' ? '' : rest.slice(0, rest.indexOf('/'));
}

/** Histogram of scores (percent) in 10-point bins: [0,10), …, [90,100]. */
export function scoreHistogram(scores: readonly number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const s of scores) bins[Math.min(9, Math.max(0, Math.floor(s / 10)))]! += 1;
  return bins;
}

/** An instant as China Standard Time wall-clock text, "2026-12-10 14:03" (exports, print). */
export function formatCst(at: DateLike | null): string {
  if (at === null) return '';
  const d = new Date(toMs(at) + CST_OFFSET_MS).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}

export const GRADING_METHOD_LABELS: Record<'zh' | 'en', Record<GradingMethod, string>> = {
  zh: { highest: '取最高分', first: '取首次', latest: '取最后一次', average: '取平均分' },
  en: { highest: 'Highest', first: 'First', latest: 'Latest', average: 'Average' },
};
