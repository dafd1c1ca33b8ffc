import { describe, expect, it } from 'vitest';
import { isPracticeType, PracticeSessionRequestSchema, practiceOutcome, topicSet, wrongBookAfter, wrongSet } from '../../../src/core/practice.ts';
import { nextCard } from '../../../src/core/scheduling.ts';

describe('practice rules', () => {
  it('short answers have no instant feedback', () => {
    expect(isPracticeType('short')).toBe(false);
    expect(isPracticeType('fill')).toBe(true);
  });
  it('topic sessions need a topic', () => {
    expect(PracticeSessionRequestSchema.safeParse({ mode: 'topic' }).success).toBe(false);
    expect(PracticeSessionRequestSchema.safeParse({ mode: 'due' }).success).toBe(true);
  });
  it('outcome: correct → good, partial → hard and not correct, wrong → again', () => {
    expect(practiceOutcome('correct')).toEqual({ correct: true, rating: 'good' });
    expect(practiceOutcome('partial')).toEqual({ correct: false, rating: 'hard' });
    expect(practiceOutcome('incorrect')).toEqual({ correct: false, rating: 'again' });
  });
  it('wrong book: wrong → in and counted; right → out, count kept', () => {
    const a = wrongBookAfter(null, false);
    expect(a).toEqual({ inWrongBook: true, wrongCount: 1 });
    const b = wrongBookAfter(a, false);
    expect(b).toEqual({ inWrongBook: true, wrongCount: 2 });
    expect(wrongBookAfter(b, true)).toEqual({ inWrongBook: false, wrongCount: 2 });
    expect(wrongBookAfter(null, true)).toEqual({ inWrongBook: false, wrongCount: 0 });
  });
});

describe('session selection', () => {
  const pool = ['a-1', 'a-2', 'a-3', 'a-4', 'b-1'].map((id) => ({ questionId: id, topic: id.startsWith('a') ? 'a' : 'b' }));
  const now = new Date('2026-03-10T00:00:00Z');
  it('topic: due first, then never practised, only from the topic, deterministic per seed', () => {
    const due = { questionId: 'a-3', card: nextCard(null, 'again', '2026-03-01T00:00:00Z') };
    const set = topicSet({ topic: 'a', pool, cards: [due], now, seed: 7, size: 3 });
    expect(set[0]).toBe('a-3');
    expect(set).toHaveLength(3);
    expect(set.every((id) => id.startsWith('a-'))).toBe(true);
    expect(topicSet({ topic: 'a', pool, cards: [due], now, seed: 7, size: 3 })).toEqual(set);
  });
  it('wrong: most missed first', () => {
    const set = wrongSet({ entries: [{ questionId: 'x', topic: 't', wrongCount: 1 }, { questionId: 'y', topic: 't', wrongCount: 3 }], seed: 1 });
    expect(set).toEqual(['y', 'x']);
  });
});
