// GET /api/live/:id/me?device=…   the personal part of a live contest's state for the caller
//   → {serverNow, version, memberId, teamId (the team they may sit in), hosts, hasAllRound, seat, mine, myPoints}
// Small and never cached: my seat (and whether this device holds it), my answer to the current
// question (only mine), my 个人全员答 points.
import type { Config } from '@netlify/functions';
import { handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { membershipOf, pollState } from './_lib/live.ts';
import { personalState } from '../src/core/live-contest.ts';

export default handle({
  async GET(req, { params }) {
    // The session is checked with the membership lookup (membershipOf), before anything personal is read.
    const claims = await requireUser(req, { sessionCheck: 'with-first-statement' });
    const id = idParam(params, 'id', 'live contest');
    const device = new URL(req.url).searchParams.get('device');
    // As fresh as the public state (pollState), and who the caller is in this contest (RLS, cached briefly).
    const entry = await pollState(id);
    const who = entry ? await membershipOf(claims, id, entry.loaded.setupRev) : null;
    if (!entry || !who) throw notFound('There is no live contest with this id that you host or play in. Check the PIN or ask the host to add you to a team.');
    const me = who.memberId;
    // Hosts also see what the phones sent for the current question, to judge it on stage.
    const q = entry.state.current;
    const hostView = who.hosts && q
      ? {
          teamAnswer: q.teamAnswer ? { teamId: q.teamAnswer.teamId, name: entry.state.seats[q.teamAnswer.memberId]?.name ?? '', response: q.teamAnswer.response, correct: q.teamAnswer.correct } : null,
          answers: Object.keys(q.answers).length,
          correct: Object.values(q.answers).filter((a) => a.correct).length,
        }
      : null;
    return json({
      hostView,
      serverNow: Date.now(),
      memberId: me,
      teamId: who.teamId,
      hosts: who.hosts,
      // Whether the run sheet has a 个人全员答 round: the phone's final screen shows personal points only then.
      hasAllRound: entry.loaded.setup.rounds.some((r) => r.kind === 'all'),
      ...personalState(entry.loaded.setup, entry.state, me, device && device.length <= 80 ? device : null),
    });
  },
});

export const config: Config = { path: '/api/live/:id/me' };
