// POST /api/practice/answers   {questionId, response, context?: practice|knowledge_check, responseTimeMs?}
//   → 201 {questionId, correct, state, mark, rightAnswer, explanation, source, inWrongBook, card: {due, state, reps, lapses}}
// Instant feedback: graded as service role (keys), then recorded as the caller: the answer, the
// FSRS card, and the wrong-answer book (wrong → in; right later → out).
import type { Config } from '@netlify/functions';
import { handle, json, badRequest, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { dbNow } from './_lib/exams.ts';
import { keysFor } from './_lib/grading.ts';
import { isInMyLiveAttempt, loadCurrentVersions } from './_lib/practice.ts';
import { examProblem } from './_lib/attempts.ts';
import { gradeResponse } from '../src/core/grading.ts';
import { isBlankResponse, parseResponse, QUESTION_TYPE_LABELS } from '../src/core/questions.ts';
import { isPracticeType, PRACTICE_MULTIPLE_RULE, PracticeAnswerRequestSchema, practiceOutcome, wrongBookAfter } from '../src/core/practice.ts';
import { nextCard, parseCardState } from '../src/core/scheduling.ts';
import { rightAnswerOf } from '../src/core/paper.ts';

export default handle({
  async POST(req) {
    const claims = await requireUser(req);
    const body = await readJson(req, PracticeAnswerRequestSchema);

    const { version, value } = await asUser(claims, async (tx) => {
      const [v] = await loadCurrentVersions(tx, [body.questionId]);
      // Closed (exam-only) questions are not found here either: their keys are released by exam reviews only.
      if (!v) throw badRequest('There is no such practice question.', { errors: { questionId: `No question "${body.questionId}" is published for practice.` } });
      if (!isPracticeType(v.type)) {
        throw badRequest(`${QUESTION_TYPE_LABELS[v.type]} questions are marked by a trainer, so they have no instant feedback.`, { errors: { questionId: 'Not available for practice.' } });
      }
      const parsed = parseResponse(v.type, body.response, { options: v.options ?? undefined, blankCount: v.type === 'fill' ? v.blankCount : undefined });
      if (!parsed.ok) throw badRequest('The answer does not fit this question.', { errors: { response: parsed.message }, code: parsed.code });
      if (isBlankResponse(parsed.value)) throw badRequest('Answer the question first.', { errors: { response: 'The answer is empty.' } });
      if (await isInMyLiveAttempt(tx, v.questionId)) {
        throw examProblem(409, 'in_live_attempt', 'This question is in an exam you are taking now. Submit the exam first; then practise it here.');
      }
      return { version: v, value: parsed.value };
    });

    const full = (await keysFor([version.versionId])).get(version.versionId)!;
    const grade = gradeResponse(full, value, 1, PRACTICE_MULTIPLE_RULE);
    const outcome = practiceOutcome(grade.state, body.responseTimeMs);

    const recorded = await asUser(claims, async (tx) => {
      const now = await dbNow(tx);
      await tx`insert into app.practice_answers (member_id, question_id, question_version_id, response, correct, context, answered_at)
        values (app_private.current_member_id(), ${version.questionId}, ${version.versionId}, ${tx.json(value as never)}, ${outcome.correct}, ${body.context}, ${now})`;
      const [prev] = await tx`select card, in_wrong_book, wrong_count from app.practice_cards
        where member_id = app_private.current_member_id() and question_id = ${version.questionId} for update`;
      const card = nextCard(prev ? parseCardState(prev.card) : null, outcome.rating, now);
      const book = wrongBookAfter(prev ? { inWrongBook: Boolean(prev.in_wrong_book), wrongCount: Number(prev.wrong_count) } : null, outcome.correct);
      await tx`
        insert into app.practice_cards (member_id, question_id, card, due_at, reps, lapses, last_correct, in_wrong_book, wrong_count, updated_at)
        values (app_private.current_member_id(), ${version.questionId}, ${tx.json(card)}, ${card.due}, ${card.reps}, ${card.lapses},
                ${outcome.correct}, ${book.inWrongBook}, ${book.wrongCount}, ${now})
        on conflict (member_id, question_id) do update set card = excluded.card, due_at = excluded.due_at, reps = excluded.reps,
          lapses = excluded.lapses, last_correct = excluded.last_correct, in_wrong_book = excluded.in_wrong_book,
          wrong_count = excluded.wrong_count, updated_at = excluded.updated_at`;
      return { card, book };
    });

    return json({
      questionId: version.questionId,
      correct: outcome.correct,
      state: grade.state,
      mark: grade.mark,
      rightAnswer: rightAnswerOf(full),
      explanation: full.explanation,
      source: full.source,
      inWrongBook: recorded.book.inWrongBook,
      wrongCount: recorded.book.wrongCount,
      card: { due: recorded.card.due, state: recorded.card.state, reps: recorded.card.reps, lapses: recorded.card.lapses },
    }, 201);
  },
});

export const config: Config = { path: '/api/practice/answers' };
