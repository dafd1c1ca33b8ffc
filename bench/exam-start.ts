// Synchronised start: N takers start the same 50-question exam within one second.
//
//   npx node bench/exam-start.ts                       embedded database (PGlite), N = 500
//   npx node bench/exam-start.ts --pg postgres://…     + local PostgreSQL, N = 3,000, pools 10 and 20
//   bench/pg.sh npx node bench/exam-start.ts           same, on a throwaway cluster started for the run
//   (BENCH_DATABASE_URL works instead of --pg; --n, --pools, --embedded-n, --no-embedded to vary.)
//   Every configuration runs twice: papers assembled at start, and pre-assembled before the burst
//   (POST /api/exams/:examId/papers as the demo trainer); --no-prepared / --only-prepared for one.
//
// Each configuration runs in its own child process (function modules keep one pool per process,
// like one Netlify function instance). The child: fresh database (a new throwaway database on the
// PostgreSQL server, or in-memory PGlite), migrations + content + demo seed; a trainer creates the
// exam through POST /api/exams; N members are bulk-inserted (auth.users + app.members) and given
// tokens signed by local auth (JWKS served over HTTP, so the functions verify for real); a few
// warm-up starts open the pool; then N POST /api/exams/:examId/attempts are sent on a fixed
// schedule spread uniformly over one second, calling the function handler in-process with real
// Request objects. Latency is measured from each request's scheduled send time.
import examAttempts from '../functions/exam-attempts.ts';
import examPapers from '../functions/exam-papers.ts';
import exams from '../functions/exams.ts';
import { startBenchEnv, type Handler } from './_setup.ts';
import { createExam } from './_exam.ts';
import { errorsOf, openLoopBurst, runChild } from './_load.ts';
import { runPgbench, type PgbenchResult } from './_pgbench.ts';
import { appendResults, arg, cpuMeter, flag, fmt, machineLine, ms, summarise, table, type LatencySummary } from './_lib.ts';

interface RunResult {
  label: string;
  database: string;
  settings: Record<string, string>;
  n: number;
  poolMax: number | null;
  latency: LatencySummary;
  maxLagMs: number;
  wallMs: number;
  throughput: number;
  errors: ReturnType<typeof errorsOf>;
  attemptsInDb: number;
  /** Per-slot rows the burst wrote: app.attempt_slots rows before 20261130000100, app.attempt_responses rows after (none until a save). */
  slotsInDb: number;
  setupMs: number;
  /** Papers pre-assembled through POST /api/exams/:examId/papers before the burst (null = assembled at start). */
  prepared: { papers: number; ms: number } | null;
  /** CPU milliseconds per start: the function process (Node; embedded: includes PGlite) and all postgres processes. */
  cpuMsPerStart: { node: number; postgres: number };
}

async function child(): Promise<void> {
  const pgUrl = arg('child-pg');
  const n = Number(arg('child-n'));
  const poolMax = Number(arg('child-pool') ?? 10);
  const usePrepared = flag('child-prepared');
  const t0 = Date.now();
  const env = await startBenchEnv({ pgUrl, poolMax });
  const examId = await createExam(env, exams as Handler, `同步开考压测 ${n}`);
  const warm = env.kind === 'postgres' ? poolMax : 3;
  const takers = await env.createTakers(n + warm, 'BT');
  let prepared: RunResult['prepared'] = null;
  if (usePrepared) {
    const tp = performance.now();
    const p = await env.call(examPapers as Handler, { method: 'POST', path: `/api/exams/${examId}/papers`, token: await env.tokenForDemo('T2001'), params: { examId } });
    if (p.status !== 200) throw new Error(`POST /api/exams/:examId/papers answered ${p.status}: ${p.text}`);
    prepared = { papers: Number(p.body.prepared), ms: performance.now() - tp };
  }
  const start = (token: string) => env.call(examAttempts as Handler, { method: 'POST', path: `/api/exams/${examId}/attempts`, token, params: { examId } });

  // Warm-up: JWKS fetched, pool connections opened, code paths compiled (a warm function instance).
  const warmRes = await Promise.all(takers.slice(n).map((t) => start(t.token)));
  const badWarm = warmRes.find((r) => r.status !== 201);
  if (badWarm) throw new Error(`warm-up start answered ${badWarm.status}: ${badWarm.text}`);
  if ((warmRes[0]!.body.slots as unknown[]).length !== 50) throw new Error('warm-up paper does not have 50 slots');
  const setupMs = Date.now() - t0;

  console.error(`[exam-start] ${env.kind}: ${n} starts over 1 s (pool ${env.poolMax ?? 'per-request'})`);
  const meter = cpuMeter(env.databaseName);
  const { outcomes, wallMs } = await openLoopBurst(n, 1000, (i) => start(takers[i]!.token));
  const cpu = meter();
  const ok = outcomes.filter((o) => o.status === 201);
  // Rows actually written per slot: the slot table before 20261130000100; after it, app.attempt_slots is
  // a view over the paper on the attempt, and per-slot rows (app.attempt_responses) appear on first save.
  const [splitRow] = await env.withAdmin((sql) => sql`select to_regclass('app.attempt_responses') is not null as split`);
  const split = Boolean(splitRow?.split);
  const slotTable = split ? 'app.attempt_responses' : 'app.attempt_slots';
  const [counts] = await env.withAdmin((sql) => sql.unsafe(`
    select (select count(*)::int from app.attempts where exam_id = '${examId}') as attempts,
           (select count(*)::int from ${slotTable} s join app.attempts a on a.id = s.attempt_id where a.exam_id = '${examId}') as slots`));
  const result: RunResult = {
    label: (env.kind === 'postgres' ? `PostgreSQL, pool ${poolMax}` : 'embedded PGlite, per-request connection') + (usePrepared ? ', pre-assembled' : ''),
    database: env.database,
    settings: env.settings,
    n,
    poolMax: env.poolMax,
    latency: summarise(outcomes.map((o) => o.latencyMs)),
    maxLagMs: Math.max(...outcomes.map((o) => o.lagMs ?? 0)),
    wallMs,
    throughput: ok.length / (wallMs / 1000),
    errors: errorsOf(outcomes),
    attemptsInDb: Number(counts?.attempts) - warm,
    slotsInDb: Number(counts?.slots) - (split ? 0 : warm * 50),
    setupMs,
    prepared,
    cpuMsPerStart: { node: (cpu.nodeSec * 1000) / Math.max(1, ok.length), postgres: (cpu.postgresSec * 1000) / Math.max(1, ok.length) },
  };
  await env.stop();
  console.log(JSON.stringify(result));
  process.exit(0);
}

async function main(): Promise<void> {
  const pgUrl = arg('pg', 'BENCH_DATABASE_URL');
  const n = Number(arg('n', undefined, '3000'));
  const embeddedN = Number(arg('embedded-n', undefined, '500'));
  const pools = (arg('pools', undefined, '10,20') as string).split(',').map(Number);
  const script = import.meta.filename;
  const skipped = process.env.BENCH_SKIP_MIGRATIONS;
  const machine = machineLine(skipped ? { schema: `all migrations EXCEPT ${skipped} (BENCH_SKIP_MIGRATIONS)` } : { schema: 'all migrations' });
  const runs: RunResult[] = [];
  // Every configuration twice: papers assembled at start, and pre-assembled (POST …/papers) before the bell.
  const variants = flag('no-prepared') ? [[]] : flag('only-prepared') ? [['--child-prepared']] : [[], ['--child-prepared']];
  if (!flag('no-embedded')) {
    for (const v of variants) runs.push(await runChild<RunResult>(script, ['--child', '--child-n', String(embeddedN), ...v], { BENCH_DATABASE_URL: undefined }));
  }
  if (pgUrl) {
    for (const pool of pools) {
      for (const v of variants) runs.push(await runChild<RunResult>(script, ['--child', '--child-n', String(n), '--child-pool', String(pool), '--child-pg', pgUrl, ...v]));
    }
  } else {
    console.error('[exam-start] no --pg URL or BENCH_DATABASE_URL: PostgreSQL runs skipped (try bench/pg.sh npx node bench/exam-start.ts)');
  }
  // The reference in the same run: pgbench TPC-B on the same server at each pool's connection count
  // (issue 7: a start must not cost more than one TPC-B transaction, so starts/s ≥ TPS).
  const pgbench = new Map<number, PgbenchResult>();
  if (pgUrl && !flag('no-pgbench')) {
    for (const pool of pools) pgbench.set(pool, await runPgbench(pgUrl, { clients: pool, threads: 2, seconds: 20, scale: 10 }));
  }
  const tpsOf = (r: RunResult) => (r.poolMax === null ? undefined : pgbench.get(r.poolMax));

  const rows = runs.map((r) => [
    r.label, r.n, fmt(r.latency.p50), fmt(r.latency.p95), fmt(r.latency.p99), fmt(r.latency.max),
    `${fmt(r.throughput)}/s`, `${r.errors.count}${r.errors.count ? ` (${Object.entries(r.errors.byStatus).map(([s, c]) => `${c}×${s}`).join(', ')})` : ''}`,
    `${r.attemptsInDb} / ${r.slotsInDb}`, fmt(r.maxLagMs),
    `${r.cpuMsPerStart.node.toFixed(1)} / ${r.poolMax === null ? '(in Node)' : r.cpuMsPerStart.postgres.toFixed(1)}`,
    tpsOf(r) ? `${fmt(tpsOf(r)!.tps)} TPS` : '–',
    tpsOf(r) ? (r.throughput / tpsOf(r)!.tps).toFixed(2) : '–',
  ]);
  const verdictFor = (pgRuns: RunResult[], what: string) => {
    const best = pgRuns.length ? pgRuns.reduce((a, b) => (a.latency.p95 <= b.latency.p95 ? a : b)) : null;
    if (!best) return `No PostgreSQL run with ≥ 3,000 takers ${what}: target not evaluated.`;
    // Issue 7 §4: 0 errors, p95 ≤ 2 s, and starts/s ≥ pgbench TPC-B TPS measured in the same run.
    const tps = tpsOf(best);
    const ratio = tps ? best.throughput / tps.tps : null;
    const met = best.latency.p95 <= 2000 && best.errors.count === 0 && (ratio === null || ratio >= 1);
    return `**Target ${met ? 'met' : 'missed'}** ${what} (best PostgreSQL run, pool ${best.poolMax}: p95 ${ms(best.latency.p95)}, ${best.errors.count} errors, `
      + `${fmt(best.throughput)} starts/s${tps ? ` = ${ratio!.toFixed(2)} × pgbench ${fmt(tps.tps)} TPS` : ', pgbench not run'}; target p95 ≤ 2 s, 0 errors, starts/s ≥ TPS).`;
  };
  const big = runs.filter((r) => r.poolMax !== null && r.n >= 3000);
  const verdict = [
    verdictFor(big.filter((r) => !r.prepared), 'with papers assembled at start'),
    big.some((r) => r.prepared) ? verdictFor(big.filter((r) => r.prepared), 'with pre-assembled papers') : '',
  ].filter(Boolean).join('\n');
  const preparedLines = runs.filter((r) => r.prepared).map((r) => `- ${r.label}: POST /api/exams/:examId/papers prepared ${r.prepared!.papers} papers in ${fmt(r.prepared!.ms)} ms (before the burst, not in the latencies).`);
  const samples = runs.flatMap((r) => r.errors.samples.map((s) => `- ${r.label}: ${s.replace(/\n/g, ' ')}`));
  const dbLines = [...new Set(runs.map((r) => `${r.database}${Object.keys(r.settings).length ? ` (${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`))];
  const report = `## exam-start — synchronised start, ${new Date().toISOString().slice(0, 10)}

${machine}
Database: ${dbLines.join('; ')}

Command: \`${['npx node bench/exam-start.ts', pgUrl ? '--pg <url>' : ''].join(' ').trim()}\`. One process = one function instance calling
\`functions/exam-attempts.ts\` in-process with real Requests (JWT verified against local auth's JWKS over HTTP); N starts of the
same 50-question exam (5 types) sent on a fixed schedule over 1 s; latency from the scheduled send time, in ms. Errors = any non-2xx.
"attempts / slots" = rows written by the burst. "max lag" = how late the client fired its most delayed request (event loop busy).
CPU ms/start = CPU used during the burst ÷ starts, by this Node process (on the embedded database it includes PGlite) and by the PostgreSQL
backends connected to the bench database (background processes such as the WAL writer are not counted).
pgbench: TPC-B, \`-i -s 10\` on a separate throwaway database of the same server after the bursts, \`pgbench -c <pool> -j 2 -T 20\`
(the same number of connections as the functions' pool); "÷ TPS" = starts/s ÷ that TPS.

${table(['database / pool', 'N', 'p50', 'p95', 'p99', 'max', 'throughput', 'errors', 'attempts / slots', 'max lag', 'CPU ms/start Node / PG', 'pgbench', '÷ TPS'], rows)}

${verdict}
${preparedLines.length ? `\n${preparedLines.join('\n')}\n` : ''}${samples.length ? `\nFirst problem bodies:\n${samples.join('\n')}\n` : ''}`;
  console.log(report);
  appendResults(report);
}

if (flag('child')) await child();
else await main();
