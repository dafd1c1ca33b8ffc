// The scope rule and the key-release rule in one place (docs/decisions/scope-and-key-release.md).
//
// Scope: acting on an exam's papers — grading, regrading, per-person overrides, preparing papers,
// releasing the review — needs a trainer/admin who manages the EXAM (its owning unit is in their
// subtree) and, where one person is concerned, manages that PERSON too; never their own attempt.
// Reading results stays with whoever manages the person (trainers, HR, admins), but a reader who
// does not administer the exam sees its keys only when the taker could.
//
// The database helpers (migration 20261130000200) are the single definition; RLS policies and these
// function checks both call them.
import type { Tx } from './db.ts';
import type { Exam } from './exams.ts';
import { reviewPhase, reviewVisibility } from '../../src/core/attempt.ts';

/** A trainer/admin whose subtree contains the exam's owning unit. */
export async function administersExam(tx: Tx, examId: string): Promise<boolean> {
  const [r] = await tx`select app_private.administers_exam(${examId}::uuid) as ok`;
  return Boolean(r?.ok);
}

/** administersExam, for an attempt of someone in the caller's subtree who is not the caller. */
export async function administersAttempt(tx: Tx, attemptId: string): Promise<boolean> {
  const [r] = await tx`select app_private.administers_attempt(${attemptId}::uuid) as ok`;
  return Boolean(r?.ok);
}

/** The unit that owns an exam, for messages that tell a trainer whom to ask. */
export async function ownerUnitName(tx: Tx, examId: string): Promise<string | null> {
  const [r] = await tx`select o.name from app.exams e join app.org_units o on o.id = e.owner_org_id where e.id = ${examId}::uuid`;
  return (r?.name as string | undefined) ?? null;
}

export const notExamManagerMessage = (what: string, owner: string | null) =>
  `Only trainers who manage this exam can ${what}: its owning unit${owner ? ` (${owner})` : ''} must be in your scope. Ask a trainer of that unit.`;

/**
 * Which secrets a manager's view of a finished attempt may carry. Administrators of the exam see
 * right answers and explanations (they set the paper); anyone else who only manages the person
 * (HR, a branch trainer reading a head-office exam) sees exactly what the taker could see in the
 * `closed` phase, and only once it has begun for everyone (exam.reviewReleaseAt) — otherwise a
 * reader who sits the same exam could take its key from a colleague's finished attempt.
 */
export function managerKeyVisibility(exam: Exam | null, administers: boolean, finished: boolean, now: Date): { rightAnswers: boolean; explanations: boolean } {
  if (!finished || !exam) return { rightAnswers: false, explanations: false };
  if (administers) return { rightAnswers: true, explanations: true };
  const phase = reviewPhase({ state: 'submitted', finishedAt: null, windowClose: exam.reviewReleaseAt, now });
  if (phase !== 'closed') return { rightAnswers: false, explanations: false };
  const flags = reviewVisibility(exam.reviewPolicy, 'closed');
  return { rightAnswers: flags.rightAnswers, explanations: flags.explanations };
}
