// pgbench TPC-B on a separate throwaway database of the same server, as the reference point for
// "how many simple write transactions can this PostgreSQL do at this concurrency".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { openSql } from '../src/server/sql.ts';
import { postgresCpuSeconds } from './_lib.ts';

export function pgbenchPath(): string {
  if (process.env.PGBENCH && existsSync(process.env.PGBENCH)) return process.env.PGBENCH;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`${base}/${v}/bin/pgbench`)) return `${base}/${v}/bin/pgbench`;
  return 'pgbench';
}

export interface PgbenchResult {
  /** CPU ms per transaction of ALL postgres processes on the machine during the timed run (exited backends via the postmaster): an upper bound. */
  pgCpuMsPerTxMax: number;
  tps: number; latencyAvgMs: number; clients: number; threads: number; seconds: number; scale: number; transactions: number; command: string }

export async function runPgbench(adminUrl: string, opts: { clients: number; threads?: number; seconds?: number; scale?: number; log?: (s: string) => void }): Promise<PgbenchResult> {
  const log = opts.log ?? ((s: string) => console.error(`[pgbench] ${s}`));
  const threads = opts.threads ?? 2;
  const seconds = opts.seconds ?? 20;
  const scale = opts.scale ?? 10;
  const name = `xb_pgbench_${randomBytes(5).toString('hex')}`;
  const admin = openSql(adminUrl);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const bin = pgbenchPath();
  try {
    log(`${bin} -i -s ${scale} (database ${name})`);
    execFileSync(bin, ['-i', '-q', '-s', String(scale), ...conn, name], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const args = ['-c', String(opts.clients), '-j', String(threads), '-T', String(seconds), ...conn, name];
    log(`${bin} ${args.join(' ')}`);
    const cpu0 = postgresCpuSeconds();
    const out = execFileSync(bin, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const cpuSec = postgresCpuSeconds() - cpu0;
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1] ?? /tps = ([\d.]+)/.exec(out)?.[1]);
    const latencyAvgMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1]);
    if (!Number.isFinite(tps)) throw new Error(`could not read pgbench output:\n${out}`);
    return { pgCpuMsPerTxMax: (cpuSec * 1000) / Math.max(1, transactions), tps, latencyAvgMs, clients: opts.clients, threads, seconds, scale, transactions, command: `pgbench -c ${opts.clients} -j ${threads} -T ${seconds} (scale ${scale})` };
  } finally {
    const a = openSql(adminUrl);
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  }
}
