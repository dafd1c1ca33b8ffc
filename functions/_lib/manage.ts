// Who may manage an attempt: trainers/admins who administer the exam for grading, plus HR and the
// person's trainers for reading. RLS limits which attempts are visible (own, or members in the
// caller's scope); these checks add the role and the exam scope.
import type { Tx } from './db.ts';
import { forbidden } from './http.ts';
import { loadMe, type Me } from './members.ts';
import { examProblem, loadAttempt } from './attempts.ts';
import { administersAttempt, notExamManagerMessage, ownerUnitName } from './exam-scope.ts';

export async function requireRole(tx: Tx, roles: readonly string[], what: string): Promise<Me> {
  const me = await loadMe(tx);
  // `roles` lets the page name the roles in its language (src/i18n/field-errors.ts `role_required`).
  if (!me || !me.roles.some((r) => roles.includes(r))) throw forbidden(`Only ${what} can do this.`, { code: 'role_required', params: { roles: roles.join(',') } });
  return me;
}

/**
 * An attempt a trainer/admin may grade or regrade: the scope rule (functions/_lib/exam-scope.ts) —
 * they manage the exam AND the person, and it is not their own. Managing only the person (a branch
 * trainer and a head-office exam) is not enough: the exam's owners mark its papers.
 */
export async function gradableAttempt(tx: Tx, attemptId: string) {
  const me = await requireRole(tx, ['trainer', 'admin'], 'trainers and administrators');
  const a = await loadAttempt(tx, attemptId);
  if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id in your scope.');
  if (a.mine) throw forbidden('You cannot grade your own attempt; ask another trainer.', { code: 'own_attempt' });
  if (!(await administersAttempt(tx, attemptId))) {
    const owner = await ownerUnitName(tx, a.examId);
    throw examProblem(403, 'not_exam_manager', notExamManagerMessage('grade or regrade its attempts', owner), { params: { owner: owner ?? '' } });
  }
  return { me, attempt: a };
}
