// HTTP helpers shared by all functions: JSON responses, RFC 9457 problem details, and a wrapper
// that turns any thrown error into a problem response without leaking stack traces.
import { ZodError, type ZodType } from 'zod';
import { controlCharCode, controlCharMessage, findControlChar } from '../../src/core/text.ts';
import { fieldCodeOfIssue, type MessageCode } from '../../src/core/field-codes.ts';

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, title: string, detail: string, extra: Record<string, unknown> = {}, type?: string) {
    super(detail);
    this.status = status;
    this.title = title;
    this.type = type ?? `https://xiaobao.academy/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    this.extra = extra;
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) => new HttpProblem(400, 'Bad Request', detail, extra);
export const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: string, extra?: Record<string, unknown>) => new HttpProblem(403, 'Forbidden', detail, extra);
export const notFound = (detail: string, extra?: Record<string, unknown>) => new HttpProblem(404, 'Not Found', detail, extra);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new HttpProblem(409, 'Conflict', detail, extra);
export const methodNotAllowed = (allowed: string[]) =>
  new HttpProblem(405, 'Method Not Allowed', `Use ${allowed.join(' or ')} on this resource.`, { allowed });

const baseHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...baseHeaders, 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

export function problemResponse(p: HttpProblem, instance?: string): Response {
  const headers: Record<string, string> = { ...baseHeaders, 'content-type': 'application/problem+json; charset=utf-8' };
  if (p.status === 401) headers['www-authenticate'] = 'Bearer';
  if (p.status === 405 && Array.isArray(p.extra.allowed)) headers.allow = (p.extra.allowed as string[]).join(', ');
  if (p.status === 429 && typeof p.extra.retryAfterSec === 'number') headers['retry-after'] = String(p.extra.retryAfterSec);
  return new Response(
    JSON.stringify({ type: p.type, title: p.title, status: p.status, detail: p.message, instance, ...p.extra }),
    { status: p.status, headers },
  );
}

/**
 * A piece of a URL as a person would read it, for echoing in a message: percent-decoded
 * (`%E8%80%83%E8%AF%95` → `考试`; left as it is when it does not decode), control characters
 * shown as U+FFFD, and cut to 80 characters.
 */
export function readablePathPart(raw: string): string {
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    /* malformed escapes: show them as sent */
  }
  text = text.replace(/[\u0000-\u001F\u007F-\u009F]/g, '\uFFFD');
  const chars = [...text];
  return chars.length > 80 ? `${chars.slice(0, 80).join('')}…` : text;
}

/** Zod issues as `{ field: message }`, the shape the browser shows next to inputs. */
export function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Zod issues as `{ field: { code, params } }` (src/core/field-codes.ts): the same fields as
 * `fieldErrors`, with a stable code the page renders in its reader's language
 * (src/i18n/field-errors.ts) while `errors` keeps the English for other API clients.
 */
export function fieldCodes(error: ZodError, input?: unknown): Record<string, MessageCode> {
  const out: Record<string, MessageCode> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    out[key] ??= fieldCodeOfIssue(issue as Parameters<typeof fieldCodeOfIssue>[0], input);
  }
  return out;
}

/**
 * Field errors a function finds itself (a unit that does not exist, a duplicate name), collected so
 * all are reported at once, each with its English text and its stable code:
 *
 *   const f = new FieldIssues();
 *   f.add('ownerOrgUnit', 'org_unknown', `There is no org unit "${ref}" …`, { ref });
 *   if (f.any) throw f.problem('Some parts of the season need fixing.', 'season_invalid');
 */
export class FieldIssues {
  readonly errors: Record<string, string> = {};
  readonly fieldCodes: Record<string, MessageCode> = {};
  add(field: string, code: string, english: string, params: Record<string, string | number> = {}): void {
    if (field in this.errors) return; // the first problem of a field is the one to fix first
    this.errors[field] = english;
    this.fieldCodes[field] = { code, params };
  }
  get any(): boolean {
    return Object.keys(this.errors).length > 0;
  }
  problem(detail: string, code = 'invalid_fields', status = 400): HttpProblem {
    const title = status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : 'Bad Request';
    return new HttpProblem(status, title, detail, { code, errors: this.errors, fieldCodes: this.fieldCodes });
  }
}

/**
 * The media type of a Content-Type header, lower-cased and without parameters:
 * `Application/JSON; charset=utf-8` → `application/json`. Parameters never change the type, so
 * `text/html; x=application/json` is `text/html`.
 */
export function mediaType(header: string | null): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export async function readJson<T>(req: Request, schema: ZodType<T>): Promise<T> {
  if (mediaType(req.headers.get('content-type')) !== 'application/json') {
    throw badRequest('Send the request body as JSON with Content-Type: application/json.', { code: 'not_json' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await req.text());
  } catch {
    throw badRequest('The request body is not valid JSON.', { code: 'bad_json' });
  }
  return parseWith(schema, raw, 'The request body has invalid fields.');
}

/**
 * Validates any input (a JSON body, a query string object). Before the schema, every string and
 * key is checked for control characters (src/core/text.ts): one rule for all endpoints, so a NUL
 * is a 400 with a field error here instead of a 500 from PostgreSQL.
 */
export function parseWith<T>(schema: ZodType<T>, value: unknown, message: string): T {
  const control = findControlChar(value);
  if (control) throw badRequest(message, { code: 'invalid_fields', errors: { [control.path]: control.message }, fieldCodes: { [control.path]: control.code } });
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(message, { code: 'invalid_fields', errors: fieldErrors(result.error), fieldCodes: fieldCodes(result.error, value) });
  return result.data;
}

type Handler = (req: Request, context: { params: Record<string, string | undefined> }) => Promise<Response>;

/**
 * Wraps a function handler: dispatches by method and maps errors to problem+json. Unexpected
 * errors are logged on the server and answered with a generic 500 (no stack, no SQL).
 */
export function handle(methods: Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>) {
  return async (req: Request, context: { params?: Record<string, string | undefined> } = {}): Promise<Response> => {
    const instance = new URL(req.url).pathname;
    const fn = methods[req.method as keyof typeof methods];
    try {
      if (!fn) throw methodNotAllowed(Object.keys(methods));
      const params = context.params ?? {};
      // Path params arrive decoded (Netlify and the local server both decode them), so `%00` in a
      // URL is a NUL here: the same rule as bodies and queries, before any SQL sees it.
      for (const [name, value] of Object.entries(params)) {
        const message = value === undefined ? null : controlCharMessage(value, { singleLine: true });
        if (message) throw badRequest(`The address has an invalid ${name}: ${message}`, { code: 'invalid_fields', errors: { [name]: message }, fieldCodes: { [name]: controlCharCode(value!, { singleLine: true })! } });
      }
      return await fn(req, { params });
    } catch (err) {
      if (err instanceof HttpProblem) return problemResponse(err, instance);
      const mapped = mapDatabaseError(err);
      if (mapped) return problemResponse(mapped, instance);
      console.error(`[${req.method} ${instance}]`, err);
      return problemResponse(new HttpProblem(500, 'Internal Server Error', 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.', { code: 'server_error' }), instance);
    }
  };
}

/**
 * Postgres errors that are the caller's fault get a 4xx instead of a 500, each with a generic code
 * (src/i18n/field-errors.ts) so the page can say it in its language.
 */
function mapDatabaseError(err: unknown): HttpProblem | null {
  const code = (err as { code?: string } | null)?.code;
  if (code === '42501') return new HttpProblem(403, 'Forbidden', 'You are not allowed to do this.', { code: 'not_allowed' });
  if (code === '23505') return conflict('This already exists.', { code: 'already_exists' });
  if (code === '23503') return badRequest('This refers to something that does not exist.', { code: 'missing_reference' });
  // 22021: a byte sequence PostgreSQL refuses (NUL) — the validation above should have caught it.
  if (code === '23514' || code === '22P02' || code === '22001' || code === '22021') return badRequest('A value is not allowed here.', { code: 'value_not_allowed' });
  // A trigger's refusal: its hint, when it names one, is the code pages translate (org_unit_closed …).
  if (code === 'P0001') {
    const hint = (err as { hint?: string }).hint;
    if (hint && /^[a-z_]+$/.test(hint)) return badRequest((err as Error).message, { code: hint });
    return badRequest((err as Error).message, { code: 'db_refused' });
  }
  return null;
}
