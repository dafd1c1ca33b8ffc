// Helpers for the contest integration tests: mock-contest exams through the real exam API, contests
// through the real contest API, and finished attempts as fixtures (superuser) when a test needs
// exact scores and times.
import type { Harness } from './harness.ts';
import contests from '../../functions/contests.ts';
import contest from '../../functions/contest.ts';
import contestBoard from '../../functions/contest-board.ts';
import contestResults from '../../functions/contest-results.ts';
import { createExam } from './exam-helpers.ts';

export const SMALL_BLUEPRINT = { sections: [{ type: 'single', topic: 'complaint-handling', count: 2, points: 50 }] };

/** A published mock-contest exam owned by 总行, offered to nobody yet (the contest offers it). */
export async function mockContestExam(h: Harness, settings: Record<string, unknown> = {}, who = 'T2001') {
  return createExam(h, { kind: 'mock_contest', blueprint: SMALL_BLUEPRINT, assignments: [], attemptsAllowed: 2, gradingMethod: 'highest', ...settings }, who);
}

export async function createContest(h: Harness, body: Record<string, unknown>, who = 'T2001') {
  return h.call(contests, { method: 'POST', path: '/api/contests', token: await h.tokenFor(who), body });
}

export async function getContest(h: Harness, id: string, who: string) {
  return h.call(contest, { path: `/api/contests/${id}`, token: await h.tokenFor(who), params: { id } });
}

export async function putContest(h: Harness, id: string, body: Record<string, unknown>, who = 'T2001') {
  return h.call(contest, { method: 'PUT', path: `/api/contests/${id}`, token: await h.tokenFor(who), params: { id }, body });
}

export async function setContestStatus(h: Harness, id: string, status: string, who = 'T2001') {
  return h.call(contest, { method: 'POST', path: `/api/contests/${id}/status`, token: await h.tokenFor(who), params: { id }, body: { status } });
}

export async function listContests(h: Harness, who: string, query = '') {
  return h.call(contests, { path: `/api/contests${query}`, token: await h.tokenFor(who) });
}

export async function board(h: Harness, id: string, who: string, etag?: string) {
  return h.call(contestBoard, { path: `/api/contests/${id}/board`, token: await h.tokenFor(who), params: { id }, headers: etag ? { 'if-none-match': etag } : {} });
}

export async function ranking(h: Harness, id: string, who: string) {
  return h.call(contestResults, { path: `/api/contests/${id}/ranking`, token: await h.tokenFor(who), params: { id } });
}

export async function exportXlsx(h: Harness, id: string, who: string) {
  const req = new Request(`http://127.0.0.1/api/contests/${id}/export`, { headers: { authorization: `Bearer ${await h.tokenFor(who)}` } });
  const res = await contestResults(req, { params: { id } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

let versionId: string | null = null;

/**
 * A finished attempt with a given score, start and time used (fixture: written as superuser, as the
 * grading service would leave it). `startSecAgo` is measured back from now.
 */
export async function finishedAttempt(h: Harness, examId: string, employeeNo: string, o: { score: number; max?: number; startSecAgo: number; usedSec: number; no?: number }) {
  versionId ??= (await h.sql`select id from app.question_versions order by id limit 1`)[0]!.id as string;
  const [m] = await h.sql`select id from app.members where employee_no = ${employeeNo}`;
  const max = o.max ?? 100;
  await h.sql`insert into app.attempts (exam_id, member_id, attempt_no, state, seed, started_at, grace_sec, finished_at, score, max_score, percent, passed, graded_at, paper)
    values (${examId}, ${m!.id as string}, ${o.no ?? 1}, 'submitted', 1, now() - make_interval(secs => ${o.startSecAgo}), 60,
            now() - make_interval(secs => ${o.startSecAgo - o.usedSec}), ${o.score}, ${max}, ${Math.round((o.score / max) * 10000) / 100}, ${o.score >= max * 0.6}, now(),
            ${h.sql.json([{ slot: 1, vid: versionId, points: max, oo: null }])})`;
}
