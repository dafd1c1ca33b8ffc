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
import { bankAt, loadStartContext } from '../functions/_lib/exams.ts';
import { insertAttempt, runnerPayload, type SlotRow } from '../functions/_lib/attempts.ts';
import { assembleFor, planOf } from '../functions/_lib/papers.ts';
import { normaliseStoredPaper } from '../src/core/paper.ts';
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

// The steps of startOrResume's 'start' branch (functions/_lib/attempts.ts), as it runs since
// migration 20261130000100: one statement for the decision's inputs, the cached bank, assembly in JS,
// ONE insert (the attempt with its paper), the payload from the paper in hand.
for (const [i, t] of takers.entries()) {
  const claims = await time('verify JWT', () => verifyToken(t.token));
  const tTx = performance.now();
  await asUser(claims, async (tx) => {
    const ctx = await time('loadStartContext (one statement)', () => loadStartContext(tx, examId));
    const exam = ctx.exam!;
    const bank = await time('bankAt (instance cache)', () => bankAt(tx, ctx.bankRev));
    const plan = await time('assemble paper (JS)', () => normaliseStoredPaper(planOf(assembleFor(exam, bank.candidates, ctx.seen, 12345 + i))));
    const deadline = computeDeadline({ startedAt: ctx.now, timeLimitSec: exam.timeLimitSec, extraTimeSec: 0, windowClose: exam.windowClose });
    const attempt = await time('insert attempt + paper (1 row)', () => insertAttempt(tx, {
      examId, attemptNo: 1, seed: 12345 + i, startedAt: ctx.now, deadline, graceSec: exam.graceSec, slots: plan,
    }));
    const slots: SlotRow[] = plan.map((p) => ({
      slot: p.slot, points: p.points, optionOrder: p.oo, response: null, responseSeq: 0, respondedAt: null, flagged: false,
      state: null, mark: null, comment: null, versionId: p.vid, version: bank.byVersionId.get(p.vid)!,
    }));
    await time('runnerPayload + JSON (JS)', () => JSON.stringify(runnerPayload(attempt, exam, slots, ctx.now)));
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
const [paperRow] = await env.withAdmin((sql) => sql`select paper::text as paper, pg_column_size(paper) as bytes from app.attempts where id = ${att!.id as string}`);
console.log(`\npaper on the attempt: ${String(paperRow!.paper).length} bytes of JSON, ${paperRow!.bytes} bytes stored (pg_column_size)`);
const statements: [string, string][] = [
  ['loadStartContext (seen via papers)', `select v.question_id from app.attempts a cross join lateral jsonb_to_recordset(a.paper) as s(vid uuid) join app.question_versions v on v.id = s.vid where a.member_id = app_private.current_member_id() union select question_id from app.practice_answers where member_id = app_private.current_member_id()`],
  ['loadSlots (view)', `select s.slot, s.points, s.option_order, s.response, s.response_seq, s.responded_at, s.flagged, s.state, s.mark, s.comment, v.id as version_id, v.question_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id where s.attempt_id = '${att!.id}' order by s.slot`],
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
