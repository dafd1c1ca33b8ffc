// Where does an autosave's time go? Starts one attempt, then EXPLAIN ANALYZEs each statement of
// functions/attempt-responses.ts as the member (RLS on), after warming the session's caches, and
// times the whole PUT sequentially.
//
//   npx node bench/profile-autosave.ts --pg postgres://…   (or BENCH_DATABASE_URL)
import { startBenchEnv, type Handler } from './_setup.ts';
import { createExam } from './_exam.ts';
import exams from '../functions/exams.ts';
import examAttempts from '../functions/exam-attempts.ts';
import attemptResponses from '../functions/attempt-responses.ts';
import { arg } from './_lib.ts';

const pgUrl = arg('pg', 'BENCH_DATABASE_URL');
if (!pgUrl) throw new Error('give --pg <url> or BENCH_DATABASE_URL');
const env = await startBenchEnv({ pgUrl, poolMax: 1 });
const examId = await createExam(env, exams as Handler, 'profile');
const [t] = await env.createTakers(1, 'BQ');
const r = await env.call(examAttempts as Handler, { method: 'POST', path: `/api/exams/${examId}/attempts`, token: t!.token, params: { examId } });
const attemptId = r.body.attempt.id as string;
const tf = (r.body.slots as any[]).find((s) => s.question.type === 'truefalse');
const slot = tf.slot as number;

const N = 300;
// With pg_stat_statements loaded (bench/pg.sh with BENCH_PG_STATS=1): per-statement plan/exec times.
const stats = await env.withAdmin(async (sql) => {
  try { await sql`create extension if not exists pg_stat_statements`; await sql`select pg_stat_statements_reset()`; return true; } catch { return false; }
});
const t0 = performance.now();
for (let seq = 1; seq <= N; seq++) {
  const res = await env.call(attemptResponses as Handler, { method: 'PUT', path: `/api/attempts/${attemptId}/responses/${slot}`, token: t!.token, params: { attemptId, slot: String(slot) }, body: { response: seq % 2 === 0, seq } });
  if (res.status !== 200) throw new Error(res.text);
}
console.log(`sequential PUT …/responses/:slot: ${((performance.now() - t0) / N).toFixed(2)} ms per save (one connection)`);
if (stats) {
  const rows = await env.withAdmin((sql) => sql`
    select calls, round((total_plan_time / calls)::numeric, 3) as plan_ms, round((total_exec_time / calls)::numeric, 3) as exec_ms,
           round(((total_plan_time + total_exec_time) / ${N})::numeric, 3) as ms_per_save, left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) as query
    from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) and calls >= ${N}
    order by total_plan_time + total_exec_time desc limit 20`);
  console.log('\npg_stat_statements (statements run at least once per save; toplevel and nested):');
  console.log(rows.map((r) => `${String(r.ms_per_save).padStart(7)} ms/save  plan ${String(r.plan_ms).padStart(6)}  exec ${String(r.exec_ms).padStart(6)}  calls ${String(r.calls).padStart(6)}  ${r.query}`).join('\n'));
}

// The careful path's statements on the storage of migration 20261130000100 (the fast path is one
// call of app.save_response, whose nested statements pg_stat_statements lists above).
const statements: [string, string][] = [
  ['loadAttempt', `select a.id, a.state, a.deadline, a.grace_sec, a.member_id = app_private.current_member_id() as mine from app.attempts a where a.id = '${attemptId}'`],
  ['slot + version (view)', `select s.response_seq, s.responded_at, v.type, v.options, v.blank_count from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id where s.attempt_id = '${attemptId}' and s.slot = ${slot}`],
  ['insert event', `insert into app.response_events (attempt_id, slot, seq, response, server_at) values ('${attemptId}', ${slot}, 100000, 'true', clock_timestamp()) on conflict (attempt_id, slot, seq) do nothing returning server_at`],
  ['upsert response row', `insert into app.attempt_responses as r (attempt_id, slot, response, response_seq, responded_at, flagged) values ('${attemptId}', ${slot}, 'true', 100000, now(), false) on conflict (attempt_id, slot) do update set response = excluded.response, response_seq = excluded.response_seq, responded_at = excluded.responded_at where r.response_seq < excluded.response_seq returning r.response_seq`],
];
await env.withAdmin(async (sql) => {
  await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: t!.userId, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
    for (const [name, q] of statements) {
      for (let k = 0; k < 3; k++) await tx.unsafe(`explain analyze ${q}`);
      const plan = await tx.unsafe(`explain (analyze, costs off, summary on) ${q}`);
      console.log(`\n--- EXPLAIN ANALYZE ${name}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
    }
    throw Object.assign(new Error('rollback'), { rollback: true });
  }).catch((e: { rollback?: boolean }) => { if (!e.rollback) throw e; });
});
await env.stop();
process.exit(0);
