// GET    /api/practice/wrong-book               my wrong answers (错题本) with my last response, the right answer and explanation
// DELETE /api/practice/wrong-book/:questionId   take a question out of the book (its history stays)
import type { Config } from '@netlify/functions';
import { handle, json, methodNotAllowed, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { keysFor } from './_lib/grading.ts';
import { storedVersionFromRow } from './_lib/exams.ts';
import { openQuestion, publicOf } from './_lib/practice.ts';
import { rightAnswerOf } from '../src/core/paper.ts';

export default handle({
  async GET(req, { params }) {
    if (params.questionId !== undefined) throw methodNotAllowed(['DELETE']);
    const claims = await requireUser(req);
    const rows = await asUser(claims, (tx) => tx`
      select c.question_id, c.wrong_count, c.updated_at, q.topic,
             last.response as last_response, last.answered_at, last.question_version_id as version_id,
             v.type, v.difficulty, v.stem, v.options, v.blank_count, v.topic as v_topic
      from app.practice_cards c
      join app.questions q on q.id = c.question_id
      left join lateral (
        select pa.response, pa.answered_at, pa.question_version_id from app.practice_answers pa
        where pa.member_id = c.member_id and pa.question_id = c.question_id order by pa.answered_at desc, pa.id desc limit 1
      ) last on true
      join app.question_versions v on v.id = coalesce(last.question_version_id, q.current_version_id)
      where c.member_id = app_private.current_member_id() and c.in_wrong_book
        -- Only open questions: a closed (exam-only) question's key is released by exam reviews alone,
        -- even if a card for it was made while it was still open.
        and ${openQuestion(tx)}
        -- Not while the question is on a paper of an unfinished attempt: the book shows right answers.
        and not exists (
          select 1 from app.attempts a
          join app.attempt_slots s on s.attempt_id = a.id
          join app.question_versions sv on sv.id = s.question_version_id
          where a.member_id = c.member_id and a.state = 'in_progress' and sv.question_id = c.question_id)
      order by c.updated_at desc`);
    // Shown for the version the person last answered, so the response and the right answer match.
    const versions = await keysFor(rows.map((r) => r.version_id as string));
    return json({
      items: rows.map((r) => {
        const stored = storedVersionFromRow({ ...r, topic: r.v_topic });
        const full = versions.get(stored.versionId)!;
        return {
          questionId: r.question_id as string,
          topic: r.topic as string,
          wrongCount: Number(r.wrong_count),
          question: publicOf(stored),
          lastResponse: r.last_response ?? null,
          lastAnsweredAt: (r.answered_at as Date | null)?.toISOString() ?? null,
          rightAnswer: rightAnswerOf(full),
          explanation: full.explanation,
          source: full.source,
        };
      }),
    });
  },

  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const questionId = params.questionId ?? '';
    const r = await asUser(claims, (tx) => tx`
      update app.practice_cards set in_wrong_book = false, updated_at = now()
      where member_id = app_private.current_member_id() and question_id = ${questionId} and in_wrong_book`);
    if (r.count === 0) throw notFound('This question is not in your wrong-answer book.');
    return new Response(null, { status: 204 });
  },
});

export const config: Config = { path: ['/api/practice/wrong-book', '/api/practice/wrong-book/:questionId'] };
