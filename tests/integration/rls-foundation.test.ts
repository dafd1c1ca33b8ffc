// RLS matrix for the foundation tables: every table × role × operation, allowed and denied.
// Runs as the API does: one transaction, role `authenticated`, the caller's JWT claims.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, asService, type Tx } from '../../functions/_lib/db.ts';
import { demoPeople } from '../../src/server/seed.ts';

let h: Harness;
let hqId = '';
const subs = new Map<string, string>();
beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'T2001', 'T2002', 'H3002', 'A4001']) subs.set(no, await h.userIdFor(no));
  const [u] = await h.sql`insert into auth.users (email) values ('outsider@demo.xiaobao.local') returning id`;
  subs.set('OUTSIDER', u!.id as string);
  const [hq] = await h.sql`select id from app.org_units where code = 'HQ'`;
  hqId = hq!.id as string;
});
afterAll(async () => { await h?.stop(); });

const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) =>
  asUser({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' }, fn);

/** Runs fn and reports 'denied' for a permission/RLS error instead of throwing. */
async function attempt(who: string, fn: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    return await as(who, fn);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42501') return 'denied';
    throw err;
  }
}

const codes = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.code as string).sort();

describe('org_units', () => {
  it.each([
    ['E1001', ['HQ', 'QD', 'QD-SN']],
    ['T2002', ['HQ', 'QD', 'QD-LS', 'QD-OPS', 'QD-SN']],
    ['H3002', ['HQ', 'JN', 'JN-HY', 'JN-LX', 'JN-OPS']],
    ['A4001', ['HQ', 'HQ-CP', 'HQ-HR', 'JN', 'JN-HY', 'JN-LX', 'JN-OPS', 'QD', 'QD-LS', 'QD-OPS', 'QD-SN']],
    ['OUTSIDER', []],
  ])('select as %s sees exactly its units', async (who, expected) => {
    expect(codes(await as(who, (tx) => tx`select code from app.org_units`))).toEqual(expected);
  });

  it.each(['E1001', 'T2001', 'H3002', 'OUTSIDER'])('insert as %s is denied', async (who) => {
    // A literal parent id: the caller may not even be able to see the parent row.
    const r = await attempt(who, (tx) => tx`insert into app.org_units (code, name, kind, parent_id)
      values (${'X-' + who}, 'x', 'outlet', ${hqId})`);
    expect(r).toBe('denied');
  });

  it('insert as admin is allowed and derives the path', async () => {
    const rows = await as('A4001', (tx) => tx`insert into app.org_units (code, name, kind, parent_id)
      select 'QD-NEW', '新网点', 'outlet', id from app.org_units where code = 'QD-SN' returning path`);
    expect(rows[0]!.path).toBe('/HQ/QD/QD-SN/QD-NEW/');
  });

  it.each(['E1001', 'T2002'])('update/delete as %s change nothing', async (who) => {
    expect((await as(who, (tx) => tx`update app.org_units set name = 'hacked' where code = 'QD-SN'`)).count).toBe(0);
    expect((await as(who, (tx) => tx`delete from app.org_units where code = 'QD-SN'`)).count).toBe(0);
    const [row] = await h.sql`select name from app.org_units where code = 'QD-SN'`;
    expect(row!.name).toBe('市南支行');
  });

  it('update as admin is allowed', async () => {
    expect((await as('A4001', (tx) => tx`update app.org_units set name = '市南支行' where code = 'QD-SN'`)).count).toBe(1);
  });
});

describe('members', () => {
  it('an employee sees only themself', async () => {
    const rows = await as('E1001', (tx) => tx`select employee_no from app.members`);
    expect(rows.map((r) => r.employee_no)).toEqual(['E1001']);
  });

  it('a branch trainer sees the branch subtree and nobody from the other branch', async () => {
    const rows = await as('T2002', (tx) => tx`select m.employee_no, o.path from app.members m join app.org_units o on o.id = m.org_unit_id`);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => String(r.path).startsWith('/HQ/QD/'))).toBe(true);
  });

  it('HR of 济南分行 cannot see 青岛 staff (nothing, not an error)', async () => {
    const rows = await as('H3002', (tx) => tx`select employee_no from app.members where employee_no = 'E1001'`);
    expect(rows).toHaveLength(0);
  });

  it('admin sees everyone', async () => {
    const [n] = await as('A4001', (tx) => tx`select count(*)::int as n from app.members`);
    expect(n!.n).toBe(demoPeople.length);
  });

  it('an outsider sees no one', async () => {
    expect(await as('OUTSIDER', (tx) => tx`select 1 from app.members`)).toHaveLength(0);
  });

  it.each(['E1001', 'T2002', 'H3002'])('%s cannot update members, not even their own roles', async (who) => {
    const r = await as(who, (tx) => tx`update app.members set roles = '{employee,admin}' where user_id = ${subs.get(who)!}`);
    expect(r.count).toBe(0);
  });

  it.each(['E1001', 'T2001'])('insert as %s is denied', async (who) => {
    const r = await attempt(who, (tx) => tx`insert into app.members (employee_no, name, org_unit_id)
      select 'Z9', 'x', id from app.org_units where code = 'HQ'`);
    expect(r).toBe('denied');
  });

  it('admin may insert and update; nobody may delete (deactivate instead)', async () => {
    await as('A4001', (tx) => tx`insert into app.members (employee_no, name, org_unit_id)
      select 'Z9001', '新员工', id from app.org_units where code = 'JN-LX'`);
    expect((await as('A4001', (tx) => tx`update app.members set active = false where employee_no = 'Z9001'`)).count).toBe(1);
    expect(await attempt('A4001', (tx) => tx`delete from app.members where employee_no = 'Z9001'`)).toBe('denied');
  });
});

describe('audit_log', () => {
  it('a member may append in their own name only', async () => {
    const ok = await as('E1001', (tx) => tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id)
      values (app_private.current_member_id(), 'member', 'test', 'thing', '1') returning id`);
    expect(ok).toHaveLength(1);
    const [admin] = await h.sql`select id from app.members where employee_no = 'A4001'`;
    const forged = await attempt('E1001', (tx) => tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id)
      values (${admin!.id as string}, 'member', 'test', 'thing', '2')`);
    expect(forged).toBe('denied');
  });

  it('entries are visible to their actor and to admins, not to others', async () => {
    expect(await as('E1001', (tx) => tx`select 1 from app.audit_log where entity = 'thing'`)).toHaveLength(1);
    expect(await as('T2002', (tx) => tx`select 1 from app.audit_log where entity = 'thing'`)).toHaveLength(0);
    expect(await as('A4001', (tx) => tx`select 1 from app.audit_log where entity = 'thing'`)).toHaveLength(1);
  });

  it.each(['E1001', 'A4001'])('update and delete are denied for %s', async (who) => {
    expect(await attempt(who, (tx) => tx`update app.audit_log set reason = 'x'`)).toBe('denied');
    expect(await attempt(who, (tx) => tx`delete from app.audit_log`)).toBe('denied');
  });

  it('is append-only even for the service role', async () => {
    // Refused twice over: no UPDATE/DELETE privilege (20261201000400) and the append-only trigger.
    await expect(asService((tx) => tx`update app.audit_log set reason = 'x'`)).rejects.toThrow(/append-only|permission denied/);
    await expect(asService((tx) => tx`delete from app.audit_log`)).rejects.toThrow(/append-only|permission denied/);
  });
});
