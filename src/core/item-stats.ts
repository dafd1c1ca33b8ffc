/**
 * Item statistics (classical test theory) for one exam's finished attempts: per question facility,
 * discrimination, option frequencies; per exam n, mean, median, SD, Cronbach's alpha, SEM and a
 * score histogram. Pure: the function reads what the database returned and computes.
 *
 * Formulas follow Moodle's quiz statistics (question/classes/statistics/questions/calculator.php,
 * mod/quiz/report/statistics/): marks are taken as fractions of the slot's points, the "rest of the
 * test" for a question is the attempt's score without that question, variances are sample
 * variances (n − 1), and discriminative efficiency compares the item/rest covariance with the
 * largest covariance the same two sets of marks could have (both sorted). In addition to Moodle we
 * give Kelley's upper–lower 27 % discrimination index, which trainers know from paper statistics.
 *
 * Papers drawn from a blueprint differ between people, so a question's statistics use the attempts
 * whose paper held it (its `n`), and the exam's reliability uses slot positions as items (a slot of
 * a section is drawn from one pool: Moodle does the same for random questions).
 */

export interface StatsSlot {
  slot: number;
  questionId: string;
  versionId: string;
  points: number;
  /** null while a short answer awaits a mark: left out of that question's statistics. */
  mark: number | null;
  /** The stored response: option id (single), ids (multiple), boolean (true/false), else anything. */
  response: unknown;
}

export interface StatsAttempt {
  id: string;
  memberId: string;
  attemptNo: number;
  score: number;
  maxScore: number;
  slots: StatsSlot[];
}

export interface ItemMeta {
  versionId: string;
  questionId: string;
  type: 'single' | 'multiple' | 'truefalse' | 'fill' | 'short';
  stem: string;
  /** Options in stored order (choice questions); true/false gets `true`/`false` pseudo-options. */
  options: { id: string; text: string }[] | null;
  /** The correct option ids (choice), or ['true'] / ['false']; empty for other types. */
  correct: string[];
}

export type ItemFlag = 'too_easy' | 'too_hard' | 'negative_discrimination' | 'low_discrimination' | 'unused_distractor';

export interface OptionFrequency {
  id: string;
  text: string;
  correct: boolean;
  count: number;
  /** count / responses to this question (answered or not). */
  share: number;
}

export interface ItemStats {
  questionId: string;
  versionId: string;
  type: ItemMeta['type'];
  stem: string;
  /** Attempts whose paper held this version and whose mark for it is known. */
  n: number;
  /** Mean mark as a fraction of the points, 0–1 (Moodle's facility index). */
  facility: number | null;
  /** Sample SD of the mark fraction. */
  sd: number | null;
  /** Kelley: facility in the top 27 % minus the bottom 27 % (by total score), −1…1. */
  discriminationIndex: number | null;
  /** Corrected point-biserial: correlation of the mark with the rest of the test, −1…1. */
  pointBiserial: number | null;
  /** Covariance with the rest of the test over its maximum for these marks, ≤ 1 (Moodle, as a fraction). */
  discriminativeEfficiency: number | null;
  upperGroup: { n: number; facility: number | null };
  lowerGroup: { n: number; facility: number | null };
  options: OptionFrequency[];
  unanswered: number;
  flags: ItemFlag[];
}

export interface ExamStats {
  n: number;
  mean: number | null;
  median: number | null;
  sd: number | null;
  /** Cronbach's alpha over slot positions (= KR-20 when every item is scored 0/1). */
  alpha: number | null;
  /** Standard error of measurement, in percent points: SD × √(1 − α). */
  sem: number | null;
  /** Scores as percentages. */
  histogram: { from: number; to: number; count: number }[];
  /** Fewer than 30 people: figures are unstable. */
  smallSample: boolean;
  items: ItemStats[];
  /** Slot positions used for alpha and how many attempts had all of them marked. */
  reliability: { items: number; attempts: number };
}

/** Thresholds; trainers read them in the page legend. */
export const FLAG_THRESHOLDS = Object.freeze({ easy: 0.95, hard: 0.2, lowDiscrimination: 0.1, smallSample: 30, groupShare: 0.27 });

export const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Sample variance (n − 1); null for fewer than two values. */
export function variance(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

export function sd(xs: readonly number[]): number | null {
  const v = variance(xs);
  return v === null ? null : Math.sqrt(v);
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Sample covariance of paired values; null for fewer than two pairs. */
export function covariance(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError('covariance needs pairs');
  if (xs.length < 2) return null;
  const mx = mean(xs)!;
  const my = mean(ys)!;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s / (xs.length - 1);
}

/** Pearson correlation; null when either side has no variance (an all-right or all-wrong item). */
export function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  const c = covariance(xs, ys);
  const vx = variance(xs);
  const vy = variance(ys);
  if (c === null || !vx || !vy) return null;
  return c / Math.sqrt(vx * vy);
}

/** Moodle's discriminative efficiency: cov(x, y) / cov(sorted x, sorted y); null when the maximum is 0. */
export function discriminativeEfficiency(xs: readonly number[], ys: readonly number[]): number | null {
  const c = covariance(xs, ys);
  if (c === null) return null;
  // Typed arrays sort numerically without a comparator call per pair (1,000 × 50 items in a bench).
  const max = covariance(Float64Array.from(xs).sort() as unknown as number[], Float64Array.from(ys).sort() as unknown as number[])!;
  return max > 1e-12 ? c / max : null;
}

/** Group size for the upper/lower groups: 27 % of n rounded, at least 1 (n ≥ 2), at most n/2. */
export function groupSize(n: number): number {
  if (n < 2) return 0;
  return Math.min(Math.floor(n / 2), Math.max(1, Math.round(FLAG_THRESHOLDS.groupShare * n)));
}

/**
 * Cronbach's alpha for a persons × items matrix of marks: k/(k−1) · (1 − Σ var(item) / var(total)).
 * Null for fewer than 2 items or 2 persons, or when the totals do not vary.
 */
export function cronbachAlpha(matrix: readonly (readonly number[])[]): number | null {
  const n = matrix.length;
  if (n < 2) return null;
  const k = matrix[0]!.length;
  if (k < 2) return null;
  let itemVar = 0;
  for (let j = 0; j < k; j++) itemVar += variance(matrix.map((row) => row[j]!))!;
  const totalVar = variance(matrix.map((row) => row.reduce((s, x) => s + x, 0)))!;
  if (totalVar <= 1e-12) return null;
  return (k / (k - 1)) * (1 - itemVar / totalVar);
}

/** Ten bins of 10 percent points; 100 % falls in the last bin. */
export function histogram(percents: readonly number[]): { from: number; to: number; count: number }[] {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, count: 0 }));
  for (const p of percents) bins[Math.min(9, Math.max(0, Math.floor(p / 10)))]!.count++;
  return bins;
}

/** Only the first attempt of each person (the default: later attempts have seen the paper). */
export function firstAttempts(attempts: readonly StatsAttempt[]): StatsAttempt[] {
  const best = new Map<string, StatsAttempt>();
  for (const a of attempts) {
    const b = best.get(a.memberId);
    if (!b || a.attemptNo < b.attemptNo) best.set(a.memberId, a);
  }
  return attempts.filter((a) => best.get(a.memberId) === a);
}

const frac = (s: StatsSlot) => (s.points > 0 ? s.mark! / s.points : 0);

function chosenOptions(type: ItemMeta['type'], response: unknown): string[] {
  if (response === null || response === undefined) return [];
  if (type === 'single') return typeof response === 'string' && response ? [response] : [];
  if (type === 'multiple') return Array.isArray(response) ? response.filter((x): x is string => typeof x === 'string') : [];
  if (type === 'truefalse') return typeof response === 'boolean' ? [String(response)] : [];
  return [];
}

function round(x: number | null, d = 4): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d;
}

export function itemFlags(it: Pick<ItemStats, 'n' | 'facility' | 'pointBiserial' | 'discriminationIndex' | 'options'>): ItemFlag[] {
  const flags: ItemFlag[] = [];
  if (it.n === 0 || it.facility === null) return flags;
  if (it.facility > FLAG_THRESHOLDS.easy) flags.push('too_easy');
  if (it.facility < FLAG_THRESHOLDS.hard) flags.push('too_hard');
  // Discrimination: the corrected point-biserial when it exists, else the 27 % index.
  const d = it.pointBiserial ?? it.discriminationIndex;
  if (d !== null) {
    if (d < 0) flags.push('negative_discrimination');
    else if (d < FLAG_THRESHOLDS.lowDiscrimination) flags.push('low_discrimination');
  }
  if (it.options.some((o) => !o.correct && o.count === 0)) flags.push('unused_distractor');
  return flags;
}

/**
 * Statistics for `attempts` (finished, scored). `meta` describes each question version on the papers
 * (options and which are correct, for the distractor table). Items are ordered by first slot seen.
 */
export function computeExamStats(attempts: readonly StatsAttempt[], meta: ReadonlyMap<string, ItemMeta>): ExamStats {
  const n = attempts.length;
  const percents = attempts.map((a) => (a.maxScore > 0 ? (a.score / a.maxScore) * 100 : 0));
  const total = new Map(attempts.map((a) => [a.id, a.maxScore > 0 ? a.score / a.maxScore : 0]));

  // Attempts ranked once by total score (ties by id); observations are collected in this order, so
  // each question's upper and lower groups are the ends of its list, with no sort per question.
  const ranked = [...attempts].sort((p, q) => total.get(q.id)! - total.get(p.id)! || (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
  // Per version: the observations (attempt, slot).
  const byVersion = new Map<string, { a: StatsAttempt; s: StatsSlot; order: number }[]>();
  for (const a of ranked) {
    for (const s of a.slots) {
      let list = byVersion.get(s.versionId);
      if (!list) byVersion.set(s.versionId, (list = []));
      list.push({ a, s, order: s.slot });
    }
  }

  const ordered: { order: number; item: ItemStats }[] = [];
  for (const [versionId, obs] of byVersion) {
    const m = meta.get(versionId);
    const marked = obs.filter((o) => o.s.mark !== null);
    const xs = marked.map((o) => frac(o.s));
    // Rest of the test as a fraction of the rest's points (papers may differ in size).
    const rest = marked.map((o) => {
      const restMax = o.a.maxScore - o.s.points;
      return restMax > 0 ? (o.a.score - o.s.mark!) / restMax : 0;
    });
    // Upper/lower groups by total score among those who had the item (the list is in rank order).
    const g = groupSize(xs.length);
    const upper = xs.slice(0, g);
    const lower = xs.slice(xs.length - g);
    const upperF = mean(upper);
    const lowerF = mean(lower);

    const type = m?.type ?? 'short';
    const counts = new Map<string, number>();
    let unanswered = 0;
    for (const o of obs) {
      const chosen = chosenOptions(type, o.s.response);
      if (chosen.length === 0) unanswered++;
      for (const id of chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const optionList = type === 'truefalse'
      ? [{ id: 'true', text: '正确' }, { id: 'false', text: '错误' }]
      : (m?.options ?? []);
    const correct = new Set(m?.correct ?? []);
    const options: OptionFrequency[] = (type === 'single' || type === 'multiple' || type === 'truefalse' ? optionList : []).map((o) => ({
      id: o.id, text: o.text, correct: correct.has(o.id), count: counts.get(o.id) ?? 0, share: round(obs.length ? (counts.get(o.id) ?? 0) / obs.length : 0)!,
    }));

    const item: ItemStats = {
      questionId: m?.questionId ?? obs[0]!.s.questionId,
      versionId,
      type,
      stem: m?.stem ?? '',
      n: marked.length,
      facility: round(mean(xs)),
      sd: round(sd(xs)),
      discriminationIndex: g > 0 ? round(upperF! - lowerF!) : null,
      pointBiserial: round(correlation(xs, rest)),
      discriminativeEfficiency: round(discriminativeEfficiency(xs, rest)),
      upperGroup: { n: upper.length, facility: round(upperF) },
      lowerGroup: { n: lower.length, facility: round(lowerF) },
      options,
      unanswered,
      flags: [],
    };
    item.flags = itemFlags(item);
    ordered.push({ order: Math.min(...obs.map((o) => o.order)), item });
  }
  ordered.sort((p, q) => p.order - q.order || (p.item.questionId < q.item.questionId ? -1 : 1));
  const items = ordered.map((o) => o.item);

  // Reliability over slot positions every attempt has, marked.
  const k = attempts.reduce((min, a) => Math.min(min, a.slots.length), Number.POSITIVE_INFINITY);
  const complete = Number.isFinite(k)
    ? attempts.filter((a) => a.slots.slice(0, k).every((s) => s.mark !== null))
    : [];
  const matrix = complete.map((a) => [...a.slots].sort((p, q) => p.slot - q.slot).slice(0, k).map((s) => s.mark!));
  const alpha = Number.isFinite(k) ? cronbachAlpha(matrix) : null;
  const sdPercent = sd(percents);

  return {
    n,
    mean: round(mean(percents), 2),
    median: round(median(percents), 2),
    sd: round(sdPercent, 2),
    alpha: round(alpha),
    sem: alpha === null || sdPercent === null ? null : round(sdPercent * Math.sqrt(Math.max(0, 1 - alpha)), 2),
    histogram: histogram(percents),
    smallSample: n < FLAG_THRESHOLDS.smallSample,
    items,
    reliability: { items: Number.isFinite(k) ? k : 0, attempts: complete.length },
  };
}
