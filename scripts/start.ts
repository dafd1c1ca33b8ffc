// `npm start`: ONE local server on 127.0.0.1 that serves the static site, the Netlify Functions in
// functions/ (through Netlify's own local emulation, @netlify/dev), local auth compatible with
// supabase-js, and — unless DATABASE_URL is set — an embedded PGlite database on loopback.
import http from 'node:http';
import path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { NetlifyDev } from '@netlify/dev';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/server/embedded-db.ts';
import { openSql } from '../src/server/sql.ts';
import { migrate } from '../src/server/migrate.ts';
import { seedDemo } from '../src/server/seed.ts';
import { createLocalAuth } from '../src/server/local-auth.ts';
import { serveLocalAuth } from '../src/server/local-auth-http.ts';
import { buildSiteIfNeeded } from '../src/server/site-build.ts';
import { runStartupTasks, startTimers } from '../src/server/tasks.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(root, process.env.DATA_DIR ?? '.data');
const host = '127.0.0.1';
const port = Number(process.env.PORT ?? 8888);
const log = (line: string) => console.log(`[xiaobao] ${line}`);

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a number between 0 and 65535 (got "${process.env.PORT}").`);
  process.exit(1);
}

mkdirSync(dataDir, { recursive: true });
const externalDb = Boolean(process.env.DATABASE_URL);
const externalAuth = Boolean(process.env.SUPABASE_URL);
let embedded: EmbeddedDatabase | null = null;

const stops: (() => Promise<unknown>)[] = [];
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping …`);
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (err) {
      console.error(err);
    }
  }
  log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  buildSiteIfNeeded(root, log);

  if (!externalDb) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pglite') });
    stops.push(() => embedded!.stop());
    process.env.DATABASE_URL = embedded.url;
    log(`embedded database (PGlite) in ${path.relative(root, dataDir)}/pglite, on 127.0.0.1:${embedded.port}`);
  } else {
    log('using the database at DATABASE_URL (no embedded database)');
  }
  const databaseUrl = process.env.DATABASE_URL!;
  // @netlify/dev runs every function invocation in a fresh worker thread, so a per-instance pool
  // would only keep idle connections (and their workers) alive; connect per request instead. With
  // PGlite this is also required: it is one session (see functions/_lib/db.ts).
  process.env.DATABASE_CONNECTION ??= 'per-request';

  const service = openSql(databaseUrl);
  const migration = await migrate(service, log);
  log(`schema version ${migration.schemaVersion}${migration.supabase ? ' (Supabase project)' : ''}`);
  await runStartupTasks(service, log);

  let accounts: Awaited<ReturnType<typeof seedDemo>>['accounts'] = [];
  if (!externalAuth && process.env.SEED_DEMO !== 'false') {
    const seeded = await seedDemo(service);
    accounts = seeded.accounts;
    if (seeded.seeded) log('seeded the demo organisation (总行 → 青岛分行/济南分行 → 支行/部门, 20 members)');
  }
  await service.end();

  // Listen first (the port is needed for the auth issuer URL), but answer 503 until everything is
  // wired, so an early request (a health check) gets an answer instead of hanging.
  let serve: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown>) | null = null;
  const server = http.createServer((req, res) => {
    if (serve) return void serve(req, res);
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
      .end(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: '消保学堂 is still starting. Try again in a moment.' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as { port: number }).port;
  const baseUrl = `http://${host}:${actualPort}`;
  stops.unshift(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }));

  const auth = externalAuth
    ? null
    : await createLocalAuth({
        issuerBase: baseUrl,
        keyFile: path.join(dataDir, 'auth-signing-key.json'),
        sql: () => openSql(databaseUrl),
        release: (sql) => sql.end({ timeout: 5 }),
      });
  if (!externalAuth) process.env.SUPABASE_URL = baseUrl;

  const netlify = new NetlifyDev({
    projectRoot: root,
    functions: { enabled: true },
    staticFiles: { enabled: true },
    redirects: { enabled: true },
    headers: { enabled: true },
    environmentVariables: { enabled: true },
    blobs: { enabled: false },
    edgeFunctions: { enabled: false },
    images: { enabled: false },
    serverAddress: baseUrl,
  });
  await netlify.start();
  stops.push(() => netlify.stop());

  serve = async (req, res) => {
    try {
      if (auth && req.url?.startsWith('/auth/v1/')) return await serveLocalAuth(auth, baseUrl, req, res);
      const result = await netlify.handleAndIntrospectNodeRequest(req);
      if (result) return send(res, result.response);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
    } catch (err) {
      console.error('[xiaobao] request failed', req.method, req.url, err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Internal Server Error', status: 500, detail: 'The local server failed to handle this request.' }));
    }
  };

  stops.push(startTimers(baseUrl, log));

  if (accounts.length) {
    writeFileSync(path.join(dataDir, 'demo-accounts.json'), JSON.stringify({ url: baseUrl, accounts }, null, 2));
  }
  console.log('');
  console.log(`  消保学堂 is running at ${baseUrl}/   (English: ${baseUrl}/en/)`);
  if (accounts.length) {
    console.log('');
    console.log(`  Demo accounts (also in ${path.relative(root, path.join(dataDir, 'demo-accounts.json'))}):`);
    for (const a of accounts) console.log(`    ${a.role.padEnd(9)} ${a.email.padEnd(30)} ${a.password}   ${a.name} · ${a.org}`);
  }
  console.log('');
  console.log('  Press Ctrl-C to stop.');
} catch (err) {
  console.error(`[xiaobao] failed to start: ${(err as Error).message}`);
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(1);
}

async function send(res: http.ServerResponse, response: Response) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key === 'set-cookie') return;
    headers[key] = value;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) return res.end();
  const buf = Buffer.from(await response.arrayBuffer());
  res.end(buf);
}
