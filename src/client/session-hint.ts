// Synchronous, dependency-free session hints for fast first paint. Importing this file does NOT
// load supabase-js, so small islands (the header's UserMenu) can decide what to show instantly and
// only pull in ./api.ts (and supabase-js) when they must talk to the server.
import type { Me } from '../../functions/_lib/members.ts';

export type { Me };

/** Must equal SESSION_STORAGE_KEY in ./supabase.ts (duplicated to keep supabase-js out of this file). */
export const SESSION_KEY = 'xiaobao.auth';
const ME_KEY = 'xiaobao.me';
/** Event fired on `window` whenever the cached member changes (detail: Me | null). */
export const ME_EVENT = 'xiaobao:me';

interface CachedMe {
  me: Me;
  /** The session's user id, so a cache left by another account is never shown. */
  sub: string;
  at: number;
}

/** The user id of the stored session, or null when there is no stored session. */
export function storedSessionUser(): string | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { user?: { id?: string }; refresh_token?: string };
    return parsed.refresh_token && parsed.user?.id ? parsed.user.id : null;
  } catch {
    return null;
  }
}

/** True when a session is stored (it may still be expired or revoked; the server decides). */
export const hasStoredSession = (): boolean => storedSessionUser() !== null;

/** The cached /api/me payload for the stored session, with its age in ms; null when absent. */
export function cachedMe(): { me: Me; ageMs: number } | null {
  const sub = storedSessionUser();
  if (!sub) return null;
  try {
    const raw = sessionStorage.getItem(ME_KEY);
    if (!raw) return null;
    const cached = JSON.parse(raw) as CachedMe;
    if (cached.sub !== sub) return null;
    return { me: cached.me, ageMs: Date.now() - cached.at };
  } catch {
    return null;
  }
}

export function storeMe(me: Me | null): void {
  try {
    const sub = storedSessionUser();
    if (me && sub) sessionStorage.setItem(ME_KEY, JSON.stringify({ me, sub, at: Date.now() } satisfies CachedMe));
    else sessionStorage.removeItem(ME_KEY);
  } catch {
    /* storage disabled: no cache, still works */
  }
  setAuthState(me ? 'in' : hasStoredSession() ? 'in' : 'out');
  window.dispatchEvent(new CustomEvent<Me | null>(ME_EVENT, { detail: me }));
}

/**
 * Mirrors the auth state on <html data-auth="in|out">; CSS uses it to show signed-in or
 * signed-out blocks (`.when-signed-in`, `.when-signed-out`) without a flash. Base.astro sets it
 * first, from the stored session, before the page paints.
 */
export function setAuthState(state: 'in' | 'out'): void {
  document.documentElement.dataset.auth = state;
}

let inflight: Promise<Me> | null = null;

/**
 * GET /api/me, cached in sessionStorage. Concurrent callers (UserMenu and Dashboard on the same
 * page) share one request. Loads ./api.ts lazily so pages without other islands stay light.
 * Rejects with ApiError; a 401 does NOT redirect (callers decide what signed-out means).
 */
export function fetchMe(): Promise<Me> {
  inflight ??= import('./api.ts')
    .then(({ api }) => api<Me>('/api/me', { signInOn401: false }))
    .then((me) => {
      storeMe(me);
      return me;
    })
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

/**
 * Signs this browser out: the server revokes the session when reachable; the local session and
 * the cached member are dropped in every case. Loads supabase-js lazily.
 */
export async function signOut(): Promise<void> {
  try {
    const { supabase } = await import('./supabase.ts');
    const { error } = await supabase.auth.signOut({ scope: 'local' });
    // On a network error supabase-js keeps the session; drop it locally anyway.
    if (error) localStorage.removeItem(SESSION_KEY);
  } catch {
    localStorage.removeItem(SESSION_KEY);
  }
  storeMe(null);
}
