// How a large detail CSV is cut between connections (functions/_lib/export.ts splitUnits): runs in
// file order, no unit split, about the same number of rows per run, no empty runs.
import { describe, expect, it } from 'vitest';
import { splitUnits, type ScopeUnit } from '../../functions/_lib/export.ts';

const units = (rows: number[]): ScopeUnit[] => rows.map((n, i) => ({ id: `u${i}`, name: `机构${i}`, rows: n }));
const sizes = (runs: ScopeUnit[][]) => runs.map((r) => r.reduce((n, u) => n + u.rows, 0));

describe('splitUnits', () => {
  it('keeps every unit once, in order', () => {
    const all = units([5, 0, 3, 8, 1, 9, 2, 7, 4, 6]);
    for (const pieces of [1, 2, 3, 4, 7, 10, 20]) {
      const runs = splitUnits(all, pieces);
      expect(runs.flat().map((u) => u.id)).toEqual(all.map((u) => u.id));
      expect(runs.length).toBeLessThanOrEqual(pieces);
      for (const r of runs) expect(r.length).toBeGreaterThan(0);
    }
  });

  it('gives runs of about the same size when units are many and alike', () => {
    const runs = splitUnits(units(Array.from({ length: 397 }, (_, i) => 2900 + (i % 7) * 30)), 4);
    expect(runs.length).toBe(4);
    const s = sizes(runs);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    for (const n of s) expect(Math.abs(n - mean) / mean).toBeLessThan(0.02);
  });

  it('puts a head office with most of the people in a run of its own', () => {
    const runs = splitUnits(units([90_000, 1000, 1000, 1000, 1000]), 4);
    expect(runs[0]!.map((u) => u.id)).toEqual(['u0']);
    expect(runs.flat().length).toBe(5);
  });

  it('one run for one piece, none for nothing', () => {
    expect(splitUnits(units([1, 2, 3]), 1)).toEqual([units([1, 2, 3])]);
    expect(splitUnits([], 4)).toEqual([]);
    // No rows at all (nothing assigned yet): still the units, as one run (the file is a header only).
    expect(splitUnits(units([0, 0]), 4)).toEqual([units([0, 0])]);
  });
});
