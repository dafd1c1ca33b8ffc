// GET    /api/contests/:id          the contest, its rounds (with my attempts when I take part) and
//                                   teams; managers also see every listed person; a participant also
//                                   their own place and their team's (standing) once it is published
// PUT    /api/contests/:id          trainer/admin of the owning unit: replace the definition
//                                   (ContestSchema); while published the round exams are offered again
// DELETE /api/contests/:id          a draft only
// POST   /api/contests/:id/status   {status: 'published' | 'closed', reason?}: publish (offers the round
//                                   exams to the participants), close (the board shows the podium),
//                                   reopen (closed → published). Audited by the trigger on app.contests.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { conflict, handle, json, methodNotAllowed, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { loadMe } from './_lib/members.ts';
import { ContestSchema, computeRanking, contestOr404, definitionOf, editableContest, saveDefinition, setStatus } from './_lib/contests.ts';
import { overallGrade, type AttemptState, type GradingMethod } from '../src/core/attempt.ts';

const StatusSchema = z.strictObject({
  status: z.enum(['published', 'closed'], 'Choose published or closed.'),
  reason: z.string().trim().max(500).nullable().optional(),
});

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    return json(await asUser(claims, async (tx) => {
      const c = await contestOr404(tx, id);
      const def = await definitionOf(tx, c);
      const me = await loadMe(tx);
      const [part] = await tx`select app_private.takes_part_in_contest(${id}::uuid) as yes`;
      // My own attempts at the round exams (RLS: my own rows), for the participant's page.
      const mine = me ? await tx`
        select a.exam_id, a.state, a.started_at, a.score, a.max_score from app.attempts a
        where a.member_id = ${me.memberId}::uuid
          and a.exam_id in (select r.exam_id from app.contest_rounds r where r.contest_id = ${id}::uuid and r.exam_id is not null)
        order by a.started_at` : [];
      // My recorded results of the live rounds (RLS: my own rows; written when each live contest ended).
      const myLive = me ? await tx`
        select r.contest_id, r.round_score, r.round_max from app.live_results r
        where r.member_id = ${me.memberId}::uuid
          and r.contest_id in (select cr.live_contest_id from app.contest_rounds cr where cr.contest_id = ${id}::uuid and cr.live_contest_id is not null)` : [];
      const rounds = def.rounds.map((r) => {
        if (r.liveContestId) {
          const rec = myLive.find((x) => x.contest_id === r.liveContestId);
          return { ...r, mine: { attempts: rec ? 1 : 0, inProgress: false, score: rec ? Number(rec.round_score) : null, maxScore: rec ? Number(rec.round_max) : null } };
        }
        const list = mine.filter((a) => a.exam_id === r.examId);
        const best = r.gradingMethod
          ? overallGrade(list.map((a) => ({ state: a.state as AttemptState, startedAt: a.started_at as Date, score: a.score === null ? null : Number(a.score) })), r.gradingMethod as GradingMethod)
          : null;
        return {
          ...r,
          mine: { attempts: list.length, inProgress: list.some((a) => a.state === 'in_progress'), score: best, maxScore: list.length ? Number(list[list.length - 1]!.max_score ?? 0) || null : null },
        };
      });
      const myTeam = me ? (def.teams.find((t) => t.members.some((m) => m.id === me.memberId))
        ?? def.teams.find((t) => t.orgUnit && me.orgPath.some((u) => u.id === t.orgUnit!.id))) : undefined;
      // My place and my team's among everyone (the board shows only the top): once the contest is
      // open, from the same ranking the board uses (cached per version).
      let standing = null;
      if (part?.yes && me && c.status !== 'draft') {
        const { ranking } = await computeRanking(tx, c);
        const p = ranking.individuals.find((x) => x.memberId === me.memberId);
        const teamId = p?.teamId ?? myTeam?.id ?? null;
        const t = teamId ? ranking.teams.find((x) => x.id === teamId) : undefined;
        standing = {
          rank: p?.rank ?? null, score: p?.score ?? null, ranked: ranking.individuals.length, maxScore: ranking.maxScore,
          team: t ? { name: t.name, rank: t.rank, score: t.score, teams: ranking.teams.length } : null,
        };
      }
      return { ...c, ...def, rounds, takesPart: Boolean(part?.yes), myTeam: myTeam ? { id: myTeam.id, name: myTeam.name } : null, standing };
    }));
  },

  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    const body = await readJson(req, ContestSchema);
    return json(await asUser(claims, async (tx) => {
      const c = await editableContest(tx, id);
      const me = (await loadMe(tx))!;
      if (c.status === 'closed') throw conflict('This contest is closed: reopen it before changing it.', { code: 'contest_closed' });
      await saveDefinition(tx, me, body, c);
      const after = await contestOr404(tx, id);
      return { ...after, ...(await definitionOf(tx, after)) };
    }));
  },

  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    await asUser(claims, async (tx) => {
      const c = await editableContest(tx, id);
      if (c.status !== 'draft') throw conflict('Only a draft can be deleted; a published contest is closed instead, so its results stay.', { code: 'only_draft_deleted' });
      await tx`delete from app.contests where id = ${id}`;
    });
    return new Response(null, { status: 204 });
  },

  async POST(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'contest');
    if (!new URL(req.url).pathname.replace(/\/+$/, '').endsWith('/status')) throw methodNotAllowed(['GET', 'PUT', 'DELETE']);
    const body = await readJson(req, StatusSchema);
    return json(await asUser(claims, async (tx) => {
      const c = await editableContest(tx, id);
      await setStatus(tx, c, body.status, body.reason ?? null);
      const after = await contestOr404(tx, id);
      return { ...after, ...(await definitionOf(tx, after)) };
    }));
  },
});

export const config: Config = { path: ['/api/contests/:id', '/api/contests/:id/status'] };
