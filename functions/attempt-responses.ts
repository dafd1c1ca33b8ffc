// PUT /api/attempts/:attemptId/responses/:slot   {response, seq, flagged?}
//   → 200 {slot, seq, savedAt, serverNow, applied, latestSeq, duplicate}
// Idempotent on (attempt, slot, seq): a repeated seq changes nothing and answers with what was
// stored for it. Every accepted save is appended to response_events; the slot keeps the response
// with the highest seq, so a late-arriving older save is logged but never overwrites a newer one.
// Refused after deadline + grace (409 past_deadline) or after submission (409 attempt_closed).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, badRequest, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam, slotParam } from './_lib/params.ts';
import { examProblem, loadAttempt } from './_lib/attempts.ts';
import { dbNow } from './_lib/exams.ts';
import { finaliseAttempt } from './_lib/grading.ts';
import { acceptsResponse, isOverdue } from '../src/core/attempt.ts';
import { parseResponse, type QuestionType } from '../src/core/questions.ts';

const SaveSchema = z.strictObject({
  response: z.unknown().refine((v) => v !== undefined, 'Send the response (null clears the answer).'),
  seq: z.number({ message: 'seq must be a whole number that grows with every change (1, 2, 3, …).' })
    .int('seq must be a whole number.').min(1, 'seq starts at 1.').max(2_147_483_647),
  flagged: z.boolean().optional(),
});

export default handle({
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const slot = slotParam(params);
    const body = await readJson(req, SaveSchema);

    const out = await asUser(claims, async (tx) => {
      const now = await dbNow(tx);
      const a = await loadAttempt(tx, attemptId);
      if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id among yours.');
      if (!a.mine) throw examProblem(403, 'not_your_attempt', 'Only the person taking an attempt can answer in it.');
      const accept = acceptsResponse({ state: a.state, deadline: a.deadline }, now, a.graceSec);
      if (!accept.ok) {
        return { refused: accept, overdue: isOverdue({ state: a.state, deadline: a.deadline }, now, a.graceSec) } as const;
      }
      const [s] = await tx`
        select s.response_seq, s.responded_at, v.type, v.options, v.blank_count
        from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
        where s.attempt_id = ${attemptId} and s.slot = ${slot}`;
      if (!s) {
        const [{ n }] = (await tx`select count(*)::int as n from app.attempt_slots where attempt_id = ${attemptId}`) as unknown as [{ n: number }];
        throw badRequest('This attempt has no such question.', { errors: { slot: `There is no question ${slot}; this paper has questions 1–${n}.` } });
      }
      const type = s.type as QuestionType;
      const parsed = parseResponse(type, body.response, {
        options: (s.options as { id: string }[] | null) ?? undefined,
        blankCount: type === 'fill' ? Number(s.blank_count) : undefined,
      });
      if (!parsed.ok) throw badRequest('The answer does not fit this question.', { errors: { response: parsed.message }, code: parsed.code });
      const value = parsed.value === null ? null : tx.json(parsed.value as never);

      const inserted = await tx`
        insert into app.response_events (attempt_id, slot, seq, response, server_at)
        values (${attemptId}, ${slot}, ${body.seq}, ${value}, clock_timestamp())
        on conflict (attempt_id, slot, seq) do nothing
        returning server_at`;
      if (inserted.length === 0) {
        // A retry of a save that already arrived: nothing changes; report what was stored for it.
        const [prior] = await tx`select server_at from app.response_events where attempt_id = ${attemptId} and slot = ${slot} and seq = ${body.seq}`;
        return { saved: { slot, seq: body.seq, savedAt: (prior!.server_at as Date).toISOString(), serverNow: now.toISOString(), applied: false, duplicate: true, latestSeq: Number(s.response_seq) } };
      }
      const savedAt = inserted[0]!.server_at as Date;
      const updated = await tx`
        update app.attempt_slots
        set response = ${value}, response_seq = ${body.seq}, responded_at = ${savedAt},
            flagged = coalesce(${body.flagged ?? null}::boolean, flagged)
        where attempt_id = ${attemptId} and slot = ${slot} and response_seq < ${body.seq}
        returning response_seq`;
      const latestSeq = updated.length ? body.seq : Number((await tx`select response_seq from app.attempt_slots where attempt_id = ${attemptId} and slot = ${slot}`)[0]!.response_seq);
      return { saved: { slot, seq: body.seq, savedAt: savedAt.toISOString(), serverNow: now.toISOString(), applied: updated.length > 0, duplicate: false, latestSeq } };
    });

    if ('refused' in out && out.refused) {
      // Past deadline + grace: finalise now with what was saved, so the taker's next read shows the result.
      if (out.overdue) await finaliseAttempt(attemptId, 'auto');
      throw examProblem(409, out.refused.reason, out.refused.message);
    }
    return json((out as { saved: unknown }).saved);
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/responses/:slot' };
