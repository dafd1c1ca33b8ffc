// The start and the save as calls of app.start_context / app.start_attempt / app.save_response
// (migration 20261130000100 §6, SECURITY DEFINER with the policies' checks made once), and the
// session check riding on the first statement of a start or save (functions/_lib/auth.ts, db.ts).
// What must still hold: an ended session writes nothing; the functions act only for the caller, only
// at exams offered to them, only on their own open attempts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import type { Claims } from '../../functions/_lib/auth.ts';
import examAttempts from '../../functions/exam-attempts.ts';
import attemptResponses from '../../functions/attempt-responses.ts';
import { createExam, keysOf, responseFor, save, start } from './exam-helpers.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const PASSWORD = 'Xiaobao2026!';

async function signIn(email: string): Promise<string> {
  const r = await fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { access_token: string }).access_token;
}

async function signOut(token: string): Promise<void> {
  const r = await fetch(`${h.authUrl}/auth/v1/logout?scope=local`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(r.status).toBe(204);
}

const startWith = (examId: string, token: string) =>
  h.call(examAttempts, { method: 'POST', path: `/api/exams/${examId}/attempts`, token, params: { examId } });
const saveWith = (attemptId: string, slot: number, body: unknown, token: string) =>
  h.call(attemptResponses, { method: 'PUT', path: `/api/attempts/${attemptId}/responses/${slot}`, token, params: { attemptId, slot: String(slot) }, body });
const count = async (q: Promise<unknown>) => ((await q) as { n: number }[])[0]!.n;

describe('the session check rides on the first statement of a start or a save', () => {
  it('a start with a signed-out session answers 401 and writes no attempt', async () => {
    const exam = await createExam(h);
    const token = await signIn('e1002@demo.xiaobao.local');
    await signOut(token);
    const r = await startWith(exam.id, token);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toMatch(/session has ended.*Sign in again/);
    expect(await count(h.sql`select count(*)::int as n from app.attempts where exam_id = ${exam.id}`)).toBe(0);
  });

  it('a save with a signed-out session answers 401 and writes nothing, on the careful and on the fast path', async () => {
    const exam = await createExam(h);
    const live = await signIn('e1003@demo.xiaobao.local');
    const a = await startWith(exam.id, live);
    expect(a.status).toBe(201);
    const id = a.body.attempt.id as string;
    const keys = await keysOf(h, id);
    const events = () => count(h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`);

    // First save of this attempt in this instance: the careful path (a transaction).
    const ended1 = await signIn('e1003@demo.xiaobao.local');
    await signOut(ended1);
    const r1 = await saveWith(id, 1, { response: responseFor(keys[0]!, true), seq: 1 }, ended1);
    expect(r1.status).toBe(401);
    expect(await events()).toBe(0);

    // A live session's save caches the paper's shapes, so the next save takes the fast path (one message).
    expect((await saveWith(id, 1, { response: responseFor(keys[0]!, true), seq: 1 }, live)).status).toBe(200);
    const ended2 = await signIn('e1003@demo.xiaobao.local');
    await signOut(ended2);
    const r2 = await saveWith(id, 1, { response: responseFor(keys[0]!, false), seq: 2 }, ended2);
    expect(r2.status).toBe(401);
    expect(r2.body.detail).toMatch(/session has ended/);
    expect(await events()).toBe(1);
    const [row] = await h.sql`select response_seq from app.attempt_responses where attempt_id = ${id} and slot = 1`;
    expect(row!.response_seq).toBe(1);

    // The live session goes on working, and its answer moves forward.
    expect((await saveWith(id, 1, { response: responseFor(keys[0]!, false), seq: 2 }, live)).body).toMatchObject({ applied: true, latestSeq: 2 });
  });
});

describe('the start and save functions act only for the caller, as the policies would', () => {
  const claimsOf = async (no: string): Promise<Claims> => ({ sub: await h.userIdFor(no), role: 'authenticated' }) as Claims;
  const as = async <T,>(no: string, fn: (tx: Tx) => Promise<T>) => asUser(await claimsOf(no), fn);
  const outsider: Claims = { sub: '00000000-0000-4000-8000-00000000abcd', role: 'authenticated' } as Claims;

  it('app.start_context shows the exam only as exams_select would, with offered and manages', async () => {
    const jn = await createExam(h, { ownerOrgUnit: 'JN', assignments: [{ orgUnit: 'JN' }] }, 'A4001');
    // E1001 (head office) is not offered a 济南 exam and does not manage it: no exam, as RLS hides it.
    const [mine] = await as('E1001', (tx) => tx`select app.start_context(${jn.id}) as c`);
    expect((mine!.c as { exam: unknown }).exam).toBeNull();
    // An administrator manages it without being offered it: the exam, offered = false → the start's 403.
    const [admin] = await as('A4001', (tx) => tx`select app.start_context(${jn.id}) as c`);
    expect((admin!.c as { exam: { offered: boolean; manages: boolean } }).exam).toMatchObject({ offered: false, manages: true });
  });

  it('app.start_attempt refuses an exam not offered to the caller, and a caller who is no member', async () => {
    const hq = await createExam(h);
    const jn = await createExam(h, { ownerOrgUnit: 'JN', assignments: [{ orgUnit: 'JN' }] }, 'A4001');
    const first = await start(h, hq.id);
    const [{ paper }] = (await h.sql`select paper from app.attempts where id = ${first.body.attempt.id}`) as unknown as [{ paper: unknown }];
    const call = (tx: Tx, examId: string) => tx`select app.start_attempt(${examId}, 1, 1, now(), null, 60, ${tx.json(paper as never)}) as a`;
    await expect(as('E1001', (tx) => call(tx, jn.id))).rejects.toMatchObject({ code: '42501' });
    await expect(asUser(outsider, (tx) => call(tx, hq.id))).rejects.toMatchObject({ code: '42501' });
    expect(await count(h.sql`select count(*)::int as n from app.attempts where exam_id = ${jn.id}`)).toBe(0);
    // The one live attempt per person and exam still holds for a direct call.
    await expect(as('E1001', (tx) => call(tx, hq.id))).rejects.toMatchObject({ code: '23505' });
  });

  it('app.save_response writes nothing to somebody else\'s attempt, nor for a caller who is no member', async () => {
    const exam = await createExam(h);
    const a = await start(h, exam.id, 'E1001');
    const id = a.body.attempt.id as string;
    const call = (tx: Tx) => tx`select * from app.save_response(${id}, 1, 1, '"A"'::jsonb, null)`;
    for (const r of [await as('E1002', call), await asUser(outsider, call)]) expect(r[0]!.ok).toBe(false);
    expect(await count(h.sql`select count(*)::int as n from app.response_events where attempt_id = ${id}`)).toBe(0);
    expect(await count(h.sql`select count(*)::int as n from app.attempt_responses where attempt_id = ${id}`)).toBe(0);
    // The taker's own save goes through the same function.
    const keys = await keysOf(h, id);
    expect((await save(h, id, 1, { response: responseFor(keys[0]!, true), seq: 1 })).status).toBe(200);
  });
});
