// HR's refusals carry codes, never "中文 / English" pairs (docs/decisions/refusal-codes.md): creating
// an assignment (each field its own code and values), the roles of the assignment, report and audit
// functions, a report for a unit outside the reader's scope, an assignment or person not found, and a
// roster without a header row told the roster's headers (not the question import's). Through the real
// functions against the real database; on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import assignments from '../../functions/assignments.ts';
import assignment from '../../functions/assignment.ts';
import exemption from '../../functions/assignment-exemption.ts';
import reports from '../../functions/reports.ts';
import reportsExport from '../../functions/reports-export.ts';
import audit from '../../functions/audit.ts';
import { upload } from './roster-helpers.ts';

let h: Harness;
let exam = '';
beforeAll(async () => {
  h = await startHarness();
  const [e] = await h.sql`select id from app.exams where status = 'published' and kind = 'exam' order by created_at limit 1`;
  exam = e!.id as string;
});
afterAll(async () => { await h?.stop(); });

type Body = { detail?: string; code?: string; params?: Record<string, unknown>; errors?: Record<string, string>; fieldCodes?: Record<string, { code: string; params?: Record<string, unknown> }> };
const han = /[\u4e00-\u9fff]/;
/** English for API clients, codes for pages: no Chinese in the server's own sentences. */
function expectEnglishAndCoded(b: Body) {
  expect(b.detail ?? '').not.toMatch(han);
  for (const v of Object.values(b.errors ?? {})) expect(v).not.toMatch(/ \/ /);
  expect(Object.keys(b.fieldCodes ?? {}).sort()).toEqual(Object.keys(b.errors ?? {}).sort());
}

const base = {
  title: '2026Q4 消保必考', period: '2026Q4', targets: { orgUnits: [{ unit: 'QD' }] },
  startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T00:00:00+08:00',
};
const create = async (who: string, body: Record<string, unknown>) =>
  h.call(assignments, { method: 'POST', path: '/api/assignments', token: await h.tokenFor(who), body });

describe('creating an assignment', () => {
  it('reports every problem at once, each next to its field with a code and its values', async () => {
    const r = await create('H3001', {
      ...base, examId: undefined, dueAt: '2026-09-01T00:00:00+08:00', period: '2026-11', recurrence: 'quarterly',
      lessonIds: ['no-such-lesson'], targets: { orgUnits: [{ unit: 'NOPE' }], members: ['NOSUCH1'] },
    });
    expect(r.status).toBe(400);
    const b = r.body as Body;
    expectEnglishAndCoded(b);
    expect(b.code).toBe('assignment_invalid');
    expect(b.fieldCodes).toEqual({
      dueAt: { code: 'due_before_start', params: {} },
      recurrence: { code: 'quarterly_needs_quarter', params: {} },
      lessonIds: { code: 'lessons_unknown', params: { ids: 'no-such-lesson' } },
      'targets.orgUnits.0': { code: 'target_unit_outside', params: { ref: 'NOPE', owner: '总行' } },
      'targets.members.0': { code: 'target_member_outside', params: { ref: 'NOSUCH1', owner: '总行' } },
    });
    expect(b.errors!.dueAt).toBe('The due date must be after the start.');
  });

  it('a due date already past is refused unless confirmed (everyone would be overdue at once)', async () => {
    const past = { ...base, examId: exam, title: '补考：逾期确认', startsAt: '2026-01-01T00:00:00+08:00', dueAt: new Date(Date.now() - 3_600_000).toISOString() };
    const refused = await create('H3001', past);
    expect(refused.status).toBe(400);
    expect((refused.body as Body).fieldCodes).toEqual({ dueAt: { code: 'due_in_past', params: {} } });
    expect((await h.sql`select count(*)::int as n from app.assignments where title = '补考：逾期确认'`)[0]!.n).toBe(0);
    const confirmed = await create('H3001', { ...past, confirmPastDue: true });
    expect(confirmed.status).toBe(201);
  });

  it('neither exam nor lessons, no targets, a draft exam, a unit outside the owner', async () => {
    const nothing = await create('H3001', { ...base, targets: {} });
    expect((nothing.body as Body).fieldCodes).toEqual({ examId: { code: 'nothing_assigned', params: {} }, targets: { code: 'no_targets', params: {} } });
    await h.sql`update app.exams set status = 'draft' where id = ${exam}`;
    try {
      const draft = await create('H3001', { ...base, examId: exam });
      expect((draft.body as Body).fieldCodes!.examId).toMatchObject({ code: 'exam_not_published' });
      expect(String((draft.body as Body).fieldCodes!.examId!.params!.title)).toBeTruthy();
    } finally {
      await h.sql`update app.exams set status = 'published' where id = ${exam}`;
    }
    // 济南 HR: 青岛分行 is not under 济南分行.
    const outside = await create('H3002', { ...base, examId: exam });
    expect(outside.status).toBe(400);
    expect((outside.body as Body).fieldCodes!['targets.orgUnits.0']).toMatchObject({ code: 'target_unit_outside', params: { ref: 'QD' } });
    const owner = await create('H3002', { ...base, examId: exam, ownerOrgUnit: 'QD' });
    expect(owner.body).toMatchObject({ code: 'invalid_fields', fieldCodes: { ownerOrgUnit: { code: 'owner_out_of_scope', params: { ref: 'QD' } } } });
    expectEnglishAndCoded(owner.body as Body);
    const title = await create('H3001', { ...base, examId: exam, title: '  ' });
    expect((title.body as Body).fieldCodes!.title).toEqual({ code: 'required' });
  });

  it('an employee is refused by role, with the roles named for the page', async () => {
    const r = await create('E1001', { ...base, examId: exam });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'role_required', params: { roles: 'trainer,hr,admin' } });
    expectEnglishAndCoded(r.body as Body);
  });

  it('an unknown assignment, a short reason, a person not in the assignment', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const missing = await h.call(assignment, { path: `/api/assignments/${id}`, token: await h.tokenFor('H3001'), params: { assignmentId: id } });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'assignment_not_found' });
    expectEnglishAndCoded(missing.body as Body);
    const reason = await h.call(assignment, { method: 'PATCH', path: `/api/assignments/${id}`, token: await h.tokenFor('H3001'), params: { assignmentId: id }, body: { status: 'cancelled', reason: 'x' } });
    expect((reason.body as Body).fieldCodes).toEqual({ reason: { code: 'too_short', params: { min: 2 } } });
    const created = await create('H3001', { ...base, examId: exam });
    expect(created.status).toBe(201);
    const aid = (created.body as { id: string }).id;
    const who = await h.call(exemption, {
      method: 'PUT', path: `/api/assignments/${aid}/people/NOSUCH1/exemption`, token: await h.tokenFor('H3001'),
      params: { assignmentId: aid, member: 'NOSUCH1' }, body: { reason: '长期病假' },
    });
    expect(who.status).toBe(404);
    expect(who.body).toMatchObject({ code: 'person_not_in_assignment' });
    const badPath = await h.call(exemption, {
      method: 'PUT', path: `/api/assignments/${aid}/people/a%20b/exemption`, token: await h.tokenFor('H3001'),
      params: { assignmentId: aid, member: 'a b' }, body: { reason: '长期病假' },
    });
    expect(badPath.body).toMatchObject({ code: 'invalid_fields', fieldCodes: { member: { code: 'bad_employee_no' } } });
  });
});

describe('reports and the audit log', () => {
  const report = async (who: string, query: string) =>
    h.call(reports, { path: `/api/reports/completion?${query}`, token: await h.tokenFor(who), params: { view: 'completion' } });

  it('a unit outside the reader\'s scope (or none at all) is one coded refusal naming the unit', async () => {
    for (const ref of ['QD', 'NOPE']) {
      const r = await report('H3002', `period=2026Q4&org=${ref}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'org_out_of_scope', params: { ref }, fieldCodes: { org: { code: 'org_out_of_scope', params: { ref } } } });
      expectEnglishAndCoded(r.body as Body);
    }
    const exp = await h.call(reportsExport, { path: '/api/reports/export?period=2026Q4&org=QD', token: await h.tokenFor('H3002') });
    expect(exp.body).toMatchObject({ code: 'org_out_of_scope' });
    // Their own scope still reads.
    expect((await report('H3002', 'period=2026Q4')).status).toBe(200);
  });

  it('trainers and employees are refused by role on reports, exports and the audit log', async () => {
    for (const who of ['T2001', 'E1001']) {
      const r = await report(who, 'period=2026Q4');
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'role_required', params: { roles: 'hr,admin' } });
      expectEnglishAndCoded(r.body as Body);
      const a = await h.call(audit, { path: '/api/audit', token: await h.tokenFor(who) });
      expect(a.body).toMatchObject({ code: 'role_required', params: { roles: 'hr,admin' } });
    }
    const view = await h.call(reports, { path: '/api/reports/nope', token: await h.tokenFor('H3001'), params: { view: 'nope' } });
    expect(view.body).toMatchObject({ code: 'not_found' });
  });
});

describe('roster import', () => {
  it('a CSV without a 工号/姓名 header row is told the roster headers, not the question import\'s', async () => {
    const csv = new TextEncoder().encode('E9001,测试,QD\r\nE9002,测试二,QD\r\n');
    const r = await upload(h, await h.tokenFor('H3001'), csv, { name: 'roster.csv' });
    expect(r.status).toBe(400);
    expect(r.body.message_zh).toContain('“工号”“姓名”“机构”');
    expect(r.body.message_zh).not.toContain('题型');
    expect(r.body.message_en).toContain('工号, 姓名, 机构');
  });
});
