// Regression tests for the findings of the security review: keys through practice during an exam,
// overrides on exams the trainer does not manage, a manager's view of their own attempt, and
// disabled accounts refreshing their session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { createExam, start, submit } from './exam-helpers.ts';
import practiceAnswers from '../../functions/practice-answers.ts';
import practiceWrongBook from '../../functions/practice-wrong-book.ts';
import examOverrides from '../../functions/exam-overrides.ts';
import manageAttempts from '../../functions/manage-attempts.ts';
import manageResults from '../../functions/manage-results.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

describe('practice feedback never reveals a key of a question in a live attempt', () => {
  it('refuses feedback (409) for a question on my unfinished paper, and allows it after submit', async () => {
    const exam = await createExam(h, { title: '练习泄露测试', blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 2, points: 10 }] } }, 'T2001');
    const started = await start(h, exam.id, 'E1002');
    expect(started.status).toBe(201);
    const slot = started.body.slots[0];
    const questionId = slot.question.id as string;
    const answer = { questionId, response: slot.question.options[0].id, context: 'practice' };
    const token = await h.tokenFor('E1002');

    const during = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: answer });
    expect(during.status).toBe(409);
    expect(during.body.code).toBe('in_live_attempt');
    expect(during.text).not.toContain('explanation');
    const book = await h.call(practiceWrongBook, { path: '/api/practice/wrong-book', token });
    expect(book.body.items.map((i: { questionId: string }) => i.questionId)).not.toContain(questionId);

    await submit(h, started.body.attempt.id, 'E1002');
    const after = await h.call(practiceAnswers, { method: 'POST', path: '/api/practice/answers', token, body: answer });
    expect(after.status).toBe(201);
    expect(after.body.explanation).toBeTruthy();
  });
});

describe('overrides need a trainer who manages the exam', () => {
  it('a 青岛 trainer cannot give extra attempts on an exam owned by 总行', async () => {
    const exam = await createExam(h, { title: '总行考试' }, 'T2001');
    const r = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('T2002'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraAttempts: 5, extraTimeSec: 0 },
    });
    expect(r.status).toBe(403);
    const [row] = await h.sql`select count(*)::int as n from app.exam_overrides where exam_id = ${exam.id}`;
    expect(row!.n).toBe(0);
  });

  it('the owning trainer can', async () => {
    const exam = await createExam(h, { title: '总行考试二' }, 'T2001');
    const r = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('T2001'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraAttempts: 1, extraTimeSec: 60 },
    });
    expect(r.status).toBe(200);
  });
});

describe("a manager's own attempts follow the review policy", () => {
  it('the manager view refuses my own attempt and the results table leaves me out', async () => {
    const exam = await createExam(h, { title: '培训师自测' }, 'T2001');
    const started = await start(h, exam.id, 'T2002');
    expect(started.status).toBe(201);
    await submit(h, started.body.attempt.id, 'T2002');
    const token = await h.tokenFor('T2002');
    const mine = await h.call(manageAttempts, { path: `/api/manage/attempts/${started.body.attempt.id}`, token, params: { attemptId: started.body.attempt.id } });
    expect(mine.status).toBe(403);
    expect(mine.text).not.toContain('rightAnswer');
    const table = await h.call(manageResults, { path: `/api/manage/results?examId=${exam.id}`, token });
    expect(table.status).toBe(200);
    expect(table.body.rows.map((r: { employeeNo: string }) => r.employeeNo)).not.toContain('T2002');
  });
});

describe('local auth', () => {
  it('a disabled account cannot refresh its session', async () => {
    const sign = await fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'e1012@demo.xiaobao.local', password: 'Xiaobao2026!' }),
    });
    const session = await sign.json();
    await h.sql`update auth.users set banned_until = now() + interval '1 day' where email = 'e1012@demo.xiaobao.local'`;
    const refreshed = await fetch(`${h.authUrl}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    expect(refreshed.status).toBe(400);
    expect((await refreshed.json()).error_code).toBe('user_banned');
  });

  it('parallel wrong guesses cannot slip past the limit', async () => {
    const guess = () => fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'e1013@demo.xiaobao.local', password: 'guess' }),
    }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 12 }, guess));
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
  });
});
