// Employee number (工号) or email + password. POST /api/sign-in resolves a 工号 to its account and
// performs the password grant against the auth server (Supabase Auth in production, local auth
// otherwise); the session it returns is handed to supabase-js (setSession), which keeps and
// refreshes it as after signInWithPassword. On success the browser goes to ?next= (this site's
// pages only, see ../client/next.ts) or the locale's home page.
import { createSignal, onMount, Show } from 'solid-js';
import { supabase } from '../client/supabase.ts';
import { fetchMe } from '../client/session-hint.ts';
import { safeNext } from '../client/next.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import { icons } from '../components/icons.ts';
import { ot, type OrgKey } from '../i18n/org.ts';

interface Props {
  locale: Locale;
}

/** Maps a sign-in error (from /api/sign-in or supabase-js) to a message key. */
function errorKey(error: { status?: number; code?: string; name?: string; message?: string }): UiKey | OrgKey {
  if (error.status === 429 || error.code === 'over_request_rate_limit') return 'signIn.error.rateLimited';
  if (error.code === 'invalid_credentials' || (error.status === 400 && /invalid login credentials/i.test(error.message ?? ''))) {
    return 'signIn.identifierInvalid';
  }
  if (error.code === 'user_banned') return 'signIn.error.disabled';
  // supabase-js reports "server unreachable" as AuthRetryableFetchError (status 0) or a TypeError.
  if (error.name === 'AuthRetryableFetchError' || !error.status || error.status >= 500) return 'signIn.error.network';
  return 'signIn.error.unknown';
}

export default function SignIn(props: Props) {
  const ui = translator(props.locale);
  const tr = (key: UiKey | OrgKey) => (key.startsWith('signIn.identifier') ? ot(props.locale, key as OrgKey) : ui(key as UiKey));
  // Inputs are uncontrolled: values are read from the DOM on submit, so text typed (or autofilled
  // by a password manager, which may not fire input events) before hydration is never lost.
  const [emailMissing, setEmailMissing] = createSignal(false);
  const [showPassword, setShowPassword] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<UiKey | OrgKey | null>(null);
  const [ready, setReady] = createSignal(false);
  let emailInput: HTMLInputElement | undefined;
  let passwordInput: HTMLInputElement | undefined;

  // The submit button stays disabled until hydration, so a fast click cannot post the form natively.
  onMount(() => setReady(true));

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setError(null);
    const mail = (emailInput?.value ?? '').trim();
    const pass = passwordInput?.value ?? '';
    setEmailMissing(!mail);
    if (!mail || !pass) {
      setError('signIn.identifierMissing');
      (mail ? passwordInput : emailInput)?.focus();
      return;
    }
    setBusy(true);
    let changePassword = false;
    try {
      const res = await fetch('/api/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
        body: JSON.stringify({ identifier: mail, password: pass }),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string; access_token?: string; refresh_token?: string; password_change_required?: boolean };
      changePassword = body.password_change_required === true;
      const { error: authError } = res.ok && body.access_token && body.refresh_token
        ? await supabase.auth.setSession({ access_token: body.access_token, refresh_token: body.refresh_token })
        : { error: { status: res.status, code: body.code } };
      if (authError) {
        setError(errorKey(authError));
        setBusy(false);
        passwordInput?.select();
        return;
      }
    } catch (err) {
      setError(errorKey(err as Error));
      setBusy(false);
      return;
    }
    // Warm the /api/me cache so the next page paints the user's name at once; never block on it.
    await Promise.race([fetchMe().catch(() => null), new Promise((r) => setTimeout(r, 1500))]);
    const next = safeNext(new URLSearchParams(location.search).get('next'), location.origin, localePath(props.locale, '/'));
    // Signed in with an initial password: choose one's own first, then go on to `next`.
    location.assign(changePassword ? `${localePath(props.locale, '/account/password/')}?next=${encodeURIComponent(next)}` : next);
  };

  return (
    <form class="signin-form" novalidate onSubmit={submit} aria-describedby={error() ? 'signin-error' : undefined}>
      <div aria-live="assertive">
        <Show when={error()}>
          {(key) => (
            <div id="signin-error" class="alert alert-error" role="alert" data-error={key()}>
              <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons.alert} />
              <span>{tr(key())}</span>
            </div>
          )}
        </Show>
      </div>

      <div class="field">
        <label class="label" for="signin-email">{tr('signIn.identifier')}</label>
        <input
          ref={emailInput}
          id="signin-email"
          class="input"
          type="text"
          name="email"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          aria-invalid={error() === 'signIn.identifierInvalid' || (error() === 'signIn.identifierMissing' && emailMissing()) ? 'true' : undefined}
        />
      </div>

      <div class="field">
        <label class="label" for="signin-password">{tr('signIn.password')}</label>
        <div class="input-group">
          <input
            ref={passwordInput}
            id="signin-password"
            class="input"
            type={showPassword() ? 'text' : 'password'}
            name="password"
            autocomplete="current-password"
            required
            aria-invalid={error() === 'signIn.identifierInvalid' || (error() === 'signIn.identifierMissing' && !emailMissing()) ? 'true' : undefined}
          />
          <button
            type="button"
            class="input-addon"
            aria-controls="signin-password"
            onClick={() => setShowPassword(!showPassword())}
          >
            {showPassword() ? tr('signIn.hidePassword') : tr('signIn.showPassword')}
          </button>
        </div>
      </div>

      <button type="submit" class="btn btn-primary btn-lg btn-block" disabled={!ready() || busy()}>
        {busy() ? tr('signIn.submitting') : tr('signIn.submit')}
      </button>
    </form>
  );
}
