// GET /api/manage/attempts/:attemptId   trainer/HR/admin in scope: the full attempt — every answer,
// mark and comment, every accepted save (response_events), focus-loss/copy/paste events. Right answers and
// explanations once the attempt is finished — for trainers who administer the exam; a reader who only
// manages the person (HR, a branch trainer on a head-office exam) sees them only when the exam's review
// releases them to everyone (functions/_lib/exam-scope.ts). Keys never leave the server while it is in progress.
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asService, asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireRole } from './_lib/manage.ts';
import { examProblem, loadAttempt, loadSlots } from './_lib/attempts.ts';
import { dbNow, loadExam, paperSize } from './_lib/exams.ts';
import { keysFor } from './_lib/grading.ts';
import { administersAttempt, managerKeyVisibility } from './_lib/exam-scope.ts';
import { rightAnswerOf, storedToPublic } from '../src/core/paper.ts';

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const data = await asUser(claims, async (tx) => {
      const me = await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
      const a = await loadAttempt(tx, attemptId);
      if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id in your scope.');
      // Your own attempt is reviewed like any taker's (GET /api/attempts/:id, per the review policy);
      // the manager's view would show keys the policy may still hide.
      if (a.mine) throw examProblem(403, 'own_attempt', 'This is your own attempt: open it from 我的成绩 (My results), where the exam\'s review rules apply.');
      const [member] = await tx`select m.id, m.employee_no, m.name, o.id as org_id, o.code, o.name as org_name
        from app.members m join app.org_units o on o.id = m.org_unit_id where m.id = ${a.memberId}`;
      const exam = await loadExam(tx, a.examId);
      const slots = await loadSlots(tx, attemptId);
      const events = await tx`select kind, at, detail from app.attempt_events where attempt_id = ${attemptId} order by at, id`;
      const responseEvents = await tx`select slot, seq, response, server_at from app.response_events where attempt_id = ${attemptId} order by id`;
      const administers = await administersAttempt(tx, attemptId);
      // The same rule as POST /api/attempts/:id/regrade (functions/_lib/manage.ts gradableAttempt).
      const canRegrade = administers && me.roles.some((r) => r === 'trainer' || r === 'admin');
      return { now: await dbNow(tx), a, member, exam, slots, events, responseEvents, administers, canRegrade };
    });
    const { a, member, exam, slots, events, responseEvents, now, administers, canRegrade } = data;
    // The attempt's score history (regrades, hand marks). Read as service after the RLS-checked load
    // above: whoever may open the attempt may see how its score came about, although audit_log's own
    // policy only shows an entry to its writer, HR of the subtree and admins.
    const trail = await asService((tx) => tx`
      select l.id, l.at, l.action, l.before, l.after, l.reason, l.actor_label, m.name as actor_name, m.employee_no as actor_no
      from app.audit_log l left join app.members m on m.id = l.actor_member_id
      where (l.entity = 'attempt' and l.entity_id = ${attemptId}) or (l.entity = 'attempt_slot' and l.entity_id like ${`${attemptId}:%`})
      order by l.id`);
    const saves = new Map<number, number>();
    for (const e of responseEvents) saves.set(Number(e.slot), (saves.get(Number(e.slot)) ?? 0) + 1);
    const show = managerKeyVisibility(exam, administers, a.state !== 'in_progress', now);
    const versions = show.rightAnswers || show.explanations ? await keysFor(slots.map((s) => s.versionId)) : new Map();
    return json({
      serverNow: now.toISOString(),
      attempt: {
        attemptId: a.id, id: a.id, examId: a.examId, examTitle: exam?.title ?? null,
        memberId: a.memberId, name: member?.name ?? null, employeeNo: member?.employee_no ?? null, orgName: member?.org_name ?? null,
        attemptNo: a.attemptNo, state: a.state, startedAt: a.startedAt.toISOString(), deadline: a.deadline?.toISOString() ?? null,
        finishedAt: a.finishedAt?.toISOString() ?? null, score: a.score, maxScore: a.maxScore, percent: a.percent, passed: a.passed,
        needsGrading: a.needsGrading, focusLosses: a.focusLosses,
      },
      member: member ? { id: member.id, employeeNo: member.employee_no, name: member.name, orgUnit: { id: member.org_id, code: member.code, name: member.org_name } } : null,
      exam: exam ? { id: exam.id, title: exam.title, kind: exam.kind, passPercent: exam.passPercent, multipleRule: exam.multipleRule, ...paperSize(exam.blueprint) } : null,
      // Whether the caller administers the exam (may grade/regrade) and whether keys are in this view.
      administers, keys: show,
      // Whether the caller may regrade (trainer/admin administering the exam); the API checks again.
      canRegrade,
      audit: trail.map((r) => ({
        id: Number(r.id), at: (r.at as Date).toISOString(), action: r.action as string, entity: 'attempt', entityId: attemptId,
        actor: r.actor_name ? { name: r.actor_name as string, employeeNo: r.actor_no as string } : { name: r.actor_label as string, employeeNo: null },
        before: r.before ?? null, after: r.after ?? null, reason: (r.reason as string | null) ?? null,
      })),
      slots: slots.map((s) => {
        const v = versions.get(s.versionId);
        return {
          slot: s.slot, points: s.points, question: storedToPublic(s.version, s.optionOrder), topic: s.version.topic,
          response: s.response, seq: s.responseSeq, respondedAt: s.respondedAt?.toISOString() ?? null, saves: saves.get(s.slot) ?? 0,
          flagged: s.flagged, state: s.state, mark: s.mark, comment: s.comment,
          ...(v && show.rightAnswers ? { rightAnswer: rightAnswerOf(v) } : {}),
          ...(v && show.explanations ? { explanation: v.explanation, source: v.source } : {}),
        };
      }),
      events: events.map((e) => ({ kind: e.kind as string, at: (e.at as Date).toISOString(), detail: e.detail })),
      // Every save the server accepted, in arrival order: the trail that shows no answer was lost.
      responseEvents: responseEvents.map((e) => ({ slot: Number(e.slot), seq: Number(e.seq), response: e.response ?? null, serverAt: (e.server_at as Date).toISOString() })),
    });
  },
});

export const config: Config = { path: '/api/manage/attempts/:attemptId' };
