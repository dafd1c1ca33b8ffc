// Load shapes: an open-loop burst (requests sent on a fixed schedule whatever the responses do) and
// a closed loop (each worker sends its next request when the previous one is answered).
import { spawn } from 'node:child_process';

export interface Outcome { status: number; latencyMs: number; body?: string; lagMs?: number }

/**
 * Sends n requests spread uniformly over `spreadMs` (request i at t0 + i·spreadMs/n). Latency is
 * measured from the SCHEDULED send time, so a client that falls behind (event loop busy) shows up
 * as latency instead of being hidden (no coordinated omission). lagMs = actual − scheduled send.
 */
export async function openLoopBurst(n: number, spreadMs: number, send: (i: number) => Promise<{ status: number; text: string }>): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const outcomes: Outcome[] = new Array(n);
  const t0 = performance.now() + 20;
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const at = t0 + (i * spreadMs) / n;
    all.push(new Promise<void>((resolve) => {
      setTimeout(() => {
        const sent = performance.now();
        send(i).then(
          (r) => { outcomes[i] = { status: r.status, latencyMs: performance.now() - at, lagMs: sent - at, ...(r.status >= 300 ? { body: r.text } : {}) }; },
          (err: unknown) => { outcomes[i] = { status: 0, latencyMs: performance.now() - at, lagMs: sent - at, body: String((err as Error)?.stack ?? err) }; },
        ).finally(resolve);
      }, Math.max(0, at - performance.now()));
    }));
  }
  await Promise.all(all);
  return { outcomes, wallMs: performance.now() - t0 };
}

/** `workers` concurrent loops for `durationMs`; each loop calls send(worker, k) back to back. */
export async function closedLoop(workers: number, durationMs: number, send: (worker: number, k: number) => Promise<{ status: number; text: string }>): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const outcomes: Outcome[] = [];
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    for (let k = 0; performance.now() < end; k++) {
      const s = performance.now();
      try {
        const r = await send(w, k);
        outcomes.push({ status: r.status, latencyMs: performance.now() - s, ...(r.status >= 300 ? { body: r.text } : {}) });
      } catch (err) {
        outcomes.push({ status: 0, latencyMs: performance.now() - s, body: String((err as Error)?.stack ?? err) });
      }
    }
  }));
  return { outcomes, wallMs: performance.now() - t0 };
}

export function errorsOf(outcomes: readonly Outcome[]): { count: number; byStatus: Record<string, number>; samples: string[] } {
  const bad = outcomes.filter((o) => o.status < 200 || o.status >= 300);
  const byStatus: Record<string, number> = {};
  for (const o of bad) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  const samples: string[] = [];
  for (const o of bad) {
    const s = `${o.status}: ${(o.body ?? '').slice(0, 400)}`;
    if (!samples.includes(s)) samples.push(s);
    if (samples.length >= 5) break;
  }
  return { count: bad.length, byStatus, samples };
}

/** Runs this same script again in a child process with extra args; returns the JSON it prints last on stdout. */
export function runChild<T>(script: string, args: string[], env: Record<string, string | undefined> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (code !== 0 || !line) return reject(new Error(`${script} ${args.join(' ')} exited with ${code}\n${out.slice(-2000)}`));
      resolve(JSON.parse(line) as T);
    });
  });
}
