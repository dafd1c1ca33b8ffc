// The site's Content-Security-Policy, in two parts (astro.config.mjs and netlify.toml):
//
// - Astro's `security.csp` writes a <meta http-equiv="content-security-policy"> into every page
//   with script-src/style-src hashes of everything Astro emits (bundles, island loaders). It
//   cannot hash inline scripts it did not generate, so the two we have are listed here with their
//   hashes: the "signed in?" hint in Base.astro and Solid's hydration bootstrap.
// - A <meta> policy cannot carry frame-ancestors, so that (with HSTS) is an HTTP header in
//   netlify.toml, which Netlify and the local server (@netlify/dev) both send. Browsers enforce
//   both policies; each only narrows what the other allows.
//
// Scripts: from this origin and the hashed inline ones only; 'wasm-unsafe-eval' lets the site
// search (Pagefind) compile its WebAssembly index and is not permission to eval JavaScript.
// Fetches: this origin (/api, /auth/v1 locally, /pagefind) and the configured Supabase URL.
import { createHash } from 'node:crypto';
import { generateHydrationScript } from 'solid-js/web';
import type { AstroUserConfig } from 'astro';

type CspConfig = Exclude<NonNullable<NonNullable<AstroUserConfig['security']>['csp']>, boolean>;
type Directive = NonNullable<CspConfig['directives']>[number];

/** localStorage key of the persisted session; keep in sync with src/client/supabase.ts. */
export const SESSION_KEY = 'xiaobao.auth';

/**
 * Runs before first paint: <html data-auth="in"> when a session is stored, so signed-in and
 * signed-out blocks do not flash. Base.astro inlines exactly this text; its hash is in the CSP.
 */
export const AUTH_HINT_SCRIPT =
  `try{var s=JSON.parse(localStorage.getItem(${JSON.stringify(SESSION_KEY)})||'null');` +
  `document.documentElement.dataset.auth=s&&s.refresh_token?'in':'out'}` +
  `catch(e){document.documentElement.dataset.auth='out'}`;

export const cspHash = (script: string) => `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;

/** Solid's inline hydration bootstrap, written once into pages with server-rendered islands. */
export function solidHydrationScript(): string {
  const m = /<script[^>]*>([\s\S]*?)<\/script>/.exec(generateHydrationScript());
  if (!m) throw new Error('solid-js/web generateHydrationScript() no longer returns a <script>; update src/components/csp.ts.');
  return m[1]!;
}

/** The origin of the configured Supabase URL (PUBLIC_SUPABASE_URL), or null when auth is local. */
export function supabaseOrigin(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    throw new Error(`PUBLIC_SUPABASE_URL is not a URL: ${url}`);
  }
}

/** `security.csp` for astro.config.mjs. */
export function astroCsp(env: { PUBLIC_SUPABASE_URL?: string }) {
  const supabase = supabaseOrigin(env.PUBLIC_SUPABASE_URL);
  const csp = {
    algorithm: 'SHA-256',
    directives: [
      "default-src 'self'",
      `connect-src 'self'${supabase ? ` ${supabase}` : ''}`,
      "img-src 'self' data:",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "worker-src 'self'",
    ] as Directive[],
    scriptDirective: {
      resources: ["'self'", "'wasm-unsafe-eval'"],
      hashes: [cspHash(AUTH_HINT_SCRIPT), cspHash(solidHydrationScript())] as `sha256-${string}`[],
    },
    styleDirective: {
      // Inline style attributes (progress bars, skeleton sizes from islands) only; <style> and
      // stylesheets stay hash/self-only.
      resources: ["'self'", { resource: "'unsafe-inline'", kind: 'attribute' }],
    },
  } satisfies CspConfig;
  return csp;
}
