// GET  /api/contests            contests I manage (trainers/HR/admins in scope, drafts included) and
//                               contests I take part in (published or closed), newest first
// GET  /api/contests?code=ABC234  the contest behind a short link (/c/<code>), if I may see it
// POST /api/contests            trainer/admin: create a draft contest → 201 {id, …definition}
// docs/decisions/contests.md; the definition's shape is ContestSchema (functions/_lib/contests.ts).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, notFound, parseWith, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { ContestSchema, contestOr404, definitionOf, requireContestEditor, saveDefinition } from './_lib/contests.ts';

const QuerySchema = z.strictObject({
  code: z.string().trim().toUpperCase().regex(/^[2-9A-HJKMNP-Z]{6}$/, 'A contest code is six letters and digits, as on the board.').optional(),
});

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const q = parseWith(QuerySchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    return asUser(claims, async (tx) => {
      if (q.code) {
        const [c] = await tx`select id, title from app.contests where code = ${q.code}`;
        if (!c) throw notFound(`There is no contest with the code ${q.code} that you take part in. Check the code on the board.`);
        return json({ id: c.id as string, title: c.title as string });
      }
      // RLS: managed contests in my subtree, and published/closed contests I take part in.
      const rows = await tx`
        select c.id, c.code, c.title, c.status, c.published_at, c.closed_at, c.created_at, o.name as owner_name,
               app_private.manages_contest(c.id) as manages, app_private.edits_contest(c.id) as edits,
               app_private.takes_part_in_contest(c.id) as takes_part,
               (select count(*)::int from app.contest_rounds r where r.contest_id = c.id) as rounds,
               (select count(*)::int from app.contest_teams t where t.contest_id = c.id) as teams,
               (select min(e.window_open) from app.contest_rounds r join app.exams e on e.id = r.exam_id where r.contest_id = c.id) as opens,
               (select max(e.window_close) from app.contest_rounds r join app.exams e on e.id = r.exam_id where r.contest_id = c.id) as closes
        from app.contests c join app.org_units o on o.id = c.owner_org_id
        order by c.status = 'closed', coalesce(c.published_at, c.created_at) desc`;
      return json({
        contests: rows.map((r) => ({
          id: r.id as string, code: r.code as string, title: r.title as string, status: r.status as string, ownerName: r.owner_name as string,
          publishedAt: iso(r.published_at), closedAt: iso(r.closed_at), opens: iso(r.opens), closes: iso(r.closes),
          rounds: Number(r.rounds), teams: Number(r.teams),
          manages: Boolean(r.manages), edits: Boolean(r.edits), takesPart: Boolean(r.takes_part),
        })),
      });
    });
  },

  async POST(req) {
    const claims = await requireUser(req);
    const body = await readJson(req, ContestSchema);
    const out = await asUser(claims, async (tx) => {
      const me = await requireContestEditor(tx);
      const id = await saveDefinition(tx, me, body, null);
      const c = await contestOr404(tx, id);
      return { ...c, ...(await definitionOf(tx, c)) };
    });
    return json(out, 201, { location: `/api/contests/${out.id}` });
  },
});

export const config: Config = { path: '/api/contests' };
