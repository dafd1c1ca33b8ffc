// POST /api/sign-in {identifier, password} — sign in with an employee number (工号) or an email.
//   200 → the auth server's session (access_token, refresh_token, expires_at, user) for supabase-js setSession,
//         and password_change_required (true: the person must choose their own password first, /api/password)
//   400 invalid_credentials | user_banned, 429 over_request_rate_limit (Retry-After) — as problem+json with `code`
//
// Supabase Auth only knows emails, so the server resolves a 工号 to its account's email and performs
// the password grant against the auth endpoint (Supabase Auth in production, local auth otherwise):
// one code path for every mode. An unknown 工号 is sent as a made-up email derived from it, so it
// costs the same (a round trip and, with local auth, a bcrypt comparison), gets the same answer as a
// wrong password, and is counted by the auth server's sign-in limits per identifier like any email.
// The client's address is forwarded (X-Forwarded-For) so those limits stay per address.
//
// First sign-in with an initial password (roster import, new account, reset): the account has no
// password hash yet and its initial password waits as a SHA-256 (app.initial_passwords). When the
// grant fails, the server asks whether the password is that initial one — for every failed
// sign-in, known or not, so the extra round trip says nothing — and if so stores its bcrypt hash
// and tries the grant again.
import type { Config } from '@netlify/functions';
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { handle, json, readJson, HttpProblem } from './_lib/http.ts';
import { asService } from './_lib/db.ts';
import { hashPasswordOffThread, passwordSha256 } from '../src/server/password-hash.ts';

const Body = z.strictObject({
  identifier: z.string().trim().min(1, 'Enter your employee number or email.').max(254),
  password: z.string().min(1, 'Enter your password.').max(1024),
});

// Per instance: only needs to make unknown identifiers map to stable, unguessable addresses.
const UNKNOWN_KEY = randomBytes(32);
const unknownEmail = (identifier: string) =>
  `unknown-${createHmac('sha256', UNKNOWN_KEY).update(identifier.toUpperCase()).digest('hex').slice(0, 32)}@unknown.invalid`;

/** The header the local server accepts X-Forwarded-For with (set by src/server/local-server.ts). */
export const FORWARD_SECRET_HEADER = 'x-xiaobao-forward-secret';

async function resolveEmail(identifier: string): Promise<string> {
  if (identifier.includes('@')) return identifier.toLowerCase();
  const no = identifier.normalize('NFKC').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(no)) return unknownEmail(no);
  const email = await asService(async (tx) => {
    const [r] = await tx`select app.sign_in_email(${no}) as email`;
    return (r?.email as string | null) ?? null;
  });
  return email ?? unknownEmail(no);
}

function authProblem(status: number, code: string, detail: string, headers: Record<string, string> = {}) {
  const extra: Record<string, unknown> = { code };
  if (headers['retry-after']) extra.retryAfterSec = Number(headers['retry-after']);
  return new HttpProblem(status, status === 429 ? 'Too Many Requests' : status >= 500 ? 'Bad Gateway' : 'Bad Request', detail, extra,
    `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

export default handle({
  async POST(req) {
    const body = await readJson(req, Body);
    const email = await resolveEmail(body.identifier);
    const base = (process.env.SUPABASE_URL ?? '').replace(/\/+$/, '');
    if (!base) throw new Error('SUPABASE_URL is not set: the sign-in function has no auth server.');
    const anonKey = process.env.SUPABASE_ANON_KEY ?? process.env.PUBLIC_SUPABASE_ANON_KEY ?? 'local-anon-key';
    // Netlify (and the local server's function host) set this from the connection; a client's own
    // X-Forwarded-For is never trusted, or anyone could pick a fresh rate-limit address per guess.
    const clientIp = req.headers.get('x-nf-client-connection-ip') ?? '';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      apikey: anonKey,
      authorization: `Bearer ${anonKey}`,
    };
    if (clientIp) headers['x-forwarded-for'] = clientIp;
    if (process.env.LOCAL_AUTH_FORWARD_SECRET) headers[FORWARD_SECRET_HEADER] = process.env.LOCAL_AUTH_FORWARD_SECRET;
    const grant = async () => {
      try {
        return await fetch(`${base}/auth/v1/token?grant_type=password`, {
          method: 'POST', headers, body: JSON.stringify({ email, password: body.password }),
        });
      } catch {
        throw authProblem(502, 'auth_unreachable', 'The sign-in service cannot be reached. Try again in a moment.');
      }
    };
    let res = await grant();
    if (res.status === 400) {
      const sha256 = passwordSha256(body.password);
      const userId = await asService(async (tx) => {
        const [r] = await tx`select app.initial_password_matches(${email}, ${sha256}) as id`;
        return (r?.id as string | null) ?? null;
      });
      if (userId) {
        const hash = await hashPasswordOffThread(body.password);
        const claimed = await asService(async (tx) => {
          const [r] = await tx`select app.claim_initial_password(${userId}::uuid, ${sha256}, ${hash}) as ok`;
          return r?.ok === true;
        });
        if (claimed) {
          await res.arrayBuffer().catch(() => undefined);
          res = await grant();
        }
      }
    }
    let doc: Record<string, unknown> = {};
    try {
      doc = (await res.json()) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    if (res.ok && typeof doc.access_token === 'string') {
      // An account that signed in with an initial password must choose its own before anything
      // else (20261201000850_initial_password_change.sql): the sign-in page goes to that form.
      const userId = (doc.user as { id?: unknown } | undefined)?.id;
      const required = typeof userId === 'string' && await asService(async (tx) => {
        const [r] = await tx`select exists (select 1 from app.password_change_required where user_id = ${userId}::uuid) as required`;
        return r?.required === true;
      });
      return json({ ...doc, password_change_required: required });
    }
    const code = String(doc.error_code ?? doc.code ?? (res.status === 429 ? 'over_request_rate_limit' : 'invalid_credentials'));
    const retry = res.headers.get('retry-after');
    if (res.status === 429) {
      throw authProblem(429, 'over_request_rate_limit', String(doc.msg ?? 'Too many sign-in attempts. Try again later.'), retry ? { 'retry-after': retry } : {});
    }
    if (code === 'user_banned') throw authProblem(400, 'user_banned', 'This account is disabled. Ask your administrator.');
    if (res.status >= 500) throw authProblem(502, 'auth_failed', 'The sign-in service failed. Try again in a moment.');
    // Unknown identifier and wrong password: one answer.
    throw authProblem(400, 'invalid_credentials', 'The employee number/email or the password is wrong.');
  },
});

export const config: Config = { path: '/api/sign-in' };
