// /contests/ — the contests I take part in (published or closed) and, for trainers/HR/admins, the
// contests of the units they manage (drafts included), with the ways into each.
import { createResource, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { fetchMe, hasStoredSession } from '../client/session-hint.ts';
import { listContests } from '../client/contests-api.ts';
import { formatDateTime } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { contestsTr } from '../i18n/contests.ts';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

export default function ContestList(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const tr = translator(props.locale);
  const link = (path: string) => localePath(props.locale, path);
  const [rows, { refetch }] = createResource(() => (hasStoredSession() ? 'go' : null), () => listContests());
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  const [me] = createResource(() => (hasStoredSession() ? 'go' : null), () => fetchMe().catch(() => null));
  const roles = () => valueOf(me)?.roles ?? [];
  const canCreate = () => roles().includes('trainer') || roles().includes('admin');
  const manager = () => canCreate() || roles().includes('hr');
  return (
    <div class="vstack">
      <Show when={manager()}>
        <div class="cluster">
          <Show when={canCreate()}><a class="btn btn-primary" href={link('/contests/edit/')} data-testid="new-contest">{tx('c.new')}</a></Show>
          <a class="btn btn-secondary" href={link('/contests/seasons/')}>{tx('c.seasons')}</a>
        </div>
      </Show>
      <Show when={rows.error}><LoadError error={rows.error} onRetry={() => void refetch()} tr={tr} /></Show>
      <Show when={rows.loading && !valueOf(rows)}><span class="skeleton" style={{ height: '8rem' }} /></Show>
      <Show when={valueOf(rows)}>{(list) => (
        <Show when={list().length} fallback={<p class="card empty">{manager() ? tx('c.noneManage') : tx('c.none')}</p>}>
          <ul class="contest-cards" data-testid="contest-list">
            <For each={list()}>{(c) => (
              <li class="card contest-card">
                <div class="cluster small">
                  <span class={`badge status-${c.status}`}>{tx(`c.status.${c.status}`)}</span>
                  <Show when={c.takesPart}><span class="badge badge-primary">{tx('c.role.part')}</span></Show>
                  <Show when={c.manages}><span class="badge badge-trainer">{tx('c.role.manage')}</span></Show>
                </div>
                <h2 class="card-title"><a href={link(`/contests/view/?id=${encodeURIComponent(c.id)}`)}>{c.title}</a></h2>
                <p class="small muted">
                  {[tx('c.owner', { name: c.ownerName }), tx('c.rounds', { n: c.rounds }), tx('c.teams', { n: c.teams }),
                    c.opens || c.closes ? `${formatDateTime(c.opens, props.locale)} – ${formatDateTime(c.closes, props.locale)}` : null].filter(Boolean).join(' · ')}
                </p>
                <div class="cluster">
                  <a class="btn btn-primary btn-sm" href={link(`/contests/view/?id=${encodeURIComponent(c.id)}`)}>{tx('c.open')}</a>
                  <Show when={c.status !== 'draft'}><a class="btn btn-ghost btn-sm" href={link(`/contests/board/?id=${encodeURIComponent(c.id)}`)}>{tx('c.board')}</a></Show>
                </div>
              </li>
            )}</For>
          </ul>
        </Show>
      )}</Show>
    </div>
  );
}
