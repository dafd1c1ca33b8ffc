import { describe, expect, it } from 'vitest';
import { CardStateSchema, dailySet, dueQuestions, nextCard, parseCardState, ratingForAnswer, type CardState, type QuestionCard } from '../../../src/core/index.ts';

const NOW = new Date('2026-03-15T08:00:00.000Z');
const plusDays = (d: number) => new Date(NOW.getTime() + d * 86_400_000);

describe('ratingForAnswer', () => {
  it('maps outcome and time to a rating', () => {
    expect(ratingForAnswer(false)).toBe('again');
    expect(ratingForAnswer(false, 1000)).toBe('again');
    expect(ratingForAnswer('partial', 1000)).toBe('hard');
    expect(ratingForAnswer(true)).toBe('good');
    expect(ratingForAnswer(true, null)).toBe('good');
    expect(ratingForAnswer(true, 3000)).toBe('easy');
    expect(ratingForAnswer(true, 20_000)).toBe('good');
    expect(ratingForAnswer(true, 60_000)).toBe('hard');
    expect(ratingForAnswer(true, 3000, { fastMs: 2000 })).toBe('good');
    expect(ratingForAnswer(true, -5)).toBe('good');
  });
});

describe('nextCard', () => {
  it('creates a card on first answer and returns plain JSON', () => {
    const s = nextCard(null, 'good', NOW);
    expect(CardStateSchema.safeParse(s).success).toBe(true);
    expect(s.reps).toBe(1);
    expect(s.lastReview).toBe(NOW.toISOString());
    expect(Date.parse(s.due)).toBeGreaterThan(NOW.getTime());
    expect(Object.values(s).every((x) => x === null || ['string', 'number'].includes(typeof x))).toBe(true);
  });

  it('round-trips through JSON (as stored in jsonb) and schedules the same from the copy', () => {
    let s: CardState | null = null;
    let t = NOW;
    for (const r of ['good', 'good', 'again', 'hard', 'easy'] as const) {
      s = nextCard(s, r, t);
      const copy = parseCardState(JSON.parse(JSON.stringify(s)));
      expect(copy).toEqual(s);
      t = new Date(Date.parse(s.due));
    }
    const a = nextCard(s, 'good', t);
    const b = nextCard(parseCardState(JSON.parse(JSON.stringify(s))), 'good', t);
    expect(b).toEqual(a);
  });

  it('is deterministic (no fuzz)', () => {
    expect(nextCard(null, 'good', NOW)).toEqual(nextCard(null, 'good', NOW));
  });

  it('schedules a lapse sooner than a success and counts it', () => {
    let s = nextCard(null, 'good', NOW);
    s = nextCard(s, 'good', new Date(s.due));
    const review = new Date(s.due);
    expect(s.state).toBe('Review');
    const ok = nextCard(s, 'good', review);
    const bad = nextCard(s, 'again', review);
    expect(Date.parse(bad.due)).toBeLessThan(Date.parse(ok.due));
    expect(bad.lapses).toBe(s.lapses + 1);
    expect(bad.state).toBe('Relearning');
  });

  it('accepts ISO strings for now and rejects malformed stored state', () => {
    expect(nextCard(null, 'easy', NOW.toISOString())).toEqual(nextCard(null, 'easy', NOW));
    expect(() => parseCardState({ due: 'soon' })).toThrow();
    const s = nextCard(null, 'good', NOW);
    expect(() => nextCard({ ...s, state: 'Mastered' } as unknown as CardState, 'good', NOW)).toThrow();
  });
});

function card(questionId: string, dueInDays: number): QuestionCard {
  const c = nextCard(null, 'good', plusDays(-30));
  return { questionId, card: { ...c, due: plusDays(dueInDays).toISOString() } };
}

describe('dueQuestions', () => {
  it('returns due ones, most overdue first, up to the limit', () => {
    const states = [card('q-a', -1), card('q-b', 2), card('q-c', -5), card('q-d', 0), card('q-e', -1)];
    expect(dueQuestions(states, NOW, 10)).toEqual(['q-c', 'q-a', 'q-e', 'q-d']);
    expect(dueQuestions(states, NOW, 2)).toEqual(['q-c', 'q-a']);
    expect(dueQuestions(states, NOW, 0)).toEqual([]);
    expect(dueQuestions([], NOW, 5)).toEqual([]);
  });
});

describe('dailySet', () => {
  const pool = [
    ...Array.from({ length: 20 }, (_, i) => ({ questionId: `rights-${String(i).padStart(3, '0')}`, topic: 'rights' })),
    ...Array.from({ length: 20 }, (_, i) => ({ questionId: `sales-${String(i).padStart(3, '0')}`, topic: 'sales' })),
  ];

  it('takes due first, then the wrong-answer book, then unseen questions of the chosen topics', () => {
    const cards = [card('rights-000', -2), card('rights-001', -1), card('rights-002', 3), card('sales-000', -3)];
    const set = dailySet({
      now: NOW,
      seed: 'm1:2026-03-15',
      cards,
      wrongBook: ['rights-002', 'rights-001', 'sales-005'],
      pool,
      topics: ['sales'],
    });
    expect(set).toHaveLength(10);
    expect(set.slice(0, 3)).toEqual([
      { questionId: 'sales-000', reason: 'due' },
      { questionId: 'rights-000', reason: 'due' },
      { questionId: 'rights-001', reason: 'due' },
    ]);
    // rights-001 is already in as due: the wrong book contributes the other two.
    expect(new Set(set.slice(3, 5).map((x) => x.questionId))).toEqual(new Set(['rights-002', 'sales-005']));
    expect(set.slice(3, 5).every((x) => x.reason === 'wrong')).toBe(true);
    for (const x of set.slice(5)) {
      expect(x.reason).toBe('new');
      expect(x.questionId.startsWith('sales-')).toBe(true);
      expect(['sales-000', 'sales-005'].includes(x.questionId)).toBe(false);
    }
    expect(new Set(set.map((x) => x.questionId)).size).toBe(10);
  });

  it('is deterministic for a seed and varies with it', () => {
    const input = { now: NOW, cards: [], wrongBook: [], pool, topics: null };
    const a = dailySet({ ...input, seed: 'day-1' });
    expect(dailySet({ ...input, seed: 'day-1' })).toEqual(a);
    expect(dailySet({ ...input, seed: 'day-2' })).not.toEqual(a);
    // Input order of the pool and wrong book does not matter.
    expect(dailySet({ ...input, pool: [...pool].reverse(), seed: 'day-1' })).toEqual(a);
  });

  it('caps due items at the set size and honours a custom size', () => {
    const cards = pool.slice(0, 15).map((p, i) => card(p.questionId, -i - 1));
    const set = dailySet({ now: NOW, seed: 1, cards, wrongBook: [], pool, topics: null });
    expect(set).toHaveLength(10);
    expect(set.every((x) => x.reason === 'due')).toBe(true);
    expect(dailySet({ now: NOW, seed: 1, size: 3, cards: [], wrongBook: [], pool, topics: null })).toHaveLength(3);
  });

  it('skips retired questions and questions seen elsewhere', () => {
    const set = dailySet({
      now: NOW,
      seed: 2,
      cards: [card('retired-1', -10)],
      wrongBook: ['retired-2'],
      pool: pool.slice(0, 4),
      topics: [],
      seen: ['rights-000'],
    });
    expect(set.map((x) => x.questionId).sort()).toEqual(['rights-001', 'rights-002', 'rights-003']);
  });

  it('returns fewer than the size when there is not enough to practise', () => {
    expect(dailySet({ now: NOW, seed: 3, cards: [], wrongBook: [], pool: [], topics: null })).toEqual([]);
  });
});
