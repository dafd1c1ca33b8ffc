// POST /api/live/:id/play {requestId, device, ref, kind: buzz|answer|stake, response?, stake?}
//   a player's buzz, answer or stake for the current question `ref`, from the device that holds
//   their seat → {accepted, foul, replay, personal}
// Server-authoritative: the receive time is the server's (taken when the request arrives); a buzz while
// the question is shown but not open is a foul; answers after the countdown or a lock, for another
// team's question, a second time, or for an old question are refused (409 with a `code`). The
// answer is graded against the key here and the result stays in the log until the reveal. A
// replayed requestId finds its event and appends nothing. Actions arriving together are appended
// in one transaction (functions/_lib/live-batch.ts); each caller is answered after it committed.
// Server-Timing tells where the time went: auth (token, session, membership), wait (for the batch
// ahead), db (the batch's database work) and batch (how many actions it held).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { forbidden, handle, json, notFound, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { DeviceSchema, liveProblem, membershipOf, pollState, warmCopy } from './_lib/live.ts';
import { submitPlay } from './_lib/live-batch.ts';
import { checkPlayerAction, PLAYER_ACTIONS } from '../src/core/live-contest.ts';

const PlaySchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,80}$/, 'requestId: 8–80 letters, digits, - or _.'),
  device: DeviceSchema,
  ref: z.string().uuid('ref is the id of the question on the screen.'),
  kind: z.enum(PLAYER_ACTIONS),
  response: z.unknown().optional(),
  stake: z.number().int().optional(),
});

/** Refusals no later event can lift (an undo re-derives the copy, so it stays exact). */
const FINAL_REFUSALS = new Set(['already_buzzed', 'fouled', 'already_answered']);

export default handle({
  async POST(req, { params }) {
    // The fairness clock: taken first, before anything can make the request wait.
    const receivedAt = Date.now();
    const t0 = performance.now();
    // The session is checked with the membership lookup (membershipOf), before anything is read.
    const claims = await requireUser(req, { sessionCheck: 'with-first-statement' });
    const id = idParam(params, 'id', 'live contest');
    const body = await readJson(req, PlaySchema);
    const entry = warmCopy(id) ?? (await pollState(id));
    if (!entry) throw notFound('There is no live contest with this id.', { code: 'live_not_found' });
    const who = await membershipOf(claims, id, entry.loaded.setupRev);
    if (!who) throw forbidden('Only the hosts of this contest (trainers of its unit) and the members of its teams can do this.', { code: 'not_host' });
    const action = { kind: body.kind, memberId: who.memberId, device: body.device, ref: body.ref, response: body.response, stake: body.stake };
    // A refusal no later event can lift (the team already buzzed or answered, a foul) is answered
    // from the warm copy at once: a room pressing the buzzer does not queue for the database.
    if (!entry.requests.has(`${who.memberId}|${body.requestId}`)) {
      const early = checkPlayerAction(entry.loaded.setup, entry.state, action, receivedAt);
      if (!early.ok && FINAL_REFUSALS.has(early.problem.code)) throw liveProblem(early.problem);
    }
    const auth = performance.now() - t0;
    // Everything else is decided in the batch, against the state at the contest's version.
    const { reply, timing } = await submitPlay(id, { claims, requestId: body.requestId, receivedAt, ...action });
    return json(reply, 200, {
      'server-timing': `auth;dur=${auth.toFixed(1)}, wait;dur=${timing.waitMs.toFixed(1)}, db;dur=${timing.dbMs.toFixed(1)}, batch;desc="${timing.batch}"`,
    });
  },
});

export const config: Config = { path: '/api/live/:id/play' };
