// Autosave throughput: takers with live attempts save responses (PUT /api/attempts/:id/responses/:slot
// {response, seq}, seq growing per slot) back to back for a fixed time; then, on the SAME PostgreSQL,
// pgbench TPC-B at the same number of database connections as the reference.
//
//   npx node bench/autosave.ts                       embedded database only (no target)
//   npx node bench/autosave.ts --pg postgres://…     + PostgreSQL and pgbench (target saves/s ÷ TPS ≥ 1, issue 7 §4)
//   bench/pg.sh npx node bench/autosave.ts           same, on a throwaway cluster started for the run
//   Options: --seconds 20 --pool 20 --workers 40 --takers 400 --embedded-takers 50 --embedded-workers 8
//
// Every configuration runs in its own child process (one function instance with one pool).
// Workers are closed loops; each owns a set of takers and answers their questions in turn, so one
// attempt's seq per slot only grows. workers = 2 × pool keeps every pool connection busy while
// JavaScript runs for other requests; the database concurrency is the pool size, and pgbench runs
// with -c <pool size> -j 2.
import examAttempts from '../functions/exam-attempts.ts';
import attemptResponses from '../functions/attempt-responses.ts';
import exams from '../functions/exams.ts';
import { startBenchEnv, type Handler } from './_setup.ts';
import { createExam } from './_exam.ts';
import { closedLoop, errorsOf, runChild } from './_load.ts';
import { runPgbench, type PgbenchResult } from './_pgbench.ts';
import { appendResults, arg, cpuMeter, flag, fmt, machineLine, summarise, table, type LatencySummary } from './_lib.ts';

interface SlotInfo { slot: number; type: string; options: string[]; blankCount: number }
interface Live { attemptId: string; token: string; slots: SlotInfo[]; seq: Map<number, number>; next: number }

interface RunResult {
  label: string;
  database: string;
  settings: Record<string, string>;
  poolMax: number | null;
  workers: number;
  takers: number;
  seconds: number;
  saves: number;
  savesPerSec: number;
  latency: LatencySummary;
  errors: ReturnType<typeof errorsOf>;
  eventsInDb: number;
  /** CPU milliseconds per save: the function process (Node) and all postgres processes (embedded: PGlite runs inside Node). */
  cpuMsPerSave: { node: number; postgres: number };
  pgbench: PgbenchResult | null;
}

function responseFor(s: SlotInfo, k: number): unknown {
  const pick = (i: number) => s.options[i % s.options.length]!;
  switch (s.type) {
    case 'single': return pick(k);
    case 'multiple': return k % 3 === 0 ? [pick(k)] : [pick(k), pick(k + 1)];
    case 'truefalse': return k % 2 === 0;
    case 'fill': return Array.from({ length: s.blankCount }, (_, i) => `答案${k}-${i}`);
    default: return `第${k}次修改：金融机构应当建立健全投诉处理工作机制，畅通投诉渠道，及时受理并依法处理金融消费者投诉。`;
  }
}

async function child(): Promise<void> {
  const pgUrl = arg('child-pg');
  const poolMax = Number(arg('child-pool') ?? 20);
  const workers = Number(arg('child-workers'));
  const takerCount = Number(arg('child-takers'));
  const seconds = Number(arg('child-seconds'));
  const env = await startBenchEnv({ pgUrl, poolMax });
  const examId = await createExam(env, exams as Handler, '自动保存压测');
  const takers = await env.createTakers(takerCount, 'BA');

  // Start every taker's attempt (a few at a time), remembering each slot's type and options.
  const live: Live[] = [];
  const step = env.kind === 'postgres' ? poolMax : 1;
  for (let i = 0; i < takers.length; i += step) {
    const batch = await Promise.all(takers.slice(i, i + step).map(async (t) => {
      const r = await env.call(examAttempts as Handler, { method: 'POST', path: `/api/exams/${examId}/attempts`, token: t.token, params: { examId } });
      if (r.status !== 201) throw new Error(`start answered ${r.status}: ${r.text}`);
      const slots: SlotInfo[] = (r.body.slots as any[]).map((s) => ({
        slot: s.slot, type: s.question.type, options: (s.question.options as { id: string }[]).map((o) => o.id), blankCount: s.question.blankCount ?? 0,
      }));
      return { attemptId: r.body.attempt.id as string, token: t.token, slots, seq: new Map<number, number>(), next: 0 };
    }));
    live.push(...batch);
  }
  console.error(`[autosave] ${live.length} live attempts; ${workers} workers for ${seconds} s (pool ${env.poolMax ?? 'per-request'})`);

  const save = (w: number, k: number) => {
    const mine = live.filter((_, i) => i % workers === w);
    const a = mine[k % mine.length]!;
    const s = a.slots[a.next++ % a.slots.length]!;
    const seq = (a.seq.get(s.slot) ?? 0) + 1;
    a.seq.set(s.slot, seq);
    return env.call(attemptResponses as Handler, {
      method: 'PUT', path: `/api/attempts/${a.attemptId}/responses/${s.slot}`, token: a.token,
      params: { attemptId: a.attemptId, slot: String(s.slot) }, body: { response: responseFor(s, seq), seq },
    });
  };
  // Short warm-up, not counted.
  await closedLoop(workers, 1000, save);
  const [before] = await env.withAdmin((sql) => sql`select count(*)::int as n from app.response_events`);
  const meter = cpuMeter(env.databaseName);
  const { outcomes, wallMs } = await closedLoop(workers, seconds * 1000, save);
  const cpu = meter();
  const [after] = await env.withAdmin((sql) => sql`select count(*)::int as n from app.response_events`);
  const ok = outcomes.filter((o) => o.status >= 200 && o.status < 300).length;

  let pgbench: PgbenchResult | null = null;
  if (pgUrl) pgbench = await runPgbench(pgUrl, { clients: poolMax, threads: 2, seconds, scale: 10 });

  const result: RunResult = {
    label: env.kind === 'postgres' ? `PostgreSQL, pool ${poolMax}` : 'embedded PGlite, per-request connection',
    database: env.database,
    settings: env.settings,
    poolMax: env.poolMax,
    workers,
    takers: live.length,
    seconds,
    saves: ok,
    savesPerSec: ok / (wallMs / 1000),
    latency: summarise(outcomes.map((o) => o.latencyMs)),
    errors: errorsOf(outcomes),
    eventsInDb: Number(after?.n) - Number(before?.n),
    cpuMsPerSave: { node: (cpu.nodeSec * 1000) / Math.max(1, ok), postgres: (cpu.postgresSec * 1000) / Math.max(1, ok) },
    pgbench,
  };
  await env.stop();
  console.log(JSON.stringify(result));
  process.exit(0);
}

async function main(): Promise<void> {
  const pgUrl = arg('pg', 'BENCH_DATABASE_URL');
  const seconds = Number(arg('seconds', undefined, '20'));
  const pool = Number(arg('pool', undefined, '20'));
  const workers = Number(arg('workers', undefined, String(pool * 2)));
  const takers = Number(arg('takers', undefined, '400'));
  const script = import.meta.filename;
  const skipped = process.env.BENCH_SKIP_MIGRATIONS;
  const machine = machineLine(skipped ? { schema: `all migrations EXCEPT ${skipped} (BENCH_SKIP_MIGRATIONS)` } : { schema: 'all migrations' });
  const runs: RunResult[] = [];
  if (!flag('no-embedded')) {
    runs.push(await runChild<RunResult>(script, ['--child', '--child-workers', arg('embedded-workers', undefined, '8')!, '--child-takers', arg('embedded-takers', undefined, '50')!,
      '--child-seconds', String(seconds)], { BENCH_DATABASE_URL: undefined }));
  }
  if (pgUrl) {
    runs.push(await runChild<RunResult>(script, ['--child', '--child-pg', pgUrl, '--child-pool', String(pool), '--child-workers', String(workers),
      '--child-takers', String(takers), '--child-seconds', String(seconds)]));
  } else {
    console.error('[autosave] no --pg URL or BENCH_DATABASE_URL: PostgreSQL run and pgbench skipped (try bench/pg.sh npx node bench/autosave.ts)');
  }

  const rows = runs.map((r) => [
    r.label, r.workers, r.takers, `${fmt(r.savesPerSec)}/s`, fmt(r.latency.p50, 1), fmt(r.latency.p95, 1), fmt(r.latency.p99, 1), fmt(r.latency.max),
    `${r.errors.count}${r.errors.count ? ` (${Object.entries(r.errors.byStatus).map(([s, c]) => `${c}×${s}`).join(', ')})` : ''}`,
    r.eventsInDb,
    `${r.cpuMsPerSave.node.toFixed(2)} / ${r.poolMax === null ? '(in Node)' : r.cpuMsPerSave.postgres.toFixed(2)}`,
    r.pgbench ? `${fmt(r.pgbench.tps)} TPS (avg ${r.pgbench.latencyAvgMs} ms, ≤ ${r.pgbench.pgCpuMsPerTxMax.toFixed(2)} PG CPU ms/tx)` : '–',
    r.pgbench ? (r.savesPerSec / r.pgbench.tps).toFixed(2) : '–',
  ]);
  const pg = runs.find((r) => r.pgbench);
  const verdict = pg?.pgbench
    ? (pg.savesPerSec / pg.pgbench.tps >= 1
      ? `**Target met**: saves/s ÷ pgbench TPS = ${(pg.savesPerSec / pg.pgbench.tps).toFixed(2)} ≥ 1 (issue 7 §4; p95 ${fmt(pg.latency.p95, 1)} ms, ${pg.errors.count} errors).`
      : `**Target missed**: saves/s ÷ pgbench TPS = ${(pg.savesPerSec / pg.pgbench.tps).toFixed(2)} < 1 (issue 7 §4; p95 ${fmt(pg.latency.p95, 1)} ms, ${pg.errors.count} errors).`)
    : 'No PostgreSQL run: ratio target not evaluated.';
  const samples = runs.flatMap((r) => r.errors.samples.map((s) => `- ${r.label}: ${s.replace(/\n/g, ' ')}`));
  const dbLines = [...new Set(runs.map((r) => `${r.database}${Object.keys(r.settings).length ? ` (${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`))];
  const report = `## autosave — ${new Date().toISOString().slice(0, 10)}

${machine}
Database: ${dbLines.join('; ')}

Command: \`${['npx node bench/autosave.ts', pgUrl ? '--pg <url>' : ''].join(' ').trim()}\`. One process = one function instance calling
\`functions/attempt-responses.ts\` in-process with real Requests; closed-loop workers each answering their takers' 50 questions in turn
(growing seq per slot) for ${seconds} s after a 1 s warm-up; latency in ms. pgbench: TPC-B, \`-i -s 10\` on a separate throwaway database of the
same server, then \`${pg?.pgbench?.command ?? 'pgbench -c <pool> -j 2 -T <seconds>'}\` — the same number of database connections as the functions' pool.
CPU ms/save = CPU used during the timed loop ÷ saves: by this Node process (function code + postgres.js; on the embedded database also PGlite)
and by the PostgreSQL backends connected to the bench database (background processes such as the WAL writer are not counted).

${table(['database / pool', 'workers', 'live attempts', 'saves/s', 'p50', 'p95', 'p99', 'max', 'errors', 'events written', 'CPU ms/save Node / PG', 'pgbench', 'saves/s ÷ TPS'], rows)}

${verdict}
${samples.length ? `\nFirst problem bodies:\n${samples.join('\n')}\n` : ''}`;
  console.log(report);
  appendResults(report);
}

if (flag('child')) await child();
else await main();
