// Runs the Netlify Functions in functions/ inside the local server: the same modules production
// runs (v2 signature: a web Request and a context with params), imported ONCE and kept warm, so
// their module state (the database pool, the JWKS cache) lives as long as the server.
//
// Routing comes from Netlify's own metadata: @netlify/zip-it-and-ship-it's listFunctions() reads
// each file's `config.path` / `config.schedule` exactly as a deploy does and returns its routes
// (a literal path or a pattern compiled to a regular expression) and schedule. We do not keep a
// route table of our own. Precedence is explicit (see `routeRank`): literal paths, then patterns,
// then wildcard catch-alls such as `/api/*`.
//
// Netlify's full local emulation (@netlify/dev with functions enabled) stays available behind a
// flag (see scripts/start.ts); it bundles each function and runs it in a fresh worker on every call.
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { listFunctions } from '@netlify/zip-it-and-ship-it';
import { Cron } from 'croner';
import { HttpProblem, problemResponse } from '../../functions/_lib/http.ts';

type V2Handler = (req: Request, context: FunctionContext) => Promise<Response> | Response;

/** The part of Netlify's v2 `Context` our functions (and most others) use. */
export interface FunctionContext {
  params: Record<string, string>;
  ip: string;
  requestId: string;
  url: URL;
  geo: Record<string, unknown>;
  site: { id: string; name: string; url: string };
  deploy: { context: string; id: string; published: boolean };
  server: { region: string };
  account: { id: string };
  waitUntil(promise: Promise<unknown>): void;
}

interface Route {
  pattern: string;
  literal?: string;
  expression?: string;
  methods: string[];
  prefer_static?: boolean;
}

export interface LoadedFunction {
  name: string;
  mainFile: string;
  routes: Route[];
  excludedRoutes: Route[];
  schedule?: string;
  handler: V2Handler;
}

interface CompiledRoute {
  fn: LoadedFunction;
  route: Route;
  regex: RegExp | null;
  paramNames: string[];
  rank: number;
}

export interface FunctionsHostOptions {
  /** Folder of function files (functions/ in this project). */
  dir: string;
  /** The server's own origin, for context.site.url. */
  baseUrl: string;
  /** A call that has not answered after this long gets a 504 (the function keeps running). */
  timeoutMs?: number;
  /** Largest request body accepted (Netlify's limit for synchronous functions is 6 MB). */
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface FunctionsHost {
  readonly functions: readonly LoadedFunction[];
  /** The function and params for a path, or null. Exposed for tests and the route listing. */
  match(method: string, pathname: string): { fn: LoadedFunction; params: Record<string, string>; route: Route } | null;
  /** Answers the request if a function owns its path; returns false (and writes nothing) otherwise. */
  serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean>;
  /** Invokes a scheduled function as Netlify's scheduler does (POST with {next_run}). */
  runScheduled(name: string): Promise<Response>;
  /** Starts every scheduled function on its cron schedule; returns a stop function. */
  startSchedules(): () => void;
  /** Waits for context.waitUntil() work still running (for a clean stop). */
  drain(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BODY = 6 * 1024 * 1024;
// Netlify's default path for a function without config.path.
const DEFAULT_FUNCTION_PATH = /^\/\.netlify\/(?:functions|builders)\/([^/]+)/;

/** The function name in Netlify's default path (`/.netlify/functions/<name>`), or null. */
export function defaultPathFunction(pathname: string): string | null {
  return DEFAULT_FUNCTION_PATH.exec(pathname)?.[1] ?? null;
}

/** The functions' own problem+json shape (functions/_lib/http.ts), for answers the platform gives. */
function problem(status: number, title: string, detail: string, instance?: string): Response {
  return problemResponse(new HttpProblem(status, title, detail), instance);
}

/** The answer to anyone but the scheduler calling a scheduled function over HTTP. */
export function scheduledFunctionRefusal(name: string, schedule: string, instance: string): Response {
  return problem(403, 'Forbidden', `${name} is a scheduled function: it runs on its schedule (${schedule}) and cannot be called over HTTP.`, instance);
}

/** Lower ranks win: literal paths, then patterns by how many literal characters they fix, then catch-alls. */
function routeRank(route: Route): number {
  if (route.literal !== undefined) return 0;
  const fixed = route.pattern.replace(/:[A-Za-z0-9_]+|\*/g, '').length;
  if (route.pattern.includes('*')) return 2_000_000 - fixed;
  return 1_000_000 - fixed;
}

function compile(fn: LoadedFunction, route: Route): CompiledRoute {
  const paramNames = [...route.pattern.matchAll(/:([A-Za-z0-9_]+)|\*/g)].map((m, i) => m[1] ?? String(i));
  // Netlify lower-cases the path before testing (functions-dev's matchURLPath); 'i' keeps the
  // original case of the captured params.
  return { fn, route, regex: route.expression ? new RegExp(route.expression, 'i') : null, paramNames, rank: routeRank(route) };
}

function pathMatches(route: Route, regex: RegExp | null, pathname: string): RegExpExecArray | true | null {
  if (route.literal !== undefined) return pathname.toLowerCase() === route.literal.toLowerCase() ? true : null;
  return regex ? regex.exec(pathname) : null;
}

export async function loadFunctions(options: FunctionsHostOptions): Promise<FunctionsHost> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const listed = await listFunctions([options.dir], { parseISC: true });

  const functions: LoadedFunction[] = [];
  for (const f of listed) {
    if (f.runtimeAPIVersion !== 2) throw new Error(`${path.relative(process.cwd(), f.mainFile)}: only v2 functions (export default async (req, context) => Response) are supported by the local server.`);
    const mod = (await import(pathToFileURL(f.mainFile).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new Error(`${path.relative(process.cwd(), f.mainFile)}: the default export must be the function handler.`);
    functions.push({
      name: f.name,
      mainFile: f.mainFile,
      routes: (f.routes ?? []) as Route[],
      excludedRoutes: (f.excludedRoutes ?? []) as Route[],
      schedule: f.schedule,
      handler: mod.default as V2Handler,
    });
  }

  const routes = functions
    .flatMap((fn) => fn.routes.map((r) => compile(fn, r)))
    .sort((a, b) => a.rank - b.rank || a.route.pattern.localeCompare(b.route.pattern));
  const excluded = new Map(functions.map((fn) => [fn.name, fn.excludedRoutes.map((r) => compile(fn, r))]));
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const pending = new Set<Promise<unknown>>();
  const siteUrl = options.baseUrl;

  function match(method: string, pathname: string) {
    const trimmed = pathname !== '/' && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    for (const c of routes) {
      if (c.route.methods.length && !c.route.methods.includes(method)) continue;
      const m = pathMatches(c.route, c.regex, trimmed);
      if (!m) continue;
      if (excluded.get(c.fn.name)!.some((x) => pathMatches(x.route, x.regex, trimmed))) continue;
      const params: Record<string, string> = {};
      if (m !== true) {
        c.paramNames.forEach((name, i) => {
          const raw = m[i + 1];
          if (raw === undefined) return;
          try {
            params[name] = decodeURIComponent(raw);
          } catch {
            params[name] = raw;
          }
        });
      }
      return { fn: c.fn, params, route: c.route };
    }
    return null;
  }

  function contextFor(request: Request, params: Record<string, string>, ip: string, requestId: string): FunctionContext {
    return {
      params,
      ip,
      requestId,
      url: new URL(request.url),
      geo: {},
      site: { id: 'local', name: 'xiaobao-academy', url: siteUrl },
      deploy: { context: 'dev', id: 'local', published: false },
      server: { region: 'local' },
      account: { id: 'local' },
      waitUntil(promise) {
        const p = Promise.resolve(promise).catch((err: unknown) => log(`waitUntil work failed: ${(err as Error)?.message ?? err}`));
        pending.add(p);
        void p.finally(() => pending.delete(p));
      },
    };
  }

  /**
   * Calls a handler with the protections a function platform gives: a thrown error or a non-Response
   * becomes a 500 problem without internals (the error is logged here), a call that does not answer
   * within the timeout becomes a 504. Other requests are unaffected either way.
   */
  async function invoke(fn: LoadedFunction, request: Request, context: FunctionContext): Promise<Response> {
    const instance = context.url.pathname;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Response>((resolve) => {
      timer = setTimeout(() => {
        log(`function ${fn.name} did not answer ${request.method} ${instance} within ${timeoutMs} ms: answered 504`);
        resolve(problem(504, 'Gateway Timeout', 'The server took too long to answer. Your last change may not have been saved; try again.', instance));
      }, timeoutMs);
      timer.unref?.();
    });
    const run = (async () => {
      try {
        const response = await fn.handler(request, context);
        if (!(response instanceof Response)) throw new TypeError(`function ${fn.name} returned ${typeof response}, not a Response`);
        return response;
      } catch (err) {
        console.error(`[xiaobao] function ${fn.name} failed on ${request.method} ${instance}:`, err);
        return problem(500, 'Internal Server Error', 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.', instance);
      }
    })();
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Reads the body up to the limit. Over it, the rest is discarded (not read into memory) instead of
   * breaking off the stream, so the client still receives the 413 rather than a connection reset.
   */
  function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
    if (Number(req.headers['content-length'] ?? 0) > maxBody) {
      req.resume();
      return Promise.resolve('too-large');
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxBody) return void chunks.push(chunk);
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        resolve('too-large');
      };
      const onEnd = () => resolve(Buffer.concat(chunks));
      req.on('data', onData);
      req.once('end', onEnd);
      req.once('error', reject);
    });
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', siteUrl);
    let found = match(method, url.pathname);
    if (!found) {
      const name = defaultPathFunction(url.pathname);
      if (name === null) return false;
      const fn = byName.get(name);
      if (!fn || fn.routes.length) {
        // As on Netlify: a function with config.path is not reachable on its default path.
        await writeResponse(res, problem(404, 'Not Found', `There is no function at ${url.pathname}.`, url.pathname), method);
        return true;
      }
      if (fn.schedule) {
        // Only the scheduler runs scheduled functions (Netlify refuses direct calls in production;
        // locally the server's own timer calls them in-process, never over HTTP).
        await writeResponse(res, scheduledFunctionRefusal(fn.name, fn.schedule, url.pathname), method);
        return true;
      }
      found = { fn, params: {}, route: { pattern: url.pathname, literal: url.pathname, methods: [] } };
    }

    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      await writeResponse(res, problem(413, 'Content Too Large', `The request body is larger than ${Math.round(maxBody / 1024 / 1024)} MB. Send a smaller file or split it.`, url.pathname), method);
      return true;
    }
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined || key.startsWith(':')) continue;
      if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
      else headers.set(key, value);
    }
    const ip = req.socket.remoteAddress ?? '';
    const requestId = randomUUID();
    // Netlify sets these on every function request, replacing any the client sent.
    headers.set('x-nf-client-connection-ip', ip);
    headers.set('x-nf-request-id', requestId);
    const request = new Request(url, { method, headers, body: body && body.length ? new Uint8Array(body) : undefined });
    const response = await invoke(found.fn, request, contextFor(request, found.params, ip, requestId));
    response.headers.set('x-nf-request-id', requestId);
    await writeResponse(res, response, method);
    return true;
  }

  async function runScheduled(name: string): Promise<Response> {
    const fn = byName.get(name);
    if (!fn?.schedule) throw new Error(`${name} is not a scheduled function`);
    const next = new Cron(fn.schedule, { paused: true }).nextRun();
    const request = new Request(new URL(`/.netlify/functions/${name}`, siteUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Netlify Clockwork', 'x-nf-event': 'schedule' },
      body: JSON.stringify({ next_run: next?.toISOString() ?? null }),
    });
    return invoke(fn, request, contextFor(request, {}, '127.0.0.1', randomUUID()));
  }

  function startSchedules(): () => void {
    const jobs = functions
      .filter((fn) => fn.schedule)
      .map((fn) =>
        new Cron(fn.schedule!, { protect: true, catch: (err) => log(`scheduled function ${fn.name} failed: ${(err as Error)?.message ?? err}`) }, async () => {
          const response = await runScheduled(fn.name);
          if (!response.ok) log(`scheduled function ${fn.name} answered ${response.status}`);
          await response.body?.cancel();
        }),
      );
    return () => jobs.forEach((job) => job.stop());
  }

  return {
    functions,
    match,
    serve,
    runScheduled,
    startSchedules,
    async drain() {
      await Promise.allSettled([...pending]);
    },
  };
}

/** Writes a web Response to a node:http response, keeping multiple Set-Cookie headers apart. */
export async function writeResponse(res: http.ServerResponse, response: Response, method = 'GET'): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') headers[key] = value;
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers['set-cookie'] = cookies;
  const body = response.body && method !== 'HEAD' ? Buffer.from(await response.arrayBuffer()) : null;
  if (body && !headers['content-length']) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body ?? undefined);
}
