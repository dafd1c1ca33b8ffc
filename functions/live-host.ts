// POST /api/live/:id/host {requestId, action, correct?, teamId?, delta?, reason?, stake?}
//   host only (trainers/admins whose subtree holds the contest's unit): next, open, lock, judge,
//   reveal, pause, resume, adjust (audited, with a reason), stake, undo, finish.
//   finish records every seated person's result in app.live_results (their training record).
//   → the public state after the action.
// Checked against the state at the locked version by the same rules the reducer applies
// (src/core/live-contest.ts checkHostAction); a refused action is a 409 with a `code` and a
// message for the console. A replayed requestId finds its event and changes nothing.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { forbidden, handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { liveProblem, lockedAppend, publicOf } from './_lib/live.ts';
import { syncLiveResults } from './_lib/live-results.ts';
import { checkHostAction, HOST_ACTIONS, teamScores } from '../src/core/live-contest.ts';
import { singleLine } from '../src/core/text.ts';

const HostSchema = z.strictObject({
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,80}$/, 'requestId: 8–80 letters, digits, - or _.'),
  action: z.enum(HOST_ACTIONS),
  correct: z.boolean().optional(),
  teamId: z.string().uuid().optional(),
  delta: z.number().min(-1000).max(1000).optional(),
  reason: z.string().trim().max(200).superRefine(singleLine).optional(),
  stake: z.number().int().optional(),
});

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'live contest');
    const body = await readJson(req, HostSchema);
    const out = await lockedAppend(claims, id, body.requestId, async ({ tx, entry, now, memberId, hosts, replayed }) => {
      if (!hosts) throw forbidden('Only the hosts of this contest (trainers of its unit) can run it.', { code: 'not_host' });
      const reply = () => JSON.parse(publicOf(entry).body) as Record<string, unknown>;
      if (replayed) return { reply: () => ({ ...reply(), replay: true }) };
      const { requestId, action, ...rest } = body;
      const p = checkHostAction(entry.loaded.setup, entry.state, { kind: action, ...rest }, now);
      if (p) throw liveProblem(p);
      const data: Record<string, unknown> = {};
      if (action === 'judge') data.correct = body.correct;
      if (action === 'stake') { data.stake = body.stake; data.teamId = entry.state.current?.turnTeamId ?? null; }
      if (action === 'adjust') {
        Object.assign(data, { teamId: body.teamId, delta: body.delta, reason: body.reason });
        const before = teamScores(entry.loaded.setup, entry.state)[body.teamId!]!;
        await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
          values (${memberId}, 'member', 'live.adjust', 'live_contest', ${id},
                  ${tx.json({ teamId: body.teamId!, score: before })}, ${tx.json({ teamId: body.teamId!, score: Math.round((before + body.delta!) * 100) / 100, delta: body.delta! })},
                  ${body.reason!})`;
      }
      if (action === 'undo') data.undoes = entry.state.hostStack[entry.state.hostStack.length - 1];
      // The end puts everyone's result into their training record; an undo or adjustment after the
      // end re-derives the records (audited when they change), an undone finish takes them back.
      const wasFinished = entry.state.finished;
      const afterAppend = async (t: typeof tx, after: typeof entry) => {
        if (wasFinished || after.state.finished) await syncLiveResults(t, after, action, action === 'adjust' ? body.reason! : null);
      };
      return { event: { kind: action, host: true, data, idemKey: requestId }, reply, afterAppend };
    });
    return json(out);
  },
});

export const config: Config = { path: '/api/live/:id/host' };
