// HTTP helpers shared by all functions: JSON responses, RFC 9457 problem details, and a wrapper
// that turns any thrown error into a problem response without leaking stack traces.
import { ZodError, type ZodType } from 'zod';
import { controlCharMessage, findControlChar } from '../../src/core/text.ts';

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
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
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
 * The media type of a Content-Type header, lower-cased and without parameters:
 * `Application/JSON; charset=utf-8` → `application/json`. Parameters never change the type, so
 * `text/html; x=application/json` is `text/html`.
 */
export function mediaType(header: string | null): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

export async function readJson<T>(req: Request, schema: ZodType<T>): Promise<T> {
  if (mediaType(req.headers.get('content-type')) !== 'application/json') {
    throw badRequest('Send the request body as JSON with Content-Type: application/json.');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await req.text());
  } catch {
    throw badRequest('The request body is not valid JSON.');
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
  if (control) throw badRequest(message, { errors: { [control.path]: control.message } });
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(message, { errors: fieldErrors(result.error) });
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
        if (message) throw badRequest(`The address has an invalid ${name}: ${message}`, { errors: { [name]: message } });
      }
      return await fn(req, { params });
    } catch (err) {
      if (err instanceof HttpProblem) return problemResponse(err, instance);
      const mapped = mapDatabaseError(err);
      if (mapped) return problemResponse(mapped, instance);
      console.error(`[${req.method} ${instance}]`, err);
      return problemResponse(new HttpProblem(500, 'Internal Server Error', 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.'), instance);
    }
  };
}

/** Postgres errors that are the caller's fault get a 4xx instead of a 500. */
function mapDatabaseError(err: unknown): HttpProblem | null {
  const code = (err as { code?: string } | null)?.code;
  if (code === '42501') return forbidden('You are not allowed to do this.');
  if (code === '23505') return conflict('This already exists.');
  if (code === '23503') return badRequest('This refers to something that does not exist.');
  // 22021: a byte sequence PostgreSQL refuses (NUL) — the validation above should have caught it.
  if (code === '23514' || code === '22P02' || code === '22001' || code === '22021') return badRequest('A value is not allowed here.');
  if (code === 'P0001') return badRequest((err as Error).message);
  return null;
}
