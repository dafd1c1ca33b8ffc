// PUT /api/attempts/:attemptId/slots/:slot/grade   trainer/admin in scope, {mark, comment?}
//   → 200 {before, after, auditId}   (after.attempt = the recomputed total)
// Manual marks for short answers (简答题), in steps of 0.01 point (src/core MANUAL_MARK_STEP). Audited;
// the attempt's total and pass/fail are recomputed.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam, slotParam } from './_lib/params.ts';
import { gradableAttempt } from './_lib/manage.ts';
import { gradeSlotManually } from './_lib/grading.ts';
import { manualMarkStepError } from '../src/core/grading.ts';

const GradeSchema = z.strictObject({
  mark: z.number({ message: 'The mark must be a number of points.' }).min(0, 'A mark cannot be negative.')
    .superRefine((m, ctx) => {
      const message = manualMarkStepError(m);
      if (message) ctx.addIssue({ code: 'custom', message, params: { code: 'mark_step', mark: m } }); // src/i18n/trainer-exams.ts err.mark_step
    }),
  comment: z.string().trim().max(2000).nullable().optional(),
});

export default handle({
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const attemptId = idParam(params, 'attemptId', 'attempt');
    const slot = slotParam(params);
    const body = await readJson(req, GradeSchema);
    const { me } = await asUser(claims, (tx) => gradableAttempt(tx, attemptId));
    return json(await gradeSlotManually(attemptId, slot, body.mark, body.comment || null, me.memberId));
  },
});

export const config: Config = { path: '/api/attempts/:attemptId/slots/:slot/grade' };
