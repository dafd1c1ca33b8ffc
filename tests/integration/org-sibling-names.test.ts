// Open units under one parent have distinct names (two "市南支行" under 青岛分行 made the roster's
// "青岛分行/市南支行" ambiguous and the pickers unreadable). Through the function: add, rename, move
// and reopen are refused with the coded field error; closed siblings and other parents are fine.
// In the database: the unique index of 20261201001200_org_sibling_names.sql refuses what the function
// would, whoever writes, and the migration itself stops on existing duplicates, naming them.
// Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import orgUnits from '../../functions/org-units.ts';
import assignmentChoices from '../../functions/assignment-choices.ts';

let h: Harness;
const ids: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  for (const u of await h.sql`select id, code from app.org_units`) ids[u.code as string] = u.id as string;
});
afterAll(async () => { await h?.stop(); });

const admin = () => h.tokenFor('A4001');
const post = async (body: unknown) => h.call(orgUnits, { method: 'POST', path: '/api/org-units', token: await admin(), body });
const patch = async (id: string, body: unknown) =>
  h.call(orgUnits, { method: 'PATCH', path: `/api/org-units/${id}`, token: await admin(), body, params: { id } });
const add = async (code: string, name: string, parent: string, kind = 'sub_branch') => {
  const r = await post({ code, name, kind, parentId: ids[parent] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  ids[code] = r.body.id;
  return r;
};

/** The refusal a person sees: 409, code org_name_taken, the field it concerns, the names to say. */
function expectNameTaken(res: { status: number; body: Record<string, any> }, field: 'name' | 'parentId' | null, name: string, parent: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(409);
  expect(res.body.code).toBe('org_name_taken');
  expect(res.body.params).toMatchObject({ name, parent });
  if (field) {
    expect(Object.keys(res.body.errors)).toEqual([field]);
    expect(res.body.fieldCodes[field]).toEqual({ code: 'org_name_taken', params: expect.objectContaining({ name, parent }) });
    expect(res.body.errors[field]).toContain(parent);
  } else {
    expect(res.body.errors).toBeUndefined();
  }
}

describe('through /api/org-units', () => {
  it('refuses adding a second open 市南支行 under 青岛分行, next to the name field, and adds nothing', async () => {
    const res = await post({ code: 'QD-SN2', name: '市南支行', kind: 'sub_branch', parentId: ids.QD });
    expectNameTaken(res, 'name', '市南支行', '青岛分行');
    expect(res.body.params.other).toBe('QD-SN');
    expect((await h.sql`select count(*)::int as n from app.org_units where code = 'QD-SN2'`)[0]!.n).toBe(0);
  });

  it('compares names as the roster reads them: full-width and doubled spaces count as the same name', async () => {
    expectNameTaken(await post({ code: 'QD-X1', name: ' 青岛分行营业部 ', kind: 'department', parentId: ids.QD }), 'name', '青岛分行营业部', '青岛分行');
    await add('QD-AB', 'ATM 服务区', 'QD', 'department');
    expectNameTaken(await post({ code: 'QD-X2', name: 'ＡＴＭ\u3000服务区', kind: 'department', parentId: ids.QD }), 'name', 'ＡＴＭ\u3000服务区', '青岛分行');
  });

  it('the same name under another parent is fine', async () => {
    await add('JN-SN', '市南支行', 'JN');
  });

  it('refuses a rename onto a sibling’s name; renaming to its own name or a free one works', async () => {
    expectNameTaken(await patch(ids['QD-LS']!, { name: '市南支行' }), 'name', '市南支行', '青岛分行');
    expect((await h.sql`select name from app.org_units where code = 'QD-LS'`)[0]!.name).toBe('崂山支行');
    expect((await patch(ids['QD-LS']!, { name: '崂山支行' })).status).toBe(200);
    expect((await patch(ids['QD-LS']!, { name: '崂山支行', kind: 'sub_branch' })).status).toBe(200);
  });

  it('refuses a move under a parent that already has an open unit of that name, on the parent field', async () => {
    // 济南分行's 市南支行 (JN-SN) cannot join 青岛分行, which has one.
    expectNameTaken(await patch(ids['JN-SN']!, { parentId: ids.QD }), 'parentId', '市南支行', '青岛分行');
    expect((await h.sql`select path from app.org_units where code = 'JN-SN'`)[0]!.path).toBe('/HQ/JN/JN-SN/');
    // Renamed on the way it fits, and the clash is then said on the name field.
    expectNameTaken(await patch(ids['JN-LX']!, { parentId: ids.QD, name: '崂山支行' }), 'name', '崂山支行', '青岛分行');
  });

  it('a closed sibling keeps its name; reopening it is refused while an open one has the name', async () => {
    // JN-SN (no people, no sub-units) closes; a new open 市南支行 under 济南分行 is then allowed.
    expect((await patch(ids['JN-SN']!, { closed: true })).status).toBe(200);
    await add('JN-SN2', '市南支行', 'JN');
    const reopen = await patch(ids['JN-SN']!, { closed: false });
    expectNameTaken(reopen, null, '市南支行', '济南分行');
    expect((await h.sql`select closed_at from app.org_units where code = 'JN-SN'`)[0]!.closed_at).not.toBeNull();
    // Reopened under a new name in one request, it is welcome back.
    const back = await patch(ids['JN-SN']!, { closed: false, name: '市南支行（旧）' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.closedAt).toBeNull();
  });

  it('a moved unit may take a name a closed unit under the new parent has', async () => {
    expect((await patch(ids['JN-SN2']!, { closed: true })).status).toBe(200);
    // Now 济南分行 has a closed 市南支行 (JN-SN2) only… and the open 市南支行（旧）.
    await add('QD-TMP', '临时支行', 'QD');
    expect((await patch(ids['QD-TMP']!, { name: '市南支行', parentId: ids.JN })).status).toBe(200);
  });
});

describe('in the database', () => {
  it('the unique index refuses a duplicate open sibling written directly; a closed one may share the name', async () => {
    await expect(h.sql`insert into app.org_units (code, name, kind, parent_id) values ('QD-DB1', '市南支行', 'sub_branch', ${ids.QD!})`)
      .rejects.toThrow(/org_units_open_sibling_name_uq/);
    await expect(h.sql`update app.org_units set name = '市南支行' where code = 'QD-LS'`).rejects.toThrow(/org_units_open_sibling_name_uq/);
    // A closed unit may carry a name an open sibling has.
    await h.sql`insert into app.org_units (code, name, kind, parent_id, closed_at) values ('QD-DB2', '市南支行', 'sub_branch', ${ids.QD!}, now())`;
  });

  it('the migration stops on existing duplicates, names them and how to fix them, and applies once fixed', async () => {
    const migration = readFileSync(new URL('../../supabase/migrations/20261201001200_org_sibling_names.sql', import.meta.url), 'utf8');
    await h.sql`drop index app.org_units_open_sibling_name_uq`;
    await h.sql`update app.org_units set closed_at = null where code = 'QD-DB2'`;
    const failed = await h.sql.unsafe(migration).then(() => null, (e: Error & { hint?: string }) => e);
    expect(failed?.message).toMatch(/open sibling units share a name: 市南支行 under QD: QD-DB2, QD-SN/);
    expect(failed?.hint).toMatch(/Rename or close one unit of each pair/);
    await h.sql`update app.org_units set name = '市南支行（东部）' where code = 'QD-DB2'`;
    await h.sql.unsafe(migration);
    expect((await h.sql`select count(*)::int as n from pg_indexes where indexname = 'org_units_open_sibling_name_uq'`)[0]!.n).toBe(1);
  });
});

describe('the 布置给 picker of a new assignment', () => {
  it('offers open units only, in tree order, with their name path to tell equal names apart', async () => {
    const res = await h.call(assignmentChoices, { path: '/api/assignments/choices', token: await h.tokenFor('H3001') });
    expect(res.status).toBe(200);
    const units = res.body.units as { code: string; name: string; depth: number; pathNames: string }[];
    const codes = units.map((u) => u.code);
    // Closed above: JN-SN2, QD-DB2 stays open only under its new name; the closed ones are not offered.
    const closed = (await h.sql`select code from app.org_units where closed_at is not null`).map((r) => r.code as string);
    expect(closed).toContain('JN-SN2');
    for (const c of closed) expect(codes).not.toContain(c);
    // Tree order: every unit after its parent, each subtree in one run.
    const paths = (await h.sql`select code, path from app.org_units`).reduce((m, r) => m.set(r.code as string, r.path as string), new Map<string, string>());
    const inOrder = codes.map((c) => paths.get(c)!);
    expect(inOrder).toEqual([...inOrder].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(codes.indexOf('JN')).toBeLessThan(codes.indexOf('QD-TMP'));
    expect(units.find((u) => u.code === 'QD-SN')).toMatchObject({ name: '市南支行', depth: 2, pathNames: '青岛分行/市南支行' });
    expect(units.find((u) => u.code === 'QD-TMP')).toMatchObject({ name: '市南支行', pathNames: '济南分行/市南支行' });
    expect(units.find((u) => u.code === 'HQ')).toMatchObject({ depth: 0, pathNames: '总行' });
  });
});
