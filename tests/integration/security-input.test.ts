// Regression tests for the bad-input findings of the penetration test (issue 8): control
// characters (5), unbounded anti-cheat events (8) and small validation gaps (14): the
// Content-Type check, marks below the smallest step, and messages echoing percent-encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { createExam, keysOf, responseFor, save, start, submit } from './exam-helpers.ts';
import exams from '../../functions/exams.ts';
import attemptEvents from '../../functions/attempt-events.ts';
import attemptSlotGrade from '../../functions/attempt-slot-grade.ts';
import attemptRegrade from '../../functions/attempt-regrade.ts';
import attemptResponses from '../../functions/attempt-responses.ts';
import attempts from '../../functions/attempts.ts';
import manageResults from '../../functions/manage-results.ts';
import apiNotFound from '../../functions/api-not-found.ts';
import practiceWrongBook from '../../functions/practice-wrong-book.ts';
import examOverrides from '../../functions/exam-overrides.ts';
import { EVENT_LIMITS } from '../../src/core/attempt-events.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const NUL = '\u0000';

/** A submitted attempt of E1001 with its short answer waiting for a trainer. */
async function submittedWithShortAnswer() {
  const exam = await createExam(h);
  const id = (await start(h, exam.id)).body.attempt.id as string;
  const short = (await keysOf(h, id)).find((k) => k.type === 'short')!;
  await save(h, id, short.slot, { response: '先受理，再调查。', seq: 1 });
  await submit(h, id);
  return { id, slot: short.slot };
}

async function postEvent(attemptId: string, kind: string, detail: Record<string, unknown> = {}) {
  return h.call(attemptEvents, {
    method: 'POST', path: `/api/attempts/${attemptId}/events`, token: await h.tokenFor('E1001'), params: { attemptId }, body: { kind, detail },
  });
}

describe('control characters are a 400 with a field error, never a 500 (finding 5)', () => {
  it('in short and fill answers', async () => {
    const exam = await createExam(h);
    const id = (await start(h, exam.id)).body.attempt.id as string;
    const keys = await keysOf(h, id);
    const short = keys.find((k) => k.type === 'short')!;
    const fill = keys.find((k) => k.type === 'fill')!;

    const a = await save(h, id, short.slot, { response: `先受理${NUL}再调查`, seq: 1 });
    expect(a.status).toBe(400);
    expect(a.body.errors.response).toMatch(/U\+0000/);
    const b = await save(h, id, fill.slot, { response: fill.key.blanks.map((_: unknown, i: number) => (i === 0 ? `x${NUL}` : 'y')), seq: 1 });
    expect(b.status).toBe(400);
    expect(b.body.errors).toHaveProperty('response.0');
    const bell = await save(h, id, short.slot, { response: 'ding\u0007', seq: 2 });
    expect(bell.status).toBe(400);
    expect(bell.body.errors.response).toMatch(/U\+0007/);

    // Line breaks and tabs are ordinary in a written answer.
    const ok = await save(h, id, short.slot, { response: '第一，受理；\n第二，调查；\t第三，答复。', seq: 3 });
    expect(ok.status).toBe(200);
    const [row] = await h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`;
    expect(row!.n).toBe(1);
  });

  it('in event details (values and keys)', async () => {
    const exam = await createExam(h);
    const id = (await start(h, exam.id)).body.attempt.id as string;
    const v = await postEvent(id, 'copy', { note: `a${NUL}b` });
    expect(v.status).toBe(400);
    expect(v.body.errors['detail.note']).toMatch(/U\+0000/);
    const k = await postEvent(id, 'copy', { [`n${NUL}`]: 1 });
    expect(k.status).toBe(400);
    expect(k.body.errors.detail).toMatch(/field name/);
    expect(k.text).not.toContain('\\u0000');
    // Event details are one-line facts.
    expect((await postEvent(id, 'copy', { why: 'blur\nagain' })).status).toBe(400);
    const [row] = await h.sql`select count(*)::int as n from app.attempt_events where attempt_id = ${id}`;
    expect(row!.n).toBe(0);
  });

  it('in grading comments and regrade reasons', async () => {
    const { id, slot } = await submittedWithShortAnswer();
    const token = await h.tokenFor('T2001');
    const g = await h.call(attemptSlotGrade, {
      method: 'PUT', path: `/api/attempts/${id}/slots/${slot}/grade`, token, params: { attemptId: id, slot: String(slot) },
      body: { mark: 5, comment: `要点${NUL}不全` },
    });
    expect(g.status).toBe(400);
    expect(g.body.errors.comment).toMatch(/U\+0000/);
    const r = await h.call(attemptRegrade, {
      method: 'POST', path: `/api/attempts/${id}/regrade`, token, params: { attemptId: id }, body: { reason: `复核${NUL}` },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.reason).toMatch(/U\+0000/);
    const multiLine = await h.call(attemptSlotGrade, {
      method: 'PUT', path: `/api/attempts/${id}/slots/${slot}/grade`, token, params: { attemptId: id, slot: String(slot) },
      body: { mark: 5, comment: '要点不全：\n缺少时限。' },
    });
    expect(multiLine.status).toBe(200);
  });

  it('in exam titles, descriptions and org unit codes; a title is one line', async () => {
    const token = await h.tokenFor('T2001');
    const base = { kind: 'exam', blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 1, points: 1 }] } };
    const create = (body: Record<string, unknown>) => h.call(exams, { method: 'POST', path: '/api/exams', token, body: { ...base, ...body } });
    const t = await create({ title: `季度${NUL}考试` });
    expect(t.status).toBe(400);
    expect(t.body.errors.title).toMatch(/U\+0000/);
    const d = await create({ title: '季度考试', description: `说明\u001b[31m` });
    expect(d.status).toBe(400);
    expect(d.body.errors.description).toMatch(/U\+001B/);
    const line = await create({ title: '季度\n考试' });
    expect(line.status).toBe(400);
    expect(line.body.errors.title).toMatch(/single line/);
    const unit = await create({ title: '季度考试', assignments: [{ orgUnit: `HQ${NUL}` }] });
    expect(unit.status).toBe(400);
    expect(unit.body.errors['assignments.0.orgUnit']).toMatch(/U\+0000/);
    const [row] = await h.sql`select count(*)::int as n from app.exams where title like '季度%'`;
    expect(row!.n).toBe(0);
  });

  it('in query strings', async () => {
    const r = await h.call(manageResults, { path: '/api/manage/results?orgUnit=HQ%00', token: await h.tokenFor('T2001') });
    expect(r.status).toBe(400);
    expect(r.body.errors.orgUnit).toMatch(/U\+0000/);
  });

  it('in path parameters (decoded by the platform before the function sees them)', async () => {
    const wrong = await h.call(practiceWrongBook, {
      method: 'DELETE', path: '/api/practice/wrong-book/%00', token: await h.tokenFor('E1001'), params: { questionId: NUL },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.questionId).toMatch(/U\+0000/);
    const exam = await createExam(h);
    const override = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/%00`, token: await h.tokenFor('T2001'), params: { examId: exam.id, memberId: NUL }, body: { extraTimeSec: 60 },
    });
    expect(override.status).toBe(400);
    expect(override.body.errors.memberId).toMatch(/U\+0000/);
  });
});

describe('anti-cheat events are capped; the focus-loss count stays exact (finding 8)', () => {
  it('answers 429 with Retry-After over the per-minute cap and stores nothing more', async () => {
    const exam = await createExam(h);
    const id = (await start(h, exam.id)).body.attempt.id as string;
    for (let i = 0; i < EVENT_LIMITS.perMinute; i++) expect((await postEvent(id, 'copy', { slot: 1 })).status).toBe(201);
    const over = await postEvent(id, 'paste', { slot: 1 });
    expect(over.status).toBe(429);
    expect(over.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(over.body).toMatchObject({ status: 429, code: 'too_many_events', limit: 'per_minute' });
    expect(over.body.detail).toMatch(/at most 30 a minute/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [row] = await h.sql`select count(*)::int as n from app.attempt_events where attempt_id = ${id}`;
    expect(row!.n).toBe(EVENT_LIMITS.perMinute);

  });

  it('counts a rolling minute: Retry-After says when the oldest event leaves it', async () => {
    // Events stored earlier (superuser, tests only: attempt_events is append-only).
    const backdated = async (secAgo: number) => {
      const exam = await createExam(h);
      const id = (await start(h, exam.id)).body.attempt.id as string;
      await h.sql`insert into app.attempt_events (attempt_id, kind, at)
        select ${id}, 'copy', now() - make_interval(secs => ${secAgo}) from generate_series(1, ${EVENT_LIMITS.perMinute})`;
      return id;
    };
    const recent = await postEvent(await backdated(50), 'copy');
    expect(recent.status).toBe(429);
    expect(Number(recent.headers.get('retry-after'))).toBeGreaterThanOrEqual(9);
    expect(Number(recent.headers.get('retry-after'))).toBeLessThanOrEqual(11);
    expect((await postEvent(await backdated(61), 'copy')).status).toBe(201);
  });

  it('counts every focus loss even over the cap, so copy events cannot use up the limit first', async () => {
    const exam = await createExam(h, { focusLossLimit: 2 });
    const id = (await start(h, exam.id)).body.attempt.id as string;
    for (let i = 0; i < EVENT_LIMITS.perMinute; i++) await postEvent(id, 'copy');
    const first = await postEvent(id, 'focus_loss');
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ focusLosses: 1, verdict: 'warn', focusLossLimit: 2, state: 'in_progress' });
    expect(first.body.detail).toMatch(/still counted/);
    expect((await postEvent(id, 'focus_loss')).body).toMatchObject({ focusLosses: 2, verdict: 'warn' });
    const forced = await postEvent(id, 'focus_loss');
    expect(forced.status).toBe(201);
    expect(forced.body).toMatchObject({ focusLosses: 3, verdict: 'force_submit', state: 'auto_submitted' });
    const [a] = await h.sql`select focus_losses, state from app.attempts where id = ${id}`;
    expect(a).toMatchObject({ focus_losses: 3, state: 'auto_submitted' });
  });

  it('stops at the per-attempt cap; concurrent reports are counted exactly', async () => {
    const exam = await createExam(h);
    const id = (await start(h, exam.id)).body.attempt.id as string;
    // Fill the attempt up to its cap with events from earlier minutes (superuser, tests only).
    await h.sql`insert into app.attempt_events (attempt_id, kind, at)
      select ${id}, 'copy', now() - interval '2 minutes' - make_interval(secs => g) from generate_series(1, ${EVENT_LIMITS.perAttempt}) g`;
    const over = await postEvent(id, 'copy');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ limit: 'per_attempt', retryAfterSec: null });
    expect(over.headers.get('retry-after')).toBeNull();

    const results = await Promise.all(Array.from({ length: 8 }, () => postEvent(id, 'focus_loss')));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(429));
    expect(results.map((r) => r.body.focusLosses).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const [a] = await h.sql`select focus_losses from app.attempts where id = ${id}`;
    expect(a!.focus_losses).toBe(8);
    const [row] = await h.sql`select count(*)::int as n from app.attempt_events where attempt_id = ${id}`;
    expect(row!.n).toBe(EVENT_LIMITS.perAttempt);
  });
});

describe('small validation gaps (finding 14)', () => {
  it('parses the Content-Type media type instead of searching it for "application/json"', async () => {
    const exam = await createExam(h);
    const id = (await start(h, exam.id)).body.attempt.id as string;
    const send = async (type: string) => h.call(attemptEvents, {
      method: 'POST', path: `/api/attempts/${id}/events`, token: await h.tokenFor('E1001'), params: { attemptId: id },
      headers: { 'content-type': type }, rawBody: JSON.stringify({ kind: 'copy' }),
    });
    for (const bad of ['text/html; x=application/json', 'text/plain;application/json', 'application/json-seq', 'application/jsonx']) {
      const r = await send(bad);
      expect(r.status, bad).toBe(400);
      expect(r.body.detail).toMatch(/Content-Type: application\/json/);
    }
    for (const good of ['application/json', 'Application/JSON; charset=UTF-8', ' application/json ;charset=utf-8']) {
      expect((await send(good)).status, good).toBe(201);
    }
  });

  it('refuses marks between steps of 0.01 point instead of storing 0', async () => {
    const { id, slot } = await submittedWithShortAnswer();
    const grade = async (mark: number) => h.call(attemptSlotGrade, {
      method: 'PUT', path: `/api/attempts/${id}/slots/${slot}/grade`, token: await h.tokenFor('T2001'),
      params: { attemptId: id, slot: String(slot) }, body: { mark },
    });
    const tiny = await grade(0.004);
    expect(tiny.status).toBe(400);
    expect(tiny.body.errors.mark).toMatch(/steps of 0\.01/);
    expect((await grade(7.255)).status).toBe(400);
    const [row] = await h.sql`select state, mark from app.attempt_slots where attempt_id = ${id} and slot = ${slot}`;
    expect(row).toMatchObject({ state: 'needs_grading', mark: null });

    const ok = await grade(0.07);
    expect(ok.status).toBe(200);
    expect(ok.body.after).toMatchObject({ mark: 0.07, state: 'partial' });
    expect((await grade(0)).body.after).toMatchObject({ mark: 0, state: 'incorrect' });
  });

  it('echoes path values decoded, not as percent-escapes', async () => {
    const api = await h.call(apiNotFound, { path: '/api/%E8%80%83%E8%AF%95/%3Cb%3E' });
    expect(api.status).toBe(404);
    expect(api.body.detail).toBe('There is no API endpoint at /api/考试/<b>.');
    const attempt = await h.call(attempts, { path: '/api/attempts/%E8%80%83%E8%AF%95', token: await h.tokenFor('E1001'), params: { attemptId: '%E8%80%83%E8%AF%95' } });
    expect(attempt.status).toBe(404);
    expect(attempt.body.detail).toContain('"考试"');
    expect(attempt.body.detail).not.toMatch(/%[0-9A-F]{2}/);
    const slot = await h.call(attemptResponses, {
      method: 'PUT', path: '/api/attempts/x/responses/%E4%B8%80', token: await h.tokenFor('E1001'),
      params: { attemptId: '00000000-0000-4000-8000-000000000000', slot: '%E4%B8%80' }, body: { response: null, seq: 1 },
    });
    expect(slot.status).toBe(400);
    expect(slot.body.errors.slot).toBe('"一" is not a question number.');
  });
});
