// Org tree: add, rename, move (the whole subtree's paths follow, and so does everyone's scope),
// close (refused while people or open sub-units remain; closed units take no one new), who may
// do what, and the audit trail — through the functions, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import orgUnits from '../../functions/org-units.ts';
import people from '../../functions/people.ts';
import { asUser } from '../../functions/_lib/db.ts';

let h: Harness;
const ids: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  for (const u of await h.sql`select id, code from app.org_units`) ids[u.code as string] = u.id as string;
});
afterAll(async () => { await h?.stop(); });

const admin = () => h.tokenFor('A4001');
const post = async (body: unknown, token?: string) => h.call(orgUnits, { method: 'POST', path: '/api/org-units', token: token ?? (await admin()), body });
const patch = async (id: string, body: unknown, token?: string) =>
  h.call(orgUnits, { method: 'PATCH', path: `/api/org-units/${id}`, token: token ?? (await admin()), body, params: { id } });
const pathOf = async (code: string) => (await h.sql`select path from app.org_units where code = ${code}`)[0]!.path as string;

describe('who may read and edit the tree', () => {
  it('HR and trainers read their subtree with people counts; employees may not', async () => {
    const hr = await h.call(orgUnits, { path: '/api/org-units', token: await h.tokenFor('H3002') });
    expect(hr.status).toBe(200);
    const codes = hr.body.units.map((u: { code: string }) => u.code);
    expect(codes).toContain('JN-LX');
    expect(codes).not.toContain('QD-SN');
    expect(hr.body.units.find((u: { code: string }) => u.code === 'JN-LX').people).toBeGreaterThanOrEqual(2);
    expect((await h.call(orgUnits, { path: '/api/org-units', token: await h.tokenFor('T2002') })).status).toBe(200);
    expect((await h.call(orgUnits, { path: '/api/org-units', token: await h.tokenFor('E1001') })).status).toBe(403);
  });

  it('only administrators add, rename, move or close', async () => {
    for (const who of ['H3001', 'T2001', 'E1001']) {
      const token = await h.tokenFor(who);
      expect((await post({ code: 'X-1', name: '某网点', kind: 'outlet', parentId: ids.QD }, token)).status).toBe(403);
      expect((await patch(ids['QD-LS']!, { name: '改名' }, token)).status).toBe(403);
    }
    expect((await h.sql`select count(*)::int as n from app.org_units where code = 'X-1'`)[0]!.n).toBe(0);
  });

  it('RLS backs it up: a direct update by HR changes nothing', async () => {
    const sub = await h.userIdFor('H3001');
    const r = await asUser({ sub, role: 'authenticated', aud: 'authenticated' }, (tx) => tx`update app.org_units set name = 'x' where code = 'QD'`);
    expect(r.count).toBe(0);
  });
});

describe('add, rename, move', () => {
  it('adds a unit under a parent, with a readable error for a taken code or a bad body', async () => {
    const res = await post({ code: 'QD-SN-01', name: '市南第一网点', kind: 'outlet', parentId: ids['QD-SN'] });
    expect(res.status).toBe(201);
    expect(res.body.path).toBe('/HQ/QD/QD-SN/QD-SN-01/');
    ids['QD-SN-01'] = res.body.id;
    const dup = await post({ code: 'QD-SN-01', name: '重复', kind: 'outlet', parentId: ids.QD });
    expect(dup.status).toBe(409);
    expect(dup.body.errors.code).toBeTruthy();
    const bad = await post({ code: 'has space', name: '', kind: 'shop', parentId: 'nope' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['code', 'kind', 'name', 'parentId']);
  });

  it('renames and records before/after in the audit log', async () => {
    const res = await patch(ids['QD-SN-01']!, { name: '市南中山路网点' });
    expect(res.status).toBe(200);
    const [a] = await h.sql`select action, before ->> 'name' as b, after ->> 'name' as a, actor_label from app.audit_log
      where entity = 'org_unit' and entity_id = ${ids['QD-SN-01']!} order by id desc limit 1`;
    expect(a).toMatchObject({ action: 'org_unit.update', b: '市南第一网点', a: '市南中山路网点', actor_label: 'member' });
  });

  it('moving a unit rewrites its whole subtree; people and scopes follow', async () => {
    // 市南支行 (with its outlet) moves from 青岛分行 to 济南分行.
    const res = await patch(ids['QD-SN']!, { parentId: ids.JN });
    expect(res.status).toBe(200);
    expect(res.body.path).toBe('/HQ/JN/QD-SN/');
    expect(await pathOf('QD-SN-01')).toBe('/HQ/JN/QD-SN/QD-SN-01/');
    expect(await pathOf('QD-LS')).toBe('/HQ/QD/QD-LS/');
    // Every path is its parent's path plus its code.
    const broken = await h.sql`select c.code from app.org_units c join app.org_units p on p.id = c.parent_id where c.path <> p.path || c.code || '/'`;
    expect(broken).toEqual([]);
    // 济南's HR now manages E1001 (市南支行); 青岛's trainer no longer does.
    const seen = async (who: string) => (await asUser({ sub: await h.userIdFor(who), role: 'authenticated', aud: 'authenticated' },
      (tx) => tx`select 1 from app.members where employee_no = 'E1001'`)).length;
    expect(await seen('H3002')).toBe(1);
    expect(await seen('T2002')).toBe(0);
    const moves = await h.sql`select action from app.audit_log where entity = 'org_unit' and entity_id in (${ids['QD-SN']!}, ${ids['QD-SN-01']!}) and action in ('org_unit.move', 'org_unit.path')`;
    expect(moves.map((m) => m.action).sort()).toEqual(['org_unit.move', 'org_unit.path']);
    // And back.
    expect((await patch(ids['QD-SN']!, { parentId: ids.QD })).body.path).toBe('/HQ/QD/QD-SN/');
    expect(await pathOf('QD-SN-01')).toBe('/HQ/QD/QD-SN/QD-SN-01/');
  });

  it('refuses a move under itself or its own sub-unit, and moving the root', async () => {
    for (const target of [ids.QD!, ids['QD-SN-01']!]) {
      const res = await patch(ids.QD!, { parentId: target });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('org_move_cycle');
      expect(res.body.errors.parentId).toBeTruthy();
    }
    expect((await patch(ids.HQ!, { parentId: ids.QD })).body.code).toBe('org_move_root');
    expect(await pathOf('QD')).toBe('/HQ/QD/');
  });
});

describe('close', () => {
  it('is refused while people remain, naming how many; works once they moved; keeps history', async () => {
    const [{ n }] = await h.sql`select count(*)::int as n from app.members where active and org_unit_id = ${ids['QD-LS']!}` as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(0);
    const refused = await patch(ids['QD-LS']!, { closed: true });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'org_close_not_empty', people: n, units: 0 });
    expect(refused.body.detail).toContain(`${n} active people`);
    expect((await h.sql`select closed_at from app.org_units where code = 'QD-LS'`)[0]!.closed_at).toBeNull();

    // Move them (people API), then close.
    for (const m of await h.sql`select id from app.members where active and org_unit_id = ${ids['QD-LS']!}`) {
      const r = await h.call(people, { method: 'PATCH', path: `/api/people/${m.id}`, token: await admin(), body: { orgUnitId: ids['QD-SN'] }, params: { id: m.id as string } });
      expect(r.status).toBe(200);
    }
    const closed = await patch(ids['QD-LS']!, { closed: true });
    expect(closed.status).toBe(200);
    expect(closed.body.closedAt).not.toBeNull();
    expect((await h.sql`select count(*)::int as n from app.org_units where code = 'QD-LS'`)[0]!.n).toBe(1);
    expect((await h.sql`select action from app.audit_log where entity = 'org_unit' and entity_id = ${ids['QD-LS']!} order by id desc limit 1`)[0]!.action).toBe('org_unit.close');
  });

  it('a unit with open sub-units cannot close; a closed unit takes no new unit or person', async () => {
    const withChild = await patch(ids['QD-SN']!, { closed: true });
    expect(withChild.status).toBe(409);
    expect(withChild.body.units).toBe(1);
    expect((await post({ code: 'QD-LS-01', name: '崂山网点', kind: 'outlet', parentId: ids['QD-LS'] })).body.code).toBe('org_parent_closed');
    const [m] = await h.sql`select id from app.members where employee_no = 'E1002'`;
    const r = await h.call(people, { method: 'PATCH', path: `/api/people/${m!.id}`, token: await admin(), body: { orgUnitId: ids['QD-LS'] }, params: { id: m!.id as string } });
    expect(r.status).toBe(400);
    expect(r.body.errors.orgUnitId).toBeTruthy();
    // The database refuses it too, whoever asks.
    await expect(h.sql`update app.members set org_unit_id = ${ids['QD-LS']!} where id = ${m!.id as string}`).rejects.toThrow(/closed/);
  });

  it('the database refuses closing a unit with people even without the API', async () => {
    await expect(h.sql`update app.org_units set closed_at = now() where code = 'JN-LX'`).rejects.toThrow(/active people/);
  });
});
