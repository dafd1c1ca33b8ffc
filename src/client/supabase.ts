// The one browser Supabase client. It is used for authentication only (sign-in, sign-out, the
// current session); data goes through /api/* with `api()` from ./api.ts, never to tables directly.
//
// URL: PUBLIC_SUPABASE_URL in production (Supabase Auth); otherwise the page's own origin, where
// the local server (scripts/start.ts) answers /auth/v1/* with a supabase-js compatible local auth.
// Key: PUBLIC_SUPABASE_ANON_KEY in production. Local auth ignores the apikey header, but
// supabase-js refuses to start without a key, hence the 'local-anon-key' placeholder. The anon key
// is public by design (it only identifies the project; RLS and the functions' JWT check protect data).
import { createClient, type Session } from '@supabase/supabase-js';

/**
 * localStorage key of the persisted session. Fixed (instead of supabase-js' default
 * `sb-<project>-auth-token`) so the inline script in Base.astro can tell "probably signed in"
 * before any JS bundle loads, and so it is the same for every host name.
 */
export const SESSION_STORAGE_KEY = 'xiaobao.auth';

// Islands are also rendered on the server at build time, which imports this module; there the
// client is inert (no storage, no timers) and never used.
const inBrowser = typeof window !== 'undefined';
const url = import.meta.env.PUBLIC_SUPABASE_URL || (inBrowser ? location.origin : 'http://localhost');
const anonKey = import.meta.env.PUBLIC_SUPABASE_ANON_KEY || 'local-anon-key';

export const supabase = createClient(url, anonKey, {
  auth: {
    persistSession: inBrowser,
    ...(inBrowser ? { storage: window.localStorage } : {}),
    storageKey: SESSION_STORAGE_KEY,
    autoRefreshToken: inBrowser,
    // Password sign-in only; no OAuth/magic-link redirects to parse from the URL.
    detectSessionInUrl: false,
  },
});

/** The current session (refreshed by supabase-js if the access token is about to expire), or null. */
export async function currentSession(): Promise<Session | null> {
  const { data } = await supabase.auth.getSession();
  return data.session;
}
