// Where the browser may go after signing in: the `?next=` of the sign-in page, resolved the way
// the browser will resolve it, so a value cannot smuggle another origin past a string check
// (browsers drop tab, CR and LF inside URLs: "/\t/evil.example" becomes "//evil.example").

/** Sections of this site a sign-in may return to (both locales); anything else goes home. */
const KNOWN_PATH = /^(?:\/en)?\/(?:(?:account|admin|c|contests|exams|lessons|live|manage|practice|regulations|results)\/.*)?$/;

/**
 * The same-origin path (with query and hash) that `raw` leads to, or `fallback` when `raw` is
 * missing, points at another origin, is not a page of this site, or is the sign-in page itself.
 */
export function safeNext(raw: string | null, origin: string, fallback: string): string {
  if (!raw) return fallback;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin) return fallback;
  // Resolve dot segments first (URL did), then check what the browser would actually open.
  if (!KNOWN_PATH.test(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}
