import { describe, expect, it } from 'vitest';
import {
  BlueprintError,
  assemblePaper,
  candidateFromVersion,
  createRng,
  pinnedOptionIds,
  shuffleOptionIds,
  validateBlueprint,
  type BlueprintInput,
  type Candidate,
  type QuestionType,
} from '../../../src/core/index.ts';
import { single, truefalse } from './fixtures.ts';

const TOPICS = ['complaint-handling', 'sales-conduct', 'personal-information'];

/** 3 topics × 5 difficulties × n per cell, for each type. */
function bank(perCell = 2, types: QuestionType[] = ['single', 'multiple', 'truefalse', 'fill']): Candidate[] {
  const out: Candidate[] = [];
  for (const type of types) {
    for (const topic of TOPICS) {
      for (let d = 1; d <= 5; d++) {
        for (let k = 0; k < perCell; k++) {
          const questionId = `${topic}-${type}-${d}-${k}`;
          out.push({
            questionId,
            versionId: `v:${questionId}`,
            type,
            topic,
            difficulty: d,
            optionIds: type === 'single' || type === 'multiple' ? ['A', 'B', 'C', 'D'] : [],
          });
        }
      }
    }
  }
  return out;
}

const blueprint: BlueprintInput = {
  sections: [
    { type: 'single', count: 10, points: 1 },
    { type: 'multiple', topic: 'complaint-handling', difficulty: [2, 4], count: 4, points: 2 },
    { type: 'truefalse', count: 5, points: 1 },
  ],
  shuffleQuestions: true,
  shuffleOptions: true,
  multipleRule: 'half_for_subset',
};

describe('validateBlueprint', () => {
  it('accepts a valid blueprint and fills defaults', () => {
    const r = validateBlueprint({ sections: [{ type: 'single', count: 1, points: 1 }] });
    expect(r).toEqual({
      ok: true,
      blueprint: { sections: [{ type: 'single', count: 1, points: 1 }], shuffleQuestions: true, shuffleOptions: true, multipleRule: 'all_or_nothing' },
    });
  });

  it('reports problems with a path and a readable message', () => {
    const r = validateBlueprint({
      sections: [
        { type: 'single', count: 0, points: 1 },
        { type: 'essay', count: 1, points: 1 },
        { type: 'fill', count: 1, points: 0, difficulty: [4, 2] },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(byPath['sections.0.count']).toBe('Each section needs at least 1 question.');
    expect(byPath['sections.1.type']).toBeDefined();
    expect(byPath['sections.2.points']).toMatch(/more than 0 points/);
    expect(byPath['sections.2.difficulty']).toMatch(/lower difficulty/);
  });

  it('rejects an empty blueprint, unknown fields and an oversized paper', () => {
    expect(validateBlueprint({ sections: [] }).ok).toBe(false);
    expect(validateBlueprint({ sections: [{ type: 'single', count: 1, points: 1, extra: 1 }] }).ok).toBe(false);
    expect(validateBlueprint({ sections: [{ type: 'single', count: 300, points: 1 }, { type: 'fill', count: 300, points: 1 }] }).ok).toBe(false);
    expect(validateBlueprint({ sections: [{ type: 'single', count: 1, points: 1 }], multipleRule: 'most' }).ok).toBe(false);
  });
});

describe('assemblePaper', () => {
  const candidates = bank();

  it('builds numbered slots in section order with section points', () => {
    const paper = assemblePaper({ blueprint, candidates, seen: [], seed: 1 });
    expect(paper).toHaveLength(19);
    expect(paper.map((s) => s.slot)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(paper.map((s) => s.section)).toEqual([...Array(10).fill(1), ...Array(4).fill(2), ...Array(5).fill(3)]);
    const byId = new Map(candidates.map((c) => [c.questionId, c]));
    for (const s of paper) {
      const c = byId.get(s.questionId)!;
      expect(s.questionVersionId).toBe(c.versionId);
      expect(c.type).toBe(['single', 'multiple', 'truefalse'][s.section - 1]);
      expect(s.points).toBe([1, 2, 1][s.section - 1]);
      if (s.section === 2) {
        expect(c.topic).toBe('complaint-handling');
        expect(c.difficulty).toBeGreaterThanOrEqual(2);
        expect(c.difficulty).toBeLessThanOrEqual(4);
      }
      if (c.type === 'truefalse') expect(s.optionOrder).toBeNull();
      else expect([...s.optionOrder!].sort()).toEqual(['A', 'B', 'C', 'D']);
    }
  });

  it('is deterministic: same inputs and seed give the identical paper, whatever the candidate order', () => {
    const a = assemblePaper({ blueprint, candidates, seen: ['complaint-handling-single-1-0'], seed: 'attempt-123' });
    const b = assemblePaper({ blueprint, candidates: [...candidates].reverse(), seen: new Set(['complaint-handling-single-1-0']), seed: 'attempt-123' });
    expect(b).toEqual(a);
  });

  it('gives different papers for different seeds', () => {
    const a = assemblePaper({ blueprint, candidates, seen: [], seed: 1 });
    const b = assemblePaper({ blueprint, candidates, seen: [], seed: 2 });
    expect(b.map((s) => s.questionId)).not.toEqual(a.map((s) => s.questionId));
    expect(b.map((s) => s.optionOrder)).not.toEqual(a.map((s) => s.optionOrder));
  });

  it('never uses a question twice, even across overlapping sections', () => {
    const overlapping: BlueprintInput = {
      sections: [
        // 30 single-choice questions: 10 on sales-conduct, 6 at difficulty 3 (2 of them both).
        { type: 'single', count: 12, points: 1 },
        { type: 'single', topic: 'sales-conduct', count: 8, points: 1 },
        { type: 'single', difficulty: [3, 3], count: 6, points: 1 },
      ],
    };
    for (let seed = 0; seed < 30; seed++) {
      const paper = assemblePaper({ blueprint: overlapping, candidates, seen: [], seed });
      expect(paper).toHaveLength(26);
      expect(new Set(paper.map((s) => s.questionId)).size).toBe(26);
    }
  });

  it('solves overlaps greedy filling would get wrong', () => {
    // Crossing difficulty ranges: a 1–3 section and a 3–5 section. Only difficulty 3 is shared.
    const cands = bank(1, ['single']).filter((c) => c.topic === 'complaint-handling'); // one per difficulty
    const bp: BlueprintInput = {
      sections: [
        { type: 'single', difficulty: [1, 3], count: 3, points: 1 },
        { type: 'single', difficulty: [3, 5], count: 2, points: 1 },
      ],
    };
    for (let seed = 0; seed < 20; seed++) {
      const paper = assemblePaper({ blueprint: bp, candidates: cands, seen: [], seed });
      expect(new Set(paper.map((s) => s.questionId)).size).toBe(5);
    }
    // Section 1 is filled first and draws difficulty 2 or 3 at random; when it takes 3, section 2
    // (needing both 3 and 4) only fits if section 1 is moved to 2 — an augmenting path.
    const tight: BlueprintInput = {
      sections: [
        { type: 'single', difficulty: [2, 3], count: 1, points: 1 },
        { type: 'single', difficulty: [3, 4], count: 2, points: 1 },
      ],
      shuffleQuestions: false,
    };
    const d = (n: number) => `complaint-handling-single-${n}-0`;
    for (let seed = 0; seed < 20; seed++) {
      const paper = assemblePaper({ blueprint: tight, candidates: cands, seen: [], seed });
      expect(paper.map((s) => s.questionId)).toEqual([d(2), d(3), d(4)]);
    }
  });

  it('prefers questions the person has not seen', () => {
    const singles = candidates.filter((c) => c.type === 'single'); // 30
    const seen = singles.slice(0, 20).map((c) => c.questionId);
    const unseen = new Set(singles.slice(20).map((c) => c.questionId));
    const bp: BlueprintInput = { sections: [{ type: 'single', count: 10, points: 1 }] };
    for (let seed = 0; seed < 20; seed++) {
      const paper = assemblePaper({ blueprint: bp, candidates, seen, seed });
      expect(paper.every((s) => unseen.has(s.questionId))).toBe(true);
    }
  });

  it('falls back to seen questions when unseen ones run out, still using every unseen one', () => {
    const singles = candidates.filter((c) => c.type === 'single');
    const seen = singles.slice(0, 26).map((c) => c.questionId); // 4 unseen left
    const unseen = singles.slice(26).map((c) => c.questionId);
    const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 10, points: 1 }] }, candidates, seen, seed: 9 });
    const ids = new Set(paper.map((s) => s.questionId));
    for (const u of unseen) expect(ids.has(u)).toBe(true);
    expect(ids.size).toBe(10);
  });

  it('keeps bank order when questions are not shuffled, and canonical options when options are not', () => {
    const paper = assemblePaper({
      blueprint: { sections: [{ type: 'single', count: 8, points: 1 }], shuffleQuestions: false, shuffleOptions: false },
      candidates,
      seen: [],
      seed: 3,
    });
    const ids = paper.map((s) => s.questionId);
    expect(ids).toEqual([...ids].sort());
    for (const s of paper) expect(s.optionOrder).toEqual(['A', 'B', 'C', 'D']);
  });

  it('keeps option order of a question stable when the rest of the paper changes', () => {
    const a = assemblePaper({ blueprint, candidates, seen: [], seed: 77 });
    const b = assemblePaper({ blueprint: { ...blueprint, sections: [...blueprint.sections, { type: 'fill', count: 3, points: 2 }] }, candidates, seen: [], seed: 77 });
    const orderA = new Map(a.map((s) => [s.questionId, s.optionOrder]));
    for (const s of b) if (orderA.has(s.questionId)) expect(s.optionOrder).toEqual(orderA.get(s.questionId));
  });

  it('throws a BlueprintError naming the section, the count asked and the count available', () => {
    const bp: BlueprintInput = {
      sections: [
        { type: 'single', count: 2, points: 1 },
        { type: 'multiple', topic: 'complaint-handling', difficulty: [2, 4], count: 10, points: 2 },
      ],
    };
    let err: unknown;
    try {
      assemblePaper({ blueprint: bp, candidates, seen: [], seed: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BlueprintError);
    const e = err as BlueprintError;
    expect(e.message).toBe(
      'Section 2 (多选题 multiple choice, topic "complaint-handling", difficulty 2–4) asks for 10 questions, but the bank has only 6 that match. ' +
        'Lower the count to 6, widen the topic or difficulty range, or add questions to the bank.',
    );
    expect(e.issues).toEqual([{ sections: [2], asked: 10, available: 6 }]);
  });

  it('reports every short section, and a section with no match at all', () => {
    const bp: BlueprintInput = {
      sections: [
        { type: 'short', count: 1, points: 5 },
        { type: 'fill', difficulty: [5, 5], count: 7, points: 1 },
      ],
    };
    expect(() => assemblePaper({ blueprint: bp, candidates, seen: [], seed: 1 })).toThrow(
      /^Section 1 \(简答题 short answer, any topic, any difficulty\) asks for 1 question, but the bank has no questions that match\..*Section 2 \(填空题 fill-in-the-blank, any topic, difficulty 5\) asks for 7 questions, but the bank has only 6 that match\./,
    );
  });

  it('names the overlapping sections that together need more than the bank has', () => {
    const bp: BlueprintInput = {
      sections: [
        { type: 'truefalse', count: 5, points: 1 },
        { type: 'fill', count: 1, points: 1 },
        { type: 'truefalse', topic: 'sales-conduct', count: 8, points: 1 },
        { type: 'truefalse', difficulty: [1, 2], count: 12, points: 1 },
      ],
    };
    // true/false: 30 in the bank, 10 on sales-conduct, 12 at difficulty 1–2 — each section alone fits.
    const tf = bank(2, ['truefalse']);
    const small = tf.filter((c) => c.topic === 'sales-conduct' || c.difficulty <= 2).concat(bank(1, ['fill']));
    // Sections 3 and 4 draw from 10 + 12 - 4 = 18 true/false questions but need 20.
    let err: BlueprintError | undefined;
    try {
      assemblePaper({ blueprint: bp, candidates: small, seen: [], seed: 1 });
    } catch (e) {
      err = e as BlueprintError;
    }
    expect(err).toBeInstanceOf(BlueprintError);
    expect(err!.issues).toEqual([{ sections: [3, 4], asked: 20, available: 18 }]);
    expect(err!.message).toMatch(/^Sections 3 and 4 draw on the same questions: together they ask for 20, but only 18 different questions match them/);
    expect(err!.message).toContain('section 3 (判断题 true/false, topic "sales-conduct", any difficulty) asks for 8 of 10 matching');
  });

  it('rejects an invalid blueprint and duplicated candidates', () => {
    expect(() => assemblePaper({ blueprint: { sections: [] }, candidates, seen: [], seed: 1 })).toThrow(BlueprintError);
    const dup = [...candidates, { ...candidates[0]!, versionId: 'other' }];
    expect(() => assemblePaper({ blueprint, candidates: dup, seen: [], seed: 1 })).toThrow(/offered twice/);
  });
});

describe('option pinning', () => {
  it('pins options that refer to the options above, but not "…以上" amounts', () => {
    expect(
      pinnedOptionIds([
        { id: 'A', text: '5万元以上' },
        { id: 'B', text: '10万元' },
        { id: 'C', text: '以上都对' },
        { id: 'D', text: 'None of the above' },
      ]),
    ).toEqual(['C', 'D']);
  });

  it('pins every option when one names others by letter', () => {
    const options = [
      { id: 'A', text: '甲' },
      { id: 'B', text: '乙' },
      { id: 'C', text: 'A和B' },
    ];
    expect(pinnedOptionIds(options)).toEqual(['A', 'B', 'C']);
    expect(pinnedOptionIds([{ id: 'A', text: 'AB都对' }, { id: 'B', text: 'x' }])).toEqual(['A', 'B']);
  });

  it('shuffleOptionIds keeps pinned options in place', () => {
    const rng = createRng(4);
    for (let i = 0; i < 50; i++) {
      const out = shuffleOptionIds(['A', 'B', 'C', 'D'], ['D'], rng);
      expect(out[3]).toBe('D');
      expect([...out].sort()).toEqual(['A', 'B', 'C', 'D']);
    }
    expect(shuffleOptionIds(['A', 'B'], ['A', 'B'], rng)).toEqual(['A', 'B']);
  });

  it('candidateFromVersion carries options and pins, and requires a stored version', () => {
    expect(candidateFromVersion(single)).toEqual({
      questionId: single.id,
      versionId: 'ver-1',
      type: 'single',
      topic: 'complaint-handling',
      difficulty: 2,
      optionIds: ['A', 'B', 'C', 'D'],
      pinnedOptionIds: [],
    });
    expect(candidateFromVersion(truefalse).optionIds).toEqual([]);
    const { versionId: _, ...unstored } = single;
    expect(() => candidateFromVersion(unstored)).toThrow(/no versionId/);
  });

  it('assembly honours pinned options', () => {
    const cands: Candidate[] = bank(1, ['single']).map((c) => ({ ...c, pinnedOptionIds: ['D'] }));
    const paper = assemblePaper({ blueprint: { sections: [{ type: 'single', count: 15, points: 1 }] }, candidates: cands, seen: [], seed: 5 });
    for (const s of paper) expect(s.optionOrder![3]).toBe('D');
  });
});
