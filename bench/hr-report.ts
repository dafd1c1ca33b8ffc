// HR completion report and appraisal export at bank scale (issue 11 "Performance"):
// 100,000 members × 12 assignments in one period (1.2 M app.assignment_people rows), the completion
// report for the whole bank as HR of the head office (RLS on, the real code in
// functions/_lib/reports.ts), and the export of that scope (CSV of every row; xlsx per the sheet limit).
//
//   bench/pg.sh node bench/hr-report.ts            # PostgreSQL (target: report < 1 s, export < 10 s)
//   node bench/hr-report.ts --pg postgres://…      # an existing server (a throwaway database is created)
//   node bench/hr-report.ts --members 20000        # smaller
//   node bench/hr-report.ts --pg … --reuse NAME    # measure again on a database an earlier run seeded
//                                                   # with --keep NAME (migrations are applied, no seeding)
//
// Appends a section with the numbers, the machine, its load and the EXPLAIN (ANALYZE, BUFFERS) of the
// report's heavy statement to bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { openSql, type Sql, type Tx } from '../src/server/sql.ts';
import { migrate } from '../src/server/migrate.ts';
import { loadMe } from '../functions/_lib/members.ts';
import { completionReport, PER_UNIT_SQL, type ReportQuery } from '../functions/_lib/reports.ts';
import { CSV_SPLIT, csvUnits, exportCsvStream, exportXlsx, type ExportMeta } from '../functions/_lib/export.ts';
import { asUserOnOneSnapshot } from '../functions/_lib/db.ts';
import type { Claims } from '../functions/_lib/auth.ts';
import { appendResults, arg, machineLine, median, table } from './_lib.ts';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

const MEMBERS = Number(arg('members', 'BENCH_MEMBERS', '100000'));
const ASSIGNMENTS = Number(arg('assignments', 'BENCH_ASSIGNMENTS', '12'));
const BRANCHES = 36;
const SUBS = 10;
const RUNS = 5;
const base = arg('pg', 'BENCH_DATABASE_URL');
if (!base) {
  console.error('Give a PostgreSQL URL: bench/pg.sh node bench/hr-report.ts, or --pg postgres://…');
  process.exit(2);
}

const EXPORT_RUNS = Number(arg('export-runs', 'BENCH_EXPORT_RUNS', '3'));
const log = (s: string) => console.error(`[hr-report] ${s}`);
const machineAtStart = machineLine();
const reuse = arg('reuse', 'BENCH_REUSE');
const keep = arg('keep', 'BENCH_KEEP');
const name = reuse ?? keep ?? `xb_hr_bench_${randomBytes(4).toString('hex')}`;
if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
if (!reuse) {
  const admin = openSql(base);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
}
const url = new URL(base);
url.pathname = `/${name}`;
const sql: Sql = openSql(url.toString(), { max: 2 });

async function asHr<T>(userId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: userId, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
    return fn(tx);
  }) as Promise<T>;
}

const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};

/** CPU time (user + system, ms) of local server processes together, from /proc; null when one is not readable. */
function sumCpu(pids: number[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const ms = procCpuMs(pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}

function procCpuMs(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * (1000 / 100);
  } catch {
    return null;
  }
}

try {
  const t0 = performance.now();
  await migrate(sql);
  log(`migrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  if (!reuse) {
  // Org: 总行 → 36 分行 → 10 支行 each.
  await sql`insert into app.org_units (code, name, kind) values ('HQ', '总行', 'head_office')`;
  await sql`insert into app.org_units (code, name, kind, parent_id)
            select 'B' || lpad(i::text, 2, '0'), '分行' || i, 'branch', (select id from app.org_units where code = 'HQ') from generate_series(1, ${BRANCHES}) i`;
  await sql`insert into app.org_units (code, name, kind, parent_id)
            select b.code || '-' || j, b.name || '支行' || j, 'sub_branch', b.id from app.org_units b, generate_series(1, ${SUBS}) j where b.kind = 'branch'`;
  const [hrUser] = await sql`insert into auth.users (email) values ('hr-bench@demo.xiaobao.local') returning id`;
  await sql`insert into app.members (user_id, employee_no, name, org_unit_id, scope_org_id, roles)
            select ${hrUser!.id as string}, 'H0000001', '王芳', id, id, '{employee,hr}' from app.org_units where code = 'HQ'`;
  const t1 = performance.now();
  await sql`
    with u as (select array_agg(id order by code) as ids from app.org_units where kind = 'sub_branch')
    insert into app.members (employee_no, name, org_unit_id, position, roles, active)
    select lpad(i::text, 8, '0'), '员工' || i, u.ids[1 + i % cardinality(u.ids)], (array['客户经理','柜员','理财经理','大堂经理'])[1 + i % 4], '{employee}', i % 97 <> 0
    from generate_series(1, ${MEMBERS}) i, u`;
  log(`${MEMBERS} members in ${((performance.now() - t1) / 1000).toFixed(1)} s`);

  // 12 exams and assignments in 2026Q4, each to the whole bank; people and their facts in bulk.
  const hq = (await sql`select id from app.org_units where code = 'HQ'`)[0]!.id as string;
  const hrId = (await sql`select id from app.members where employee_no = 'H0000001'`)[0]!.id as string;
  for (let k = 1; k <= ASSIGNMENTS; k++) {
    const [e] = await sql`insert into app.exams (title, kind, status, owner_org_id, grading_method, review_policy, blueprint)
                          values (${'季度必考 ' + k}, 'exam', 'published', ${hq}, 'highest', '{}'::jsonb, '{"sections":[]}'::jsonb) returning id`;
    const [a] = await sql`insert into app.assignments (title, period, exam_id, owner_org_id, targets, starts_at, due_at, period_end, created_by)
                          values (${'2026Q4 必修 ' + k}, '2026Q4', ${e!.id as string}, ${hq}, ${sql.json([{ kind: 'org', id: hq, subtree: true }])},
                                  '2026-10-01T00:00:00+08:00', now() + make_interval(days => ${k - 6}), '2027-01-01T00:00:00+08:00', ${hrId}) returning id`;
    const t2 = performance.now();
    await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true)`;
      await tx`select app.sync_assignment_people(${a!.id as string}::uuid)`;
    });
    // Fresh statistics before the bulk update below (or the planner nests loops over 100k rows).
    await sql`analyze app.assignment_people`;
    // Facts: ~70 % completed (some late), ~10 % started, ~2 % exempt; scores 30–100.
    await sql`
      update app.assignment_people ap set
        started_at = case when f.h < 80 then f.starts_at + make_interval(days => f.h % 30) end,
        completed_at = case when f.h < 70 then f.starts_at + make_interval(days => (f.h % 60) + 1) end,
        score = case when f.h < 80 then 30 + (f.h * 7) % 71 end,
        passed = case when f.h < 80 then 30 + (f.h * 7) % 71 >= 60 end,
        attempts_counted = case when f.h < 80 then 1 + f.h % 3 else 0 end,
        exempt_reason = case when f.h >= 98 then '长期病假' end,
        exempt_at = case when f.h >= 98 then now() end
      from (select x.member_id, abs(hashtext(x.member_id::text || ${String(k)})) % 100 as h, a.starts_at
            from app.assignment_people x join app.assignments a on a.id = x.assignment_id
            where x.assignment_id = ${a!.id as string}) f
      where ap.assignment_id = ${a!.id as string} and ap.member_id = f.member_id`;
    log(`assignment ${k}: people and facts in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
  }
  await sql.unsafe('vacuum analyze');
  }
  const [{ n: rows }] = (await sql`select count(*)::int as n from app.assignment_people`) as unknown as [{ n: number }];
  log(`${rows} assignment_people rows`);

  const q: ReportQuery = { period: '2026Q4', basis: 'period_end' };
  const hrSub = (await sql`select user_id from app.members where employee_no = 'H0000001'`)[0]!.user_id as string;
  const runReport = (query: ReportQuery) => asHr(hrSub, async (tx) => completionReport(tx, (await loadMe(tx))!, query));

  const results: (string | number)[][] = [];
  const report = async (label: string, query: ReportQuery) => {
    await runReport(query); // warm
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS; i++) {
      const [t, r] = await timed(() => runReport(query));
      times.push(t);
      total = r.total.counts.assigned;
    }
    results.push([label, `${Math.round(median(times))} ms`, `${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms`, total.toLocaleString('en')]);
    log(`${label}: median ${median(times).toFixed(0)} ms`);
  };
  await report('report, whole bank, by org at period end', q);
  await report('report, whole bank, by current org', { ...q, basis: 'current' });
  await report('report, one 分行 (B07), by org at period end', { ...q, org: 'B07' });
  await report('report, whole bank, one assignment', { ...q, assignmentId: (await sql`select id from app.assignments order by title limit 1`)[0]!.id as string });

  // EXPLAIN of the heavy statement, as HR (RLS on).
  const plan = await asHr(hrSub, async (tx) =>
    tx.unsafe(`explain (analyze, buffers, costs off, timing on) ${PER_UNIT_SQL}`, ['2026Q4', null, 'period_end', '/HQ/']));
  const planText = plan.map((r) => Object.values(r)[0] as string).join('\n');

  // Export of the whole scope as CSV (every row, streamed), and xlsx.
  const meta = async (query: ReportQuery): Promise<ExportMeta> => asHr(hrSub, async (tx) => {
    const me = (await loadMe(tx))!;
    const [u] = await tx`select id, code, name, kind, path from app.org_units where code = ${query.org ?? 'HQ'}`;
    return { me, unit: u as never, query, generatedAt: new Date() };
  });
  const m = await meta(q);
  // CSV of the whole scope, written by CSV_SPLIT.workers connections on one snapshot (what the API
  // does) and, alternately in the same run, by one connection: wall time, the database backends' CPU
  // time (summed over the connections) and this process's CPU time; the bytes must be identical.
  // Through functions/_lib/db.ts asUserOnOneSnapshot on the shared pool, as the function runs it.
  process.env.DATABASE_URL = url.toString();
  process.env.DATABASE_POOL_MAX = '4';
  delete process.env.DATABASE_CONNECTION;
  const hrClaims = { sub: hrSub, role: 'authenticated' } as unknown as Claims;
  type CsvRun = { ms: number; bytes: number; dbCpu: number | null; nodeCpu: number; hash: string };
  const csvRun = async (rowsKind: 'detail' | 'person', workers: number, exportMeta: ExportMeta = m): Promise<CsvRun> => {
    let pids: number[] = [];
    const c0 = process.cpuUsage();
    let db0: number | null = null;
    const t = performance.now();
    const stream = exportCsvStream((n, fn) => asUserOnOneSnapshot(hrClaims, n, async (txs) => {
      pids = await Promise.all(txs.map(async (tx) => Number((await tx`select pg_backend_pid() as p`)[0]!.p)));
      db0 = sumCpu(pids);
      await fn(txs);
    }), exportMeta, rowsKind, { ...CSV_SPLIT, workers });
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) { bytes += chunk.byteLength; hash.update(chunk); }
    const ms = performance.now() - t;
    const db1 = sumCpu(pids);
    const c = process.cpuUsage(c0);
    return { ms, bytes, dbCpu: db0 !== null && db1 !== null ? db1 - db0 : null, nodeCpu: (c.user + c.system) / 1000, hash: hash.digest('hex') };
  };
  const split: CsvRun[] = [];
  const single: CsvRun[] = [];
  for (let i = 0; i < EXPORT_RUNS; i++) {
    split.push(await csvRun('detail', CSV_SPLIT.workers));
    log(`csv (${CSV_SPLIT.workers} connections) ${i + 1}: ${split.at(-1)!.ms.toFixed(0)} ms, db cpu ${split.at(-1)!.dbCpu} ms, load ${os.loadavg()[0]!.toFixed(1)}`);
    single.push(await csvRun('detail', 1));
    log(`csv (1 connection) ${i + 1}: ${single.at(-1)!.ms.toFixed(0)} ms, db cpu ${single.at(-1)!.dbCpu} ms, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
  const hashes = new Set([...split, ...single].map((r) => r.hash));
  if (hashes.size !== 1) throw new Error('the split and the single-connection CSV differ');
  const csvBytes = split[0]!.bytes;
  const med = (runs: CsvRun[], k: 'ms' | 'dbCpu' | 'nodeCpu') => median(runs.map((r) => r[k] ?? NaN));
  const csvRow = (label: string, runs: CsvRun[]) => [label, `${Math.round(med(runs, 'ms'))} ms`,
    `${Math.round(Math.min(...runs.map((r) => r.ms)))}–${Math.round(Math.max(...runs.map((r) => r.ms)))} ms · ${(csvBytes / 1e6).toFixed(0)} MB · db CPU ${Math.round(med(runs, 'dbCpu'))} ms · Node CPU ${Math.round(med(runs, 'nodeCpu'))} ms`,
    rows.toLocaleString('en')];
  results.push(csvRow(`export CSV, whole bank (${rows.toLocaleString('en')} rows), ${CSV_SPLIT.workers} connections on one snapshot (as the API does)`, split));
  results.push(csvRow('export CSV, whole bank, 1 connection (same run, same code)', single));
  results.push(['export CSV, 1 connection / split (same run, medians)', `wall ×${(med(single, 'ms') / med(split, 'ms')).toFixed(2)}`, `db CPU ×${(med(single, 'dbCpu') / med(split, 'dbCpu')).toFixed(2)} · identical bytes (sha256 ${split[0]!.hash.slice(0, 12)}…)`, '']);
  log(`csv: split median ${med(split, 'ms').toFixed(0)} ms, one connection ${med(single, 'ms').toFixed(0)} ms`);
  // The per-person CSV (rows=person: the 人员汇总 sheet as a file) of the same scope.
  const personRuns: CsvRun[] = [];
  for (let i = 0; i < EXPORT_RUNS; i++) personRuns.push(await csvRun('person', 1));
  results.push([`export CSV rows=person (人员汇总), whole bank (${MEMBERS.toLocaleString('en')} people)`, `${Math.round(med(personRuns, 'ms'))} ms`,
    `${Math.round(Math.min(...personRuns.map((r) => r.ms)))}–${Math.round(Math.max(...personRuns.map((r) => r.ms)))} ms · ${(personRuns[0]!.bytes / 1e6).toFixed(1)} MB · db CPU ${Math.round(med(personRuns, 'dbCpu'))} ms · Node CPU ${Math.round(med(personRuns, 'nodeCpu'))} ms`, '']);
  log(`csv rows=person: median ${med(personRuns, 'ms').toFixed(0)} ms`);
  const oneAssignment = { ...q, assignmentId: (await sql`select id from app.assignments order by title limit 1`)[0]!.id as string };
  // One assignment for the whole bank as CSV (before the export was read in runs of units, the
  // per-unit plan re-read every member once per unit here: 87 s in EXPLAIN ANALYZE).
  const oneCsv: CsvRun[] = [];
  for (let i = 0; i < EXPORT_RUNS; i++) oneCsv.push(await csvRun('detail', CSV_SPLIT.workers, { ...m, query: oneAssignment }));
  results.push([`export CSV, whole bank, one assignment (${MEMBERS.toLocaleString('en')} rows)`, `${Math.round(med(oneCsv, 'ms'))} ms`,
    `${Math.round(Math.min(...oneCsv.map((r) => r.ms)))}–${Math.round(Math.max(...oneCsv.map((r) => r.ms)))} ms · db CPU ${Math.round(med(oneCsv, 'dbCpu'))} ms`, '']);
  // xlsx: three runs each (the writer is JavaScript: this process's CPU matters as much as the database's).
  const xlsxRuns: number[] = [];
  let xlsxBytes = 0;
  for (let i = 0; i < EXPORT_RUNS; i++) {
    const [ms, bytes] = await timed(async () => asHr(hrSub, (tx) => exportXlsx(tx, { ...m, query: oneAssignment })));
    xlsxRuns.push(ms);
    xlsxBytes = bytes.byteLength;
    log(`xlsx (one assignment) ${i + 1}: ${ms.toFixed(0)} ms, load ${os.loadavg()[0]!.toFixed(1)}`);
  }
  results.push([`export xlsx, whole bank, one assignment (${MEMBERS.toLocaleString('en')} rows)`, `${Math.round(median(xlsxRuns))} ms`,
    `${Math.round(Math.min(...xlsxRuns))}–${Math.round(Math.max(...xlsxRuns))} ms · ${(xlsxBytes / 1e6).toFixed(1)} MB`, MEMBERS.toLocaleString('en')]);
  const branch = await meta({ ...q, org: 'B07' });
  const [xlsxBranchMs, xlsxBranch] = await timed(async () => asHr(hrSub, (tx) => exportXlsx(tx, branch)));
  const branchRows = (await asHr(hrSub, (tx) => csvUnits(tx, branch))).scope.reduce((n, u) => n + u.rows, 0);
  results.push([`export xlsx, one 分行, all ${ASSIGNMENTS} assignments`, `${Math.round(xlsxBranchMs)} ms`, `${(xlsxBranch.byteLength / 1e6).toFixed(1)} MB`, branchRows.toLocaleString('en')]);

  const [{ v }] = (await sql`select version() as v`) as unknown as [{ v: string }];
  appendResults([
    `## hr-report — completion report and appraisal export, ${new Date().toISOString().slice(0, 10)}`,
    '',
    machineAtStart,
    `Database: ${v.split(' on ')[0]} (bench/pg.sh settings). ${MEMBERS.toLocaleString('en')} members (1 % deactivated) in ${BRANCHES} 分行 × ${SUBS} 支行; ${ASSIGNMENTS} assignments in 2026Q4, each to the whole bank: ${rows.toLocaleString('en')} app.assignment_people rows. Facts spread: ~70 % completed (some late), ~10 % in progress, ~2 % exempt, due dates from 5 days ago to 6 days ahead.`,
    '',
    `Command: \`bench/pg.sh node bench/hr-report.ts\`. As HR of the head office (RLS on: role \`authenticated\` with the JWT claims), through \`completionReport\` / \`exportCsvStream\` / \`exportXlsx\` in functions/_lib — the code the API runs; one warm-up then 5 runs, median (range) for the report; the CSV export ${EXPORT_RUNS} runs on ${CSV_SPLIT.workers} connections (one snapshot, as the API does) alternating with ${EXPORT_RUNS} on one connection, median (range), with the database backends' and this process's CPU time (on a loaded machine wall time follows the share of CPU a process gets); the xlsx of one assignment ${EXPORT_RUNS} runs, one 分行 one run. Targets: report < 1 s, export < 10 s.`,
    '',
    table(['workload', 'median / time', 'range / size', 'rows'], results),
    '',
    'EXPLAIN (ANALYZE, BUFFERS) of the report\'s statement (`PER_UNIT_SQL`, whole bank, by org at the period end):',
    '',
    '```',
    planText,
    '```',
    '',
  ].join('\n'));
  log('appended to bench/RESULTS.md');
} finally {
  await sql.end();
  if (!reuse && !keep) {
    const a = openSql(base);
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  }
}
