// Question-bank import through the real functions and database: upload + stored preview, commit,
// and a re-import of the same file (all rows unchanged), for a 5,000-row workbook.
//
//   npx node bench/question-commit.ts [--rows 5000] [--record]                 embedded PGlite
//   bench/pg.sh npx node bench/question-commit.ts [--record]                   PostgreSQL (BENCH_DATABASE_URL)
//
// Workload: bench/question-import.ts's benchRows (the mix of spellings trainers use, 1 % broken
// rows, as an xlsx written once), uploaded by the demo trainer into a new closed bank with
// POST /api/manage/imports (functions/manage-imports.ts: parse with src/interop, decide each row's
// outcome against the bank, store the rows), then POST …/commit (app.commit_import: one set-based
// write of every valid row, versions and keys), then the same file uploaded and committed again
// (every row "same": nothing written). Target (issue 9): the commit of 5,000 previewed rows < 10 s.
// Functions run in-process with real Requests and JWTs (bench/_setup.ts). One run per step (a
// commit cannot be repeated on the same data); `--record` appends to RESULTS.md.
import { startBenchEnv } from './_setup.ts';
import { appendResults, arg, cpuMeter, flag, fmt, machineLine, table } from './_lib.ts';
import { benchRows } from './question-import.ts';
import { writeWorkbook } from '../src/interop/spreadsheet.ts';
import manageBanks from '../functions/manage-banks.ts';
import manageImports from '../functions/manage-imports.ts';

const HEADER = ['题型', '题干', '选项A', '选项B', '选项C', '选项D', '选项E', '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点'];

const rows = Number(arg('rows', undefined, '5000'));
const pgUrl = arg('pg', 'BENCH_DATABASE_URL');
const env = await startBenchEnv({ pgUrl, poolMax: 2 });
try {
  const token = await env.tokenForDemo('T2001');
  const [hq] = await env.withAdmin((sql) => sql`select id from app.org_units where code = 'HQ'`);
  const bank = await env.call(manageBanks, { method: 'POST', path: '/api/manage/banks', token, body: { name: '基准测试题库', orgUnitId: hq!.id as string } });
  if (bank.status !== 201) throw new Error(`bank: ${bank.status} ${bank.text}`);
  const bankId = bank.body.bank.id as string;
  const file = await writeWorkbook({ sheets: [{ name: '题目', columns: HEADER.map((h) => ({ header: h })), rows: benchRows(rows) }] });

  const upload = async () => {
    const req = new Request(`http://127.0.0.1/api/manage/imports?bank=${bankId}&name=bench.xlsx`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: file as BodyInit,
    });
    const res = await manageImports(req, { params: {} });
    const body = await res.json() as { import: { id: string; counts: Record<string, number> } };
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`);
    return body.import;
  };
  const commit = async (id: string) => {
    const r = await env.call(manageImports, { method: 'POST', path: `/api/manage/imports/${id}/commit`, token, params: { importId: id } });
    if (r.status !== 200) throw new Error(`commit: ${r.status} ${r.text}`);
    return r.body.result as Record<string, number>;
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const t0 = performance.now();
    const meter = cpuMeter(env.databaseName);
    const result = await fn();
    const cpu = meter();
    return { result, ms: performance.now() - t0, cpuMs: cpu.nodeSec * 1000, pgMs: env.kind === 'postgres' ? cpu.postgresSec * 1000 : NaN };
  };

  const a = await timed(upload);
  const b = await timed(() => commit(a.result.id));
  const c = await timed(upload);
  const d = await timed(() => commit(c.result.id));
  const [{ n }] = await env.withAdmin((sql) => sql`select count(*)::int as n from app.questions where bank = ${bankId}`) as unknown as [{ n: number }];

  const counts = (x: Record<string, number>) => Object.entries(x).map(([k, v]) => `${k} ${fmt(v)}`).join(', ');
  const out = [
    `### Question import commit through the API (${env.kind === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'}) — ${new Date().toISOString().slice(0, 10)}`,
    '',
    machineLine({ database: env.database }),
    '',
    `${fmt(rows)}-row template workbook (${fmt(file.byteLength / 1024)} KiB, bench/question-import.ts benchRows); demo trainer, new closed bank; functions in-process (bench/_setup.ts). Node CPU = this process (parsing, hashing, JSON; with PGlite also the database, which runs in-process); PostgreSQL CPU = the server's backends for this database. On a loaded machine wall time is several times the CPU time.`,
    '',
    table(['step', 'outcome', 'wall ms', 'node CPU ms', 'PostgreSQL CPU ms'], [
      ['A. upload + parse + stored preview', counts(a.result.counts), fmt(a.ms), fmt(a.cpuMs), fmt(a.pgMs)],
      ['B. commit the valid rows (target < 10,000 ms)', counts(b.result), fmt(b.ms), fmt(b.cpuMs), fmt(b.pgMs)],
      ['C. re-upload the same file', counts(c.result.counts), fmt(c.ms), fmt(c.cpuMs), fmt(c.pgMs)],
      ['D. commit it (nothing to write)', counts(d.result), fmt(d.ms), fmt(d.cpuMs), fmt(d.pgMs)],
    ]),
    '',
    `Questions in the bank afterwards: ${fmt(n)}.`,
    '',
  ].join('\n');
  console.log(out);
  if (flag('record')) appendResults(out);
  if (b.ms >= 10_000) process.exitCode = 1;
} finally {
  await env.stop();
}
