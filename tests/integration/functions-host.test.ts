// The local server's function host (src/server/functions-host.ts) over real HTTP, against fixture
// functions: routing from Netlify's metadata with explicit precedence, params, a thrown error or a
// hung function answered as problem+json without internals while other requests go on, scheduled
// functions only run by the scheduler, and the real functions/ folder loaded the same way.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions, type FunctionsHost } from '../../src/server/functions-host.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/functions');
let host: FunctionsHost;
let server: http.Server;
let base = '';
const logged: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void host.serve(req, res).then((served) => {
      if (!served) res.writeHead(418).end('not a function path');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  host = await loadFunctions({ dir: fixtures, baseUrl: base, timeoutMs: 400, maxBodyBytes: 1024, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
});

async function get(p: string, init?: RequestInit) {
  const res = await fetch(base + p, init);
  const text = await res.text();
  let body: any = null;
  try { body = JSON.parse(text); } catch { body = null; }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body, text, headers: res.headers };
}

describe('routing from Netlify function metadata', () => {
  it('passes path params to the v2 context, decoded, and the client address as Netlify does', async () => {
    const r = await get('/api/fixture/items/a%20b/parts/7');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fn: 'echo', method: 'GET', params: { itemId: 'a b', partId: '7' }, ip: '127.0.0.1', clientIpHeader: '127.0.0.1' });
    expect(r.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-nf-request-id')).toBe(r.body.requestId);
  });

  it('keeps the case of params and accepts a trailing slash', async () => {
    expect((await get('/api/fixture/items/AbC/')).body.params).toEqual({ itemId: 'AbC' });
  });

  it('a client cannot choose its own x-nf-client-connection-ip', async () => {
    const r = await get('/api/fixture/items/x', { headers: { 'x-nf-client-connection-ip': '6.6.6.6' } });
    expect(r.body.clientIpHeader).toBe('127.0.0.1');
  });

  it('literal paths beat patterns, and patterns beat the /api/* catch-all, whatever the file order', async () => {
    expect((await get('/api/fixture/items/special')).body.fn).toBe('literal');
    expect((await get('/api/fixture/items/other')).body.fn).toBe('echo');
    const miss = await get('/api/fixture/unknown/thing');
    expect(miss.status).toBe(404);
    expect(miss.body).toEqual({ fn: 'catch-all', path: '/api/fixture/unknown/thing' });
    const order = host.functions.map((f) => f.name);
    expect(order.indexOf('a-catch-all')).toBeLessThan(order.indexOf('literal'));
  });

  it('passes the request body through and refuses one over the size limit with 413', async () => {
    const ok = await get('/api/fixture/items/x', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(ok.body).toMatchObject({ method: 'POST', body: 'hello' });
    const big = await get('/api/fixture/items/x', { method: 'POST', body: 'x'.repeat(2048), headers: { 'content-type': 'text/plain' } });
    expect(big.status).toBe(413);
    expect(big.type).toContain('application/problem+json');
    expect(big.body.detail).toMatch(/larger than/);
    // Without a Content-Length (chunked), the limit is found while reading: still a 413, not a reset.
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(512)));
        controller.close();
      },
    });
    const chunked = await get('/api/fixture/items/x', { method: 'POST', body: chunks, headers: { 'content-type': 'text/plain' }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(chunked.type).toContain('application/problem+json');
    // And the server is fine afterwards.
    expect((await get('/api/fixture/items/after-413')).status).toBe(200);
  });

  it('leaves paths no function owns to the rest of the server', async () => {
    expect((await get('/lessons/')).status).toBe(418);
  });

  it('serves a function without config.path on its default path only', async () => {
    expect((await get('/.netlify/functions/plain')).body).toEqual({ fn: 'plain' });
    const routed = await get('/.netlify/functions/echo');
    expect(routed.status).toBe(404);
    expect(routed.type).toContain('application/problem+json');
  });
});

describe('faults stay inside their request', () => {
  it('a function that throws answers 500 problem+json with no internals', async () => {
    const r = await get('/api/fixture/boom');
    expect(r.status).toBe(500);
    expect(r.type).toContain('application/problem+json');
    expect(r.body).toMatchObject({ status: 500, title: 'Internal Server Error', instance: '/api/fixture/boom' });
    expect(r.text).not.toMatch(/ECONNREFUSED|\/work\/|select|question_keys|at \w+ \(/);
  });

  it('a function that returns something other than a Response answers 500', async () => {
    const r = await get('/api/fixture/not-a-response');
    expect(r.status).toBe(500);
    expect(r.type).toContain('application/problem+json');
  });

  it('a hung function answers 504 after the timeout, and requests in the meantime are served', async () => {
    const hung = get('/api/fixture/hang');
    const during = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`/api/fixture/items/${i}`)));
    expect(during.map((d) => d.status)).toEqual(Array(10).fill(200));
    const r = await hung;
    expect(r.status).toBe(504);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.detail).toMatch(/took too long/);
    expect(logged.some((l) => l.includes('hang') && l.includes('504'))).toBe(true);
    // Still healthy afterwards.
    expect((await get('/api/fixture/items/after')).status).toBe(200);
  });
});

describe('scheduled functions', () => {
  it('cannot be called over HTTP, by anyone', async () => {
    for (const method of ['GET', 'POST']) {
      const r = await get('/.netlify/functions/tick', { method });
      expect(r.status).toBe(403);
      expect(r.body.detail).toMatch(/scheduled function/);
    }
    expect((globalThis as { __fixtureTicks?: unknown[] }).__fixtureTicks ?? []).toHaveLength(0);
  });

  it('are run by the scheduler as Netlify does: POST with next_run, marked as a schedule event', async () => {
    const fn = host.functions.find((f) => f.name === 'tick');
    expect(fn?.schedule).toBe('* * * * *');
    const r = await host.runScheduled('tick');
    expect(r.status).toBe(204);
    const ticks = (globalThis as { __fixtureTicks?: { body: string; headers: Record<string, string> }[] }).__fixtureTicks!;
    expect(ticks).toHaveLength(1);
    expect(JSON.parse(ticks[0]!.body).next_run).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00/);
    expect(ticks[0]!.headers['x-nf-event']).toBe('schedule');
  });

  it('run on their schedule once started, and stop when stopped', async () => {
    const g = globalThis as { __everySecond?: number };
    g.__everySecond = 0;
    const stop = host.startSchedules();
    try {
      await new Promise((r) => setTimeout(r, 2_600));
      expect(g.__everySecond).toBeGreaterThanOrEqual(2);
    } finally {
      stop();
    }
    const after = g.__everySecond!;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(g.__everySecond).toBe(after);
  });
});

describe('the project functions', () => {
  it('load with the routes their files declare', async () => {
    const real = await loadFunctions({ dir: path.resolve(import.meta.dirname, '../../functions'), baseUrl: 'http://127.0.0.1:1' });
    const names = real.functions.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['me', 'health', 'exam-attempts', 'attempt-responses', 'finalise-overdue', 'api-not-found']));
    expect(real.match('GET', '/api/me')?.fn.name).toBe('me');
    expect(real.match('PUT', '/api/attempts/9b1d6f3e-0000-4000-8000-000000000001/responses/12')).toMatchObject({
      fn: { name: 'attempt-responses' },
      params: { attemptId: '9b1d6f3e-0000-4000-8000-000000000001', slot: '12' },
    });
    expect(real.match('GET', '/api/exams')?.fn.name).toBe('exams');
    expect(real.match('GET', '/api/no-such-thing')?.fn.name).toBe('api-not-found');
    expect(real.functions.find((f) => f.name === 'finalise-overdue')?.schedule).toBe('* * * * *');
  });
});
