// POST /api/practice/sessions   {mode: topic|due|wrong|daily, topic?, size?}
//   → 200 {mode, topic, questions: [{question, topic, reason, inWrongBook, dueAt}]}
// Public question views only; feedback comes per answer from POST /api/practice/answers.
import type { Config } from '@netlify/functions';
import { handle, json, badRequest, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { dbNow, loadSeenQuestionIds } from './_lib/exams.ts';
import { loadCurrentVersions, loadMyCards, loadPool, publicOf } from './_lib/practice.ts';
import { dailySet, dueQuestions, type DailyReason } from '../src/core/scheduling.ts';
import { DEFAULT_SESSION_SIZE, familyLookup, onePerFamily, PracticeSessionRequestSchema, topicSet, wrongSet } from '../src/core/practice.ts';

export default handle({
  async POST(req) {
    const claims = await requireUser(req);
    const body = await readJson(req, PracticeSessionRequestSchema);
    const size = body.size ?? DEFAULT_SESSION_SIZE;
    const out = await asUser(claims, async (tx) => {
      const now = await dbNow(tx);
      const [pool, cards] = [await loadPool(tx), await loadMyCards(tx)];
      const [{ id: memberId }] = (await tx`select app_private.current_member_id() as id`) as unknown as [{ id: string }];
      const qcards = cards.map((c) => ({ questionId: c.questionId, card: c.card }));
      let picked: { questionId: string; reason: DailyReason | 'topic' }[];
      switch (body.mode) {
        case 'topic': {
          if (!pool.some((p) => p.topic === body.topic)) {
            throw badRequest('There are no practice questions for this topic.', { errors: { topic: `Unknown topic "${body.topic}"; use a lesson id such as complaint-handling.` } });
          }
          const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
          picked = topicSet({ topic: body.topic!, pool, cards: qcards, now, seed, size }).map((id) => ({ questionId: id, reason: 'topic' }));
          break;
        }
        case 'due': {
          // Every due card in order, then one per variant family (twins restate one fact).
          const active = new Set(pool.map((p) => p.questionId));
          const due = qcards.filter((c) => active.has(c.questionId));
          picked = onePerFamily(dueQuestions(due, now, due.length), familyLookup(pool), size).map((id) => ({ questionId: id, reason: 'due' }));
          break;
        }
        case 'wrong': {
          const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
          const topics = new Map(pool.map((p) => [p.questionId, p.topic]));
          const families = familyLookup(pool);
          const entries = cards.filter((c) => c.inWrongBook && topics.has(c.questionId)).map((c) => ({ questionId: c.questionId, topic: c.topic, wrongCount: c.wrongCount, family: families(c.questionId) }));
          picked = wrongSet({ entries, seed, size }).map((id) => ({ questionId: id, reason: 'wrong' }));
          break;
        }
        case 'daily': {
          // Stable for the day (China time): reloading the page gives the same set.
          const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
          picked = dailySet({
            now, seed: `${memberId}:${day}`, size, cards: qcards,
            wrongBook: cards.filter((c) => c.inWrongBook).map((c) => c.questionId),
            pool, topics: body.topic ? [body.topic] : null, seen: await loadSeenQuestionIds(tx),
          });
          break;
        }
      }
      const versions = await loadCurrentVersions(tx, picked.map((p) => p.questionId));
      const byId = new Map(versions.map((v) => [v.questionId, v]));
      const cardOf = new Map(cards.map((c) => [c.questionId, c]));
      return {
        mode: body.mode,
        topic: body.topic ?? null,
        questions: picked.flatMap((p) => {
          const v = byId.get(p.questionId);
          if (!v) return [];
          const c = cardOf.get(p.questionId);
          return [{ question: publicOf(v), topic: v.topic, reason: p.reason, inWrongBook: c?.inWrongBook ?? false, dueAt: c?.dueAt.toISOString() ?? null }];
        }),
      };
    });
    return json(out);
  },
});

export const config: Config = { path: '/api/practice/sessions' };
