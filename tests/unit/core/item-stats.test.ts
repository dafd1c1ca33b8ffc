// Item statistics against numbers worked out by hand (the arithmetic is in the comments).
import { describe, expect, it } from 'vitest';
import {
  computeExamStats, correlation, cronbachAlpha, discriminativeEfficiency, firstAttempts, groupSize, histogram, median, sd,
  type ItemMeta, type StatsAttempt,
} from '../../../src/core/item-stats.ts';

const OPTS = [{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }, { id: 'C', text: '丙' }];
const meta = new Map<string, ItemMeta>([
  ['v1', { versionId: 'v1', questionId: 'q1', type: 'single', stem: '一', options: OPTS, correct: ['A'] }],
  ['v2', { versionId: 'v2', questionId: 'q2', type: 'single', stem: '二', options: OPTS, correct: ['A'] }],
  ['v3', { versionId: 'v3', questionId: 'q3', type: 'single', stem: '三', options: OPTS, correct: ['A'] }],
]);

/** marks [q1, q2, q3] (1 point each) and responses. */
function attempt(id: string, marks: (number | null)[], responses: unknown[], memberId = id, attemptNo = 1): StatsAttempt {
  const score = marks.reduce<number>((s, m) => s + (m ?? 0), 0);
  return {
    id, memberId, attemptNo, score, maxScore: marks.length,
    slots: marks.map((mark, i) => ({ slot: i + 1, questionId: `q${i + 1}`, versionId: `v${i + 1}`, points: 1, mark, response: responses[i] })),
  };
}

// Four people, three 1-point questions:
//   A 1 1 1 = 3    B 1 1 0 = 2    C 1 0 0 = 1    D 1 0 0 = 1
const FIXTURE = [
  attempt('a', [1, 1, 1], ['A', 'A', 'A']),
  attempt('b', [1, 1, 0], ['A', 'A', null]),
  attempt('c', [1, 0, 0], ['A', 'B', 'B']),
  attempt('d', [1, 0, 0], ['A', 'B', 'C']),
];

describe('computeExamStats on a hand-computed fixture', () => {
  const s = computeExamStats(FIXTURE, meta);
  const q = (id: string) => s.items.find((i) => i.questionId === id)!;

  it('exam: n, mean, median, SD, alpha, SEM, histogram', () => {
    // Percents 100, 66.67, 33.33, 33.33 → mean 58.33; median (33.33 + 66.67) / 2 = 50.
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(58.33, 2);
    expect(s.median).toBeCloseTo(50, 2);
    // Deviations 41.67, 8.33, −25, −25 → Σ² = 3055.56, / 3 = 1018.52 → SD 31.91.
    expect(s.sd).toBeCloseTo(31.91, 2);
    // Item variances 0, 1/3, 1/4 (Σ 0.5833); totals 3, 2, 1, 1 → variance 2.75 / 3 = 0.9167.
    // α = 3/2 · (1 − 0.5833 / 0.9167) = 0.5455; SEM = 31.91 · √(1 − 0.5455) = 21.52.
    expect(s.alpha).toBeCloseTo(0.5455, 4);
    expect(s.sem).toBeCloseTo(21.52, 2);
    expect(s.histogram.map((b) => b.count)).toEqual([0, 0, 0, 2, 0, 0, 1, 0, 0, 1]);
    expect(s.smallSample).toBe(true);
    expect(s.reliability).toEqual({ items: 3, attempts: 4 });
  });

  it('an all-correct item: facility 1, no correlation (zero variance), flagged too easy', () => {
    const i = q('q1');
    expect(i.facility).toBe(1);
    expect(i.sd).toBe(0);
    expect(i.pointBiserial).toBeNull();
    expect(i.discriminativeEfficiency).toBeNull();
    // Upper (A) and lower (D) both right: D = 0.
    expect(i.discriminationIndex).toBe(0);
    expect(i.flags).toEqual(['too_easy', 'low_discrimination', 'unused_distractor']);
  });

  it('q2: facility, 27 % groups, corrected point-biserial, efficiency, distractor nobody chose', () => {
    const i = q('q2');
    // x = 1 1 0 0; rest = (score − mark) / 2 = 1, 0.5, 0.5, 0.5.
    // cov = Σ(dx·dr)/3 = (0.1875 − 0.0625 + 0.0625 + 0.0625)/3 = 0.0833; var x = 1/3; var rest = 0.0625
    // r = 0.0833 / √(1/3 · 0.0625) = 1/√3 = 0.5774. Sorted pairs give the same covariance: efficiency 1.
    expect(i.facility).toBe(0.5);
    expect(i.pointBiserial).toBeCloseTo(0.5774, 4);
    expect(i.discriminativeEfficiency).toBeCloseTo(1, 4);
    // Groups of round(0.27 · 4) = 1: upper A (right), lower D (C and D tie; D sorts last) → 1 − 0 = 1.
    expect(i.upperGroup).toEqual({ n: 1, facility: 1 });
    expect(i.lowerGroup).toEqual({ n: 1, facility: 0 });
    expect(i.discriminationIndex).toBe(1);
    expect(i.options.map((o) => [o.id, o.count, o.correct])).toEqual([['A', 2, true], ['B', 2, false], ['C', 0, false]]);
    expect(i.flags).toEqual(['unused_distractor']);
  });

  it('q3: one unanswered response is counted apart; every distractor chosen', () => {
    const i = q('q3');
    // x = 1 0 0 0 (facility 0.25); rest = 1, 1, 0.5, 0.5; cov = 0.25/3, var x = 0.25, var rest = 0.0833 → r = 0.5774.
    expect(i.facility).toBe(0.25);
    expect(i.pointBiserial).toBeCloseTo(0.5774, 4);
    expect(i.unanswered).toBe(1);
    expect(i.options.map((o) => o.count)).toEqual([1, 1, 1]);
    expect(i.flags).toEqual([]);
  });
});

describe('edge cases', () => {
  it('an all-wrong item is flagged too hard and has no correlation', () => {
    const s = computeExamStats([
      attempt('a', [1, 0, 1], ['A', 'B', 'A']),
      attempt('b', [0, 0, 1], ['B', 'C', 'A']),
      attempt('c', [1, 0, 0], ['A', 'B', 'B']),
    ], meta);
    const i = s.items.find((x) => x.questionId === 'q2')!;
    expect(i.facility).toBe(0);
    expect(i.pointBiserial).toBeNull();
    expect(i.flags).toContain('too_hard');
  });

  it('n = 1: no SD, no alpha, no groups, still a facility', () => {
    const s = computeExamStats([attempt('a', [1, 0, 1], ['A', 'B', 'A'])], meta);
    expect(s.n).toBe(1);
    expect(s.sd).toBeNull();
    expect(s.alpha).toBeNull();
    expect(s.sem).toBeNull();
    expect(s.median).toBeCloseTo(66.67, 2);
    const i = s.items[0]!;
    expect(i.facility).toBe(1);
    expect(i.discriminationIndex).toBeNull();
    expect(i.pointBiserial).toBeNull();
  });

  it('zero variance in the totals: SD 0, alpha undefined', () => {
    const s = computeExamStats([
      attempt('a', [1, 0, 1], ['A', 'B', 'A']),
      attempt('b', [0, 1, 1], ['B', 'A', 'A']),
    ], meta);
    expect(s.sd).toBe(0);
    expect(s.alpha).toBeNull();
    expect(s.sem).toBeNull();
  });

  it('negative discrimination: the weakest get it right, the strongest wrong', () => {
    const s = computeExamStats([
      attempt('a', [1, 1, 0], ['A', 'A', 'B']),
      attempt('b', [1, 1, 0], ['A', 'A', 'B']),
      attempt('c', [0, 0, 1], ['B', 'B', 'A']),
      attempt('d', [0, 0, 1], ['B', 'C', 'A']),
    ], meta);
    const i = s.items.find((x) => x.questionId === 'q3')!;
    expect(i.pointBiserial!).toBeLessThan(0);
    expect(i.discriminationIndex).toBe(-1);
    expect(i.flags).toContain('negative_discrimination');
  });

  it('an unmarked short answer is left out of its item but the attempt still counts', () => {
    const s = computeExamStats([attempt('a', [1, null, 1], ['A', 'text', 'A']), attempt('b', [0, 1, 0], ['B', 'x', 'B'])], meta);
    expect(s.n).toBe(2);
    expect(s.items.find((x) => x.questionId === 'q2')!.n).toBe(1);
    expect(s.reliability.attempts).toBe(1);
  });
});

describe('helpers', () => {
  it('first attempts only', () => {
    const list = [attempt('a1', [1, 1, 1], [], 'm1', 1), attempt('a2', [0, 0, 0], [], 'm1', 2), attempt('b1', [1, 0, 0], [], 'm2', 1)];
    expect(firstAttempts(list).map((a) => a.id)).toEqual(['a1', 'b1']);
  });
  it('group size is 27 % rounded, at least 1, at most half', () => {
    expect([1, 2, 3, 4, 10, 100].map(groupSize)).toEqual([0, 1, 1, 1, 3, 27]);
  });
  it('median, SD, correlation, efficiency, alpha on tiny inputs', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([])).toBeNull();
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138, 3); // sample SD
    expect(correlation([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(correlation([1, 1, 1], [2, 4, 6])).toBeNull();
    expect(discriminativeEfficiency([1, 0], [0, 1])).toBeCloseTo(-1, 10);
    // KR-20 on 0/1 items equals alpha: two identical items → α = 2·(1 − 0.5/1) = 1.
    expect(cronbachAlpha([[1, 1], [0, 0]])).toBeCloseTo(1, 10);
    expect(histogram([0, 9.99, 10, 100]).map((b) => b.count)).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});
