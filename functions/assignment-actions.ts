// POST /api/assignments/:assignmentId/sync   trainer/HR/admin in scope: add people who came into scope since (idempotent) → {added}
// POST /api/assignments/:assignmentId/next   the next quarter's occurrence of a quarterly assignment (idempotent) → {id, created, people}
import type { Config } from '@netlify/functions';
import { handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { createNextOccurrence, getAssignment, requireManager, syncAssignment } from './_lib/assignments.ts';

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'assignmentId', 'assignment');
    const action = params.action;
    if (action === 'sync') return json(await asUser(claims, (tx) => syncAssignment(tx, id)));
    if (action === 'next') {
      return json(await asUser(claims, async (tx) => {
        const me = await requireManager(tx);
        await getAssignment(tx, id);
        return createNextOccurrence(tx, id, me);
      }));
    }
    throw notFound('Use /sync or /next on an assignment.', { code: 'not_found' });
  },
});

export const config: Config = { path: '/api/assignments/:assignmentId/:action' };
