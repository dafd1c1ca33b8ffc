// The local server as a whole (src/server/local-server.ts):
//  - parity: the same requests through the warm in-process functions and through Netlify's full
//    local emulation (@netlify/dev) give the same status, the headers that matter and the same body;
//  - durability: `npm start` killed with SIGKILL in the middle of a load of answer saves loses none
//    that it acknowledged (embedded PGlite on disk).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../src/server/local-server.ts';
import { DEMO_PASSWORD } from '../../src/server/seed.ts';

const root = path.resolve(import.meta.dirname, '../..');
const EMPLOYEE = 'employee@demo.xiaobao.local';
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function signIn(base: string, email = EMPLOYEE, password = DEMO_PASSWORD): Promise<string> {
  const r = await fetch(`${base}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`sign-in failed: ${r.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Fields that legitimately differ between two calls: the clock and per-request ids. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !['serverNow', 'remainingMs'].includes(k))
        .map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value;
}

const HEADERS_THAT_MATTER = ['content-type', 'cache-control', 'allow', 'www-authenticate', 'location', 'x-content-type-options', 'retry-after'];

// Routing and emulation do not depend on the database: run once, on the embedded default (the PostgreSQL
// pass of CI would only repeat it).
describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('parity: warm in-process functions vs Netlify\'s full local emulation', () => {
  it('answers the same requests the same way', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xb-parity-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const saved = { DATABASE_URL: process.env.DATABASE_URL, SUPABASE_URL: process.env.SUPABASE_URL };
    const useDatabase = () => {
      delete process.env.SUPABASE_URL;
      delete process.env.DATABASE_URL;
    };

    type Step = { method: string; path: (ids: Record<string, string>) => string; token?: boolean; body?: unknown; raw?: string; contentType?: string };
    const steps: Step[] = [
      { method: 'GET', path: () => '/api/health' },
      { method: 'GET', path: () => '/api/me' },
      { method: 'GET', path: () => '/api/me', token: true },
      { method: 'DELETE', path: () => '/api/me', token: true },
      { method: 'GET', path: () => '/api/exams', token: true },
      { method: 'GET', path: (ids) => `/api/exams/${ids.exam}`, token: true },
      { method: 'GET', path: () => '/api/exams/not-a-uuid', token: true },
      { method: 'GET', path: (ids) => `/api/attempts/${ids.attempt}`, token: true },
      { method: 'PUT', path: (ids) => `/api/attempts/${ids.attempt}/responses/1`, token: true, raw: '{not json', contentType: 'application/json' },
      { method: 'PUT', path: (ids) => `/api/attempts/${ids.attempt}/responses/1`, token: true, body: { response: null, seq: 0 } },
      { method: 'PUT', path: () => '/api/attempts/00000000-0000-4000-8000-000000000000/responses/1', token: true, body: { response: null, seq: 1 } },
      { method: 'GET', path: () => '/api/practice/stats', token: true },
      { method: 'GET', path: () => '/api/no/such/thing' },
      { method: 'GET', path: () => '/api/me', token: false, contentType: 'x' },
      // Scheduled functions: only the scheduler may run them, in both modes.
      { method: 'POST', path: () => '/.netlify/functions/finalise-overdue' },
      { method: 'GET', path: () => '/.netlify/functions/finalise-overdue', token: true },
    ];

    const run = async (mode: 'warm' | 'netlify', ids: Record<string, string>) => {
      useDatabase();
      let server: LocalServer | null = null;
      try {
        server = await startLocalServer({ root, dataDir, port: 0, functions: mode, buildSite: false, staticFiles: false, schedules: false, log: () => {} });
        const token = await signIn(server.url);
        if (!ids.exam) {
          const exams = (await (await fetch(`${server.url}/api/exams`, { headers: { authorization: `Bearer ${token}` } })).json()) as { exams: { id: string; kind: string }[] };
          ids.exam = exams.exams.find((e) => e.kind === 'mock_contest')!.id;
          const started = await fetch(`${server.url}/api/exams/${ids.exam}/attempts`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
          expect(started.status).toBe(201);
          ids.attempt = ((await started.json()) as { attempt: { id: string } }).attempt.id;
        }
        const out = [];
        for (const step of steps) {
          const headers: Record<string, string> = {};
          if (step.token) headers.authorization = `Bearer ${token}`;
          if (step.contentType) headers['content-type'] = step.contentType;
          const body = step.raw ?? (step.body !== undefined ? JSON.stringify(step.body) : undefined);
          if (step.body !== undefined) headers['content-type'] ??= 'application/json';
          const res = await fetch(server.url + step.path(ids), { method: step.method, headers, body });
          const text = await res.text();
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* keep text */ }
          out.push({
            request: `${step.method} ${step.path({ exam: ':exam', attempt: ':attempt' })}`,
            status: res.status,
            headers: Object.fromEntries(HEADERS_THAT_MATTER.map((h) => [h, res.headers.get(h)]).filter(([, v]) => v !== null)),
            body: normalise(parsed),
          });
        }
        return out;
      } finally {
        await server?.stop();
        process.env.DATABASE_URL = saved.DATABASE_URL;
        process.env.SUPABASE_URL = saved.SUPABASE_URL;
        if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
        if (saved.SUPABASE_URL === undefined) delete process.env.SUPABASE_URL;
      }
    };

    const ids: Record<string, string> = {};
    const warm = await run('warm', ids);
    const emulated = await run('netlify', ids);
    // Sanity: the sequence covers successes and the error classes, so parity means something.
    expect(new Set(warm.map((r) => r.status))).toEqual(new Set([200, 401, 405, 400, 404, 403]));
    expect(emulated).toEqual(warm);
  });
});

/** Resolves when the child has exited — also if it already had. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('durability of the embedded database', () => {
  function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [path.join(root, 'scripts/start.ts')], {
      cwd: root,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, BUILD_SITE: 'false', DATABASE_URL: '', SUPABASE_URL: '', TEST_DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /running at (http:\/\/[^/\s]+)\//.exec(out);
        if (m) resolve({ child, url: m[1]! });
      });
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${out.slice(-3000)}`)));
    });
  }

  it('keeps every acknowledged save when the server is killed with SIGKILL mid-load', { timeout: 600_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'xb-kill-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startServer(dataDir);
    cleanups.push(() => void first.child.kill('SIGKILL'));
    const token = await signIn(first.url);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const exams = (await (await fetch(`${first.url}/api/exams`, { headers: auth })).json()) as { exams: { id: string; kind: string }[] };
    const examId = exams.exams.find((e) => e.kind === 'mock_contest')!.id;
    const started = (await (await fetch(`${first.url}/api/exams/${examId}/attempts`, { method: 'POST', headers: auth, body: '{}' })).json()) as {
      attempt: { id: string };
      slots: { slot: number; question: { type: string } }[];
    };
    const attemptId = started.attempt.id;
    // Each save changes the flag (and a true/false answer), so the stored row shows which save it is.
    const slots = started.slots.slice(0, 8);
    const acked = new Map<number, number>();
    const valueFor = (type: string, seq: number) => (type === 'truefalse' ? seq % 2 === 0 : null);

    let killed = false;
    const loops = slots.map(async ({ slot, question }) => {
      for (let seq = 1; !killed; seq++) {
        try {
          const r = await fetch(`${first.url}/api/attempts/${attemptId}/responses/${slot}`, {
            method: 'PUT',
            headers: auth,
            body: JSON.stringify({ response: valueFor(question.type, seq), seq, flagged: seq % 2 === 0 }),
          });
          if (r.ok) acked.set(slot, seq);
          else throw new Error(`save answered ${r.status}: ${await r.text()}`);
        } catch (err) {
          if (killed) return;
          throw err;
        }
      }
    });
    // Let the load run until a good number of saves were acknowledged, then pull the plug. A save
    // that fails ends its loop with the error, which fails the test here rather than hanging it.
    let failed: unknown = null;
    loops.forEach((l) => l.catch((err: unknown) => { failed ??= err; }));
    while ([...acked.values()].reduce((a, b) => a + b, 0) < 120) {
      if (failed) throw failed;
      await new Promise((r) => setTimeout(r, 20));
    }
    killed = true;
    // Listen for the exit before killing: it may fire while the loops settle.
    const firstExited = exited(first.child);
    first.child.kill('SIGKILL');
    await Promise.allSettled(loops);
    await firstExited;
    const ackedCopy = new Map(acked);

    const second = await startServer(dataDir);
    cleanups.push(() => void second.child.kill('SIGKILL'));
    const token2 = await signIn(second.url);
    const view = (await (await fetch(`${second.url}/api/attempts/${attemptId}`, { headers: { authorization: `Bearer ${token2}` } })).json()) as {
      slots: { slot: number; seq: number | null; flagged: boolean }[];
    };
    for (const [slot, seq] of ackedCopy) {
      const stored = view.slots.find((s) => s.slot === slot)!;
      // Every acknowledged save is there; at most one more (in flight when killed) may have committed.
      expect(stored.seq, `slot ${slot}`).toBeGreaterThanOrEqual(seq);
      expect(stored.seq!).toBeLessThanOrEqual(seq + 1);
      expect(stored.flagged).toBe(stored.seq! % 2 === 0);
    }
    const secondExited = exited(second.child);
    second.child.kill('SIGTERM');
    await secondExited;
  });
});
