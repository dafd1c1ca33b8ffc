// Shared helpers for the benchmarks: machine description, statistics, and appending to RESULTS.md.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const benchDir = import.meta.dirname;
export const resultsFile = path.join(benchDir, 'RESULTS.md');

export function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const m = /^model name\s*:\s*(.+)$/m.exec(info);
    if (m?.[1]) return m[1].trim();
  } catch { /* not Linux */ }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machine(): { nproc: number; ramGiB: number; cpu: string; node: string; load: string; date: string } {
  return {
    nproc: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpu: cpuModel(),
    node: process.version,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function machineLine(extra: Record<string, string> = {}): string {
  const m = machine();
  const parts = [
    `date ${m.date}`, `${m.nproc} cores`, `${m.ramGiB} GiB RAM`, `CPU ${m.cpu}`, `Node ${m.node}`,
    ...Object.entries(extra).map(([k, v]) => `${k} ${v}`),
    `load before ${m.load}`,
  ];
  return parts.join(' · ');
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return quantile(s, 0.5);
}

export interface LatencySummary { n: number; p50: number; p95: number; p99: number; max: number; mean: number }

export function summarise(latenciesMs: readonly number[]): LatencySummary {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), p99: quantile(s, 0.99), max: s[s.length - 1] ?? NaN, mean };
}

export const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : '–');
export const fmt = (v: number, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';

/** Appends a section to bench/RESULTS.md (creating it with a header on first use). */
export function appendResults(markdown: string): void {
  if (!existsSync(resultsFile)) {
    writeFileSync(resultsFile, '# Benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest at the bottom.\n');
  }
  appendFileSync(resultsFile, `\n${markdown.trim()}\n`);
  console.log(`\nappended to ${path.relative(process.cwd(), resultsFile)}`);
}

/** `--name value` or `--name=value` from argv, else the environment variable, else the fallback. */
export function arg(name: string, env?: string, fallback?: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  if (env && process.env[env]) return process.env[env];
  return fallback;
}

export function flag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * CPU seconds used so far by PostgreSQL backends on this machine (Linux /proc; 0 elsewhere). With
 * `database`, only backends connected to that database (their title is "postgres: user db host …"),
 * so other users of the same server are not counted.
 */
export function postgresCpuSeconds(database?: string): number {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
        if (database && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const f = stat.slice(close + 2).split(' ');
        // fields after "comm": state(0) … utime(11) stime(12) cutime(13) cstime(14)
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      } catch { /* process ended */ }
    }
  } catch { return 0; }
  return ticks / 100; // USER_HZ
}

/** Measures CPU of this process and of PostgreSQL over an interval. */
export function cpuMeter(database?: string): () => { nodeSec: number; postgresSec: number } {
  const n0 = process.cpuUsage();
  const p0 = postgresCpuSeconds(database);
  return () => {
    const n = process.cpuUsage(n0);
    return { nodeSec: (n.user + n.system) / 1e6, postgresSec: postgresCpuSeconds(database) - p0 };
  };
}
