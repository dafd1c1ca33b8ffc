// POST /api/exams/:examId/papers   trainer/admin in scope: pre-assemble papers before a synchronised start
//   → 200 {prepared, bankRevision}
// Every active member the exam is offered to who has not attempted it yet gets their first paper
// assembled now (same rules as at start); their start then only inserts it. Re-running replaces the
// prepared papers. A prepared paper is ignored once the bank or the exam's paper settings change.
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { idParam } from './_lib/params.ts';
import { preparePapers } from './_lib/papers.ts';

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    return json(await preparePapers(claims, examId));
  },
});

export const config: Config = { path: '/api/exams/:examId/papers' };
