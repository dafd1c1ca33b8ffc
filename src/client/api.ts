// `api()` — the one way islands call /api/*. It adds the signed-in user's bearer token, sends and
// parses JSON, and turns RFC 9457 problem+json answers into `ApiError`s:
//
//   import { api, ApiError } from '../client/api.ts';
//   const exams = await api<Exam[]>('/api/exams');
//   await api(`/api/attempts/${id}/responses/${slot}`, { method: 'PUT', body: { response, seq } });
//   try { … } catch (e) { if (e instanceof ApiError && e.status === 409) … e.detail / e.errors … }
//
// A 401 means the session is gone (expired, revoked): the local session is dropped and the browser
// goes to the sign-in page with ?next=<current page>, so islands need no 401 handling of their own.
import { supabase, currentSession } from './supabase.ts';
import { storeMe } from './session-hint.ts';
import { localeFromPath, localePath } from '../i18n/index.ts';

export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** Field errors (`{ "answers.3": "…" }`) from a 400 with invalid fields. */
  readonly errors: Record<string, string> | undefined;
  /** The full problem document, for problem-specific extension members. */
  readonly problem: Record<string, unknown>;

  constructor(status: number, title: string, detail: string, errors?: Record<string, string>, problem: Record<string, unknown> = {}) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.problem = problem;
  }
}

export interface ApiInit extends Omit<RequestInit, 'body'> {
  /** A plain value is sent as JSON; strings, FormData, Blob etc. are sent as they are. */
  body?: unknown;
  /**
   * On 401, drop the session and go to the sign-in page (default true). Pass false where a
   * signed-out visitor is fine (e.g. the header probing /api/me on a public page).
   */
  signInOn401?: boolean;
}

function isRawBody(body: unknown): body is BodyInit {
  return (
    typeof body === 'string' ||
    body instanceof FormData ||
    body instanceof Blob ||
    body instanceof URLSearchParams ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  );
}

/** Call `/api/...` as the signed-in user and return the parsed JSON (undefined for 204). */
export async function api<T = unknown>(path: string, init: ApiInit = {}): Promise<T> {
  const { signInOn401 = true, body: rawBody, ...requestInit } = init;
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json, application/problem+json');
  const session = await currentSession();
  if (session) headers.set('authorization', `Bearer ${session.access_token}`);

  let body: BodyInit | undefined;
  if (rawBody !== undefined && rawBody !== null) {
    if (isRawBody(rawBody)) body = rawBody;
    else {
      body = JSON.stringify(rawBody);
      headers.set('content-type', 'application/json');
    }
  }

  let res: Response;
  try {
    res = await fetch(path, { ...requestInit, headers, body });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'Network Error', 'The server could not be reached. Check your connection and try again.', undefined, { code: 'network' });
  }

  if (res.status === 401 && signInOn401) await signOutAndGoToSignIn();
  if (!res.ok) {
    const problem = await problemFrom(res);
    // Signed in with an initial password: every API but /api/me and /api/password refuses until
    // the person chooses their own (functions/_lib/auth.ts), so go to that form.
    if (res.status === 403 && problem.problem.code === 'password_change_required') goToChangePassword();
    throw problem;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

async function problemFrom(res: Response): Promise<ApiError> {
  let doc: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
  } catch {
    /* not JSON (a proxy error page): fall back to the status line */
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const errors = doc.errors && typeof doc.errors === 'object' ? (doc.errors as Record<string, string>) : undefined;
  return new ApiError(res.status, str(doc.title) || res.statusText || `HTTP ${res.status}`, str(doc.detail), errors, doc);
}

/** The sign-in page for the current locale, coming back to `next` (default: the current page). */
export function signInUrl(next = location.pathname + location.search + location.hash): string {
  const locale = localeFromPath(location.pathname);
  return `${localePath(locale, '/sign-in/')}?next=${encodeURIComponent(next)}`;
}

/** The change-password page for the current locale, coming back to `next` (default: the current page). */
export function changePasswordUrl(next = location.pathname + location.search + location.hash): string {
  const locale = localeFromPath(location.pathname);
  return `${localePath(locale, '/account/password/')}?next=${encodeURIComponent(next)}`;
}

function goToChangePassword(): void {
  if (!/\/account\/password\/?$/.test(location.pathname)) location.assign(changePasswordUrl());
}

/** Drops the local session (no server call needed: the token is already refused) and redirects. */
async function signOutAndGoToSignIn(): Promise<void> {
  await supabase.auth.signOut({ scope: 'local' }).catch(() => {});
  storeMe(null);
  location.assign(signInUrl());
}
