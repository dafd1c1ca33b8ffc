// /live/join/ — type the six-digit PIN (or arrive from the big screen's QR code with ?pin=…),
// signed in as yourself, and go to your seat on /live/play/?id=….
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { localePath, type Locale } from '../i18n/index.ts';
import { lv, type LiveKey } from '../i18n/live.ts';
import { localDetail } from '../client/problem-text.ts';

export default function LiveJoin(props: { locale: Locale }) {
  const t = (k: LiveKey, v?: Record<string, string | number>) => lv(props.locale, k, v);
  const [pin, setPin] = createSignal(new URLSearchParams(location.search).get('pin')?.replace(/\D/g, '').slice(0, 6) ?? '');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const go = async () => {
    setError(null);
    if (!/^[0-9]{6}$/.test(pin())) { setError(t('live.joinIntro')); return; }
    setBusy(true);
    try {
      const c = await api<{ id: string }>(`/api/live/pin/${pin()}`);
      location.assign(`${localePath(props.locale, '/live/play/')}?id=${encodeURIComponent(c.id)}`);
    } catch (e) {
      const code = e instanceof ApiError ? e.problem.code : undefined;
      setError(code === 'pin_unknown' ? t('live.pinError.pin_unknown') : code === 'pin_malformed' ? t('live.joinIntro') : localDetail(e, props.locale));
      setBusy(false);
    }
  };

  interface Played { id: string; title: string; plays: boolean; started: boolean; mine: null | { teamName: string; teamRank: number | null; teamScore: number | null; myPoints: number; finished: boolean } }
  const [played] = createResource(() => (hasStoredSession() ? true : null), () => api<{ contests: Played[] }>('/api/live').then((r) => r.contests.filter((c) => c.plays)));
  const playHref = (id: string) => `${localePath(props.locale, '/live/play/')}?id=${encodeURIComponent(id)}`;

  onMount(() => {
    if (!hasStoredSession()) { location.assign(signInUrl()); return; }
    if (pin().length === 6) void go();
  });

  return (
    <form class="live-join card stack" onSubmit={(e) => { e.preventDefault(); void go(); }} data-testid="live-join">
      <p class="muted">{t('live.joinIntro')}</p>
      <label class="field">
        <span class="label">{t('live.joinPin')}</span>
        <input class="input lj-pin" name="pin" inputmode="numeric" autocomplete="off" maxlength="6" pattern="[0-9]{6}"
          value={pin()} onInput={(e) => setPin(e.currentTarget.value.replace(/\D/g, '').slice(0, 6))} aria-invalid={Boolean(error())} aria-describedby="lj-error" />
      </label>
      <Show when={error()}><p class="field-error" id="lj-error" role="alert">{error()}</p></Show>
      <button type="submit" class="btn btn-primary btn-lg btn-block" disabled={busy()}>{t('live.joinGo')}</button>
      <p class="hint">{t('live.joinScan')}</p>
      <Show when={(played() ?? []).length > 0}>
        <section class="stack" data-testid="live-my-record">
          <h2 class="card-title">{t('live.myRecord')}</h2>
          <ul class="lj-record">
            <For each={played()}>
              {(c) => (
                <li>
                  <a href={playHref(c.id)}>{c.title}</a>
                  <Show when={c.mine} fallback={<span class="muted"> · {c.started ? t('live.started') : t('live.notStarted')}</span>}>
                    {(m) => <span class="muted"> · {t('live.myRecordLine', { team: m().teamName, rank: m().teamRank ?? '–', score: m().teamScore ?? '–', points: m().myPoints })}{m().finished ? '' : ` · ${t('live.started')}`}</span>}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </section>
      </Show>
    </form>
  );
}
