// POST /api/attempts/:attemptId/events   {kind: focus_loss|copy|paste|fullscreen_exit|resume, detail?}
//   → 201 {kind, focusLosses, focusLossLimit, verdict: log|warn|force_submit, message, state}
// Every event is recorded on the attempt (trainers see them). src/core focusLossVerdict decides
// whether a focus loss only logs, warns, or ends the attempt (the exam's focus_loss_limit; 0 = log).
// Stored events are capped per attempt and per minute (src/core/attempt-events.ts): over a cap the
// answer is 429 with Retry-After, but a focus loss is still counted and can still end the attempt.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, HttpProblem, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { examProblem, loadAttempt } from './_lib/attempts.ts';
import { dbNow, loadExam } from './_lib/exams.ts';
import { finaliseAttempt } from './_lib/grading.ts';
import { focusLossVerdict, isOverdue, type FocusLossVerdict } from '../src/core/attempt.ts';
import { singleLine } from '../src/core/text.ts';
import { eventCap } from '../src/core/attempt-events.ts';

const EventSchema = z.strictObject({
  kind: z.enum(['focus_loss', 'copy', 'paste', 'fullscreen_exit', 'resume']),
  // Small and flat: what the browser observed (e.g. {durationMs, slot}); never the copied text.
  detail: z.record(z.string().max(40), z.union([z.string().max(200).superRefine(singleLine), z.number(), z.boolean(), z.null()]))
    .refine((d) => Object.keys(d).length <= 10, 'At most 10 detail fields.').default({}),
});

function messageFor(verdict: FocusLossVerdict, count: number, limit: number): string {
  if (verdict === 'force_submit') return `You left the exam page ${count} times; the limit is ${limit}. Your attempt has been submitted with the answers saved so far.`;
  if (verdict === 'warn') return `You left the exam page (${count} of ${limit} allowed). Leaving it again more than ${limit} times submits your attempt automatically.`;
  return 'Recorded.';
}

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const body = await readJson(req, EventSchema);
    const out = await asUser(claims, async (tx) => {
      const now = await dbNow(tx);
      const a = await loadAttempt(tx, attemptId);
      if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id among yours.');
      if (!a.mine) throw examProblem(403, 'not_your_attempt', 'Only the person taking an attempt can report events for it.');
      if (a.state !== 'in_progress' || isOverdue({ state: a.state, deadline: a.deadline }, now, a.graceSec)) {
        return { closed: true, overdue: a.state === 'in_progress' } as const;
      }
      const exam = (await loadExam(tx, a.examId))!;
      // The update locks the attempt row, so concurrent reports of one attempt are counted and
      // capped one after another (exact under load). A focus loss is always counted.
      const isFocusLoss = body.kind === 'focus_loss';
      const [r] = await tx`update app.attempts set focus_losses = focus_losses + ${isFocusLoss ? 1 : 0} where id = ${attemptId} returning focus_losses`;
      // No row: the attempt ended (submitted, finalised) while this request waited for the lock.
      if (!r) return { closed: true, overdue: false } as const;
      const focusLosses = Number(r.focus_losses);
      const [stored] = await tx`
        select count(*)::int as total,
               count(*) filter (where at > now() - interval '1 minute')::int as last_minute,
               extract(epoch from now() - min(at) filter (where at > now() - interval '1 minute'))::float8 as oldest_age
        from app.attempt_events where attempt_id = ${attemptId}`;
      const cap = eventCap({ total: stored!.total, lastMinute: stored!.last_minute, oldestInMinuteAgeSec: stored!.oldest_age }, isFocusLoss);
      if (!cap) await tx`insert into app.attempt_events (attempt_id, kind, detail) values (${attemptId}, ${body.kind}, ${tx.json(body.detail as never)})`;
      const verdict: FocusLossVerdict = isFocusLoss ? focusLossVerdict(focusLosses, exam.focusLossLimit) : 'log';
      return { closed: false, focusLosses, limit: exam.focusLossLimit, verdict, cap } as const;
    });
    if (out.closed) {
      if (out.overdue) await finaliseAttempt(attemptId, 'auto');
      throw examProblem(409, 'attempt_closed', 'This attempt has already ended; nothing more is recorded for it.');
    }
    let state = 'in_progress';
    if (out.verdict === 'force_submit') {
      const r = await finaliseAttempt(attemptId, 'auto', 'forced_submit');
      state = r?.state ?? state;
    }
    // Over a limit (and the attempt still running): 429, with the focus-loss verdict as extension
    // members so the runner can still show the warning for a counted focus loss.
    if (out.cap && state === 'in_progress') {
      throw new HttpProblem(429, 'Too Many Requests', out.cap.message, {
        code: 'too_many_events', limit: out.cap.limit, retryAfterSec: out.cap.retryAfterSec,
        kind: body.kind, focusLosses: out.focusLosses, focusLossLimit: out.limit, verdict: out.verdict, state,
      }, 'https://xiaobao.academy/problems/too-many-events');
    }
    return json({
      kind: body.kind,
      focusLosses: out.focusLosses,
      focusLossLimit: out.limit,
      verdict: out.verdict,
      message: messageFor(out.verdict, out.focusLosses, out.limit),
      state,
    }, 201);
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/events' };
