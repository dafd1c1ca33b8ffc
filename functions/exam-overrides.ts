// PUT    /api/exams/:examId/overrides/:memberId   trainer/admin: extra time, extra attempts, own window
// DELETE /api/exams/:examId/overrides/:memberId   back to the exam's own settings
// :memberId is a member id or an employee number (E1001). RLS limits both to members in scope.
import type { Config } from '@netlify/functions';
import { handle, json, forbidden, notFound, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser, type Tx } from './_lib/db.ts';
import { loadMe } from './_lib/members.ts';
import { idParam } from './_lib/params.ts';
import { loadExam } from './_lib/exams.ts';
import { administersExam, notExamManagerMessage, ownerUnitName } from './_lib/exam-scope.ts';
import { OverrideSchema } from '../src/core/exam-settings.ts';

async function authorise(tx: Tx, examId: string, memberRef: string | undefined) {
  const me = await loadMe(tx);
  if (!me || !(me.roles.includes('trainer') || me.roles.includes('admin'))) {
    throw forbidden('Only trainers and administrators can change exam settings for a person.', { code: 'role_required', params: { roles: 'trainer,admin' } });
  }
  const exam = await loadExam(tx, examId);
  if (!exam) throw notFound('There is no exam with this id that you can see.', { code: 'exam_not_found' });
  // The scope rule (functions/_lib/exam-scope.ts): the exam's administrators, for people they manage.
  if (!(await administersExam(tx, examId))) {
    const owner = await ownerUnitName(tx, examId);
    throw forbidden(notExamManagerMessage('change its settings for a person', owner), { code: 'not_exam_manager', params: { owner: owner ?? '' } });
  }
  const ref = memberRef ?? '';
  const [member] = await tx`select id, employee_no, name from app.members where id::text = ${ref} or employee_no = ${ref}`;
  if (!member) throw notFound(`There is no member "${ref}" in your scope.`, { code: 'override_member_unknown', params: { ref } });
  if (member.id === me.memberId) throw forbidden('You cannot grant yourself extra time or attempts; ask another trainer.', { code: 'override_self' });
  return { exam, member: { id: member.id as string, employeeNo: member.employee_no as string, name: member.name as string } };
}

function view(r: Record<string, unknown>) {
  return {
    examId: r.exam_id as string,
    memberId: r.member_id as string,
    extraTimeSec: Number(r.extra_time_sec),
    extraAttempts: Number(r.extra_attempts),
    windowOpen: (r.window_open as Date | null)?.toISOString() ?? null,
    windowClose: (r.window_close as Date | null)?.toISOString() ?? null,
  };
}

/**
 * Every override is audited (issue 9 review): extra attempts, extra time and a personal window are
 * changes of an exam's settings for one person, and a personal close moves the moment keys are
 * released for everyone (scope-and-key-release.md). Entity 'exam', so the entry is filed under the
 * exam and its owning unit.
 */
async function auditOverride(tx: Tx, examId: string, member: { id: string; employeeNo: string }, before: ReturnType<typeof view> | null,
  after: ReturnType<typeof view> | null) {
  const strip = (v: ReturnType<typeof view> | null) => (v ? { member: member.employeeNo, extraTimeSec: v.extraTimeSec, extraAttempts: v.extraAttempts, windowOpen: v.windowOpen, windowClose: v.windowClose } : null);
  await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after)
    values (app_private.current_member_id(), 'member', ${after ? 'exam.override' : 'exam.override_removed'}, 'exam', ${examId},
            ${before ? tx.json(strip(before) as never) : null}, ${after ? tx.json(strip(after) as never) : null})`;
}

export default handle({
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const body = await readJson(req, OverrideSchema);
    const out = await asUser(claims, async (tx) => {
      const { member } = await authorise(tx, examId, params.memberId);
      const [prev] = await tx`select * from app.exam_overrides where exam_id = ${examId} and member_id = ${member.id}`;
      const [row] = await tx`
        insert into app.exam_overrides (exam_id, member_id, extra_time_sec, extra_attempts, window_open, window_close)
        values (${examId}, ${member.id}, ${body.extraTimeSec}, ${body.extraAttempts}, ${body.windowOpen}, ${body.windowClose})
        on conflict (exam_id, member_id) do update set extra_time_sec = excluded.extra_time_sec, extra_attempts = excluded.extra_attempts,
          window_open = excluded.window_open, window_close = excluded.window_close
        returning *`;
      await auditOverride(tx, examId, member, prev ? view(prev) : null, view(row!));
      return { ...view(row!), member };
    });
    // Extra time applies to attempts started after this; a live attempt keeps its deadline.
    return json(out);
  },

  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    await asUser(claims, async (tx) => {
      const { member } = await authorise(tx, examId, params.memberId);
      const gone = await tx`delete from app.exam_overrides where exam_id = ${examId} and member_id = ${member.id} returning *`;
      if (gone.length === 0) throw notFound('This person has no override for this exam.', { code: 'override_none' });
      await auditOverride(tx, examId, member, view(gone[0]!), null);
    });
    return new Response(null, { status: 204 });
  },
});

export const config: Config = { path: '/api/exams/:examId/overrides/:memberId' };
