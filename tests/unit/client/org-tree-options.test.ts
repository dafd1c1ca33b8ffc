// The org pickers' list (src/client/org-api.ts treeOptions): each unit right after its parent, every
// subtree in one run, whatever order the server sent (a linguistic collation sorts '/HQ/QD-X/' among
// '/HQ/QD/…'), and closed units left out when asked for open ones only.
import { describe, expect, it } from 'vitest';
import { treeOptions, type OrgUnit } from '../../../src/client/org-api.ts';

const u = (code: string, name: string, parent: string | null, path: string, closedAt: string | null = null): OrgUnit =>
  ({ id: code, code, name, kind: 'sub_branch', parentId: parent, path, closedAt, people: 0 });

// As a linguistic collation orders them (punctuation ignored: HQQDQDSN < HQQDX): QD-X lands inside QD's children.
const units = [
  u('HQ', '总行', null, '/HQ/'),
  u('JN', '济南分行', 'HQ', '/HQ/JN/'),
  u('JN-SN', '市南支行', 'JN', '/HQ/JN/JN-SN/'),
  u('QD', '青岛分行', 'HQ', '/HQ/QD/'),
  u('QD-SN', '市南支行', 'QD', '/HQ/QD/QD-SN/'),
  u('QD-X', '新区分行', 'HQ', '/HQ/QD-X/'),
  u('QD-SN2', '市南支行', 'QD', '/HQ/QD/QD-SN2/', '2026-11-30T00:00:00Z'),
];

describe('treeOptions', () => {
  it('puts every unit after its parent and keeps subtrees together, indented by depth, with the code', () => {
    const out = treeOptions(units);
    expect(out.map((o) => o.id)).toEqual(['HQ', 'JN', 'JN-SN', 'QD', 'QD-SN', 'QD-SN2', 'QD-X']);
    expect(out.find((o) => o.id === 'QD-SN')).toMatchObject({ depth: 2, label: '\u3000\u3000市南支行（QD-SN）' });
    expect(out[0]).toMatchObject({ depth: 0, label: '总行（HQ）' });
  });

  it('leaves closed units out when asked for open ones only', () => {
    expect(treeOptions(units, { openOnly: true }).map((o) => o.id)).toEqual(['HQ', 'JN', 'JN-SN', 'QD', 'QD-SN', 'QD-X']);
  });

  it('starts a tree at a unit whose parent is not in the list (a scoped reader)', () => {
    const scoped = units.filter((x) => x.path.startsWith('/HQ/QD/'));
    expect(treeOptions(scoped).map((o) => o.id)).toEqual(['QD', 'QD-SN', 'QD-SN2']);
  });
});
