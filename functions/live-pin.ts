// GET /api/live/pin/:pin   the live contest a signed-in member may join with this PIN → {id, title}
// Only contests whose teams list the caller (or that they host) are found: a PIN is six digits and
// guessable, so it opens nothing for anyone else.
import type { Config } from '@netlify/functions';
import { badRequest, handle, HttpProblem, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const pin = params.pin ?? '';
    // The codes let the join page say it in the reader's language (src/i18n/live.ts live.pinError.*).
    if (!/^[0-9]{6}$/.test(pin)) throw badRequest('A PIN is six digits, e.g. 482913.', { errors: { pin: 'Type the six digits shown on the big screen.' }, code: 'pin_malformed' });
    const [c] = await asUser(claims, (tx) => tx`select id, title from app.live_contests where pin = ${pin}`);
    if (!c) throw new HttpProblem(404, 'Not Found', 'No contest with this PIN has you in one of its teams. Check the digits, or ask the host to add you.', { code: 'pin_unknown' });
    return json({ id: c.id, title: c.title });
  },
});

export const config: Config = { path: '/api/live/pin/:pin' };
