// Local auth: the part of the Supabase Auth (GoTrue) HTTP API that supabase-js uses for password
// sign-in, served by the embedded/self-hosted server when no SUPABASE_URL is configured.
//   POST /auth/v1/token?grant_type=password|refresh_token
//   GET  /auth/v1/user
//   POST /auth/v1/logout
//   GET  /auth/v1/.well-known/jwks.json
// Tokens are ES256 JWTs shaped like Supabase's (sub, role, aud, exp, kid, session_id …), so the
// browser code and the functions' JWT check are identical in every mode.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type CryptoKey } from 'jose';
import type { Sql } from './sql.ts';

const ACCESS_TOKEN_SECONDS = 3600;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 5 * 60_000;
// A valid bcrypt hash of a random string, compared against when the email is unknown.
const UNKNOWN_USER_HASH = bcrypt.hashSync(randomBytes(16).toString('hex'), 10);

interface KeyFile {
  kid: string;
  privateJwk: JWK;
}

export interface LocalAuth {
  handle(req: Request): Promise<Response>;
  /** For tests and the seeder: sign an access token for a user id directly. */
  issueAccessToken(user: { id: string; email: string }, options?: { expiresInSeconds?: number }): Promise<string>;
  jwks: { keys: JWK[] };
}

export async function loadOrCreateSigningKey(file: string): Promise<KeyFile> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const key: KeyFile = { kid: randomUUID(), privateJwk: { ...privateJwk, alg: 'ES256', use: 'sig' } };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600 });
  return key;
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}

function authError(status: number, errorCode: string, msg: string, headers: Record<string, string> = {}): Response {
  // GoTrue's current error shape; supabase-js reads `msg` and `error_code`.
  return new Response(JSON.stringify({ code: status, error_code: errorCode, msg }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function ok(body: unknown, status = 200): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

export async function createLocalAuth(options: { sql: () => Promise<Sql> | Sql; issuerBase: string; keyFile: string; release?: (sql: Sql) => Promise<void> }): Promise<LocalAuth> {
  const key = await loadOrCreateSigningKey(options.keyFile);
  const privateKey = (await importJWK(key.privateJwk, 'ES256')) as CryptoKey;
  const { d: _d, ...publicJwk } = key.privateJwk;
  const jwks = { keys: [{ ...publicJwk, kid: key.kid, alg: 'ES256', use: 'sig' }] };
  const publicKey = (await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256')) as CryptoKey;
  const issuer = `${options.issuerBase.replace(/\/+$/, '')}/auth/v1`;
  const failures = new Map<string, number[]>();

  async function withDb<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const sql = await options.sql();
    try {
      return await fn(sql);
    } finally {
      await options.release?.(sql);
    }
  }

  function userJson(u: Record<string, unknown>) {
    return {
      id: u.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: u.email,
      email_confirmed_at: u.email_confirmed_at ?? null,
      phone: '',
      confirmed_at: u.email_confirmed_at ?? null,
      last_sign_in_at: u.last_sign_in_at ?? null,
      app_metadata: u.raw_app_meta_data ?? { provider: 'email', providers: ['email'] },
      user_metadata: u.raw_user_meta_data ?? {},
      identities: [],
      created_at: u.created_at,
      updated_at: u.updated_at,
      is_anonymous: false,
    };
  }

  async function accessToken(user: Record<string, unknown>, sessionId: string, expiresIn = ACCESS_TOKEN_SECONDS) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      email: user.email,
      phone: '',
      app_metadata: user.raw_app_meta_data ?? { provider: 'email', providers: ['email'] },
      user_metadata: user.raw_user_meta_data ?? {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(String(user.id))
      .setAudience('authenticated')
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .sign(privateKey);
  }

  async function session(sql: Sql, user: Record<string, unknown>, sessionId: string, parent: string | null) {
    const refresh = randomBytes(24).toString('base64url');
    await sql`insert into auth.refresh_tokens (token, user_id, session_id, parent) values (${refresh}, ${user.id as string}, ${sessionId}, ${parent})`;
    const token = await accessToken(user, sessionId);
    const now = Math.floor(Date.now() / 1000);
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_SECONDS,
      expires_at: now + ACCESS_TOKEN_SECONDS,
      refresh_token: refresh,
      user: userJson(user),
    };
  }

  function rateLimited(keyName: string): boolean {
    const now = Date.now();
    const recent = (failures.get(keyName) ?? []).filter((t) => now - t < FAILURE_WINDOW_MS);
    if (recent.length) failures.set(keyName, recent);
    else failures.delete(keyName); // keeps the map from growing without bound
    return recent.length >= MAX_FAILURES;
  }

  /**
   * Counts an attempt as a failure BEFORE the (slow) password check, so parallel guesses cannot all
   * slip under the limit; a successful sign-in takes its mark back.
   */
  function reserveFailure(keyName: string): () => void {
    const stamp = Date.now();
    const list = failures.get(keyName) ?? [];
    list.push(stamp);
    failures.set(keyName, list);
    return () => {
      const l = failures.get(keyName);
      const i = l?.lastIndexOf(stamp) ?? -1;
      if (l && i >= 0) l.splice(i, 1);
    };
  }

  async function readBody(req: Request): Promise<Record<string, unknown> | null> {
    try {
      const body = await req.json();
      return body && typeof body === 'object' ? (body as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  async function bearerUser(req: Request): Promise<{ sub: string; session_id: string } | null> {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '');
    if (!m?.[1]) return null;
    try {
      const { payload } = await jwtVerify(m[1], publicKey, { issuer, audience: 'authenticated' });
      return { sub: String(payload.sub), session_id: String(payload.session_id ?? '') };
    } catch {
      return null;
    }
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const route = url.pathname.replace(/\/+$/, '');

    if (req.method === 'OPTIONS') return new Response(null, { status: 204 });

    if (route === '/auth/v1/.well-known/jwks.json' && req.method === 'GET') {
      return new Response(JSON.stringify(jwks), { headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' } });
    }

    if (route === '/auth/v1/token' && req.method === 'POST') {
      const grant = url.searchParams.get('grant_type');
      const body = await readBody(req);
      if (!body) return authError(400, 'validation_failed', 'The request body must be JSON.');

      if (grant === 'password') {
        const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
        const password = typeof body.password === 'string' ? body.password : '';
        if (!email || !password) return authError(400, 'validation_failed', 'Enter both email and password.');
        const ip = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? 'local';
        const limitKeys = [`email:${email}`, `ip:${ip}`];
        if (limitKeys.some(rateLimited)) {
          return authError(429, 'over_request_rate_limit', 'Too many failed sign-in attempts. Wait 5 minutes and try again.', { 'retry-after': '300' });
        }
        const releases = limitKeys.map(reserveFailure);
        return withDb(async (sql) => {
          const [user] = await sql`select * from auth.users where lower(email) = ${email}`;
          // Unknown emails still pay for a bcrypt comparison, so timing does not reveal who has an account.
          const hash = user && typeof user.encrypted_password === 'string' ? user.encrypted_password : UNKNOWN_USER_HASH;
          const valid = (await bcrypt.compare(password, hash)) && Boolean(user);
          if (!user || !valid) return authError(400, 'invalid_credentials', 'Invalid login credentials');
          releases.forEach((release) => release());
          if (user.banned_until && new Date(user.banned_until as string) > new Date()) {
            return authError(400, 'user_banned', 'This account is disabled.');
          }
          const [s] = await sql`insert into auth.sessions (user_id) values (${user.id as string}) returning id`;
          await sql`update auth.users set last_sign_in_at = now() where id = ${user.id as string}`;
          return ok(await session(sql, user, s!.id as string, null));
        });
      }

      if (grant === 'refresh_token') {
        const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
        if (!token) return authError(400, 'validation_failed', 'refresh_token is required.');
        return withDb(async (sql) => {
          // Rotate: the used token is revoked in the same statement that checks it, so a token
          // can be exchanged once.
          const [row] = await sql`
            update auth.refresh_tokens set revoked = true, updated_at = now()
            where token = ${token} and not revoked
            returning user_id, session_id`;
          if (!row) return authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
          const [user] = await sql`select * from auth.users where id = ${row.user_id as string}`;
          if (!user) return authError(400, 'user_not_found', 'User not found');
          if (user.banned_until && new Date(user.banned_until as string) > new Date()) {
            await sql`update auth.refresh_tokens set revoked = true where user_id = ${row.user_id as string}`;
            return authError(400, 'user_banned', 'This account is disabled.');
          }
          return ok(await session(sql, user, row.session_id as string, token));
        });
      }
      return authError(400, 'unsupported_grant_type', 'Only the password and refresh_token grants are supported here.');
    }

    if (route === '/auth/v1/user' && req.method === 'GET') {
      const who = await bearerUser(req);
      if (!who) return authError(401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
      return withDb(async (sql) => {
        const [user] = await sql`select * from auth.users where id = ${who.sub}`;
        if (!user) return authError(404, 'user_not_found', 'User from sub claim in JWT does not exist');
        return ok(userJson(user));
      });
    }

    if (route === '/auth/v1/logout' && req.method === 'POST') {
      const who = await bearerUser(req);
      if (!who) return authError(401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
      const scope = url.searchParams.get('scope') ?? 'global';
      await withDb(async (sql) => {
        if (scope === 'global') {
          await sql`update auth.refresh_tokens set revoked = true where user_id = ${who.sub}`;
          await sql`delete from auth.sessions where user_id = ${who.sub}`;
        } else if (who.session_id) {
          await sql`update auth.refresh_tokens set revoked = true where session_id = ${who.session_id}`;
          await sql`delete from auth.sessions where id = ${who.session_id}`;
        }
      });
      return new Response(null, { status: 204 });
    }

    if (route === '/auth/v1/settings' && req.method === 'GET') {
      return ok({ external: { email: true }, disable_signup: true, mailer_autoconfirm: false });
    }

    return authError(404, 'not_found', `Local auth does not implement ${req.method} ${url.pathname}.`);
  }

  return {
    handle,
    jwks,
    async issueAccessToken(user, opts = {}) {
      return accessToken({ id: user.id, email: user.email }, randomUUID(), opts.expiresInSeconds ?? ACCESS_TOKEN_SECONDS);
    },
  };
}
