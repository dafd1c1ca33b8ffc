// POST /api/manage/exams/:examId/status  {status: 'published'|'draft'|'archived', reason?}
//      publish (the blueprint must fill from the bank today and someone must be offered it),
//      unpublish (back to draft: nobody can start it; running attempts go on), archive (read-only;
//      results stay). Every status change is audited by the trigger on app.exams.
// POST /api/manage/exams/:examId/clone   {title?} → 201, a draft copy with the same settings and
//      audience, owned by the same unit (or the caller's scope when that unit is outside it).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson, conflict, forbidden } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { examProblem } from './_lib/attempts.ts';
import { loadExam } from './_lib/exams.ts';
import {
  administeredExam, audienceIsEmpty, audienceSnapshot, blueprintProblem, builderView, checkBlueprint, requireBuilder,
  resolveUnit, setAuditReason,
} from './_lib/exam-builder.ts';
import { singleLine } from '../src/core/text.ts';

const StatusSchema = z.strictObject({
  status: z.enum(['published', 'draft', 'archived'], 'Choose published, draft or archived.'),
  reason: z.string().trim().max(500).nullable().optional(),
});
const CloneSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).superRefine(singleLine).optional(),
});

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const action = new URL(req.url).pathname.split('/').pop();

    if (action === 'clone') {
      const body = await readJson(req, CloneSchema);
      const out = await asUser(claims, async (tx) => {
        const me = await requireBuilder(tx);
        const exam = await loadExam(tx, examId);
        if (!exam || !exam.manages) throw examProblem(404, 'exam_not_found', 'There is no exam with this id that you can see.');
        const ownUnit = await resolveUnit(tx, exam.ownerOrgId);
        const sameOwner = Boolean(ownUnit?.inScope);
        const ownerId = sameOwner ? exam.ownerOrgId : (me.scope?.id ?? me.orgUnit.id);
        const [row] = await tx`
          insert into app.exams (title, description, kind, status, owner_org_id, created_by, window_open, window_close, time_limit_sec,
            grace_sec, attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options,
            focus_loss_limit, review_policy, blueprint)
          select coalesce(${body.title ?? null}::text, left(e.title || '（副本）', 200)), e.description, e.kind, 'draft', ${ownerId}::uuid, ${me.memberId}::uuid, e.window_open, e.window_close,
            e.time_limit_sec, e.grace_sec, e.attempts_allowed, e.grading_method, e.pass_percent, e.multiple_rule, e.shuffle_questions,
            e.shuffle_options, e.focus_loss_limit, e.review_policy, e.blueprint
          from app.exams e where e.id = ${examId}
          returning id`;
        const newId = row!.id as string;
        // The audience comes along when the copy stays with the same unit (RLS: only rows in scope).
        if (sameOwner) {
          await tx`insert into app.exam_assignments (exam_id, org_unit_id, due_at)
            select ${newId}::uuid, a.org_unit_id, a.due_at from app.exam_assignments a
            where a.exam_id = ${examId} and app_private.in_scope(a.org_unit_id)`;
          await tx`insert into app.exam_audience (exam_id, member_id, role, org_unit_id, due_at)
            select ${newId}::uuid, au.member_id, au.role, au.org_unit_id, au.due_at from app.exam_audience au
            where au.exam_id = ${examId}
              and (au.member_id is null or app_private.can_see_member(au.member_id))
              and (au.org_unit_id is null or app_private.in_scope(au.org_unit_id))`;
        }
        return builderView(tx, newId);
      });
      return json(out, 201, { location: `/api/manage/exams/${out.id}` });
    }

    if (action === 'status') {
      const body = await readJson(req, StatusSchema);
      const out = await asUser(claims, async (tx) => {
        await requireBuilder(tx);
        const exam = await administeredExam(tx, examId, 'publish, unpublish or archive it');
        if (exam.status === body.status) return builderView(tx, examId);
        if (exam.status === 'archived') throw conflict('This exam is archived; archived exams stay as they are. Clone it to run it again.', { code: 'exam_archived' });
        if (body.status === 'published') {
          const check = await checkBlueprint(tx, exam.blueprint);
          if (!check.ok) throw blueprintProblem(check);
          if (audienceIsEmpty(await audienceSnapshot(tx, examId))) {
            throw conflict('Choose who takes this exam (org units, roles or people) before publishing it.', { code: 'no_audience', errors: { audience: 'Nobody would be offered this exam.' }, fieldCodes: { audience: { code: 'no_audience', params: {} } } });
          }
        }
        await setAuditReason(tx, body.reason ?? null);
        const r = await tx`update app.exams set status = ${body.status} where id = ${examId}`;
        if (r.count === 0) throw forbidden('You cannot change this exam.', { code: 'exam_not_editable' });
        return builderView(tx, examId);
      });
      return json(out);
    }
    throw examProblem(404, 'not_found', 'Use …/status or …/clone.');
  },
});

export const config: Config = { path: ['/api/manage/exams/:examId/status', '/api/manage/exams/:examId/clone'] };
