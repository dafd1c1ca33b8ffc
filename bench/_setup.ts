// Bench environment: a real database (embedded PGlite in-process, or a fresh throwaway database on
// a PostgreSQL server), migrations + content + demo seed, local auth served over real HTTP for JWKS
// (so the functions' real JWKS verification runs), thousands of members created in bulk, tokens
// signed with local auth's issueAccessToken, and function handlers called in-process with real
// Request objects — the same shape as tests/integration/harness.ts, scaled up.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/server/embedded-db.ts';
import { openSql, type Sql } from '../src/server/sql.ts';
import { readFileSync } from 'node:fs';
import { migrate, listMigrations, isSupabase } from '../src/server/migrate.ts';
import { seedDemo, demoPeople, emailFor } from '../src/server/seed.ts';
import { createLocalAuth, type LocalAuth } from '../src/server/local-auth.ts';
import { serveLocalAuth } from '../src/server/local-auth-http.ts';
import { runStartupTasks } from '../src/server/tasks.ts';

export type Handler = (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>;

export interface CallInit {
  method?: string;
  path: string;
  token?: string | null;
  body?: unknown;
  params?: Record<string, string>;
}

export interface CallResult { status: number; body: any; text: string }

export interface Taker { userId: string; memberId: string; email: string; token: string }

export interface BenchEnv {
  kind: 'embedded' | 'postgres';
  url: string;
  /** Name of the throwaway database (PostgreSQL), for per-database CPU accounting. */
  databaseName: string | undefined;
  /** "PGlite 0.x (PostgreSQL 17.x)" or "PostgreSQL 15.x"; plus notable server settings. */
  database: string;
  settings: Record<string, string>;
  poolMax: number | null;
  auth: LocalAuth;
  /** Superuser work on the app database (a fresh short-lived connection per use in embedded mode). */
  withAdmin<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Creates n members (auth.users + app.members) spread over the demo's leaf units, with tokens. */
  createTakers(n: number, prefix: string): Promise<Taker[]>;
  tokenForDemo(employeeNo: string): Promise<string>;
  call(handler: Handler, init: CallInit): Promise<CallResult>;
  stop(): Promise<void>;
}

const LEAF_UNITS = ['QD-SN', 'QD-LS', 'QD-OPS', 'JN-LX', 'JN-HY', 'HQ-CP'];

export async function startBenchEnv(options: { pgUrl?: string | undefined; poolMax?: number; log?: (s: string) => void }): Promise<BenchEnv> {
  const log = options.log ?? ((s: string) => console.error(`[setup] ${s}`));
  let embedded: EmbeddedDatabase | null = null;
  let url: string;
  let dropDatabase: (() => Promise<void>) | null = null;
  const kind = options.pgUrl ? 'postgres' : 'embedded';
  let poolMax: number | null = null;
  let databaseName: string | undefined;

  if (options.pgUrl) {
    const adminUrl = options.pgUrl;
    const admin = openSql(adminUrl);
    const name = `xb_bench_${randomBytes(5).toString('hex')}`;
    databaseName = name;
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    dropDatabase = async () => {
      if (process.env.BENCH_KEEP_DB === '1') return log(`kept database ${name} (BENCH_KEEP_DB=1): ${url}`);
      const a = openSql(adminUrl);
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
    delete process.env.DATABASE_CONNECTION;
    poolMax = options.poolMax ?? 10;
    process.env.DATABASE_POOL_MAX = String(poolMax);
    log(`fresh database ${name}; functions pool DATABASE_POOL_MAX=${poolMax}`);
  } else {
    embedded = await startEmbeddedDatabase();
    url = embedded.url;
    process.env.DATABASE_CONNECTION = 'per-request';
    log('embedded PGlite (in memory) behind the one-session gate; DATABASE_CONNECTION=per-request');
  }
  process.env.DATABASE_URL = url;

  const withAdmin = async <T,>(fn: (sql: Sql) => Promise<T>): Promise<T> => {
    const sql = openSql(url, { max: 1 });
    try { return await fn(sql); } finally { await sql.end({ timeout: 5 }); }
  };

  const t0 = Date.now();
  const { database, settings } = await withAdmin(async (sql) => {
    const skip = (process.env.BENCH_SKIP_MIGRATIONS ?? '').split(',').map((v) => v.trim()).filter(Boolean);
    if (skip.length) await migrateExcept(sql, skip, log);
    else await migrate(sql);
    await runStartupTasks(sql, () => {});
    await seedDemo(sql);
    const [v] = await sql`select current_setting('server_version') as v`;
    const settings: Record<string, string> = {};
    if (kind === 'postgres') {
      for (const name of ['max_connections', 'shared_buffers', 'fsync', 'synchronous_commit', 'full_page_writes']) {
        const [s] = await sql`select current_setting(${name}) as v`;
        settings[name] = String(s?.v);
      }
    }
    return { database: kind === 'postgres' ? `PostgreSQL ${v?.v}` : `PGlite (PostgreSQL ${v?.v}), in memory`, settings };
  });
  log(`migrated, content synced, demo seeded in ${Date.now() - t0} ms`);

  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'xb-bench-auth-'));
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const authUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const auth = await createLocalAuth({
    issuerBase: authUrl,
    keyFile: path.join(keyDir, 'key.json'),
    sql: () => openSql(url, { max: 1 }),
    release: (s) => s.end({ timeout: 5 }),
  });
  server.on('request', (req, res) => void serveLocalAuth(auth, authUrl, req, res));
  process.env.SUPABASE_URL = authUrl;

  let created = 0;
  return {
    kind,
    url,
    databaseName,
    database,
    settings,
    poolMax,
    auth,
    withAdmin,
    async createTakers(n, prefix) {
      const t1 = Date.now();
      const start = created + 1;
      created += n;
      // One statement: users and members together, spread round-robin over the leaf units.
      const rows = await withAdmin((sql) => sql`
        with units as (
          select array_agg(id order by code) as ids
          from app.org_units where code in (select jsonb_array_elements_text(${sql.json(LEAF_UNITS)}))
        ), g as (
          select i, gen_random_uuid() as uid, ${prefix} || lpad(i::text, 6, '0') as no
          from generate_series(${start}::int, ${start + n - 1}::int) i
        ), u as (
          insert into auth.users (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data)
          select uid, lower(no) || '@bench.xiaobao.local', null, now(), jsonb_build_object('employee_no', no) from g
          returning id
        ), m as (
          insert into app.members (user_id, employee_no, name, org_unit_id, roles)
          select g.uid, g.no, '考生' || g.i, units.ids[1 + g.i % cardinality(units.ids)], '{employee}'::text[]
          from g, units
          where exists (select 1 from u where u.id = g.uid)
          returning id, user_id, employee_no
        )
        select id::text as member_id, user_id::text as user_id, lower(employee_no) || '@bench.xiaobao.local' as email
        from m order by employee_no`);
      const takers: Taker[] = [];
      for (const r of rows) {
        const userId = r.user_id as string;
        const email = r.email as string;
        takers.push({ userId, memberId: r.member_id as string, email, token: await auth.issueAccessToken({ id: userId, email }, { expiresInSeconds: 4 * 3600 }) });
      }
      log(`created ${n} members + auth users and signed ${n} tokens in ${Date.now() - t1} ms`);
      return takers;
    },
    async tokenForDemo(employeeNo) {
      const person = demoPeople.find((p) => p.no === employeeNo);
      if (!person) throw new Error(`no demo person ${employeeNo}`);
      const [row] = await withAdmin((sql) => sql`select user_id::text as id from app.members where employee_no = ${employeeNo}`);
      return auth.issueAccessToken({ id: row!.id as string, email: emailFor(person) }, { expiresInSeconds: 4 * 3600 });
    },
    call: callHandler,
    async stop() {
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
      rmSync(keyDir, { recursive: true, force: true });
      await embedded?.stop();
      await dropDatabase?.();
    },
  };
}

export async function callHandler(handler: Handler, init: CallInit): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const req = new Request(`http://127.0.0.1${init.path}`, { method: init.method ?? 'GET', headers, body });
  const res = await handler(req, { params: init.params ?? {} });
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  return { status: res.status, body: parsed, text };
}

/**
 * A/B runs: applies every migration except the listed versions (BENCH_SKIP_MIGRATIONS=<version>,…),
 * so a performance migration can be measured against the schema without it. Same steps as migrate().
 */
async function migrateExcept(sql: Sql, skip: string[], log: (s: string) => void): Promise<void> {
  if (!(await isSupabase(sql))) await sql.unsafe(readFileSync(path.resolve(import.meta.dirname, '../supabase/compat/supabase-shim.sql'), 'utf8')).simple();
  await sql.unsafe(`create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);`).simple();
  for (const m of listMigrations()) {
    if (skip.includes(m.version)) { log(`SKIPPED migration ${m.version}_${m.name} (BENCH_SKIP_MIGRATIONS)`); continue; }
    const body = readFileSync(m.file, 'utf8');
    await sql.begin(async (tx) => {
      await tx.unsafe(body).simple();
      await tx`insert into supabase_migrations.schema_migrations (version, statements, name) values (${m.version}, array[${body}::text], ${m.name})`;
    });
  }
}
