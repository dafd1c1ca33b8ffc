// Privileged exam work, shared by the request paths (submit, lazy finalisation, anti-cheat, regrade,
// manual grading) and the scheduled function: everything that reads answer keys or writes scores.
// Runs as service_role. Scores change only here: by grading when an attempt ends, by an audited
// regrade, or by an audited manual mark.
import { asService, type Tx } from './db.ts';
import { dbNow } from './exams.ts';
import { badRequest, conflict, notFound } from './http.ts';
import { finalise, type AttemptState } from '../../src/core/attempt.ts';
import {
  applyManualMark,
  gradeAttempt,
  gradeResponse,
  isPassed,
  type AttemptGrade,
  type GradeState,
  type MultipleRule,
} from '../../src/core/grading.ts';
import { versionFromStored } from '../../src/core/paper.ts';
import type { QuestionResponse, QuestionType, QuestionVersion } from '../../src/core/questions.ts';

/** Full versions (with key and explanation) by version id. Service role only: keys are not granted to `authenticated`. */
export async function loadVersionsWithKeys(tx: Tx, versionIds: readonly string[]): Promise<Map<string, QuestionVersion>> {
  if (versionIds.length === 0) return new Map();
  const rows = await tx`
    select v.id as version_id, v.question_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count, v.source,
           k.key, k.explanation
    from app.question_versions v join app.question_keys k on k.question_version_id = v.id
    where v.id in (select jsonb_array_elements_text(${tx.json([...new Set(versionIds)])})::uuid)`;
  return new Map(rows.map((r) => [r.version_id as string, versionFromStored({
    questionId: r.question_id as string,
    versionId: r.version_id as string,
    type: r.type as QuestionType,
    topic: r.topic as string,
    difficulty: Number(r.difficulty),
    stem: r.stem as string,
    options: (r.options as { id: string; text: string }[] | null) ?? null,
    blankCount: Number(r.blank_count),
    key: r.key,
    explanation: r.explanation as string,
    source: r.source,
  })]));
}

export function keysFor(versionIds: readonly string[]): Promise<Map<string, QuestionVersion>> {
  return asService((tx) => loadVersionsWithKeys(tx, versionIds));
}

interface LockedAttempt {
  id: string;
  state: AttemptState;
  deadline: Date | null;
  graceSec: number;
  finishedAt: Date | null;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
  needsGrading: boolean;
  multipleRule: MultipleRule;
  passPercent: number;
}

async function lockAttempt(tx: Tx, attemptId: string): Promise<LockedAttempt | null> {
  const [a] = await tx`
    select a.id, a.state, a.deadline, a.grace_sec, a.finished_at, a.score, a.max_score, a.percent, a.passed, a.needs_grading,
           e.multiple_rule, e.pass_percent
    from app.attempts a join app.exams e on e.id = a.exam_id
    where a.id = ${attemptId}
    for update of a`;
  if (!a) return null;
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: a.id as string,
    state: a.state as AttemptState,
    deadline: (a.deadline as Date | null) ?? null,
    graceSec: Number(a.grace_sec),
    finishedAt: (a.finished_at as Date | null) ?? null,
    score: n(a.score),
    maxScore: n(a.max_score),
    percent: n(a.percent),
    passed: (a.passed as boolean | null) ?? null,
    needsGrading: Boolean(a.needs_grading),
    multipleRule: a.multiple_rule as MultipleRule,
    passPercent: Number(a.pass_percent),
  };
}

interface SlotMarks { slot: number; state: GradeState | null; mark: number | null }

async function slotMarks(tx: Tx, attemptId: string): Promise<SlotMarks[]> {
  const rows = await tx`select slot, state, mark from app.attempt_slots where attempt_id = ${attemptId} order by slot`;
  return rows.map((r) => ({ slot: Number(r.slot), state: (r.state as GradeState | null) ?? null, mark: r.mark === null ? null : Number(r.mark) }));
}

/**
 * Grades every slot from its saved response (pure src/core grading) and writes slot marks. With
 * keepManual, short answers a trainer has marked keep their mark: a regrade re-runs the automatic
 * rules, it does not silently undo a person's judgement.
 */
async function gradeSlots(tx: Tx, attemptId: string, rule: MultipleRule, keepManual: boolean): Promise<AttemptGrade> {
  const slots = await tx`
    select slot, question_version_id, points, response, state, mark, graded_by
    from app.attempt_slots where attempt_id = ${attemptId} order by slot`;
  const versions = await loadVersionsWithKeys(tx, slots.map((s) => s.question_version_id as string));
  const updates: { slot: number; state: GradeState; mark: number | null }[] = [];
  const grades = slots.map((s) => {
    const version = versions.get(s.question_version_id as string);
    if (!version) throw new Error(`question version ${String(s.question_version_id)} has no key; cannot grade attempt ${attemptId}`);
    const points = Number(s.points);
    if (keepManual && version.type === 'short' && s.graded_by !== null && s.state !== null) {
      return { state: s.state as GradeState, mark: s.mark === null ? null : Number(s.mark), maxMark: points };
    }
    const g = gradeResponse(version, (s.response ?? null) as QuestionResponse, points, rule);
    updates.push({ slot: Number(s.slot), state: g.state, mark: g.mark });
    return g;
  });
  if (updates.length) {
    // Slots nobody answered have no response row yet (migration 20261130000100): grading creates it.
    await tx`
      insert into app.attempt_responses as r (attempt_id, slot, state, mark)
      select ${attemptId}::uuid, u.slot, u.state, u.mark
      from jsonb_to_recordset(${tx.json(updates)}) as u(slot int, state text, mark numeric)
      on conflict (attempt_id, slot) do update set state = excluded.state, mark = excluded.mark`;
  }
  return gradeAttempt(grades);
}

async function writeTotals(tx: Tx, attemptId: string, grade: AttemptGrade, passPercent: number): Promise<void> {
  await tx`
    update app.attempts set score = ${grade.score}, max_score = ${grade.maxScore}, percent = ${grade.percent},
      passed = ${isPassed(grade, passPercent)}, needs_grading = ${grade.needsManualGrading}, graded_at = clock_timestamp()
    where id = ${attemptId}`;
}

export interface FinaliseOutcome {
  changed: boolean;
  state: AttemptState;
}

/**
 * Ends an attempt and grades it with its saved responses. Idempotent: the row lock serialises a
 * submit racing the scheduled job, and an attempt already finished is left exactly as it is.
 */
export async function finaliseInTx(tx: Tx, attemptId: string, how: 'submit' | 'auto', reason?: 'forced_submit'): Promise<FinaliseOutcome | null> {
  const a = await lockAttempt(tx, attemptId);
  if (!a) return null;
  const now = await dbNow(tx);
  const r = finalise({ state: a.state, deadline: a.deadline, finishedAt: a.finishedAt }, now, how, a.graceSec);
  if (!r.changed) return { changed: false, state: a.state };
  const grade = await gradeSlots(tx, attemptId, a.multipleRule, false);
  await tx`update app.attempts set state = ${r.state}, finished_at = ${r.finishedAt} where id = ${attemptId} and state = 'in_progress'`;
  await writeTotals(tx, attemptId, grade, a.passPercent);
  if (reason === 'forced_submit') {
    await tx`insert into app.attempt_events (attempt_id, kind, detail) values (${attemptId}, 'forced_submit', ${tx.json({ reason: 'focus_loss_limit' })})`;
  }
  return { changed: true, state: r.state };
}

export function finaliseAttempt(attemptId: string, how: 'submit' | 'auto', reason?: 'forced_submit'): Promise<FinaliseOutcome | null> {
  return asService((tx) => finaliseInTx(tx, attemptId, how, reason));
}

/**
 * The scheduled job (and anything else that wants a sweep): finalises every in-progress attempt
 * past deadline + grace, one transaction each so one bad attempt cannot hold up the rest.
 */
export async function finaliseOverdueAttempts(limit = 500, log: (s: string) => void = console.error): Promise<{ finalised: number; failed: number }> {
  const ids = await asService(async (tx) => (await tx`
    select id from app.attempts
    where state = 'in_progress' and deadline is not null
      and clock_timestamp() > deadline + make_interval(secs => grace_sec)
    order by deadline limit ${limit}`).map((r) => r.id as string));
  let finalised = 0;
  let failed = 0;
  for (const id of ids) {
    try {
      const r = await finaliseAttempt(id, 'auto');
      if (r?.changed) finalised++;
    } catch (err) {
      failed++;
      log(`[finalise-overdue] attempt ${id} could not be finalised: ${(err as Error).message}`);
    }
  }
  return { finalised, failed };
}

function totals(a: { score: number | null; maxScore: number | null; percent: number | null; passed: boolean | null; needsGrading: boolean }) {
  return { score: a.score, maxScore: a.maxScore, percent: a.percent, passed: a.passed, needsGrading: a.needsGrading };
}

/** Re-runs grading on a finished attempt and records before/after in audit_log. */
export async function regradeAttempt(attemptId: string, actorMemberId: string, reason: string) {
  return asService(async (tx) => {
    const a = await lockAttempt(tx, attemptId);
    if (!a) throw notFound('There is no such attempt.', { code: 'attempt_not_found' });
    if (a.state === 'in_progress') throw conflict('This attempt is still in progress; it is graded when it is submitted. Regrade it afterwards.', { code: 'attempt_in_progress' });
    const before = { ...totals(a), slots: await slotMarks(tx, attemptId) };
    const grade = await gradeSlots(tx, attemptId, a.multipleRule, true);
    await writeTotals(tx, attemptId, grade, a.passPercent);
    const after = {
      score: grade.score, maxScore: grade.maxScore, percent: grade.percent, passed: isPassed(grade, a.passPercent),
      needsGrading: grade.needsManualGrading, slots: await slotMarks(tx, attemptId),
    };
    const [log] = await tx`
      insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
      values (${actorMemberId}, 'member', 'attempt.regrade', 'attempt', ${attemptId}, ${tx.json(before as never)}, ${tx.json(after as never)}, ${reason})
      returning id`;
    const changedSlots = after.slots.filter((s, i) => s.mark !== before.slots[i]?.mark || s.state !== before.slots[i]?.state).map((s) => s.slot);
    return { before, after, changedSlots, auditId: Number(log!.id) };
  });
}

/** A trainer's mark for a short answer; recomputes the attempt total and records before/after in audit_log. */
export async function gradeSlotManually(attemptId: string, slot: number, mark: number, comment: string | null, actorMemberId: string) {
  return asService(async (tx) => {
    const a = await lockAttempt(tx, attemptId);
    if (!a) throw notFound('There is no such attempt.', { code: 'attempt_not_found' });
    if (a.state === 'in_progress') throw conflict('This attempt is still in progress; grade it after it has been submitted.', { code: 'attempt_in_progress' });
    const [s] = await tx`
      select s.slot, s.points, s.state, s.mark, s.comment, v.type
      from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
      where s.attempt_id = ${attemptId} and s.slot = ${slot}`;
    if (!s) throw badRequest('This attempt has no such question.', { code: 'slot_unknown', params: { slot }, errors: { slot: `There is no question ${slot} in this attempt.` }, fieldCodes: { slot: { code: 'slot_unknown', params: { slot } } } });
    if (s.type !== 'short') {
      throw conflict(`Question ${slot} is marked automatically; only short answers (简答题) are graded by hand. To re-run automatic marking, regrade the attempt.`, { code: 'not_manually_graded', params: { slot } });
    }
    const points = Number(s.points);
    let g;
    try {
      g = applyManualMark(points, mark);
    } catch (err) {
      throw badRequest('The mark is out of range.', { code: 'mark_out_of_range', params: { max: points }, errors: { mark: (err as Error).message }, fieldCodes: { mark: { code: 'mark_out_of_range', params: { max: points } } } });
    }
    const before = { slot, state: s.state, mark: s.mark === null ? null : Number(s.mark), comment: s.comment ?? null, attempt: totals(a) };
    await tx`
      insert into app.attempt_responses as r (attempt_id, slot, state, mark, comment, graded_by, graded_at)
      values (${attemptId}, ${slot}, ${g.state}, ${g.mark}, ${comment}, ${actorMemberId}, clock_timestamp())
      on conflict (attempt_id, slot) do update
        set state = excluded.state, mark = excluded.mark, comment = excluded.comment, graded_by = excluded.graded_by, graded_at = excluded.graded_at`;
    const all = await tx`select state, mark, points from app.attempt_slots where attempt_id = ${attemptId}`;
    const grade = gradeAttempt(all.map((r) => ({
      state: (r.state ?? 'unanswered') as GradeState, mark: r.mark === null ? null : Number(r.mark), maxMark: Number(r.points),
    })));
    await writeTotals(tx, attemptId, grade, a.passPercent);
    const after = {
      slot, state: g.state, mark: g.mark, comment,
      attempt: { score: grade.score, maxScore: grade.maxScore, percent: grade.percent, passed: isPassed(grade, a.passPercent), needsGrading: grade.needsManualGrading },
    };
    const [log] = await tx`
      insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
      values (${actorMemberId}, 'member', 'attempt.manual_grade', 'attempt_slot', ${`${attemptId}:${slot}`}, ${tx.json(before as never)}, ${tx.json(after as never)}, ${comment})
      returning id`;
    return { before, after, auditId: Number(log!.id) };
  });
}
