import type { Config } from '@netlify/functions';
import { handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { loadMe } from './_lib/members.ts';

export default handle({
  async GET(req) {
    // Reachable while the account must replace its initial password: the page shell needs to know
    // who is signed in, and `passwordChangeRequired` sends the browser to the change form.
    const claims = await requireUser(req, { allowPasswordChange: true });
    const me = await asUser(claims, async (tx) => {
      const m = await loadMe(tx);
      if (!m) return null;
      const [p] = await tx`select exists (select 1 from app.password_change_required where user_id = ${claims.sub}::uuid) as required`;
      return { ...m, passwordChangeRequired: p?.required === true };
    });
    if (!me) throw notFound('Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.', { code: 'account_not_linked' });
    return json(me);
  },
});

export const config: Config = { path: '/api/me' };
