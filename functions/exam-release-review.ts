// GET    /api/exams/:examId/release-review   trainers/HR/admins who manage the exam: when its reviews
//        show the `afterClose` part of the policy (right answers, explanations) to everyone
//   → 200 {examId, released, reviewReleasedAt, reviewReleasedBy, closesForEveryoneAt, reviewReleaseAt, serverNow}
// POST   /api/exams/:examId/release-review   {reason}   trainers/admins who administer the exam:
//        release the review now, before the exam has closed for everyone (on purpose)
//   → 200 {...status, alreadyReleased, auditId}
// DELETE /api/exams/:examId/release-review   {reason}   withdraw an early release (keys already seen stay seen)
//   → 200 {...status, auditId}
// Every release and withdrawal is written to app.audit_log with before/after, actor and reason (by a
// trigger on app.exams, so no path can skip it). See docs/decisions/scope-and-key-release.md.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, forbidden, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser, type Tx } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireRole } from './_lib/manage.ts';
import { examProblem } from './_lib/attempts.ts';
import { dbNow, loadExam } from './_lib/exams.ts';
import { administersExam, notExamManagerMessage, ownerUnitName } from './_lib/exam-scope.ts';

const ReasonSchema = z.strictObject({
  reason: z.string().trim().min(3, 'Say why the review is released early (it is kept in the audit log).').max(1000),
});

async function status(tx: Tx, examId: string) {
  const exam = await loadExam(tx, examId);
  if (!exam) throw examProblem(404, 'exam_not_found', 'There is no exam with this id that you can see.');
  const [r] = await tx`select e.review_released_at, e.review_released_by, m.name as released_by_name,
      app_private.exam_closes_for_everyone_at(e.id) as closes
    from app.exams e left join app.members m on m.id = e.review_released_by where e.id = ${examId}::uuid`;
  const iso = (d: unknown) => (d ? (d as Date).toISOString() : null);
  return {
    exam,
    body: {
      examId,
      released: exam.reviewReleasedAt !== null,
      reviewReleasedAt: iso(r!.review_released_at),
      reviewReleasedBy: r!.review_released_by ? { memberId: r!.review_released_by as string, name: (r!.released_by_name as string | null) ?? null } : null,
      /** When the exam closes for everyone (null = it never does, or someone is still sitting it without a deadline). */
      closesForEveryoneAt: iso(r!.closes),
      /** When reviews show their `afterClose` part: the earlier of the two above (null = not yet foreseeable). */
      reviewReleaseAt: exam.reviewReleaseAt?.toISOString() ?? null,
      serverNow: (await dbNow(tx)).toISOString(),
    },
  };
}

async function authoriseWrite(tx: Tx, examId: string, what: string) {
  const me = await requireRole(tx, ['trainer', 'admin'], 'trainers and administrators');
  const exam = await loadExam(tx, examId);
  if (!exam) throw examProblem(404, 'exam_not_found', 'There is no exam with this id that you can see.');
  if (!(await administersExam(tx, examId))) throw examProblem(403, 'not_exam_manager', notExamManagerMessage(what, await ownerUnitName(tx, examId)));
  return me;
}

async function lastAuditId(tx: Tx, examId: string): Promise<number | null> {
  const [r] = await tx`select id from app.audit_log
    where entity = 'exam' and entity_id = ${examId} and action in ('exam.review_release', 'exam.review_withdraw')
      and actor_member_id = app_private.current_member_id()
    order by id desc limit 1`;
  return r ? Number(r.id) : null;
}

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const out = await asUser(claims, async (tx) => {
      await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
      const s = await status(tx, examId);
      if (!s.exam.manages) throw forbidden('Only trainers, HR and administrators whose scope contains this exam can see its review release.');
      return s.body;
    });
    return json(out);
  },

  async POST(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const { reason } = await readJson(req, ReasonSchema);
    const out = await asUser(claims, async (tx) => {
      await authoriseWrite(tx, examId, 'release its review early');
      // The audit trigger reads the reason from this transaction-local setting.
      await tx`select set_config('app.audit_reason', ${reason}, true)`;
      const r = await tx`update app.exams set review_released_at = clock_timestamp()
        where id = ${examId}::uuid and review_released_at is null`;
      const { body } = await status(tx, examId);
      return { ...body, alreadyReleased: r.count === 0, auditId: r.count === 0 ? null : await lastAuditId(tx, examId) };
    });
    return json(out);
  },

  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const { reason } = await readJson(req, ReasonSchema);
    const out = await asUser(claims, async (tx) => {
      await authoriseWrite(tx, examId, 'withdraw its review release');
      await tx`select set_config('app.audit_reason', ${reason}, true)`;
      const r = await tx`update app.exams set review_released_at = null where id = ${examId}::uuid and review_released_at is not null`;
      if (r.count === 0) throw examProblem(409, 'not_released', 'This exam\'s review has not been released early, so there is nothing to withdraw.');
      const { body } = await status(tx, examId);
      return { ...body, auditId: await lastAuditId(tx, examId) };
    });
    return json(out);
  },
});

export const config: Config = { path: '/api/exams/:examId/release-review' };
