// POST /api/live/:id/play {requestId, device, ref, kind: buzz|answer|stake, response?, stake?}
//   a player's buzz, answer or stake for the current question `ref`, from the device that holds
//   their seat → {accepted, foul, replay, personal}
// Server-authoritative: the receive time is the server's (the transaction's start); a buzz while
// the question is shown but not open is a foul; answers after the countdown or a lock, for another
// team's question, a second time, or for an old question are refused (409 with a `code`). The
// answer is graded against the key here and the result stays in the log until the reveal. A
// replayed requestId finds its event and appends nothing.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { badRequest, handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { DeviceSchema, fastAppend, liveProblem, lockedAppend, membershipOf, warmCopy, type Entry } from './_lib/live.ts';
import { checkPlayerAction, personalState, PLAYER_ACTIONS } from '../src/core/live-contest.ts';
import { parseResponse } from '../src/core/questions.ts';
import { gradeResponse } from '../src/core/grading.ts';

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

type Body = z.infer<typeof PlaySchema>;

/** The event data for an accepted action (the answer graded against the key here). */
function eventData(entry: Entry, memberId: string, body: Body, foul: boolean): Record<string, unknown> {
  const q = entry.state.current!;
  const data: Record<string, unknown> = { memberId, device: body.device, ref: body.ref, openSeq: q.openSeq };
  if (body.kind === 'buzz') data.foul = foul;
  if (body.kind === 'stake') data.stake = body.stake;
  if (body.kind === 'answer') {
    const content = entry.loaded.content.get(q.ref)!;
    const parsed = parseResponse(content.type, body.response, { options: content.options, blankCount: content.blankCount });
    if (!parsed.ok) throw badRequest(parsed.message, { errors: { response: parsed.message }, code: parsed.code });
    if (parsed.value === null) throw badRequest('Choose an answer before sending.', { errors: { response: 'Choose an answer before sending.' } });
    data.response = parsed.value;
    data.correct = gradeResponse(entry.loaded.versions.get(q.ref)!, parsed.value, 1, 'all_or_nothing').state === 'correct';
  }
  return data;
}

/** The instant after which the action is late (null: no countdown applies, e.g. a stake while shown). */
function deadlineOf(entry: Entry, kind: Body['kind']): number | null {
  const q = entry.state.current!;
  if (q.phase === 'open') return q.closesAt;
  if (q.phase === 'buzzed') return kind === 'answer' ? q.answerClosesAt : q.closesAt;
  return null;
}

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'live contest');
    const body = await readJson(req, PlaySchema);
    // The warm copy first. A refusal that no later event can lift (the team already buzzed or
    // answered, a foul) is answered from it without queueing for the contest's lock; an action it
    // accepts is appended in one round trip if nothing that could change that verdict was appended
    // since (fastAppend). Replays, every other refusal, and anything that changed meanwhile are
    // decided under the lock against the state the event would follow (lockedAppend).
    const warm = warmCopy(id);
    const who = warm ? await membershipOf(claims, id, warm.loaded.setupRev) : null;
    if (warm && who && who.teamId && !warm.requests.has(`${who.memberId}|${body.requestId}`)) {
      const basedOn = warm.state.version;
      const early = checkPlayerAction(warm.loaded.setup, warm.state,
        { kind: body.kind, memberId: who.memberId, device: body.device, ref: body.ref, response: body.response, stake: body.stake }, Date.now());
      if (!early.ok && FINAL_REFUSALS.has(early.problem.code)) throw liveProblem(early.problem);
      if (early.ok) {
        const data = eventData(warm, who.memberId, body, early.foul);
        // 个人全员答: team-mates' answers do not bear on mine; in team rounds they do.
        const teamScope = warm.state.current?.kind === 'all' ? null : who.teamId;
        const ev = await fastAppend(claims, id, warm, who.memberId, teamScope, basedOn,
          { kind: body.kind, data, idemKey: body.requestId }, deadlineOf(warm, body.kind));
        if (ev) {
          const entry = warmCopy(id) ?? warm;
          return json({ accepted: true, replay: false, foul: early.foul, personal: personalState(entry.loaded.setup, entry.state, who.memberId, body.device) });
        }
      }
    }
    const out = await lockedAppend(claims, id, body.requestId, async ({ entry, now, memberId, replayed }) => {
      const personal = () => personalState(entry.loaded.setup, entry.state, memberId, body.device);
      if (replayed) {
        return { reply: () => ({ accepted: true, replay: true, foul: Boolean((replayed.data as { foul?: boolean }).foul), personal: personal() }) };
      }
      const outcome = checkPlayerAction(entry.loaded.setup, entry.state,
        { kind: body.kind, memberId, device: body.device, ref: body.ref, response: body.response, stake: body.stake }, now);
      if (!outcome.ok) throw liveProblem(outcome.problem);
      return {
        event: { kind: body.kind, host: false, data: eventData(entry, memberId, body, outcome.foul), idemKey: body.requestId },
        reply: () => ({ accepted: true, replay: false, foul: outcome.foul, personal: personal() }),
      };
    });
    return json(out);
  },
});

export const config: Config = { path: '/api/live/:id/play' };
