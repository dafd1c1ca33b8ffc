// The local server under load, over real HTTP: what `npm start` gives a room of colleagues.
//
//   node bench/local-server.ts                 # all three scenarios on a fresh embedded server
//   node bench/local-server.ts --url http://127.0.0.1:8890 --pid <server pid>
//                                              # the single-request and demo-staff scenarios
//                                              # against a server that is already running
//
// Scenarios (issue: the platform's local server):
//   single      one request at a time: p50 of GET /api/me and of an answer save, and the server's CPU
//               per request (from /proc/<pid>/stat of the server process).
//   demo-staff  every seeded member signs in, all start the 50-question mock contest at the same
//               moment, each answers one question about every second, then all submit.
//   takers      N simulated takers (default 200), each saving every 5 s for 2 minutes.
// The server runs in its own process (scripts/start.ts, embedded PGlite, BUILD_SITE=false), so the
// load generator's CPU is not charged to it. Results: printed, and appended to bench/RESULTS.md with
// --record.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../src/server/embedded-db.ts';
import { openSql } from '../src/server/sql.ts';
import { migrate } from '../src/server/migrate.ts';
import { runStartupTasks } from '../src/server/tasks.ts';
import { seedDemo, demoPeople, emailFor, DEMO_PASSWORD } from '../src/server/seed.ts';
import { hashPassword } from '../src/server/local-auth.ts';
import { errorsOf, type Outcome } from './_load.ts';
import { machineLine, summarise, ms, resultsFile } from './_lib.ts';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = path.resolve(import.meta.dirname, '..');
const takersN = Number(arg('--takers') ?? 200);
const takersSeconds = Number(arg('--takers-seconds') ?? 120);
const answerSeconds = Number(arg('--answers') ?? 50);
const record = args.includes('--record');
const label = arg('--label') ?? (arg('--url') ? 'existing server' : 'warm in-process (this checkout)');

const clockTicks = 100; // USER_HZ on Linux
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14–17 of the full line (11–14 after the comm field).
  const [u, s, cu, cs] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
  return ((u! + s! + cu! + cs!) * 1000) / clockTicks;
}
/** The server's CPU and its children's (Netlify's emulation runs workers as threads, PGlite in-process). */
function treeCpuMs(pid: number): number {
  let total = cpuMsOf(pid);
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += treeCpuMs(Number(child));
  } catch {
    // process gone or no children file
  }
  return total;
}

async function http(base: string, method: string, p: string, token?: string, body?: unknown): Promise<{ status: number; text: string; json: any; ms: number }> {
  const started = performance.now();
  const res = await fetch(base + p, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { json = null; }
  return { status: res.status, text, json, ms: performance.now() - started };
}

async function signIn(base: string, email: string, password: string): Promise<{ token: string; ms: number; status: number; text: string }> {
  const r = await http(base, 'POST', '/auth/v1/token?grant_type=password', undefined, { email, password });
  return { token: r.json?.access_token ?? '', ms: r.ms, status: r.status, text: r.text };
}

/** A plausible answer for a runner slot ({slot, question: {type, options, blankCount}}). */
function answerFor(slot: any): unknown {
  const q = slot.question;
  switch (q.type) {
    case 'single': return q.options[0].id;
    case 'multiple': return q.options.slice(0, 2).map((o: any) => o.id);
    case 'truefalse': return true;
    case 'fill': return Array.from({ length: q.blankCount ?? 1 }, () => '答案');
    default: return '要点一；要点二';
  }
}

async function mockContestId(base: string, token: string): Promise<string> {
  const r = await http(base, 'GET', '/api/exams', token);
  const list = (r.json?.exams ?? []) as any[];
  const mock = list.find((e) => e.kind === 'mock_contest');
  if (!mock) throw new Error(`no mock contest in GET /api/exams: ${r.text.slice(0, 300)}`);
  return mock.id as string;
}

interface ServerHandle { url: string; pid: number; stop(): Promise<void>; child?: ChildProcess }

async function startFreshServer(extraTakers: number): Promise<ServerHandle & { takerEmails: string[] }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xb-bench-local-'));
  // Prepare the data folder with the server's own steps, plus extra takers, then start the server on it.
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pglite') });
  const sql = openSql(db.url);
  await migrate(sql);
  await runStartupTasks(sql, () => {});
  await seedDemo(sql);
  const hash = await hashPassword(DEMO_PASSWORD);
  const rows = extraTakers
    ? await sql`
        with units as (select array_agg(id order by code) as ids from app.org_units where code in ('QD-SN','QD-LS','JN-LX','JN-HY','QD-OPS')),
        g as (select i, gen_random_uuid() as uid, 'B' || lpad(i::text, 5, '0') as no from generate_series(1, ${extraTakers}::int) i),
        u as (insert into auth.users (id, email, encrypted_password, email_confirmed_at) select uid, lower(no) || '@bench.xiaobao.local', ${hash}, now() from g returning id)
        insert into app.members (user_id, employee_no, name, org_unit_id, roles)
        select g.uid, g.no, '考生' || g.i, units.ids[1 + g.i % cardinality(units.ids)], '{employee}'::text[] from g, units
        where exists (select 1 from u where u.id = g.uid)
        returning lower(employee_no) || '@bench.xiaobao.local' as email`
    : [];
  await sql.end();
  await db.stop();

  const child = spawn(process.execPath, [path.join(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, BUILD_SITE: 'false', DATABASE_URL: '', SUPABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out.slice(-3000)}`)));
  });
  return {
    url,
    pid: child.pid!,
    child,
    takerEmails: rows.map((r) => r.email as string),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function single(server: ServerHandle) {
  const { token } = await signIn(server.url, emailFor(demoPeople.find((p) => p.no === 'E1001') ?? demoPeople[0]!), DEMO_PASSWORD);
  const me: number[] = [];
  for (let i = 0; i < 5; i++) await http(server.url, 'GET', '/api/me', token); // warm up
  let cpu0 = treeCpuMs(server.pid);
  for (let i = 0; i < 40; i++) me.push((await http(server.url, 'GET', '/api/me', token)).ms);
  const meCpu = (treeCpuMs(server.pid) - cpu0) / 40;
  const examId = await mockContestId(server.url, token);
  const start = await http(server.url, 'POST', `/api/exams/${examId}/attempts`, token, {});
  if (start.status >= 300) throw new Error(`start answered ${start.status}: ${start.text}`);
  const attempt = start.json;
  const q = attempt.slots[0];
  const slot = q.slot;
  const saves: number[] = [];
  cpu0 = treeCpuMs(server.pid);
  for (let i = 0; i < 40; i++) {
    const r = await http(server.url, 'PUT', `/api/attempts/${attempt.attempt.id}/responses/${slot}`, token, { response: answerFor(q), seq: i + 1 });
    if (r.status >= 300) throw new Error(`save answered ${r.status}: ${r.text}`);
    saves.push(r.ms);
  }
  const saveCpu = (treeCpuMs(server.pid) - cpu0) / 40;
  return { me: summarise(me), save: summarise(saves), meCpu, saveCpu };
}

async function demoStaff(server: ServerHandle) {
  const people = demoPeople;
  const signIns = await Promise.all(people.map((p) => signIn(server.url, emailFor(p), DEMO_PASSWORD)));
  const outcomes = { signIn: [] as Outcome[], start: [] as Outcome[], save: [] as Outcome[], submit: [] as Outcome[] };
  signIns.forEach((s) => outcomes.signIn.push({ status: s.status, latencyMs: s.ms, body: s.status >= 300 ? s.text : undefined }));
  const tokens = signIns.map((s) => s.token).filter(Boolean);
  const examId = await mockContestId(server.url, tokens[0]!);
  const cpu0 = treeCpuMs(server.pid);
  const t0 = performance.now();
  const attempts = await Promise.all(tokens.map(async (token) => {
    const r = await http(server.url, 'POST', `/api/exams/${examId}/attempts`, token, {});
    outcomes.start.push({ status: r.status, latencyMs: r.ms, body: r.status >= 300 ? r.text : undefined });
    return { token, attempt: r.json };
  }));
  await Promise.all(attempts.map(async ({ token, attempt }, i) => {
    if (!attempt) return;
    const questions = attempt.slots as any[];
    const id = attempt.attempt.id;
    // Spread the first answers over the first second, as people read at different speeds.
    await new Promise((r) => setTimeout(r, (i * 1000) / attempts.length));
    for (let k = 0; k < Math.min(answerSeconds, questions.length); k++) {
      const q = questions[k];
      const beat = performance.now();
      const r = await http(server.url, 'PUT', `/api/attempts/${id}/responses/${q.slot}`, token, { response: answerFor(q), seq: 1 });
      outcomes.save.push({ status: r.status, latencyMs: r.ms, body: r.status >= 300 ? r.text : undefined });
      await new Promise((res) => setTimeout(res, Math.max(0, 1000 - (performance.now() - beat))));
    }
    const s = await http(server.url, 'POST', `/api/attempts/${id}/submit`, token, {});
    outcomes.submit.push({ status: s.status, latencyMs: s.ms, body: s.status >= 300 ? s.text : undefined });
  }));
  const wall = performance.now() - t0;
  const cpu = treeCpuMs(server.pid) - cpu0;
  const requests = outcomes.start.length + outcomes.save.length + outcomes.submit.length;
  return { people: people.length, outcomes, wallMs: wall, cpuPerRequestMs: cpu / requests, requests };
}

async function takers(server: ServerHandle & { takerEmails: string[] }) {
  const tokens: string[] = [];
  // Sign-in is setup here, a few at a time.
  for (let i = 0; i < server.takerEmails.length; i += 8) {
    const batch = await Promise.all(server.takerEmails.slice(i, i + 8).map((e) => signIn(server.url, e, DEMO_PASSWORD)));
    for (const b of batch) {
      if (!b.token) throw new Error(`sign-in failed: ${b.status} ${b.text}`);
      tokens.push(b.token);
    }
  }
  const examId = await mockContestId(server.url, tokens[0]!);
  const attempts: { token: string; id: string; questions: any[] }[] = [];
  for (let i = 0; i < tokens.length; i += 10) {
    const batch = await Promise.all(tokens.slice(i, i + 10).map(async (token) => {
      const r = await http(server.url, 'POST', `/api/exams/${examId}/attempts`, token, {});
      if (r.status >= 300) throw new Error(`start failed: ${r.status} ${r.text}`);
      return { token, id: r.json.attempt.id as string, questions: r.json.slots as any[] };
    }));
    attempts.push(...batch);
  }
  const saves: Outcome[] = [];
  const cpu0 = treeCpuMs(server.pid);
  const t0 = performance.now();
  const end = t0 + takersSeconds * 1000;
  await Promise.all(attempts.map(async (a, i) => {
    await new Promise((r) => setTimeout(r, (i * 5000) / attempts.length));
    for (let k = 0; performance.now() < end; k++) {
      const beat = performance.now();
      const q = a.questions[k % a.questions.length];
      const r = await http(server.url, 'PUT', `/api/attempts/${a.id}/responses/${q.slot}`, a.token, { response: answerFor(q), seq: k + 1 });
      saves.push({ status: r.status, latencyMs: r.ms, body: r.status >= 300 ? r.text : undefined });
      await new Promise((res) => setTimeout(res, Math.max(0, 5000 - (performance.now() - beat))));
    }
  }));
  const cpu = treeCpuMs(server.pid) - cpu0;
  return { n: attempts.length, saves, cpuPerSaveMs: cpu / saves.length, wallMs: performance.now() - t0 };
}

const fmtLat = (o: Outcome[]) => {
  const s = summarise(o.map((x) => x.latencyMs));
  return `n=${s.n} p50 ${ms(s.p50)} p95 ${ms(s.p95)} max ${ms(s.max)}`;
};

const lines: string[] = [];
const say = (line: string) => { console.log(line); lines.push(line); };

let server: (ServerHandle & { takerEmails: string[] }) | null = null;
try {
  if (arg('--url')) {
    const pid = Number(arg('--pid'));
    if (!pid) throw new Error('--url needs --pid <server process id> for the CPU figures');
    server = { url: arg('--url')!, pid, takerEmails: [], async stop() {} };
  } else {
    server = await startFreshServer(args.includes('--no-takers') ? 0 : takersN);
  }
  say(`\n### Local server: ${label} — ${new Date().toISOString().slice(0, 10)}\n`);
  say(`${machineLine()}\n`);
  const one = await single(server);
  say(`- single request: GET /api/me p50 ${ms(one.me.p50)} (p95 ${ms(one.me.p95)}), server CPU ${one.meCpu.toFixed(1)} ms/request; save p50 ${ms(one.save.p50)} (p95 ${ms(one.save.p95)}), server CPU ${one.saveCpu.toFixed(1)} ms/request`);
  const demo = await demoStaff(server);
  const errs = errorsOf([...demo.outcomes.signIn, ...demo.outcomes.start, ...demo.outcomes.save, ...demo.outcomes.submit]);
  say(`- all ${demo.people} demo staff at once (${answerSeconds} answers each, 1/s): errors ${errs.count}${errs.count ? ` ${JSON.stringify(errs.byStatus)} e.g. ${errs.samples[0]?.slice(0, 200)}` : ''}; sign-in ${fmtLat(demo.outcomes.signIn)}; start ${fmtLat(demo.outcomes.start)}; save ${fmtLat(demo.outcomes.save)}; submit ${fmtLat(demo.outcomes.submit)}; server CPU ${demo.cpuPerRequestMs.toFixed(1)} ms/request`);
  if (server.takerEmails.length) {
    const t = await takers(server);
    const e = errorsOf(t.saves);
    say(`- ${t.n} takers saving every 5 s for ${takersSeconds} s: ${t.saves.length} saves, errors ${e.count}${e.count ? ` ${JSON.stringify(e.byStatus)} e.g. ${e.samples[0]?.slice(0, 200)}` : ''}; save ${fmtLat(t.saves)}; server CPU ${t.cpuPerSaveMs.toFixed(1)} ms/save (${((t.cpuPerSaveMs * t.saves.length) / t.wallMs * 100).toFixed(0)}% of one core)`);
  }
  if (record) appendFileSync(resultsFile, lines.join('\n') + '\n');
} finally {
  await server?.stop();
}
process.exit(0);
