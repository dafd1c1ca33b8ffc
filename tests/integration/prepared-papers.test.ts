// Pre-assembled papers (POST /api/exams/:examId/papers): who may prepare them, that a first start
// uses the prepared paper as is, and that a start ignores it once the bank or the exam's paper
// settings changed, or for a later attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { createExam, start, submit } from './exam-helpers.ts';
import examPapers from '../../functions/exam-papers.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const prepare = async (examId: string, who = 'T2001') =>
  h.call(examPapers, { method: 'POST', path: `/api/exams/${examId}/papers`, token: await h.tokenFor(who), params: { examId } });

async function preparedFor(examId: string, employeeNo: string) {
  const [p] = await h.sql`
    select p.seed, p.slots from app.prepared_papers p join app.members m on m.id = p.member_id
    where p.exam_id = ${examId} and m.employee_no = ${employeeNo}`;
  return p as { seed: string; slots: { slot: number; vid: string; points: number; oo: string[] | null }[] } | undefined;
}

async function slotsOf(attemptId: string) {
  return h.sql`select slot, question_version_id::text as vid, option_order from app.attempt_slots where attempt_id = ${attemptId} order by slot`;
}

describe('pre-assembled papers', () => {
  it('only trainers/admins whose scope holds the exam may prepare papers', async () => {
    const exam = await createExam(h);
    for (const who of ['E1001', 'H3001', 'T2002']) expect((await prepare(exam.id, who)).status).toBe(403);
    expect((await prepare('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const [{ n }] = (await h.sql`select count(*)::int as n from app.prepared_papers where exam_id = ${exam.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it('prepares a paper for everyone offered the exam; the first start inserts exactly that paper', async () => {
    const exam = await createExam(h, { assignments: [{ orgUnit: 'QD-SN' }] });
    const r = await prepare(exam.id, 'A4001');
    expect(r.status).toBe(200);
    const [{ offered }] = (await h.sql`
      select count(*)::int as offered from app.members m join app.org_units o on o.id = m.org_unit_id
      where m.active and o.path like '%/QD-SN/%'`) as unknown as [{ offered: number }];
    expect(r.body.prepared).toBe(offered);
    expect(r.body.prepared).toBeGreaterThanOrEqual(3);

    const pre = (await preparedFor(exam.id, 'E1001'))!;
    const s = await start(h, exam.id, 'E1001');
    expect(s.status).toBe(201);
    const [a] = await h.sql`select seed from app.attempts where id = ${s.body.attempt.id}`;
    expect(String(a!.seed)).toBe(String(pre.seed));
    const slots = await slotsOf(s.body.attempt.id);
    expect(slots.map((x) => ({ slot: x.slot, vid: x.vid, oo: x.option_order ?? null }))).toEqual(pre.slots.map((p) => ({ slot: p.slot, vid: p.vid, oo: p.oo })));
    // The runner payload is the stored paper, as on a resume.
    const resumed = await start(h, exam.id, 'E1001');
    expect(resumed.status).toBe(200);
    expect(resumed.body.slots).toEqual(s.body.slots);

    // A later attempt assembles afresh.
    expect((await submit(h, s.body.attempt.id)).status).toBe(200);
    const second = await start(h, exam.id, 'E1001');
    expect(second.status).toBe(201);
    const [b] = await h.sql`select seed from app.attempts where id = ${second.body.attempt.id}`;
    expect(String(b!.seed)).not.toBe(String(pre.seed));
  });

  it('a start ignores a prepared paper after the bank or the paper settings changed', async () => {
    const exam = await createExam(h, { assignments: [{ orgUnit: 'QD-SN' }] });
    expect((await prepare(exam.id)).status).toBe(200);

    // Content changed (any statement on app.questions moves the bank revision).
    await h.sql`update app.questions set topic = topic where id = (select id from app.questions order by id limit 1)`;
    const p2 = (await preparedFor(exam.id, 'E1002'))!;
    const s2 = await start(h, exam.id, 'E1002');
    expect(s2.status).toBe(201);
    const [a2] = await h.sql`select seed from app.attempts where id = ${s2.body.attempt.id}`;
    expect(String(a2!.seed)).not.toBe(String(p2.seed));

    // Re-prepared at the new revision, then the exam's option shuffling is switched off.
    expect((await prepare(exam.id)).status).toBe(200);
    await h.sql`update app.exams set shuffle_options = false where id = ${exam.id}`;
    const p3 = (await preparedFor(exam.id, 'E1003'))!;
    const s3 = await start(h, exam.id, 'E1003');
    expect(s3.status).toBe(201);
    const [a3] = await h.sql`select seed from app.attempts where id = ${s3.body.attempt.id}`;
    expect(String(a3!.seed)).not.toBe(String(p3.seed));
  });

  it('a member reads only their own prepared paper', async () => {
    const exam = await createExam(h, { assignments: [{ orgUnit: 'QD-SN' }] });
    expect((await prepare(exam.id)).status).toBe(200);
    const uid = await h.userIdFor('E1001');
    const rows = await h.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: uid, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
      return tx`select m.employee_no from app.prepared_papers p join app.members m on m.id = p.member_id where p.exam_id = ${exam.id}`;
    });
    expect(rows.map((r) => r.employee_no)).toEqual(['E1001']);
  });
});
