// GET  /api/manage/exams?status=active|draft|published|archived|all   trainer/admin: "my exams" —
//      every exam I administer with status, window, audience and attempts so far
// POST /api/manage/exams            trainer/admin: create (settings + blueprint + audience); draft by default
// GET  /api/manage/exams/:examId    the builder's view: every setting, audience, overrides, counts
// PUT  /api/manage/exams/:examId    replace settings and audience {…, reason?}. Attempts keep their
//      papers; a published exam's changes are audited (trigger, before/after).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, methodNotAllowed, parseWith, readJson, conflict, forbidden } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import {
  administeredExam, archivedProblem, audienceIsEmpty, audienceSnapshot, blueprintProblem, builderView, checkBlueprint,
  parseBuilderBody, requireBuilder, resolveAudience, resolveUnit, setAuditReason, writeAudience, writeExam,
} from './_lib/exam-builder.ts';

const ListQuery = z.strictObject({
  status: z.enum(['active', 'draft', 'published', 'archived', 'all']).default('active'),
});

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    if (params.examId !== undefined) {
      const examId = idParam(params, 'examId', 'exam');
      return json(await asUser(claims, async (tx) => {
        await requireBuilder(tx);
        await administeredExam(tx, examId, 'open it in the exam builder');
        return builderView(tx, examId);
      }));
    }
    const q = parseWith(ListQuery, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const rows = await asUser(claims, async (tx) => {
      await requireBuilder(tx);
      return tx`
        select e.id, e.title, e.kind, e.status, e.window_open, e.window_close, e.updated_at, e.blueprint, o.name as owner_name,
               (select count(*)::int from app.attempts a where a.exam_id = e.id) as attempts,
               (select count(distinct a.member_id)::int from app.attempts a where a.exam_id = e.id) as people,
               (select count(*)::int from app.attempts a where a.exam_id = e.id and a.needs_grading) as to_grade,
               (select coalesce(jsonb_agg(u.name order by u.path), '[]'::jsonb) from app.exam_assignments x
                  join app.org_units u on u.id = x.org_unit_id where x.exam_id = e.id) as units,
               (select count(*)::int from app.exam_audience au where au.exam_id = e.id and au.role is not null) as roles,
               (select count(*)::int from app.exam_audience au where au.exam_id = e.id and au.member_id is not null) as members,
               (select min(x.due_at) from app.exam_assignments x where x.exam_id = e.id) as due_at
        from app.exams e join app.org_units o on o.id = e.owner_org_id
        where app_private.administers_exam(e.id)
          and (${q.status} = 'all' or (${q.status} = 'active' and e.status <> 'archived') or e.status = ${q.status})
        order by e.updated_at desc`;
    });
    return json({
      exams: rows.map((r) => ({
        id: r.id as string, title: r.title as string, kind: r.kind as string, status: r.status as string,
        ownerName: r.owner_name as string,
        window: { open: iso(r.window_open), close: iso(r.window_close) },
        dueAt: iso(r.due_at),
        audience: { orgUnits: r.units as string[], roles: Number(r.roles), members: Number(r.members) },
        questionCount: (r.blueprint as { sections: { count: number }[] }).sections.reduce((n, s) => n + s.count, 0),
        attempts: Number(r.attempts), people: Number(r.people), toGrade: Number(r.to_grade),
        updatedAt: iso(r.updated_at),
      })),
    });
  },

  async POST(req, { params }) {
    if (params.examId !== undefined) throw methodNotAllowed(['GET', 'PUT']);
    const claims = await requireUser(req);
    const body = parseBuilderBody(await readJson(req, z.unknown()), { status: 'draft' });
    const out = await asUser(claims, async (tx) => {
      const me = await requireBuilder(tx);
      const owner = await resolveUnit(tx, body.ownerOrgUnit ?? me.scope?.id ?? me.orgUnit.id);
      if (!owner) throw forbidden(`There is no org unit "${body.ownerOrgUnit}" that you can see.`, { code: 'owner_unknown', params: { ref: body.ownerOrgUnit ?? '' } });
      if (!owner.inScope) throw forbidden(`You can create exams only for units within your scope (${me.scope?.name ?? me.orgUnit.name}).`, { code: 'owner_out_of_scope', params: { scope: me.scope?.name ?? me.orgUnit.name } });
      const audience = await resolveAudience(tx, me, body.audience);
      const check = await checkBlueprint(tx, body.settings.blueprint);
      if (!check.ok) throw blueprintProblem(check);
      if (body.settings.status === 'published' && audienceIsEmpty(body.audience)) {
        throw conflict('Choose who takes this exam (org units, roles or people) before publishing it.', { code: 'no_audience', errors: { audience: 'Nobody would be offered this exam.' }, fieldCodes: { audience: { code: 'no_audience', params: {} } } });
      }
      const examId = await writeExam(tx, body.settings, owner.id, me, null);
      await writeAudience(tx, examId, audience);
      // Created published = published without a status change: the trigger (updates only) does not
      // see it, so the publication is written here, as POST …/status would have it.
      if (body.settings.status === 'published') {
        await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
          values (${me.memberId}, 'member', 'exam.status', 'exam', ${examId}, ${tx.json({ status: null })},
                  ${tx.json({ status: 'published', audience: (await audienceSnapshot(tx, examId)) as never })}, null)`;
      }
      return builderView(tx, examId);
    });
    return json(out, 201, { location: `/api/manage/exams/${out.id}` });
  },

  async PUT(req, { params }) {
    if (params.examId === undefined) throw methodNotAllowed(['GET', 'POST']);
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const raw = await readJson(req, z.unknown());
    const { reason, ...rest } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const reasonText = parseWith(z.string().trim().max(500).nullable().optional(), reason, 'The reason is invalid.') ?? null;
    const out = await asUser(claims, async (tx) => {
      const me = await requireBuilder(tx);
      const exam = await administeredExam(tx, examId, 'change its settings');
      if (exam.status === 'archived') throw archivedProblem();
      // Status changes go through POST …/status (publish checks); PUT keeps the current one.
      const body = parseBuilderBody({ ...rest, status: exam.status === 'published' ? 'published' : 'draft' }, { status: 'draft' });
      const owner = await resolveUnit(tx, body.ownerOrgUnit ?? exam.ownerOrgId);
      if (!owner || !owner.inScope) throw forbidden(`You can move exams only to units within your scope (${me.scope?.name ?? me.orgUnit.name}).`, { code: 'owner_out_of_scope', params: { scope: me.scope?.name ?? me.orgUnit.name } });
      const audience = await resolveAudience(tx, me, body.audience);
      const check = await checkBlueprint(tx, body.settings.blueprint);
      if (!check.ok) throw blueprintProblem(check);
      if (exam.status === 'published' && audienceIsEmpty(body.audience)) {
        throw conflict('A published exam needs someone to take it. Unpublish it first if you want to remove everyone.', { code: 'no_audience', errors: { audience: 'Nobody would be offered this exam.' }, fieldCodes: { audience: { code: 'no_audience', params: {} } } });
      }
      await setAuditReason(tx, reasonText);
      const before = await audienceSnapshot(tx, examId);
      await writeExam(tx, body.settings, owner.id, me, examId);
      const changed = await writeAudience(tx, examId, audience);
      // Who is offered a published exam is one of its settings: audited with before/after too (also
      // for a draft that has attempts, as the settings trigger does).
      const [taken] = await tx`select exists (select 1 from app.attempts a where a.exam_id = ${examId}) as yes`;
      if (changed && (exam.status === 'published' || taken!.yes)) {
        await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
          values (${me.memberId}, 'member', 'exam.audience', 'exam', ${examId}, ${tx.json(before as never)},
                  ${tx.json((await audienceSnapshot(tx, examId)) as never)}, ${reasonText})`;
      }
      return builderView(tx, examId);
    });
    return json(out);
  },
});

export const config: Config = { path: ['/api/manage/exams', '/api/manage/exams/:examId'] };
