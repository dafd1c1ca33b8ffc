// Access tokens end with their session (security finding 6): sign-out, a ban, a deleted account and
// a reused refresh token all stop the tokens already handed out; tokens without exp are refused.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startHarness, type Harness } from './harness.ts';
import { SESSION_CHECK_TTL_MS } from '../../functions/_lib/auth.ts';
import me from '../../functions/me.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const PASSWORD = 'Xiaobao2026!';

async function signIn(email: string) {
  const r = await fetch(`${h.authUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as { access_token: string; refresh_token: string };
}

function refresh(token: string) {
  return fetch(`${h.authUrl}/auth/v1/token?grant_type=refresh_token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: token }),
  });
}

const callMe = (token: string) => h.call(me, { path: '/api/me', token });

describe('an access token stops working when its session ends', () => {
  it('after sign-out', async () => {
    const s = await signIn('e1002@demo.xiaobao.local');
    const out = await fetch(`${h.authUrl}/auth/v1/logout?scope=local`, { method: 'POST', headers: { authorization: `Bearer ${s.access_token}` } });
    expect(out.status).toBe(204);
    const r = await callMe(s.access_token);
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.detail).toMatch(/session has ended.*Sign in again/);
    // Local auth's own user endpoint agrees (as GoTrue does).
    const user = await fetch(`${h.authUrl}/auth/v1/user`, { headers: { authorization: `Bearer ${s.access_token}` } });
    expect(user.status).toBe(403);
  });

  it('after the account is banned, and again when the ban is lifted', async () => {
    const s = await signIn('e1003@demo.xiaobao.local');
    await h.sql`update auth.users set banned_until = now() + interval '1 day' where email = 'e1003@demo.xiaobao.local'`;
    expect((await callMe(s.access_token)).status).toBe(401);
    await h.sql`update auth.users set banned_until = null where email = 'e1003@demo.xiaobao.local'`;
    await new Promise((r) => setTimeout(r, SESSION_CHECK_TTL_MS + 200));
    expect((await callMe(s.access_token)).status).toBe(200);
  }, 30_000);

  it('after the account is deleted or soft-deleted', async () => {
    const [u] = await h.sql`insert into auth.users (email, encrypted_password, email_confirmed_at)
      select 'gone@demo.xiaobao.local', encrypted_password, now() from auth.users where email = 'e1004@demo.xiaobao.local' returning id`;
    const gone = await signIn('gone@demo.xiaobao.local');
    await h.sql`delete from auth.users where id = ${u!.id as string}`;
    expect((await callMe(gone.access_token)).status).toBe(401);

    const soft = await signIn('e1004@demo.xiaobao.local');
    await h.sql`update auth.users set deleted_at = now() where email = 'e1004@demo.xiaobao.local'`;
    expect((await callMe(soft.access_token)).status).toBe(401);
  });

  it('is cached per instance only for a few seconds: a ban after use takes effect within the cache time', async () => {
    const s = await signIn('e1005@demo.xiaobao.local');
    expect((await callMe(s.access_token)).status).toBe(200);
    await h.sql`update auth.users set banned_until = now() + interval '1 day' where email = 'e1005@demo.xiaobao.local'`;
    const banned = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - banned < SESSION_CHECK_TTL_MS + 2000) {
      status = (await callMe(s.access_token)).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(401);
    expect(Date.now() - banned).toBeLessThanOrEqual(SESSION_CHECK_TTL_MS + 1000);
  }, 30_000);
});

describe('refresh tokens', () => {
  it('a reused, already-rotated refresh token ends the whole session', async () => {
    const first = await signIn('e1006@demo.xiaobao.local');
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = await rotated.json();

    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(400);
    expect((await reuse.json()).error_code).toBe('refresh_token_already_used');

    // The thief's or the owner's newer tokens are gone with the session.
    const after = await refresh(second.refresh_token);
    expect(after.status).toBe(400);
    expect((await callMe(second.access_token)).status).toBe(401);
    // Other sessions of the same person are untouched.
    const other = await signIn('e1006@demo.xiaobao.local');
    expect((await callMe(other.access_token)).status).toBe(200);
  });
});

describe('tokens without an expiry', () => {
  it('are refused even when correctly signed', async () => {
    // A key server of our own, so the test can sign tokens the functions trust.
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ keys: [jwk] })); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const saved = process.env.SUPABASE_URL;
    process.env.SUPABASE_URL = base;
    try {
      const userId = await h.userIdFor('E1007');
      const [session] = await h.sql`insert into auth.sessions (user_id) values (${userId}) returning id`;
      const sign = (withExp: boolean) => {
        const jwt = new SignJWT({ role: 'authenticated', session_id: session!.id as string })
          .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
          .setSubject(userId).setAudience('authenticated').setIssuer(`${base}/auth/v1`).setIssuedAt();
        return (withExp ? jwt.setExpirationTime('1h') : jwt).sign(privateKey);
      };
      const noExp = await callMe(await sign(false));
      expect(noExp.status).toBe(401);
      expect(noExp.body.detail).toContain('no expiry');
      // The same token with exp is accepted: the refusal is about exp alone.
      expect((await callMe(await sign(true))).status).toBe(200);
    } finally {
      process.env.SUPABASE_URL = saved;
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('a token without a session is refused', async () => {
    const userId = await h.userIdFor('E1008');
    const orphan = await h.auth.issueAccessToken({ id: userId, email: 'e1008@demo.xiaobao.local' });
    expect((await callMe(orphan)).status).toBe(200);
    await h.sql`delete from auth.sessions where user_id = ${userId}`;
    // The call above cached the session as active; once the cache time has passed it is refused.
    await new Promise((r) => setTimeout(r, SESSION_CHECK_TTL_MS + 200));
    expect((await callMe(orphan)).status).toBe(401);
  }, 30_000);
});
