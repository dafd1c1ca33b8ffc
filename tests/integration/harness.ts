// Integration harness: a real database (embedded PGlite over the wire protocol, or the PostgreSQL
// at TEST_DATABASE_URL in a fresh throwaway database), migrations and the demo seed applied, local
// auth served over real HTTP for JWKS and supabase-js, and the functions called with real Requests.
import http from 'node:http';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import { startEmbeddedDatabase } from '../../src/server/embedded-db.ts';
import { openSql, type Sql } from '../../src/server/sql.ts';
import { migrate } from '../../src/server/migrate.ts';
import { seedDemo, DEMO_PASSWORD, demoPeople, emailFor } from '../../src/server/seed.ts';
import { createLocalAuth, type LocalAuth } from '../../src/server/local-auth.ts';
import { serveLocalAuth } from '../../src/server/local-auth-http.ts';
import { runStartupTasks } from '../../src/server/tasks.ts';

export interface Harness {
  /** Superuser connection for arranging fixtures and asserting on raw rows. */
  sql: Sql;
  authUrl: string;
  auth: LocalAuth;
  kind: 'embedded' | 'postgres';
  /** Signs a demo member in through supabase-js and returns the access token. */
  tokenFor(employeeNo: string): Promise<string>;
  userIdFor(employeeNo: string): Promise<string>;
  /** Calls a function handler the way Netlify does: a web Request and a context with params. */
  call(handler: (req: Request, ctx: { params: Record<string, string> }) => Promise<Response>, init: {
    method?: string; path: string; token?: string | null; body?: unknown; rawBody?: string; params?: Record<string, string>; headers?: Record<string, string>;
  }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

const tokens = new Map<string, string>();

/**
 * A database of its own for one test file: a fresh embedded PGlite, or a throwaway database on the
 * PostgreSQL at TEST_DATABASE_URL. `drop()` stops or drops it.
 */
export async function throwawayDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!process.env.TEST_DATABASE_URL) {
    const embedded = await startEmbeddedDatabase();
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  return postgresDatabase(process.env.TEST_DATABASE_URL, prefix, null);
}

/** A new database on the PostgreSQL at `base` (empty, or a copy of `template`), dropped by `drop()`. */
async function postgresDatabase(base: string, prefix: string, template: string | null): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = openSql(base);
  try {
    await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = openSql(base);
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Migrations, startup tasks (content sync) and the demo seed: what every harness database starts from. */
async function prepareDatabase(url: string): Promise<void> {
  const setup = openSql(url);
  await migrate(setup);
  await runStartupTasks(setup, () => {});
  await seedDemo(setup);
  await setup.end();
}

/**
 * The run's template: prepared once per `vitest run` (tests/integration/global-setup.ts provides
 * the folder), then copied for every test file. Preparing costs ~15 s (PGlite start, 1,000+ question
 * versions synced, seed); a copy starts in under a second: an embedded data directory copied on
 * disk, or `create database … template …` on PostgreSQL. Files run side by side (vitest config):
 * the first one builds the template under a lock, the others wait for it.
 */
/**
 * Runs `build` once per run across the test files running side by side: the first file to take
 * the lock (an atomic mkdir) builds `marker`; the others wait for it. A failed build releases the
 * lock, so the next file tries again and reports its own error.
 */
async function buildOnce(marker: string, build: () => Promise<void>): Promise<void> {
  const lock = `${marker}.lock`;
  while (!existsSync(marker)) {
    try {
      mkdirSync(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (!existsSync(marker)) await build();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

async function templatedDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const runDir = inject('xbTemplateDir');
  if (!runDir) {
    const database = await throwawayDatabase(prefix);
    await prepareDatabase(database.url);
    return database;
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const template = path.join(runDir, 'pglite');
    await buildOnce(template, async () => {
      const building = `${template}.building`;
      rmSync(building, { recursive: true, force: true });
      const embedded = await startEmbeddedDatabase({ dataDir: building });
      await prepareDatabase(embedded.url);
      await embedded.stop();
      renameSync(building, template);
      rmSync(`${building}.password`, { force: true });
    });
    const copy = mkdtempSync(path.join(os.tmpdir(), 'xb-test-db-'));
    const dataDir = path.join(copy, 'pglite');
    cpSync(template, dataDir, { recursive: true });
    const embedded = await startEmbeddedDatabase({ dataDir });
    return {
      url: embedded.url,
      async drop() {
        await embedded.stop();
        rmSync(copy, { recursive: true, force: true });
      },
    };
  }
  // PostgreSQL: the template's name is kept in the run folder; global-setup drops it at the end.
  const nameFile = path.join(runDir, 'postgres-template');
  await buildOnce(nameFile, async () => {
    const database = await throwawayDatabase('xb_tpl');
    await prepareDatabase(database.url);
    writeFileSync(nameFile, new URL(database.url).pathname.slice(1));
  });
  return postgresDatabase(base, prefix, readFileSync(nameFile, 'utf8').trim());
}

export async function startHarness(): Promise<Harness> {
  const kind = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';
  const database = await templatedDatabase('xb_test');
  const url = database.url;
  if (kind === 'postgres') {
    delete process.env.DATABASE_CONNECTION;
    process.env.DATABASE_POOL_MAX = '4';
  } else {
    process.env.DATABASE_CONNECTION = 'per-request';
  }
  process.env.DATABASE_URL = url;

  // Fixtures and assertions use their own connection; in embedded mode it must be released between
  // uses so requests can get the single session, hence a per-use client.
  const keyDir = mkdtempSync(path.join(os.tmpdir(), 'xb-auth-'));
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const authUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const auth = await createLocalAuth({
    issuerBase: authUrl,
    keyFile: path.join(keyDir, 'key.json'),
    sql: () => openSql(url),
    release: (s) => s.end({ timeout: 5 }),
  });
  // Tests simulate several clients through X-Forwarded-For (rate limits are per address).
  server.on('request', (req, res) => void serveLocalAuth(auth, authUrl, req, res, { trustForwardedFor: true }));
  process.env.SUPABASE_URL = authUrl;
  tokens.clear();

  const sql = lazySql(url, kind === 'embedded');

  return {
    sql,
    authUrl,
    auth,
    kind,
    async tokenFor(employeeNo) {
      const cached = tokens.get(employeeNo);
      if (cached) return cached;
      const person = demoPeople.find((p) => p.no === employeeNo);
      if (!person) throw new Error(`no demo person ${employeeNo}`);
      const client = createClient(authUrl, 'local-anon-key', { auth: { persistSession: false, autoRefreshToken: false } });
      const { data, error } = await client.auth.signInWithPassword({ email: emailFor(person), password: DEMO_PASSWORD });
      if (error || !data.session) throw new Error(`sign-in failed for ${employeeNo}: ${error?.message}`);
      tokens.set(employeeNo, data.session.access_token);
      return data.session.access_token;
    },
    async userIdFor(employeeNo) {
      const [row] = await sql`select user_id from app.members where employee_no = ${employeeNo}`;
      return row!.user_id as string;
    },
    async call(handler, init) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      let body: string | undefined = init.rawBody;
      if (init.body !== undefined) {
        body = JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const req = new Request(`http://127.0.0.1${init.path}`, { method: init.method ?? 'GET', headers, body });
      const res = await handler(req, { params: init.params ?? {} });
      const text = await res.text();
      let parsed: unknown = null;
      try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async stop() {
      await sql.end();
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
      rmSync(keyDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

/**
 * In embedded mode the fixture client lets go of its connection as soon as it is idle, so it never
 * holds PGlite's single session while a function under test is waiting for it.
 */
function lazySql(url: string, release: boolean): Sql {
  return release ? openSql(url, { max: 1, idleTimeoutSeconds: 0.02 }) : openSql(url, { max: 2 });
}
