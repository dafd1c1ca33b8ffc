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
import { comparePassword } from './password-check.ts';
import { createSignInLimiter } from './sign-in-limits.ts';

const ACCESS_TOKEN_SECONDS = 3600;
/**
 * Seconds after a refresh token was rotated during which that token (only the immediate parent of
 * the session's active token) may come back and is answered with the active token instead of
 * ending the session: two tabs refreshing at once, or a response lost on the way. Supabase Auth's
 * GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, 10 s by default.
 */
export const REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10;
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
  const limiter = createSignInLimiter();

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

  async function session(sql: Sql, user: Record<string, unknown>, sessionId: string) {
    const refresh = randomBytes(24).toString('base64url');
    await sql`insert into auth.refresh_tokens (token, user_id, session_id, parent) values (${refresh}, ${user.id as string}, ${sessionId}, null)`;
    return sessionResponse(user, sessionId, refresh);
  }

  /** GoTrue's session answer: a new access token with the given (already stored) refresh token. */
  async function sessionResponse(user: Record<string, unknown>, sessionId: string, refresh: string) {
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
      const { payload } = await jwtVerify(m[1], publicKey, { issuer, audience: 'authenticated', requiredClaims: ['exp', 'sub', 'session_id'] });
      return { sub: String(payload.sub), session_id: String(payload.session_id) };
    } catch {
      return null;
    }
  }

  /** The session exists and its account is neither banned nor deleted (as the functions check it). */
  async function sessionActive(sql: Sql, who: { sub: string; session_id: string }): Promise<boolean> {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!uuid.test(who.sub) || !uuid.test(who.session_id)) return false;
    const [row] = await sql`select app_private.session_is_active(${who.sub}::uuid, ${who.session_id}::uuid) as active`;
    return row?.active === true;
  }

  /** Every failure is an answer: a thrown error must not leave the browser waiting for a response. */
  async function handle(req: Request): Promise<Response> {
    try {
      return await dispatch(req);
    } catch (err) {
      console.error('local auth:', err);
      return authError(500, 'unexpected_failure', 'Sign-in failed because of a server error. Try again in a moment; if it persists, check the server log.');
    }
  }

  async function dispatch(req: Request): Promise<Response> {
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
        const admission = await limiter.admit(email, ip);
        if (!admission.ok) {
          const retry = { 'retry-after': String(admission.retryAfterSeconds) };
          if (admission.scope === 'address-queue') {
            return authError(429, 'over_request_rate_limit',
              `Sign-ins from your network address are being slowed down after many failed attempts, and too many are waiting. Try again in ${admission.retryAfterSeconds} seconds.`, retry);
          }
          const minutes = Math.ceil(admission.retryAfterSeconds / 60);
          const who = admission.scope === 'pair' ? 'this account from your address' : 'this account from your network address, which is over its limit';
          return authError(429, 'over_request_rate_limit',
            `Too many failed sign-in attempts for ${who}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an administrator to reset your password.`, retry);
        }
        let outcome: 'success' | 'failure' = 'failure';
        try {
          // The database connection is let go during the (slow) password check: in the embedded
          // mode it is PGlite's only session, and other requests need it meanwhile.
          const [user] = await withDb((sql) => sql`select * from auth.users where lower(email) = ${email}`);
          // Unknown emails still pay for a bcrypt comparison, so timing does not reveal who has an account.
          const hash = user && typeof user.encrypted_password === 'string' ? user.encrypted_password : UNKNOWN_USER_HASH;
          const valid = (await comparePassword(password, hash)) && Boolean(user);
          if (!user || !valid) return authError(400, 'invalid_credentials', 'Invalid login credentials');
          // The password was right: this attempt never counts against any limit.
          outcome = 'success';
          if (user.banned_until && new Date(user.banned_until as string) > new Date()) {
            return authError(400, 'user_banned', 'This account is disabled.');
          }
          return await withDb(async (sql) => {
            const [s] = await sql`insert into auth.sessions (user_id) values (${user.id as string}) returning id`;
            await sql`update auth.users set last_sign_in_at = now() where id = ${user.id as string}`;
            return ok(await session(sql, user, s!.id as string));
          });
        } finally {
          // Also on a database error: the attempt did not prove the password, and counting it keeps
          // a failing database from turning into unlimited guesses.
          admission.finish(outcome);
        }
      }

      if (grant === 'refresh_token') {
        const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
        if (!token) return authError(400, 'validation_failed', 'refresh_token is required.');
        return withDb(async (sql) => {
          // Rotate: the used token is revoked and its child stored in one statement, so a token is
          // exchanged once, and a second request for the same token (waiting on the row lock)
          // finds the child already there — which the reuse interval below relies on.
          const child = randomBytes(24).toString('base64url');
          const [row] = await sql`
            with used as (
              update auth.refresh_tokens set revoked = true, updated_at = now()
              where token = ${token} and not revoked
              returning user_id, session_id),
            added as (
              insert into auth.refresh_tokens (token, user_id, session_id, parent)
              select ${child}, user_id, session_id, ${token} from used
              returning token)
            select used.user_id, used.session_id, (select token from added) as refresh from used`;
          let sessionId: string;
          let userId: string;
          let refresh: string;
          if (row) {
            userId = row.user_id as string;
            sessionId = row.session_id as string;
            refresh = row.refresh as string;
          } else {
            const [used] = await sql`
              select user_id, session_id, updated_at > now() - make_interval(secs => ${REFRESH_TOKEN_REUSE_INTERVAL_SECONDS}) as recent
              from auth.refresh_tokens where token = ${token} and revoked`;
            if (!used?.session_id) return authError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
            const [active] = await sql`
              select token, parent from auth.refresh_tokens
              where session_id = ${used.session_id as string} and not revoked order by id desc limit 1`;
            if (!active || active.parent !== token || used.recent !== true) {
              // An older token, or the parent long after it was rotated: either the user's own
              // token leaked or a thief is using it. As Supabase Auth does, end the whole session
              // so neither party keeps it (its access tokens are refused by the session check too).
              await sql`delete from auth.sessions where id = ${used.session_id as string}`;
              return authError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used. The session was ended for safety; sign in again.');
            }
            // The token just rotated is back within the reuse interval (another tab refreshed at
            // the same moment, or the answer was lost): answer with the session's active token
            // rather than a new one, so the session keeps a single line of tokens.
            userId = used.user_id as string;
            sessionId = used.session_id as string;
            refresh = active.token as string;
          }
          const [user] = await sql`select * from auth.users where id = ${userId}`;
          if (!user) return authError(400, 'user_not_found', 'User not found');
          if (user.banned_until && new Date(user.banned_until as string) > new Date()) {
            await sql`update auth.refresh_tokens set revoked = true where user_id = ${user.id as string}`;
            return authError(400, 'user_banned', 'This account is disabled.');
          }
          return ok(await sessionResponse(user, sessionId, refresh));
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
        // GoTrue answers 403 session_not_found for a token whose session has ended.
        if (!(await sessionActive(sql, who))) return authError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
        return ok(userJson(user));
      });
    }

    if (route === '/auth/v1/logout' && req.method === 'POST') {
      const who = await bearerUser(req);
      if (!who) return authError(401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature');
      // As GoTrue: global (the default, also supabase-js signOut()'s) ends every session of the
      // user, local only this one, others every one but this; anything else is refused.
      const scope = url.searchParams.get('scope') || 'global';
      if (scope !== 'global' && scope !== 'local' && scope !== 'others') {
        return authError(400, 'validation_failed', `Unsupported logout scope "${scope}": use global, local or others.`);
      }
      await withDb(async (sql) => {
        // Deleting a session deletes its refresh tokens (foreign key cascade).
        if (scope === 'global') {
          await sql`update auth.refresh_tokens set revoked = true where user_id = ${who.sub}`;
          await sql`delete from auth.sessions where user_id = ${who.sub}`;
        } else if (scope === 'local') {
          await sql`update auth.refresh_tokens set revoked = true where session_id = ${who.session_id}`;
          await sql`delete from auth.sessions where id = ${who.session_id}`;
        } else {
          await sql`update auth.refresh_tokens set revoked = true where user_id = ${who.sub} and session_id is distinct from ${who.session_id}`;
          await sql`delete from auth.sessions where user_id = ${who.sub} and id <> ${who.session_id}`;
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
      // A real session row, so the token passes the functions' session check like a signed-in one.
      const [s] = await withDb((sql) => sql`insert into auth.sessions (user_id) values (${user.id}) returning id`);
      return accessToken({ id: user.id, email: user.email }, s!.id as string, opts.expiresInSeconds ?? ACCESS_TOKEN_SECONDS);
    },
  };
}
