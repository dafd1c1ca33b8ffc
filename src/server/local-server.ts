// The local server behind `npm start` (and the e2e tests): ONE node:http server on 127.0.0.1 that
// serves
//   /auth/v1/*   local auth (supabase-js compatible), unless SUPABASE_URL points at a real one;
//   functions    the Netlify Functions in functions/, warm and in-process (src/server/functions-host.ts),
//                routed by Netlify's own metadata — or, with `functions: 'netlify'`, through
//                Netlify's full local emulation (@netlify/dev bundles and runs each call in a worker);
//   the rest     static files, _redirects and netlify.toml headers through @netlify/dev, with its
//                functions, database, geolocation and blobs features off;
// and, unless DATABASE_URL is set, an embedded PGlite database served on loopback.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { NetlifyDev } from '@netlify/dev';
import { listFunctions } from '@netlify/zip-it-and-ship-it';
import { RedirectsHandler } from '@netlify/redirects';
import { StaticHandler } from '@netlify/static';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-db.ts';
import { openSql } from './sql.ts';
import { migrate } from './migrate.ts';
import { seedDemo } from './seed.ts';
import { createLocalAuth } from './local-auth.ts';
import { serveLocalAuth } from './local-auth-http.ts';
import { buildSiteIfNeeded } from './site-build.ts';
import { runStartupTasks } from './tasks.ts';
import { defaultPathFunction, loadFunctions, scheduledFunctionRefusal, writeResponse, type FunctionsHost } from './functions-host.ts';

export type FunctionsMode = 'warm' | 'netlify';

export interface LocalServerOptions {
  root: string;
  dataDir: string;
  host?: string;
  port?: number;
  /** 'warm' (default): in-process, loaded once. 'netlify': @netlify/dev's emulation, rebuilt per call. */
  functions?: FunctionsMode;
  /** Folder of function files; functions/ by default (tests point it at fixtures). */
  functionsDir?: string;
  /** Build the static site if its inputs changed (default true). Off for API-only tests. */
  buildSite?: boolean;
  /** Serve static files, redirects and headers through @netlify/dev (default true). */
  staticFiles?: boolean;
  /** Run scheduled functions on their schedule (default true). */
  schedules?: boolean;
  /** Watch functions/ and src/ and say when a restart is needed (default false; `npm start` sets it). */
  watch?: boolean;
  functionTimeoutMs?: number;
  seedDemo?: boolean;
  log?: (line: string) => void;
}

export interface LocalServer {
  url: string;
  port: number;
  functions: FunctionsMode;
  host: FunctionsHost | null;
  accounts: { role: string; email: string; password: string; name: string; org: string }[];
  stop(): Promise<void>;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const log = options.log ?? ((line: string) => console.log(`[xiaobao] ${line}`));
  const root = options.root;
  const dataDir = options.dataDir;
  const host = options.host ?? '127.0.0.1';
  const mode: FunctionsMode = options.functions ?? 'warm';
  const externalDb = Boolean(process.env.DATABASE_URL);
  const externalAuth = Boolean(process.env.SUPABASE_URL);
  mkdirSync(dataDir, { recursive: true });

  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) {
      try {
        await s();
      } catch (err) {
        console.error(err);
      }
    }
  };

  try {
    if (options.buildSite !== false) buildSiteIfNeeded(root, log);

    let embedded: EmbeddedDatabase | null = null;
    if (!externalDb) {
      embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pglite') });
      stops.push(() => embedded!.stop());
      process.env.DATABASE_URL = embedded.url;
      log(`embedded database (PGlite) in ${path.relative(root, dataDir) || '.'}/pglite, on 127.0.0.1:${embedded.port}`);
    } else {
      log('using the database at DATABASE_URL (no embedded database)');
    }
    const databaseUrl = process.env.DATABASE_URL!;
    if (mode === 'netlify') {
      // Each invocation runs in a fresh worker: a pool would only keep idle connections alive, so
      // functions connect per request in this mode.
      process.env.DATABASE_CONNECTION = 'per-request';
    } else {
      delete process.env.DATABASE_CONNECTION;
      // PGlite is ONE backend session (the gate in embedded-db.ts shares it between clients at
      // transaction boundaries): more connections would only queue there, so one, queued by
      // postgres.js. PostgreSQL: a small pool.
      if (embedded) process.env.DATABASE_POOL_MAX = '1';
      else process.env.DATABASE_POOL_MAX ??= '10';
    }

    const setup = openSql(databaseUrl);
    const migration = await migrate(setup, log);
    log(`schema version ${migration.schemaVersion}${migration.supabase ? ' (Supabase project)' : ''}`);
    await runStartupTasks(setup, log);
    let accounts: LocalServer['accounts'] = [];
    if (!externalAuth && options.seedDemo !== false && process.env.SEED_DEMO !== 'false') {
      const seeded = await seedDemo(setup);
      accounts = seeded.accounts;
      if (seeded.seeded) log('seeded the demo organisation (总行 → 青岛分行/济南分行 → 支行/部门, 20 members)');
    }
    await setup.end();

    // Listen first (the port is part of the auth issuer URL), but answer 503 until everything is
    // wired, so an early request (a health check) gets an answer instead of hanging.
    let serve: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown>) | null = null;
    const server = http.createServer((req, res) => {
      if (serve) return void serve(req, res);
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
        .end(JSON.stringify({ title: 'Service Unavailable', status: 503, detail: '消保学堂 is still starting. Try again in a moment.' }));
    });
    // Many phones polling and saving at once: keep connections alive a little longer than browsers'
    // idle reuse window so a reused socket is not closed under a request.
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8888, host, () => resolve());
    });
    const port = (server.address() as { port: number }).port;
    const baseUrl = `http://${host}:${port}`;
    stops.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve(undefined)); }));
    if (!externalAuth) process.env.SUPABASE_URL = baseUrl;
    // functions/sign-in.ts calls local auth over loopback for a browser; with this secret local auth
    // takes the browser's address from X-Forwarded-For (sign-in limits are per address).
    const forwardSecret = randomBytes(24).toString('hex');
    if (!externalAuth) process.env.LOCAL_AUTH_FORWARD_SECRET = forwardSecret;

    let functionsHost: FunctionsHost | null = null;
    // One pool shared by the functions and local auth (the same module instance the functions
    // import), so PGlite's single session is never asked for twice.
    const db = mode === 'warm' ? await import('../../functions/_lib/db.ts') : null;
    if (db) stops.push(() => db.closePool());

    const auth = externalAuth
      ? null
      : await createLocalAuth({
          issuerBase: baseUrl,
          keyFile: path.join(dataDir, 'auth-signing-key.json'),
          ...(db
            ? { sql: () => db.sharedSql() }
            : { sql: () => openSql(databaseUrl), release: (sql) => sql.end({ timeout: 5 }) }),
        });

    if (mode === 'warm') {
      const started = performance.now();
      functionsHost = await loadFunctions({
        dir: options.functionsDir ?? path.join(root, 'functions'),
        baseUrl,
        timeoutMs: options.functionTimeoutMs ?? Number(process.env.FUNCTION_TIMEOUT_MS ?? 30_000),
        log,
      });
      log(`functions: ${functionsHost.functions.length} loaded in-process in ${Math.round(performance.now() - started)} ms (routes from Netlify's function metadata)`);
      if (options.schedules !== false) {
        const stopSchedules = functionsHost.startSchedules();
        stops.push(async () => stopSchedules());
      }
      stops.push(() => functionsHost!.drain());
    }

    let netlify: NetlifyDev | null = null;
    // In the emulation mode the scheduled functions are reached over HTTP, so only a caller that
    // knows this process's secret (our own timer) may run them — as Netlify's scheduler alone may.
    const schedulerSecret = randomBytes(24).toString('hex');
    let scheduled = new Map<string, string>();
    if (mode === 'netlify' || options.staticFiles !== false) {
      netlify = new NetlifyDev({
        projectRoot: root,
        functions: { enabled: mode === 'netlify' },
        staticFiles: { enabled: options.staticFiles !== false },
        redirects: { enabled: options.staticFiles !== false },
        headers: { enabled: true },
        environmentVariables: { enabled: true },
        database: { enabled: false },
        geolocation: { enabled: false },
        aiGateway: { enabled: false },
        blobs: { enabled: false },
        edgeFunctions: { enabled: false },
        images: { enabled: false },
        serverAddress: baseUrl,
      });
      await netlify.start();
      stops.push(() => netlify!.stop());
      if (mode === 'netlify') {
        log("functions: Netlify's full local emulation (each call is bundled and run in a fresh worker: slow, rebuilds on edit)");
        const listed = await listFunctions([options.functionsDir ?? path.join(root, 'functions')], { parseISC: true });
        scheduled = new Map(listed.filter((f) => f.schedule).map((f) => [f.name, f.schedule!]));
        if (options.schedules !== false) stops.push(startHttpSchedules(baseUrl, [...scheduled.keys()], schedulerSecret, log));
      }
    }

    // @netlify/dev serves a rewrite's target with 200 whatever the rule's status, so
    // `/*  /404.html  404` answered 200 locally while Netlify answers 404. Ask Netlify's own rule
    // matcher and static-file matcher (the packages @netlify/dev uses) whether a rewrite applied —
    // a rule that is not forced only applies when no file exists at the path — and use its status.
    const publishDir = path.join(root, 'dist');
    const rewriteRules = options.staticFiles !== false
      ? new RedirectsHandler({ configPath: path.join(root, 'netlify.toml'), configRedirects: [], jwtRoleClaim: '', jwtSecret: '', projectDir: root, publicDir: publishDir })
      : null;
    const staticFiles = new StaticHandler({ directory: publishDir });
    const withRuleStatus = async (req: http.IncomingMessage, response: Response): Promise<Response> => {
      const request = new Request(new URL(req.url ?? '/', baseUrl), { method: req.method });
      const rule = await rewriteRules?.match(request);
      if (!rule || rule.redirect || !rule.statusCode || rule.statusCode === response.status) return response;
      if (!rule.force && (await staticFiles.match(request))) return response;
      return new Response(response.body, { status: rule.statusCode, headers: response.headers });
    };

    serve = async (req, res) => {
      try {
        if (auth && req.url?.startsWith('/auth/v1/')) return await serveLocalAuth(auth, baseUrl, req, res, { forwardSecret });
        if (functionsHost && (await functionsHost.serve(req, res))) return;
        const pathname = new URL(req.url ?? '/', baseUrl).pathname;
        const name = defaultPathFunction(pathname);
        const schedule = name === null ? undefined : scheduled.get(name);
        if (schedule && req.headers['x-xiaobao-scheduler'] !== schedulerSecret) {
          return await writeResponse(res, scheduledFunctionRefusal(name!, schedule, pathname), req.method);
        }
        const result = await netlify?.handleAndIntrospectNodeRequest(req);
        if (result) {
          const response = result.type === 'redirect' && result.response.status === 200 ? await withRuleStatus(req, result.response) : result.response;
          return await writeResponse(res, response, req.method);
        }
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      } catch (err) {
        console.error('[xiaobao] request failed', req.method, req.url, err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/problem+json; charset=utf-8' });
        res.end(JSON.stringify({ title: 'Internal Server Error', status: 500, detail: 'The local server failed to handle this request. Try again.' }));
      }
    };

    if (options.watch && mode === 'warm') stops.push(watchForRestart(root, log));
    if (accounts.length) writeFileSync(path.join(dataDir, 'demo-accounts.json'), JSON.stringify({ url: baseUrl, accounts }, null, 2));

    return { url: baseUrl, port, functions: mode, host: functionsHost, accounts, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Netlify emulation mode: its functions run per call, so the scheduled ones are called over HTTP,
 * every minute (our schedules are per minute; the warm mode follows each cron expression).
 */
function startHttpSchedules(baseUrl: string, names: string[], secret: string, log: (s: string) => void): () => Promise<void> {
  const timer = setInterval(() => {
    for (const name of names) {
      fetch(`${baseUrl}/.netlify/functions/${name}`, { method: 'POST', headers: { 'x-xiaobao-scheduler': secret } })
        .then((r) => { if (!r.ok) log(`scheduled function ${name} answered ${r.status}`); })
        .catch((err) => log(`scheduled function ${name} failed: ${(err as Error).message}`));
    }
  }, 60_000);
  return async () => clearInterval(timer);
}

/**
 * Warm functions are loaded once, so an edit to functions/ or src/ does not reach the running
 * server. Say so, clearly, once per burst of changes (an editor saves several files at once).
 */
function watchForRestart(root: string, log: (s: string) => void): () => Promise<void> {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | null = null;
  const changed = new Set<string>();
  for (const dir of ['functions', 'src']) {
    try {
      watchers.push(
        watch(path.join(root, dir), { recursive: true }, (_event, file) => {
          if (!file || !/\.(ts|mts|js|mjs|json)$/.test(String(file))) return;
          changed.add(path.join(dir, String(file)));
          timer ??= setTimeout(() => {
            timer = null;
            const list = [...changed].slice(0, 5).join(', ') + (changed.size > 5 ? ', …' : '');
            changed.clear();
            log(`code changed (${list}): the running server still uses the code it started with. Press Ctrl-C and run \`npm start\` again to load it (or use \`npm start -- --netlify-functions\` while editing functions: it rebuilds them on every call).`);
          }, 300);
        }),
      );
    } catch {
      // A platform without recursive fs.watch: no notice, nothing else changes.
    }
  }
  return async () => {
    if (timer) clearTimeout(timer);
    watchers.forEach((w) => w.close());
  };
}
