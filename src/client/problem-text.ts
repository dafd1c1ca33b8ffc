// What a refusal from /api/* says, in the page's language. The server keeps English `detail` and
// `errors` for API clients and adds stable codes: `code` (+ `params`) for the problem as a whole and
// `fieldCodes: { field: { code, params } }` beside `errors` (functions/_lib/http.ts). An island passes
// its area's translator; codes it does not know fall through to the generic ones shared by every
// page (src/i18n/field-errors.ts):
//
//   const say = areaSay(orgZh, orgTr(locale));
//   catch (e) { setErrors(localFieldErrors(e, locale, say)); setMessage(localDetail(e, locale, say)); }
import type { ApiError } from './api.ts';
import type { Locale } from '../i18n/index.ts';
import { genericText } from '../i18n/field-errors.ts';

export interface Coded { code: string; params?: Record<string, string | number> }
/** An area's text for a code (null when the area has none). */
export type AreaSay = (code: string, params: Record<string, string | number>) => string | null;

/** The area translator for keys `err.<code>` of an i18n module: `areaSay(orgZh, orgTr(locale))`. */
export function areaSay<K extends string>(dict: Record<K, string>, tr: (key: K, vars?: Record<string, string | number>) => string, prefix = 'err.'): AreaSay {
  return (code, params) => {
    const key = `${prefix}${code}`;
    return key in dict ? tr(key as K, params) : null;
  };
}

/** A code in the locale: the area's text first, then the generic one; null when neither knows it. */
export function sayCode(locale: Locale, c: Coded | undefined, area?: AreaSay): string | null {
  if (!c || typeof c.code !== 'string') return null;
  return area?.(c.code, c.params ?? {}) ?? genericText(locale, c.code, c.params);
}

// ApiError by shape, not by class: this module stays free of api.ts (and supabase-js), so light
// islands (the dashboard, LoadError) can use it without pulling the client in.
type ProblemLike = Pick<ApiError, 'status' | 'detail' | 'errors' | 'problem'>;
const isProblem = (err: unknown): err is ProblemLike =>
  typeof err === 'object' && err !== null && typeof (err as ProblemLike).status === 'number' && typeof (err as ProblemLike).problem === 'object';
const problemOf = (err: unknown): Record<string, unknown> => (isProblem(err) ? err.problem ?? {} : {});

/**
 * The field errors of a refusal (`{ "teams.0.orgUnit": "…" }`) in the locale. A field whose code
 * neither the area nor the generic module knows keeps the server's English: it still says what to fix.
 */
export function localFieldErrors(err: unknown, locale: Locale, area?: AreaSay): Record<string, string> {
  const errors = (isProblem(err) ? err.errors : undefined) ?? {};
  return localizeFields(errors, (problemOf(err).fieldCodes ?? {}) as Record<string, Coded>, locale, area);
}

/** `errors` with their `fieldCodes` (also found outside problems, e.g. a blueprint check) in the locale. */
export function localizeFields(errors: Record<string, string>, codes: Record<string, Coded> | undefined, locale: Locale, area?: AreaSay): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, english] of Object.entries(errors)) out[field] = sayCode(locale, codes?.[field], area) ?? english;
  return out;
}

/**
 * The refusal as one sentence in the locale: its code's text; else, on English pages, the server's
 * own detail; else (Chinese pages) the detail only if it is written in Chinese, otherwise a sentence
 * for its HTTP status — never English alone.
 */
export function localDetail(err: unknown, locale: Locale, area?: AreaSay): string {
  const p = problemOf(err);
  const coded = typeof p.code === 'string' ? sayCode(locale, { code: p.code, params: (p.params ?? {}) as Record<string, string | number> }, area) : null;
  if (coded) return coded;
  if (!isProblem(err)) return genericText(locale, 'status.other')!;
  const status = err.status;
  if (status === 0) return genericText(locale, 'network')!;
  if (locale === 'en' && typeof err.detail === 'string' && err.detail) return err.detail;
  // Some refusals are written for Chinese readers already (HR's bilingual messages): keep those.
  if (locale !== 'en' && typeof err.detail === 'string' && /[\u4e00-\u9fff]/.test(err.detail)) return err.detail;
  if (err.errors && status === 400) return genericText(locale, 'invalid_fields')!;
  return genericText(locale, [400, 403, 404, 409, 413, 429].includes(status) ? `status.${status}` : 'status.other')!;
}
