import { describe, expect, it } from 'vitest';
import { candidateFromStored, reviewScore, reviewSlot, rightAnswerOf, storedToPublic, versionFromStored, type StoredPublicVersion } from '../../../src/core/paper.ts';
import { NOTHING_VISIBLE } from '../../../src/core/attempt.ts';
import { fill, multiple, short, single, truefalse } from './fixtures.ts';

const storedSingle: StoredPublicVersion = {
  questionId: 'q-1', versionId: 'v-1', type: 'single', topic: 'complaint-handling', difficulty: 2, stem: '题干',
  options: [{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }, { id: 'C', text: '以上都对' }], blankCount: 0,
};

describe('storedToPublic', () => {
  it('orders options by the slot permutation and carries nothing else', () => {
    const p = storedToPublic(storedSingle, ['B', 'A', 'C']);
    expect(p).toEqual({ id: 'q-1', versionId: 'v-1', type: 'single', stem: '题干', options: [{ id: 'B', text: '乙' }, { id: 'A', text: '甲' }, { id: 'C', text: '以上都对' }] });
  });
  it('refuses an order that is not a permutation', () => {
    expect(() => storedToPublic(storedSingle, ['A', 'B'])).toThrow(RangeError);
  });
  it('gives fill questions their blank count and no options', () => {
    const p = storedToPublic({ ...storedSingle, type: 'fill', options: null, blankCount: 2 });
    expect(p).toEqual({ id: 'q-1', versionId: 'v-1', type: 'fill', stem: '题干', options: [], blankCount: 2 });
  });
});

describe('candidateFromStored', () => {
  it('pins options that refer to the options above', () => {
    expect(candidateFromStored(storedSingle)).toMatchObject({ optionIds: ['A', 'B', 'C'], pinnedOptionIds: ['C'] });
  });
});

describe('versionFromStored', () => {
  it('rebuilds a gradable version; an empty source becomes null', () => {
    const v = versionFromStored({ ...storedSingle, key: { answer: 'B' }, explanation: '解析', source: {} });
    expect(v.type).toBe('single');
    expect(v.source).toBeNull();
    expect(v.versionId).toBe('v-1');
  });
  it('throws when the key does not fit', () => {
    expect(() => versionFromStored({ ...storedSingle, key: { answer: 'Z' }, explanation: '', source: {} })).toThrow();
  });
});

describe('rightAnswerOf', () => {
  it('per type', () => {
    expect(rightAnswerOf(single)).toBe('B');
    expect(rightAnswerOf(multiple)).toEqual(['A', 'B', 'C']);
    expect(typeof rightAnswerOf(truefalse)).toBe('boolean');
    expect(rightAnswerOf(fill)).toHaveProperty('blanks');
    expect(rightAnswerOf(short)).toHaveProperty('modelAnswer');
  });
});

describe('reviewSlot / reviewScore', () => {
  const finished = { slot: 1, points: 5, question: storedToPublic(storedSingle), response: 'A', flagged: false, state: 'incorrect' as const, mark: 0, comment: null };
  it('shows only the response when nothing is visible', () => {
    const r = reviewSlot(finished, NOTHING_VISIBLE);
    expect(Object.keys(r).sort()).toEqual(['flagged', 'points', 'question', 'response', 'slot']);
  });
  it('adds marks with correctness, and the key/explanation/source only with those flags', () => {
    const r = reviewSlot(finished, { score: true, correctness: true, rightAnswers: true, explanations: false }, single);
    expect(r).toMatchObject({ state: 'incorrect', mark: 0, rightAnswer: 'B' });
    expect(r).not.toHaveProperty('explanation');
    const all = reviewSlot(finished, { score: true, correctness: true, rightAnswers: true, explanations: true }, single);
    expect(all.explanation).toBe(single.explanation);
    expect(all.source).toEqual(single.source);
  });
  it('needs the version to show keys', () => {
    expect(() => reviewSlot(finished, { ...NOTHING_VISIBLE, rightAnswers: true })).toThrow(TypeError);
  });
  it('hides the score unless the policy shows it', () => {
    const s = { score: 80, maxScore: 100, percent: 80, passed: true, needsGrading: false };
    expect(reviewScore(s, NOTHING_VISIBLE)).toEqual({ needsGrading: false, scoreVisible: false });
    expect(reviewScore(s, { ...NOTHING_VISIBLE, score: true })).toMatchObject({ score: 80, passed: true, scoreVisible: true });
  });
});
