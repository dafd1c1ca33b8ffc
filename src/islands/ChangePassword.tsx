// The change-password form (/account/password/). People who signed in with an initial password
// land here (the sign-in page, and src/client/api.ts on a 403 password_change_required) and must
// choose their own before anything else; anyone signed in may use it. POST /api/password checks
// the current password with the auth server, the new one against src/core/password-policy.ts (the
// same rules are explained here as the person types), ends every session of the account and
// answers a new session, which is handed to supabase-js; then the browser goes on to ?next=.
import { createSignal, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { supabase, currentSession } from '../client/supabase.ts';
import { fetchMe, storeMe } from '../client/session-hint.ts';
import { safeNext } from '../client/next.ts';
import { localePath, type Locale } from '../i18n/index.ts';
import { pwTr, ruleKey, type PasswordKey } from '../i18n/password.ts';
import { checkNewPassword, type PasswordRule } from '../core/password-policy.ts';
import { icons } from '../components/icons.ts';

interface Props {
  locale: Locale;
}

type Field = 'currentPassword' | 'newPassword' | 'repeat';

export default function ChangePassword(props: Props) {
  const tr = pwTr(props.locale);
  const [required, setRequired] = createSignal(false);
  const [identity, setIdentity] = createSignal<{ employeeNo: string | null; email: string | null }>({ employeeNo: null, email: null });
  const [errors, setErrors] = createSignal<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = createSignal<string | null>(null);
  const [show, setShow] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const [ready, setReady] = createSignal(false);
  let current: HTMLInputElement | undefined;
  let fresh: HTMLInputElement | undefined;
  let repeat: HTMLInputElement | undefined;
  const next = () => safeNext(new URLSearchParams(location.search).get('next'), location.origin, localePath(props.locale, '/'));

  onMount(async () => {
    const session = await currentSession();
    if (!session) {
      location.assign(signInUrl());
      return;
    }
    setReady(true);
    setIdentity({ employeeNo: null, email: session.user?.email ?? null });
    try {
      const [state, me] = await Promise.all([api<{ required: boolean }>('/api/password'), fetchMe().catch(() => null)]);
      setRequired(state.required);
      if (me) setIdentity({ employeeNo: me.employeeNo, email: session.user?.email ?? null });
    } catch {
      /* the form still works; the server checks everything */
    }
  });

  const ruleText = (rule: PasswordRule) => tr(ruleKey(rule));

  /** Checks as the person leaves a field; the server checks the same again. */
  const checkNew = () => {
    const value = fresh?.value ?? '';
    if (!value) return;
    const rule = checkNewPassword(value, { ...identity(), current: current?.value || null });
    setErrors((e) => ({ ...e, newPassword: rule ? ruleText(rule) : undefined }));
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    setFormError(null);
    const cur = current?.value ?? '';
    const neu = fresh?.value ?? '';
    const rep = repeat?.value ?? '';
    const found: Partial<Record<Field, string>> = {};
    if (!cur) found.currentPassword = tr('pw.err.currentMissing');
    const rule = checkNewPassword(neu, { ...identity(), current: cur || null });
    if (rule) found.newPassword = ruleText(rule);
    else if (neu !== rep) found.repeat = tr('pw.err.repeatMismatch');
    setErrors(found);
    if (Object.keys(found).length) {
      ({ currentPassword: current, newPassword: fresh, repeat })[Object.keys(found)[0] as Field]?.focus();
      return;
    }
    setBusy(true);
    try {
      const session = await api<{ access_token: string; refresh_token: string }>('/api/password', {
        method: 'POST', body: { currentPassword: cur, newPassword: neu },
      });
      const { error } = await supabase.auth.setSession({ access_token: session.access_token, refresh_token: session.refresh_token });
      if (error) throw error;
      storeMe(null);
      setDone(true);
      await fetchMe().catch(() => null);
      location.assign(next());
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError) {
        const code = err.problem.code as string | undefined;
        if (code === 'current_password_wrong') {
          setErrors({ currentPassword: tr('pw.err.currentWrong') });
          current?.select();
          return;
        }
        if (code === 'password_weak' || code === 'password_same') {
          const r = (err.problem.rule as PasswordRule | undefined) ?? 'same_as_current';
          setErrors({ newPassword: ruleText(r) });
          fresh?.select();
          return;
        }
        if (err.status === 429) {
          const sec = Number(err.problem.retryAfterSec ?? 60);
          setFormError(tr('pw.err.rateLimited', { min: Math.max(1, Math.ceil(sec / 60)) }));
          return;
        }
        setFormError(tr(err.status === 0 ? 'pw.err.network' : 'pw.err.unknown'));
        return;
      }
      setFormError(tr('pw.err.unknown'));
    }
  };

  const fieldError = (f: Field) => errors()[f];
  const describedBy = (f: Field, hint?: string) => [hint, fieldError(f) ? `pw-${f}-error` : null].filter(Boolean).join(' ') || undefined;
  const input = (f: Field, id: string, label: PasswordKey, autocomplete: string, ref: (el: HTMLInputElement) => void, hint?: PasswordKey, onBlur?: () => void) => (
    <div class="field">
      <label class="label" for={id}>{tr(label)}</label>
      <input
        ref={ref}
        id={id}
        class="input"
        type={show() ? 'text' : 'password'}
        name={f}
        autocomplete={autocomplete}
        autocapitalize="none"
        spellcheck={false}
        required
        aria-invalid={fieldError(f) ? 'true' : undefined}
        aria-describedby={describedBy(f, hint ? `pw-${f}-hint` : undefined)}
        onBlur={onBlur}
        onInput={() => fieldError(f) && setErrors((e) => ({ ...e, [f]: undefined }))}
      />
      <Show when={hint}>{(h) => <span id={`pw-${f}-hint`} class="hint">{tr(h())}</span>}</Show>
      <Show when={fieldError(f)}>{(m) => <span id={`pw-${f}-error`} class="field-error" role="alert" data-field-error={f}>{m()}</span>}</Show>
    </div>
  );

  return (
    <Show when={!done()} fallback={<div class="alert alert-success" role="status" data-testid="password-done">{tr('pw.done')}</div>}>
      <form class="password-form" novalidate onSubmit={submit} data-testid="password-form">
        <Show when={required()}>
          <div class="alert alert-warning" role="status" data-testid="password-required">
            <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons.alert} />
            <span>{tr('pw.required')}</span>
          </div>
        </Show>
        <div aria-live="assertive">
          <Show when={formError()}>
            {(m) => (
              <div class="alert alert-error" role="alert">
                <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons.alert} />
                <span>{m()}</span>
              </div>
            )}
          </Show>
        </div>
        {input('currentPassword', 'pw-current', 'pw.current', 'current-password', (el) => (current = el), required() ? 'pw.currentHint' : undefined)}
        {input('newPassword', 'pw-new', 'pw.new', 'new-password', (el) => (fresh = el), 'pw.newHint', checkNew)}
        {input('repeat', 'pw-repeat', 'pw.repeat', 'new-password', (el) => (repeat = el))}
        <label class="checkbox password-show">
          <input type="checkbox" checked={show()} onChange={(e) => setShow(e.currentTarget.checked)} /> {tr('pw.show')}
        </label>
        <button type="submit" class="btn btn-primary btn-lg btn-block" disabled={!ready() || busy()}>
          {busy() ? tr('pw.submitting') : tr('pw.submit')}
        </button>
      </form>
    </Show>
  );
}
