// GET /api/manage/results?examId=&orgUnit=   trainer/HR/admin: attempts of members in my scope
//   → {rows: [{attemptId, examId, examTitle, kind, memberId, employeeNo, name, orgUnitId, orgCode, orgName, orgPath,
//              attemptNo, state, startedAt, finishedAt, score, maxScore, percent, passed, needsGrading, focusLosses}]}
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

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const q = parseWith(QuerySchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const unit = q.orgUnit ?? q.orgUnitId ?? null;
    const rows = await asUser(claims, async (tx) => {
      await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
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
    });
  },
});

export const config: Config = { path: '/api/manage/results' };
