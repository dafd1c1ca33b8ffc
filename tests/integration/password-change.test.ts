// People created with an initial password (roster import, an administrator's new account or
// reset) must choose their own at first sign-in: until then every function but GET /api/me and
// /api/password refuses them with 403 password_change_required (the ordinary session check and the
// hot paths that piggyback it alike); the change checks the current password with the auth server,
// refuses weak and unchanged passwords, ends every session, answers a new one and is audited
// without the password (supabase/migrations/20261201000850_initial_password_change.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { commit, rosterXlsx, upload } from './roster-helpers.ts';
import signIn from '../../functions/sign-in.ts';
import me from '../../functions/me.ts';
import password from '../../functions/password.ts';
import people from '../../functions/people.ts';
import myAssignments from '../../functions/my-assignments.ts';
import examAttempts from '../../functions/exam-attempts.ts';
import { DEMO_PASSWORD } from '../../src/server/seed.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

let ip = 0;
// Each sign-in from its own address, so the auth server's per-address limits stay out of the way.
const signInAs = (identifier: string, pw: string) =>
  h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier, password: pw }, headers: { 'x-nf-client-connection-ip': `10.8.0.${++ip % 250}` } });
const change = (token: string, body: unknown) =>
  h.call(password, { method: 'POST', path: '/api/password', token, body, headers: { 'x-nf-client-connection-ip': `10.7.0.${++ip % 250}` } });
const required = async (no: string) => Number((await h.sql`
  select count(*)::int as n from app.password_change_required p join app.members m on m.user_id = p.user_id where m.employee_no = ${no}`)[0]!.n) === 1;

describe('an imported person chooses their own password at first sign-in', () => {
  let initial = '';
  let token = '';

  it('signs in with the initial password and is told a change is required', async () => {
    const hr = await h.tokenFor('H3001');
    const preview = await upload(h, hr, await rosterXlsx([['PW0001', '钱一', 'QD-SN', '柜员', 'qian1@bank.example', '', '']]));
    const done = await commit(h, hr, preview.body.id);
    expect(done.status).toBe(200);
    initial = done.body.accounts[0].password;
    expect(await required('PW0001')).toBe(false); // not before the first sign-in

    const res = await signInAs('PW0001', initial);
    expect(res.status).toBe(200);
    expect(res.body.password_change_required).toBe(true);
    token = res.body.access_token;
    expect(await required('PW0001')).toBe(true);
  });

  it('until then only /api/me and /api/password answer; everything else is refused with a problem the UI acts on', async () => {
    const who = await h.call(me, { path: '/api/me', token });
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ employeeNo: 'PW0001', passwordChangeRequired: true });
    expect((await h.call(password, { path: '/api/password', token })).body).toEqual({ required: true });

    const refused = await h.call(myAssignments, { path: '/api/me/assignments', token });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'password_change_required', type: 'https://xiaobao.academy/problems/password-change-required' });
    expect(refused.body.message_zh).toContain('新密码');

    // A hot path that piggybacks the session check on its first statement refuses too.
    const [exam] = await h.sql`select id from app.exams order by created_at limit 1`;
    const start = await h.call(examAttempts, { method: 'POST', path: `/api/exams/${exam!.id}/attempts`, token, body: {}, params: { examId: exam!.id as string } });
    expect(start.status).toBe(403);
    expect(start.body.code).toBe('password_change_required');
    expect((await h.sql`select count(*)::int as n from app.attempts a join app.members m on m.id = a.member_id where m.employee_no = 'PW0001'`)[0]!.n).toBe(0);
  });

  it('a wrong current password, a weak one and the same one are refused at their field, changing nothing', async () => {
    const before = (await h.sql`select u.encrypted_password from auth.users u where lower(u.email) = 'qian1@bank.example'`)[0]!.encrypted_password;
    const wrong = await change(token, { currentPassword: 'not-the-initial-1', newPassword: 'Qd-harbour-2026' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'current_password_wrong', errors: { currentPassword: expect.any(String) } });

    for (const [newPassword, rule] of [
      ['short1!', 'too_short'], ['abcdefghijk', 'too_simple'], ['Password123!', 'common'], ['PW0001-harbour', 'contains_identity'],
      ['qian1-harbour-7', 'contains_identity'], ['1111111111a', 'too_repetitive'],
    ] as const) {
      const weak = await change(token, { currentPassword: initial, newPassword });
      expect([weak.status, weak.body.code, weak.body.rule]).toEqual([400, 'password_weak', rule]);
      expect(weak.body.errors.newPassword).toBeTruthy();
      expect(weak.body.message_zh).toBeTruthy();
    }
    const same = await change(token, { currentPassword: initial, newPassword: initial });
    expect([same.status, same.body.code]).toEqual([400, 'password_same']);
    expect((await change(token, { currentPassword: initial })).status).toBe(400);

    expect((await h.sql`select u.encrypted_password from auth.users u where lower(u.email) = 'qian1@bank.example'`)[0]!.encrypted_password).toBe(before);
    expect(await required('PW0001')).toBe(true);
    expect((await h.call(myAssignments, { path: '/api/me/assignments', token })).status).toBe(403);
  });

  it('the change ends every session, answers a new one, lifts the block and is audited without the password', async () => {
    const other = (await signInAs('qian1@bank.example', initial)).body.access_token as string;
    const res = await change(token, { currentPassword: initial, newPassword: 'Qd-harbour-2026' });
    expect(res.status).toBe(200);
    expect(typeof res.body.access_token).toBe('string');
    const fresh = res.body.access_token as string;

    expect((await h.call(me, { path: '/api/me', token })).status).toBe(401);
    expect((await h.call(me, { path: '/api/me', token: other })).status).toBe(401);
    expect((await h.call(myAssignments, { path: '/api/me/assignments', token: fresh })).status).toBe(200);
    expect((await h.call(password, { path: '/api/password', token: fresh })).body).toEqual({ required: false });
    expect((await h.call(me, { path: '/api/me', token: fresh })).body.passwordChangeRequired).toBe(false);
    expect(await required('PW0001')).toBe(false);

    const audit = await h.sql`
      select a.actor_member_id, a.action, a.entity_id, a.before, a.after, a.reason from app.audit_log a
      join app.members m on m.id::text = a.entity_id where m.employee_no = 'PW0001' and a.action = 'member.password_change'`;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'member.password_change', before: null, after: { required: true }, reason: 'initial_password' });
    expect(audit[0]!.actor_member_id).toBe(audit[0]!.entity_id);
    const text = JSON.stringify(audit);
    expect(text).not.toContain('Qd-harbour-2026');
    expect(text).not.toContain(initial);
    expect(text).not.toMatch(/\$2[aby]\$/);

    expect((await signInAs('PW0001', initial)).status).toBe(400);
    const again = await signInAs('PW0001', 'Qd-harbour-2026');
    expect([again.status, again.body.password_change_required]).toEqual([200, false]);
  });

  it('an administrator\'s reset requires a new choice again; demo accounts with their own password are never asked', async () => {
    const [m] = await h.sql`select id from app.members where employee_no = 'PW0001'`;
    const id = m!.id as string;
    const reset = await h.call(people, { method: 'POST', path: `/api/people/${id}/password`, token: await h.tokenFor('A4001'), params: { id, action: 'password' } });
    expect(reset.status).toBe(200);
    const res = await signInAs('PW0001', reset.body.password);
    expect([res.status, res.body.password_change_required]).toEqual([200, true]);
    expect((await h.call(myAssignments, { path: '/api/me/assignments', token: res.body.access_token })).body.code).toBe('password_change_required');

    const demo = await signInAs('E1001', DEMO_PASSWORD);
    expect([demo.status, demo.body.password_change_required]).toEqual([200, false]);
    expect((await h.call(myAssignments, { path: '/api/me/assignments', token: demo.body.access_token })).status).toBe(200);
  });

  it('signed-out callers get 401, and nobody can read or write the marks directly', async () => {
    expect((await h.call(password, { path: '/api/password' })).status).toBe(401);
    expect((await h.call(password, { method: 'POST', path: '/api/password', body: { currentPassword: 'x', newPassword: 'y' } })).status).toBe(401);
    const { asUser } = await import('../../functions/_lib/db.ts');
    const as = async (no: string, q: (tx: import('../../functions/_lib/db.ts').Tx) => Promise<unknown>) =>
      asUser({ sub: await h.userIdFor(no), role: 'authenticated', aud: 'authenticated' }, q as never);
    // Admins see only their own mark (none), not PW0001's.
    expect(await as('A4001', (tx) => tx`select count(*)::int as n from app.password_change_required`)).toEqual([{ n: 0 }]);
    await expect(as('A4001', (tx) => tx`delete from app.password_change_required`)).rejects.toMatchObject({ code: '42501' });
    await expect(as('E1001', (tx) => tx`insert into app.password_change_required (user_id) values (${'00000000-0000-0000-0000-000000000000'}::uuid)`))
      .rejects.toMatchObject({ code: '42501' });
    const e1001 = await h.userIdFor('E1001');
    await expect(as('A4001', (tx) => tx`select app.change_own_password(${e1001}::uuid, ${'$2a$10$' + 'x'.repeat(53)})`))
      .rejects.toMatchObject({ code: '42501' });
  });
});
