// GET /api/manage/exams/:examId/stats?attempts=first|all   trainers/admins who administer the exam
//   → {exam, n, mean, median, sd, alpha, sem, histogram, smallSample, items: [{questionId, facility,
//      discriminationIndex, pointBiserial, discriminativeEfficiency, upperGroup, lowerGroup, options, flags, …}]}
// First attempts by default (later attempts have seen the paper). HR reads results, not item
// statistics: they show which options are right, i.e. the key.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { administeredExam, requireBuilder } from './_lib/exam-builder.ts';
import { examStats } from './_lib/item-stats.ts';
import { FLAG_THRESHOLDS } from '../src/core/item-stats.ts';

const Query = z.strictObject({ attempts: z.enum(['first', 'all'], 'Use attempts=first or attempts=all.').default('first') });

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const examId = idParam(params, 'examId', 'exam');
    const q = parseWith(Query, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const exam = await asUser(claims, async (tx) => {
      await requireBuilder(tx);
      return administeredExam(tx, examId, 'see its item statistics');
    });
    const stats = await examStats(examId, q.attempts);
    return json({ exam: { id: exam.id, title: exam.title, kind: exam.kind, status: exam.status }, thresholds: FLAG_THRESHOLDS, ...stats });
  },
});

export const config: Config = { path: '/api/manage/exams/:examId/stats' };
