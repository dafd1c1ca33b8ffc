import { describe, expect, it } from 'vitest';
import {
  QuestionPublicSchema,
  QuestionVersionSchema,
  countStemBlanks,
  createRng,
  isBlankResponse,
  parseResponse,
  shuffle,
  toPublic,
  type QuestionVersion,
} from '../../../src/core/index.ts';
import { allVersions, fill, multiple, short, single, truefalse } from './fixtures.ts';

const KEY_FIELDS = ['answer', 'blanks', 'orderInsensitive', 'explanation', 'modelAnswer', 'rubric', 'key', 'source', 'difficulty', 'topic'];

function allKeys(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const x of value) allKeys(x, out);
  else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) {
      out.add(k);
      allKeys(x, out);
    }
  }
  return out;
}

describe('QuestionVersionSchema', () => {
  it('accepts every type and applies defaults', () => {
    expect(allVersions.map((q) => q.type)).toEqual(['single', 'multiple', 'truefalse', 'fill', 'fill', 'short']);
    expect(fill.type === 'fill' && fill.key.orderInsensitive).toBe(false);
  });

  it('rejects a key that is not an option', () => {
    const r = QuestionVersionSchema.safeParse({ ...single, key: { answer: 'E' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/option "E".*not one of the options/);
  });

  it('rejects a multiple-choice key with fewer than two correct options, or repeated ones', () => {
    expect(QuestionVersionSchema.safeParse({ ...multiple, key: { answer: ['A'] } }).success).toBe(false);
    expect(QuestionVersionSchema.safeParse({ ...multiple, key: { answer: ['A', 'A'] } }).success).toBe(false);
  });

  it('rejects duplicate option ids', () => {
    const options = [
      { id: 'A', text: 'x' },
      { id: 'A', text: 'y' },
    ];
    expect(QuestionVersionSchema.safeParse({ ...single, options, key: { answer: 'A' } }).success).toBe(false);
  });

  it('rejects key fields of another type (strict objects)', () => {
    expect(QuestionVersionSchema.safeParse({ ...truefalse, key: { answer: true, blanks: [['x']] } }).success).toBe(false);
    expect(QuestionVersionSchema.safeParse({ ...truefalse, options: [] }).success).toBe(false);
  });

  it('rejects a fill alternative that could never match', () => {
    expect(QuestionVersionSchema.safeParse({ ...fill, key: { blanks: [['。 ']] } }).success).toBe(false);
    expect(QuestionVersionSchema.safeParse({ ...fill, key: { blanks: [[]] } }).success).toBe(false);
  });

  it('rejects difficulty outside 1–5', () => {
    expect(QuestionVersionSchema.safeParse({ ...single, difficulty: 6 }).success).toBe(false);
    expect(QuestionVersionSchema.safeParse({ ...single, difficulty: 0 }).success).toBe(false);
  });
});

describe('toPublic', () => {
  it('keeps what a taker needs and orders options as given', () => {
    const p = toPublic(single, ['C', 'A', 'D', 'B']);
    expect(p).toEqual({
      id: 'complaint-handling-001',
      versionId: 'ver-1',
      type: 'single',
      stem: single.stem,
      options: [
        { id: 'C', text: '30日' },
        { id: 'A', text: '7日' },
        { id: 'D', text: '60日' },
        { id: 'B', text: '15日' },
      ],
    });
  });

  it('uses canonical order without a permutation, and gives fill its blank count', () => {
    expect(toPublic(multiple).options.map((o) => o.id)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(toPublic(fill)).toMatchObject({ type: 'fill', options: [], blankCount: 2 });
    expect(toPublic(truefalse)).toEqual({ id: truefalse.id, versionId: 'ver-3', type: 'truefalse', stem: truefalse.stem, options: [] });
  });

  it('refuses an option order that is not a permutation', () => {
    expect(() => toPublic(single, ['A', 'B', 'C'])).toThrow(RangeError);
    expect(() => toPublic(single, ['A', 'B', 'C', 'C'])).toThrow(RangeError);
    expect(() => toPublic(single, ['A', 'B', 'C', 'E'])).toThrow(/not a permutation/);
    expect(() => toPublic(fill, ['A'])).toThrow(/no options/);
  });

  it('never contains key, explanation or source fields (every type, many permutations)', () => {
    const rng = createRng('to-public-property');
    for (let round = 0; round < 50; round++) {
      for (const q of allVersions) {
        const perm = q.type === 'single' || q.type === 'multiple' ? shuffle(q.options.map((o) => o.id), rng) : null;
        const pub = toPublic(q, perm);
        const keys = allKeys(pub);
        for (const f of KEY_FIELDS) expect(keys.has(f), `${q.type} leaks ${f}`).toBe(false);
        const json = JSON.stringify(pub);
        for (const f of ['answer', 'blanks', 'explanation', 'modelAnswer', 'rubric']) expect(json).not.toContain(`"${f}"`);
        expect(json).not.toContain(q.explanation);
        expect(QuestionPublicSchema.safeParse(pub).success).toBe(true);
      }
    }
  });

  it('does not copy fields added to a version later (allow-list, not deny-list)', () => {
    const extended = { ...single, internalNote: 'secret', key: { answer: 'B' } } as unknown as QuestionVersion;
    expect(JSON.stringify(toPublic(extended))).not.toContain('secret');
  });

  it('the public schema rejects a payload that carries a key', () => {
    expect(QuestionPublicSchema.safeParse({ ...toPublic(single), answer: 'B' }).success).toBe(false);
  });
});

describe('parseResponse', () => {
  it('accepts null as unanswered for every type', () => {
    for (const t of ['single', 'multiple', 'truefalse', 'fill', 'short'] as const) {
      expect(parseResponse(t, null)).toEqual({ ok: true, value: null });
    }
  });

  it('accepts well-formed responses', () => {
    expect(parseResponse('single', 'B')).toEqual({ ok: true, value: 'B' });
    expect(parseResponse('multiple', ['A', 'C'])).toEqual({ ok: true, value: ['A', 'C'] });
    expect(parseResponse('multiple', [])).toEqual({ ok: true, value: [] });
    expect(parseResponse('truefalse', false)).toEqual({ ok: true, value: false });
    expect(parseResponse('fill', ['15日', ''])).toEqual({ ok: true, value: ['15日', ''] });
    expect(parseResponse('short', '首问负责')).toEqual({ ok: true, value: '首问负责' });
  });

  it('explains the expected shape when the type is wrong', () => {
    const r = parseResponse('single', ['A']);
    expect(r).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(!r.ok && r.message).toMatch(/single choice.*one option id.*"B"/);
    expect(parseResponse('truefalse', 'true')).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(parseResponse('multiple', 'A')).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(parseResponse('fill', '15日')).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(parseResponse('short', 42)).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(parseResponse('single', undefined)).toMatchObject({ ok: false, code: 'wrong_shape' });
    expect(parseResponse('single', '')).toMatchObject({ ok: false, code: 'wrong_shape' });
  });

  it('checks option ids and duplicates against the question', () => {
    const q = toPublic(single);
    expect(parseResponse('single', 'E', q)).toMatchObject({ ok: false, code: 'unknown_option' });
    const r = parseResponse('single', 'E', q);
    expect(!r.ok && r.message).toContain('choose from A, B, C, D');
    expect(parseResponse('multiple', ['A', 'A'])).toMatchObject({ ok: false, code: 'duplicate_option' });
    expect(parseResponse('multiple', ['A', 'F'], toPublic(multiple))).toMatchObject({ ok: false, code: 'unknown_option' });
  });

  it('checks the number of blanks when the question is known', () => {
    const r = parseResponse('fill', ['15日'], toPublic(fill));
    expect(r).toMatchObject({ ok: false, code: 'wrong_blank_count' });
    expect(!r.ok && r.message).toMatch(/2 blank\(s\) but 1 answer/);
    expect(parseResponse('fill', ['15日'])).toMatchObject({ ok: true });
  });

  it('limits short answers to 5000 characters (counted as characters, not UTF-16 units)', () => {
    expect(parseResponse('short', '消'.repeat(5000))).toMatchObject({ ok: true });
    expect(parseResponse('short', '𠮷'.repeat(5000))).toMatchObject({ ok: true }); // 2 UTF-16 units each
    const r = parseResponse('short', 'a'.repeat(5001));
    expect(r).toMatchObject({ ok: false, code: 'too_long' });
    expect(!r.ok && r.message).toContain('5001');
    expect(parseResponse('fill', ['x'.repeat(201)])).toMatchObject({ ok: false, code: 'too_long' });
  });
});

describe('helpers', () => {
  it('isBlankResponse', () => {
    expect(isBlankResponse(null)).toBe(true);
    expect(isBlankResponse([])).toBe(true);
    expect(isBlankResponse(['', '  '])).toBe(true);
    expect(isBlankResponse(' \n')).toBe(true);
    expect(isBlankResponse(false)).toBe(false);
    expect(isBlankResponse(['', 'x'])).toBe(false);
  });

  it('countStemBlanks', () => {
    expect(countStemBlanks(fill.stem)).toBe(2);
    expect(countStemBlanks('no blanks __ here')).toBe(0);
    expect(short.type).toBe('short');
  });
});
