// RLS matrix for the exam builder's table (app.exam_audience), the usage view, the audience
// function and the settings audit trigger — as the API runs (role `authenticated`, the caller's
// claims), with no function in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asService, asUser, type Tx } from '../../functions/_lib/db.ts';
import { createExam } from './exam-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
const ids: Record<string, string> = {};
let examHq = '';
let examQd = '';

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'E1004', 'E1008', 'T2001', 'T2002', 'H3001', 'H3002', 'A4001']) {
    subs.set(no, await h.userIdFor(no));
    const [m] = await h.sql`select id from app.members where employee_no = ${no}`;
    ids[no] = m!.id as string;
  }
  for (const code of ['HQ', 'QD', 'QD-SN', 'JN']) {
    const [o] = await h.sql`select id from app.org_units where code = ${code}`;
    ids[code] = o!.id as string;
  }
  examHq = (await createExam(h, { title: 'RLS 受众 总行' })).id;
  examQd = (await createExam(h, { title: 'RLS 受众 青岛', ownerOrgUnit: 'QD', assignments: [{ orgUnit: 'QD' }] }, 'T2002')).id;
  await h.sql`insert into app.exam_audience (exam_id, member_id) values (${examHq}, ${ids.E1008!}), (${examQd}, ${ids.E1004!})`;
  await h.sql`insert into app.exam_audience (exam_id, role, org_unit_id) values (${examHq}, 'hr', ${ids.HQ!})`;
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

describe('app.exam_audience', () => {
  it.each([
    // who, rows of the HQ exam, rows of the QD exam. JN's HR reads the HQ exam's rows concerning
    // JN people (E1008 named; the hr role, which they hold), migration 20261201000950.
    ['E1001', 0, 0], ['E1008', 1, 0], ['E1004', 0, 1], ['T2001', 2, 1], ['T2002', 0, 1], ['H3001', 2, 1], ['H3002', 2, 0], ['A4001', 2, 1],
  ])('select as %s: %i rows of the HQ exam, %i of the QD exam', async (who, hq, qd) => {
    const rows = await as(who, (tx) => tx`select exam_id from app.exam_audience where exam_id in (${examHq}, ${examQd})`);
    expect(rows.filter((r) => r.exam_id === examHq).length).toBe(hq);
    expect(rows.filter((r) => r.exam_id === examQd).length).toBe(qd);
  });

  const addMember = (exam: () => string, member: string) => (tx: Tx) =>
    tx`insert into app.exam_audience (exam_id, member_id) values (${exam()}, ${ids[member]!}) returning id`;
  it.each([
    ['E1001', 'HQ exam', () => examHq, 'E1004'],
    ['T2002', 'HQ exam', () => examHq, 'E1004'],
    ['T2002', 'QD exam', () => examQd, 'E1008'],
    ['H3002', 'QD exam', () => examQd, 'E1008'],
  ] as const)('insert as %s into the %s naming %s is denied', async (who, _what, exam, member) => {
    expect(await attempt(who, addMember(exam, member))).toBe('denied');
  });
  it.each([
    ['T2001', 'HQ exam', () => examHq, 'E1004'],
    ['T2002', 'QD exam', () => examQd, 'E1001'],
    ['A4001', 'QD exam', () => examQd, 'E1008'],
  ] as const)('insert as %s into the %s naming %s is allowed', async (who, _what, exam, member) => {
    expect(((await as(who, addMember(exam, member))) as unknown[]).length).toBe(1);
  });

  it('a role row needs a unit in scope', async () => {
    expect(await attempt('T2002', (tx) => tx`insert into app.exam_audience (exam_id, role, org_unit_id) values (${examQd}, 'trainer', ${ids.HQ!})`)).toBe('denied');
    expect((await as('T2002', (tx) => tx`insert into app.exam_audience (exam_id, role, org_unit_id) values (${examQd}, 'trainer', ${ids['QD-SN']!}) returning id`)).length).toBe(1);
    // A row must be a member or a role within a unit, not both.
    await expect(h.sql`insert into app.exam_audience (exam_id, member_id, role, org_unit_id) values (${examHq}, ${ids.E1001!}, 'hr', ${ids.HQ!})`).rejects.toMatchObject({ code: '23514' });
  });

  it('update (due date only) and delete: the exam\'s managers only', async () => {
    expect((await as('E1008', (tx) => tx`update app.exam_audience set due_at = now() where exam_id = ${examHq}`)).count).toBe(0);
    expect((await as('T2002', (tx) => tx`delete from app.exam_audience where exam_id = ${examHq}`)).count).toBe(0);
    expect(await attempt('T2001', (tx) => tx`update app.exam_audience set member_id = ${ids.E1001!} where exam_id = ${examHq}`)).toBe('denied');
    expect((await as('T2001', (tx) => tx`update app.exam_audience set due_at = now() where exam_id = ${examHq}`)).count).toBeGreaterThan(0);
    expect((await as('T2001', (tx) => tx`delete from app.exam_audience where exam_id = ${examHq} and member_id = ${ids.E1004!}`)).count).toBe(1);
  });
});

describe('app.exam_audience_of', () => {
  it('lists the audience the caller may see, with the earliest due date', async () => {
    await h.sql`update app.exam_assignments set due_at = '2030-01-01T00:00:00Z' where exam_id = ${examQd}`;
    const all = await asService((tx) => tx`select member_id, due_at from app.exam_audience_of(${examQd}::uuid)`);
    const qdPeople = await h.sql`select m.id from app.members m join app.org_units o on o.id = m.org_unit_id where o.path like '/HQ/QD/%' and m.active`;
    // QD's subtree (assignment) plus E1008 (named, JN) and E1001 (named, QD: counted once).
    expect(new Set(all.map((r) => r.member_id))).toEqual(new Set([...qdPeople.map((r) => r.id), ids.E1008]));
    expect(all.find((r) => r.member_id === ids.E1004)!.due_at).toEqual(new Date('2030-01-01T00:00:00Z'));
    // QD's trainer sees only QD's people (RLS on members); employees see themselves at most.
    const qd = await as('T2002', (tx) => tx`select member_id from app.exam_audience_of(${examQd}::uuid)`);
    expect(qd.some((r) => r.member_id === ids.E1008)).toBe(false);
    expect(qd.length).toBe(qdPeople.length);
    const e = await as('E1004', (tx) => tx`select member_id from app.exam_audience_of(${examQd}::uuid)`);
    expect(e.map((r) => r.member_id)).toEqual([ids.E1004]);
  });
});

describe('app.question_times_used (the bank table\'s usage and facility)', () => {
  it('trainers and admins read it; employees and HR get no rows', async () => {
    const [qv] = await h.sql`select v.id from app.questions q join app.question_versions v on v.id = q.current_version_id where q.id = 'complaint-handling-001'`;
    const paper = h.sql.json([{ slot: 1, vid: qv!.id as string, points: 2, oo: null }]);
    for (const [who, mark] of [['E1001', 2], ['E1004', 0]] as const) {
      const [a] = await h.sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, state, finished_at, score, max_score)
        values (${examHq}, ${ids[who]!}, 9, 1, 60, ${paper}, 'submitted', now(), ${mark}, 2) returning id`;
      await h.sql`insert into app.attempt_responses (attempt_id, slot, response, state, mark) values (${a!.id as string}, 1, '"A"', ${mark ? 'correct' : 'incorrect'}, ${mark})`;
    }
    const read = (who: string) => as(who, (tx) => tx`select times_used, facility from app.question_times_used(array['complaint-handling-001'])`);
    for (const who of ['T2001', 'T2002', 'A4001']) {
      const [r] = await read(who);
      expect(Number(r!.times_used)).toBe(2);
      expect(Number(r!.facility)).toBe(0.5);
    }
    for (const who of ['E1001', 'H3001']) expect(await read(who)).toHaveLength(0);
  });
});

describe('settings audit trigger', () => {
  it('audits a published exam\'s change made by any path, with the changed fields only', async () => {
    await as('T2001', (tx) => tx`update app.exams set pass_percent = 75, description = '改' where id = ${examHq}`);
    await asService((tx) => tx`update app.exams set focus_loss_limit = 3 where id = ${examHq}`);
    const log = await h.sql`select action, before, after, actor_member_id, actor_label from app.audit_log where entity = 'exam' and entity_id = ${examHq} order by id`;
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({ action: 'exam.settings', before: { pass_percent: 60, description: '' }, after: { pass_percent: 75, description: '改' }, actor_member_id: ids.T2001, actor_label: 'member' });
    expect(log[1]).toMatchObject({ before: { focus_loss_limit: 0 }, after: { focus_loss_limit: 3 }, actor_label: 'system:service' });
    // A no-op update writes nothing.
    await as('T2001', (tx) => tx`update app.exams set pass_percent = 75 where id = ${examHq}`);
    expect(await h.sql`select 1 from app.audit_log where entity = 'exam' and entity_id = ${examHq}`).toHaveLength(2);
  });
});
