// GET /api/contests/:id/board   the projector board's state: top individuals, every team with its
//                               participation rate, the podium once the contest is closed
//
// For whoever sees the contest (its managers; participants once published). The state is the same
// for every viewer, so it is computed once per version and shared (functions/_lib/contests.ts).
// Versioned: ETag from app.contest_version (one indexed read); If-None-Match answers 304 without
// computing anything, so a board polling every few seconds costs one small query per poll.
// Cacheable by the browser for 2 s (private: the state names people and needs a sign-in).
import type { Config } from '@netlify/functions';
import { handle } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { boardState, computeRanking, contestOr404, contestVersion, etagOf } from './_lib/contests.ts';

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    const inm = req.headers.get('if-none-match');
    const result = await asUser(claims, async (tx) => {
      const c = await contestOr404(tx, id);
      const version = await contestVersion(tx, id);
      const etag = etagOf('board', version);
      if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return { etag, body: null };
      const r = await computeRanking(tx, c, version);
      return { etag, body: JSON.stringify({ version: etag, serverNow: new Date().toISOString(), ...boardState(r) }) };
    });
    const headers: Record<string, string> = {
      etag: result.etag,
      'cache-control': 'private, max-age=2',
      'x-content-type-options': 'nosniff',
      'x-server-now': String(Date.now()),
    };
    if (result.body === null) return new Response(null, { status: 304, headers });
    return new Response(result.body, { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } });
  },
});

export const config: Config = { path: '/api/contests/:id/board' };
