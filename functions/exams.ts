// GET  /api/exams            exams offered to me, with my attempts and grade
// GET  /api/exams/:examId    one exam for the start page (no questions)
// POST /api/exams            trainer/admin: create an exam (settings + blueprint + assignments)
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, badRequest, forbidden, fieldErrors, methodNotAllowed, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import type { Tx } from './_lib/db.ts';
import { asUser } from './_lib/db.ts';
import { loadMe } from './_lib/members.ts';
import { idParam } from './_lib/params.ts';
import { examProblem, overdueOf, withLazyFinalisation } from './_lib/attempts.ts';
import {
  dbNow, examSummary, loadExam, loadMyAttempts, loadMyOverrides, loadOfferedExams, type Exam,
} from './_lib/exams.ts';
import { blueprintProblem, checkBlueprint } from './_lib/exam-builder.ts';
import { ExamSettingsSchema, resolveExamSettings } from '../src/core/exam-settings.ts';
import { singleLine } from '../src/core/text.ts';

const AssignmentsSchema = z
  .array(z.strictObject({
    /** An org unit id or code (e.g. "HQ", "QD-SN"). */
    orgUnit: z.string().min(1).max(64).superRefine(singleLine),
    dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  }))
  .max(200)
  .default([]);

const CreateBodySchema = z.looseObject({});

async function resolveUnit(tx: Tx, ref: string) {
  const [u] = await tx`select id, code, name, app_private.in_scope(id) as in_scope from app.org_units where id::text = ${ref} or code = ${ref}`;
  return u ? { id: u.id as string, code: u.code as string, name: u.name as string, inScope: Boolean(u.in_scope) } : null;
}

async function assignmentsOf(tx: Tx, examId: string) {
  const rows = await tx`select a.org_unit_id, a.due_at, o.code, o.name from app.exam_assignments a
    left join app.org_units o on o.id = a.org_unit_id where a.exam_id = ${examId} order by o.path`;
  return rows.map((r) => ({ orgUnitId: r.org_unit_id as string, code: (r.code as string | null) ?? null, name: (r.name as string | null) ?? null, dueAt: (r.due_at as Date | null)?.toISOString() ?? null }));
}

function managerSettings(exam: Exam) {
  return {
    status: exam.status,
    ownerOrgId: exam.ownerOrgId,
    windowOpen: exam.windowOpen?.toISOString() ?? null,
    windowClose: exam.windowClose?.toISOString() ?? null,
    attemptsAllowed: exam.attemptsAllowed,
    multipleRule: exam.multipleRule,
    shuffleQuestions: exam.shuffleQuestions,
    shuffleOptions: exam.shuffleOptions,
    blueprint: exam.blueprint,
  };
}

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    if (params.examId !== undefined) {
      const examId = idParam(params, 'examId', 'exam');
      const body = await withLazyFinalisation(claims, async (tx) => {
        const now = await dbNow(tx);
        const exam = await loadExam(tx, examId);
        if (!exam) throw examProblem(404, 'exam_not_found', 'There is no exam with this id, or it is not offered to you.');
        const attempts = await loadMyAttempts(tx, [examId]);
        const overdue = overdueOf(attempts, now);
        if (overdue) return { kind: 'finalise', attemptId: overdue };
        const override = (await loadMyOverrides(tx, [examId])).get(examId) ?? null;
        return {
          kind: 'done',
          value: {
            ...examSummary(exam, override, attempts, now),
            offered: exam.offered,
            reviewPolicy: exam.reviewPolicy,
            serverNow: now.toISOString(),
            ...(exam.manages ? { manage: { ...managerSettings(exam), assignments: await assignmentsOf(tx, examId) } } : {}),
          },
        };
      });
      return json(body);
    }
    const body = await withLazyFinalisation(claims, async (tx) => {
      const now = await dbNow(tx);
      const exams = await loadOfferedExams(tx);
      const ids = exams.map((e) => e.id);
      const attempts = await loadMyAttempts(tx, ids);
      const overdue = overdueOf(attempts, now);
      if (overdue) return { kind: 'finalise', attemptId: overdue };
      const overrides = await loadMyOverrides(tx, ids);
      return {
        kind: 'done',
        value: {
          serverNow: now.toISOString(),
          exams: exams.map((e) => examSummary(e, overrides.get(e.id) ?? null, attempts.filter((a) => a.examId === e.id), now)),
        },
      };
    });
    return json(body);
  },

  async POST(req, { params }) {
    if (params.examId !== undefined) throw methodNotAllowed(['GET']);
    const claims = await requireUser(req);
    const raw = await readJson(req, CreateBodySchema);
    const { assignments: rawAssignments, ownerOrgUnit, ...rest } = raw as Record<string, unknown>;
    const settings = ExamSettingsSchema.safeParse(rest);
    const assignments = AssignmentsSchema.safeParse(rawAssignments);
    const owner = z.string().min(1).max(64).superRefine(singleLine).optional().safeParse(ownerOrgUnit);
    if (!settings.success || !assignments.success || !owner.success) {
      const errors: Record<string, string> = {};
      if (!settings.success) Object.assign(errors, fieldErrors(settings.error));
      if (!assignments.success) for (const [k, v] of Object.entries(fieldErrors(assignments.error))) errors[k === '(body)' ? 'assignments' : `assignments.${k}`] = v;
      if (!owner.success) errors.ownerOrgUnit = 'Give the owner unit as an org unit id or code.';
      throw badRequest('The exam has invalid fields.', { errors });
    }
    const s = resolveExamSettings(settings.data);

    const created = await asUser(claims, async (tx) => {
      const me = await loadMe(tx);
      if (!me || !(me.roles.includes('trainer') || me.roles.includes('admin'))) {
        throw forbidden('Only trainers and administrators can create exams.');
      }
      const ownerUnit = await resolveUnit(tx, owner.data ?? me.scope?.id ?? me.orgUnit.id);
      if (!ownerUnit || !ownerUnit.inScope) {
        throw forbidden(`You can create exams only for units within your scope (${me.scope?.name ?? me.orgUnit.name}).`);
      }
      const units = [];
      const errors: Record<string, string> = {};
      for (const [i, a] of assignments.data.entries()) {
        const u = await resolveUnit(tx, a.orgUnit);
        if (!u) errors[`assignments.${i}.orgUnit`] = `There is no org unit "${a.orgUnit}" that you can see.`;
        else if (!u.inScope) throw forbidden(`You can assign exams only to units within your scope (${me.scope?.name ?? me.orgUnit.name}); ${u.name} is outside it.`);
        else units.push({ ...u, dueAt: a.dueAt ?? null });
      }
      if (Object.keys(errors).length) throw badRequest('Some assignments name unknown org units.', { errors });

      // Assembly check: the banks the caller may use must be able to fill the blueprint today, or
      // no one could start (functions/_lib/exam-builder.ts, shared with the exam builder).
      const check = await checkBlueprint(tx, s.blueprint);
      if (!check.ok) throw blueprintProblem(check);

      const [row] = await tx`
        insert into app.exams (title, description, kind, status, owner_org_id, created_by, window_open, window_close, time_limit_sec,
          grace_sec, attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options,
          focus_loss_limit, review_policy, blueprint)
        values (${s.title}, ${s.description}, ${s.kind}, ${s.status}, ${ownerUnit.id}, ${me.memberId}, ${s.windowOpen}, ${s.windowClose},
          ${s.timeLimitSec}, ${s.graceSec}, ${s.attemptsAllowed}, ${s.gradingMethod}, ${s.passPercent}, ${s.multipleRule},
          ${s.shuffleQuestions}, ${s.shuffleOptions}, ${s.focusLossLimit}, ${tx.json(s.reviewPolicy)}, ${tx.json(s.blueprint)})
        returning id`;
      const examId = row!.id as string;
      for (const u of units) {
        await tx`insert into app.exam_assignments (exam_id, org_unit_id, due_at) values (${examId}, ${u.id}, ${u.dueAt})
          on conflict do nothing`;
      }
      const exam = (await loadExam(tx, examId))!;
      const now = await dbNow(tx);
      return {
        ...examSummary(exam, null, [], now),
        offered: exam.offered,
        reviewPolicy: exam.reviewPolicy,
        manage: { ...managerSettings(exam), assignments: await assignmentsOf(tx, examId) },
      };
    });
    return json(created, 201, { location: `/api/exams/${created.id}` });
  },
});

export const config: Config = { path: ['/api/exams', '/api/exams/:examId'] };
