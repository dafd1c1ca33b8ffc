// GET /api/practice/stats   → {answered, correct, correctRate, dueCount, wrongBookCount, byTopic: [{topic, …same}]}
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { openQuestion } from './_lib/practice.ts';

const rate = (correct: number, answered: number) => (answered === 0 ? null : Math.round((correct / answered) * 10000) / 10000);

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const rows = await asUser(claims, (tx) => tx`
      with answers as (
        select q.topic, count(*)::int as answered, (count(*) filter (where pa.correct))::int as correct
        from app.practice_answers pa join app.questions q on q.id = pa.question_id
        where pa.member_id = app_private.current_member_id() group by q.topic
      ), cards as (
        select q.topic, (count(*) filter (where c.due_at <= clock_timestamp()))::int as due,
               (count(*) filter (where c.in_wrong_book))::int as wrong
        from app.practice_cards c join app.questions q on q.id = c.question_id
        -- Due and wrong-book counts match what practice serves: open questions only.
        where c.member_id = app_private.current_member_id() and q.retired_at is null and ${openQuestion(tx)} group by q.topic
      )
      select coalesce(a.topic, c.topic) as topic, coalesce(a.answered, 0) as answered, coalesce(a.correct, 0) as correct,
             coalesce(c.due, 0) as due, coalesce(c.wrong, 0) as wrong
      from answers a full join cards c on c.topic = a.topic order by 1`);
    const byTopic = rows.map((r) => ({
      topic: r.topic as string, answered: Number(r.answered), correct: Number(r.correct),
      correctRate: rate(Number(r.correct), Number(r.answered)), dueCount: Number(r.due), wrongBookCount: Number(r.wrong),
    }));
    const sum = (k: 'answered' | 'correct' | 'dueCount' | 'wrongBookCount') => byTopic.reduce((n, t) => n + t[k], 0);
    return json({
      answered: sum('answered'), correct: sum('correct'), correctRate: rate(sum('correct'), sum('answered')),
      dueCount: sum('dueCount'), wrongBookCount: sum('wrongBookCount'), byTopic,
    });
  },
});

export const config: Config = { path: '/api/practice/stats' };
