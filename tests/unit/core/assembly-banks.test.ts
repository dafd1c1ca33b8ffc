// Blueprint rows that name banks or fixed questions (issue 9).
import { describe, expect, it } from 'vitest';
import { assemblePaper, BlueprintError, BlueprintSchema, matches, type Candidate } from '../../../src/core/assembly.ts';

const c = (id: string, bank?: string, type: Candidate['type'] = 'single'): Candidate =>
  ({ questionId: id, versionId: `v-${id}`, type, topic: 't', difficulty: 2, optionIds: type === 'single' ? ['A', 'B'] : [], ...(bank ? { bank } : {}) });
const pool = [c('o1'), c('o2', 'official'), c('b1', 'branch'), c('b2', 'branch'), c('b3', 'branch'), c('s1', 'branch', 'short')];

describe('banks per row', () => {
  it('a row without banks draws from the official bank only (older exams)', () => {
    const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 2, points: 1 }] }, candidates: pool, seen: [], seed: 1 });
    expect(paper.map((p) => p.questionId).sort()).toEqual(['o1', 'o2']);
    expect(() => assemblePaper({ blueprint: { sections: [{ type: 'single', count: 3, points: 1 }] }, candidates: pool, seen: [], seed: 1 })).toThrow(BlueprintError);
  });
  it('a row draws only from the banks it names', () => {
    const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 3, points: 1, banks: ['branch'] }] }, candidates: pool, seen: [], seed: 7 });
    expect(paper.map((p) => p.questionId).sort()).toEqual(['b1', 'b2', 'b3']);
    const both = pool.filter((x) => matches({ type: 'single', banks: ['branch', 'official'] }, x));
    expect(both).toHaveLength(5);
  });
});

describe('fixed questions', () => {
  it('draws exactly the picked questions, in the picked order when not shuffled', () => {
    const paper = assemblePaper({
      blueprint: { shuffleQuestions: false, sections: [{ type: 'single', count: 3, points: 2, questionIds: ['b3', 'o1', 'b1'] }] },
      candidates: pool, seen: [], seed: 3,
    });
    expect(paper.map((p) => p.questionId)).toEqual(['b3', 'o1', 'b1']);
  });
  it('a picked question that is gone (or of another type) is a shortage', () => {
    expect(() => assemblePaper({ blueprint: { sections: [{ type: 'single', count: 2, points: 1, questionIds: ['b1', 's1'] }] }, candidates: pool, seen: [], seed: 3 }))
      .toThrow(/picks 2 questions, but only 1 of them/);
  });
  it('the count must equal the picks; no question twice; bank ids are checked', () => {
    expect(BlueprintSchema.safeParse({ sections: [{ type: 'single', count: 3, points: 1, questionIds: ['a1', 'a2'] }] }).success).toBe(false);
    expect(BlueprintSchema.safeParse({ sections: [{ type: 'single', count: 2, points: 1, questionIds: ['a1', 'a1'] }] }).success).toBe(false);
    expect(BlueprintSchema.safeParse({ sections: [{ type: 'single', count: 2, points: 1, banks: ['Bad Bank'] }] }).success).toBe(false);
    expect(BlueprintSchema.safeParse({ sections: [{ type: 'single', count: 2, points: 1, banks: [] }] }).success).toBe(false);
  });
});
