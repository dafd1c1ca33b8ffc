// The Content-Security-Policy configuration (src/components/csp.ts): the inline scripts the site
// writes are hashed, scripts come only from this origin, fetches only here and to Supabase.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_HINT_SCRIPT, astroCsp, solidHydrationScript, supabaseOrigin } from '../../src/components/csp.ts';
import { SESSION_STORAGE_KEY } from '../../src/client/supabase.ts';

const sha = (s: string) => `sha256-${createHash('sha256').update(s).digest('base64')}`;

describe('CSP', () => {
  it('hashes the session hint and Solid hydration scripts; no unsafe-inline for scripts', () => {
    const csp = astroCsp({});
    expect(csp.scriptDirective.resources).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.scriptDirective.hashes).toEqual([sha(AUTH_HINT_SCRIPT), sha(solidHydrationScript())]);
    expect(AUTH_HINT_SCRIPT).toContain(JSON.stringify(SESSION_STORAGE_KEY));
    expect(csp.directives).toContain("connect-src 'self'");
    expect(csp.directives).toContain("object-src 'none'");
  });

  it('lets the browser reach the configured Supabase project and nothing else', () => {
    const csp = astroCsp({ PUBLIC_SUPABASE_URL: 'https://abcd.supabase.co/' });
    expect(csp.directives).toContain("connect-src 'self' https://abcd.supabase.co");
    expect(supabaseOrigin(undefined)).toBeNull();
    expect(() => supabaseOrigin('not a url')).toThrow(/PUBLIC_SUPABASE_URL/);
  });

  it('netlify.toml sends frame-ancestors and HSTS for every path', () => {
    const toml = readFileSync(new URL('../../netlify.toml', import.meta.url), 'utf8');
    expect(toml).toMatch(/Content-Security-Policy = "frame-ancestors 'none';/);
    expect(toml).toMatch(/Strict-Transport-Security = "max-age=\d+; includeSubDomains"/);
  });
});
