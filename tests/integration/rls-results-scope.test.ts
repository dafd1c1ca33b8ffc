// Results scope of branch managers (migration 20261201000950 §2): a branch trainer / HR reads, for
// an exam owned by the head office, the attempts and the audience of the people in their managed
// subtree whatever the audience form — org units, named people, a role within a subtree — and
// nothing of other branches. RLS matrix as the API runs it (role `authenticated`, the caller's
// claims), then the results functions themselves. PGlite, or PostgreSQL with TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createExam } from './exam-helpers.ts';
import results from '../../functions/manage-results.ts';
import seasons from '../../functions/seasons.ts';
import { assignmentChoices } from '../../functions/_lib/assignments.ts';

let h: Harness;
const subs = new Map<string, string>();
const ids: Record<string, string> = {};
/** HQ-owned exams: audience by named people, by a role, by an org unit; a draft naming a QD person. */
const exam = { named: '', role: '', unit: '', draft: '' };
const attemptOf: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'E1002', 'E1004', 'E1008', 'T2001', 'T2002', 'H3001', 'H3002', 'A4001']) {
    subs.set(no, await h.userIdFor(no));
    const [m] = await h.sql`select id from app.members where employee_no = ${no}`;
    ids[no] = m!.id as string;
  }
  for (const code of ['HQ', 'QD', 'QD-SN', 'JN']) {
    const [o] = await h.sql`select id from app.org_units where code = ${code}`;
    ids[code] = o!.id as string;
  }
  exam.named = (await createExam(h, { title: '总行考试 点名', assignments: [] })).id;
  exam.role = (await createExam(h, { title: '总行考试 角色', assignments: [] })).id;
  exam.unit = (await createExam(h, { title: '总行考试 机构', assignments: [{ orgUnit: 'QD' }] })).id;
  exam.draft = (await createExam(h, { title: '总行考试 草稿', assignments: [], status: 'draft' })).id;
  // Named: E1004 (青岛 崂山支行) and E1008 (济南 历下支行). Role: employees within 市南支行 (QD-SN).
  await h.sql`insert into app.exam_audience (exam_id, member_id) values
    (${exam.named}, ${ids.E1004!}), (${exam.named}, ${ids.E1008!}), (${exam.draft}, ${ids.E1004!})`;
  await h.sql`insert into app.exam_audience (exam_id, role, org_unit_id) values (${exam.role}, 'employee', ${ids['QD-SN']!})`;
  // Finished attempts: E1004 on the named exam, E1001 on the role exam.
  const [qv] = await h.sql`select v.id from app.questions q join app.question_versions v on v.id = q.current_version_id where q.id = 'complaint-handling-001'`;
  const paper = h.sql.json([{ slot: 1, vid: qv!.id as string, points: 2, oo: null }]);
  for (const [key, examId, who] of [['named', exam.named, 'E1004'], ['role', exam.role, 'E1001']] as const) {
    const [a] = await h.sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, state, finished_at, score, max_score, percent, passed)
      values (${examId}, ${ids[who]!}, 1, 1, 60, ${paper}, 'submitted', now(), 2, 2, 100, true) returning id`;
    attemptOf[key] = a!.id as string;
  }
});
afterAll(async () => { await h?.stop(); });

const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) => asUser({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' }, fn);
async function attempt(who: string, fn: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    return await as(who, fn);
  } catch (err) {
    if ((err as { code?: string }).code === '42501') return 'denied';
    throw err;
  }
}
const visibleExams = async (who: string) => {
  const rows = await as(who, (tx) => tx`select id from app.exams where id in (${exam.named}, ${exam.role}, ${exam.unit}, ${exam.draft})`);
  const got = new Set(rows.map((r) => r.id as string));
  return (Object.keys(exam) as (keyof typeof exam)[]).filter((k) => got.has(exam[k]));
};

describe('app.exams: managers see the exams that reach their people', () => {
  it.each([
    // QD trainer: E1004 named, QD-SN employees by role, QD by unit; the draft stays with its owners.
    ['T2002', ['named', 'role', 'unit']],
    // JN HR: E1008 named only.
    ['H3002', ['named']],
    // Head office and admin: everything they own.
    ['T2001', ['named', 'role', 'unit', 'draft']],
    ['A4001', ['named', 'role', 'unit', 'draft']],
    // Employees: what is offered to them (E1001 is in QD-SN: role and unit), nothing else.
    ['E1001', ['role', 'unit']],
    ['E1008', ['named']],
    ['E1002', ['role', 'unit']],
  ] as const)('%s sees %j', async (who, expected) => {
    expect(await visibleExams(who)).toEqual(expected);
  });

  it('seeing an exam gives no right to change it or its audience', async () => {
    expect((await as('T2002', (tx) => tx`update app.exams set pass_percent = 1 where id = ${exam.named}`)).count).toBe(0);
    expect(await attempt('T2002', (tx) => tx`insert into app.exam_audience (exam_id, member_id) values (${exam.named}, ${ids.E1002!})`)).toBe('denied');
    expect((await as('T2002', (tx) => tx`delete from app.exam_audience where exam_id = ${exam.named}`)).count).toBe(0);
    expect((await as('H3002', (tx) => tx`update app.exam_audience set due_at = now() where exam_id = ${exam.named}`)).count).toBe(0);
  });
});

describe('app.exam_audience and app.exam_audience_of: my people only', () => {
  const audienceRows = (who: string, examId: string) =>
    as(who, (tx) => tx`select member_id, role from app.exam_audience where exam_id = ${examId} order by member_id nulls last`);

  it('named rows: the QD trainer sees E1004\'s, JN HR sees E1008\'s, an employee only their own', async () => {
    expect((await audienceRows('T2002', exam.named)).map((r) => r.member_id)).toEqual([ids.E1004]);
    expect((await audienceRows('H3002', exam.named)).map((r) => r.member_id)).toEqual([ids.E1008]);
    expect((await audienceRows('E1008', exam.named)).map((r) => r.member_id)).toEqual([ids.E1008]);
    expect(await audienceRows('E1001', exam.named)).toEqual([]);
  });

  it('role rows: seen by managers of someone holding the role within the unit', async () => {
    expect((await audienceRows('T2002', exam.role)).map((r) => r.role)).toEqual(['employee']);
    expect(await audienceRows('H3002', exam.role)).toEqual([]);
  });

  it('the audience function lists exactly the caller\'s people, for every audience form', async () => {
    const of = async (who: string, examId: string) => new Set((await as(who, (tx) => tx`select member_id from app.exam_audience_of(${examId}::uuid)`)).map((r) => r.member_id as string));
    const qdSnEmployees = (await h.sql`select m.id from app.members m join app.org_units o on o.id = m.org_unit_id
      where o.path like (select path from app.org_units where code = 'QD-SN') || '%' and m.active and 'employee' = any (m.roles)`).map((r) => r.id as string);
    expect(qdSnEmployees.length).toBeGreaterThan(2);
    expect(await of('T2002', exam.named)).toEqual(new Set([ids.E1004]));
    expect(await of('H3002', exam.named)).toEqual(new Set([ids.E1008]));
    expect(await of('T2002', exam.role)).toEqual(new Set(qdSnEmployees));
    expect(await of('H3002', exam.role)).toEqual(new Set());
    expect(await of('T2001', exam.named)).toEqual(new Set([ids.E1004, ids.E1008]));
  });

  it('attempts: of my people only (unchanged)', async () => {
    const seen = async (who: string) => new Set((await as(who, (tx) => tx`select id from app.attempts where id in (${attemptOf.named!}, ${attemptOf.role!})`)).map((r) => r.id as string));
    expect(await seen('T2002')).toEqual(new Set([attemptOf.named, attemptOf.role]));
    expect(await seen('H3002')).toEqual(new Set());
    expect(await seen('E1008')).toEqual(new Set());
  });
});

describe('GET /api/manage/results (the results page)', () => {
  const get = async (who: string, query = '') =>
    h.call(results, { path: `/api/manage/results${query}`, token: await h.tokenFor(who) });

  it('lists the head-office exams reaching my people, with audience and attempt counts of my people', async () => {
    const r = await get('T2002', '/exams');
    expect(r.status, r.text).toBe(200);
    const byId = new Map((r.body.exams as { id: string }[]).map((e) => [e.id, e as Record<string, unknown>]));
    expect(byId.get(exam.named)).toMatchObject({ title: '总行考试 点名', audience: 1, attempts: 1, people: 1, notStarted: 0, administers: false });
    expect(byId.get(exam.role)).toMatchObject({ attempts: 1, people: 1 });
    expect(Number(byId.get(exam.role)!.audience)).toBeGreaterThan(2);
    expect(byId.has(exam.unit)).toBe(true);
    expect(byId.has(exam.draft)).toBe(false);
    const jn = await get('H3002', '/exams');
    const jnIds = (jn.body.exams as { id: string }[]).map((e) => e.id);
    expect(jnIds).toContain(exam.named);
    expect(jnIds).not.toContain(exam.role);
    expect((jn.body.exams as { id: string; audience: number; notStarted: number }[]).find((e) => e.id === exam.named)).toMatchObject({ audience: 1, notStarted: 1 });
  });

  it('named audience: rows and "not started" of my people, with the exam\'s title', async () => {
    const qd = await get('T2002', `?examId=${exam.named}`);
    expect(qd.status, qd.text).toBe(200);
    expect(qd.body.rows.map((r: { employeeNo: string; examTitle: string }) => [r.employeeNo, r.examTitle])).toEqual([['E1004', '总行考试 点名']]);
    expect(qd.body.notStarted).toEqual([]);
    const jn = await get('H3002', `?examId=${exam.named}`);
    expect(jn.body.rows).toEqual([]);
    expect(jn.body.notStarted.map((r: { employeeNo: string }) => r.employeeNo)).toEqual(['E1008']);
  });

  it('role audience: rows and "not started" of my people; another branch gets nothing', async () => {
    const qd = await get('T2002', `?examId=${exam.role}`);
    expect(qd.body.rows.map((r: { employeeNo: string; examTitle: string }) => [r.employeeNo, r.examTitle])).toEqual([['E1001', '总行考试 角色']]);
    const notStarted = qd.body.notStarted.map((r: { employeeNo: string }) => r.employeeNo);
    expect(notStarted).toContain('E1002');
    expect(notStarted).not.toContain('E1001');
    expect(notStarted).not.toContain('E1004'); // 崂山支行, outside the role's unit
    const jn = await get('H3002', `?examId=${exam.role}`);
    expect(jn.body.rows).toEqual([]);
    expect(jn.body.notStarted).toEqual([]);
  });

  it('employees are still refused', async () => {
    expect((await get('E1004', `?examId=${exam.named}`)).status).toBe(403);
  });
});

// Security review S1 (migration 20261201001100). D1: the audience rows of a DRAFT head-office exam
// stay with its administrators. D2: an exam that merely reaches my people is mine to report on, not
// to assign or rank in a season, and shows me only the units in my scope it is assigned to.
describe('S1 D1: draft audiences stay with their administrators', () => {
  it('the QD trainer reads no audience row of a draft naming their person; the person and HQ still do', async () => {
    const rows = (who: string) => as(who, (tx) => tx`select member_id from app.exam_audience where exam_id = ${exam.draft}`);
    expect(await rows('T2002')).toEqual([]);
    expect((await rows('E1004')).map((r) => r.member_id)).toEqual([ids.E1004]);
    expect((await rows('T2001')).map((r) => r.member_id)).toEqual([ids.E1004]);
    // Published exams keep the widened reading (migration 950).
    expect((await as('T2002', (tx) => tx`select member_id from app.exam_audience where exam_id = ${exam.named}`)).map((r) => r.member_id)).toEqual([ids.E1004]);
  });
});

describe('S1 D2: assigning and season items need an exam offered to me or managed by me', () => {
  /** Runs fn as `who` and rolls the transaction back (so the fixture stays as the other tests expect). */
  const rolledBack = async (who: string, fn: (tx: Tx) => Promise<unknown>) => {
    const done = new Error('rollback');
    let out: unknown;
    try {
      await as(who, async (tx) => { out = await fn(tx); throw done; });
    } catch (err) {
      if (err !== done) return (err as { code?: string }).code === '42501' ? 'denied' : Promise.reject(err);
    }
    return out;
  };
  const assign = (examId: string) => rolledBack('T2002', async (tx) => {
    const [me] = await tx`select app_private.current_member_id() as id`;
    const r = await tx`insert into app.assignments (title, period, exam_id, owner_org_id, targets, starts_at, due_at, period_end, created_by)
      values ('S1 指派', '2026Q4', ${examId}, ${ids.QD!}, ${tx.json([{ kind: 'org', id: ids.QD!, subtree: true }] as never)},
              now(), now() + interval '1 day', now() + interval '30 days', ${me!.id as string}) returning id`;
    return r.length;
  });

  it('app.assignments: a head-office exam reaching my people is refused; one offered to me is accepted', async () => {
    expect(await assign(exam.named)).toBe('denied');
    expect(await assign(exam.role)).toBe('denied');
    expect(await assign(exam.unit)).toBe(1);
  });

  it('the assignment form offers only exams offered to me or managed by me', async () => {
    const offered = new Set((await as('T2002', (tx) => assignmentChoices(tx))).exams.map((e) => e.id));
    expect(offered.has(exam.unit)).toBe(true);
    expect(offered.has(exam.named)).toBe(false);
    expect(offered.has(exam.role)).toBe(false);
    const results_ = await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('T2002') });
    const usable = new Map((results_.body.exams as { id: string; usable: boolean }[]).map((e) => [e.id, e.usable]));
    expect([usable.get(exam.named), usable.get(exam.unit)]).toEqual([false, true]);
  });

  it('seasons: the API names the item, and the policy refuses the row written directly', async () => {
    const token = await h.tokenFor('T2002');
    const bad = await h.call(seasons, { method: 'POST', path: '/api/seasons', token,
      body: { title: 'S1 赛季', unitKind: 'branch', items: [{ examId: exam.unit, weight: 1 }, { examId: exam.named, weight: 1 }] } });
    expect(bad.status, bad.text).toBe(400);
    expect(Object.keys(bad.body.errors as object)).toEqual(['items.1.examId']);
    const direct = (examId: string) => rolledBack('T2002', async (tx) => {
      const [me] = await tx`select app_private.current_member_id() as id`;
      const [season] = await tx`insert into app.seasons (title, owner_org_id, created_by) values ('S1 赛季', ${ids.QD!}, ${me!.id as string}) returning id`;
      return (await tx`insert into app.season_items (season_id, position, exam_id, weight) values (${season!.id as string}, 1, ${examId}, 1) returning id`).length;
    });
    expect(await direct(exam.named)).toBe('denied');
    expect(await direct(exam.unit)).toBe(1);
  });

  it('app.exam_assignments: units in my scope only, unless the exam is offered to me or mine to manage', async () => {
    // Assigned to 市南支行 (under QD; the QD trainer works in QD-OPS, so it is not offered to them) and to 济南.
    const split = (await createExam(h, { title: '总行考试 两地', assignments: [{ orgUnit: 'QD-SN' }, { orgUnit: 'JN' }] })).id;
    const units = async (who: string) =>
      (await as(who, (tx) => tx`select org_unit_id from app.exam_assignments where exam_id = ${split}`)).map((r) => r.org_unit_id as string).sort();
    expect(await units('T2002')).toEqual([ids['QD-SN']]);
    // JN's HR works in JN itself: the exam is offered to them, so they see every unit (as before 950).
    expect(await units('H3002')).toEqual([ids['QD-SN'], ids.JN].sort());
    expect(await units('T2001')).toEqual([ids['QD-SN'], ids.JN].sort());   // HQ manages it
    expect(await units('E1001')).toEqual([ids['QD-SN'], ids.JN].sort());   // offered to them (as before)
    expect(await assign(split)).toBe('denied');
  });
});
