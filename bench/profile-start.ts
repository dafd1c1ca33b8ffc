// Where does a start's time go? Replays the steps of startOrResume (functions/_lib/attempts.ts) one
// taker at a time on one connection, timing each step (database round trip + JS), then prints
// EXPLAIN ANALYZE of the heavier statements as a member would run them (RLS on).
//
//   npx node bench/profile-start.ts --pg postgres://…   (or BENCH_DATABASE_URL; --n 200)
import { startBenchEnv, type Handler } from './_setup.ts';
import { createExam } from './_exam.ts';
import exams from '../functions/exams.ts';
import { asUser } from '../functions/_lib/db.ts';
import { verifyToken } from '../functions/_lib/auth.ts';
import { attemptFromRow, dbNow, loadCandidates, loadExam, loadMyAttempts, loadMyOverrides, loadSeenQuestionIds } from '../functions/_lib/exams.ts';
import { loadSlots, runnerPayload } from '../functions/_lib/attempts.ts';
import { assemblePaper } from '../src/core/assembly.ts';
import { candidateFromStored } from '../src/core/paper.ts';
import { computeDeadline } from '../src/core/attempt.ts';
import { arg, table } from './_lib.ts';

const pgUrl = arg('pg', 'BENCH_DATABASE_URL');
if (!pgUrl) throw new Error('give --pg <url> or BENCH_DATABASE_URL');
const n = Number(arg('n', undefined, '200'));
const env = await startBenchEnv({ pgUrl, poolMax: 1 });
const examId = await createExam(env, exams as Handler, 'profile');
const takers = await env.createTakers(n + 5, 'BP');

const totals = new Map<string, number[]>();
const time = async <T,>(name: string, fn: () => Promise<T> | T): Promise<T> => {
  const t = performance.now();
  const v = await fn();
  totals.set(name, [...(totals.get(name) ?? []), performance.now() - t]);
  return v;
};

for (const [i, t] of takers.entries()) {
  const claims = await time('verify JWT', () => verifyToken(t.token));
  const tTx = performance.now();
  await asUser(claims, async (tx) => {
    const now = await time('dbNow', () => dbNow(tx));
    const exam = (await time('loadExam (offered/manages)', () => loadExam(tx, examId)))!;
    const override = (await time('loadMyOverrides', () => loadMyOverrides(tx, [examId]))).get(examId) ?? null;
    await time('loadMyAttempts', () => loadMyAttempts(tx, [examId]));
    const candidates = await time('loadCandidates (whole bank)', () => loadCandidates(tx));
    const seen = await time('loadSeenQuestionIds', () => loadSeenQuestionIds(tx));
    const paper = await time('assemblePaper (JS)', () => assemblePaper({
      blueprint: { ...exam.blueprint, multipleRule: exam.multipleRule, shuffleQuestions: exam.shuffleQuestions, shuffleOptions: exam.shuffleOptions },
      candidates: candidates.map(candidateFromStored), seen, seed: 12345 + i,
    }));
    const deadline = computeDeadline({ startedAt: now, timeLimitSec: exam.timeLimitSec, extraTimeSec: override?.extraTimeSec ?? 0, windowClose: exam.windowClose });
    const [row] = await time('insert attempt (RLS check)', () => tx`
      insert into app.attempts (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec)
      values (${examId}, app_private.current_member_id(), 1, ${12345 + i}, ${now}, ${deadline}, ${exam.graceSec})
      returning *, true as mine`);
    const attempt = attemptFromRow(row!);
    const slotRows = paper.map((p) => ({ slot: p.slot, vid: p.questionVersionId, points: p.points, oo: p.optionOrder }));
    await time('insert 50 slots (RLS check per row)', () => tx`
      insert into app.attempt_slots (attempt_id, slot, question_version_id, points, option_order)
      select ${attempt.id}, s.slot, s.vid::uuid, s.points, case when jsonb_typeof(s.oo) = 'array' then s.oo end
      from jsonb_to_recordset(${tx.json(slotRows)}) as s(slot int, vid text, points numeric, oo jsonb)`);
    const slots = await time('loadSlots (RLS per row)', () => loadSlots(tx, attempt.id));
    await time('runnerPayload + JSON (JS)', () => JSON.stringify(runnerPayload(attempt, exam, slots, now)));
  });
  totals.set('whole transaction', [...(totals.get('whole transaction') ?? []), performance.now() - tTx]);
}

const skip = 5; // first few: cold caches
const rows = [...totals.entries()].map(([name, v]) => {
  const w = v.slice(skip);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  return [name, mean.toFixed(2)];
});
console.log(`\nmean ms per start over ${n} sequential starts (one connection, no concurrency):\n`);
console.log(table(['step', 'mean ms'], rows));

// EXPLAIN ANALYZE as a member with RLS on, for the last taker (who has an attempt now).
const last = takers[takers.length - 1]!;
const [att] = await env.withAdmin((sql) => sql`select id::text from app.attempts where member_id = ${last.memberId}`);
const statements: [string, string][] = [
  ['loadExam', `select e.*, app_private.exam_offered_to_me(e.id) as offered, app_private.can_manage_org(e.owner_org_id) as manages from app.exams e where e.id = '${examId}'`],
  ['loadCandidates', `select q.id as question_id, v.id as version_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count from app.questions q join app.question_versions v on v.id = q.current_version_id where q.retired_at is null`],
  ['loadSeenQuestionIds', `select v.question_id from app.attempt_slots s join app.attempts a on a.id = s.attempt_id join app.question_versions v on v.id = s.question_version_id where a.member_id = app_private.current_member_id() union select question_id from app.practice_answers where member_id = app_private.current_member_id()`],
  ['loadSlots', `select s.slot, s.points, s.option_order, s.response, s.response_seq, s.responded_at, s.flagged, s.state, s.mark, s.comment, v.id as version_id, v.question_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id where s.attempt_id = '${att!.id}' order by s.slot`],
];
await env.withAdmin(async (sql) => {
  await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: last.userId, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
    for (const [name, q] of statements) {
      for (let k = 0; k < 3; k++) await tx.unsafe(q); // warm the session's caches
      const plan = await tx.unsafe(`explain (analyze, costs off, summary on) ${q}`);
      console.log(`\n--- EXPLAIN ANALYZE ${name}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
    }
  });
});
await env.stop();
process.exit(0);
