// Variant families (content `variantOf`, app.questions.variant_family) are one item for every draw:
// a paper, a practice session and a day's set hold at most one member of a family, and availability
// counts families. Pure functions only; tests/integration/variant-families.test.ts runs a real exam.
import { describe, expect, it } from 'vitest';
import { BlueprintError, assemblePaper, countItems, familyOf, type Candidate } from '../../../src/core/assembly.ts';
import type { QuestionType } from '../../../src/core/questions.ts';
import { familyLookup, onePerFamily, topicSet, wrongSet } from '../../../src/core/practice.ts';
import { dailySet, nextCard } from '../../../src/core/scheduling.ts';
import { variantFamilies } from '../../../src/content/variant-families.ts';

const cand = (questionId: string, type: QuestionType, family?: string, topic = 't', difficulty = 3): Candidate => ({
  questionId, versionId: `v:${questionId}`, type, topic, difficulty,
  optionIds: type === 'single' || type === 'multiple' ? ['A', 'B', 'C', 'D'] : [],
  ...(family ? { family } : {}),
});

/** Pairs of single-choice twins q-00a/q-00b (family q-00a) plus loose questions. */
function twinBank(pairs: number, loose: number): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < pairs; i++) {
    const f = `q-${String(i).padStart(2, '0')}a`;
    out.push(cand(f, 'single', f), cand(`q-${String(i).padStart(2, '0')}b`, 'single', f));
  }
  for (let i = 0; i < loose; i++) out.push(cand(`r-${String(i).padStart(2, '0')}`, 'single'));
  return out;
}

const families = (paper: { questionId: string }[], bank: Candidate[]) => {
  const byId = new Map(bank.map((c) => [c.questionId, c]));
  return paper.map((s) => familyOf(byId.get(s.questionId)!));
};

describe('assemblePaper with variant families', () => {
  it('never puts two members of a family on one paper, whatever the seed', () => {
    const bank = twinBank(6, 2); // 14 questions, 8 families
    for (let seed = 0; seed < 200; seed++) {
      const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 8, points: 1, banks: ['official'] }] }, candidates: bank, seen: [], seed });
      const f = families(paper, bank);
      expect(new Set(f).size, `seed ${seed}`).toBe(8);
    }
  });

  it('counts families as available: asking for more than there are families fails', () => {
    const bank = twinBank(6, 2);
    let err: BlueprintError | undefined;
    try {
      assemblePaper({ blueprint: { sections: [{ type: 'single', count: 9, points: 1 }] }, candidates: bank, seen: [], seed: 1 });
    } catch (e) { err = e as BlueprintError; }
    expect(err).toBeInstanceOf(BlueprintError);
    expect(err!.issues).toEqual([{ sections: [1], asked: 9, available: 8 }]);
    expect(countItems(bank)).toBe(8);
  });

  it('a family spanning two types serves one section only, and the matching still fills both', () => {
    // s-1 (single) and f-1 (fill) restate one fact; s-2 is a loose single choice. One single and one
    // fill: the fill row can only take f-1, so the single row must take s-2, whatever its seeded
    // preference; two singles + one fill cannot be filled (3 slots, 2 families).
    const bank = [cand('s-1', 'single', 'f-1'), cand('f-1', 'fill', 'f-1'), cand('s-2', 'single')];
    for (let seed = 0; seed < 50; seed++) {
      const paper = assemblePaper({
        blueprint: { sections: [{ type: 'single', count: 1, points: 1 }, { type: 'fill', count: 1, points: 1 }] },
        candidates: bank, seen: [], seed,
      });
      expect(paper.map((p) => p.questionId).sort()).toEqual(['f-1', 's-2']);
    }
    expect(() => assemblePaper({
      blueprint: { sections: [{ type: 'single', count: 2, points: 1 }, { type: 'fill', count: 1, points: 1 }] },
      candidates: bank, seen: [], seed: 3,
    })).toThrow(/only 2 different questions match them/);
  });

  it('fixed picks of two twins cannot share a paper', () => {
    const bank = twinBank(2, 0);
    expect(() => assemblePaper({
      blueprint: { sections: [{ type: 'single', count: 2, points: 1, questionIds: ['q-00a', 'q-00b'] }] },
      candidates: bank, seen: [], seed: 1,
    })).toThrow(BlueprintError);
  });

  it('a family counts as seen when any member was: the unseen families come first', () => {
    const bank = twinBank(3, 0); // families q-00a, q-01a, q-02a
    for (let seed = 0; seed < 30; seed++) {
      const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 2, points: 1 }] }, candidates: bank, seen: ['q-00b'], seed });
      expect(families(paper, bank).sort()).toEqual(['q-01a', 'q-02a']);
    }
  });

  it('questions without a family behave as before (each its own item)', () => {
    const bank = [cand('a', 'single'), cand('b', 'single'), cand('c', 'single')];
    const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 3, points: 1 }] }, candidates: bank, seen: [], seed: 9 });
    expect(paper.map((p) => p.questionId).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('practice sessions with variant families', () => {
  const pool = [
    { questionId: 'a-1', topic: 'a', family: 'a-1' }, { questionId: 'a-2', topic: 'a', family: 'a-1' },
    { questionId: 'a-3', topic: 'a', family: 'a-1' }, { questionId: 'a-4', topic: 'a', family: null },
    { questionId: 'a-5', topic: 'a' },
  ];
  const now = new Date('2026-03-10T00:00:00Z');

  it('onePerFamily keeps order, skips later members, stops at size', () => {
    const f = familyLookup(pool);
    expect(onePerFamily(['a-2', 'a-4', 'a-1', 'a-5', 'a-3'], f, 10)).toEqual(['a-2', 'a-4', 'a-5']);
    expect(onePerFamily(['a-2', 'a-4', 'a-1', 'a-5'], f, 2)).toEqual(['a-2', 'a-4']);
    expect(onePerFamily(['x', 'y'], f, 5)).toEqual(['x', 'y']);
  });

  it('a topic session holds one member of a family, whatever the seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      const set = topicSet({ topic: 'a', pool, cards: [], now, seed, size: 10 });
      expect(set.filter((id) => ['a-1', 'a-2', 'a-3'].includes(id))).toHaveLength(1);
      expect(set).toHaveLength(3);
    }
  });

  it('both twins due: the day\'s set and the wrong book take one and fill up with others', () => {
    const card = (id: string, at: string) => ({ questionId: id, card: nextCard(null, 'again', at) });
    const cards = [card('a-1', '2026-03-01T00:00:00Z'), card('a-2', '2026-03-02T00:00:00Z'), card('a-4', '2026-03-03T00:00:00Z')];
    const day = dailySet({ now, seed: 'm:2026-03-10', size: 3, cards, wrongBook: ['a-3'], pool, topics: null });
    expect(day.map((d) => d.questionId)).toEqual(['a-1', 'a-4', 'a-5']);
    const wrong = wrongSet({ entries: pool.slice(0, 4).map((p, i) => ({ ...p, wrongCount: 4 - i })), seed: 1, size: 10 });
    expect(wrong).toEqual(['a-1', 'a-4']);
  });
});

describe('variantFamilies (content sync)', () => {
  it('groups variantOf links transitively under the smallest id; singletons and dangling links get none', () => {
    const m = variantFamilies([
      { id: 'x-003', variantOf: 'x-002' }, { id: 'x-002' }, { id: 'x-001', variantOf: 'x-003' },
      { id: 'y-001' }, { id: 'y-002', variantOf: 'gone-001' }, { id: 'z-001', variantOf: 'z-001' },
      { id: 'w-009', variantOf: 'w-001' }, { id: 'w-001' }, { id: 'w-005', variantOf: 'w-001' },
    ]);
    expect(Object.fromEntries(m)).toEqual({ 'x-001': 'x-001', 'x-002': 'x-001', 'x-003': 'x-001', 'w-001': 'w-001', 'w-005': 'w-001', 'w-009': 'w-001' });
  });
});
