// Signed-in home: who I am (name, employee number, org path, roles) and where to go next.
// Extension points (see src/components/dashboard.ts): `cards` (link cards, role-filtered),
// `required` (the employee's required training, first) and `children` (sections with their own
// islands, rendered below the cards).
import { createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { localDetail } from '../client/problem-text.ts';
import { cachedMe, fetchMe, hasStoredSession, ME_EVENT, signOut, type Me } from '../client/session-hint.ts';
import { roleLabel, translator, type Locale } from '../i18n/index.ts';
import { icons } from '../components/icons.ts';
import type { DashboardCard } from '../components/dashboard.ts';

interface Props {
  locale: Locale;
  cards: DashboardCard[];
  /** Extra dashboard sections (DashboardSection blocks from HomePage.astro). */
  children?: JSX.Element;
  /** Required training (the `required` slot: MyAssignments), shown first, right below the profile. */
  required?: JSX.Element;
}

const Icon = (p: { name: keyof typeof icons; class?: string }) => (
  <svg class={p.class} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" innerHTML={icons[p.name]} />
);

export default function Dashboard(props: Props) {
  const tr = translator(props.locale);
  const [me, setMe] = createSignal<Me | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const load = () => {
    setError(null);
    fetchMe()
      .then(setMe)
      .catch((err: { status?: number; detail?: string }) => {
        // Session no longer valid: show the signed-out landing instead.
        if (err?.status === 401) return void signOut();
        setError(err?.status === 404 ? localDetail(err, props.locale) : tr('dashboard.error'));
      });
  };

  onMount(() => {
    if (!hasStoredSession()) return;
    const cached = cachedMe();
    if (cached) setMe(cached.me);
    load(); // always refresh here: the dashboard is where people check their own record
    const onMe = (e: Event) => {
      const next = (e as CustomEvent<Me | null>).detail;
      if (next) setMe(next);
    };
    window.addEventListener(ME_EVENT, onMe);
    onCleanup(() => window.removeEventListener(ME_EVENT, onMe));
  });

  const visibleCards = () => {
    const roles = me()?.roles ?? [];
    return props.cards.filter((c) => !c.roles || c.roles.some((r) => roles.includes(r)));
  };

  return (
    <div class="dashboard">
      <section class="dash-profile card" aria-labelledby="dash-greeting" aria-busy={!me() && !error()}>
        <Show
          when={me()}
          fallback={
            <Show
              when={error()}
              fallback={
                <div class="dash-loading">
                  <span class="visually-hidden" role="status">{tr('dashboard.loading')}</span>
                  <span class="skeleton" style={{ width: '3.5rem', height: '3.5rem', 'border-radius': '50%' }} />
                  <div style={{ flex: '1' }}>
                    <span class="skeleton" style={{ width: '40%', height: '1.75rem', 'margin-bottom': '0.75rem' }} />
                    <span class="skeleton" style={{ width: '70%', height: '1rem' }} />
                  </div>
                </div>
              }
            >
              <h1 id="dash-greeting" class="dash-title">{tr('dashboard.title')}</h1>
              <div class="alert alert-error" role="alert">
                <Icon name="alert" />
                <div>
                  <p style={{ margin: '0 0 0.5rem' }}>{error()}</p>
                  <button type="button" class="btn btn-secondary btn-sm" onClick={load}>{tr('dashboard.retry')}</button>
                </div>
              </div>
            </Show>
          }
        >
          {(m) => (
            <div class="dash-id">
              <div class="dash-id-head">
                <span class="avatar avatar-lg" aria-hidden="true">{m().name.slice(0, 1)}</span>
                <div>
                  <p class="dash-eyebrow">{tr('dashboard.title')}</p>
                  <h1 id="dash-greeting" class="dash-title">{tr('dashboard.greeting', { name: m().name })}</h1>
                </div>
              </div>
              <dl class="dash-facts">
                <div>
                  <dt>{tr('user.employeeNo')}</dt>
                  <dd class="num">{m().employeeNo}</dd>
                </div>
                <div class="fact-org">
                  <dt>{tr('dashboard.orgPath')}</dt>
                  <dd>
                    <ol class="path">
                      <For each={m().orgPath}>{(o) => <li>{o.name}</li>}</For>
                    </ol>
                  </dd>
                </div>
                <div>
                  <dt>{tr('dashboard.roles')}</dt>
                  <dd class="cluster">
                    <For each={m().roles}>{(r) => <span class={`badge badge-${r}`}>{roleLabel(props.locale, r)}</span>}</For>
                  </dd>
                </div>
                <Show when={m().scope}>
                  {(s) => (
                    <div>
                      <dt>{tr('dashboard.scope')}</dt>
                      <dd>{s().name}</dd>
                    </div>
                  )}
                </Show>
              </dl>
            </div>
          )}
        </Show>
      </section>

      {props.required}

      <section class="dash-start" aria-labelledby="dash-start-title">
        <h2 id="dash-start-title" class="section-title">{tr('dashboard.start')}</h2>
        <ul class="grid-cards dash-cards" role="list">
          <For each={visibleCards()}>
            {(c) => (
              <li>
                <a class="card card-link" href={c.href} data-card={c.id}>
                  <span class="card-icon"><Icon name={c.icon} /></span>
                  <span class="card-text">
                    <span class="card-title">{c.title}</span>
                    <span class="card-body">{c.body}</span>
                  </span>
                </a>
              </li>
            )}
          </For>
        </ul>
      </section>

      <div class="dashboard-sections stack-lg">{props.children}</div>
    </div>
  );
}
