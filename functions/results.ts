// GET /api/results   my attempts across exams, newest first → {serverNow, results: [{attemptId, examId, examTitle,
//   kind, passPercent, attemptNo, state, startedAt, deadline, finishedAt, needsGrading, scoreVisible, score, maxScore,
//   percent, passed, reviewPhase}]}
// Scores appear only when the exam's review policy shows them in the attempt's current phase.
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { overdueOf, withLazyFinalisation } from './_lib/attempts.ts';
import { attemptResultView, dbNow, examFromRow, loadMyAttempts } from './_lib/exams.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const body = await withLazyFinalisation(claims, async (tx) => {
      const now = await dbNow(tx);
      const attempts = await loadMyAttempts(tx, null);
      const overdue = overdueOf(attempts, now);
      if (overdue) return { kind: 'finalise' as const, attemptId: overdue };
      const examIds = [...new Set(attempts.map((a) => a.examId))];
      const exams = new Map((await tx`select e.*, app_private.exam_closes_for_everyone_at(e.id) as closes_for_everyone_at from app.exams e where e.id in (select jsonb_array_elements_text(${tx.json(examIds)})::uuid)`)
        .map((r) => [r.id as string, examFromRow(r)]));
      return {
        kind: 'done' as const,
        value: {
          serverNow: now.toISOString(),
          results: attempts.flatMap((a) => {
            const exam = exams.get(a.examId);
            if (!exam) return [];
            // Review phase by the exam's release for everyone, not the person's own window.
            const { id, ...view } = attemptResultView(exam, a, exam.reviewReleaseAt, now);
            return [{ attemptId: id, examId: exam.id, examTitle: exam.title, kind: exam.kind, passPercent: exam.passPercent, ...view }];
          }),
        },
      };
    });
    return json(body);
  },
});

export const config: Config = { path: '/api/results' };
