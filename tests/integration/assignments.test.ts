// Assignments by period and the completion report, against hand-computed fixtures (issue 11):
// people who moved between org units during and after the period, a deactivated person, an exempt
// person, late completions, attempts before the assignment began, and several attempts under each
// grading method. Times are set relative to the database clock, so the fixture means the same
// whenever it runs. Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import assignments from '../../functions/assignments.ts';
import assignment from '../../functions/assignment.ts';
import assignmentActions from '../../functions/assignment-actions.ts';
import exemption from '../../functions/assignment-exemption.ts';
import myAssignments from '../../functions/my-assignments.ts';
import reports from '../../functions/reports.ts';
import { start } from './exam-helpers.ts';
import { asService } from '../../functions/_lib/db.ts';
import { runDailyAssignments } from '../../functions/_lib/assignments.ts';
import { STATUS_CASES } from '../../src/core/completion.ts';

let h: Harness;
const ids: Record<string, string> = {};
const exams: Record<string, string> = {};
const asg: Record<string, string> = {};
let vid = '';
const DAY = 86_400_000;

async function examWith(method: string): Promise<string> {
  const [e] = await h.sql`
    insert into app.exams (title, kind, status, owner_org_id, time_limit_sec, attempts_allowed, grading_method, pass_percent, review_policy, blueprint)
    select ${'报表考试 ' + method}, 'exam', 'published', owner_org_id, 600, 0, ${method}, 60, review_policy, blueprint
    from app.exams where title = '消保知识月度测试（演示）' returning id`;
  return e!.id as string;
}

/** A finished attempt: started `startDays` days ago (negative = ago), lasting 10 minutes, at `percent`. */
async function attemptAt(member: string, exam: string, startDaysAgo: number, percent: number) {
  const [n] = await h.sql`select count(*)::int as n from app.attempts where member_id = ${ids[member]!} and exam_id = ${exam}`;
  const [a] = await h.sql`
    insert into app.attempts (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec, paper)
    values (${exam}, ${ids[member]!}, ${Number(n!.n) + 1}, 1, now() - make_interval(days => ${startDaysAgo}), null, 60,
            ${h.sql.json([{ slot: 1, vid, points: 10, oo: null }])}) returning id`;
  await h.sql`update app.attempts set state = 'submitted', finished_at = started_at + interval '10 minutes',
              score = ${percent / 10}, max_score = 10, percent = ${percent}, passed = ${percent >= 60}, graded_at = now()
              where id = ${a!.id as string}`;
  return a!.id as string;
}

async function create(who: string, body: Record<string, unknown>) {
  return h.call(assignments, { method: 'POST', path: '/api/assignments', token: await h.tokenFor(who), body });
}

/** Moves an assignment's clock: start, due and period end `…DaysFromNow` (negative = past). */
async function setTimes(id: string, startDays: number, dueDays: number, endDays: number) {
  await h.sql`update app.assignments set starts_at = now() + make_interval(days => ${startDays}),
              due_at = now() + make_interval(days => ${dueDays}), period_end = now() + make_interval(days => ${endDays}) where id = ${id}`;
}

const report = async (who: string, query: string) =>
  h.call(reports, { path: `/api/reports/completion?${query}`, token: await h.tokenFor(who), params: { view: 'completion' } });

beforeAll(async () => {
  h = await startHarness();
  for (const r of await h.sql`select employee_no, id from app.members`) ids[r.employee_no as string] = r.id as string;
  for (const r of await h.sql`select code, id from app.org_units`) ids[r.code as string] = r.id as string;
  const [v] = await h.sql`select id from app.question_versions limit 1`;
  vid = v!.id as string;
  for (const m of ['highest', 'first', 'latest', 'average']) exams[m] = await examWith(m);

  // A1: the past quarter, exam graded by the highest attempt, everyone in 青岛分行.
  const base = { startsAt: '2026-07-01T00:00:00+08:00', dueAt: '2026-09-15T23:59:59+08:00', confirmPastDue: true };
  const r1 = await create('H3001', { title: '2026Q3 必考', period: '2026Q3', examId: exams.highest, targets: { orgUnits: [{ unit: 'QD' }] }, ...base });
  expect(r1.status, r1.text).toBe(201);
  expect(r1.body.people).toBe(9);
  asg.A1 = r1.body.id;
  // While the quarter was running: E1007 moved from 营业部 to 市南支行.
  await setTimes(asg.A1!, -90, -40, 5);
  await h.sql`update app.members set org_unit_id = ${ids['QD-SN']!} where employee_no = 'E1007'`;
  await setTimes(asg.A1!, -90, -40, -30);
  // After the quarter ended: E1005 moved to 济南 历下支行; E1006 left (deactivated).
  await h.sql`update app.members set org_unit_id = ${ids['JN-LX']!} where employee_no = 'E1005'`;
  await h.sql`update app.members set active = false where employee_no = 'E1006'`;
  await attemptAt('E1001', exams.highest!, 85, 50);
  await attemptAt('E1001', exams.highest!, 80, 80);      // passes on the 2nd: completed on time, 80
  await attemptAt('E1002', exams.highest!, 35, 70);      // after the due date: completed late, 70
  await attemptAt('E1015', exams.highest!, 100, 90);     // before the assignment began: not counted → overdue
  await attemptAt('E1004', exams.highest!, 60, 40);      // failed: overdue, participated, 40
  await attemptAt('E1005', exams.highest!, 70, 100);     // completed, 100 (then moved to 济南 after the quarter)
  await attemptAt('E1007', exams.highest!, 50, 60);      // exactly the pass mark, after moving: completed in 市南支行
  const ex = await h.call(exemption, {
    method: 'PUT', path: `/api/assignments/${asg.A1}/people/E1003/exemption`, token: await h.tokenFor('H3001'),
    params: { assignmentId: asg.A1!, member: 'E1003' }, body: { reason: '产假（2026-07至2026-10）' },
  });
  expect(ex.status, ex.text).toBe(200);

  // A2–A4: this quarter, one grading method each, named people; A5: lessons only.
  const now = { startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T23:59:59+08:00' };
  const make = async (key: string, body: Record<string, unknown>, s: number, d: number) => {
    const r = await create('H3001', { period: '2026Q4', ...now, ...body });
    expect(r.status, r.text).toBe(201);
    asg[key] = r.body.id;
    await setTimes(r.body.id, s, d, 30);
  };
  await make('A2', { title: '首次计分', examId: exams.first, targets: { members: ['E1008', 'E1009'] } }, -10, 5);
  await make('A3', { title: '最后一次计分', examId: exams.latest, targets: { members: ['E1010', 'E1011'] } }, -10, 20);
  await make('A4', { title: '平均分计分', examId: exams.average, targets: { members: ['E1012'] } }, -10, 20);
  await make('A5', { title: '必读课程', lessonIds: ['complaint-handling', 'eight-rights'], targets: { members: ['E1013', 'E1014'] } }, -10, 20);
  await attemptAt('E1008', exams.first!, 8, 50);
  await attemptAt('E1008', exams.first!, 7, 90);         // first counts: 50 → in progress, at risk (due in 5 days)
  await attemptAt('E1010', exams.latest!, 8, 80);
  await attemptAt('E1010', exams.latest!, 7, 40);        // latest counts: 40 → the pass is undone, in progress
  await attemptAt('E1011', exams.latest!, 8, 40);
  await attemptAt('E1011', exams.latest!, 7, 75);        // completed at the 2nd, 75
  for (const [d, p] of [[9, 50], [8, 80], [7, 30], [6, 90]] as const) await attemptAt('E1012', exams.average!, d, p);
  // E1012 averages: 50 ✗, 65 ✓, 53.33 ✗, 62.5 ✓ → passed at the 4th attempt, 62.5
  await h.sql`insert into app.lesson_progress (member_id, lesson_id, read_at, how) values
    (${ids.E1013!}, 'complaint-handling', now() - interval '20 days', 'explicit'),
    (${ids.E1013!}, 'eight-rights', now() - interval '5 days', 'explicit'),
    (${ids.E1014!}, 'eight-rights', now() - interval '3 days', 'explicit')`;
}, 180_000);
afterAll(async () => { await h?.stop(); });

type Row = { unit: { code: string } | null; counts: Record<string, number | null>; participated: number; rates: Record<string, number | null> };
const byCode = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.unit?.code ?? '(direct)', r]));

describe('status vocabulary', () => {
  it('SQL app_private.assignment_status says what src/core assignmentStatus says, on every case', async () => {
    for (const c of STATUS_CASES) {
      const [r] = await h.sql`select app_private.assignment_status(${c.facts.dueAt as string}::timestamptz, ${c.facts.completedAt as string | null}::timestamptz,
        ${c.facts.startedAt as string | null}::timestamptz, ${c.facts.exempt}, ${c.now}::timestamptz) as s`;
      expect(r!.s, JSON.stringify(c)).toBe(c.status);
    }
  });
});

describe('completion report, past quarter, by org at the period end', () => {
  it('per 支行 of 青岛分行: hand-computed counts, rates and scores', async () => {
    const r = await report('H3001', `period=2026Q3&org=QD&basis=period_end`);
    expect(r.status, r.text).toBe(200);
    const rows = byCode(r.body.rows);
    expect(Object.keys(rows).sort()).toEqual(['QD-LS', 'QD-OPS', 'QD-SN']);
    expect(rows['QD-SN']!.counts).toMatchObject({ assigned: 5, completed: 2, completedLate: 1, overdue: 1, exempt: 1, notStarted: 0, inProgress: 0, passed: 3, bestScore: 80 });
    expect(rows['QD-SN']!.participated).toBe(3);
    expect(rows['QD-SN']!.rates).toEqual({ completionRate: 75, onTimeRate: 50, participationRate: 75, averageScore: 70 });
    expect(rows['QD-LS']!.counts).toMatchObject({ assigned: 2, completed: 1, overdue: 1, passed: 1, bestScore: 100 });
    expect(rows['QD-LS']!.rates).toEqual({ completionRate: 50, onTimeRate: 50, participationRate: 100, averageScore: 70 });
    // The trainer and the person who left: both overdue, nobody participated.
    expect(rows['QD-OPS']!.counts).toMatchObject({ assigned: 2, overdue: 2, passed: 0, bestScore: null });
    expect(rows['QD-OPS']!.rates).toEqual({ completionRate: 0, onTimeRate: 0, participationRate: 0, averageScore: null });
    expect(r.body.total.counts).toMatchObject({ assigned: 9, completed: 3, completedLate: 1, overdue: 4, exempt: 1, passed: 4, bestScore: 100 });
    expect(r.body.total.rates).toEqual({ completionRate: 50, onTimeRate: 37.5, participationRate: 62.5, averageScore: 70 });
    // Scores 40, 60, 70, 80, 100 in 10-point bins.
    expect(r.body.histogram).toEqual([0, 0, 0, 0, 1, 0, 1, 1, 1, 1]);
  });

  it('by current org: the person who moved to 济南 after the quarter is counted there, not in 崂山支行', async () => {
    const qd = await report('H3001', `period=2026Q3&org=QD&basis=current`);
    expect(byCode(qd.body.rows)['QD-LS']!.counts.assigned).toBe(1);
    expect(qd.body.total.counts.assigned).toBe(8);
    const hq = await report('H3001', `period=2026Q3&org=HQ&basis=current`);
    expect(byCode(hq.body.rows).JN!.counts).toMatchObject({ assigned: 1, completed: 1 });
    const hqEnd = await report('H3001', `period=2026Q3&org=HQ&basis=period_end`);
    expect(byCode(hqEnd.body.rows).JN).toBeUndefined();
    expect(byCode(hqEnd.body.rows).QD!.counts.assigned).toBe(9);
  });

  it('by org when assigned: the person who moved mid-quarter counts in 营业部', async () => {
    const r = await report('H3001', `period=2026Q3&org=QD&basis=assigned`);
    const rows = byCode(r.body.rows);
    expect(rows['QD-OPS']!.counts.assigned).toBe(3);
    expect(rows['QD-SN']!.counts.assigned).toBe(4);
  });

  it('drill-down to people: statuses, scores and the units each view uses', async () => {
    const r = await h.call(reports, { path: `/api/reports/people?period=2026Q3&org=QD-SN`, token: await h.tokenFor('H3001'), params: { view: 'people' } });
    expect(r.status, r.text).toBe(200);
    const byNo = Object.fromEntries(r.body.rows.map((p: { employeeNo: string }) => [p.employeeNo, p]));
    expect(Object.keys(byNo).sort()).toEqual(['E1001', 'E1002', 'E1003', 'E1007', 'E1015']);
    expect(byNo.E1001).toMatchObject({ status: 'completed', score: 80, passed: true, attempts: 2 });
    expect(byNo.E1002).toMatchObject({ status: 'completed_late', score: 70, passed: true });
    expect(byNo.E1003).toMatchObject({ status: 'exempt', exemptReason: '产假（2026-07至2026-10）' });
    expect(byNo.E1015).toMatchObject({ status: 'overdue', score: null, attempts: 0 });
    expect(byNo.E1007).toMatchObject({ status: 'completed', score: 60, assignedUnit: '青岛分行营业部', periodEndUnit: '市南支行', completedUnit: '市南支行' });
    const ls = await h.call(reports, { path: `/api/reports/people?period=2026Q3&org=QD-LS`, token: await h.tokenFor('H3001'), params: { view: 'people' } });
    const e1005 = ls.body.rows.find((p: { employeeNo: string }) => p.employeeNo === 'E1005');
    expect(e1005).toMatchObject({ periodEndUnit: '崂山支行', currentUnit: '历下支行', status: 'completed' });
    const ops = await h.call(reports, { path: `/api/reports/people?period=2026Q3&org=QD-OPS`, token: await h.tokenFor('H3001'), params: { view: 'people' } });
    expect(ops.body.rows.find((p: { employeeNo: string }) => p.employeeNo === 'E1006')).toMatchObject({ active: false, status: 'overdue' });
  });

  it('a person\'s attempts: the one before the assignment began is marked and not counted; the best one counts', async () => {
    const r = await h.call(reports, { path: `/api/reports/person?assignmentId=${asg.A1}&memberId=${ids.E1001}`, token: await h.tokenFor('H3001'), params: { view: 'person' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.attempts.map((a: { percent: number; counts: boolean }) => [a.percent, a.counts])).toEqual([[50, false], [80, true]]);
    expect(r.body.attempts[0].durationSec).toBe(600);
    const e1015 = await h.call(reports, { path: `/api/reports/person?assignmentId=${asg.A1}&memberId=${ids.E1015}`, token: await h.tokenFor('H3001'), params: { view: 'person' } });
    expect(e1015.body.attempts).toMatchObject([{ percent: 90, beforeStart: true, counts: false }]);
  });
});

describe('grading methods and lessons, this quarter', () => {
  const people = async (id: string) => {
    const r = await h.call(reports, { path: `/api/reports/people?period=2026Q4&org=HQ&assignmentId=${id}`, token: await h.tokenFor('H3001'), params: { view: 'people' } });
    expect(r.status, r.text).toBe(200);
    return Object.fromEntries(r.body.rows.map((p: { employeeNo: string }) => [p.employeeNo, p]));
  };
  it('first: the first attempt decides (50), in progress and at risk with 5 days left; nobody started is at risk too', async () => {
    const p = await people(asg.A2!);
    expect(p.E1008).toMatchObject({ status: 'in_progress', score: 50, passed: false, atRisk: true });
    expect(p.E1009).toMatchObject({ status: 'not_started', score: null, atRisk: true });
  });
  it('latest: a later failing attempt undoes an earlier pass; a later pass completes', async () => {
    const p = await people(asg.A3!);
    expect(p.E1010).toMatchObject({ status: 'in_progress', score: 40, passed: false, atRisk: false });
    expect(p.E1011).toMatchObject({ status: 'completed', score: 75, passed: true });
  });
  it('average: passed when the running average passes and stays passing (62.5 at the 4th attempt)', async () => {
    const p = await people(asg.A4!);
    expect(p.E1012).toMatchObject({ status: 'completed', score: 62.5, passed: true });
    const [row] = await h.sql`select ap.completed_at = (select t.finished_at from app.attempts t where t.member_id = ap.member_id and t.exam_id = ${exams.average!} and t.attempt_no = 4) as at4
                              from app.assignment_people ap where ap.assignment_id = ${asg.A4!}`;
    expect(row!.at4).toBe(true);
    const r = await h.call(reports, { path: `/api/reports/person?assignmentId=${asg.A4}&memberId=${ids.E1012}`, token: await h.tokenFor('H3001'), params: { view: 'person' } });
    expect(r.body.attempts.every((a: { counts: boolean }) => a.counts)).toBe(true);
  });
  it('lessons: all read (one before the start) completes at the last read; one of two is in progress', async () => {
    const p = await people(asg.A5!);
    expect(p.E1013).toMatchObject({ status: 'completed', lessonsRead: 2, lessonsTotal: 2 });
    expect(p.E1014).toMatchObject({ status: 'in_progress', lessonsRead: 1 });
  });
  it('the employee sees their required items first, open ones before finished ones', async () => {
    const r = await h.call(myAssignments, { path: '/api/me/assignments', token: await h.tokenFor('E1008') });
    expect(r.status).toBe(200);
    expect(r.body.assignments).toMatchObject([{ title: '首次计分', status: 'in_progress', atRisk: true, score: 50 }]);
    const none = await h.call(myAssignments, { path: '/api/me/assignments', token: await h.tokenFor('E1013') });
    expect(none.body.assignments[0]).toMatchObject({ status: 'completed', lessons: [{ read: true }, { read: true }] });
  });
});

describe('offering and scope', () => {
  it('an assignment offers its exam to the people in scope only (the exam is assigned to no unit)', async () => {
    expect((await h.sql`select count(*)::int as n from app.exam_assignments where exam_id = ${exams.first!}`)[0]!.n).toBe(0);
    const ok = await start(h, exams.first!, 'E1009');
    expect(ok.status, ok.text).toBeLessThan(300);
    const no = await start(h, exams.first!, 'E1010');
    expect(no.status).toBeGreaterThanOrEqual(400);
  });

  it('HR of 济南: none of 青岛\'s people for the quarter, except by current org the one who has since moved to 济南', async () => {
    const end = await report('H3002', 'period=2026Q3&org=JN&basis=period_end');
    expect(end.status).toBe(200);
    expect(end.body.total.counts.assigned).toBe(0);
    const now = await report('H3002', 'period=2026Q3&org=JN&basis=current');
    expect(now.body.total.counts).toMatchObject({ assigned: 1, completed: 1 });
    const people = await h.call(reports, { path: `/api/reports/people?period=2026Q3&org=JN&basis=current`, token: await h.tokenFor('H3002'), params: { view: 'people' } });
    expect(people.body.rows.map((p: { employeeNo: string }) => p.employeeNo)).toEqual(['E1005']);
    const before = await h.call(reports, { path: `/api/reports/people?period=2026Q3&org=JN&basis=period_end`, token: await h.tokenFor('H3002'), params: { view: 'people' } });
    expect(before.body.rows).toEqual([]);
    const qd = await report('H3002', 'period=2026Q3&org=QD');
    expect(qd.status).toBe(400);
    expect(qd.body.errors.org).toBeTruthy();
  });

  it('employees and trainers cannot read reports; malformed queries are field errors', async () => {
    expect((await report('E1001', 'period=2026Q3')).status).toBe(403);
    expect((await report('T2001', 'period=2026Q3')).status).toBe(403);
    const bad = await report('H3001', 'period=2026-Q3');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.period).toBeTruthy();
    expect((await report('H3001', 'period=2026Q3&basis=yesterday')).body.errors.basis).toBeTruthy();
  });
});

describe('creating assignments', () => {
  it('refuses employees, units outside scope, unpublished exams, missing targets and bad dates with field errors', async () => {
    const body = { title: 'x', period: '2026Q4', examId: exams.highest, targets: { orgUnits: [{ unit: 'QD' }] }, startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T00:00:00+08:00' };
    expect((await create('E1001', body)).status).toBe(403);
    const outside = await create('H3002', body);
    expect(outside.status).toBe(400);
    expect(outside.body.errors['targets.orgUnits.0']).toBeTruthy();
    const dates = await create('H3001', { ...body, dueAt: '2026-09-01T00:00:00+08:00' });
    expect(dates.body.errors.dueAt).toBeTruthy();
    const none = await create('H3001', { ...body, targets: {} });
    expect(none.body.errors.targets).toBeTruthy();
    const nothing = await create('H3001', { ...body, examId: undefined });
    expect(nothing.body.errors.examId).toBeTruthy();
    const lesson = await create('H3001', { ...body, examId: undefined, lessonIds: ['no-such-lesson'] });
    expect(lesson.body.errors.lessonIds).toBeTruthy();
    await h.sql`update app.exams set status = 'draft' where id = ${exams.latest!}`;
    const draft = await create('H3001', { ...body, examId: exams.latest });
    await h.sql`update app.exams set status = 'published' where id = ${exams.latest!}`;
    expect(draft.body.errors.examId).toBeTruthy();
    const quarterly = await create('H3001', { ...body, period: '2026-11', recurrence: 'quarterly' });
    expect(quarterly.body.errors.recurrence).toBeTruthy();
    const extra = await create('H3001', { ...body, surprise: 1 });
    expect(extra.status).toBe(400);
  });

  it('positions are targets inside the owner\'s subtree', async () => {
    await h.sql`update app.members set position = '客户经理' where employee_no in ('E1002', 'E1008')`;
    const [demo] = await h.sql`select id from app.exams where title = '消保知识月度测试（演示）'`;
    const r = await create('H3002', { title: '客户经理必考', period: '2026Q4', examId: demo!.id, targets: { positions: ['客户经理'] }, startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T00:00:00+08:00' });
    expect(r.status, r.text).toBe(201);
    expect(r.body.people).toBe(1);     // E1008 in 济南; E1002 is in 青岛, outside 济南 HR's subtree
  });

  it('sync adds people who came into scope and is idempotent; cancelling is audited', async () => {
    await h.sql`update app.members set active = true where employee_no = 'E1006'`;
    const [before] = await h.sql`select count(*)::int as n from app.assignment_people where assignment_id = ${asg.A1!}`;
    const s1 = await h.call(assignmentActions, { method: 'POST', path: `/api/assignments/${asg.A1}/sync`, token: await h.tokenFor('H3001'), params: { assignmentId: asg.A1!, action: 'sync' } });
    expect(s1.body).toEqual({ added: 0 });                // E1006 was already in scope: kept, not duplicated
    await h.sql`update app.members set active = false where employee_no = 'E1006'`;
    const [after] = await h.sql`select count(*)::int as n from app.assignment_people where assignment_id = ${asg.A1!}`;
    expect(after!.n).toBe(before!.n);
    const c = await h.call(assignment, { method: 'PATCH', path: `/api/assignments/${asg.A4}`, token: await h.tokenFor('H3001'), params: { assignmentId: asg.A4! }, body: { status: 'cancelled', reason: '重复布置' } });
    expect(c.status, c.text).toBe(200);
    const [log] = await h.sql`select action, reason, period from app.audit_log where entity = 'assignment' and entity_id = ${asg.A4!} and action = 'assignment.cancel'`;
    expect(log).toMatchObject({ reason: '重复布置', period: '2026Q4' });
  });
});

describe('recurrence', () => {
  it('creates the next quarter once, without touching the last; the daily job is idempotent', async () => {
    const r = await create('H3001', { title: '2026Q4 季度必考', period: '2026Q4', examId: exams.highest, targets: { orgUnits: [{ unit: 'JN' }] },
      startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-15T18:00:00+08:00', recurrence: 'quarterly' });
    expect(r.status, r.text).toBe(201);
    const [orig] = await h.sql`select * from app.assignments where id = ${r.body.id}`;
    const n1 = await h.call(assignmentActions, { method: 'POST', path: `/api/assignments/${r.body.id}/next`, token: await h.tokenFor('H3001'), params: { assignmentId: r.body.id, action: 'next' } });
    expect(n1.status, n1.text).toBe(200);
    expect(n1.body).toMatchObject({ created: true });
    const n2 = await h.call(assignmentActions, { method: 'POST', path: `/api/assignments/${r.body.id}/next`, token: await h.tokenFor('H3001'), params: { assignmentId: r.body.id, action: 'next' } });
    expect(n2.body).toMatchObject({ id: n1.body.id, created: false });
    const [nx] = await h.sql`select period, title, starts_at, due_at, previous_id from app.assignments where id = ${n1.body.id}`;
    expect(nx).toMatchObject({ period: '2027Q1', title: '2027Q1 季度必考', previous_id: r.body.id });
    expect((nx!.starts_at as Date).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect((nx!.due_at as Date).toISOString()).toBe('2027-03-15T10:00:00.000Z');
    const [same] = await h.sql`select * from app.assignments where id = ${r.body.id}`;
    expect(same).toEqual(orig);
    // The daily job: the 2027Q1 occurrence exists; 2027Q2 starts more than 14 days away → nothing.
    const d1 = await asService((tx) => runDailyAssignments(tx));
    expect(d1.created).toBe(0);
    // Near the end of 2027Q1 the job creates 2027Q2 once.
    const late = new Date('2027-03-25T00:00:00+08:00');
    expect((await asService((tx) => runDailyAssignments(tx, late))).created).toBeGreaterThanOrEqual(1);
    expect((await asService((tx) => runDailyAssignments(tx, late))).created).toBe(0);
    const [q2] = await h.sql`select count(*)::int as n from app.assignments where period = '2027Q2' and previous_id = ${n1.body.id}`;
    expect(q2!.n).toBe(1);
  });
});

describe('exemptions', () => {
  const put = async (who: string, member: string, body: unknown, id = asg.A1!) =>
    h.call(exemption, { method: 'PUT', path: `/api/assignments/${id}/people/${member}/exemption`, token: await h.tokenFor(who), params: { assignmentId: id, member }, body });
  it('only HR/admin managing the person, never oneself, always with a reason; audited with before and after', async () => {
    expect((await put('E1001', 'E1002', { reason: '病假' })).status).toBe(403);
    expect((await put('T2001', 'E1002', { reason: '病假' })).status).toBe(403);
    expect((await put('H3002', 'E1002', { reason: '病假' })).status).toBe(404);
    const short = await put('H3001', 'E1002', { reason: ' ' });
    expect(short.status).toBe(400);
    expect(short.body.errors.reason).toBeTruthy();
    expect((await put('H3001', 'NOBODY', { reason: '病假' })).status).toBe(404);
    const [entry] = await h.sql`select action, before, after, reason, subject_member_id, subject_org_unit_id, period, exam_id
                                from app.audit_log where entity = 'assignment_person' and entity_id = ${asg.A1 + ':' + ids.E1003} order by id`;
    expect(entry).toMatchObject({ action: 'assignment.exempt', reason: '产假（2026-07至2026-10）', subject_member_id: ids.E1003, subject_org_unit_id: ids['QD-SN'], period: '2026Q3', exam_id: exams.highest });
    expect(entry!.before).toMatchObject({ exempt: false });
    expect(entry!.after).toMatchObject({ exempt: true, reason: '产假（2026-07至2026-10）' });
    // Nobody writes the table directly, not even HR.
    const hr = await h.userIdFor('H3001');
    await expect(h.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: hr, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
      await tx`update app.assignment_people set exempt_reason = 'x', exempt_at = now() where assignment_id = ${asg.A1!}`;
    })).rejects.toMatchObject({ code: '42501' });
  });
});

describe('kept counts', () => {
  it('app.assignment_counts equals a recount from the person rows after every move, regrade, exemption and date change above', async () => {
    // The fixture moved people during and after periods, deactivated and reactivated one, exempted,
    // cancelled, recurred and changed due dates by hand: the triggers must have followed all of it.
    await h.sql`update app.attempts set percent = 55, score = 5.5, passed = false
                where member_id = ${ids.E1005!} and exam_id = ${exams.highest!}`;   // the best score regraded down
    const recount = await h.sql`
      select ap.assignment_id, v.basis, v.org as org_unit_id, count(*)::int as people,
             count(*) filter (where ap.exempt_reason is not null)::int as exempt,
             count(*) filter (where ap.exempt_reason is null and ap.completed_at <= a.due_at)::int as done_on_time,
             count(*) filter (where ap.exempt_reason is null and ap.completed_at > a.due_at)::int as done_late,
             count(*) filter (where ap.exempt_reason is null and ap.completed_at is null and ap.started_at is not null)::int as open_started,
             count(*) filter (where ap.exempt_reason is null and ap.completed_at is null and ap.started_at is null)::int as open_not_started,
             count(*) filter (where ap.exempt_reason is null and ap.passed)::int as passed,
             count(ap.score) filter (where ap.exempt_reason is null)::int as scored,
             coalesce(sum(ap.score) filter (where ap.exempt_reason is null), 0)::float8 as score_sum,
             (max(ap.score) filter (where ap.exempt_reason is null))::float8 as best
      from app.assignment_people ap join app.assignments a on a.id = ap.assignment_id
      cross join lateral (values ('period_end', ap.period_end_org_unit_id), ('assigned', ap.assigned_org_unit_id), ('current', ap.current_org_unit_id)) v(basis, org)
      group by 1, 2, 3 order by 1, 2, 3`;
    const kept = await h.sql`
      select assignment_id, basis, org_unit_id, people, exempt, done_on_time, done_late, open_started, open_not_started, passed, scored,
             score_sum::float8 as score_sum, best::float8 as best
      from app.assignment_counts order by 1, 2, 3`;
    expect(kept.length).toBeGreaterThan(20);
    expect(kept).toEqual(recount);
    const [qdls] = await h.sql`select best::float8 as best from app.assignment_counts where assignment_id = ${asg.A1!} and basis = 'period_end' and org_unit_id = ${ids['QD-LS']!}`;
    expect(qdls!.best).toBe(55);
  });
});

describe('RLS on the new tables (direct SQL, as the API runs it)', () => {
  const asWho = async <T>(who: string, fn: (tx: import('../../functions/_lib/db.ts').Tx) => Promise<T>) => {
    const { asUser } = await import('../../functions/_lib/db.ts');
    return asUser({ sub: await h.userIdFor(who), role: 'authenticated', aud: 'authenticated' } as never, fn);
  };
  const denied = async (who: string, fn: (tx: import('../../functions/_lib/db.ts').Tx) => Promise<unknown>) => {
    try { await asWho(who, fn); return false; } catch (e) { return (e as { code?: string }).code === '42501'; }
  };
  it('person rows: own for employees, subtree for trainers/HR, all for admins', async () => {
    const n = async (who: string) => Number((await asWho(who, (tx) => tx`select count(*)::int as n from app.assignment_people where assignment_id = ${asg.A1!}`))[0]!.n);
    const [all] = await h.sql`select count(*)::int as n from app.assignment_people where assignment_id = ${asg.A1!}`;
    expect(await n('E1001')).toBe(1);
    expect(await n('E1008')).toBe(0);
    expect(await n('T2002')).toBe(all!.n);        // 青岛's trainer: everyone in A1 was in 青岛
    expect(await n('H3002')).toBe(1);             // 济南's HR: only the one who is in 济南 now
    expect(await n('A4001')).toBe(all!.n);
  });
  it('counts: managers for their units only; employees none', async () => {
    const n = async (who: string) => Number((await asWho(who, (tx) => tx`select count(*)::int as n from app.assignment_counts where assignment_id = ${asg.A1!}`))[0]!.n);
    expect(await n('E1001')).toBe(0);
    expect(await n('H3002')).toBe(1);             // (A1, current, 历下支行)
    expect(await n('H3001')).toBeGreaterThan(5);
  });
  it('nobody writes person rows or counts directly; employees cannot create or cancel assignments', async () => {
    expect(await denied('A4001', (tx) => tx`insert into app.assignment_people (assignment_id, member_id, assigned_org_unit_id, period_end_org_unit_id, current_org_unit_id)
      values (${asg.A2!}, ${ids.E1001!}, ${ids.QD!}, ${ids.QD!}, ${ids.QD!})`)).toBe(true);
    expect(await denied('H3001', (tx) => tx`update app.assignment_counts set people = 0`)).toBe(true);
    expect(await denied('H3001', (tx) => tx`delete from app.assignment_people where assignment_id = ${asg.A1!}`)).toBe(true);
    expect(await denied('E1001', (tx) => tx`insert into app.assignments (title, period, lesson_ids, owner_org_id, targets, starts_at, due_at, period_end, created_by)
      values ('x', '2026Q4', '{complaint-handling}', ${ids.QD!}, '[{"kind":"org"}]'::jsonb, now(), now() + interval '1 day', now() + interval '2 days', ${ids.E1001!})`)).toBe(true);
    const cancelled = await asWho('E1001', (tx) => tx`update app.assignments set status = 'cancelled' where id = ${asg.A2!}`);
    expect(cancelled.count).toBe(0);
    expect(await denied('H3001', (tx) => tx`update app.assignments set due_at = now() where id = ${asg.A2!}`)).toBe(true);
  });
});
