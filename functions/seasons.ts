// GET    /api/seasons        seasons I manage (trainers/HR/admins of the owning unit's subtree)
// POST   /api/seasons        trainer/admin: {title, ownerOrgUnit?, unitKind, items: [{examId|contestId, weight}]} → 201
// GET    /api/seasons/:id    the season with its ranking per person and per org unit
// PUT    /api/seasons/:id    replace it (trainers/admins of the owning unit)
// DELETE /api/seasons/:id
import type { Config } from '@netlify/functions';
import { forbidden, handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireRole } from './_lib/manage.ts';
import { requireContestEditor } from './_lib/contests.ts';
import { auditSeason, loadSeason, saveSeason, SeasonSchema, seasonAuditValue, seasonStandings } from './_lib/seasons.ts';

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    return json(await asUser(claims, async (tx) => {
      await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
      if (params.id !== undefined) {
        const s = await loadSeason(tx, idParam(params, 'id', 'season'));
        return { ...s, ranking: await seasonStandings(tx, s) };
      }
      const rows = await tx`select s.id, s.title, s.unit_kind, o.name as owner_name,
          (select count(*)::int from app.season_items i where i.season_id = s.id) as items
        from app.seasons s join app.org_units o on o.id = s.owner_org_id order by s.created_at desc`;
      return { seasons: rows.map((r) => ({ id: r.id as string, title: r.title as string, unitKind: r.unit_kind as string, ownerName: r.owner_name as string, items: Number(r.items) })) };
    }));
  },
  async POST(req) {
    const claims = await requireUser(req);
    const body = await readJson(req, SeasonSchema);
    const out = await asUser(claims, async (tx) => {
      const me = await requireContestEditor(tx);
      return loadSeason(tx, await saveSeason(tx, me, body, null));
    });
    return json(out, 201, { location: `/api/seasons/${out.id}` });
  },
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'season');
    const body = await readJson(req, SeasonSchema);
    return json(await asUser(claims, async (tx) => {
      const me = await requireContestEditor(tx);
      const s = await loadSeason(tx, id);
      if (!s.edits) throw forbidden(`Only trainers of ${s.ownerName} (or a unit above it) can change this season.`, { code: 'season_not_editor', params: { owner: s.ownerName } });
      return loadSeason(tx, await saveSeason(tx, me, body, s));
    }));
  },
  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'season');
    await asUser(claims, async (tx) => {
      const me = await requireContestEditor(tx);
      const s = await loadSeason(tx, id);
      if (!s.edits) throw forbidden(`Only trainers of ${s.ownerName} (or a unit above it) can delete this season.`, { code: 'season_not_editor', params: { owner: s.ownerName } });
      await tx`delete from app.seasons where id = ${id}`;
      await auditSeason(tx, me.memberId, 'season.delete', id, seasonAuditValue(s.title, s.unitKind, s.items), null);
    });
    return new Response(null, { status: 204 });
  },
});

export const config: Config = { path: ['/api/seasons', '/api/seasons/:id'] };
