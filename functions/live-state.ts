// GET /api/live/:id/state   the public part of a live contest's state (no sign-in needed)
//
// The same for everyone — question, phase, countdown instants, who buzzed first, the reveal, the
// scoreboard — so it carries no personal data beyond display names, and is cacheable for a second
// (a CDN in front absorbs the fan-out of a room of phones: docs/decisions/contests.md). The
// contest's uuid is the capability: the PIN, which is guessable, only works for signed-in members.
// ETag = run-sheet revision + version; If-None-Match answers 304. X-Server-Now (epoch ms) lets
// clients learn their clock offset even from a 304.
import type { Config } from '@netlify/functions';
import { handle, notFound } from './_lib/http.ts';
import { idParam } from './_lib/params.ts';
import { pollState, publicOf } from './_lib/live.ts';

export default handle({
  async GET(req, { params }) {
    const id = idParam(params, 'id', 'live contest');
    const entry = await pollState(id);
    if (!entry) throw notFound('There is no live contest with this id.');
    const { body, etag } = publicOf(entry);
    const headers: Record<string, string> = {
      'cache-control': 'public, max-age=1',
      etag,
      'x-server-now': String(Date.now()),
      'x-content-type-options': 'nosniff',
      // Phones in a room share a Wi-Fi; the server time header must not come from a cache.
      'access-control-expose-headers': 'etag, x-server-now',
    };
    const inm = req.headers.get('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim() === etag)) return new Response(null, { status: 304, headers });
    return new Response(body, { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
  },
});

export const config: Config = { path: '/api/live/:id/state' };
