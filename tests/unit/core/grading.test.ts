import { describe, expect, it } from 'vitest';
import {
  GradingError,
  applyManualMark,
  gradeAttempt,
  gradeResponse,
  isPassed,
  multipleFraction,
  roundTo,
  type MultipleRule,
  type QuestionResponse,
} from '../../../src/core/index.ts';
import { fill, fillAnyOrder, multiple, short, single, truefalse } from './fixtures.ts';

describe('single choice and true/false', () => {
  it('grades right, wrong and unanswered', () => {
    expect(gradeResponse(single, 'B', 2)).toEqual({ state: 'correct', mark: 2, maxMark: 2 });
    expect(gradeResponse(single, 'A', 2)).toEqual({ state: 'incorrect', mark: 0, maxMark: 2 });
    expect(gradeResponse(single, 'Z', 2)).toEqual({ state: 'incorrect', mark: 0, maxMark: 2 });
    expect(gradeResponse(single, null, 2)).toEqual({ state: 'unanswered', mark: 0, maxMark: 2 });
    expect(gradeResponse(truefalse, false, 1)).toEqual({ state: 'correct', mark: 1, maxMark: 1 });
    expect(gradeResponse(truefalse, true, 1)).toEqual({ state: 'incorrect', mark: 0, maxMark: 1 });
    expect(gradeResponse(truefalse, null, 1).state).toBe('unanswered');
  });

  it('throws GradingError on a response of the wrong JavaScript type', () => {
    expect(() => gradeResponse(single, ['B'] as unknown as QuestionResponse, 1)).toThrow(GradingError);
    expect(() => gradeResponse(truefalse, 'false', 1)).toThrow(/does not fit truefalse question/);
    expect(() => gradeResponse(multiple, 'A', 1)).toThrow(GradingError);
    expect(() => gradeResponse(fill, '15日', 1)).toThrow(GradingError);
    expect(() => gradeResponse(short, ['x'], 1)).toThrow(GradingError);
  });

  it('rejects negative or non-finite points', () => {
    expect(() => gradeResponse(single, 'B', -1)).toThrow(RangeError);
    expect(() => gradeResponse(single, 'B', Number.NaN)).toThrow(RangeError);
  });

  it('a zero-point slot still reports correctness', () => {
    expect(gradeResponse(single, 'B', 0)).toEqual({ state: 'correct', mark: 0, maxMark: 0 });
  });
});

describe('multiple choice', () => {
  // Key is A, B, C out of A–E; 3 points.
  const grade = (r: string[] | null, rule: MultipleRule) => gradeResponse(multiple, r, 3, rule);
  const cases: [string, string[] | null, Record<MultipleRule, [string, number]>][] = [
    ['exact', ['C', 'A', 'B'], { all_or_nothing: ['correct', 3], half_for_subset: ['correct', 3], per_option: ['correct', 3] }],
    ['subset of two', ['A', 'B'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['partial', 1.5], per_option: ['partial', 2] }],
    ['subset of one', ['C'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['partial', 1.5], per_option: ['partial', 1] }],
    ['superset', ['A', 'B', 'C', 'D'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['incorrect', 0], per_option: ['incorrect', 0] }],
    ['subset plus wrong', ['A', 'D'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['incorrect', 0], per_option: ['incorrect', 0] }],
    ['only wrong', ['D', 'E'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['incorrect', 0], per_option: ['incorrect', 0] }],
    ['everything', ['A', 'B', 'C', 'D', 'E'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['incorrect', 0], per_option: ['incorrect', 0] }],
    ['unknown id', ['A', 'B', 'X'], { all_or_nothing: ['incorrect', 0], half_for_subset: ['incorrect', 0], per_option: ['incorrect', 0] }],
    ['empty', [], { all_or_nothing: ['unanswered', 0], half_for_subset: ['unanswered', 0], per_option: ['unanswered', 0] }],
    ['null', null, { all_or_nothing: ['unanswered', 0], half_for_subset: ['unanswered', 0], per_option: ['unanswered', 0] }],
  ];
  for (const [name, response, expected] of cases) {
    for (const rule of ['all_or_nothing', 'half_for_subset', 'per_option'] as const) {
      it(`${name} under ${rule}`, () => {
        const [state, mark] = expected[rule];
        expect(grade(response, rule)).toEqual({ state, mark, maxMark: 3 });
      });
    }
  }

  it('counts a repeated option once', () => {
    expect(grade(['A', 'A', 'B', 'C'], 'all_or_nothing').state).toBe('correct');
    expect(grade(['A', 'A'], 'per_option').mark).toBe(1);
  });

  it('defaults to all-or-nothing', () => {
    expect(gradeResponse(multiple, ['A', 'B'], 3).mark).toBe(0);
  });

  it('per_option keeps 4 decimals for thirds', () => {
    expect(gradeResponse(multiple, ['A'], 2, 'per_option').mark).toBe(0.6667);
    expect(gradeResponse(multiple, ['A', 'B'], 2, 'per_option').mark).toBe(1.3333);
  });

  it('multipleFraction edge cases', () => {
    expect(multipleFraction([], ['A', 'B'], 'per_option')).toBe(0);
    expect(multipleFraction(['A'], [], 'per_option')).toBe(0);
  });
});

describe('fill in the blank', () => {
  it('gives per-blank fractional marks', () => {
    expect(gradeResponse(fill, ['15日', '30日'], 4)).toEqual({ state: 'correct', mark: 4, maxMark: 4 });
    expect(gradeResponse(fill, ['15日', '31日'], 4)).toEqual({ state: 'partial', mark: 2, maxMark: 4 });
    expect(gradeResponse(fill, ['16日', '31日'], 4)).toEqual({ state: 'incorrect', mark: 0, maxMark: 4 });
  });

  it('ignores full-width digits, spaces and accepts alternatives', () => {
    expect(gradeResponse(fill, ['１５ 日', ' 三十日 '], 2).state).toBe('correct');
    expect(gradeResponse(fill, ['十五日', '30天'], 2).state).toBe('correct');
  });

  it('respects order unless the key is order-insensitive', () => {
    expect(gradeResponse(fill, ['30日', '15日'], 2).state).toBe('incorrect');
    expect(gradeResponse(fillAnyOrder, ['自主选择权', '知情权'], 2).state).toBe('correct');
    expect(gradeResponse(fillAnyOrder, ['知情权', '知情权'], 2)).toEqual({ state: 'partial', mark: 1, maxMark: 2 });
  });

  it('treats all-empty blanks as unanswered and a partly filled response as graded', () => {
    expect(gradeResponse(fill, ['', ' '], 2).state).toBe('unanswered');
    expect(gradeResponse(fill, [], 2).state).toBe('unanswered');
    expect(gradeResponse(fill, ['15日', ''], 2)).toEqual({ state: 'partial', mark: 1, maxMark: 2 });
    expect(gradeResponse(fill, ['15日'], 2)).toEqual({ state: 'partial', mark: 1, maxMark: 2 });
  });
});

describe('short answer', () => {
  it('needs grading with a null mark, unless blank', () => {
    expect(gradeResponse(short, '首问负责，不推诿。', 10)).toEqual({ state: 'needs_grading', mark: null, maxMark: 10 });
    expect(gradeResponse(short, '   ', 10)).toEqual({ state: 'unanswered', mark: 0, maxMark: 10 });
    expect(gradeResponse(short, null, 10).state).toBe('unanswered');
  });

  it('applyManualMark validates and derives the state', () => {
    expect(applyManualMark(10, 10)).toEqual({ state: 'correct', mark: 10, maxMark: 10 });
    expect(applyManualMark(10, 6.5)).toEqual({ state: 'partial', mark: 6.5, maxMark: 10 });
    expect(applyManualMark(10, 0)).toEqual({ state: 'incorrect', mark: 0, maxMark: 10 });
    expect(() => applyManualMark(10, 11)).toThrow(/between 0 and 10/);
    expect(() => applyManualMark(10, -1)).toThrow(RangeError);
  });
});

describe('determinism', () => {
  it('regrading the same data gives identical results', () => {
    const a = gradeResponse(fillAnyOrder, ['财产安全权', '知情权'], 3);
    const b = gradeResponse(fillAnyOrder, ['财产安全权', '知情权'], 3);
    expect(a).toEqual(b);
  });
});

describe('gradeAttempt', () => {
  it('totals marks and percent', () => {
    const r = gradeAttempt([
      gradeResponse(single, 'B', 2),
      gradeResponse(multiple, ['A'], 3, 'half_for_subset'),
      gradeResponse(truefalse, true, 1),
      gradeResponse(fill, ['15日', '30日'], 4),
    ]);
    expect(r).toEqual({ score: 7.5, maxScore: 10, needsManualGrading: false, percent: 75 });
  });

  it('flags pending manual grading and counts the pending slot as 0 meanwhile', () => {
    const r = gradeAttempt([gradeResponse(single, 'B', 2), gradeResponse(short, '答案', 8)]);
    expect(r).toEqual({ score: 2, maxScore: 10, needsManualGrading: true, percent: 20 });
    expect(isPassed(r, 10)).toBeNull();
  });

  it('sums thirds without float drift', () => {
    const third = gradeResponse(multiple, ['A'], 2, 'per_option');
    const r = gradeAttempt([third, third, third]);
    expect(r.score).toBe(2);
  });

  it('handles an empty paper', () => {
    expect(gradeAttempt([])).toEqual({ score: 0, maxScore: 0, needsManualGrading: false, percent: 0 });
  });

  it('isPassed compares the score, not the rounded percent', () => {
    const g = { score: 59.99, maxScore: 100, needsManualGrading: false, percent: 59.99 };
    expect(isPassed(g, 60)).toBe(false);
    expect(isPassed({ ...g, score: 60, percent: 60 }, 60)).toBe(true);
    expect(isPassed(g, null)).toBeNull();
  });

  it('roundTo rounds halves up like the decimal they represent', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(0.1 + 0.2, 4)).toBe(0.3);
  });
});
