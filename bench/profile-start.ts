// Where does a start's time go? Replays the steps of startOrResume (functions/_lib/attempts.ts) one
// taker at a time on one connection, timing each step (database round trip + JS), then prints
// EXPLAIN ANALYZE of the heavier statements as a member would run them (RLS on).
//
//   npx node bench/profile-start.ts --pg postgres://…   (or BENCH_DATABASE_URL; --n 200)
import { startBenchEnv, type Handler } from './_setup.ts';
import { createExam } from './_exam.ts';
import exams from '../functions/exams.ts';
import { asUserOneStatement, checkSessionWithFirstStatement, literal } from '../functions/_lib/db.ts';
import { verifyToken } from '../functions/_lib/auth.ts';
import { bankForCaller, loadStartContext } from '../functions/_lib/exams.ts';
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
const cpuTotals = new Map<string, number[]>();
const time = async <T,>(name: string, fn: () => Promise<T> | T): Promise<T> => {
  const t = performance.now();
  const c = process.cpuUsage();
  const v = await fn();
  const used = process.cpuUsage(c);
  totals.set(name, [...(totals.get(name) ?? []), performance.now() - t]);
  cpuTotals.set(name, [...(cpuTotals.get(name) ?? []), (used.user + used.system) / 1000]);
  return v;
};

// The steps of startOrResume's 'start' branch (functions/_lib/attempts.ts), as it runs since
// migration 20261130000100 §6: verify the token; one call of app.start_context (with the session
// check of functions/_lib/auth.ts riding on it, as at the bell when the instance has no fresh answer
// about the session); the cached bank; assembly in JS; one call of app.start_attempt; the payload.
// For comparison, the session check as a statement of its own (what requireUser does elsewhere) is
// timed separately, for a second token of the same taker so it does not warm anything.
for (const [i, t] of takers.entries()) {
  const claims = await time('verify JWT (jose, ES256)', () => verifyToken(t.token));
  await time('(separate) session check, own round trip', () => asUserOneStatement({ ...claims },
    `select app_private.session_is_active(${literal(claims.sub)}::uuid, ${literal(String(claims.session_id))}::uuid) as active`));
  const tStart = performance.now();
  checkSessionWithFirstStatement(claims, () => null);
  const ctx = await time('app.start_context + session check (1 message)', () => loadStartContext(claims, examId));
  const exam = ctx.exam!;
  const bank = await time('bank (instance cache)', () => bankForCaller(claims, ctx.bankRev));
  const plan = await time('assemble paper (JS)', () => normaliseStoredPaper(planOf(assembleFor(exam, bank.candidates, ctx.seen, 12345 + i))));
  const deadline = computeDeadline({ startedAt: ctx.now, timeLimitSec: exam.timeLimitSec, extraTimeSec: 0, windowClose: exam.windowClose });
  const attempt = await time('app.start_attempt (1 row, 1 message)', () => insertAttempt(claims, {
    examId, attemptNo: 1, seed: 12345 + i, startedAt: ctx.now, deadline, graceSec: exam.graceSec, slots: plan,
  }));
  const slots: SlotRow[] = plan.map((p) => ({
    slot: p.slot, points: p.points, optionOrder: p.oo, response: null, responseSeq: 0, respondedAt: null, flagged: false,
    state: null, mark: null, comment: null, versionId: p.vid, version: bank.byVersionId.get(p.vid)!,
  }));
  await time('runnerPayload + JSON (JS, cached question views)', () => JSON.stringify(runnerPayload(attempt, exam, slots, ctx.now)));
  totals.set('whole start (without JWT)', [...(totals.get('whole start (without JWT)') ?? []), performance.now() - tStart]);
}

const skip = 5; // first few: cold caches
const rows = [...totals.entries()].map(([name, v]) => {
  const w = v.slice(skip);
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const c = cpuTotals.get(name)?.slice(skip);
  return [name, mean.toFixed(2), c ? (c.reduce((a, b) => a + b, 0) / c.length).toFixed(2) : '–'];
});
console.log(`\nmean ms per start over ${n} sequential starts (one connection, no concurrency):\n`);
console.log(table(['step', 'mean ms (wall)', 'Node CPU ms'], rows));

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
