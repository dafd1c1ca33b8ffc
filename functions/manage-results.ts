// GET /api/manage/results?examId=&orgUnit=   trainer/HR/admin: attempts of members in my scope
//   → {rows: [{attemptId, examId, examTitle, kind, memberId, employeeNo, name, orgUnitId, orgCode, orgName, orgPath,
//              attemptNo, state, startedAt, finishedAt, score, maxScore, percent, passed, needsGrading, focusLosses}]}
//   with examId also {notStarted: [{memberId, employeeNo, name, org…, dueAt}]}: the audience in my scope without an attempt
// GET /api/manage/results/exams   every exam in my scope, also those nobody has taken yet (see examsInScope)
// RLS decides the scope (attempts of members in the caller's subtree); orgUnit narrows to a subtree.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireRole } from './_lib/manage.ts';

const QuerySchema = z.strictObject({
  examId: z.uuid('examId must be an exam id.').optional(),
  /** An org unit id or code; its whole subtree is included. `orgUnitId` is accepted as an alias. */
  orgUnit: z.string().min(1).max(64).optional(),
  orgUnitId: z.string().min(1).max(64).optional(),
});

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

/**
 * GET /api/manage/results/exams: every exam in my scope — owned by a unit in my subtree, or offered
 * to people in it (as units, named people, roles or overrides) — including those nobody has taken yet, with audience and attempt counts (people
 * in my scope, not me). Drafts only for their administrators.
 */
async function examsInScope(req: Request) {
  const claims = await requireUser(req);
  const rows = await asUser(claims, async (tx) => {
    await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
    return tx`
      select e.id, e.title, e.kind, e.status, e.window_open, e.window_close, o.name as owner_name,
             app_private.administers_exam(e.id) as administers,
             -- Offered to me or managed by me: may be assigned or ranked in a season (migration 1100).
             app_private.may_use_exam(e.id) as usable,
             (select count(*)::int from app.attempts a where a.exam_id = e.id and a.member_id <> app_private.current_member_id()) as attempts,
             (select count(distinct a.member_id)::int from app.attempts a where a.exam_id = e.id and a.member_id <> app_private.current_member_id()) as people,
             (select count(*)::int from app.attempts a where a.exam_id = e.id and a.needs_grading and a.member_id <> app_private.current_member_id()) as to_grade,
             (select count(*)::int from app.exam_audience_of(e.id) x where x.member_id <> app_private.current_member_id()) as audience
      from app.exams e join app.org_units o on o.id = e.owner_org_id
      where (e.status <> 'draft' or app_private.administers_exam(e.id))
        and (app_private.can_manage_org(e.owner_org_id)
             or exists (select 1 from app.exam_assignments x where x.exam_id = e.id and app_private.in_scope(x.org_unit_id))
             or exists (select 1 from app.attempts a where a.exam_id = e.id and a.member_id <> app_private.current_member_id())
             -- Offered to people I manage however the audience was given: units, named people, a
             -- role, overrides (migration 20261201000950).
             or app_private.exam_reaches_my_scope(e.id))
      order by e.status = 'archived', e.window_close desc nulls first, e.created_at desc`;
  });
  return json({
    exams: rows.map((r) => ({
      id: r.id as string, title: r.title as string, kind: r.kind as string, status: r.status as string, ownerName: r.owner_name as string,
      window: { open: iso(r.window_open), close: iso(r.window_close) },
      administers: Boolean(r.administers), usable: Boolean(r.usable),
      audience: Number(r.audience), attempts: Number(r.attempts), people: Number(r.people), toGrade: Number(r.to_grade),
      notStarted: Math.max(0, Number(r.audience) - Number(r.people)),
    })),
  });
}

export default handle({
  async GET(req) {
    if (new URL(req.url).pathname.replace(/\/+$/, '').endsWith('/exams')) return examsInScope(req);
    const claims = await requireUser(req);
    const q = parseWith(QuerySchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const unit = q.orgUnit ?? q.orgUnitId ?? null;
    let notStarted: Record<string, unknown>[] | null = null;
    const rows = await asUser(claims, async (tx) => {
      await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
      if (q.examId) {
        // Who in the audience (people in my scope, not me) has not started this exam.
        notStarted = [...await tx`
          select m.id, m.employee_no, m.name, o.id as org_id, o.code as org_code, o.name as org_name, o.path as org_path, x.due_at
          from app.exam_audience_of(${q.examId}::uuid) x
          join app.members m on m.id = x.member_id
          join app.org_units o on o.id = m.org_unit_id
          where m.id <> app_private.current_member_id()
            and not exists (select 1 from app.attempts a where a.exam_id = ${q.examId}::uuid and a.member_id = m.id)
            and (${unit}::text is null or o.path like (select u.path from app.org_units u where u.id::text = ${unit} or u.code = ${unit}) || '%')
          order by o.path, m.employee_no`] as Record<string, unknown>[];
      }
      return tx`
        select a.id, a.exam_id, e.title, e.kind, a.attempt_no, a.state, a.started_at, a.finished_at, a.score, a.max_score,
               a.percent, a.passed, a.needs_grading, a.focus_losses,
               m.id as member_id, m.employee_no, m.name, o.id as org_id, o.code as org_code, o.name as org_name, o.path as org_path
        from app.attempts a
        join app.members m on m.id = a.member_id
        join app.org_units o on o.id = m.org_unit_id
        left join app.exams e on e.id = a.exam_id
        -- Managers see the people they manage, not their own attempts (those follow the review policy).
        where a.member_id <> app_private.current_member_id()
          and (${q.examId ?? null}::uuid is null or a.exam_id = ${q.examId ?? null}::uuid)
          and (${unit}::text is null or o.path like (select u.path from app.org_units u where u.id::text = ${unit} or u.code = ${unit}) || '%')
        order by e.title, o.path, m.employee_no, a.attempt_no`;
    });
    return json({
      rows: rows.map((r) => ({
        attemptId: r.id as string,
        examId: r.exam_id as string, examTitle: (r.title as string | null) ?? null, kind: (r.kind as string | null) ?? null,
        memberId: r.member_id as string, employeeNo: r.employee_no as string, name: r.name as string,
        orgUnitId: r.org_id as string, orgCode: r.org_code as string, orgName: r.org_name as string, orgPath: r.org_path as string,
        attemptNo: Number(r.attempt_no),
        state: r.state as string,
        startedAt: (r.started_at as Date).toISOString(),
        finishedAt: (r.finished_at as Date | null)?.toISOString() ?? null,
        score: n(r.score), maxScore: n(r.max_score), percent: n(r.percent), passed: (r.passed as boolean | null) ?? null,
        needsGrading: Boolean(r.needs_grading),
        focusLosses: Number(r.focus_losses),
      })),
      ...(notStarted ? {
        notStarted: (notStarted as Record<string, unknown>[]).map((r) => ({
          memberId: r.id as string, employeeNo: r.employee_no as string, name: r.name as string,
          orgUnitId: r.org_id as string, orgCode: r.org_code as string, orgName: r.org_name as string, orgPath: r.org_path as string,
          dueAt: iso(r.due_at),
        })),
      } : {}),
    });
  },
});

export const config: Config = { path: ['/api/manage/results', '/api/manage/results/exams'] };
