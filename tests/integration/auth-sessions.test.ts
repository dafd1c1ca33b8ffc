// Access tokens end with their session (security finding 6): sign-out, a ban, a deleted account and
// a reused refresh token all stop the tokens already handed out; tokens without exp are refused.
// Also: the refresh-token reuse interval, and sign-out scopes (global, local, others).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startHarness, type Harness } from './harness.ts';
import { SESSION_CHECK_TTL_MS } from '../../functions/_lib/auth.ts';
import me from '../../functions/me.ts';
import { REFRESH_TOKEN_REUSE_INTERVAL_SECONDS } from '../../src/server/local-auth.ts';

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

/** Moves a rotated token's rotation time back, as if it had been rotated that long ago. */
async function rotatedAgo(token: string, seconds: number) {
  await h.sql`update auth.refresh_tokens set updated_at = now() - make_interval(secs => ${seconds}) where token = ${token}`;
}

describe('refresh tokens', () => {
  it('a reused, already-rotated refresh token (after the reuse interval) ends the whole session', async () => {
    const first = await signIn('e1006@demo.xiaobao.local');
    const rotated = await refresh(first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = await rotated.json();

    await rotatedAgo(first.refresh_token, REFRESH_TOKEN_REUSE_INTERVAL_SECONDS + 1);
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

  it('the token just rotated, back within the reuse interval, is answered with the active token and the session goes on', async () => {
    const first = await signIn('e1009@demo.xiaobao.local');
    const second = await (await refresh(first.refresh_token)).json();
    // A response lost on the way: the client tries its old token again.
    const again = await refresh(first.refresh_token);
    expect(again.status).toBe(200);
    const answer = await again.json();
    expect(answer.refresh_token).toBe(second.refresh_token);
    expect((await callMe(answer.access_token)).status).toBe(200);
    // The session keeps one line of tokens: the active one still rotates normally.
    const third = await refresh(second.refresh_token);
    expect(third.status).toBe(200);
    expect((await callMe((await third.json()).access_token)).status).toBe(200);
  });

  it('two tabs refreshing the same token at the same moment both keep the session', async () => {
    const first = await signIn('e1010@demo.xiaobao.local');
    const both = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = await Promise.all(both.map((r) => r.json()));
    expect(a.refresh_token).toBe(b.refresh_token);
    expect((await callMe(a.access_token)).status).toBe(200);
    expect((await refresh(a.refresh_token)).status).toBe(200);
  });

  it('an older ancestor ends the session even within the reuse interval', async () => {
    const first = await signIn('e1011@demo.xiaobao.local');
    const second = await (await refresh(first.refresh_token)).json();
    const third = await (await refresh(second.refresh_token)).json();
    const reuse = await refresh(first.refresh_token);
    expect(reuse.status).toBe(400);
    expect((await reuse.json()).error_code).toBe('refresh_token_already_used');
    expect((await refresh(third.refresh_token)).status).toBe(400);
    expect((await callMe(third.access_token)).status).toBe(401);
  });
});

describe('sign-out scopes (as GoTrue: global by default, local, others)', () => {
  const logout = (token: string, scope?: string) =>
    fetch(`${h.authUrl}/auth/v1/logout${scope === undefined ? '' : `?scope=${scope}`}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  it('others ends every other session of the user and keeps this one', async () => {
    const [mine, laptop, phone] = [await signIn('e1012@demo.xiaobao.local'), await signIn('e1012@demo.xiaobao.local'), await signIn('e1012@demo.xiaobao.local')];
    const someoneElse = await signIn('e1013@demo.xiaobao.local');
    expect((await logout(mine.access_token, 'others')).status).toBe(204);
    expect((await callMe(mine.access_token)).status).toBe(200);
    expect((await refresh(mine.refresh_token)).status).toBe(200);
    for (const ended of [laptop, phone]) {
      expect((await callMe(ended.access_token)).status).toBe(401);
      expect((await refresh(ended.refresh_token)).status).toBe(400);
    }
    expect((await callMe(someoneElse.access_token)).status).toBe(200);
  });

  it('no scope means global: every session of the user ends', async () => {
    const [a, b] = [await signIn('e1014@demo.xiaobao.local'), await signIn('e1014@demo.xiaobao.local')];
    expect((await logout(a.access_token)).status).toBe(204);
    for (const ended of [a, b]) {
      expect((await callMe(ended.access_token)).status).toBe(401);
      expect((await refresh(ended.refresh_token)).status).toBe(400);
    }
  });

  it('local ends only this session; an unknown scope is refused and ends nothing', async () => {
    const [a, b] = [await signIn('e1015@demo.xiaobao.local'), await signIn('e1015@demo.xiaobao.local')];
    const bad = await logout(a.access_token, 'everything');
    expect(bad.status).toBe(400);
    expect((await bad.json()).msg).toMatch(/global, local or others/);
    expect((await callMe(a.access_token)).status).toBe(200);
    expect((await logout(a.access_token, 'local')).status).toBe(204);
    expect((await callMe(b.access_token)).status).toBe(200);
    expect((await refresh(a.refresh_token)).status).toBe(400);
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
