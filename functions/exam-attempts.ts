// POST /api/exams/:examId/attempts   start a new attempt or resume the live one
//   → 201 (new) | 200 (resumed) { attempt: {id, state, startedAt, deadline, graceSec, serverNow, …},
//                                  exam: {…runner settings}, slots: [{slot, points, question, response, seq, flagged}] }
// Never two live attempts per person and exam (partial unique index; a racing second start resumes).
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { startOrResume } from './_lib/attempts.ts';

export default handle({
  async POST(req, { params }) {
    // The session check rides on the first statement (the start context / the save): no round trip of its own.
    const claims = await requireUser(req, { sessionCheck: 'with-first-statement' });
    const examId = idParam(params, 'examId', 'exam');
    const { created, payload } = await startOrResume(claims, examId);
    return json(payload, created ? 201 : 200, created ? { location: `/api/attempts/${payload.attempt.id}` } : {});
  },
});

export const config: Config = { path: '/api/exams/:examId/attempts' };
