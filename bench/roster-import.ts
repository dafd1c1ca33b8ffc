// Roster import at bank scale (issue 11: 20,000 rows preview < 10 s, commit < 60 s).
//
//   node bench/roster-import.ts [--pg postgres://…] [--rows 20000] [--no-record]
//   bench/pg.sh node bench/roster-import.ts          (a throwaway PostgreSQL; BENCH_DATABASE_URL = --pg)
//
// Setup (not timed): the demo database (migrations, content, seed) and an .xlsx of N new people
// (工号 with leading zeros, name, unit code or name path, position, email on every other row,
// mobile, roles) spread over the demo's units. Timed, as the demo HR account (scope 总行) through
// functions/roster-imports.ts with real Requests:
//   preview   POST /api/roster-imports (upload → parse with exceljs → map → compare → store the preview)
//   commit    POST /api/roster-imports/:id/commit (N initial passwords, kept as SHA-256 until first
//             use, then one transaction that creates N sign-in accounts, N members and N audit rows)
//   again     the same file a second time (the monthly re-upload): preview (all unchanged),
//             --repeat times (median and range), and commit (writes nothing)
// Each step also reports CPU seconds (this process — with PGlite that includes the database — and
// PostgreSQL's own for its throwaway database), which the shared machine's load does not inflate
// the way it inflates wall time, and the preview's wall time by step (read, map, compare, store).
import ExcelJS from 'exceljs';
import rosterImports from '../functions/roster-imports.ts';
import * as rosterLib from '../functions/_lib/roster.ts';
import { startBenchEnv } from './_setup.ts';
import { appendResults, arg, cpuMeter, flag, machineLine, median, table } from './_lib.ts';

const ROWS = Number(arg('rows', 'BENCH_ROWS', '20000'));
const REPEAT = Math.max(1, Number(arg('repeat', 'BENCH_REPEAT', '3')));
const LABEL = arg('label', 'BENCH_LABEL', '');
const env = await startBenchEnv({ pgUrl: arg('pg', 'BENCH_DATABASE_URL') });
const load = machineLine({ database: env.database });

const units = ['QD-SN', '青岛分行/崂山支行', 'QD-OPS', 'JN-LX', '济南分行/槐荫支行', 'HQ-CP'];
const positions = ['柜员', '客户经理', '大堂经理', '理财经理', '综合岗'];
const wb = new ExcelJS.Workbook();
const ws = wb.addWorksheet('花名册');
ws.addRow(['工号', '姓名', '机构', '岗位', '邮箱', '手机', '角色']);
for (let i = 1; i <= ROWS; i++) {
  const no = `0${String(i).padStart(6, '0')}`;
  const row = ws.addRow([no, `员工${i}`, units[i % units.length], positions[i % positions.length],
    i % 2 ? `p${no}@bank.example` : '', `139${String(i).padStart(8, '0')}`, i % 50 === 0 ? '培训管理员' : '员工']);
  row.getCell(1).numFmt = '@';
}
const file = new Uint8Array(await wb.xlsx.writeBuffer());
const token = await env.tokenForDemo('H3001');

async function post(path: string, body: BodyInit, params: Record<string, string>, contentType: string) {
  const res = await rosterImports(new Request(`http://127.0.0.1${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body,
  }), { params });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

interface Step { ms: number; cpu: string; phases: string }

async function timed<T>(fn: () => Promise<T>): Promise<[T, Step]> {
  const cpu = cpuMeter(env.databaseName);
  const t = performance.now();
  const out = await fn();
  const ms = performance.now() - t;
  const c = cpu();
  // Older code has no phase timings: then the column stays empty.
  const last = (rosterLib as { lastPreviewPhases?: Record<string, { ms: number; cpuMs: number }> }).lastPreviewPhases ?? {};
  const phases = Object.entries(last).map(([k, v]) => `${k} ${v.ms} (${v.cpuMs})`).join(' · ');
  for (const k of Object.keys(last)) delete last[k];
  return [out, { ms, cpu: env.kind === 'postgres' ? `${c.nodeSec.toFixed(1)} + ${c.postgresSec.toFixed(1)}` : c.nodeSec.toFixed(1), phases }];
}
const upload = () => post('/api/roster-imports?name=roster.xlsx', file as Uint8Array<ArrayBuffer>, {}, 'application/octet-stream');
const commitOf = (id: string) => post(`/api/roster-imports/${id}/commit`, '{}', { id, action: 'commit' }, 'application/json');

const [preview, previewStep] = await timed(upload);
console.error(`preview ${Math.round(previewStep.ms)} ms`, preview.summary.counts, previewStep.phases);
const [committed, commitStep] = await timed(() => commitOf(preview.id));
console.error(`commit ${Math.round(commitStep.ms)} ms`, committed.result);
const againSteps: Step[] = [];
let again: { id: string; summary: { counts: Record<string, number> } } | null = null;
for (let i = 0; i < REPEAT; i++) {
  // Every repetition but the last is cancelled, so the last one is committed below.
  if (again) await post(`/api/roster-imports/${again.id}/cancel`, '{}', { id: again.id, action: 'cancel' }, 'application/json');
  const [a, step] = await timed(upload);
  again = a;
  againSteps.push(step);
  console.error(`again: preview ${Math.round(step.ms)} ms`, a.summary.counts, step.phases);
}
const [againCommit, againCommitStep] = await timed(() => commitOf(again!.id));
console.error(`again: commit ${Math.round(againCommitStep.ms)} ms`, againCommit.result);

const checks = await env.withAdmin(async (sql) => {
  const [c] = await sql`select (select count(*)::int from app.members where employee_no like '0%') as members,
    (select count(*)::int from app.audit_log where reason = ${'roster_import:' + preview.id}) as audit`;
  return c!;
});
await env.stop();

const ok = committed.result.created === ROWS && again!.summary.counts.unchanged === ROWS && againCommit.result.created === 0
  && checks.members === ROWS && checks.audit === ROWS;
const againMs = againSteps.map((x) => x.ms);
const row = (label: string, x: Step) => [label, Math.round(x.ms), x.cpu, x.phases];
const md = `### Roster import: ${ROWS.toLocaleString('en')} rows — ${new Date().toISOString().slice(0, 10)}${LABEL ? ` (${LABEL})` : ''}

${load}

\`node bench/roster-import.ts${env.kind === 'postgres' ? ' --pg …' : ''}\` as the demo HR account (targets: preview < 10 s, commit < 60 s). File ${(file.length / 1024 / 1024).toFixed(1)} MB. Check: ${ok ? 'passed' : 'FAILED'} (${checks.members} members, ${checks.audit} audit rows; the second run ${again!.summary.counts.unchanged} unchanged, ${againCommit.result.created} created).

${table(['step', 'ms', `CPU s (${env.kind === 'postgres' ? 'Node + PostgreSQL' : 'Node incl. PGlite'})`, 'preview steps: wall ms (CPU ms)'], [
  row('preview (upload, parse, map, compare, store)', previewStep),
  row(`commit (${ROWS} accounts + members + audit, one transaction)`, commitStep),
  ...againSteps.map((x, i) => row(`same file again: preview (all unchanged) #${i + 1}`, x)),
  row('same file again: commit (writes nothing)', againCommitStep),
])}

Re-upload preview: median ${Math.round(median(againMs))} ms (${Math.round(Math.min(...againMs))}–${Math.round(Math.max(...againMs))}) over ${againMs.length}.
`;
console.log(md);
if (!flag('no-record')) appendResults(md);
if (!ok) process.exitCode = 1;
