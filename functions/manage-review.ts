// GET  /api/manage/review                         → {questions, lessons, ruleChanges, instruments}   what needs review after a rule change
// POST /api/manage/review/questions/:questionId   {action: 'keep' | 'retire', note?}   (edit = PUT /api/manage/questions/:id with resolveReview)
// POST /api/manage/review/lessons/:lessonId       {note?}   lessons are edited in content/; this records "kept"
// POST /api/manage/rule-changes                   {instrumentId, article?, change: amended|superseded|repealed, note?, effectiveOn?}
//        → 201 {ruleChange: {id, flaggedQuestions, flaggedLessons}}
// Trainers and administrators; every flag and review is audited by the database.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireTrainer } from './_lib/banks/banks.ts';
import { recordRuleChange, reviewLesson, reviewList, reviewQuestion, ReviewSchema, RuleChangeSchema } from './_lib/banks/review.ts';

const LessonReviewSchema = z.strictObject({ note: z.string().max(500).default('') });

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return reviewList(tx); }));
  },
  async POST(req, { params }) {
    const claims = await requireUser(req);
    const path = new URL(req.url).pathname;
    if (path.endsWith('/rule-changes')) {
      const body = await readJson(req, RuleChangeSchema);
      const ruleChange = await asUser(claims, async (tx) => { await requireTrainer(tx); return recordRuleChange(tx, body); });
      return json({ ruleChange }, 201);
    }
    if (params.lessonId) {
      const body = await readJson(req, LessonReviewSchema);
      return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return reviewLesson(tx, params.lessonId!, body.note); }));
    }
    const body = await readJson(req, ReviewSchema);
    return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return reviewQuestion(tx, params.questionId ?? '', body); }));
  },
});

export const config: Config = { path: ['/api/manage/review', '/api/manage/review/questions/:questionId', '/api/manage/review/lessons/:lessonId', '/api/manage/rule-changes'] };
