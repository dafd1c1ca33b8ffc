// POST /api/attempts/:attemptId/submit   idempotent: grades once, then returns the same result
// → the review payload of GET /api/attempts/:attemptId (score/answers as the review policy allows).
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { attemptView, examProblem, loadAttempt } from './_lib/attempts.ts';
import { finaliseAttempt } from './_lib/grading.ts';

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const a = await asUser(claims, (tx) => loadAttempt(tx, attemptId));
    if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id among yours.');
    if (!a.mine) throw examProblem(403, 'not_your_attempt', 'Only the person taking an attempt can submit it.');
    // Grading reads keys: service role. finalise() under a row lock makes a repeat or a race a no-op.
    if (a.state === 'in_progress') await finaliseAttempt(attemptId, 'submit');
    const { body } = await attemptView(claims, attemptId);
    return json(body);
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/submit' };
