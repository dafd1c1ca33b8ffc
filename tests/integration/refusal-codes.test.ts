// Refusals carry stable codes beside their English, so the management pages say them in Chinese
// (src/client/problem-text.ts): a problem's `code` (+ `params`), and `fieldCodes` beside `errors`
// with the same keys. Through the real functions, against the real database (RLS, constraints,
// trigger hints): org units, people, seasons, contests, the exam builder, grading, live run sheets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import orgUnits from '../../functions/org-units.ts';
import people from '../../functions/people.ts';
import seasons from '../../functions/seasons.ts';
import contests from '../../functions/contests.ts';
import builder from '../../functions/manage-exam-builder.ts';
import manageExams from '../../functions/manage-exams.ts';
import regrade from '../../functions/attempt-regrade.ts';
import audit from '../../functions/audit.ts';
import { createContest as createLive, live } from './live-helpers.ts';

let h: Harness;
const unit: Record<string, string> = {};
beforeAll(async () => {
  h = await startHarness();
  for (const u of await h.sql`select id, code from app.org_units`) unit[u.code as string] = u.id as string;
});
afterAll(async () => { await h?.stop(); });

type Body = { code?: string; params?: Record<string, unknown>; errors?: Record<string, string>; fieldCodes?: Record<string, { code: string; params?: Record<string, unknown> }> };
const post = async (fn: Parameters<Harness['call']>[0], path: string, who: string, body: unknown, params: Record<string, string> = {}) =>
  h.call(fn, { method: 'POST', path, token: await h.tokenFor(who), body, params });

/** Every field error has a code, under the same key: the page can say each of them. */
function expectCoded(b: Body) {
  expect(Object.keys(b.fieldCodes ?? {}).sort()).toEqual(Object.keys(b.errors ?? {}).sort());
}

describe('schema (zod) refusals', () => {
  it('each field error has a generic code with its limit, and the English stays', async () => {
    const r = await post(orgUnits, '/api/org-units', 'A4001', { code: 'bad code!', name: 'x'.repeat(101), kind: 'planet', parentId: 'nope' });
    expect(r.status).toBe(400);
    const b = r.body as Body;
    expect(b.code).toBe('invalid_fields');
    expect(b.errors!.name).toBe('At most 100 characters.');
    expect(b.fieldCodes).toEqual({
      code: { code: 'bad_org_code', params: {} },
      name: { code: 'too_long', params: { max: 100 } },
      kind: { code: 'not_an_option' },
      parentId: { code: 'bad_id' },
    });
  });

  it('a missing field is "required", a wrong one says what is expected', async () => {
    const r = await post(people, '/api/people', 'A4001', { employeeNo: '00 7', name: '', orgUnitId: unit.HQ, email: 'x@', mobile: '123', roles: ['boss'] });
    const b = r.body as Body;
    expect(r.status).toBe(400);
    expectCoded(b);
    expect(b.fieldCodes!.employeeNo!.code).toBe('bad_employee_no');
    expect(b.fieldCodes!.name!.code).toBe('required');
    expect(b.fieldCodes!.email!.code).toBe('bad_email');
    expect(b.fieldCodes!.mobile!.code).toBe('bad_mobile');
    expect(b.fieldCodes!['roles.0']!.code).toBe('not_an_option');
    const q = await h.call(audit, { path: '/api/audit?period=2026Q9&before=soon', token: await h.tokenFor('H3001') });
    expect(q.status).toBe(400);
    expect((q.body as Body).fieldCodes).toMatchObject({ period: { code: 'bad_period' }, before: { code: 'expected_number' } });
  });

  it('control characters and broken bodies have codes too', async () => {
    const nul = await post(seasons, '/api/seasons', 'T2001', { title: 'a\u0000b' });
    expect((nul.body as Body).fieldCodes).toEqual({ title: { code: 'nul_char', params: { cp: 'U+0000' } } });
    const tab = await post(seasons, '/api/seasons', 'T2001', { title: 'a\tb' });
    expect((tab.body as Body).fieldCodes!.title).toEqual({ code: 'line_break', params: { cp: 'U+0009' } });
    const broken = await h.call(seasons, { method: 'POST', path: '/api/seasons', token: await h.tokenFor('T2001'), rawBody: '{"title":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect((broken.body as Body).code).toBe('bad_json');
  });

  it('the regrade reason refused as too short, with its minimum', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const r = await post(regrade, `/api/attempts/${id}/regrade`, 'T2001', { reason: 'x' }, { attemptId: id });
    expect(r.status).toBe(400);
    expect((r.body as Body).fieldCodes).toEqual({ reason: { code: 'too_short', params: { min: 3 } } });
    const missing = await post(regrade, `/api/attempts/${id}/regrade`, 'T2001', { reason: 'long enough' }, { attemptId: id });
    expect(missing.status).toBe(404);
    expect((missing.body as Body).code).toBe('attempt_not_found');
  });
});

describe('domain refusals', () => {
  it('org units: duplicate code, a move under itself (trigger hint), a role the caller lacks', async () => {
    const dup = await post(orgUnits, '/api/org-units', 'A4001', { code: 'QD', name: '重复', kind: 'branch', parentId: unit.HQ });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'org_code_taken', fieldCodes: { code: { code: 'org_code_taken' } } });
    const child = (await h.sql`select id from app.org_units where parent_id = ${unit.QD!}::uuid limit 1`)[0]!.id as string;
    const cycle = await h.call(orgUnits, { method: 'PATCH', path: `/api/org-units/${unit.QD}`, token: await h.tokenFor('A4001'), body: { parentId: child }, params: { id: unit.QD! } });
    expect(cycle.status).toBe(400);
    expect(cycle.body).toMatchObject({ code: 'org_move_cycle', fieldCodes: { parentId: { code: 'org_move_cycle' } } });
    const hr = await post(orgUnits, '/api/org-units', 'H3001', { code: 'ZZ-1', name: '新部门', kind: 'department', parentId: unit.HQ });
    expect(hr.status).toBe(403);
    expect(hr.body).toMatchObject({ code: 'role_required', params: { roles: 'admin' } });
  });

  it('people: a taken employee number, an unknown unit in the filter', async () => {
    const taken = await post(people, '/api/people', 'A4001', { employeeNo: 'E1001', name: '重复', orgUnitId: unit.HQ });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'employee_no_taken', fieldCodes: { employeeNo: { code: 'employee_no_taken' } } });
    const org = await h.call(people, { path: '/api/people?org=NOWHERE', token: await h.tokenFor('H3001') });
    expect(org.body).toMatchObject({ code: 'org_unknown', params: { ref: 'NOWHERE' }, fieldCodes: { org: { code: 'org_unknown', params: { ref: 'NOWHERE' } } } });
  });

  it('seasons: unknown unit, unknown exam and a repeated item, all at once', async () => {
    const ghost = '00000000-0000-4000-8000-000000000001';
    const r = await post(seasons, '/api/seasons', 'T2001', {
      title: '年度赛季', ownerOrgUnit: 'NOWHERE', items: [{ examId: ghost, weight: 1 }, { examId: ghost, weight: 2 }],
    });
    expect(r.status).toBe(400);
    const b = r.body as Body;
    expect(b.code).toBe('season_invalid');
    expectCoded(b);
    expect(b.fieldCodes).toMatchObject({
      ownerOrgUnit: { code: 'org_unknown', params: { ref: 'NOWHERE' } },
      'items.0.examId': { code: 'exam_unknown' },
      'items.1': { code: 'item_repeated' },
    });
    const hr = await post(seasons, '/api/seasons', 'H3001', { title: 'x' });
    expect(hr.status).toBe(403);
    expect((hr.body as Body).code).toBe('hr_read_only');
  });

  it('contests: every field error of a definition is coded', async () => {
    const r = await post(contests, '/api/contests', 'T2001', { title: '部门赛', teams: [{ orgUnit: 'NOWHERE' }], individuals: ['NOBODY'] });
    expect(r.status).toBe(400);
    expectCoded(r.body as Body);
    expect((r.body as Body).code).toBe('contest_invalid');
  });

  it('exam builder: a row that cannot be filled is coded with its numbers; an unknown audience too', async () => {
    const check = await post(builder, '/api/manage/exam-builder/check', 'T2001', {
      blueprint: { sections: [{ type: 'single', count: 450, points: 1 }, { type: 'truefalse', topic: 'no-such-topic', count: 1, points: 1 }] },
    });
    expect(check.status).toBe(200);
    const c = check.body as { ok: boolean; sections: { error: string | null; errorCode: { code: string; params: Record<string, number> } | null }[]; errors: Record<string, string>; fieldCodes: Record<string, unknown> };
    expect(c.ok).toBe(false);
    expect(Object.keys(c.fieldCodes).sort()).toEqual(Object.keys(c.errors).sort());
    // row_short_variants when some matches are variants of one question (they count once).
    expect(c.sections[0]!.errorCode!.code).toMatch(/^row_short(_variants)?$/);
    expect(c.sections[0]!.errorCode!.params).toMatchObject({ row: 1, asked: 450 });
    expect(c.sections[0]!.errorCode!.params.available).toBeLessThan(450);
    expect(c.sections[1]!.errorCode).toEqual({ code: 'row_no_match', params: { row: 2 } });

    const exam = await post(manageExams, '/api/manage/exams', 'T2001', {
      title: '受众测试', kind: 'exam', windowOpen: '2026-12-02T09:00:00+08:00', windowClose: '2026-12-01T09:00:00+08:00',
      blueprint: { sections: [{ type: 'single', count: 1, points: 1 }] },
      audience: { orgUnits: [{ orgUnit: 'NOWHERE' }], members: [{ member: 'NOBODY' }] },
    });
    expect(exam.status).toBe(400);
    expect((exam.body as Body).fieldCodes).toMatchObject({ windowClose: { code: 'window_order' } });
    const fixed = await post(manageExams, '/api/manage/exams', 'T2001', {
      title: '受众测试', kind: 'exam', blueprint: { sections: [{ type: 'single', count: 1, points: 1 }] },
      audience: { orgUnits: [{ orgUnit: 'NOWHERE' }], members: [{ member: 'NOBODY' }] },
    });
    expect(fixed.status).toBe(400);
    expect(fixed.body).toMatchObject({
      code: 'audience_not_found',
      fieldCodes: { 'audience.orgUnits.0.orgUnit': { code: 'audience_org_unknown', params: { ref: 'NOWHERE' } }, 'audience.members.0.member': { code: 'audience_member_unknown', params: { ref: 'NOBODY' } } },
    });
  });

  it('live run sheet: unknown unit and repeated team names are coded', async () => {
    const { id } = await createLive(h);
    const r = await h.call(live, {
      method: 'PUT', path: `/api/live/${id}`, token: await h.tokenFor('T2001'), params: { id },
      body: { teams: [{ name: '甲队', orgUnit: 'NOWHERE' }, { name: '甲队', members: ['E1001'] }], rounds: [] },
    });
    expect(r.status).toBe(400);
    expectCoded(r.body as Body);
    expect(r.body).toMatchObject({ code: 'setup_invalid', fieldCodes: { 'teams.0.orgUnit': { code: 'team_org_unknown', params: { ref: 'NOWHERE' } }, teams: { code: 'team_names_repeat' } } });
  });
});
