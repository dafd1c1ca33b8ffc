// Regression tests for issue 8, findings 2, 3 and 7 (docs/decisions/scope-and-key-release.md):
//   2  answer keys of an open exam through practice → closed banks/questions are never practised;
//   3  keys released by a personal window → "after close" = closed for everyone, or an audited release;
//   7  scope rules disagree → grading, regrade, overrides, papers and release need the exam's manager.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { ALL_VISIBLE, NONE_VISIBLE, createExam, keysOf, responseFor, save, start, submit } from './exam-helpers.ts';
import practiceAnswers from '../../functions/practice-answers.ts';
import practiceSessions from '../../functions/practice-sessions.ts';
import practiceWrongBook from '../../functions/practice-wrong-book.ts';
import practiceStats from '../../functions/practice-stats.ts';
import attempts from '../../functions/attempts.ts';
import exams from '../../functions/exams.ts';
import results from '../../functions/results.ts';
import examOverrides from '../../functions/exam-overrides.ts';
import examPapers from '../../functions/exam-papers.ts';
import attemptRegrade from '../../functions/attempt-regrade.ts';
import attemptSlotGrade from '../../functions/attempt-slot-grade.ts';
import manageAttempts from '../../functions/manage-attempts.ts';
import releaseReview from '../../functions/exam-release-review.ts';
import { syncContent } from '../../src/server/content-sync.ts';
import { openSql, type Sql } from '../../src/server/sql.ts';
import { asService, asUser, type Tx } from '../../functions/_lib/db.ts';
import { migrate } from '../../src/server/migrate.ts';
import { databaseBefore, type MigratedDatabase } from './migration-fixture.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

/** Deferred feedback: score straight after, keys only after close (the default policy's shape). */
const DEFERRED = { during: NONE_VISIBLE, immediately: { ...NONE_VISIBLE, score: true, correctness: true }, afterClose: ALL_VISIBLE };
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

/** A bank with `n` single-choice questions on its own topic, written as the service role would. */
async function bankWithQuestions(bankId: string, visibility: 'open' | 'closed', topic: string, n: number, unit = 'HQ') {
  const [u] = await h.sql`select id from app.org_units where code = ${unit}`;
  await h.sql`insert into app.banks (id, name, org_unit_id, visibility) values (${bankId}, ${`题库 ${bankId}`}, ${u!.id as string}, ${visibility})`;
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `${topic}-${String(i).padStart(3, '0')}`;
    await h.sql`insert into app.questions (id, bank, topic) values (${id}, ${bankId}, ${topic})`;
    const [v] = await h.sql`insert into app.question_versions (question_id, version, content_hash, type, topic, difficulty, stem, options, source)
      values (${id}, 1, ${`h-${id}`}, 'single', ${topic}, 2, ${`闭卷题 ${i}：哪一项正确？`},
              ${h.sql.json([{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }, { id: 'C', text: '丙' }])}, ${h.sql.json({ instrument: 'x', article: 1 })})
      returning id`;
    await h.sql`insert into app.question_keys (question_version_id, key, explanation) values (${v!.id as string}, ${h.sql.json({ answer: 'B' })}, ${`SECRET-EXPLANATION-${id}`})`;
    await h.sql`update app.questions set current_version_id = ${v!.id as string} where id = ${id}`;
    ids.push(id);
  }
  return ids;
}

const getAttempt = async (id: string, who = 'E1001') =>
  h.call(attempts, { path: `/api/attempts/${id}`, token: await h.tokenFor(who), params: { attemptId: id } });

describe('finding 2: closed (exam-only) questions are never served by practice, the wrong-answer book or knowledge checks', () => {
  it('a finished taker cannot get a closed question\'s key through practice while the exam is open', async () => {
    const qids = await bankWithQuestions('sec-closed-bank', 'closed', 'sec-closed', 3);
    const exam = await createExam(h, {
      title: '闭卷题库考试', windowClose: inDays(2), reviewPolicy: DEFERRED,
      // An exam draws only from the banks it names (issue 9; without banks: the official bank).
      blueprint: { sections: [{ type: 'single', topic: 'sec-closed', count: 2, points: 10, banks: ['sec-closed-bank'] }] },
    });
    const a = (await start(h, exam.id, 'E1003')).body;
    expect(a.slots.map((s: { question: { id: string } }) => s.question.id).every((id: string) => qids.includes(id))).toBe(true);
    expect((await submit(h, a.attempt.id, 'E1003')).status).toBe(200);
    const token = await h.tokenFor('E1003');
    const q = a.slots[0].question;

    // The attempt's own review withholds the key (window still open)...
    const review = await getAttempt(a.attempt.id, 'E1003');
    expect(review.body.review).toMatchObject({ phase: 'immediately', rightAnswers: false, explanations: false });
    expect(review.text).not.toContain('SECRET-EXPLANATION');
    // ...and so do practice (and knowledge checks, the same endpoint), for takers and anyone else.
    for (const [who, context] of [['E1003', 'practice'], ['E1003', 'knowledge_check'], ['E1004', 'practice'], ['T2001', 'practice']] as const) {
      const r = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token: await h.tokenFor(who), body: { questionId: q.id, response: 'A', context } });
      expect(r.status, `${who} ${context}`).toBe(400);
      expect(r.text).not.toContain('SECRET-EXPLANATION');
      expect(r.body).not.toHaveProperty('rightAnswer');
    }
    // Practice sessions never offer closed questions, by topic or otherwise.
    const topic = await h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token, body: { mode: 'topic', topic: 'sec-closed' } });
    expect(topic.status).toBe(400);
    const daily = await h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token, body: { mode: 'daily', size: 50 } });
    expect(daily.body.questions.map((x: { question: { id: string } }) => x.question.id).filter((id: string) => qids.includes(id))).toEqual([]);

    // A card made before the question was closed (or by any other path) does not bring the key back.
    const [me] = await h.sql`select id from app.members where employee_no = 'E1003'`;
    await h.sql`insert into app.practice_cards (member_id, question_id, card, due_at, last_correct, in_wrong_book, wrong_count)
      values (${me!.id as string}, ${q.id}, '{}'::jsonb, now() - interval '1 day', false, true, 1)`;
    const book = await h.call(practiceWrongBook, { path: '/api/practice/wrong-book', token });
    expect(book.status).toBe(200);
    expect(book.text).not.toContain('SECRET-EXPLANATION');
    expect(book.body.items.map((i: { questionId: string }) => i.questionId)).not.toContain(q.id);
    const wrong = await h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token, body: { mode: 'wrong' } });
    expect(wrong.body.questions.map((x: { question: { id: string } }) => x.question.id)).not.toContain(q.id);
    const stats = await h.call(practiceStats, { path: '/api/practice/stats', token });
    expect(stats.body.byTopic.find((t: { topic: string }) => t.topic === 'sec-closed')).toBeUndefined();

    // Once the exam's review releases it, the key arrives through the review (and only there).
    await h.sql`update app.exams set window_open = now() - interval '3 days', window_close = now() - interval '1 second' where id = ${exam.id}`;
    const later = await getAttempt(a.attempt.id, 'E1003');
    expect(later.body.review).toMatchObject({ phase: 'closed', rightAnswers: true, explanations: true });
    expect(later.text).toContain('SECRET-EXPLANATION');
  });

  it('an open bank is practised; closing one question takes it out; reopening brings it back', async () => {
    const [q1, q2] = await bankWithQuestions('sec-open-bank', 'open', 'sec-open', 2);
    const token = await h.tokenFor('E1005');
    const ok = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: { questionId: q1, response: 'B' } });
    expect(ok.status).toBe(201);
    expect(ok.body.explanation).toBe(`SECRET-EXPLANATION-${q1}`);
    await h.sql`update app.questions set visibility = 'closed' where id = ${q2!}`;
    const closed = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: { questionId: q2, response: 'B' } });
    expect(closed.status).toBe(400);
    const topic = await h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token, body: { mode: 'topic', topic: 'sec-open' } });
    expect(topic.body.questions.map((x: { question: { id: string } }) => x.question.id)).toEqual([q1]);
    // Closing the whole bank closes every question in it.
    await h.sql`update app.banks set visibility = 'closed' where id = 'sec-open-bank'`;
    const bankClosed = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: { questionId: q1, response: 'B' } });
    expect(bankClosed.status).toBe(400);
    await h.sql`update app.banks set visibility = 'open' where id = 'sec-open-bank'`;
    await h.sql`update app.questions set visibility = 'open' where id = ${q2!}`;
    const reopened = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: { questionId: q2, response: 'B' } });
    expect(reopened.status).toBe(201);
  });

  it('the official bank stays open and read-only across content syncs; official questions still practise', async () => {
    await h.sql`update app.banks set visibility = 'closed' where id = 'official'`;
    const setup = openSql(process.env.DATABASE_URL!, { max: 1 });
    try { await syncContent(setup); } finally { await setup.end({ timeout: 5 }); }
    const [bank] = await h.sql`select visibility, read_only, org_unit_id from app.banks where id = 'official'`;
    expect(bank).toEqual({ visibility: 'open', read_only: true, org_unit_id: null });
    const r = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token: await h.tokenFor('E1006'), body: { questionId: 'personal-info-001', response: 'A' } });
    expect(r.status).toBe(201);
  });
});

describe('finding 3: "after close" means closed for everyone, unless a trainer releases the review (audited)', () => {
  it('a personal window closed early does not release the key to that person while others still sit the exam', async () => {
    const exam = await createExam(h, { title: '个人窗口提前关闭', windowClose: inDays(2), reviewPolicy: DEFERRED });
    const a = (await start(h, exam.id, 'E1007')).body;
    await submit(h, a.attempt.id, 'E1007');
    // The trainer closes E1007's own window (e.g. to end their attempts early).
    const o = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1007`, token: await h.tokenFor('T2001'),
      params: { examId: exam.id, memberId: 'E1007' }, body: { windowClose: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(o.status).toBe(200);
    await h.sql`update app.exam_overrides set window_close = now() - interval '1 second' where exam_id = ${exam.id}`;

    const review = await getAttempt(a.attempt.id, 'E1007');
    expect(review.status).toBe(200);
    expect(review.body.review.phase).not.toBe('closed');
    expect(review.body.review).toMatchObject({ rightAnswers: false, explanations: false });
    expect(review.body.slots.some((s: object) => 'rightAnswer' in s || 'explanation' in s)).toBe(false);
    // The exam list and the results page agree: not closed yet.
    const list = await h.call(exams, { path: `/api/exams/${exam.id}`, token: await h.tokenFor('E1007'), params: { examId: exam.id } });
    expect(list.body.state).toBe('closed'); // E1007 cannot start again: their own window is closed
    expect(list.body.myAttempts[0].reviewPhase).not.toBe('closed');
    const mine = await h.call(results, { path: '/api/results', token: await h.tokenFor('E1007') });
    expect(mine.body.results.find((r: { examId: string }) => r.examId === exam.id).reviewPhase).not.toBe('closed');
  });

  it('the latest close counts: a colleague\'s extended window, or a colleague still in their attempt, keeps the key back', async () => {
    const exam = await createExam(h, { title: '延长窗口', windowClose: inDays(2), reviewPolicy: DEFERRED });
    const a = (await start(h, exam.id, 'E1009')).body;
    await submit(h, a.attempt.id, 'E1009');
    const live = (await start(h, exam.id, 'E1010')).body;
    const [e1011] = await h.sql`select id from app.members where employee_no = 'E1011'`;
    // The exam's window has closed, but E1011 has a personal extension for tomorrow.
    await h.sql`update app.exams set window_open = now() - interval '3 days', window_close = now() - interval '1 minute' where id = ${exam.id}`;
    await h.sql`insert into app.exam_overrides (exam_id, member_id, window_close) values (${exam.id}, ${e1011!.id as string}, now() + interval '1 day')`;
    await h.sql`update app.attempts set deadline = now() - interval '10 seconds' where id = ${live.attempt.id}`;
    expect((await getAttempt(a.attempt.id, 'E1009')).body.review).toMatchObject({ rightAnswers: false, explanations: false });

    // Extension over; E1010's attempt (deadline passed 10 s ago, grace 60 s) can still save.
    await h.sql`update app.exam_overrides set window_close = now() - interval '30 seconds' where exam_id = ${exam.id}`;
    const during = await getAttempt(a.attempt.id, 'E1009');
    expect(during.body.review.phase).not.toBe('closed');
    expect(during.body.review).toMatchObject({ rightAnswers: false, explanations: false });

    // E1010 submits: now nobody can answer any more, and the key is released to everyone.
    expect((await submit(h, live.attempt.id, 'E1010')).status).toBe(200);
    const after = await getAttempt(a.attempt.id, 'E1009');
    expect(after.body.review).toMatchObject({ phase: 'closed', rightAnswers: true, explanations: true });
    expect(after.body.slots[0]).toHaveProperty('rightAnswer');
  });

  it('a trainer who manages the exam can release the review early; it is audited; others cannot', async () => {
    const exam = await createExam(h, { title: '提前公布答案', windowClose: inDays(2), reviewPolicy: DEFERRED });
    const a = (await start(h, exam.id, 'E1012')).body;
    await submit(h, a.attempt.id, 'E1012');
    expect((await getAttempt(a.attempt.id, 'E1012')).body.review.rightAnswers).toBe(false);
    const call = async (who: string, method: string, body?: unknown) => h.call(releaseReview, {
      method, path: `/api/exams/${exam.id}/release-review`, token: await h.tokenFor(who), params: { examId: exam.id }, body,
    });

    // Not the exam's manager (QD trainer, HQ exam), not a trainer (HR), an employee: refused, nothing changes.
    for (const who of ['T2002', 'H3001', 'E1012']) {
      const r = await call(who, 'POST', { reason: '我想公布' });
      expect(r.status, who).toBe(403);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call('T2001', 'POST', {})).status).toBe(400);
    const status = await call('T2001', 'GET');
    expect(status.body).toMatchObject({ released: false, reviewReleasedAt: null, closesForEveryoneAt: expect.any(String) });

    const released = await call('T2001', 'POST', { reason: '考后讲评课提前进行' });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ released: true, alreadyReleased: false, reviewReleasedBy: { name: '李建国' } });
    const [log] = await h.sql`select * from app.audit_log where id = ${released.body.auditId}`;
    expect(log).toMatchObject({ action: 'exam.review_release', entity: 'exam', entity_id: exam.id, actor_label: 'member', reason: '考后讲评课提前进行' });
    expect(log!.before).toEqual({ reviewReleasedAt: null, reviewReleasedBy: null });
    expect(log!.after.reviewReleasedAt).toBeTruthy();

    const review = await getAttempt(a.attempt.id, 'E1012');
    expect(review.body.review).toMatchObject({ phase: 'closed', rightAnswers: true, explanations: true });
    expect((await call('T2001', 'POST', { reason: '再点一次' })).body).toMatchObject({ alreadyReleased: true, auditId: null });

    // Withdrawing is audited too, and the review goes back to the policy's current phase.
    const withdrawn = await call('T2001', 'DELETE', { reason: '误操作' });
    expect(withdrawn.status).toBe(200);
    const [log2] = await h.sql`select action, before, after from app.audit_log where id = ${withdrawn.body.auditId}`;
    expect(log2!.action).toBe('exam.review_withdraw');
    expect((await getAttempt(a.attempt.id, 'E1012')).body.review.rightAnswers).toBe(false);
    expect((await call('T2001', 'DELETE', { reason: '误操作' })).status).toBe(409);
  });

  it('a direct write of the release column is audited as well, and its author cannot be forged', async () => {
    const exam = await createExam(h, { title: '直接写入', windowClose: inDays(2) });
    const [t2002] = await h.sql`select id from app.members where employee_no = 'T2002'`;
    // As the service role (any server job), trying to name someone else as the releaser.
    await asService((tx) => tx`update app.exams set review_released_at = now(), review_released_by = ${t2002!.id as string} where id = ${exam.id}`);
    const [row] = await h.sql`select review_released_by from app.exams where id = ${exam.id}`;
    expect(row!.review_released_by).toBeNull(); // no member made this change (superuser/service)
    const [log] = await h.sql`select actor_label, action from app.audit_log where entity = 'exam' and entity_id = ${exam.id} order by id desc limit 1`;
    expect(log).toEqual({ actor_label: 'system:service', action: 'exam.review_release' });
  });
});

describe('finding 7: one scope rule — the exam\'s managers administer its papers', () => {
  let examHq = '';
  let examQd = '';
  let attemptHq = '';
  let attemptQd = '';
  beforeAll(async () => {
    const blueprint = { sections: [{ type: 'short', topic: 'complaint-handling', count: 1, points: 10 }, { type: 'single', topic: 'complaint-handling', count: 1, points: 10 }] };
    examHq = (await createExam(h, { title: '总行简答', blueprint, windowClose: inDays(2) }, 'T2001')).id;
    examQd = (await createExam(h, { title: '青岛简答', blueprint, ownerOrgUnit: 'QD', assignments: [{ orgUnit: 'QD' }], windowClose: inDays(2) }, 'T2002')).id;
    for (const [exam, set] of [[examHq, (id: string) => { attemptHq = id; }], [examQd, (id: string) => { attemptQd = id; }]] as const) {
      const a = (await start(h, exam, 'E1015')).body;
      const keys = await keysOf(h, a.attempt.id);
      for (const k of keys) await save(h, a.attempt.id, k.slot, { response: responseFor(k, true), seq: 1 }, 'E1015');
      await submit(h, a.attempt.id, 'E1015');
      set(a.attempt.id);
    }
  });
  const shortSlot = async (attemptId: string) => (await keysOf(h, attemptId)).find((k) => k.type === 'short')!.slot;
  const grade = async (who: string, attemptId: string) => {
    const slot = await shortSlot(attemptId);
    return h.call(attemptSlotGrade, { method: 'PUT', path: `/api/attempts/${attemptId}/slots/${slot}/grade`, token: await h.tokenFor(who), params: { attemptId, slot: String(slot) }, body: { mark: 7 } });
  };
  const regrade = async (who: string, attemptId: string) =>
    h.call(attemptRegrade, { method: 'POST', path: `/api/attempts/${attemptId}/regrade`, token: await h.tokenFor(who), params: { attemptId }, body: { reason: '复核评分' } });

  it('a branch trainer cannot grade or regrade an attempt at a head-office exam, even of their own people', async () => {
    const [before] = await h.sql`select score from app.attempts where id = ${attemptHq}`;
    const g = await grade('T2002', attemptHq);
    expect(g.status).toBe(403);
    expect(g.body.code).toBe('not_exam_manager');
    expect(g.body.detail).toContain('总行');
    expect((await regrade('T2002', attemptHq)).status).toBe(403);
    const [after] = await h.sql`select score from app.attempts where id = ${attemptHq}`;
    expect(after).toEqual(before);
    expect(await h.sql`select 1 from app.audit_log where entity_id like ${`${attemptHq}%`}`).toHaveLength(0);
  });

  it('the exam\'s managers can: head office for its exam, the branch for the branch\'s exam', async () => {
    expect((await grade('T2001', attemptHq)).status).toBe(200);
    expect((await regrade('T2001', attemptHq)).status).toBe(200);
    expect((await grade('T2002', attemptQd)).status).toBe(200);
    expect((await regrade('A4001', attemptQd)).status).toBe(200);
    // HR reads results but does not grade.
    expect((await grade('H3001', attemptHq)).status).toBe(403);
  });

  it('overrides and papers follow the same rule', async () => {
    const override = async (who: string, exam: string) => h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam}/overrides/E1015`, token: await h.tokenFor(who), params: { examId: exam, memberId: 'E1015' }, body: { extraAttempts: 1 },
    });
    expect((await override('T2002', examHq)).status).toBe(403);
    expect((await override('T2002', examQd)).status).toBe(200);
    expect((await override('T2001', examHq)).status).toBe(200);
    const papers = async (who: string, exam: string) => h.call(examPapers, { method: 'POST', path: `/api/exams/${exam}/papers`, token: await h.tokenFor(who), params: { examId: exam } });
    expect((await papers('T2002', examHq)).status).toBe(403);
    expect((await papers('H3001', examHq)).status).toBe(403);
    expect((await papers('T2002', examQd)).status).toBe(200);
  });

  it('reading stays with the person\'s managers, but keys only for the exam\'s managers until the review releases them', async () => {
    const view = async (who: string, id: string) => h.call(manageAttempts, { path: `/api/manage/attempts/${id}`, token: await h.tokenFor(who), params: { attemptId: id } });
    const owner = await view('T2001', attemptHq);
    expect(owner.status).toBe(200);
    expect(owner.body).toMatchObject({ administers: true, keys: { rightAnswers: true, explanations: true } });
    expect(owner.body.slots[0]).toHaveProperty('rightAnswer');
    for (const who of ['T2002', 'H3001']) {
      const r = await view(who, attemptHq);
      expect(r.status, who).toBe(200);
      expect(r.body).toMatchObject({ administers: false, keys: { rightAnswers: false, explanations: false } });
      expect(r.body.slots.some((s: object) => 'rightAnswer' in s || 'explanation' in s), who).toBe(false);
    }
    // The branch trainer administers the branch's exam.
    expect((await view('T2002', attemptQd)).body.administers).toBe(true);
    // Once the head-office exam has closed for everyone, readers see what the takers see.
    await h.sql`update app.exams set window_open = now() - interval '3 days', window_close = now() - interval '1 second' where id = ${examHq}`;
    await h.sql`delete from app.exam_overrides where exam_id = ${examHq}`;
    const closed = await view('H3001', attemptHq);
    expect(closed.body.keys).toEqual({ rightAnswers: true, explanations: true });
    expect(closed.body.slots[0]).toHaveProperty('rightAnswer');
  });
});

// Migration 20261130000200 moves an existing database forward: questions already in the official
// bank (and in any other bank name) get their bank rows, exams keep working, overrides keep their rule.
describe('migration 20261130000200 on a database with data', () => {
  const TARGET = '20261130000200';
  let sql: Sql;
  let db: MigratedDatabase | null = null;
  beforeAll(async () => {
    db = await databaseBefore(TARGET, 'xb_test_bank');
    sql = db.sql;
    const [org] = await sql`insert into app.org_units (code, name, kind) values ('MIG', '迁移测试', 'head_office') returning id`;
    await sql`insert into app.questions (id, bank, topic) values ('mig-official-1', 'official', 'mig'), ('mig-legacy-1', 'legacy-bank', 'mig')`;
    await sql`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint, window_close)
      values ('迁移前的考试', 'exam', ${org!.id as string}, '{}'::jsonb, '{}'::jsonb, now() + interval '1 day')`;
    await migrate(sql);
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('every bank name in use becomes a bank: the official one open and read-only, others closed', async () => {
    expect(await sql`select id, visibility, read_only, org_unit_id from app.banks order by id`).toEqual([
      { id: 'legacy-bank', visibility: 'closed', read_only: true, org_unit_id: null },
      { id: 'official', visibility: 'open', read_only: true, org_unit_id: null },
    ]);
    expect(await sql`select id, visibility from app.questions order by id`).toEqual([
      { id: 'mig-legacy-1', visibility: 'open' }, { id: 'mig-official-1', visibility: 'open' },
    ]);
    await expect(sql`insert into app.questions (id, bank, topic) values ('mig-x', 'no-such-bank', 'mig')`).rejects.toMatchObject({ code: '23503' });
  });

  it('existing exams are unreleased and close for everyone at their own close', async () => {
    const [e] = await sql`select review_released_at, review_released_by, window_close = app_private.exam_closes_for_everyone_at(id) as same from app.exams`;
    expect(e).toEqual({ review_released_at: null, review_released_by: null, same: true });
  });
});

// Opening a bank or question publishes its keys to practice: audited, and refused while an exam still
// withholds the question (migration 20261130000400).
describe('publishing a closed question is audited and waits for the exams that withhold it', () => {
  it('refuses to open a question (or its bank) on the paper of a running exam; audits every change', async () => {
    const exam = await createExam(h);
    const attemptId = (await start(h, exam.id)).body.attempt.id as string;
    // A question of this paper that no other exam's paper holds (papers are drawn at random, and
    // other tests' exams are still open), so releasing this exam is what frees it.
    const [{ qid }] = (await h.sql`
      select v.question_id as qid
      from app.attempts a, jsonb_array_elements(a.paper) p, app.question_versions v
      where a.id = ${attemptId} and v.id = (p->>'vid')::uuid
        and not exists (select 1 from app.attempts a2, app.question_versions v2
                        where v2.question_id = v.question_id and a2.exam_id <> a.exam_id
                          and a2.paper @> jsonb_build_array(jsonb_build_object('vid', v2.id::text)))
      limit 1`) as unknown as [{ qid: string }];
    const [hq] = await h.sql`select id from app.org_units where code = 'HQ'`;
    await h.sql`insert into app.banks (id, name, org_unit_id, visibility) values ('vis-hq', '总行题库', ${hq!.id as string}, 'closed')`;
    const t2001 = { sub: await h.userIdFor('T2001'), role: 'authenticated', aud: 'authenticated' };
    const asTrainer = <T>(fn: (tx: Tx) => Promise<T>) => asUser(t2001, fn);
    try {
      await h.sql`update app.questions set bank = 'vis-hq', visibility = 'closed' where id = ${qid}`;
      const [closed] = await h.sql`select actor_label, before, after from app.audit_log where entity = 'question' and entity_id = ${qid} order by id desc limit 1`;
      expect(closed).toEqual({ actor_label: 'system:service', before: { visibility: 'open' }, after: { visibility: 'closed' } });

      await expect(asTrainer((tx) => tx`update app.questions set visibility = 'open' where id = ${qid}`)).rejects.toThrow(/still open or whose review is not released/);
      await expect(asTrainer((tx) => tx`update app.banks set visibility = 'open' where id = 'vis-hq'`)).rejects.toThrow(/still open or whose review is not released/);
      expect((await h.sql`select visibility from app.questions where id = ${qid}`)[0]).toEqual({ visibility: 'closed' });

      // Once the exam's review is released, the trainer may publish it — and the log names them.
      await h.sql`update app.exams set review_released_at = now() where id = ${exam.id}`;
      expect((await asTrainer((tx) => tx`update app.questions set visibility = 'open' where id = ${qid}`)).count).toBe(1);
      const [opened] = await h.sql`select actor_member_id, actor_label, action, before, after from app.audit_log where entity = 'question' and entity_id = ${qid} order by id desc limit 1`;
      const [trainer] = await h.sql`select id from app.members where employee_no = 'T2001'`;
      expect(opened).toEqual({ actor_member_id: trainer!.id, actor_label: 'member', action: 'question.visibility', before: { visibility: 'closed' }, after: { visibility: 'open' } });
      expect((await asTrainer((tx) => tx`update app.banks set visibility = 'open' where id = 'vis-hq'`)).count).toBe(1);
      // (Creating the bank is audited too, as bank.create; this test is about visibility.)
      expect(await h.sql`select action, before, after from app.audit_log where entity = 'bank' and entity_id = 'vis-hq' and action = 'bank.visibility'`).toEqual([
        { action: 'bank.visibility', before: { visibility: 'closed' }, after: { visibility: 'open' } },
      ]);
    } finally {
      // Put the question back as it was: only this exam holds it, so releasing it frees the question.
      await h.sql`update app.exams set review_released_at = coalesce(review_released_at, now()) where id = ${exam.id}`;
      await h.sql`update app.questions set bank = 'official', visibility = 'open' where id = ${qid}`;
    }
  });
});
