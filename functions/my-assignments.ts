// GET /api/me/assignments   my required items (exam and/or lessons by period), with deadline and status
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { myAssignments } from './_lib/assignments.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    return json({ serverNow: new Date().toISOString(), assignments: await asUser(claims, (tx) => myAssignments(tx)) });
  },
});

export const config: Config = { path: '/api/me/assignments' };
