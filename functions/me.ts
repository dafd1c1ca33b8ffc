import type { Config } from '@netlify/functions';
import { handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { loadMe } from './_lib/members.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const me = await asUser(claims, (tx) => loadMe(tx));
    if (!me) throw notFound('Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.');
    return json(me);
  },
});

export const config: Config = { path: '/api/me' };
