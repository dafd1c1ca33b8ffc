// POST /api/attempts/:attemptId/regrade   trainer/admin in scope, {reason}
//   → 200 {before, after, changedSlots, auditId}
// Re-runs grading on the pinned question versions with the exam's current rules (e.g. after the
// multiple-choice rule or a key was corrected). Short answers a trainer marked keep their marks.
// Every regrade is written to audit_log with before/after and the reason.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { gradableAttempt } from './_lib/manage.ts';
import { regradeAttempt } from './_lib/grading.ts';

const RegradeSchema = z.strictObject({
  reason: z.string().trim().min(3, 'Say why the attempt is regraded (it is kept in the audit log).').max(1000),
});

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const { reason } = await readJson(req, RegradeSchema);
    const { me } = await asUser(claims, (tx) => gradableAttempt(tx, attemptId));
    return json(await regradeAttempt(attemptId, me.memberId, reason));
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/regrade' };
