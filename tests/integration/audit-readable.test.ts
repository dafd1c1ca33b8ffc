// The trainer's regrade from the attempt page and the audit log as HR reads it:
//   * GET /api/manage/attempts/:id says who may regrade (canRegrade) and carries the attempt's score
//     history (regrades, hand marks) — for every reader of the attempt, not only the entry's writer;
//   * POST /api/attempts/:id/regrade refuses a missing reason (field error) and HR (403), and writes
//     the score before and after;
//   * GET /api/audit sends names for the ids in entries (actor of an exemption, exam, org unit targets,
//     an org unit entity) so the page never shows a UUID, and only names the reader may read;
//   * the export on the "current unit" basis has one unit column, not 机构（当前） and 当前机构 twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import assignments from '../../functions/assignments.ts';
import exemption from '../../functions/assignment-exemption.ts';
import audit from '../../functions/audit.ts';
import regrade from '../../functions/attempt-regrade.ts';
import manageAttempts from '../../functions/manage-attempts.ts';
import exportFn from '../../functions/reports-export.ts';
import ExcelJS from 'exceljs';
import { keysOf, responseFor, save, start, submit } from './exam-helpers.ts';

let h: Harness;
let demoExam = '';
let attemptId = '';
let qdId = '';
let newUnitId = '';

beforeAll(async () => {
  h = await startHarness();
  const [e] = await h.sql`select id from app.exams where title = '消保知识月度测试（演示）'`;
  demoExam = e!.id as string;
  qdId = (await h.sql`select id from app.org_units where code = 'QD'`)[0]!.id as string;
  const r = await h.call(assignments, {
    method: 'POST', path: '/api/assignments', token: await h.tokenFor('H3001'),
    body: { title: '2026Q4 消保必考', period: '2026Q4', examId: demoExam, targets: { orgUnits: [{ unit: 'QD' }] }, startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T23:59:59+08:00' },
  });
  expect(r.status, r.text).toBe(201);
  const ex = await h.call(exemption, {
    method: 'PUT', path: `/api/assignments/${r.body.id}/people/E1003/exemption`, token: await h.tokenFor('H3001'),
    params: { assignmentId: r.body.id, member: 'E1003' }, body: { reason: '长期病假' },
  });
  expect(ex.status, ex.text).toBe(200);
  const s = await start(h, demoExam, 'E1002');
  expect(s.status, s.text).toBeLessThan(300);
  attemptId = s.body.attempt.id;
  for (const k of await keysOf(h, attemptId)) await save(h, attemptId, k.slot, { response: responseFor(k, true), seq: 1 }, 'E1002');
  expect((await submit(h, attemptId, 'E1002')).status).toBe(200);
  // An org unit added by the system (no actor): its entry's entity is named on the page.
  newUnitId = (await h.sql`insert into app.org_units (code, name, kind, parent_id) values ('QD-XN', '西南支行', 'sub_branch', ${qdId}) returning id`)[0]!.id as string;
}, 180_000);
afterAll(async () => { await h?.stop(); });

const attemptAs = async (who: string) => h.call(manageAttempts, { path: `/api/manage/attempts/${attemptId}`, token: await h.tokenFor(who), params: { attemptId } });
const regradeAs = async (who: string, body: unknown) =>
  h.call(regrade, { method: 'POST', path: `/api/attempts/${attemptId}/regrade`, token: await h.tokenFor(who), params: { attemptId }, body });

describe('regrade from the attempt page', () => {
  it('tells the trainer who administers the exam they may regrade, and HR that they may not', async () => {
    const t = await attemptAs('T2001');
    expect(t.status, t.text).toBe(200);
    expect(t.body).toMatchObject({ canRegrade: true, audit: [] });
    const hr = await attemptAs('H3001');
    expect(hr.status, hr.text).toBe(200);
    expect(hr.body.canRegrade).toBe(false);
  });

  it('refuses a regrade without a reason (a field error) and from HR (403), and writes nothing', async () => {
    const short = await regradeAs('T2001', { reason: ' a ' });
    expect(short.status).toBe(400);
    expect(short.body.errors?.reason).toMatch(/why/);
    const missing = await regradeAs('T2001', {});
    expect(missing.status).toBe(400);
    const hr = await regradeAs('H3001', { reason: '人力想改分数' });
    expect(hr.status).toBe(403);
    expect((await h.sql`select count(*)::int as n from app.audit_log where action = 'attempt.regrade'`)[0]!.n).toBe(0);
  });

  it('a regrade records the score before and after, and the attempt page shows it to every reader', async () => {
    const before = (await attemptAs('T2001')).body.attempt;
    const rg = await regradeAs('T2001', { reason: '第3题答案更正后重新评分' });
    expect(rg.status, rg.text).toBe(200);
    expect(rg.body.before).toMatchObject({ score: before.score, maxScore: before.maxScore });
    expect(typeof rg.body.after.score).toBe('number');
    for (const who of ['T2001', 'H3001', 'A4001']) {
      const page = await attemptAs(who);
      expect(page.status, page.text).toBe(200);
      expect(page.body.audit).toHaveLength(1);
      expect(page.body.audit[0]).toMatchObject({
        action: 'attempt.regrade', reason: '第3题答案更正后重新评分', actor: { name: '李建国', employeeNo: 'T2001' },
        before: { score: before.score, maxScore: before.maxScore }, after: { score: rg.body.after.score },
      });
    }
    // The focus events stay apart from the score history.
    expect((await attemptAs('T2001')).body.events.every((e: { kind: string }) => e.kind !== 'attempt.regrade')).toBe(true);
  });
});

describe('names in the audit log', () => {
  it('HR gets names for the ids in entries: who exempted, the exam, the org unit targets', async () => {
    const r = await h.call(audit, { path: '/api/audit', token: await h.tokenFor('H3001') });
    expect(r.status, r.text).toBe(200);
    const hr = (await h.sql`select id from app.members where employee_no = 'H3001'`)[0]!.id as string;
    const ex = r.body.entries.find((e: { action: string }) => e.action === 'assignment.exempt');
    expect(ex.after.by).toBe(hr);
    expect(r.body.names[hr]).toBe('王芳（H3001）');
    const created = r.body.entries.find((e: { action: string }) => e.action === 'assignment.create');
    expect(created.after.examId).toBe(demoExam);
    expect(r.body.names[demoExam]).toBe('消保知识月度测试（演示）');
    expect(r.body.names[qdId]).toBe('青岛分行');
    expect(r.body.names[created.entityId]).toBe('2026Q4 消保必考');
    const rg = r.body.entries.find((e: { action: string }) => e.action === 'attempt.regrade');
    expect(typeof rg.before.score).toBe('number');
    expect(typeof rg.after.score).toBe('number');
  });

  it('an org unit entry carries the unit\'s name; a reader outside its subtree gets no name for it', async () => {
    const admin = await h.call(audit, { path: '/api/audit?action=org_unit.create', token: await h.tokenFor('A4001') });
    expect(admin.status, admin.text).toBe(200);
    const entry = admin.body.entries.find((e: { entityId: string }) => e.entityId === newUnitId);
    expect(entry).toBeTruthy();
    expect(admin.body.names[newUnitId]).toBe('西南支行');
    expect(admin.body.names[qdId]).toBe('青岛分行');
    // 济南's HR reads none of 青岛's entries, and so no 青岛 names.
    const jn = await h.call(audit, { path: '/api/audit', token: await h.tokenFor('H3002') });
    expect(jn.status, jn.text).toBe(200);
    expect(Object.values(jn.body.names)).not.toContain('西南支行');
    expect(Object.values(jn.body.names)).not.toContain('王芳（H3001）');
  });
});

describe('export on the current-unit basis', () => {
  const get = async (query: string) => exportFn(new Request(`http://127.0.0.1/api/reports/export?${query}`, { headers: { authorization: `Bearer ${await h.tokenFor('H3001')}` } }), { params: {} });

  it('csv and xlsx carry the current unit once; the period-end basis keeps both columns', async () => {
    const csv = new TextDecoder().decode(new Uint8Array(await (await get('period=2026Q4&org=QD&basis=current&format=csv')).arrayBuffer()));
    const [header, first] = csv.split('\n');
    expect(header!.split(',').slice(0, 5)).toEqual(['工号', '姓名', '机构（当前）', '岗位', '期间']);
    expect(first!.split(',').length).toBe(header!.split(',').length);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await (await get('period=2026Q4&org=QD&basis=current&format=xlsx')).arrayBuffer()) as never);
    const row1 = wb.getWorksheet('考核明细')!.getRow(1);
    const headers = Array.from({ length: row1.cellCount }, (_, i) => String(row1.getCell(i + 1).value));
    expect(headers.slice(0, 4)).toEqual(['工号', '姓名', '机构（当前）', '岗位']);
    expect(headers).not.toContain('当前机构');
    expect(headers.length).toBe(header!.split(',').length);
    const pe = new TextDecoder().decode(new Uint8Array(await (await get('period=2026Q4&org=QD&basis=period_end&format=csv')).arrayBuffer()));
    expect(pe.split('\n')[0]!.split(',').slice(0, 4)).toEqual(['工号', '姓名', '机构（期末）', '当前机构']);
  });
});
