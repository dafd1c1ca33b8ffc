// Roster import end to end against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
// parse → stored preview (nothing else written) → commit exactly that preview, for HR within their
// scope and admins anywhere; bad files and bad cells change nothing; the same file twice changes
// nothing; a full roster deactivates only after a second confirmation; new people sign in with 工号.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { commit, rosterCsv, rosterXlsx, rows, upload, type Cell } from './roster-helpers.ts';
import signIn from '../../functions/sign-in.ts';
import rosterImports from '../../functions/roster-imports.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

/** Everything an import may write, so "changes nothing" is one comparison. */
async function snapshot() {
  const [s] = await h.sql`
    select (select count(*)::int from app.members) as members,
           (select count(*)::int from app.members where active) as active,
           (select count(*)::int from auth.users) as users,
           (select coalesce(max(updated_at)::text, '') from app.members) as last_change,
           (select count(*)::int from app.audit_log where entity = 'member') as member_audit`;
  return s;
}
const importsCount = async () => Number((await h.sql`select count(*)::int as n from app.roster_imports`)[0]!.n);

const good: Cell[][] = [
  ['000123', '韩梅梅', '青岛分行/市南支行', '柜员', 'hanmm@bank.example', '138 0013 8001', '员工'],
  ['QD00124', '李雷', 'QD-LS', '客户经理', '', '+8613800138002', ''],
  ['E1002', '刘洋', '青岛分行/市南支行', '大堂经理', '', '', ''],       // update: 岗位
  ['E1003', '陈静', 'QD-SN', '', '', '', ''],                       // unchanged
];
const bad: Cell[][] = [
  ['D0001', '甲', 'QD-SN', '', '', '', ''],
  ['D0001', '乙', 'QD-SN', '', '', '', ''],                          // duplicate 工号 (both rows)
  ['B0001', '丙', '青岛分行/不存在支行', '', '', '', ''],             // unknown org
  ['B0002', '丁', 'QD-SN', '', '', '', '超级用户'],                   // unknown role
  ['B0003', '戊', 'QD-SN', '', 'not-an-email', '', ''],              // bad email
  ['B0004', '己', 'QD-SN', '', '', '12345', ''],                     // bad mobile
  ['B0005', { formula: 'CONCAT("庚","")' }, 'QD-SN', '', '', '', ''], // formula
  ['B0006', '辛', 'QD-SN', '', '', '', '管理员'],                     // HR may not grant admin
];

describe('HR imports a roster with good and bad rows', () => {
  let importId = '';
  let accounts: { employeeNo: string; password: string; email: string | null }[] = [];

  it('preview: every row has an outcome, problems are row/column located, nothing else is written', async () => {
    const before = await snapshot();
    const file = await rosterXlsx([...good, ...bad, ['B0007', '壬', 'QD-SN', '', '', '', '']], { merges: ['D15:E15'], title: '青岛分行员工花名册' });
    const res = await upload(h, await h.tokenFor('H3001'), file);
    expect(res.status).toBe(201);
    importId = res.body.id;
    expect(res.body.status).toBe('previewed');
    expect(res.body.summary.counts).toMatchObject({ new: 2, update: 1, unchanged: 1, problem: 9, deactivate: 0, total: 13 });
    expect(await snapshot()).toEqual(before);

    const problems = (await rows(h, await h.tokenFor('H3001'), importId, { outcome: 'problem' })).body.rows;
    const byRow = new Map<number, { code: string; column: string }[]>(problems.map((r: { row: number; problems: { code: string; column: string }[] }) => [r.row, r.problems]));
    // Title row 1, header row 2, data from row 3.
    expect(byRow.get(7)!.map((p) => p.code)).toEqual(['employee_no_duplicate']);
    expect(byRow.get(8)!.map((p) => p.code)).toEqual(['employee_no_duplicate']);
    expect(byRow.get(9)).toEqual([expect.objectContaining({ code: 'org_unknown', column: 'C' })]);
    // A row with problems still shows whose row it is.
    expect(problems.find((r: { row: number }) => r.row === 9)).toMatchObject({ employeeNo: 'B0001', record: { name: '丙', orgText: '青岛分行/不存在支行', orgUnit: null } });
    // …and names its unit when the 机构 cell resolved (the preview shows 市南支行, not the raw "QD-SN").
    expect(problems.find((r: { row: number }) => r.row === 7)).toMatchObject({ record: { name: '甲', orgText: 'QD-SN', orgUnit: { code: 'QD-SN', name: '市南支行' } } });
    expect(problems.find((r: { row: number }) => r.row === 10)).toMatchObject({ record: { orgUnit: { code: 'QD-SN' } } });
    expect(byRow.get(10)).toEqual([expect.objectContaining({ code: 'role_unknown', column: 'G' })]);
    expect(byRow.get(11)).toEqual([expect.objectContaining({ code: 'email_invalid', column: 'E' })]);
    expect(byRow.get(12)).toEqual([expect.objectContaining({ code: 'mobile_invalid', column: 'F' })]);
    expect(byRow.get(13)).toEqual([expect.objectContaining({ code: 'formula', column: 'B' })]);
    expect(byRow.get(14)!.map((p) => p.code)).toEqual(['role_not_allowed']);
    expect(byRow.get(15)!.map((p) => p.code)).toContain('merged');

    const update = (await rows(h, await h.tokenFor('H3001'), importId, { outcome: 'update' })).body.rows;
    expect(update).toHaveLength(1);
    expect(update[0].employeeNo).toBe('E1002');
    expect(update[0].changes).toEqual({ position: { from: null, to: '大堂经理' } });
    const created = (await rows(h, await h.tokenFor('H3001'), importId, { outcome: 'new' })).body.rows;
    expect(created.map((r: { record: { employeeNo: string; mobile: string } }) => [r.record.employeeNo, r.record.mobile]))
      .toEqual([['000123', '13800138001'], ['QD00124', '13800138002']]);
    // New and updated rows carry the roles they grant (an empty 角色 cell: employee, or the roles on record).
    expect(created.map((r: { record: { roles: string[] } }) => r.record.roles)).toEqual([['employee'], ['employee']]);
    expect(update[0].record.roles).toEqual(['employee']);
  });

  it('trainers and employees can neither preview nor read it', async () => {
    const file = await rosterXlsx(good);
    for (const who of ['T2001', 'E1001']) {
      expect((await upload(h, await h.tokenFor(who), file)).status).toBe(403);
      expect((await rows(h, await h.tokenFor(who), importId)).status).toBe(403);
    }
    // HR of 济南 may not see or commit an import of the head office's scope.
    expect((await rows(h, await h.tokenFor('H3002'), importId)).status).toBe(404);
    expect((await commit(h, await h.tokenFor('H3002'), importId)).status).toBe(404);
  });

  it('commit writes exactly the previewed rows, with accounts shown once and an audit trail', async () => {
    const res = await commit(h, await h.tokenFor('H3001'), importId);
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ created: 2, updated: 1, deactivated: 0 });
    accounts = res.body.accounts;
    expect(accounts.map((a) => a.employeeNo)).toEqual(['000123', 'QD00124']);
    // People sign in with their 工号: a real email is listed, the generated placeholder never leaves the server.
    expect(accounts.map((a) => a.email)).toEqual(['hanmm@bank.example', null]);
    expect(JSON.stringify(res.body)).not.toContain('xiaobao.invalid');
    expect((await h.sql`select 1 from auth.users where email = 'qd00124@staff.xiaobao.invalid'`).length).toBe(1);
    const [m] = await h.sql`select m.employee_no, m.position, m.mobile, o.code from app.members m join app.org_units o on o.id = m.org_unit_id where employee_no = '000123'`;
    expect(m).toMatchObject({ employee_no: '000123', position: '柜员', mobile: '13800138001', code: 'QD-SN' });
    expect((await h.sql`select position from app.members where employee_no = 'E1002'`)[0]!.position).toBe('大堂经理');
    for (const no of ['D0001', 'B0001', 'B0005', 'B0006']) {
      expect((await h.sql`select 1 from app.members where employee_no = ${no}`).length).toBe(0);
    }
    // Until first use an initial password is kept only as its SHA-256; the account has no hash yet.
    const [u] = await h.sql`select u.encrypted_password, p.sha256 from auth.users u join app.initial_passwords p on p.user_id = u.id
      where u.email = 'hanmm@bank.example'`;
    expect(u!.encrypted_password).toBeNull();
    expect(u!.sha256).toBe(createHash('sha256').update(accounts[0]!.password).digest('hex'));
    expect(JSON.stringify(await h.sql`select * from app.roster_import_rows where import_id = ${importId}`)).not.toContain(accounts[0]!.password);
    const audit = await h.sql`select action, before, after from app.audit_log where reason = ${'roster_import:' + importId} order by id`;
    expect(audit.map((a) => a.action).sort()).toEqual(['member.create', 'member.create', 'member.update']);
    const upd = audit.find((a) => a.action === 'member.update')!;
    expect([(upd.before as { position: string }).position, (upd.after as { position: string }).position]).toEqual([null, '大堂经理']);
    expect((await h.sql`select count(*)::int as n from app.audit_log where action = 'roster_import.commit' and entity_id = ${importId}`)[0]!.n).toBe(1);
  });

  it('a new person signs in with their 工号 (leading zeros kept)', async () => {
    const res = await h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier: '000123', password: accounts[0]!.password } });
    expect(res.status).toBe(200);
    expect(typeof res.body.access_token).toBe('string');
    expect(typeof res.body.refresh_token).toBe('string');
    // The first sign-in replaced the initial password with a bcrypt hash at the sign-in cost.
    const [u] = await h.sql`select u.encrypted_password, (select count(*)::int from app.initial_passwords p where p.user_id = u.id) as pending
      from auth.users u where u.email = 'hanmm@bank.example'`;
    expect(u!.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
    expect(u!.pending).toBe(0);
    // And it keeps working (now through the ordinary password check), also with the email.
    expect((await h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier: 'HanMM@bank.example', password: accounts[0]!.password } })).status).toBe(200);
    expect((await h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier: '123', password: accounts[0]!.password } })).status).toBe(400);
    expect((await h.call(signIn, { method: 'POST', path: '/api/sign-in', body: { identifier: 'QD00124', password: accounts[0]!.password } })).status).toBe(400);
  });

  it('committing again is refused and changes nothing', async () => {
    const before = await snapshot();
    const res = await commit(h, await h.tokenFor('H3001'), importId);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('roster_import_not_open');
    expect(await snapshot()).toEqual(before);
  });

  it('the same file again: every good row is unchanged and the commit writes nothing', async () => {
    const file = await rosterXlsx(good);
    const res = await upload(h, await h.tokenFor('H3001'), file);
    expect(res.body.summary.counts).toMatchObject({ new: 0, update: 0, unchanged: 4, problem: 0 });
    const before = await snapshot();
    const done = await commit(h, await h.tokenFor('H3001'), res.body.id);
    expect(done.body).toEqual({ result: { created: 0, updated: 0, deactivated: 0 }, accounts: [] });
    const after = await snapshot();
    expect({ ...after, last_change: '' }).toEqual({ ...before, last_change: '' });
    expect(after!.last_change).toBe(before!.last_change);
  });

  it('a preview whose people changed since is refused at commit (preview again)', async () => {
    const res = await upload(h, await h.tokenFor('H3001'), await rosterXlsx([['E1003', '陈静', 'QD-SN', '理财经理', '', '', '']]));
    await h.sql`update app.members set name = '陈静静' where employee_no = 'E1003'`;
    const before = await snapshot();
    const done = await commit(h, await h.tokenFor('H3001'), res.body.id);
    expect(done.status).toBe(409);
    expect(done.body.code).toBe('roster_import_stale');
    expect(await snapshot()).toEqual(before);
  });

  it('a preview left unconfirmed for more than a day reads as expired and cannot be committed', async () => {
    const token = await h.tokenFor('H3001');
    const res = await upload(h, token, await rosterXlsx([['X0001', '过期', 'QD-SN', '', '', '', '']]));
    expect(res.body.status).toBe('previewed');
    await h.sql`update app.roster_imports set created_at = now() - interval '25 hours' where id = ${res.body.id}::uuid`;
    const list = await h.call(rosterImports, { path: '/api/roster-imports', token });
    expect(list.body.imports.find((i: { id: string }) => i.id === res.body.id).status).toBe('expired');
    expect((await h.call(rosterImports, { path: `/api/roster-imports/${res.body.id}`, token, params: { id: res.body.id } })).body.status).toBe('expired');
    const before = await snapshot();
    const done = await commit(h, token, res.body.id);
    expect(done.status).toBe(409);
    expect(done.body).toMatchObject({ code: 'roster_import_expired', params: { hours: 24 } });
    expect(await snapshot()).toEqual(before);
    // A day-old preview is still within the limit.
    await h.sql`update app.roster_imports set created_at = now() - interval '23 hours' where id = ${res.body.id}::uuid`;
    expect((await h.call(rosterImports, { path: `/api/roster-imports/${res.body.id}`, token, params: { id: res.body.id } })).body.status).toBe('previewed');
    expect((await h.call(rosterImports, { method: 'POST', path: `/api/roster-imports/${res.body.id}/cancel`, token, params: { id: res.body.id, action: 'cancel' } })).status).toBe(200);
  });
});

describe('bad files change nothing', () => {
  it.each([
    ['a 50 MB file', () => new Uint8Array(50 * 1024 * 1024), 413, 'file_too_large'],
    ['a text file named .xlsx', () => new TextEncoder().encode('PK this is not a zip'), 400, 'file_unreadable'],
    ['an empty CSV', () => new TextEncoder().encode('\r\n\r\n'), 400, 'file_unreadable'],
    ['a sheet without a roster header', () => rosterCsv([['X1', '甲']], ['编号', '名称']), 400, 'file_unreadable'],
  ])('%s', async (_name, make, status, code) => {
    const before = await snapshot();
    const n = await importsCount();
    const res = await upload(h, await h.tokenFor('H3001'), await make());
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    expect(typeof res.body.message_zh === 'string' || res.body.problems).toBeTruthy();
    expect(await snapshot()).toEqual(before);
    expect(await importsCount()).toBe(n);
  });

  it('a header row lacking 机构 is explained as a missing column', async () => {
    const res = await upload(h, await h.tokenFor('H3001'), rosterCsv([['X1', '甲', '柜员']], ['工号', '姓名', '岗位']), { name: 'r.csv' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('roster_columns');
    expect(res.body.problems).toEqual([expect.objectContaining({ code: 'missing_column', params: { column: '机构' } })]);
  });
});

describe('CSV and scope', () => {
  it('reads a GBK CSV (as Excel on Chinese Windows saves it)', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/roster/roster-gbk.csv', import.meta.url)));
    const res = await upload(h, await h.tokenFor('H3002'), bytes, { name: 'roster.csv' });
    expect(res.status).toBe(201);
    expect(res.body.encoding).toBe('gbk');
    expect(res.body.summary.counts).toMatchObject({ new: 2, problem: 0 });
    expect(res.body.summary.scope.code).toBe('JN');
  });

  it('HR may not import for a subtree outside their scope', async () => {
    // 总行 is visible to 济南's HR (an ancestor of their unit) but outside their scope; 青岛 is not visible at all.
    const res = await upload(h, await h.tokenFor('H3002'), await rosterXlsx(good), { scope: 'HQ' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('scope_forbidden');
    const hidden = await upload(h, await h.tokenFor('H3002'), await rosterXlsx(good), { scope: 'QD' });
    expect(hidden.status).toBe(400);
    expect(hidden.body.code).toBe('scope_unknown');
  });

  it('HR of 济南 cannot reach people of 青岛 through their 工号', async () => {
    const res = await upload(h, await h.tokenFor('H3002'), await rosterXlsx([['E1001', '张晓梅', 'JN-LX', '', '', '', '']]));
    expect(res.body.summary.counts).toMatchObject({ problem: 1 });
    const r = (await rows(h, await h.tokenFor('H3002'), res.body.id)).body.rows[0];
    expect(r.problems.map((p: { code: string }) => p.code)).toEqual(['employee_no_outside_scope']);
  });
});

describe('full roster', () => {
  it('deactivates people missing from the file only after a second confirmation with their number', async () => {
    // 济南's HR sends everyone of 济南 on record except 何磊 (E1012).
    const people = await h.sql`
      select m.employee_no, m.name, o.code from app.members m join app.org_units o on o.id = m.org_unit_id
      where o.path like '/HQ/JN/%' and m.active and m.employee_no <> 'E1012' order by m.employee_no`;
    const jn: Cell[][] = people.map((p) => [p.employee_no as string, p.name as string, p.code as string, '', '', '', '']);
    const hr = await h.tokenFor('H3002');
    const notFull = await upload(h, hr, await rosterXlsx(jn));
    expect(notFull.body.summary.counts.deactivate).toBe(0);

    const res = await upload(h, hr, await rosterXlsx(jn), { fullRoster: 'true' });
    const list = (await rows(h, hr, res.body.id, { outcome: 'deactivate' })).body.rows;
    expect(res.body.summary.counts.deactivate, JSON.stringify(list)).toBe(1);
    expect(list.map((r: { employeeNo: string }) => r.employeeNo)).toEqual(['E1012']);

    // A session of E1012's, to see it end.
    const userId = await h.userIdFor('E1012');
    await h.sql`insert into auth.sessions (user_id) values (${userId})`;

    const before = await snapshot();
    for (const body of [{}, { confirmDeactivate: 0 }, { confirmDeactivate: 2 }]) {
      const r = await commit(h, hr, res.body.id, body);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('roster_confirm_deactivate');
    }
    expect(await snapshot()).toEqual(before);

    const ok = await commit(h, hr, res.body.id, { confirmDeactivate: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ deactivated: 1 });
    const [m] = await h.sql`select active, deactivated_at from app.members where employee_no = 'E1012'`;
    expect(m!.active).toBe(false);
    expect(m!.deactivated_at).not.toBeNull();
    expect((await h.sql`select count(*)::int as n from auth.sessions where user_id = ${userId}`)[0]!.n).toBe(0);
    expect((await h.sql`select banned_until from auth.users where id = ${userId}`)[0]!.banned_until).not.toBeNull();
    // Every record stays.
    expect((await h.sql`select count(*)::int as n from app.members where employee_no = 'E1012'`)[0]!.n).toBe(1);
    expect((await h.sql`select action from app.audit_log where entity = 'member' and action = 'member.deactivate' and reason like 'roster_import:%'`).length).toBe(1);

    // Back in a later file: reactivated, shown as an update.
    const again = await upload(h, hr, await rosterXlsx([...jn, ['E1012', '何磊', 'JN', '', '', '', '']]));
    const upd = (await rows(h, hr, again.body.id, { outcome: 'update' })).body.rows;
    expect(upd.map((r: { employeeNo: string; changes: object }) => [r.employeeNo, Object.keys(r.changes)])).toEqual([['E1012', ['active']]]);
  });
});

describe('RLS on the import tables', () => {
  it('admin sees every import; HR their subtree; trainers and employees none; nobody updates or deletes', async () => {
    const { asUser } = await import('../../functions/_lib/db.ts');
    const as = async (no: string, q: (tx: import('../../functions/_lib/db.ts').Tx) => Promise<unknown>) =>
      asUser({ sub: await h.userIdFor(no), role: 'authenticated', aud: 'authenticated' }, q as never);
    const count = async (no: string, table: string) =>
      ((await as(no, (tx) => tx.unsafe(`select count(*)::int as n from app.${table}`))) as { n: number }[])[0]!.n;
    const all = Number((await h.sql`select count(*)::int as n from app.roster_imports`)[0]!.n);
    const jn = Number((await h.sql`select count(*)::int as n from app.roster_imports i join app.org_units o on o.id = i.scope_org_id where o.code = 'JN'`)[0]!.n);
    expect(await count('A4001', 'roster_imports')).toBe(all);
    expect(await count('H3001', 'roster_imports')).toBe(all);
    expect(await count('H3002', 'roster_imports')).toBe(jn);
    for (const who of ['T2001', 'E1001']) {
      expect(await count(who, 'roster_imports')).toBe(0);
      expect(await count(who, 'roster_import_rows')).toBe(0);
    }
    const [hq] = await h.sql`select id from app.org_units where code = 'HQ'`;
    const [t] = await h.sql`select id from app.members where employee_no = 'T2001'`;
    const insert = (tx: import('../../functions/_lib/db.ts').Tx) => tx`insert into app.roster_imports (created_by, scope_org_id, file_name, file_sha256, file_format)
      values (${t!.id as string}, ${hq!.id as string}, 'x.csv', ${'0'.repeat(64)}, 'csv')`;
    await expect(as('T2001', insert)).rejects.toMatchObject({ code: '42501' });
    for (const who of ['A4001', 'H3001']) {
      await expect(as(who, (tx) => tx`update app.roster_imports set status = 'committed'`)).rejects.toMatchObject({ code: '42501' });
      await expect(as(who, (tx) => tx`delete from app.roster_import_rows`)).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('initial passwords are out of reach of every signed-in role, admins included', async () => {
    const { asUser } = await import('../../functions/_lib/db.ts');
    for (const who of ['A4001', 'H3001', 'E1001']) {
      const sub = await h.userIdFor(who);
      await expect(asUser({ sub, role: 'authenticated', aud: 'authenticated' }, (tx) => tx`select * from app.initial_passwords`))
        .rejects.toMatchObject({ code: '42501' });
      await expect(asUser({ sub, role: 'authenticated', aud: 'authenticated' }, (tx) => tx`select app.initial_password_matches('x@y.z', ${'0'.repeat(64)})`))
        .rejects.toMatchObject({ code: '42501' });
    }
  });

  it('a list of recent imports for HR', async () => {
    const res = await h.call(rosterImports, { path: '/api/roster-imports', token: await h.tokenFor('H3001') });
    expect(res.status).toBe(200);
    expect(res.body.imports.length).toBeGreaterThan(3);
  });
});

describe('unchanged rows (kept as arrays) and emails already in use', () => {
  // Own people, so the blocks above do not matter: R0001/R0002 in 市南支行, R0003 without an email.
  const first: Cell[][] = [
    ['R0001', '周一', 'QD-SN', '柜员', 'r0001@bank.example', '', ''],
    ['R0002', '周二', 'QD-SN', '柜员', 'r0002@bank.example', '', ''],
    ['R0003', '周三', '青岛分行/崂山支行', '', '', '', ''],
  ];

  it('the same file again: every row unchanged, listed with name and unit, one array row stored, nothing written', async () => {
    const hr = await h.tokenFor('H3001');
    const created = await upload(h, hr, await rosterXlsx(first));
    expect(created.body.summary.counts).toMatchObject({ new: 3, unchanged: 0, problem: 0 });
    expect((await commit(h, hr, created.body.id)).status).toBe(200);

    const again = await upload(h, hr, await rosterXlsx(first));
    expect(again.body.summary.counts).toMatchObject({ new: 0, update: 0, unchanged: 3, problem: 0, total: 3 });
    // One row of arrays, no per-row copies.
    expect((await h.sql`select count(*)::int as n from app.roster_import_rows where import_id = ${again.body.id}`)[0]!.n).toBe(0);
    const [u] = await h.sql`select cardinality(seqs) as n, row_nos::text as row_nos from app.roster_import_unchanged where import_id = ${again.body.id}`;
    expect(u).toMatchObject({ n: 3, row_nos: '{2,3,4}' });

    const listed = (await rows(h, hr, again.body.id)).body;
    expect(listed.total).toBe(3);
    expect(listed.rows.map((r: { seq: number; row: number; outcome: string; employeeNo: string; record: { name: string; orgUnit: { code: string } } }) =>
      [r.seq, r.row, r.outcome, r.employeeNo, r.record.name, r.record.orgUnit.code])).toEqual([
      [1, 2, 'unchanged', 'R0001', '周一', 'QD-SN'],
      [2, 3, 'unchanged', 'R0002', '周二', 'QD-SN'],
      [3, 4, 'unchanged', 'R0003', '周三', 'QD-LS'],
    ]);
    const page = (await rows(h, hr, again.body.id, { outcome: 'unchanged', offset: '1', limit: '1' })).body;
    expect([page.total, page.rows.map((r: { employeeNo: string }) => r.employeeNo)]).toEqual([3, ['R0002']]);
    expect((await rows(h, hr, again.body.id, { outcome: 'new' })).body).toMatchObject({ total: 0, rows: [] });

    const before = await snapshot();
    const done = await commit(h, hr, again.body.id);
    expect(done.body).toEqual({ result: { created: 0, updated: 0, deactivated: 0 }, accounts: [] });
    expect(await snapshot()).toEqual(before);
  });

  it('unchanged and changed rows interleave in file order', async () => {
    const hr = await h.tokenFor('H3001');
    const res = await upload(h, hr, await rosterXlsx([first[0]!, ['R0002', '周二', 'QD-SN', '客户经理', '', '', ''], first[2]!, ['R0004', '周四', 'QD-SN', '', '', '', '']]));
    expect(res.body.summary.counts).toMatchObject({ new: 1, update: 1, unchanged: 2 });
    const listed = (await rows(h, hr, res.body.id)).body.rows;
    expect(listed.map((r: { seq: number; outcome: string; employeeNo: string }) => [r.seq, r.outcome, r.employeeNo])).toEqual([
      [1, 'unchanged', 'R0001'], [2, 'update', 'R0002'], [3, 'unchanged', 'R0003'], [4, 'new', 'R0004'],
    ]);
    expect(listed[1].changes).toEqual({ position: { from: '柜员', to: '客户经理' } });
    await h.call(rosterImports, { method: 'POST', path: `/api/roster-imports/${res.body.id}/cancel`, token: hr, params: { id: res.body.id, action: 'cancel' } });
  });

  it('an email is in use only when someone other than the row\'s own person holds it', async () => {
    const hr = await h.tokenFor('H3001');
    // R0001 names R0002's email; R0002 leaves the cell empty (keeps its own); R0003 names the
    // email of H3001's sign-in account.
    const res = await upload(h, hr, await rosterXlsx([
      ['R0001', '周一', 'QD-SN', '柜员', 'R0002@bank.example', '', ''],
      ['R0002', '周二', 'QD-SN', '柜员', '', '', ''],
      ['R0003', '周三', 'QD-LS', '', 'hr@demo.xiaobao.local', '', ''],
    ]));
    expect(res.body.summary.counts).toMatchObject({ update: 0, unchanged: 1, problem: 2 });
    const listed = (await rows(h, hr, res.body.id)).body.rows as { employeeNo: string; outcome: string; problems: { code: string; column: string; params?: { owner: string } }[] }[];
    expect(listed.map((r) => [r.employeeNo, r.outcome, r.problems.map((p) => `${p.code}:${p.column}:${p.params?.owner ?? ''}`)])).toEqual([
      ['R0001', 'problem', ['email_taken:E:R0002']],
      ['R0002', 'unchanged', []],
      ['R0003', 'problem', ['email_taken:E:H3001']],
    ]);
    await h.call(rosterImports, { method: 'POST', path: `/api/roster-imports/${res.body.id}/cancel`, token: hr, params: { id: res.body.id, action: 'cancel' } });
  });

  it('a preview is refused at commit when an unchanged person changed since', async () => {
    const hr = await h.tokenFor('H3001');
    const res = await upload(h, hr, await rosterXlsx([first[0]!, ['R0002', '周二', 'QD-SN', '理财经理', '', '', '']]));
    expect(res.body.summary.counts).toMatchObject({ update: 1, unchanged: 1 });
    await h.sql`update app.members set mobile = '13900000001' where employee_no = 'R0001'`;
    const before = await snapshot();
    const done = await commit(h, hr, res.body.id);
    expect(done.status).toBe(409);
    expect(done.body.code).toBe('roster_import_stale');
    expect(await snapshot()).toEqual(before);
  });

  it('trainers and employees cannot read the arrays; nobody updates or deletes them', async () => {
    const { asUser } = await import('../../functions/_lib/db.ts');
    const as = async (no: string, q: (tx: import('../../functions/_lib/db.ts').Tx) => Promise<unknown>) =>
      asUser({ sub: await h.userIdFor(no), role: 'authenticated', aud: 'authenticated' }, q as never);
    const all = Number((await h.sql`select count(*)::int as n from app.roster_import_unchanged`)[0]!.n);
    expect(all).toBeGreaterThan(0);
    expect(await as('H3001', (tx) => tx`select count(*)::int as n from app.roster_import_unchanged`)).toEqual([{ n: all }]);
    for (const who of ['T2001', 'E1001']) {
      expect(await as(who, (tx) => tx`select count(*)::int as n from app.roster_import_unchanged`)).toEqual([{ n: 0 }]);
    }
    for (const who of ['A4001', 'H3001']) {
      await expect(as(who, (tx) => tx`update app.roster_import_unchanged set seqs = '{}'`)).rejects.toMatchObject({ code: '42501' });
      await expect(as(who, (tx) => tx`delete from app.roster_import_unchanged`)).rejects.toMatchObject({ code: '42501' });
    }
  });
});
