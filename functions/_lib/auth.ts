// Verifies the caller's bearer token. One code path for Supabase Auth and local auth: both issue
// ES256 JWTs and publish their keys at <SUPABASE_URL>/auth/v1/.well-known/jwks.json.
import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { unauthorized } from './http.ts';

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

export async function verifyToken(token: string): Promise<Claims> {
  try {
    const { payload } = await jwtVerify(token, keySet(), {
      issuer: `${authBase()}/auth/v1`,
      audience: 'authenticated',
      algorithms: ['ES256', 'RS256'],
    });
    if (typeof payload.sub !== 'string' || payload.role !== 'authenticated') {
      throw unauthorized('This token does not belong to a signed-in user. Sign in again.');
    }
    return payload as Claims;
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('Your session has expired. Sign in again.');
    if (err instanceof joseErrors.JWKSNoMatchingKey) throw unauthorized('The token was signed with an unknown key. Sign in again.');
    if (err instanceof joseErrors.JOSEError) throw unauthorized('The access token is not valid. Sign in again.');
    throw err;
  }
}

export async function requireUser(req: Request): Promise<Claims> {
  const header = req.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized('Sign in first: this request needs an Authorization: Bearer <access token> header.');
  return verifyToken(match[1]);
}
