import { describe, expect, it } from 'vitest';
import {
  assignAwards, contestRanking, countedResult, personResults, rankIndividuals, rankTeams, seasonRanking,
  type EligiblePerson, type PersonResult, type RankAttempt,
} from '../../../src/core/rankings.ts';

const T0 = Date.parse('2026-12-01T01:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000);

function attempt(memberId: string, score: number | null, startSec: number, usedSec: number, extra: Partial<RankAttempt> = {}): RankAttempt {
  return {
    memberId, roundId: 'r1', gradingMethod: 'highest', state: 'submitted',
    startedAt: at(startSec), finishedAt: at(startSec + usedSec), score, maxScore: 100, ...extra,
  };
}

const person = (memberId: string, score: number | null, timeUsedSec: number, submittedSec: number, teamId: string | null = null): PersonResult => ({
  memberId, name: memberId, orgName: '', teamId, score, timeUsedSec: score === null ? null : timeUsedSec,
  submittedAtMs: score === null ? null : T0 + submittedSec * 1000, roundsTaken: score === null ? 0 : 1,
});

describe('individual ranking', () => {
  it('ranks by score, then time used, then earlier submission', () => {
    const ranked = rankIndividuals([
      person('a', 80, 600, 1000),
      person('b', 90, 900, 2000),
      person('c', 80, 500, 3000),   // same score as a, less time → ahead of a
      person('d', 80, 600, 900),    // same score and time as a, submitted earlier → ahead of a
    ]);
    expect(ranked.map((p) => [p.memberId, p.rank])).toEqual([['b', 1], ['c', 2], ['d', 3], ['a', 4]]);
  });

  it('gives tied people the same rank and skips the next (1, 2, 2, 4)', () => {
    const ranked = rankIndividuals([
      person('a', 95, 300, 100),
      person('b', 90, 400, 200),
      person('c', 90, 400, 200.4),  // same second of submission: a tie
      person('d', 70, 100, 50),
    ]);
    expect(ranked.map((p) => p.rank)).toEqual([1, 2, 2, 4]);
  });

  it('leaves out people without a counted result', () => {
    const ranked = rankIndividuals([person('a', null, 0, 0), person('b', 10, 60, 60)]);
    expect(ranked.map((p) => p.memberId)).toEqual(['b']);
  });
});

describe('which attempt counts', () => {
  const three = [attempt('p', 60, 0, 600), attempt('p', 90, 1000, 500), attempt('p', 70, 2000, 300)];

  it('follows the grading method: highest, first, latest, average', () => {
    expect(countedResult(three, 'highest')).toMatchObject({ score: 90, timeUsedSec: 500, submittedAtMs: T0 + 1500_000 });
    expect(countedResult(three, 'first')).toMatchObject({ score: 60, timeUsedSec: 600, submittedAtMs: T0 + 600_000 });
    expect(countedResult(three, 'latest')).toMatchObject({ score: 70, timeUsedSec: 300, submittedAtMs: T0 + 2300_000 });
    expect(countedResult(three, 'average')).toMatchObject({ score: 73.33, timeUsedSec: 467, submittedAtMs: T0 + 2300_000 });
  });

  it('ignores attempts in progress, abandoned or awaiting marking', () => {
    const list = [
      attempt('p', 50, 0, 100),
      attempt('p', 99, 200, 100, { state: 'abandoned' }),
      attempt('p', null, 400, 100),
      attempt('p', 98, 600, 0, { state: 'in_progress', finishedAt: null }),
    ];
    expect(countedResult(list, 'highest')).toMatchObject({ score: 50 });
    expect(countedResult(list, 'latest')).toMatchObject({ score: 50 });
    expect(countedResult([attempt('p', null, 0, 10)], 'highest')).toBeNull();
  });

  it('sums rounds per person and takes each round by its own exam method', () => {
    const eligible: EligiblePerson[] = [{ memberId: 'p', name: 'P', teamId: null }, { memberId: 'q', name: 'Q', teamId: null }];
    const attempts = [
      attempt('p', 40, 0, 100), attempt('p', 60, 200, 100),                                   // r1 highest → 60
      attempt('p', 10, 0, 50, { roundId: 'r2', gradingMethod: 'first', maxScore: 20 }),
      attempt('p', 20, 100, 50, { roundId: 'r2', gradingMethod: 'first', maxScore: 20 }),    // r2 first → 10
      attempt('x', 99, 0, 10),                                                                // not eligible
    ];
    const { people, maxScore } = personResults(eligible, attempts, ['r1', 'r2']);
    expect(people[0]).toMatchObject({ score: 70, timeUsedSec: 150, roundsTaken: 2 });
    expect(people[1]).toMatchObject({ score: null, roundsTaken: 0 });
    expect(maxScore).toBe(120);
  });
});

describe('team ranking', () => {
  const teams = [{ id: 'A', name: '青岛分行' }, { id: 'B', name: '济南分行' }];
  const people = [
    person('a1', 90, 1, 1, 'A'), person('a2', 70, 1, 1, 'A'), person('a3', null, 0, 0, 'A'), person('a4', null, 0, 0, 'A'),
    person('b1', 85, 1, 1, 'B'), person('b2', 75, 1, 1, 'B'), person('b3', 60, 1, 1, 'B'), person('b4', null, 0, 0, 'B'),
  ];

  it('average (default), total and best N', () => {
    const avg = rankTeams(teams, people, { teamMethod: 'average' }).teams;
    expect(avg.map((t) => [t.name, t.score, t.rank])).toEqual([['青岛分行', 80, 1], ['济南分行', 73.33, 2]]);
    const total = rankTeams(teams, people, { teamMethod: 'total' }).teams;
    expect(total.map((t) => [t.name, t.score])).toEqual([['济南分行', 220], ['青岛分行', 160]]);
    const best2 = rankTeams(teams, people, { teamMethod: 'best_n', bestN: 2 }).teams;
    // Best 2: A = (90+70)/2 = 80, B = (85+75)/2 = 80: equal scores, B has the higher participation rate.
    expect(best2.map((t) => [t.name, t.score, t.rank])).toEqual([['济南分行', 80, 1], ['青岛分行', 80, 2]]);
    const best3 = rankTeams(teams, people, { teamMethod: 'best_n', bestN: 3 }).teams;
    // A has only two results: the third place counts 0.
    expect(best3.find((t) => t.id === 'A')!.score).toBe(53.33);
  });

  it('shows the participation rate beside each team and weights it in when asked', () => {
    const plain = rankTeams(teams, people, { teamMethod: 'average' }).teams;
    expect(plain.find((t) => t.id === 'A')).toMatchObject({ eligible: 4, participants: 2, participationRate: 0.5 });
    expect(plain.find((t) => t.id === 'B')).toMatchObject({ eligible: 4, participants: 3, participationRate: 0.75 });
    // Weight 1: score × rate. A = 80 × 0.5 = 40; B = 73.33 × 0.75 = 55 → B first.
    const weighted = rankTeams(teams, people, { teamMethod: 'average', participationWeight: 1 }).teams;
    expect(weighted.map((t) => [t.name, t.score, t.baseScore])).toEqual([['济南分行', 55, 73.33], ['青岛分行', 40, 80]]);
    // Weight 0.5: × (0.5 + 0.5 × rate). A = 80 × 0.75 = 60; B = 73.333 × 0.875 = 64.17.
    const half = rankTeams(teams, people, { teamMethod: 'average', participationWeight: 0.5 }).teams;
    expect(half.map((t) => t.score)).toEqual([64.17, 60]);
  });

  it('warns when teams differ in size, more strongly for totals, and when a team is short of N', () => {
    const uneven = [...people, person('b5', 10, 1, 1, 'B')];
    const avg = rankTeams(teams, uneven, { teamMethod: 'average' });
    expect(avg.warnings).toEqual([expect.objectContaining({ code: 'team_sizes_differ', min: 4, max: 5 })]);
    const total = rankTeams(teams, uneven, { teamMethod: 'total' });
    expect(total.warnings[0]!.message).toMatch(/larger teams/);
    expect(rankTeams(teams, people, { teamMethod: 'average' }).warnings).toEqual([]);
    const best = rankTeams(teams, people, { teamMethod: 'best_n', bestN: 5 });
    expect(best.warnings).toEqual([expect.objectContaining({ code: 'best_n_short', bestN: 5 })]);
    expect([...(best.warnings[0] as { teams: string[] }).teams].sort()).toEqual(['济南分行', '青岛分行'].sort());
    expect(() => rankTeams(teams, people, { teamMethod: 'best_n', bestN: 0 })).toThrow(RangeError);
  });

  it('a team nobody took part in scores 0 and ranks last; tied teams share a rank', () => {
    const t3 = [...teams, { id: 'C', name: '总行' }, { id: 'D', name: '测试队' }];
    const res = rankTeams(t3, [...people, person('c1', null, 0, 0, 'C'), person('d1', null, 0, 0, 'D')], { teamMethod: 'average' }).teams;
    expect(res.slice(2).map((t) => [t.score, t.rank, t.participationRate])).toEqual([[0, 3, 0], [0, 3, 0]]);
  });
});

describe('contest ranking', () => {
  it('puts it together: individuals, teams, counts, full marks', () => {
    const r = contestRanking({
      rules: { teamMethod: 'average' },
      teams: [{ id: 'A', name: 'A' }],
      eligible: [{ memberId: 'p', name: 'P', teamId: 'A' }, { memberId: 'q', name: 'Q', teamId: 'A' }, { memberId: 's', name: 'S', teamId: null }],
      attempts: [attempt('p', 80, 0, 100), attempt('s', 90, 0, 100)],
      roundIds: ['r1'],
    });
    expect(r.individuals.map((p) => p.memberId)).toEqual(['s', 'p']);
    expect(r.teams[0]).toMatchObject({ eligible: 2, participants: 1, score: 80 });
    expect([r.eligible, r.participants, r.maxScore]).toEqual([3, 2, 100]);
  });
});

describe('awards', () => {
  const ranks = (...r: number[]) => r.map((rank) => ({ rank }));
  it('by counts of places', () => {
    expect(assignAwards(ranks(1, 2, 3, 4, 5, 6, 7), { mode: 'count', first: 1, second: 2, third: 3 }))
      .toEqual(['first', 'second', 'second', 'third', 'third', 'third', null]);
  });
  it('never splits a tie: tied people share the prize of their rank', () => {
    expect(assignAwards(ranks(1, 1, 3, 4, 4, 6), { mode: 'count', first: 1, second: 2, third: 1 }))
      .toEqual(['first', 'first', 'second', 'third', 'third', null]);
  });
  it('by share of the ranked people', () => {
    const ten = ranks(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    expect(assignAwards(ten, { mode: 'share', first: 10, second: 20, third: 30 }))
      .toEqual(['first', 'second', 'second', 'third', 'third', 'third', null, null, null, null]);
    // 5% of 10 rounds to 1 (never 0 for a positive share).
    expect(assignAwards(ten, { mode: 'share', first: 5, second: 0, third: 0 }).filter(Boolean)).toEqual(['first']);
  });
});

describe('season ranking', () => {
  const items = [{ id: 'e1', weight: 1 }, { id: 'e2', weight: 1 }, { id: 'm1', weight: 2 }];
  const people = [
    { memberId: 'p', name: 'P', unitId: 'QD', unitName: '青岛分行' },
    { memberId: 'q', name: 'Q', unitId: 'QD', unitName: '青岛分行' },
    { memberId: 's', name: 'S', unitId: 'JN', unitName: '济南分行' },
    { memberId: 'z', name: 'Z', unitId: 'JN', unitName: '济南分行' },
  ];
  it('weights items, counts a missed item as 0, and ranks people and units', () => {
    const r = seasonRanking(items, people, [
      { memberId: 'p', itemId: 'e1', percent: 100 }, { memberId: 'p', itemId: 'e2', percent: 80 }, { memberId: 'p', itemId: 'm1', percent: 60 },
      { memberId: 'q', itemId: 'm1', percent: 100 },
      { memberId: 's', itemId: 'e1', percent: 90 }, { memberId: 's', itemId: 'e2', percent: 90 }, { memberId: 's', itemId: 'm1', percent: 70 },
      { memberId: 's', itemId: 'ignored', percent: 100 },
    ]);
    // p = (100 + 80 + 2×60)/4 = 75; q = 2×100/4 = 50; s = (90+90+140)/4 = 80; z took nothing: not ranked.
    expect(r.people.map((p) => [p.memberId, p.score, p.rank, p.itemsTaken])).toEqual([['s', 80, 1, 3], ['p', 75, 2, 3], ['q', 50, 3, 1]]);
    expect(r.people.find((p) => p.memberId === 'q')!.perItem).toEqual({ e1: null, e2: null, m1: 100 });
    expect(r.units.map((u) => [u.unitName, u.score, u.people, u.rank])).toEqual([['济南分行', 80, 1, 1], ['青岛分行', 62.5, 2, 2]]);
  });
  it('equal weighted scores share a rank; weights must be positive', () => {
    const r = seasonRanking([{ id: 'a', weight: 3 }], people.slice(0, 2), [{ memberId: 'p', itemId: 'a', percent: 70 }, { memberId: 'q', itemId: 'a', percent: 70 }]);
    expect(r.people.map((p) => p.rank)).toEqual([1, 1]);
    expect(() => seasonRanking([{ id: 'a', weight: 0 }], people, [])).toThrow(RangeError);
  });
});

describe('live rounds', () => {
  // An online round (exam r1, max 100) and a live round (lr): the live results are what the live
  // contest recorded at its end (src/core/live-results.ts): team points + own 全员答 points.
  const eligible: EligiblePerson[] = [
    { memberId: 'a', name: 'a', teamId: 'X' }, { memberId: 'b', name: 'b', teamId: 'X' },
    { memberId: 'c', name: 'c', teamId: 'Y' }, { memberId: 'd', name: 'd', teamId: 'Y' },
  ];
  const liveEnd = at(5000);
  const live = (memberId: string, score: number, timeUsedSec: number) => ({ memberId, roundId: 'lr', score, maxScore: 35, timeUsedSec, submittedAt: liveEnd });

  it('adds a live result to the person’s score, time and rounds; full marks add the live round’s', () => {
    const r = contestRanking({
      rules: { teamMethod: 'average' },
      teams: [{ id: 'X', name: 'X' }, { id: 'Y', name: 'Y' }],
      eligible,
      attempts: [attempt('a', 60, 0, 600), attempt('c', 80, 0, 600)],
      roundIds: ['r1', 'lr'],
      live: [live('a', 24, 4), live('b', 14.5, 2), live('c', 4, 20), live('z', 99, 1)],
    });
    expect(r.maxScore).toBe(135);
    // a: 60 + 24 = 84 (604 s); c: 80 + 4 = 84 (620 s) → a ahead on time; b: live only, 14.5.
    expect(r.individuals.map((p) => [p.memberId, p.score, p.timeUsedSec, p.roundsTaken, p.rank])).toEqual([
      ['a', 84, 604, 2, 1], ['c', 84, 620, 2, 2], ['b', 14.5, 2, 1, 3],
    ]);
    // Someone seated in the live contest but not eligible here (z) is ignored; d took part in neither.
    expect(r.participants).toBe(3);
    const teams = Object.fromEntries(r.teams.map((t) => [t.id, t]));
    expect(teams.X).toMatchObject({ participants: 2, participationRate: 1, score: 49.25 });
    expect(teams.Y).toMatchObject({ participants: 1, participationRate: 0.5, score: 84 });
  });

  it('a live round’s submission is its finish: equal score and time after it tie, earlier exam submissions win', () => {
    const { people } = personResults(eligible, [], ['lr'], [live('a', 10, 5), live('b', 10, 5), live('c', 10, 6)]);
    const ranked = rankIndividuals(people);
    expect(ranked.map((p) => [p.memberId, p.rank])).toEqual([['a', 1], ['b', 1], ['c', 3]]);
    expect(ranked[0]!.submittedAtMs).toBe(liveEnd.getTime());
    // A live round left out of roundIds counts nothing; a duplicate row for the same person and round counts once.
    expect(personResults(eligible, [], ['r1'], [live('a', 10, 5)]).people.every((p) => p.score === null)).toBe(true);
    expect(personResults(eligible, [], ['lr'], [live('a', 10, 5), live('a', 10, 5)]).people.find((p) => p.memberId === 'a')!.score).toBe(10);
  });

  it('negative live scores count as they are (a team that lost points on stage)', () => {
    const { people } = personResults(eligible, [attempt('a', 50, 0, 100)], ['r1', 'lr'], [live('a', -10, 3)]);
    expect(people.find((p) => p.memberId === 'a')).toMatchObject({ score: 40, timeUsedSec: 103, submittedAtMs: liveEnd.getTime() });
  });
});
