// GET /api/attempts/:attemptId   my attempt: the runner state while in progress (no keys), or the
// review the exam's policy allows now. An overdue attempt is finalised first (lazy finalisation).
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { attemptView } from './_lib/attempts.ts';

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const { body } = await attemptView(claims, attemptId);
    return json(body);
  },
});

export const config: Config = { path: '/api/attempts/:attemptId' };
