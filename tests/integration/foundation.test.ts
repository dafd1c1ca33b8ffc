import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSql } from '../../src/server/sql.ts';
import { SignJWT, generateKeyPair } from 'jose';
import { startHarness, type Harness } from './harness.ts';
import health from '../../functions/health.ts';
import me from '../../functions/me.ts';
import notFoundApi from '../../functions/api-not-found.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

describe('GET /api/health', () => {
  it('reports the database and the schema version', async () => {
    const r = await h.call(health, { path: '/api/health' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', database: 'reachable' });
    expect(r.body.schemaVersion).toMatch(/^\d{14}$/);
  });
  it('refuses other methods with 405 problem+json', async () => {
    const r = await h.call(health, { method: 'POST', path: '/api/health' });
    expect(r.status).toBe(405);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('allow')).toBe('GET');
  });
});

describe('GET /api/me', () => {
  it('returns the member, roles and org path for a signed-in employee', async () => {
    const r = await h.call(me, { path: '/api/me', token: await h.tokenFor('E1001') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ employeeNo: 'E1001', name: '张晓梅', roles: ['employee'], scope: null });
    expect(r.body.orgPath.map((o: { name: string }) => o.name)).toEqual(['总行', '青岛分行', '市南支行']);
  });
  it('gives a trainer their scope', async () => {
    const r = await h.call(me, { path: '/api/me', token: await h.tokenFor('T2002') });
    expect(r.body.roles).toEqual(['employee', 'trainer']);
    expect(r.body.scope).toMatchObject({ code: 'QD', name: '青岛分行' });
  });

  it.each([
    ['no header', null, 'Sign in first'],
    ['garbage', 'not-a-jwt', 'not valid'],
  ])('401 with %s', async (_label, token, message) => {
    const r = await h.call(me, { path: '/api/me', token });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toContain(message);
    expect(r.text).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });

  it('401 for an expired token', async () => {
    const userId = await h.userIdFor('E1001');
    const token = await h.auth.issueAccessToken({ id: userId, email: 'employee@demo.xiaobao.local' }, { expiresInSeconds: -10 });
    const r = await h.call(me, { path: '/api/me', token });
    expect(r.status).toBe(401);
    expect(r.body.detail).toContain('expired');
  });

  it('401 for a token forged with another key but our kid', async () => {
    const userId = await h.userIdFor('E1001');
    const { privateKey } = await generateKeyPair('ES256');
    const kid = h.auth.jwks.keys[0]!.kid!;
    const forged = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(userId).setAudience('authenticated').setIssuer(`${h.authUrl}/auth/v1`)
      .setIssuedAt().setExpirationTime('1h').sign(privateKey);
    const r = await h.call(me, { path: '/api/me', token: forged });
    expect(r.status).toBe(401);
  });

  it('401 for a token with an unknown kid', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid: 'someone-elses-key' })
      .setSubject('00000000-0000-0000-0000-000000000000').setAudience('authenticated').setIssuer(`${h.authUrl}/auth/v1`)
      .setIssuedAt().setExpirationTime('1h').sign(privateKey);
    const r = await h.call(me, { path: '/api/me', token: forged });
    expect(r.status).toBe(401);
    expect(r.body.detail).toContain('unknown key');
  });

  it('404 with an actionable message for a user with no staff record', async () => {
    const [u] = await h.sql`insert into auth.users (email) values ('orphan@demo.xiaobao.local') returning id`;
    const token = await h.auth.issueAccessToken({ id: u!.id as string, email: 'orphan@demo.xiaobao.local' });
    const r = await h.call(me, { path: '/api/me', token });
    expect(r.status).toBe(404);
    expect(r.body.detail).toContain('administrator');
  });
});

describe('unknown API paths', () => {
  it('answer 404 problem+json', async () => {
    const r = await h.call(notFoundApi, { path: '/api/does-not-exist' });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toContain('/api/does-not-exist');
  });
});

describe('local auth (supabase-compatible)', () => {
  it('refuses a wrong password with invalid_credentials and rate-limits repeated failures', async () => {
    const post = (password: string) => fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' },
      body: JSON.stringify({ email: 'e1010@demo.xiaobao.local', password }),
    });
    const first = await post('wrong');
    expect(first.status).toBe(400);
    expect((await first.json()).error_code).toBe('invalid_credentials');
    for (let i = 0; i < 4; i++) await post('wrong');
    const limited = await post('Xiaobao2026!');
    expect(limited.status).toBe(429);
  });

  it('rotates refresh tokens: a used refresh token cannot be used again once its reuse window has passed', async () => {
    const r = await fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'e1011@demo.xiaobao.local', password: 'Xiaobao2026!' }),
    });
    const session = await r.json();
    const refresh = (t: string) => fetch(`${h.authUrl}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: t }),
    });
    expect((await refresh(session.refresh_token)).status).toBe(200);
    // Within 10 s the just-rotated token still answers (two tabs, a lost response: as GoTrue); after
    // that, using it again is a replay and is refused (tests/integration/auth-sessions.test.ts has the rest).
    await h.sql`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = ${session.refresh_token}`;
    expect((await refresh(session.refresh_token)).status).toBe(400);
  });

  it('publishes an ES256 JWKS without the private part', async () => {
    const r = await fetch(`${h.authUrl}/auth/v1/.well-known/jwks.json`);
    const body = await r.json();
    expect(body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(body.keys[0].d).toBeUndefined();
  });
});

describe('Supabase compatibility shim on a reused connection', () => {
  it('auth.uid() and auth.role() read as null, not an error, after a transaction-local claims setting ended', async () => {
    // The local server keeps ONE connection for every request; a setting made with
    // set_config(…, true) reads back as '' (not null) on that session after its transaction.
    // One client with one connection: both statements run on the same session.
    const session = openSql(process.env.DATABASE_URL!, { max: 1 });
    try {
      const rows = await session.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', '{"sub":"00000000-0000-4000-8000-000000000001","role":"authenticated"}', true)`;
        return tx`select auth.uid() as uid, auth.role() as role`;
      });
      expect(rows[0]).toEqual({ uid: '00000000-0000-4000-8000-000000000001', role: 'authenticated' });
      const [after] = await session`select current_setting('request.jwt.claims', true) as raw, auth.uid() as uid, auth.role() as role`;
      expect(after).toEqual({ raw: '', uid: null, role: null });
    } finally {
      await session.end();
    }
  });
});
