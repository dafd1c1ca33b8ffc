// Who may manage an attempt: trainers/admins for grading, plus HR for reading. RLS already limits
// which attempts are visible (own, or members in the caller's scope); these checks add the role.
import type { Tx } from './db.ts';
import { forbidden } from './http.ts';
import { loadMe, type Me } from './members.ts';
import { examProblem, loadAttempt } from './attempts.ts';

export async function requireRole(tx: Tx, roles: readonly string[], what: string): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !me.roles.some((r) => roles.includes(r))) throw forbidden(`Only ${what} can do this.`);
  return me;
}

/** An attempt of someone in the caller's scope that a trainer/admin may grade (never their own). */
export async function gradableAttempt(tx: Tx, attemptId: string) {
  const me = await requireRole(tx, ['trainer', 'admin'], 'trainers and administrators');
  const a = await loadAttempt(tx, attemptId);
  if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id in your scope.');
  if (a.mine) throw forbidden('You cannot grade your own attempt; ask another trainer.');
  return { me, attempt: a };
}
