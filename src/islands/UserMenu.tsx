// Header account menu (on every page, so it is kept small): shows 登录 when signed out, or the
// member's name with a menu holding 退出登录. It paints from the sessionStorage copy of /api/me,
// refreshes it when stale, and reveals role-only nav links (`[data-roles]`). supabase-js is loaded
// only when needed (refreshing /api/me, signing out), never just to paint the header.
import { createSignal, onCleanup, onMount, Show, For } from 'solid-js';
import { cachedMe, fetchMe, hasStoredSession, ME_EVENT, SESSION_KEY, setAuthState, signOut, storeMe, type Me } from '../client/session-hint.ts';
import { localePath, roleLabel, translator, type Locale } from '../i18n/index.ts';
import { icons } from '../components/icons.ts';

interface Props {
  locale: Locale;
  /** The current page path, for the sign-in link's ?next=. */
  here: string;
}

/** Re-fetch /api/me when the cached copy is older than this (roles or org may have changed). */
const ME_MAX_AGE_MS = 5 * 60_000;

type State = { kind: 'unknown' } | { kind: 'out' } | { kind: 'in'; me: Me | null };

export default function UserMenu(props: Props) {
  const tr = translator(props.locale);
  const [state, setState] = createSignal<State>({ kind: 'unknown' });
  const [open, setOpen] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [unlinked, setUnlinked] = createSignal(false);
  let root: HTMLDivElement | undefined;
  let trigger: HTMLButtonElement | undefined;

  const signInHref = () => {
    const home = localePath(props.locale, '/');
    const onSignIn = props.here === localePath(props.locale, '/sign-in/');
    const next = onSignIn || props.here === home ? '' : `?next=${encodeURIComponent(props.here)}`;
    return `${localePath(props.locale, '/sign-in/')}${next}`;
  };

  const show = (me: Me | null) => {
    if (me) setState({ kind: 'in', me });
    else if (hasStoredSession()) setState({ kind: 'in', me: null });
    else setState({ kind: 'out' });
    revealRoleLinks(me?.roles ?? []);
  };

  const refresh = (retries = 1) => {
    fetchMe().catch((err: { status?: number }) => {
      // 401: the stored session is not usable (expired or revoked) — signed out. Pages that need
      // a member redirect on their own (api() does).
      if (err?.status === 401) void signOut().then(() => show(null));
      // Server or network trouble: try once more, then keep at least 退出登录 reachable.
      else if (err?.status !== 404 && retries > 0) setTimeout(() => refresh(retries - 1), 2000);
      // 404 (signed in but not on the roster) or still failing: offer sign-out instead of a name.
      else if (!me()) setUnlinked(true);
    });
  };

  onMount(() => {
    if (!hasStoredSession()) {
      setAuthState('out');
      show(null);
    } else {
      const cached = cachedMe();
      show(cached?.me ?? null);
      if (!cached || cached.ageMs > ME_MAX_AGE_MS) refresh();
    }

    const onMe = (e: Event) => show((e as CustomEvent<Me | null>).detail);
    // Another tab signed in or out.
    const onStorage = (e: StorageEvent) => {
      if (e.key !== SESSION_KEY) return;
      if (!e.newValue) storeMe(null);
      else refresh();
    };
    const onDocClick = (e: MouseEvent) => {
      if (open() && root && !root.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && open()) {
        setOpen(false);
        trigger?.focus();
      }
    };
    window.addEventListener(ME_EVENT, onMe);
    window.addEventListener('storage', onStorage);
    document.addEventListener('click', onDocClick);
    document.addEventListener('keydown', onKey);
    onCleanup(() => {
      window.removeEventListener(ME_EVENT, onMe);
      window.removeEventListener('storage', onStorage);
      document.removeEventListener('click', onDocClick);
      document.removeEventListener('keydown', onKey);
    });
  });

  const onSignOut = async () => {
    setBusy(true);
    await signOut();
    location.assign(localePath(props.locale, '/'));
  };

  const me = () => {
    const s = state();
    return s.kind === 'in' ? s.me : null;
  };

  return (
    <div class="user-menu" ref={root}>
      {/* No sign-in button on the sign-in page itself. */}
      <Show when={state().kind !== 'in' && props.here !== localePath(props.locale, '/sign-in/')}>
        {/* Server render and signed-out state. Hidden by CSS while a stored session is assumed. */}
        <a class={`btn btn-primary btn-sm ${state().kind === 'unknown' ? 'when-signed-out' : ''}`} href={signInHref()}>
          {tr('user.signIn')}
        </a>
      </Show>
      <Show when={state().kind === 'in'}>
        <Show
          when={me()}
          fallback={
            unlinked() ? (
              <button type="button" class="btn btn-secondary btn-sm" onClick={onSignOut} disabled={busy()}>{tr('user.signOut')}</button>
            ) : (
              <span class="user-placeholder skeleton" aria-hidden="true" />
            )
          }
        >
          {(m) => (
            <>
              <button
                ref={trigger}
                type="button"
                class="user-trigger"
                aria-expanded={open()}
                aria-controls="user-menu-panel"
                aria-label={`${tr('user.menuLabel')}：${m().name}`}
                onClick={() => setOpen(!open())}
              >
                <span class="avatar" aria-hidden="true">{m().name.slice(0, 1)}</span>
                <span class="user-name">{m().name}</span>
                <svg class="chevron" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons.chevronDown} />
              </button>
              <div id="user-menu-panel" class="user-panel" hidden={!open()}>
                <div class="who">
                  <strong>{m().name}</strong>
                  <span>{tr('user.employeeNo')} {m().employeeNo}</span>
                  <span>{m().orgPath.map((o) => o.name).join(' › ')}</span>
                  <div class="cluster" style={{ 'margin-top': '0.5rem' }}>
                    <For each={m().roles}>{(r) => <span class={`badge badge-${r}`}>{roleLabel(props.locale, r)}</span>}</For>
                  </div>
                </div>
                <a class="btn btn-ghost btn-sm btn-block" href={localePath(props.locale, '/account/password/')}>{tr('user.changePassword')}</a>
                <button type="button" class="btn btn-secondary btn-sm btn-block" onClick={onSignOut} disabled={busy()}>
                  <svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons.logout} />
                  {busy() ? tr('user.signingOut') : tr('user.signOut')}
                </button>
              </div>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}

/** Show `[data-roles="trainer hr admin"]` elements only to members holding one of those roles. */
function revealRoleLinks(roles: readonly string[]) {
  for (const el of document.querySelectorAll<HTMLElement>('[data-roles]')) {
    const wanted = (el.dataset.roles ?? '').split(/\s+/).filter(Boolean);
    el.hidden = !wanted.some((r) => roles.includes(r));
  }
  // The opposite: a note for members holding none of these roles (e.g. "you have no manager role").
  for (const el of document.querySelectorAll<HTMLElement>('[data-roles-none]')) {
    const unwanted = (el.dataset.rolesNone ?? '').split(/\s+/).filter(Boolean);
    el.hidden = unwanted.some((r) => roles.includes(r));
  }
}
