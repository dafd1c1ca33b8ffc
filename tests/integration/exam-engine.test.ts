// The exam engine end to end through the real functions: creating exams, starting/resuming,
// saving (idempotent, out-of-order safe, refused after deadline + grace), submitting, overdue
// finalisation (scheduled and lazy), anti-cheat, regrade and manual grading, and that no payload
// of an in-progress attempt carries a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import {
  ALL_VISIBLE, NONE_VISIBLE, MIXED_BLUEPRINT, createExam, start, save, submit, keysOf, responseFor, deadlineAgo, ageAttempt,
} from './exam-helpers.ts';
import exams from '../../functions/exams.ts';
import attempts from '../../functions/attempts.ts';
import attemptEvents from '../../functions/attempt-events.ts';
import attemptResponses from '../../functions/attempt-responses.ts';
import attemptRegrade from '../../functions/attempt-regrade.ts';
import attemptSlotGrade from '../../functions/attempt-slot-grade.ts';
import examOverrides from '../../functions/exam-overrides.ts';
import finaliseOverdue from '../../functions/finalise-overdue.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const getAttempt = async (id: string, who = 'E1001') =>
  h.call(attempts, { path: `/api/attempts/${id}`, token: await h.tokenFor(who), params: { attemptId: id } });

describe('demo data', () => {
  it('offers the two demo exams to an employee, open, with their settings', async () => {
    const r = await h.call(exams, { path: '/api/exams', token: await h.tokenFor('E1001') });
    expect(r.status).toBe(200);
    const monthly = r.body.exams.find((e: any) => e.title === '消保知识月度测试（演示）');
    const contest = r.body.exams.find((e: any) => e.title === '消保知识竞赛模拟赛（演示）');
    expect(monthly).toMatchObject({ kind: 'exam', state: 'open', timeLimitSec: 1800, questionCount: 20, passPercent: 60, attempts: { used: 0, allowed: 2, remaining: 2 }, liveAttemptId: null, gradingMethod: 'highest' });
    expect(contest).toMatchObject({ kind: 'mock_contest', timeLimitSec: 3600, questionCount: 50, attempts: { allowed: 3 } });
  });
});

describe('creating exams', () => {
  it('a trainer creates an exam; the bank check names a section it cannot fill', async () => {
    const r = await h.call(exams, {
      method: 'POST', path: '/api/exams', token: await h.tokenFor('T2001'),
      body: { title: '太多题', kind: 'exam', blueprint: { sections: [{ type: 'single', count: 1, points: 1 }, { type: 'short', topic: 'complaint-handling', count: 5, points: 10 }] }, assignments: [{ orgUnit: 'HQ' }] },
    });
    expect(r.status).toBe(400);
    // The bank grows with the content: the message names the section and how many match.
    expect(r.body.detail).toMatch(/Section 2 .*简答题.*complaint-handling.*only \d+ match/);
    expect(r.body.errors).toHaveProperty('blueprint.sections.1.count');
  });

  it('invalid settings give field errors', async () => {
    const r = await h.call(exams, {
      method: 'POST', path: '/api/exams', token: await h.tokenFor('T2001'),
      body: { title: '', kind: 'quiz', timeLimitSec: 'long', blueprint: { sections: [] }, assignments: [{ orgUnit: 'NOWHERE' }] },
    });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(expect.arrayContaining(['title', 'kind', 'timeLimitSec', 'blueprint.sections']));
  });

  it('employees and HR cannot create exams; a branch trainer cannot assign outside the branch', async () => {
    for (const who of ['E1001', 'H3001']) {
      const r = await h.call(exams, { method: 'POST', path: '/api/exams', token: await h.tokenFor(who), body: { title: 'x', kind: 'exam', blueprint: MIXED_BLUEPRINT } });
      expect(r.status).toBe(403);
    }
    const r = await h.call(exams, { method: 'POST', path: '/api/exams', token: await h.tokenFor('T2002'), body: { title: 'x', kind: 'exam', blueprint: MIXED_BLUEPRINT, assignments: [{ orgUnit: 'JN' }] } });
    expect([400, 403]).toContain(r.status); // JN is not even visible to a QD trainer
    const ok = await h.call(exams, { method: 'POST', path: '/api/exams', token: await h.tokenFor('T2002'), body: { title: '青岛分行测试', kind: 'exam', blueprint: MIXED_BLUEPRINT, assignments: [{ orgUnit: 'QD-SN' }] } });
    expect(ok.status).toBe(201);
    // Offered to 市南支行 only: E1001 sees it, E1008 (济南) does not.
    const mine = await h.call(exams, { path: '/api/exams', token: await h.tokenFor('E1001') });
    expect(mine.body.exams.map((e: any) => e.id)).toContain(ok.body.id);
    const other = await h.call(exams, { path: '/api/exams', token: await h.tokenFor('E1008') });
    expect(other.body.exams.map((e: any) => e.id)).not.toContain(ok.body.id);
    const refused = await start(h, ok.body.id, 'E1008');
    expect(refused.status).toBe(404);
  });

  it('GET /api/exams/:id gives the start page without questions', async () => {
    const exam = await createExam(h);
    const r = await h.call(exams, { path: `/api/exams/${exam.id}`, token: await h.tokenFor('E1001'), params: { examId: exam.id } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: exam.id, state: 'open', questionCount: 6, totalPoints: 60, offered: true });
    expect(r.body).not.toHaveProperty('manage');
    expect(r.text).not.toMatch(/"(blueprint|slots|stem)"/);
  });
});

describe('starting and resuming', () => {
  it('starts with a paper without keys, then resumes the same attempt; two concurrent starts return one attempt', async () => {
    const exam = await createExam(h);
    const [a, b] = await Promise.all([start(h, exam.id), start(h, exam.id)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.attempt.id).toBe(b.body.attempt.id);
    const [{ n }] = (await h.sql`select count(*)::int as n from app.attempts where exam_id = ${exam.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);
    const p = a.body;
    expect(p.attempt).toMatchObject({ state: 'in_progress', graceSec: 60, attemptNo: 1 });
    expect(Date.parse(p.attempt.deadline) - Date.parse(p.attempt.startedAt)).toBe(600_000);
    expect(Math.abs(Date.parse(p.attempt.serverNow) - Date.now())).toBeLessThan(60_000);
    expect(p.slots.map((s: any) => s.question.type)).toEqual(['single', 'single', 'multiple', 'truefalse', 'fill', 'short']);
    expect(p.slots.every((s: any) => s.response === null && s.seq === 0)).toBe(true);
    const again = await start(h, exam.id);
    expect(again.status).toBe(200);
    expect(again.body.slots).toEqual(p.slots);
  });

  it('a start writes one row (the attempt, its paper on it); a slot gets a row on its first save; grading fills the rest', async () => {
    const exam = await createExam(h);
    const rowsOf = async (id: string) => (await h.sql`
      select (select count(*)::int from app.attempts where exam_id = ${exam.id}) as attempts,
             (select count(*)::int from app.attempt_responses where attempt_id = ${id}) as responses,
             (select count(*)::int from app.attempt_slots where attempt_id = ${id}) as slots`)[0] as { attempts: number; responses: number; slots: number };
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    expect(await rowsOf(id)).toEqual({ attempts: 1, responses: 0, slots: 6 });
    // The paper on the attempt is what the runner got: versions, points, option order, in slot order.
    const [{ paper }] = (await h.sql`select paper from app.attempts where id = ${id}`) as unknown as [{ paper: { slot: number; vid: string; points: number; oo: string[] | null }[] }];
    expect(paper.map((p) => p.slot)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(paper.map((p) => p.vid)).toEqual(a.slots.map((s: any) => s.question.versionId));
    expect(paper.map((p) => p.points)).toEqual(a.slots.map((s: any) => s.points));
    for (const [i, s] of a.slots.entries()) {
      if (paper[i]!.oo) expect(s.question.options.map((o: any) => o.id)).toEqual(paper[i]!.oo);
    }
    // Idempotent by (attempt, slot, seq): a retried first save creates one response row and one event.
    const keys = await keysOf(h, id);
    expect((await save(h, id, 3, { response: responseFor(keys[2]!, true), seq: 1 })).body).toMatchObject({ applied: true, duplicate: false });
    expect((await save(h, id, 3, { response: responseFor(keys[2]!, true), seq: 1 })).body).toMatchObject({ applied: false, duplicate: true, latestSeq: 1 });
    expect(await rowsOf(id)).toEqual({ attempts: 1, responses: 1, slots: 6 });
    const [{ n: events }] = (await h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`) as unknown as [{ n: number }];
    expect(events).toBe(1);
    // Resume reads the paper back the same way, with the one answer in place.
    const again = await start(h, exam.id);
    expect(again.status).toBe(200);
    expect(again.body.slots.map((s: any) => s.question)).toEqual(a.slots.map((s: any) => s.question));
    expect(again.body.slots.map((s: any) => s.seq)).toEqual([0, 0, 1, 0, 0, 0]);
    // A save to a slot that is not on the paper is refused as before (the fast path writes nothing).
    const off = await save(h, id, 7, { response: 'A', seq: 1 });
    expect(off.status).toBe(400);
    expect(off.body.errors.slot).toContain('1–6');
    expect(await rowsOf(id)).toEqual({ attempts: 1, responses: 1, slots: 6 });
    // Grading gives every slot its state and mark, answered or not.
    expect((await submit(h, id)).status).toBe(200);
    const graded = await h.sql`select slot, state from app.attempt_slots where attempt_id = ${id} order by slot`;
    expect(graded.map((g) => g.state)).toEqual(['unanswered', 'unanswered', 'correct', 'unanswered', 'unanswered', 'unanswered']);
    expect(await rowsOf(id)).toEqual({ attempts: 1, responses: 6, slots: 6 });
  });

  it('prefers questions the person has not seen before', async () => {
    const exam = await createExam(h, { attemptsAllowed: 0, blueprint: { sections: [{ type: 'truefalse', topic: 'complaint-handling', count: 3, points: 1 }] } });
    // E1003 has not sat any exam in this file yet.
    const first = await start(h, exam.id, 'E1003');
    await submit(h, first.body.attempt.id, 'E1003');
    const second = await start(h, exam.id, 'E1003');
    const ids1 = first.body.slots.map((s: any) => s.question.id);
    const ids2 = second.body.slots.map((s: any) => s.question.id);
    // complaint-handling has 6 true/false questions: the second paper can be entirely new.
    expect(ids2.filter((id: string) => ids1.includes(id))).toEqual([]);
  });

  it('attempt limit, then an extra attempt from an override', async () => {
    const exam = await createExam(h, { attemptsAllowed: 1 });
    const a = await start(h, exam.id);
    await submit(h, a.body.attempt.id);
    const refused = await start(h, exam.id);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'no_attempts_left' });
    expect(refused.body.detail).toMatch(/used all 1 attempt/);
    const o = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('T2001'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraAttempts: 1 },
    });
    expect(o.status).toBe(200);
    const second = await start(h, exam.id);
    expect(second.status).toBe(201);
    expect(second.body.attempt.attemptNo).toBe(2);
    const list = await h.call(exams, { path: `/api/exams/${exam.id}`, token: await h.tokenFor('E1001'), params: { examId: exam.id } });
    expect(list.body.attempts).toEqual({ used: 1, allowed: 2, remaining: 1 });
  });

  it('override extra time extends the deadline; an employee cannot set overrides', async () => {
    const exam = await createExam(h);
    const denied = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('E1001'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraTimeSec: 600 },
    });
    expect(denied.status).toBe(403);
    const bad = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('T2001'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraTimeSec: -5 },
    });
    expect(bad.status).toBe(400);
    const o = await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${exam.id}/overrides/E1001`, token: await h.tokenFor('T2001'),
      params: { examId: exam.id, memberId: 'E1001' }, body: { extraTimeSec: 300 },
    });
    expect(o.status).toBe(200);
    const a = await start(h, exam.id);
    expect(Date.parse(a.body.attempt.deadline) - Date.parse(a.body.attempt.startedAt)).toBe(900_000);
  });

  it('window not open yet / closed → 403 with a clear reason; a personal window opens it', async () => {
    const soon = await createExam(h, { windowOpen: new Date(Date.now() + 86_400_000).toISOString(), windowClose: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    const r1 = await start(h, soon.id);
    expect(r1.status).toBe(403);
    expect(r1.body).toMatchObject({ code: 'not_open' });
    expect(r1.body.detail).toMatch(/opens at/);
    const past = await createExam(h, { windowOpen: new Date(Date.now() - 2 * 86_400_000).toISOString(), windowClose: new Date(Date.now() - 86_400_000).toISOString() });
    const r2 = await start(h, past.id);
    expect(r2.status).toBe(403);
    expect(r2.body).toMatchObject({ code: 'closed' });
    expect(r2.body.detail).toMatch(/closed at .*extend your window/);
    const list = await h.call(exams, { path: '/api/exams', token: await h.tokenFor('E1001') });
    expect(list.body.exams.find((e: any) => e.id === soon.id).state).toBe('upcoming');
    expect(list.body.exams.find((e: any) => e.id === past.id).state).toBe('closed');
    await h.call(examOverrides, {
      method: 'PUT', path: `/api/exams/${past.id}/overrides/E1001`, token: await h.tokenFor('T2001'),
      params: { examId: past.id, memberId: 'E1001' }, body: { windowClose: new Date(Date.now() + 3600_000).toISOString() },
    });
    const r3 = await start(h, past.id);
    expect(r3.status).toBe(201);
    // The deadline is cut by the personal window close when that comes first.
    expect(Date.parse(r3.body.attempt.deadline)).toBeLessThanOrEqual(Date.parse(r3.body.attempt.startedAt) + 600_000);
  });
});

describe('saving responses', () => {
  it('is idempotent on seq, out-of-order safe, and two tabs converge on the highest seq', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    const right = responseFor(keys[0]!, true);
    const wrong = responseFor(keys[0]!, false);

    const s1 = await save(h, id, 1, { response: wrong, seq: 1 });
    expect(s1.status).toBe(200);
    expect(s1.body).toMatchObject({ slot: 1, seq: 1, applied: true, duplicate: false, latestSeq: 1 });
    expect(Date.parse(s1.body.savedAt)).toBeGreaterThan(0);

    const dup = await save(h, id, 1, { response: right, seq: 1 });
    expect(dup.status).toBe(200);
    expect(dup.body).toMatchObject({ seq: 1, applied: false, duplicate: true, savedAt: s1.body.savedAt });

    // Tab B jumps ahead; a late save from tab A (older seq) is logged but does not overwrite.
    const b = await save(h, id, 1, { response: right, seq: 10, flagged: true });
    expect(b.body).toMatchObject({ applied: true, latestSeq: 10 });
    const late = await save(h, id, 1, { response: wrong, seq: 5, flagged: false });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ applied: false, duplicate: false, latestSeq: 10 });

    const [slot] = await h.sql`select response, response_seq, flagged from app.attempt_slots where attempt_id = ${id} and slot = 1`;
    expect(slot).toMatchObject({ response: right, response_seq: 10, flagged: true });
    const events = await h.sql`select seq from app.response_events where attempt_id = ${id} and slot = 1 order by id`;
    expect(events.map((e) => e.seq)).toEqual([1, 10, 5]);

    // Resume shows the saved state.
    const resumed = await getAttempt(id);
    expect(resumed.body.slots[0]).toMatchObject({ response: right, seq: 10, flagged: true });
    // Clearing an answer is a save of null.
    expect((await save(h, id, 2, { response: null, seq: 1 })).status).toBe(200);
  });

  it('malformed payloads → 400 with field errors and nothing changed', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const token = await h.tokenFor('E1001');
    const before = await h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`;

    const cases: [number, unknown, string][] = [
      [1, { response: 'A', seq: 'one' }, 'seq'],
      [1, { response: 'A' }, 'seq'],
      [1, { seq: 1 }, 'response'],
      [1, { response: 'A', seq: 1, extra: true }, '(body)'],
      [1, { response: [true], seq: 1 }, 'response'],            // wrong type for a single-choice question
      [1, { response: 'Z', seq: 1 }, 'response'],               // not an option
      [3, { response: 'A', seq: 1 }, 'response'],               // multiple needs a list
      [4, { response: 'yes', seq: 1 }, 'response'],             // true/false needs a boolean
      [5, { response: ['a', 'b', 'c', 'd', 'e'], seq: 1 }, 'response'], // wrong number of blanks
      [99, { response: 'A', seq: 1 }, 'slot'],
      [1, { response: 'A', seq: 0 }, 'seq'],
    ];
    for (const [slot, body, field] of cases) {
      const r = await save(h, id, slot, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(Object.keys(r.body.errors ?? {}), JSON.stringify(body)).toContain(field);
    }
    const badJson = await h.call(attemptResponses, {
      method: 'PUT', path: `/api/attempts/${id}/responses/1`, token, params: { attemptId: id, slot: '1' },
      rawBody: '{"response": "A", "seq": ', headers: { 'content-type': 'application/json' },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.detail).toMatch(/not valid JSON/);
    const badSlot = await h.call(attemptResponses, {
      method: 'PUT', path: `/api/attempts/${id}/responses/x`, token, params: { attemptId: id, slot: 'x' }, body: { response: 'A', seq: 1 },
    });
    expect(badSlot.status).toBe(400);
    expect(badSlot.body.errors).toHaveProperty('slot');

    const after = await h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`;
    expect(after[0]!.n).toBe(before[0]!.n);
    const slots = await h.sql`select count(*)::int as n from app.attempt_slots where attempt_id = ${id} and response_seq > 0`;
    expect(slots[0]!.n).toBe(0);
  });

  it('accepted within the grace period, refused after deadline + grace (and the attempt is then finalised)', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    await deadlineAgo(h, id, 30); // 30 s past the deadline, within the 60 s grace
    const inGrace = await save(h, id, 1, { response: responseFor(keys[0]!, true), seq: 1 });
    expect(inGrace.status).toBe(200);
    await deadlineAgo(h, id, 61);
    const late = await save(h, id, 2, { response: responseFor(keys[1]!, true), seq: 1 });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'past_deadline' });
    expect(late.body.detail).toMatch(/Time is up/);
    const [row] = await h.sql`select state, score from app.attempts where id = ${id}`;
    expect(row).toMatchObject({ state: 'auto_submitted', score: '10.00' });
    const again = await save(h, id, 2, { response: responseFor(keys[1]!, true), seq: 2 });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'attempt_closed' });
  });
});

describe('submitting and finalisation', () => {
  it('submit grades once; a second submit returns the same result', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    let seq = 0;
    for (const k of keys) if (k.type !== 'short') await save(h, id, k.slot, { response: responseFor(k, k.slot !== 2), seq: ++seq });
    await save(h, id, 6, { response: '我的回答', seq: ++seq });
    const r1 = await submit(h, id);
    expect(r1.status).toBe(200);
    expect(r1.body.attempt.state).toBe('submitted');
    expect(r1.body.result).toMatchObject({ score: 40, maxScore: 60, needsGrading: true, passed: null, scoreVisible: true });
    expect(r1.body.slots[1]).toMatchObject({ state: 'incorrect', mark: 0 });
    expect(r1.body.slots[0]).toMatchObject({ state: 'correct', mark: 10, rightAnswer: keys[0]!.key.answer, explanation: keys[0]!.explanation });
    expect(r1.body.slots[5]).toMatchObject({ state: 'needs_grading', mark: null });
    const [before] = await h.sql`select graded_at, finished_at from app.attempts where id = ${id}`;
    const r2 = await submit(h, id);
    expect(r2.status).toBe(200);
    expect(r2.body.result).toEqual(r1.body.result);
    expect(r2.body.attempt.finishedAt).toBe(r1.body.attempt.finishedAt);
    const [after] = await h.sql`select graded_at, finished_at from app.attempts where id = ${id}`;
    expect(after).toEqual(before);
  });

  it('the review policy decides what a finished attempt shows', async () => {
    const exam = await createExam(h, { reviewPolicy: { during: NONE_VISIBLE, immediately: { ...NONE_VISIBLE, score: true }, afterClose: ALL_VISIBLE } });
    const a = (await start(h, exam.id)).body;
    const r = await submit(h, a.attempt.id);
    expect(r.body.review).toMatchObject({ phase: 'immediately', score: true, correctness: false, rightAnswers: false });
    expect(r.body.result.scoreVisible).toBe(true);
    expect(r.text).not.toMatch(/"(rightAnswer|explanation|mark|state)"\s*:\s*(?!"submitted")/);
    // After the window closes: right answers and explanations.
    await h.sql`update app.exams set window_open = now() - interval '2 days', window_close = now() - interval '1 second' where id = ${exam.id}`;
    const later = await getAttempt(a.attempt.id);
    expect(later.body.review).toMatchObject({ phase: 'closed', rightAnswers: true, explanations: true });
    expect(later.body.slots[0]).toHaveProperty('rightAnswer');
    expect(later.body.slots[0]).toHaveProperty('explanation');
  });

  it('the scheduled function finalises an abandoned attempt with its saved answers', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    await save(h, id, 1, { response: responseFor(keys[0]!, true), seq: 1 });
    await save(h, id, 4, { response: responseFor(keys[3]!, true), seq: 1 });
    await ageAttempt(h, id, 700); // 600 s limit + 60 s grace have passed
    const res = await finaliseOverdue(new Request('http://127.0.0.1/.netlify/functions/finalise-overdue', { method: 'POST', body: '{"next_run":"x"}' }));
    expect(res.status).toBe(200);
    expect((await res.json()).finalised).toBeGreaterThanOrEqual(1);
    const [row] = await h.sql`select state, score, max_score, finished_at = deadline as at_deadline from app.attempts where id = ${id}`;
    expect(row).toMatchObject({ state: 'auto_submitted', score: '20.00', max_score: '60.00', at_deadline: true });
    const slots = await h.sql`select slot, response, state from app.attempt_slots where attempt_id = ${id} order by slot`;
    expect(slots[0]).toMatchObject({ response: responseFor(keys[0]!, true), state: 'correct' });
    expect(slots[1]).toMatchObject({ response: null, state: 'unanswered' });
  });

  it('lazy finalisation: reading an overdue attempt finalises it first', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const keys = await keysOf(h, a.attempt.id);
    await save(h, a.attempt.id, 3, { response: responseFor(keys[2]!, true), seq: 1 });
    await deadlineAgo(h, a.attempt.id, 120);
    const r = await getAttempt(a.attempt.id);
    expect(r.status).toBe(200);
    expect(r.body.attempt.state).toBe('auto_submitted');
    expect(r.body.result.score).toBe(10);
    // The exam list no longer shows a live attempt and counts it as used.
    const e = await h.call(exams, { path: `/api/exams/${exam.id}`, token: await h.tokenFor('E1001'), params: { examId: exam.id } });
    expect(e.body).toMatchObject({ liveAttemptId: null, attempts: { used: 1 } });
  });

  it('starting again after an overdue attempt finalises it and starts the next', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    await deadlineAgo(h, a.attempt.id, 120);
    const b = await start(h, exam.id);
    expect(b.status).toBe(201);
    expect(b.body.attempt.attemptNo).toBe(2);
    const [row] = await h.sql`select state from app.attempts where id = ${a.attempt.id}`;
    expect(row!.state).toBe('auto_submitted');
  });
});

describe('anti-cheat events', () => {
  it('log only when the limit is 0; warn then force submission with a limit', async () => {
    const logOnly = await createExam(h);
    const a = (await start(h, logOnly.id)).body;
    const post = async (id: string, kind: string) => h.call(attemptEvents, { method: 'POST', path: `/api/attempts/${id}/events`, token: await h.tokenFor('E1001'), params: { attemptId: id }, body: { kind, detail: { slot: 1 } } });
    const e1 = await post(a.attempt.id, 'focus_loss');
    expect(e1.status).toBe(201);
    expect(e1.body).toMatchObject({ verdict: 'log', focusLosses: 1, state: 'in_progress' });
    expect((await post(a.attempt.id, 'copy')).body.verdict).toBe('log');

    const strict = await createExam(h, { focusLossLimit: 2 });
    const b = (await start(h, strict.id)).body;
    expect((await post(b.attempt.id, 'focus_loss')).body).toMatchObject({ verdict: 'warn', focusLosses: 1 });
    expect((await post(b.attempt.id, 'focus_loss')).body.verdict).toBe('warn');
    const forced = await post(b.attempt.id, 'focus_loss');
    expect(forced.body).toMatchObject({ verdict: 'force_submit', focusLosses: 3, state: 'auto_submitted' });
    expect(forced.body.message).toMatch(/submitted/);
    const ev = await h.sql`select kind from app.attempt_events where attempt_id = ${b.attempt.id} order by id`;
    expect(ev.map((e) => e.kind)).toEqual(['focus_loss', 'focus_loss', 'focus_loss', 'forced_submit']);
    expect((await post(b.attempt.id, 'focus_loss')).status).toBe(409);
    const bad = await h.call(attemptEvents, { method: 'POST', path: `/api/attempts/${a.attempt.id}/events`, token: await h.tokenFor('E1001'), params: { attemptId: a.attempt.id }, body: { kind: 'teleport' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveProperty('kind');
  });
});

describe('no key leaves the server during an attempt', () => {
  it('start, resume, save and events payloads carry no key, explanation or source', async () => {
    const exam = await createExam(h, { focusLossLimit: 5 });
    const bodies: string[] = [];
    const s = await start(h, exam.id);
    bodies.push(s.text);
    const id = s.body.attempt.id;
    const keys = await keysOf(h, id);
    let seq = 0;
    // Fill and short answers are sent wrong, so their key texts can only appear if the server leaks them.
    for (const k of keys) {
      const response = responseFor(k, k.type !== 'fill' && k.type !== 'short');
      bodies.push((await save(h, id, k.slot, { response, seq: ++seq })).text);
      bodies.push((await save(h, id, k.slot, { response, seq })).text); // duplicate
    }
    bodies.push((await save(h, id, 1, { response: 'Z', seq: ++seq })).text); // an error body too
    bodies.push((await start(h, exam.id)).text);
    bodies.push((await getAttempt(id)).text);
    bodies.push((await h.call(attemptEvents, { method: 'POST', path: `/api/attempts/${id}/events`, token: await h.tokenFor('E1001'), params: { attemptId: id }, body: { kind: 'focus_loss' } })).text);
    bodies.push((await h.call(exams, { path: `/api/exams/${exam.id}`, token: await h.tokenFor('E1001'), params: { examId: exam.id } })).text);
    bodies.push((await h.call(exams, { path: '/api/exams', token: await h.tokenFor('E1001') })).text);

    const publicText = JSON.stringify(s.body.slots.map((x: any) => x.question));
    const secrets: string[] = [];
    for (const k of keys) {
      secrets.push(k.explanation);
      if (k.type === 'short') secrets.push(k.key.modelAnswer, ...(k.key.rubric ?? []));
      if (k.type === 'fill') for (const alts of k.key.blanks) for (const alt of alts) if (!publicText.includes(alt)) secrets.push(alt);
    }
    for (const body of bodies) {
      expect(body).not.toMatch(/"(answer|blanks|explanation|modelAnswer|rubric|key|rightAnswer|source|orderInsensitive)"\s*:/);
      for (const secret of secrets) expect(body.includes(JSON.stringify(secret).slice(1, -1)), `${secret} in ${body.slice(0, 3000)}`).toBe(false);
    }
  });
});

describe('whose attempt', () => {
  it("another employee cannot read, answer or submit E1001's attempt; a trainer is sent to the manage view", async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    expect((await getAttempt(id, 'E1002')).status).toBe(404);
    expect((await save(h, id, 1, { response: 'A', seq: 1 }, 'E1002')).status).toBe(404);
    expect((await submit(h, id, 'E1002')).status).toBe(404);
    const t = await getAttempt(id, 'T2001');
    expect(t.status).toBe(403);
    expect(t.body.code).toBe('not_your_attempt');
    expect((await save(h, id, 1, { response: 'A', seq: 1 }, 'T2001')).status).toBe(403);
    expect((await getAttempt('not-a-uuid')).status).toBe(404);
    expect((await getAttempt('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const [{ n }] = (await h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });
});

describe('regrade and manual grading', () => {
  it('regrade re-runs grading with the current rules and is audited with before/after', async () => {
    const exam = await createExam(h, { multipleRule: 'all_or_nothing' });
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    const multi = keys.find((k) => k.type === 'multiple')!;
    await save(h, id, multi.slot, { response: [multi.key.answer[0]], seq: 1 }); // a correct subset
    const done = await submit(h, id);
    expect(done.body.result.score).toBe(0);

    const denied = await h.call(attemptRegrade, { method: 'POST', path: `/api/attempts/${id}/regrade`, token: await h.tokenFor('H3001'), params: { attemptId: id }, body: { reason: '复核成绩' } });
    expect(denied.status).toBe(403);
    const noReason = await h.call(attemptRegrade, { method: 'POST', path: `/api/attempts/${id}/regrade`, token: await h.tokenFor('T2001'), params: { attemptId: id }, body: {} });
    expect(noReason.status).toBe(400);

    await h.sql`update app.exams set multiple_rule = 'half_for_subset' where id = ${exam.id}`;
    const r = await h.call(attemptRegrade, { method: 'POST', path: `/api/attempts/${id}/regrade`, token: await h.tokenFor('T2001'), params: { attemptId: id }, body: { reason: '多选题改为少选得一半分' } });
    expect(r.status).toBe(200);
    expect(r.body.before.score).toBe(0);
    expect(r.body.after.score).toBe(5);
    expect(r.body.changedSlots).toEqual([multi.slot]);
    const [log] = await h.sql`select l.action, l.entity, l.entity_id, l.before, l.after, l.reason, m.employee_no
      from app.audit_log l join app.members m on m.id = l.actor_member_id where l.id = ${r.body.auditId}`;
    expect(log).toMatchObject({ action: 'attempt.regrade', entity: 'attempt', entity_id: id, reason: '多选题改为少选得一半分', employee_no: 'T2001' });
    expect(log!.before.score).toBe(0);
    expect(log!.after.score).toBe(5);
    const [row] = await h.sql`select score from app.attempts where id = ${id}`;
    expect(row!.score).toBe('5.00');
  });

  it('a trainer marks a short answer; the total is recomputed and audited', async () => {
    const exam = await createExam(h, { passPercent: 10 });
    const a = (await start(h, exam.id)).body;
    const id = a.attempt.id;
    const keys = await keysOf(h, id);
    const short = keys.find((k) => k.type === 'short')!;
    await save(h, id, short.slot, { response: '先受理、再调查、按时答复。', seq: 1 });
    await save(h, id, 1, { response: responseFor(keys[0]!, true), seq: 1 });
    const before = await submit(h, id);
    expect(before.body.result).toMatchObject({ score: 10, needsGrading: true, passed: null });

    const path = `/api/attempts/${id}/slots/${short.slot}/grade`;
    const grade = async (who: string, body: unknown, slot = short.slot) =>
      h.call(attemptSlotGrade, { method: 'PUT', path, token: await h.tokenFor(who), params: { attemptId: id, slot: String(slot) }, body });
    expect((await grade('E1001', { mark: 10 })).status).toBe(403);
    expect((await grade('H3001', { mark: 10 })).status).toBe(403);
    const tooMuch = await grade('T2001', { mark: 11 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors.mark).toMatch(/between 0 and 10/);
    expect((await grade('T2001', { mark: 'ten' })).status).toBe(400);
    expect((await grade('T2001', { mark: 5 }, 1)).status).toBe(409);

    // The exam's managers grade it (head office owns this exam); 青岛's trainer manages E1001 but not the
    // exam (issue 8 finding 7, docs/decisions/scope-and-key-release.md).
    expect((await grade('T2002', { mark: 7.5 })).status).toBe(403);
    const ok = await grade('T2001', { mark: 7.5, comment: '要点基本齐全，缺少时限说明。' });
    expect(ok.status).toBe(200);
    expect(ok.body.after.attempt).toMatchObject({ score: 17.5, needsGrading: false, passed: true });
    const [row] = await h.sql`select score, needs_grading, passed from app.attempts where id = ${id}`;
    expect(row).toMatchObject({ score: '17.50', needs_grading: false, passed: true });
    const [log] = await h.sql`select action, entity_id, before, after from app.audit_log where id = ${ok.body.auditId}`;
    expect(log).toMatchObject({ action: 'attempt.manual_grade', entity_id: `${id}:${short.slot}` });
    expect(log!.before.mark).toBeNull();
    expect(log!.after.mark).toBe(7.5);

    // The taker sees the mark and comment; a regrade keeps the trainer's mark.
    const review = await getAttempt(id);
    expect(review.body.slots[short.slot - 1]).toMatchObject({ state: 'partial', mark: 7.5, comment: '要点基本齐全，缺少时限说明。' });
    const rg = await h.call(attemptRegrade, { method: 'POST', path: `/api/attempts/${id}/regrade`, token: await h.tokenFor('T2001'), params: { attemptId: id }, body: { reason: '例行复核' } });
    expect(rg.body.after.score).toBe(17.5);
  });

  it('scores are not writable by the taker directly', async () => {
    const exam = await createExam(h);
    const a = (await start(h, exam.id)).body;
    const { asUser } = await import('../../functions/_lib/db.ts');
    const sub = await h.userIdFor('E1001');
    const claims = { sub, role: 'authenticated', aud: 'authenticated' };
    await expect(asUser(claims, (tx) => tx`update app.attempts set score = 100 where id = ${a.attempt.id}`)).rejects.toMatchObject({ code: '42501' });
    await expect(asUser(claims, (tx) => tx`update app.attempt_responses set mark = 10 where attempt_id = ${a.attempt.id}`)).rejects.toMatchObject({ code: '42501' });
    await expect(asUser(claims, (tx) => tx`insert into app.attempt_responses (attempt_id, slot, state, mark) values (${a.attempt.id}, 1, 'correct', 10)`)).rejects.toMatchObject({ code: '42501' });
    await expect(asUser(claims, (tx) => tx`update app.attempts set paper = '[]' where id = ${a.attempt.id}`)).rejects.toMatchObject({ code: '42501' });
    await expect(asUser(claims, (tx) => tx`update app.attempts set state = 'submitted', finished_at = now() where id = ${a.attempt.id}`)).rejects.toMatchObject({ code: '42501' });
  });
});
