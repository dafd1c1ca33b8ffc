// GET /api/progress — the caller's reading progress per module:
// { total, read, modules: [{ module, title, total, read, lessons: [{ id, title, order, readAt }] }] }
import type { Config } from '@netlify/functions';
import { handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { currentMemberId, progressByModule } from './_lib/progress.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const body = await asUser(claims, async (tx) => {
      const memberId = await currentMemberId(tx);
      if (!memberId) throw notFound('Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.');
      return progressByModule(tx, memberId);
    });
    return json(body);
  },
});

export const config: Config = { path: '/api/progress' };
