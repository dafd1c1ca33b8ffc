// People (members) and sign-in with 工号: HR reads their subtree, admins edit; search and paging;
// every change audited with before/after; deactivating keeps the record and ends sessions; sign in
// with an employee number or an email, unknown and wrong answered alike, limits per identifier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import people from '../../functions/people.ts';
import signIn from '../../functions/sign-in.ts';
import me from '../../functions/me.ts';
import { DEMO_PASSWORD } from '../../src/server/seed.ts';

let h: Harness;
const unit: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  for (const u of await h.sql`select id, code from app.org_units`) unit[u.code as string] = u.id as string;
});
afterAll(async () => { await h?.stop(); });

const memberId = async (no: string) => (await h.sql`select id from app.members where employee_no = ${no}`)[0]!.id as string;
const list = async (who: string, query: Record<string, string> = {}) =>
  h.call(people, { path: `/api/people?${new URLSearchParams(query)}`, token: await h.tokenFor(who) });
const patch = async (who: string, id: string, body: unknown) =>
  h.call(people, { method: 'PATCH', path: `/api/people/${id}`, token: await h.tokenFor(who), body, params: { id } });
let ip = 0;
const signInAs = (identifier: string, password: string, address = `10.9.0.${++ip % 250}`) =>
  h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier, password }, headers: { 'x-nf-client-connection-ip': address } });

describe('people list', () => {
  it('HR sees their subtree only, with search and paging', async () => {
    const jn = await list('H3002');
    expect(jn.status).toBe(200);
    const nos: string[] = jn.body.rows.map((r: { employeeNo: string }) => r.employeeNo);
    expect(nos).toContain('E1008');
    expect(nos).not.toContain('E1001');
    const all = await list('A4001', { limit: '5' });
    expect(all.body.rows).toHaveLength(5);
    expect(all.body.total).toBeGreaterThanOrEqual(20);
    const page2 = await list('A4001', { limit: '5', offset: '5' });
    expect(page2.body.rows[0].employeeNo > all.body.rows[4].employeeNo).toBe(true);
    expect((await list('A4001', { q: 'E100' })).body.rows.every((r: { employeeNo: string }) => r.employeeNo.startsWith('E100'))).toBe(true);
    expect((await list('A4001', { q: '张晓' })).body.rows.map((r: { employeeNo: string }) => r.employeeNo)).toEqual(['E1001']);
    expect((await list('A4001', { q: '100%' })).body.total).toBe(0);
    expect((await list('A4001', { org: 'JN-LX' })).body.rows.every((r: { orgUnit: { code: string } }) => r.orgUnit.code === 'JN-LX')).toBe(true);
  });

  it('trainers and employees may not use it', async () => {
    expect((await list('T2001')).status).toBe(403);
    expect((await list('E1001')).status).toBe(403);
  });
});

describe('editing people', () => {
  it('HR cannot edit; an admin edit is audited with before and after', async () => {
    const id = await memberId('E1005');
    expect((await patch('H3001', id, { position: '柜员' })).status).toBe(403);
    const res = await patch('A4001', id, { position: '综合柜员', mobile: '+86 139 0000 1111', email: 'Huangmin@Bank.example' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ position: '综合柜员', mobile: '13900001111', email: 'huangmin@bank.example' });
    const [a] = await h.sql`select action, before, after, actor_member_id from app.audit_log where entity = 'member' and entity_id = ${id} order by id desc limit 1`;
    expect(a!.action).toBe('member.update');
    expect((a!.before as { position: string | null }).position).toBeNull();
    expect((a!.after as { position: string }).position).toBe('综合柜员');
    expect(a!.actor_member_id).toBe(await memberId('A4001'));
    // The new email signs in.
    expect((await signInAs('huangmin@bank.example', DEMO_PASSWORD)).status).toBe(200);
  });

  it('bad fields are answered per field; a taken 工号 or email is a 409 on that field', async () => {
    const id = await memberId('E1006');
    const bad = await patch('A4001', id, { email: 'x@y', mobile: '123', roles: ['boss'] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['email', 'mobile', 'roles.0']);
    const taken = await patch('A4001', id, { email: 'huangmin@bank.example' });
    expect(taken.status).toBe(409);
    expect(taken.body.errors.email).toBeTruthy();
    const dup = await h.call(people, { method: 'POST', path: '/api/people', token: await h.tokenFor('A4001'),
      body: { employeeNo: 'E1001', name: '重名', orgUnitId: unit['QD-SN'] } });
    expect(dup.status).toBe(409);
    expect(dup.body.errors.employeeNo).toBeTruthy();
  });

  it('an admin adds a person with 工号 0000123; the initial password is shown once and signs in with 工号', async () => {
    const res = await h.call(people, { method: 'POST', path: '/api/people', token: await h.tokenFor('A4001'),
      body: { employeeNo: '0000123', name: '新员工', orgUnitId: unit['JN-LX'], position: '柜员', roles: ['employee'] } });
    expect(res.status).toBe(201);
    expect(res.body.person).toMatchObject({ employeeNo: '0000123', hasAccount: true, active: true });
    expect(res.body.account.password).toMatch(/^[A-Za-z2-9]{12}$/);
    // No email given: they sign in with 工号; the generated sign-in address stays on the server.
    expect(res.body.account.email).toBeNull();
    expect((await signInAs('0000123', res.body.account.password)).status).toBe(200);
    expect((await signInAs('123', res.body.account.password)).status).toBe(400);
  });

  it('an initial password works once it is used, not after it expired, and not for a deactivated person', async () => {
    const create = async (no: string) => (await h.call(people, { method: 'POST', path: '/api/people', token: await h.tokenFor('A4001'),
      body: { employeeNo: no, name: `初始${no}`, orgUnitId: unit['JN-HY'] } })).body as { person: { id: string }; account: { password: string } };
    const expired = await create('IP001');
    await h.sql`update app.initial_passwords set expires_at = now() - interval '1 second'
      where user_id = (select user_id from app.members where employee_no = 'IP001')`;
    expect((await signInAs('IP001', expired.account.password)).body.code).toBe('invalid_credentials');
    const gone = await create('IP002');
    expect((await patch('A4001', gone.person.id, { active: false })).status).toBe(200);
    expect((await signInAs('IP002', gone.account.password)).status).toBe(400);
    const wrong = await create('IP003');
    expect((await signInAs('IP003', 'not-it-at-all')).body.code).toBe('invalid_credentials');
    expect((await signInAs('IP003', wrong.account.password)).status).toBe(200);
  });

  it('deactivating keeps the record, ends sessions, blocks sign-in; reactivating restores it', async () => {
    const id = await memberId('E1004');
    const session = await signInAs('E1004', DEMO_PASSWORD);
    expect(session.status).toBe(200);
    const token = session.body.access_token as string;
    expect((await patch('A4001', id, { active: false })).body).toMatchObject({ active: false });
    expect((await h.sql`select count(*)::int as n from auth.sessions s join app.members m on m.user_id = s.user_id where m.id = ${id}`)[0]!.n).toBe(0);
    expect((await h.call(me, { path: '/api/me', token })).status).toBe(401);
    const refused = await signInAs('E1004', DEMO_PASSWORD);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('user_banned');
    expect((await list('A4001', { q: 'E1004', status: 'inactive' })).body.rows).toHaveLength(1);
    const [a] = await h.sql`select action from app.audit_log where entity = 'member' and entity_id = ${id} order by id desc limit 1`;
    expect(a!.action).toBe('member.deactivate');
    expect((await patch('A4001', id, { active: true })).body).toMatchObject({ active: true, deactivatedAt: null });
    expect((await signInAs('E1004', DEMO_PASSWORD)).status).toBe(200);
  });

  it('an admin cannot deactivate themselves or drop their own admin role', async () => {
    const id = await memberId('A4001');
    expect((await patch('A4001', id, { active: false })).body.code).toBe('self_change');
    expect((await patch('A4001', id, { roles: ['employee'] })).body.code).toBe('self_change');
  });

  it('a password reset shows a new password once and ends the old sessions', async () => {
    const id = await memberId('E1007');
    const old = await signInAs('E1007', DEMO_PASSWORD);
    expect(old.status).toBe(200);
    const res = await h.call(people, { method: 'POST', path: `/api/people/${id}/password`, token: await h.tokenFor('A4001'), params: { id, action: 'password' } });
    expect(res.status).toBe(200);
    expect((await h.call(me, { path: '/api/me', token: old.body.access_token })).status).toBe(401);
    expect((await signInAs('E1007', DEMO_PASSWORD)).status).toBe(400);
    expect((await signInAs('e1007', res.body.password)).status).toBe(200);
    const hr = await h.call(people, { method: 'POST', path: `/api/people/${id}/password`, token: await h.tokenFor('H3001'), params: { id, action: 'password' } });
    expect(hr.status).toBe(403);
  });
});

describe('sign in with 工号 or email', () => {
  it('works with 工号 in any case and with email, returning a session for supabase-js', async () => {
    for (const id of ['E1001', 'e1001', 'employee@demo.xiaobao.local']) {
      const res = await signInAs(id, DEMO_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'bearer', user: { email: 'employee@demo.xiaobao.local' } });
      expect((await h.call(me, { path: '/api/me', token: res.body.access_token })).body.employeeNo).toBe('E1001');
    }
  });

  it('an unknown 工号 and a wrong password get the same answer in about the same time', async () => {
    const times = { unknown: [] as number[], wrong: [] as number[] };
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      for (const [kind, id] of [['unknown', `ZZ${9000 + i}`], ['wrong', 'E1002']] as const) {
        const t = performance.now();
        const res = await signInAs(id, 'not-the-password');
        times[kind].push(performance.now() - t);
        expect(res.status).toBe(400);
        const { instance: _i, ...rest } = res.body;
        bodies.add(JSON.stringify(rest));
      }
    }
    expect(bodies.size).toBe(1);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // Both pay one password check (~90 ms of bcrypt): no order-of-magnitude gap to measure.
    expect(median(times.unknown)).toBeGreaterThan(median(times.wrong) * 0.5);
    expect(median(times.unknown)).toBeLessThan(median(times.wrong) * 2 + 50);
  });

  it('the sign-in limits apply per identifier and address', async () => {
    const address = '10.77.0.1';
    for (let i = 0; i < 5; i++) expect((await signInAs('E1003', 'wrong', address)).status).toBe(400);
    const limited = await signInAs('E1003', DEMO_PASSWORD, address);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('over_request_rate_limit');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Unknown 工号 are limited too (each its own identifier), so guessing numbers is no cheaper.
    for (let i = 0; i < 5; i++) expect((await signInAs('NOPE1', 'x', '10.77.0.2')).status).toBe(400);
    expect((await signInAs('NOPE1', 'x', '10.77.0.2')).status).toBe(429);
    // Another address is not affected.
    expect((await signInAs('E1003', DEMO_PASSWORD, '10.77.0.3')).status).toBe(200);
  });

  it('malformed bodies are field errors', async () => {
    const res = await h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier: '', password: '' } });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.errors).sort()).toEqual(['identifier', 'password']);
  });
});
