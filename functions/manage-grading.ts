// GET /api/manage/grading?examId=&attemptId=&reveal=1&limit=   trainers/admins: the grading queue
//   → {items: [{attemptId, slot, examId, examTitle, label, finishedAt, points, stem, response, modelAnswer,
//               rubric, state, mark, comment, marked, person}], pending, more}
// One page holds at most `limit` papers (default 100, at most 500); `pending` counts the short answers
// waiting in every paper, `more` says papers were left for the next load.
// Short answers of finished attempts that wait for a mark, across every exam the caller
// administers (the scope rule: the exam's owning unit and the person in their subtree, never their
// own attempt). With attemptId: every short answer of that attempt, marked or not. Anonymous by
// default: `person` is null until every short answer of that paper has been marked, unless reveal=1
// (naming the author of one marked answer would name the author of the paper's others). Marks are given with
// PUT /api/attempts/:attemptId/slots/:slot/grade (audited; the attempt's score and pass update).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireBuilder } from './_lib/exam-builder.ts';
import { keysFor } from './_lib/grading.ts';

const Query = z.strictObject({
  examId: z.uuid('examId must be an exam id.').optional(),
  attemptId: z.uuid('attemptId must be an attempt id.').optional(),
  reveal: z.enum(['0', '1']).optional(),
  limit: z.coerce.number().int('limit must be a whole number.').min(1, 'limit must be at least 1.').max(500, 'limit can be at most 500.').default(100),
});

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const q = parseWith(Query, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const reveal = q.reveal === '1';
    const rows = await asUser(claims, async (tx) => {
      await requireBuilder(tx);
      const attempts = await tx`
        select a.id, a.exam_id, a.finished_at, e.title, m.employee_no, m.name, o.name as unit
        from app.attempts a join app.exams e on e.id = a.exam_id
        join app.members m on m.id = a.member_id join app.org_units o on o.id = m.org_unit_id
        where a.state <> 'in_progress'
          and (${q.attemptId ?? null}::uuid is not null or a.needs_grading)
          and (${q.attemptId ?? null}::uuid is null or a.id = ${q.attemptId ?? null}::uuid)
          and (${q.examId ?? null}::uuid is null or a.exam_id = ${q.examId ?? null}::uuid)
          and app_private.administers_attempt(a.id)
        order by e.title, a.finished_at, a.id`;
      if (attempts.length === 0) return { attempts, more: false, slots: [], waiting: [], pending: 0 };
      // Short answers still waiting, per paper, over every paper (not only this page).
      const waiting = await tx`
        select s.attempt_id, count(*)::int as n
        from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
        where s.attempt_id in (select jsonb_array_elements_text(${tx.json(attempts.map((a) => a.id as string))})::uuid)
          and v.type = 'short' and s.state = 'needs_grading'
        group by s.attempt_id`;
      const page = attempts.slice(0, q.limit);
      const slots = await tx`
        select s.attempt_id, s.slot, s.points, s.response, s.state, s.mark, s.comment, s.graded_by, s.question_version_id, v.stem
        from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
        where s.attempt_id in (select jsonb_array_elements_text(${tx.json(page.map((a) => a.id as string))})::uuid)
          and v.type = 'short'
          and (${q.attemptId ?? null}::uuid is not null or s.state = 'needs_grading')
        order by s.attempt_id, s.slot`;
      return { attempts: page, more: attempts.length > page.length, slots, waiting, pending: waiting.reduce((n, w) => n + Number(w.n), 0) };
    });
    const stillWaiting = new Set(rows.waiting.map((w) => w.attempt_id as string));
    // Model answers and marking points: the caller administers every attempt listed (checked above).
    const keys = await keysFor(rows.slots.map((s) => s.question_version_id as string));
    const byAttempt = new Map(rows.attempts.map((a, i) => [a.id as string, { a, n: i + 1 }]));
    const items = rows.slots.map((s) => {
      const { a, n } = byAttempt.get(s.attempt_id as string)!;
      const key = keys.get(s.question_version_id as string);
      const marked = s.graded_by !== null && s.state !== 'needs_grading';
      return {
        attemptId: s.attempt_id as string,
        slot: Number(s.slot),
        examId: a.exam_id as string,
        examTitle: a.title as string,
        label: `答卷 ${n}`,
        finishedAt: (a.finished_at as Date | null)?.toISOString() ?? null,
        points: Number(s.points),
        stem: s.stem as string,
        response: (s.response as string | null) ?? null,
        modelAnswer: key?.type === 'short' ? key.key.modelAnswer : null,
        rubric: key?.type === 'short' ? key.key.rubric : [],
        state: s.state as string | null,
        mark: s.mark === null ? null : Number(s.mark),
        comment: (s.comment as string | null) ?? null,
        marked,
        // Names stay hidden until the paper is marked, so every mark is about the answer.
        person: (marked && !stillWaiting.has(s.attempt_id as string)) || reveal ? { employeeNo: a.employee_no as string, name: a.name as string, unit: a.unit as string } : null,
      };
    });
    return json({ items, pending: rows.pending, more: Boolean(rows.more) });
  },
});

export const config: Config = { path: '/api/manage/grading' };
