// Shared helpers for the exam-engine integration tests: create exams through the real function,
// read keys straight from the database (superuser) to answer right or wrong on purpose.
import type { Harness } from './harness.ts';
import exams from '../../functions/exams.ts';
import examAttempts from '../../functions/exam-attempts.ts';
import attemptResponses from '../../functions/attempt-responses.ts';
import attemptSubmit from '../../functions/attempt-submit.ts';

/** Every question type, small enough to reason about: 2 single, 1 multiple, 1 true/false, 1 fill, 1 short. */
export const MIXED_BLUEPRINT = {
  sections: [
    { type: 'single', topic: 'complaint-handling', count: 2, points: 10 },
    { type: 'multiple', topic: 'complaint-handling', count: 1, points: 10 },
    { type: 'truefalse', topic: 'complaint-handling', count: 1, points: 10 },
    { type: 'fill', topic: 'complaint-handling', count: 1, points: 10 },
    { type: 'short', topic: 'complaint-handling', count: 1, points: 10 },
  ],
};

export const ALL_VISIBLE = { score: true, correctness: true, rightAnswers: true, explanations: true };
export const NONE_VISIBLE = { score: false, correctness: false, rightAnswers: false, explanations: false };

export async function createExam(h: Harness, settings: Record<string, unknown> = {}, who = 'T2001') {
  const r = await h.call(exams, {
    method: 'POST', path: '/api/exams', token: await h.tokenFor(who),
    body: {
      title: `测试考试 ${Math.random().toString(36).slice(2, 8)}`,
      kind: 'exam',
      timeLimitSec: 600,
      attemptsAllowed: 3,
      multipleRule: 'all_or_nothing',
      reviewPolicy: { during: NONE_VISIBLE, immediately: ALL_VISIBLE, afterClose: ALL_VISIBLE },
      blueprint: MIXED_BLUEPRINT,
      assignments: [{ orgUnit: 'HQ' }],
      ...settings,
    },
  });
  if (r.status !== 201) throw new Error(`createExam failed: ${r.status} ${r.text}`);
  return r.body as { id: string; [k: string]: unknown };
}

export async function start(h: Harness, examId: string, who = 'E1001') {
  return h.call(examAttempts, { method: 'POST', path: `/api/exams/${examId}/attempts`, token: await h.tokenFor(who), params: { examId } });
}

export async function save(h: Harness, attemptId: string, slot: number, body: unknown, who = 'E1001') {
  return h.call(attemptResponses, {
    method: 'PUT', path: `/api/attempts/${attemptId}/responses/${slot}`, token: await h.tokenFor(who),
    params: { attemptId, slot: String(slot) }, body,
  });
}

export async function submit(h: Harness, attemptId: string, who = 'E1001') {
  return h.call(attemptSubmit, { method: 'POST', path: `/api/attempts/${attemptId}/submit`, token: await h.tokenFor(who), params: { attemptId } });
}

export interface SlotKey {
  slot: number;
  type: string;
  points: number;
  questionId: string;
  options: { id: string; text: string }[] | null;
  key: any;
  explanation: string;
}

/** The paper's keys, read as superuser (tests only). */
export async function keysOf(h: Harness, attemptId: string): Promise<SlotKey[]> {
  const rows = await h.sql`
    select s.slot, v.type, s.points, v.question_id, v.options, k.key, k.explanation
    from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
    join app.question_keys k on k.question_version_id = v.id
    where s.attempt_id = ${attemptId} order by s.slot`;
  return rows.map((r) => ({
    slot: Number(r.slot), type: r.type as string, points: Number(r.points), questionId: r.question_id as string,
    options: (r.options as SlotKey['options']) ?? null, key: r.key, explanation: r.explanation as string,
  }));
}

/** A right (or deliberately wrong) response for a slot. */
export function responseFor(k: SlotKey, right: boolean): unknown {
  switch (k.type) {
    case 'single': return right ? k.key.answer : k.options!.find((o) => o.id !== k.key.answer)!.id;
    case 'multiple': return right ? k.key.answer : [k.options!.find((o) => !k.key.answer.includes(o.id))!.id];
    case 'truefalse': return right ? k.key.answer : !k.key.answer;
    case 'fill': return right ? k.key.blanks.map((alts: string[]) => alts[0]) : k.key.blanks.map(() => '不知道');
    case 'short': return right ? k.key.modelAnswer : '不清楚';
    default: throw new Error(k.type);
  }
}

/** Moves an attempt's clock back: started and deadline `sec` seconds earlier (no sleeping in tests). */
export async function ageAttempt(h: Harness, attemptId: string, sec: number) {
  await h.sql`update app.attempts set started_at = started_at - make_interval(secs => ${sec}),
    deadline = deadline - make_interval(secs => ${sec}) where id = ${attemptId}`;
}

/** Sets the deadline to `secAgo` seconds before now (negative = in the future). */
export async function deadlineAgo(h: Harness, attemptId: string, secAgo: number) {
  await h.sql`update app.attempts set started_at = clock_timestamp() - make_interval(secs => ${secAgo + 600}),
    deadline = clock_timestamp() - make_interval(secs => ${secAgo}) where id = ${attemptId}`;
}
