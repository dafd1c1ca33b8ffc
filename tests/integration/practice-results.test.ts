// Practice (instant feedback, FSRS cards, the wrong-answer book) and results (mine, and what
// trainers/HR see in their scope), through the real functions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { createExam, keysOf, responseFor, save, start, submit } from './exam-helpers.ts';
import practiceSessions from '../../functions/practice-sessions.ts';
import practiceAnswers from '../../functions/practice-answers.ts';
import practiceWrongBook from '../../functions/practice-wrong-book.ts';
import practiceStats from '../../functions/practice-stats.ts';
import results from '../../functions/results.ts';
import manageResults from '../../functions/manage-results.ts';
import manageAttempts from '../../functions/manage-attempts.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

async function keyOf(questionId: string) {
  const [r] = await h.sql`select v.type, v.options, k.key, k.explanation from app.questions q
    join app.question_versions v on v.id = q.current_version_id join app.question_keys k on k.question_version_id = v.id where q.id = ${questionId}`;
  return { slot: 0, points: 1, questionId, type: r!.type as string, options: r!.options as any, key: r!.key as any, explanation: r!.explanation as string };
}

const answer = async (who: string, body: unknown) =>
  h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token: await h.tokenFor(who), body });
const session = async (who: string, body: unknown) =>
  h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token: await h.tokenFor(who), body });

describe('practice', () => {
  it('a topic session gives public questions of that topic (no short answers, no keys)', async () => {
    const r = await session('E1002', { mode: 'topic', topic: 'personal-info', size: 8 });
    expect(r.status).toBe(200);
    expect(r.body.questions).toHaveLength(8);
    expect(r.body.questions.every((q: any) => q.topic === 'personal-info' && q.question.type !== 'short')).toBe(true);
    expect(r.text).not.toMatch(/"(answer|blanks|explanation|modelAnswer|key)"\s*:/);
    const bad = await session('E1002', { mode: 'topic' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveProperty('topic');
    expect((await session('E1002', { mode: 'random' })).status).toBe(400);
  });

  it('wrong answer → feedback, FSRS card, wrong-answer book; right later → out of the book', async () => {
    const q = 'personal-info-001';
    const k = await keyOf(q);
    const wrong = await answer('E1002', { questionId: q, response: responseFor(k, false), context: 'practice' });
    expect(wrong.status).toBe(201);
    expect(wrong.body).toMatchObject({ questionId: q, correct: false, state: 'incorrect', inWrongBook: true, wrongCount: 1, explanation: k.explanation });
    expect(wrong.body.rightAnswer).toEqual(k.type === 'fill' ? { blanks: k.key.blanks, orderInsensitive: k.key.orderInsensitive } : k.key.answer);
    expect(wrong.body.source).toHaveProperty('instrument');
    const [card] = await h.sql`select c.reps, c.lapses, c.in_wrong_book, c.last_correct, c.card->>'state' as state, c.due_at
      from app.practice_cards c join app.members m on m.id = c.member_id where m.employee_no = 'E1002' and c.question_id = ${q}`;
    expect(card).toMatchObject({ reps: 1, in_wrong_book: true, last_correct: false, state: 'Learning' });

    const book = await h.call(practiceWrongBook, { path: '/api/practice/wrong-book', token: await h.tokenFor('E1002') });
    expect(book.status).toBe(200);
    const item = book.body.items.find((i: any) => i.questionId === q);
    expect(item).toMatchObject({ wrongCount: 1, lastResponse: responseFor(k, false), explanation: k.explanation });
    expect(item.rightAnswer).toEqual(wrong.body.rightAnswer);

    const wrongSession = await session('E1002', { mode: 'wrong' });
    expect(wrongSession.body.questions.map((x: any) => x.question.id)).toContain(q);

    const right = await answer('E1002', { questionId: q, response: responseFor(k, true), context: 'knowledge_check', responseTimeMs: 12000 });
    expect(right.body).toMatchObject({ correct: true, state: 'correct', inWrongBook: false, wrongCount: 1 });
    const book2 = await h.call(practiceWrongBook, { path: '/api/practice/wrong-book', token: await h.tokenFor('E1002') });
    expect(book2.body.items.map((i: any) => i.questionId)).not.toContain(q);
    const ctx = await h.sql`select pa.context, pa.correct from app.practice_answers pa join app.members m on m.id = pa.member_id
      where m.employee_no = 'E1002' and pa.question_id = ${q} order by pa.id`;
    expect(ctx.map((r) => [r.context, r.correct])).toEqual([['practice', false], ['knowledge_check', true]]);
  });

  it('removing from the wrong-answer book; stats by topic; daily set of 10', async () => {
    const q = 'personal-info-002';
    const k = await keyOf(q);
    await answer('E1002', { questionId: q, response: responseFor(k, false) });
    const del = await h.call(practiceWrongBook, { method: 'DELETE', path: `/api/practice/wrong-book/${q}`, token: await h.tokenFor('E1002'), params: { questionId: q } });
    expect(del.status).toBe(204);
    const again = await h.call(practiceWrongBook, { method: 'DELETE', path: `/api/practice/wrong-book/${q}`, token: await h.tokenFor('E1002'), params: { questionId: q } });
    expect(again.status).toBe(404);

    const stats = await h.call(practiceStats, { path: '/api/practice/stats', token: await h.tokenFor('E1002') });
    expect(stats.status).toBe(200);
    const pi = stats.body.byTopic.find((t: any) => t.topic === 'personal-info');
    expect(pi).toMatchObject({ answered: 3, correct: 1, wrongBookCount: 0 });
    expect(stats.body.answered).toBe(3);
    expect(stats.body.correctRate).toBeCloseTo(1 / 3, 3);

    const daily = await session('E1002', { mode: 'daily' });
    expect(daily.body.questions).toHaveLength(10);
    const daily2 = await session('E1002', { mode: 'daily' });
    expect(daily2.body.questions.map((x: any) => x.question.id)).toEqual(daily.body.questions.map((x: any) => x.question.id));
    // Due questions (answered wrong minutes ago are due within the learning step) come first when due.
    const due = await session('E1002', { mode: 'due' });
    expect(due.status).toBe(200);
  });

  it('malformed practice answers → 400 and nothing recorded', async () => {
    const [{ n: before }] = (await h.sql`select count(*)::int as n from app.practice_answers`) as unknown as [{ n: number }];
    const cases: unknown[] = [
      { questionId: 'personal-info-001', response: 42 },
      { questionId: 'no-such-question', response: 'A' },
      { questionId: 'personal-info-028', response: '简答' }, // a short answer: no instant feedback
      { questionId: 'personal-info-001', response: null },
      { questionId: 'personal-info-001', response: 'A', context: 'exam' },
    ];
    for (const body of cases) expect((await answer('E1002', body)).status, JSON.stringify(body)).toBe(400);
    const [{ n: after }] = (await h.sql`select count(*)::int as n from app.practice_answers`) as unknown as [{ n: number }];
    expect(after).toBe(before);
  });
});

describe('results', () => {
  let attemptId = '';
  beforeAll(async () => {
    const exam = await createExam(h, { title: '成绩测试' });
    const a = (await start(h, exam.id)).body;
    attemptId = a.attempt.id;
    const keys = await keysOf(h, attemptId);
    await save(h, attemptId, 1, { response: responseFor(keys[0]!, true), seq: 1 });
    await h.call((await import('../../functions/attempt-events.ts')).default, {
      method: 'POST', path: `/api/attempts/${attemptId}/events`, token: await h.tokenFor('E1001'), params: { attemptId }, body: { kind: 'focus_loss' },
    });
    await submit(h, attemptId);
  });

  it('my results list my attempts with scores as the policy allows', async () => {
    const r = await h.call(results, { path: '/api/results', token: await h.tokenFor('E1001') });
    expect(r.status).toBe(200);
    expect(r.body.results.find((x: any) => x.attemptId === attemptId)).toMatchObject({ examTitle: '成绩测试', state: 'submitted', score: 10, maxScore: 60, passed: false, scoreVisible: true });
    const other = await h.call(results, { path: '/api/results', token: await h.tokenFor('E1002') });
    expect(other.body.results.map((x: any) => x.attemptId)).not.toContain(attemptId);
  });

  it.each(['T2001', 'H3001', 'T2002', 'A4001'])('%s (scope contains 市南支行) sees E1001\'s score', async (who) => {
    const r = await h.call(manageResults, { path: '/api/manage/results', token: await h.tokenFor(who) });
    expect(r.status).toBe(200);
    expect(r.body.rows.find((x: any) => x.attemptId === attemptId)).toMatchObject({ employeeNo: 'E1001', name: '张晓梅', orgName: '市南支行', score: 10, percent: 16.67, passed: false, focusLosses: 1 });
  });

  it('HR of 济南 sees no 青岛 attempts, and cannot open one', async () => {
    const r = await h.call(manageResults, { path: '/api/manage/results', token: await h.tokenFor('H3002') });
    expect(r.status).toBe(200);
    expect(r.body.rows.filter((x: any) => x.orgPath.startsWith('/HQ/QD/'))).toEqual([]);
    const one = await h.call(manageAttempts, { path: `/api/manage/attempts/${attemptId}`, token: await h.tokenFor('H3002'), params: { attemptId } });
    expect(one.status).toBe(404);
  });

  it('filters by exam and org unit; employees are refused', async () => {
    const [{ exam_id: examId }] = (await h.sql`select exam_id from app.attempts where id = ${attemptId}`) as unknown as [{ exam_id: string }];
    const byExam = await h.call(manageResults, { path: `/api/manage/results?examId=${examId}&orgUnit=QD`, token: await h.tokenFor('T2001') });
    expect(byExam.body.rows.map((x: any) => x.attemptId)).toEqual([attemptId]);
    const byOtherUnit = await h.call(manageResults, { path: `/api/manage/results?examId=${examId}&orgUnit=JN`, token: await h.tokenFor('T2001') });
    expect(byOtherUnit.body.rows).toEqual([]);
    expect((await h.call(manageResults, { path: '/api/manage/results?examId=nope', token: await h.tokenFor('T2001') })).status).toBe(400);
    expect((await h.call(manageResults, { path: '/api/manage/results', token: await h.tokenFor('E1001') })).status).toBe(403);
  });

  it("a trainer's full view: answers, marks, keys (finished), focus-loss events, every save", async () => {
    // T2001 administers the (head-office) exam; readers who only manage E1001 get no keys before the
    // review releases them (issue 8, docs/decisions/scope-and-key-release.md; tests/integration/security-keys.test.ts).
    const r = await h.call(manageAttempts, { path: `/api/manage/attempts/${attemptId}`, token: await h.tokenFor('T2001'), params: { attemptId } });
    expect(r.status).toBe(200);
    expect(r.body.attempt).toMatchObject({ id: attemptId, employeeNo: 'E1001', state: 'submitted', score: 10, focusLosses: 1 });
    expect(r.body.slots[0]).toMatchObject({ state: 'correct', mark: 10, saves: 1 });
    expect(r.body.slots[0]).toHaveProperty('rightAnswer');
    expect(r.body.events.map((e: any) => e.kind)).toEqual(['focus_loss']);
    expect(r.body.responseEvents).toHaveLength(1);
    expect((await h.call(manageAttempts, { path: `/api/manage/attempts/${attemptId}`, token: await h.tokenFor('E1002'), params: { attemptId } })).status).toBe(403);
  });
});
