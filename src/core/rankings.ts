// Contest and season rankings (issue 10): pure functions over attempts, eligible people and teams.
// The database stores no ranking; functions read attempts (app.contest_standing_rows) and call these.
//
// Rules (docs/decisions/contests.md):
//   * A person's result in a round is the attempt the exam's grading method counts (attempt.ts
//     overallGrade: highest, first, latest, average). The time used and submission instant are
//     those of that attempt (highest: the earliest-started attempt with the highest score; average:
//     the mean time used and the last submission).
//   * A live round (a finished live contest, src/core/live-results.ts) gives each person seated in it
//     one result: score = the points their team won on team questions + their own 个人全员答 points;
//     time used = their 全员答 answer times (a missed question counts its whole countdown); submission
//     = the contest's finish. Its full marks are the best any team could have scored. People not
//     seated in it have no result in that round (like someone who did not take an exam round).
//   * A person's contest score is the sum of their round results; time used the sum of the rounds'.
//   * Individuals: score (desc), then time used (asc), then submission (asc). Times compare in whole
//     seconds, scores to 2 decimals; people equal on all three share a rank (1, 2, 2, 4).
//   * Teams: average of the participants' scores (default), total, or the mean of the best N
//     (empty places count 0). 参与率 = participants ÷ eligible. With a participation weight w,
//     the team score is score × (1 − w + w × rate). Teams rank by score, then participation rate;
//     equal on both share a rank. Differing team sizes produce a warning.
import { overallGrade, type AttemptState, type GradingMethod } from './attempt.ts';
import { toMs, type DateLike } from './time.ts';

export const TEAM_METHODS = ['average', 'total', 'best_n'] as const;
export type TeamMethod = (typeof TEAM_METHODS)[number];

export interface RankAttempt {
  memberId: string;
  roundId: string;
  gradingMethod: GradingMethod;
  state: AttemptState;
  startedAt: DateLike;
  finishedAt: DateLike | null;
  score: number | null;
  maxScore: number | null;
}

export interface EligiblePerson {
  memberId: string;
  name: string;
  orgName?: string;
  /** The team the person counts for; null for someone entered on their own. */
  teamId: string | null;
}

export interface TeamDef {
  id: string;
  name: string;
}

export interface ContestRules {
  teamMethod: TeamMethod;
  bestN?: number | null;
  /** 0…1; 0 shows the participation rate only. */
  participationWeight?: number;
}

/** One person's result in a live round, as recorded when the live contest ended (app.live_results). */
export interface LiveRoundResult {
  memberId: string;
  roundId: string;
  score: number;
  maxScore: number;
  timeUsedSec: number;
  submittedAt: DateLike;
}

export interface RoundResult {
  score: number;
  maxScore: number | null;
  timeUsedSec: number;
  submittedAtMs: number;
}

export interface PersonResult {
  memberId: string;
  name: string;
  orgName: string;
  teamId: string | null;
  /** Sum of the counted round results; null when the person has no counted attempt at all. */
  score: number | null;
  timeUsedSec: number | null;
  submittedAtMs: number | null;
  roundsTaken: number;
}

export interface RankedPerson extends PersonResult {
  score: number;
  timeUsedSec: number;
  submittedAtMs: number;
  rank: number;
}

export interface RankedTeam {
  id: string;
  name: string;
  eligible: number;
  participants: number;
  /** participants ÷ eligible, 0…1 (0 for a team with nobody eligible). */
  participationRate: number;
  /** The score by the team method, before any participation weighting. */
  baseScore: number;
  /** The score teams are ranked by (baseScore, weighted by participation when configured). */
  score: number;
  rank: number;
}

export type RankingWarning =
  | { code: 'team_sizes_differ'; min: number; max: number; method: TeamMethod; message: string }
  | { code: 'best_n_short'; bestN: number; teams: string[]; message: string };

export interface ContestRanking {
  individuals: RankedPerson[];
  teams: RankedTeam[];
  warnings: RankingWarning[];
  eligible: number;
  participants: number;
  /** Σ over rounds of the highest max score seen in the round (the contest's full marks). */
  maxScore: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10000) / 10000;
const counts = (a: RankAttempt) => (a.state === 'submitted' || a.state === 'auto_submitted') && a.score !== null && a.finishedAt !== null;

/**
 * The result that counts for one person in one round under the exam's grading method, or null when
 * no attempt counts (in progress, abandoned, awaiting marking).
 */
export function countedResult(attempts: readonly RankAttempt[], method: GradingMethod): RoundResult | null {
  const done = attempts
    .filter(counts)
    .map((a, i) => ({ a, i, start: toMs(a.startedAt), end: toMs(a.finishedAt as DateLike) }))
    .sort((x, y) => x.start - y.start || x.i - y.i);
  if (done.length === 0) return null;
  const score = overallGrade(done.map(({ a }) => ({ state: a.state, startedAt: a.startedAt, score: a.score })), method);
  if (score === null) return null;
  const used = (d: (typeof done)[number]) => Math.max(0, Math.floor((d.end - d.start) / 1000));
  const maxScore = done.reduce<number | null>((m, d) => (d.a.maxScore === null ? m : Math.max(m ?? 0, d.a.maxScore)), null);
  let chosen: (typeof done)[number];
  switch (method) {
    case 'first': chosen = done[0]!; break;
    case 'latest': chosen = done[done.length - 1]!; break;
    case 'highest': chosen = done.find((d) => d.a.score === score) ?? done[0]!; break;
    case 'average': {
      const mean = Math.round(done.reduce((s, d) => s + used(d), 0) / done.length);
      return { score, maxScore, timeUsedSec: mean, submittedAtMs: Math.max(...done.map((d) => d.end)) };
    }
  }
  return { score, maxScore, timeUsedSec: used(chosen), submittedAtMs: chosen.end };
}

/**
 * Every eligible person's contest result over the given rounds (attempts of others are ignored).
 * `live` are results in live rounds, one per person and round, counted as they are.
 */
export function personResults(
  eligible: readonly EligiblePerson[], attempts: readonly RankAttempt[], roundIds: readonly string[], live: readonly LiveRoundResult[] = [],
): { people: PersonResult[]; maxScore: number } {
  const rounds = new Set(roundIds);
  const liveBy = new Map<string, RoundResult[]>();
  const liveSeen = new Set<string>();
  for (const l of live) {
    // One result per person and round: a second row for the same pair is ignored, not added.
    const key = `${l.memberId}|${l.roundId}`;
    if (!rounds.has(l.roundId) || liveSeen.has(key)) continue;
    liveSeen.add(key);
    const res: RoundResult = { score: l.score, maxScore: l.maxScore, timeUsedSec: Math.max(0, Math.floor(l.timeUsedSec)), submittedAtMs: toMs(l.submittedAt) };
    const list = liveBy.get(l.memberId);
    if (list) list.push(res);
    else liveBy.set(l.memberId, [res]);
  }
  const byPerson = new Map<string, Map<string, RankAttempt[]>>();
  const roundMax = new Map<string, number>();
  for (const l of live) {
    if (rounds.has(l.roundId)) roundMax.set(l.roundId, Math.max(roundMax.get(l.roundId) ?? 0, l.maxScore));
  }
  for (const a of attempts) {
    if (!rounds.has(a.roundId)) continue;
    if (a.maxScore !== null && counts(a)) roundMax.set(a.roundId, Math.max(roundMax.get(a.roundId) ?? 0, a.maxScore));
    let m = byPerson.get(a.memberId);
    if (!m) byPerson.set(a.memberId, (m = new Map()));
    const list = m.get(a.roundId);
    if (list) list.push(a);
    else m.set(a.roundId, [a]);
  }
  const people = eligible.map((p): PersonResult => {
    const mine = byPerson.get(p.memberId);
    let score: number | null = null;
    let time = 0;
    let submitted = 0;
    let taken = 0;
    const results = [
      ...[...(mine?.values() ?? [])].map((list) => countedResult(list, list[0]!.gradingMethod)),
      ...(liveBy.get(p.memberId) ?? []),
    ];
    for (const res of results) {
      if (!res) continue;
      score = (score ?? 0) + res.score;
      time += res.timeUsedSec;
      submitted = Math.max(submitted, res.submittedAtMs);
      taken += 1;
    }
    return {
      memberId: p.memberId, name: p.name, orgName: p.orgName ?? '', teamId: p.teamId,
      score: score === null ? null : r4(score), timeUsedSec: score === null ? null : time, submittedAtMs: score === null ? null : submitted,
      roundsTaken: taken,
    };
  });
  return { people, maxScore: r2([...roundMax.values()].reduce((s, x) => s + x, 0)) };
}

/** Shared ranks over a sorted list: equal neighbours (by `same`) take the first one's rank. */
function assignRanks<T>(sorted: T[], same: (a: T, b: T) => boolean): number[] {
  const ranks: number[] = [];
  sorted.forEach((x, i) => {
    ranks.push(i > 0 && same(sorted[i - 1]!, x) ? ranks[i - 1]! : i + 1);
  });
  return ranks;
}

const secOf = (ms: number) => Math.floor(ms / 1000);

/** Individuals who have a result, ranked by score, time used, then submission (ties share a rank). */
export function rankIndividuals(people: readonly PersonResult[]): RankedPerson[] {
  const ranked = people.filter((p): p is PersonResult & { score: number; timeUsedSec: number; submittedAtMs: number } => p.score !== null)
    .map((p) => ({ ...p }));
  ranked.sort((a, b) =>
    r2(b.score) - r2(a.score) || a.timeUsedSec - b.timeUsedSec || secOf(a.submittedAtMs) - secOf(b.submittedAtMs) || a.name.localeCompare(b.name, 'zh-CN') || (a.memberId < b.memberId ? -1 : 1));
  const ranks = assignRanks(ranked, (a, b) =>
    r2(a.score) === r2(b.score) && a.timeUsedSec === b.timeUsedSec && secOf(a.submittedAtMs) === secOf(b.submittedAtMs));
  return ranked.map((p, i) => ({ ...p, rank: ranks[i]! }));
}

/** Team scores and ranks, with warnings about sizes. */
export function rankTeams(teams: readonly TeamDef[], people: readonly PersonResult[], rules: ContestRules): { teams: RankedTeam[]; warnings: RankingWarning[] } {
  const method = rules.teamMethod;
  const bestN = rules.bestN ?? null;
  if (method === 'best_n' && (!bestN || bestN < 1)) throw new RangeError('The best-N team method needs N ≥ 1.');
  const w = Math.min(1, Math.max(0, rules.participationWeight ?? 0));
  const members = new Map<string, PersonResult[]>(teams.map((t) => [t.id, []]));
  for (const p of people) if (p.teamId !== null) members.get(p.teamId)?.push(p);

  const out = teams.map((t) => {
    const list = members.get(t.id)!;
    const scores = list.filter((p) => p.score !== null).map((p) => p.score as number).sort((a, b) => b - a);
    const eligible = list.length;
    const participants = scores.length;
    const rate = eligible === 0 ? 0 : participants / eligible;
    let base = 0;
    if (method === 'total') base = scores.reduce((s, x) => s + x, 0);
    else if (method === 'average') base = participants ? scores.reduce((s, x) => s + x, 0) / participants : 0;
    else base = scores.slice(0, bestN!).reduce((s, x) => s + x, 0) / bestN!;
    const score = w > 0 ? base * (1 - w + w * rate) : base;
    return { id: t.id, name: t.name, eligible, participants, participationRate: r4(rate), baseScore: r2(base), score: r2(score), rank: 0 };
  });
  out.sort((a, b) => b.score - a.score || b.participationRate - a.participationRate || a.name.localeCompare(b.name, 'zh-CN'));
  const ranks = assignRanks(out, (a, b) => a.score === b.score && a.participationRate === b.participationRate);
  out.forEach((t, i) => { t.rank = ranks[i]!; });

  const warnings: RankingWarning[] = [];
  if (out.length > 1) {
    const sizes = out.map((t) => t.eligible);
    const min = Math.min(...sizes);
    const max = Math.max(...sizes);
    if (min !== max) {
      const why = method === 'total'
        ? 'With the total method, larger teams score more simply by having more people; consider the average or best-N method.'
        : 'Compare participation rates as well as scores.';
      warnings.push({ code: 'team_sizes_differ', min, max, method, message: `Teams differ in size (${min}–${max} eligible people). ${why}` });
    }
  }
  if (method === 'best_n') {
    const short = out.filter((t) => t.eligible < bestN!).map((t) => t.name);
    if (short.length) {
      warnings.push({ code: 'best_n_short', bestN: bestN!, teams: short, message: `${short.join(', ')}: fewer than ${bestN} eligible people, so empty places count 0.` });
    }
  }
  return { teams: out, warnings };
}

/** The whole contest ranking from what the database returns. */
export function contestRanking(input: {
  rules: ContestRules;
  teams: readonly TeamDef[];
  eligible: readonly EligiblePerson[];
  attempts: readonly RankAttempt[];
  roundIds: readonly string[];
  /** Results in live rounds (their round ids must be in roundIds). */
  live?: readonly LiveRoundResult[];
}): ContestRanking {
  const { people, maxScore } = personResults(input.eligible, input.attempts, input.roundIds, input.live ?? []);
  const individuals = rankIndividuals(people);
  const { teams, warnings } = rankTeams(input.teams, people, input.rules);
  return { individuals, teams, warnings, eligible: people.length, participants: individuals.length, maxScore };
}

// ---------------------------------------------------------------------------------------------
// Awards (一等奖/二等奖/三等奖)

export type AwardLevel = 'first' | 'second' | 'third';

export interface AwardRule {
  /** 'count': first/second/third are numbers of people; 'share': percentages of the ranked people. */
  mode: 'count' | 'share';
  first: number;
  second: number;
  third: number;
}

export const DEFAULT_AWARDS: AwardRule = { mode: 'count', first: 1, second: 2, third: 3 };

/**
 * The prize of each ranked person. Prizes go down the ranking in places: the first `first` places
 * are 一等奖, the next `second` 二等奖, the next `third` 三等奖 (with 'share', each count is that
 * percentage of the ranked people, rounded half up, at least 1 when the percentage is positive).
 * People who share a rank share the prize of the rank's first place, so a tie at a boundary is never
 * split — the next prize then starts later.
 */
export function assignAwards(ranked: readonly { rank: number }[], rule: AwardRule): (AwardLevel | null)[] {
  const n = ranked.length;
  const size = (x: number) => (rule.mode === 'count' ? Math.max(0, Math.floor(x)) : x > 0 ? Math.max(1, Math.round((n * x) / 100)) : 0);
  const a = size(rule.first);
  const b = size(rule.second);
  const c = size(rule.third);
  return ranked.map((p) => {
    const place = p.rank; // 1-based place of the first person with this rank
    if (place <= a) return 'first';
    if (place <= a + b) return 'second';
    if (place <= a + b + c) return 'third';
    return null;
  });
}

// ---------------------------------------------------------------------------------------------
// Seasons

export interface SeasonItem {
  id: string;
  weight: number;
}

export interface SeasonPerson {
  memberId: string;
  name: string;
  unitId: string | null;
  unitName: string;
}

export interface SeasonResult {
  memberId: string;
  itemId: string;
  /** 0…100 */
  percent: number;
}

export interface SeasonRankedPerson extends SeasonPerson {
  /** Σ weight × percent ÷ Σ weight over ALL items (a missed item counts 0), 2 decimals. */
  score: number;
  itemsTaken: number;
  perItem: Record<string, number | null>;
  rank: number;
}

export interface SeasonRankedUnit {
  unitId: string;
  unitName: string;
  people: number;
  /** Mean of its people's season scores. */
  score: number;
  rank: number;
}

export function seasonRanking(items: readonly SeasonItem[], people: readonly SeasonPerson[], results: readonly SeasonResult[]): { people: SeasonRankedPerson[]; units: SeasonRankedUnit[] } {
  const totalWeight = items.reduce((s, i) => s + i.weight, 0);
  if (items.some((i) => !(i.weight > 0))) throw new RangeError('Every season item needs a positive weight.');
  const itemIds = new Set(items.map((i) => i.id));
  const byPerson = new Map<string, Map<string, number>>();
  for (const r of results) {
    if (!itemIds.has(r.itemId)) continue;
    let m = byPerson.get(r.memberId);
    if (!m) byPerson.set(r.memberId, (m = new Map()));
    m.set(r.itemId, Math.max(m.get(r.itemId) ?? -Infinity, r.percent));
  }
  const ranked = people
    .filter((p) => byPerson.has(p.memberId))
    .map((p) => {
      const mine = byPerson.get(p.memberId)!;
      const perItem: Record<string, number | null> = {};
      let sum = 0;
      for (const it of items) {
        const v = mine.get(it.id);
        perItem[it.id] = v ?? null;
        if (v !== undefined) sum += it.weight * v;
      }
      return { ...p, score: totalWeight ? r2(sum / totalWeight) : 0, itemsTaken: mine.size, perItem, rank: 0 };
    });
  ranked.sort((a, b) => b.score - a.score || b.itemsTaken - a.itemsTaken || a.name.localeCompare(b.name, 'zh-CN'));
  const pr = assignRanks(ranked, (a, b) => a.score === b.score);
  ranked.forEach((p, i) => { p.rank = pr[i]!; });

  const units = new Map<string, { unitName: string; sum: number; n: number }>();
  for (const p of ranked) {
    if (!p.unitId) continue;
    const u = units.get(p.unitId) ?? { unitName: p.unitName, sum: 0, n: 0 };
    u.sum += p.score;
    u.n += 1;
    units.set(p.unitId, u);
  }
  const unitRows = [...units.entries()].map(([unitId, u]) => ({ unitId, unitName: u.unitName, people: u.n, score: r2(u.sum / u.n), rank: 0 }));
  unitRows.sort((a, b) => b.score - a.score || b.people - a.people || a.unitName.localeCompare(b.unitName, 'zh-CN'));
  const ur = assignRanks(unitRows, (a, b) => a.score === b.score);
  unitRows.forEach((u, i) => { u.rank = ur[i]!; });
  return { people: ranked, units: unitRows };
}
