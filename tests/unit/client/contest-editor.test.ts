// The contest editor: its team picker's choices (org units with their place in the tree and the
// people of their whole subtree), and every field-error code the server sends has a Chinese and an
// English text (a code without one would show the server's English on Chinese pages).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { teamUnitOptions, type OrgUnitRow } from '../../../src/client/org-options.ts';
import { contestsEn, contestsZh } from '../../../src/i18n/contests.ts';

const unit = (code: string, name: string, kind: string, path: string, people: number, closedAt: string | null = null): OrgUnitRow =>
  ({ id: `id-${code}`, code, name, kind, parentId: null, path, closedAt, people });

describe('teamUnitOptions', () => {
  const units = [
    unit('HQ', '总行', 'head_office', '/HQ/', 5),
    unit('QD', '青岛分行', 'branch', '/HQ/QD/', 2),
    unit('QD-SN', '市南支行', 'sub_branch', '/HQ/QD/QD-SN/', 7),
    unit('QD-SN-01', '市南营业部', 'outlet', '/HQ/QD/QD-SN/QD-SN-01/', 3),
    unit('QD-OLD', '旧网点支行', 'sub_branch', '/HQ/QD/QD-OLD/', 0, '2026-01-01T00:00:00Z'),
    unit('HQ-CP', '消费者权益保护部', 'department', '/HQ/HQ-CP/', 4),
  ];
  it('offers open departments, sub-branches and branches, named by their path below the root', () => {
    const opts = teamUnitOptions(units);
    expect(opts.map((o) => o.code).sort()).toEqual(['HQ-CP', 'QD', 'QD-SN']);
    expect(opts.find((o) => o.code === 'QD-SN')!.label).toBe('青岛分行 › 市南支行');
    expect(opts.find((o) => o.code === 'HQ-CP')!.label).toBe('消费者权益保护部');
  });
  it('counts everyone in the subtree (they all count for the team)', () => {
    const opts = Object.fromEntries(teamUnitOptions(units).map((o) => [o.code, o.people]));
    expect(opts).toEqual({ QD: 2 + 7 + 3 + 0, 'QD-SN': 7 + 3, 'HQ-CP': 4 });
  });
  it('names a unit whose ancestors are out of view by what it can see', () => {
    expect(teamUnitOptions([unit('QD-SN', '市南支行', 'sub_branch', '/HQ/QD/QD-SN/', 1)])[0]!.label).toBe('QD › 市南支行');
  });
});

describe('field-error codes of the contest definition', () => {
  const source = readFileSync(new URL('../../../functions/_lib/contests.ts', import.meta.url), 'utf8');
  const codes = [...source.matchAll(/fail\([^,]+,\s*'([a-z_]+)'/g)].map((m) => m[1]!);
  it('are all translated, in both languages', () => {
    expect(codes.length).toBeGreaterThanOrEqual(15);
    for (const code of new Set(codes)) {
      const key = `err.${code}` as keyof typeof contestsZh;
      expect(contestsZh[key], code).toMatch(/[\u4e00-\u9fff]/);
      expect(contestsEn[key], code).toBeTruthy();
      expect(contestsEn[key], code).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
