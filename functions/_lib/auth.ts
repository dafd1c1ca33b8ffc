// Verifies the caller's bearer token. One code path for Supabase Auth and local auth: both issue
// ES256 JWTs and publish their keys at <SUPABASE_URL>/auth/v1/.well-known/jwks.json.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { HttpProblem, unauthorized } from './http.ts';
import { asUserOneStatement, checkSessionWithFirstStatement, literal } from './db.ts';

export interface Claims extends JWTPayload {
  sub: string;
  role: string;
  email?: string;
}

let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
let jwksUrl = '';

function authBase(): string {
  const base = process.env.SUPABASE_URL;
  if (!base) throw new Error('SUPABASE_URL is not set: functions cannot verify tokens.');
  return base.replace(/\/+$/, '');
}

function keySet() {
  const url = `${authBase()}/auth/v1/.well-known/jwks.json`;
  if (!jwks || jwksUrl !== url) {
    jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    jwksUrl = url;
  }
  return jwks;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

// Tokens this instance has verified, for a short while: a taker's autosaves send the same token every
// few seconds, and an ES256 verification (jose + WebCrypto, with claims parsing) costs more Node CPU
// than the rest of a save. An entry matches only the exact token string whose signature and claims
// were checked; it is used only before the token's own expiry, and for at most VERIFIED_TTL_MS, so a
// key removed from the JWKS stops being honoured within that time. Sessions are checked separately.
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;
const verified = new Map<string, { claims: Claims; until: number }>();

export async function verifyToken(token: string): Promise<Claims> {
  const now = Date.now();
  const hit = verified.get(token);
  // A copy per request: per-request state is keyed by the claims object (db.ts's session check).
  if (hit && hit.until > now) return { ...hit.claims };
  if (hit) verified.delete(token);
  const claims = await verifyTokenSignature(token);
  // exp is required (checked above), in seconds.
  const until = Math.min(now + VERIFIED_TTL_MS, Number(claims.exp) * 1000);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
  verified.set(token, { claims: { ...claims }, until });
  return claims;
}

async function verifyTokenSignature(token: string): Promise<Claims> {
  try {
    const { payload } = await jwtVerify(token, keySet(), {
      issuer: `${authBase()}/auth/v1`,
      audience: 'authenticated',
      algorithms: ['ES256', 'RS256'],
      // A token without an expiry would never end; Supabase Auth always sets one.
      requiredClaims: ['exp', 'sub'],
    });
    // Supabase Auth's user tokens name a user and a session by uuid; anything else is not a session.
    if (!isUuid(payload.sub) || payload.role !== 'authenticated' || !isUuid(payload.session_id)) {
      throw unauthorized('This token does not belong to a signed-in user. Sign in again.');
    }
    return payload as Claims;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('Your session has expired. Sign in again.');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'exp') {
      throw unauthorized('The access token has no expiry time, so it is not accepted. Sign in again.');
    }
    if (err instanceof joseErrors.JWKSNoMatchingKey) throw unauthorized('The token was signed with an unknown key. Sign in again.');
    if (err instanceof joseErrors.JOSEError) throw unauthorized('The access token is not valid. Sign in again.');
    throw err;
  }
}

/**
 * How long one function instance trusts its last answer about a session. A sign-out, ban or
 * deletion takes effect within this time; within it, requests cost no extra database round trip.
 */
export const SESSION_CHECK_TTL_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;
const sessionCache = new Map<string, { active: boolean; passwordChange: boolean; until: number }>();

/**
 * The token's session must still exist (not signed out, not revoked for a reused refresh token) and
 * its account must not be banned or deleted. Asked of auth.sessions/auth.users through
 * app_private.session_is_active (security definer), which reads them as Supabase Auth keeps them,
 * so this works the same with Supabase Auth and local auth
 * (supabase/migrations/20261130000300_auth_sessions.sql).
 */
const sessionKey = (claims: Claims) => `${claims.sub}|${String(claims.session_id)}`;
const sessionEnded = () => unauthorized('Your session has ended: you signed out, or the account was disabled or removed. Sign in again.');

/**
 * 403 for an account that signed in with an initial password and has not chosen its own yet
 * (supabase/migrations/20261201000850_initial_password_change.sql); src/client/api.ts turns it into
 * the change-password page.
 */
export const passwordChangeRequired = () => new HttpProblem(403, 'Forbidden',
  'You signed in with an initial password: choose your own password first (/account/password).',
  { code: 'password_change_required', message_zh: '您使用的是初始密码，请先设置自己的新密码。' },
  'https://xiaobao.academy/problems/password-change-required');

function rememberSession(claims: Claims, active: boolean, passwordChange = false): void {
  const key = sessionKey(claims);
  sessionCache.delete(key);
  // Insertion order is age order: drop the oldest entry when full.
  if (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value!);
  sessionCache.set(key, { active, passwordChange, until: Date.now() + SESSION_CHECK_TTL_MS });
}

/** This instance's answer about the token's session while it is fresh, else null. */
function knownSession(claims: Claims): { active: boolean; passwordChange: boolean } | null {
  const entry = sessionCache.get(sessionKey(claims));
  return entry && entry.until > Date.now() ? entry : null;
}

async function requireActiveSession(claims: Claims, allowPasswordChange: boolean): Promise<void> {
  let known = knownSession(claims);
  if (known === null) {
    // One statement, one round trip, as the caller (the first request of every session and then one
    // in every few seconds, for functions that do not piggyback the check: see requireUser). The
    // password-change mark is the caller's own row (RLS), read in the same statement.
    const sub = literal(claims.sub);
    const [row] = await asUserOneStatement(claims,
      `select app_private.session_is_active(${sub}::uuid, ${literal(String(claims.session_id))}::uuid) as active,
              exists (select 1 from app.password_change_required where user_id = ${sub}::uuid) as password_change`);
    known = { active: row?.active === true, passwordChange: row?.password_change === true };
    rememberSession(claims, known.active, known.passwordChange);
  }
  if (!known.active) throw sessionEnded();
  if (known.passwordChange && !allowPasswordChange) throw passwordChangeRequired();
}

/**
 * The caller's verified claims, with their session checked. `sessionCheck: 'with-first-statement'`
 * (hot paths: the start at the bell, autosave) lets the check ride on the first statement the
 * function sends as this user instead of a round trip of its own (functions/_lib/db.ts): only for a
 * function whose every outcome that reads or writes anything starts with a statement as the user.
 * The answer is remembered for SESSION_CHECK_TTL_MS either way.
 */
export async function requireUser(req: Request, opts: {
  sessionCheck?: 'now' | 'with-first-statement';
  /**
   * Also for an account that must change its initial password first (only GET /api/me and the
   * change-password function); every other function refuses it with passwordChangeRequired().
   */
  allowPasswordChange?: boolean;
} = {}): Promise<Claims> {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Sign in first: this request needs an Authorization: Bearer <access token> header.');
  const claims = await verifyToken(match[1]);
  if (opts.sessionCheck === 'with-first-statement' && !opts.allowPasswordChange) {
    const known = knownSession(claims);
    if (known && !known.active) throw sessionEnded();
    if (known?.passwordChange) throw passwordChangeRequired();
    if (known === null) {
      // app_private.assert_session_active raises 28000 for both; the hint tells them apart.
      checkSessionWithFirstStatement(claims, (active, err) => {
        const passwordChange = !active && (err as { hint?: string } | undefined)?.hint === 'password_change_required';
        rememberSession(claims, active || passwordChange, passwordChange);
        return active ? null : passwordChange ? passwordChangeRequired() : sessionEnded();
      });
    }
    return claims;
  }
  await requireActiveSession(claims, opts.allowPasswordChange === true);
  return claims;
}

/** Forgets this instance's answer about the token's session (after the password was changed). */
export function forgetSession(claims: Claims): void {
  sessionCache.delete(sessionKey(claims));
}
