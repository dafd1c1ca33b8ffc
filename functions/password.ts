// The signed-in person's own password (issue 11: people created with an initial password choose
// their own at first sign-in; supabase/migrations/20261201000850_initial_password_change.sql).
//   GET  /api/password      → {required}: whether the account must change its password before
//                             anything else (every other function answers 403 password_change_required)
//   POST /api/password {currentPassword, newPassword}
//        200 → a new session (access_token, refresh_token, expires_at, user) for supabase-js
//              setSession: every session of the account ended with the change, this one included
//        400 current_password_wrong (errors.currentPassword) | password_weak (errors.newPassword,
//            rule: src/core/password-policy.ts) | password_same (errors.newPassword)
//        429 over_request_rate_limit — the current password is checked by the auth server's own
//            password grant, so wrong guesses count against its sign-in limits like any sign-in
// Reachable while a change is required (requireUser allowPasswordChange), like GET /api/me.
// Audited (member.password_change) without the password or its hash.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson, HttpProblem } from './_lib/http.ts';
import { forgetSession, requireUser } from './_lib/auth.ts';
import { asService } from './_lib/db.ts';
import { FORWARD_SECRET_HEADER } from './sign-in.ts';
import { checkNewPassword, type PasswordRule } from '../src/core/password-policy.ts';
import { hashPasswordOffThread } from '../src/server/password-hash.ts';

const Body = z.strictObject({
  currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
  newPassword: z.string().min(1, 'Enter a new password.').max(1024),
});

const RULE_TEXT: Record<PasswordRule, { en: string; zh: string }> = {
  too_short: { en: 'Use at least 10 characters.', zh: '新密码至少 10 个字符。' },
  too_long: { en: 'Use at most 72 bytes (about 24 Chinese characters or 72 letters and digits).', zh: '新密码最长 72 字节（约 24 个汉字或 72 个字母数字）。' },
  too_simple: { en: 'Mix at least two of: letters, digits, other characters.', zh: '请混合使用字母、数字、符号中的至少两类。' },
  too_repetitive: { en: 'Use at least 5 different characters.', zh: '请至少使用 5 个不同的字符。' },
  common: { en: 'This password is too common; choose one that is harder to guess.', zh: '这个密码太常见，容易被猜到，请换一个。' },
  contains_identity: { en: 'Do not use your employee number or email name in the password.', zh: '密码中不要包含您的工号或邮箱名。' },
  same_as_current: { en: 'The new password must differ from the current one.', zh: '新密码不能与当前密码相同。' },
};

function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  const title = status === 429 ? 'Too Many Requests' : status >= 500 ? 'Bad Gateway' : 'Bad Request';
  return new HttpProblem(status, title, detail, { code, ...extra }, `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

/** The auth server's password grant (as functions/sign-in.ts performs it), forwarding the client's address. */
async function passwordGrant(req: Request, email: string, password: string): Promise<Response> {
  const base = (process.env.SUPABASE_URL ?? '').replace(/\/+$/, '');
  if (!base) throw new Error('SUPABASE_URL is not set: the password function has no auth server.');
  const anonKey = process.env.SUPABASE_ANON_KEY ?? process.env.PUBLIC_SUPABASE_ANON_KEY ?? 'local-anon-key';
  const headers: Record<string, string> = { 'content-type': 'application/json', apikey: anonKey, authorization: `Bearer ${anonKey}` };
  const clientIp = req.headers.get('x-nf-client-connection-ip') ?? '';
  if (clientIp) headers['x-forwarded-for'] = clientIp;
  if (process.env.LOCAL_AUTH_FORWARD_SECRET) headers[FORWARD_SECRET_HEADER] = process.env.LOCAL_AUTH_FORWARD_SECRET;
  try {
    return await fetch(`${base}/auth/v1/token?grant_type=password`, { method: 'POST', headers, body: JSON.stringify({ email, password }) });
  } catch {
    throw problem(502, 'auth_unreachable', 'The sign-in service cannot be reached. Try again in a moment.');
  }
}

async function account(userId: string) {
  return asService(async (tx) => {
    const [r] = await tx`select email, employee_no, required from app.password_account(${userId}::uuid)`;
    return r ? { email: r.email as string, employeeNo: (r.employee_no as string | null) ?? null, required: r.required === true } : null;
  });
}

export default handle({
  async GET(req) {
    const claims = await requireUser(req, { allowPasswordChange: true });
    const me = await account(claims.sub);
    return json({ required: me?.required ?? false });
  },

  async POST(req) {
    const claims = await requireUser(req, { allowPasswordChange: true });
    const body = await readJson(req, Body);
    const me = await account(claims.sub);
    if (!me) throw problem(400, 'account_unknown', 'This sign-in account no longer exists. Sign in again.');

    if (body.newPassword === body.currentPassword) {
      const t = RULE_TEXT.same_as_current;
      throw problem(400, 'password_same', t.en, { rule: 'same_as_current', message_zh: t.zh, errors: { newPassword: t.en } });
    }
    const rule = checkNewPassword(body.newPassword, { employeeNo: me.employeeNo, email: me.email });
    if (rule) {
      const t = RULE_TEXT[rule];
      throw problem(400, 'password_weak', t.en, { rule, message_zh: t.zh, errors: { newPassword: t.en } });
    }

    // The current password, checked by the auth server (bcrypt, and its limits on wrong guesses).
    const check = await passwordGrant(req, me.email, body.currentPassword);
    const checked = (await check.json().catch(() => ({}))) as Record<string, unknown>;
    if (check.status === 429) {
      const retry = check.headers.get('retry-after');
      throw problem(429, 'over_request_rate_limit', String(checked.msg ?? 'Too many wrong passwords. Try again later.'),
        retry ? { retryAfterSec: Number(retry) } : {});
    }
    if (!check.ok || typeof checked.access_token !== 'string') {
      if (check.status >= 500) throw problem(502, 'auth_failed', 'The sign-in service failed. Try again in a moment.');
      const en = 'The current password is wrong.';
      throw problem(400, 'current_password_wrong', en, { message_zh: '当前密码不正确。', errors: { currentPassword: en } });
    }

    const hash = await hashPasswordOffThread(body.newPassword);
    // Sets the hash, lifts the mark, ends every session of the account (the one the check above
    // opened too) and writes the audit row — one transaction.
    await asService((tx) => tx`select app.change_own_password(${claims.sub}::uuid, ${hash})`);
    forgetSession(claims);

    // A fresh session with the new password, so the browser stays signed in.
    const res = await passwordGrant(req, me.email, body.newPassword);
    const doc = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok || typeof doc.access_token !== 'string') {
      throw problem(502, 'auth_failed', 'Your password was changed, but signing in again failed. Sign in with the new password.');
    }
    return json(doc);
  },
});

export const config: Config = { path: '/api/password' };
