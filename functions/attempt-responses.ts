// PUT /api/attempts/:attemptId/responses/:slot   {response, seq, flagged?}
//   → 200 {slot, seq, savedAt, serverNow, applied, latestSeq, duplicate}
// Idempotent on (attempt, slot, seq): a repeated seq changes nothing and answers with what was
// stored for it. Every accepted save is appended to response_events; the slot keeps the response
// with the highest seq, so a late-arriving older save is logged but never overwrites a newer one.
// Refused after deadline + grace (409 past_deadline) or after submission (409 attempt_closed).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam, slotParam } from './_lib/params.ts';
import { examProblem } from './_lib/attempts.ts';
import { finaliseAttempt } from './_lib/grading.ts';
import { saveResponse } from './_lib/responses.ts';

const SaveSchema = z.strictObject({
  response: z.unknown().refine((v) => v !== undefined, 'Send the response (null clears the answer).'),
  seq: z.number({ message: 'seq must be a whole number that grows with every change (1, 2, 3, …).' })
    .int('seq must be a whole number.').min(1, 'seq starts at 1.').max(2_147_483_647),
  flagged: z.boolean().optional(),
});

export default handle({
  async PUT(req, { params }) {
    // The session check rides on the first statement (the start context / the save): no round trip of its own.
    const claims = await requireUser(req, { sessionCheck: 'with-first-statement' });
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const slot = slotParam(params);
    const body = await readJson(req, SaveSchema);

    const out = await saveResponse(claims, attemptId, slot, body);

    if ('refused' in out) {
      // Past deadline + grace: finalise now with what was saved, so the taker's next read shows the result.
      if (out.overdue) await finaliseAttempt(attemptId, 'auto');
      throw examProblem(409, out.refused.reason, out.refused.message);
    }
    return json(out.saved);
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/responses/:slot' };
