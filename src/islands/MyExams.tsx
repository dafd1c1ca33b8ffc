// /manage/exams/ — "my exams": every exam the trainer administers with status, window, audience
// and attempts so far, and the ways into the builder, results, marking and item statistics.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getMyExams, type MyExamRow } from '../client/trainer-api.ts';
import { formatDateTime } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { examsTr, type ExamsKey } from '../i18n/trainer-exams.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

export default function MyExams(props: { locale: Locale }) {
  const tx = examsTr(props.locale);
  const tr = translator(props.locale);
  const [filter, setFilter] = createSignal('active');
  const [rows, { refetch }] = createResource(() => (hasStoredSession() ? filter() : null), (f) => getMyExams(f));
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  const link = (path: string) => localePath(props.locale, path);
  const window = (r: MyExamRow) => r.window.open || r.window.close
    ? `${r.window.open ? formatDateTime(r.window.open, props.locale) : '…'} – ${r.window.close ? formatDateTime(r.window.close, props.locale) : '…'}`
    : tx('ex.noWindow');
  const audience = (r: MyExamRow) => [
    ...r.audience.orgUnits,
    ...(r.audience.roles ? [tx('ex.roles', { n: r.audience.roles })] : []),
    ...(r.audience.members ? [tx('ex.members', { n: r.audience.members })] : []),
  ].join('、') || '—';
  return (
    <div class="vstack">
      <div class="cluster">
        <a class="btn btn-primary" href={link('/manage/exams/edit/')} data-testid="new-exam">{tx('ex.new')}</a>
        <label class="cluster small"><span class="muted">{tx('ex.col.status')}</span>
          <select class="select" value={filter()} onChange={(e) => setFilter(e.currentTarget.value)}>
            <option value="active">{tx('ex.filter.active')}</option>
            <option value="all">{tx('ex.filter.all')}</option>
          </select>
        </label>
      </div>
      <Show when={errorStatus(rows) === 403}><NoAccess locale={props.locale} tr={tr} error={rows.error} /></Show>
      <Show when={rows.error && errorStatus(rows) !== 403}><LoadError error={rows.error} onRetry={() => void refetch()} tr={tr} /></Show>
      <Show when={rows.loading && !valueOf(rows)}><span class="skeleton" style={{ height: '10rem' }} /></Show>
      <Show when={valueOf(rows)}>{(list) => (
        <Show when={list().length > 0} fallback={<p class="card empty">{tx('ex.none')}</p>}>
          <div class="table-wrap">
            <table class="table my-exams" data-testid="my-exams">
              <thead><tr>
                <th scope="col">{tx('ex.col.title')}</th><th scope="col">{tx('ex.col.status')}</th><th scope="col">{tx('ex.col.window')}</th>
                <th scope="col">{tx('ex.col.audience')}</th><th scope="col" class="num">{tx('ex.col.attempts')}</th><th scope="col">{tx('ex.col.actions')}</th>
              </tr></thead>
              <tbody>
                <For each={list()}>{(r) => (
                  <tr>
                    <td data-label={tx('ex.col.title')}><a href={link(`/manage/exams/edit/?id=${encodeURIComponent(r.id)}`)}><strong>{r.title}</strong></a>
                      <div class="small muted">{tx(`ex.kind.${r.kind}` as ExamsKey)} · {r.questionCount} 题 · {r.ownerName}</div></td>
                    <td data-label={tx('ex.col.status')}><span class={`badge status-${r.status}`}>{tx(`ex.status.${r.status}` as ExamsKey)}</span></td>
                    <td data-label={tx('ex.col.window')} class="small">{window(r)}
                      <Show when={r.dueAt}><div class="muted">{tx('ex.due', { d: formatDateTime(r.dueAt, props.locale) })}</div></Show></td>
                    <td data-label={tx('ex.col.audience')} class="small">{audience(r)}</td>
                    <td data-label={tx('ex.col.attempts')} class="num small">{tx('ex.people', { n: r.people, a: r.attempts })}
                      <Show when={r.toGrade > 0}><div><a href={link(`/manage/grading/?examId=${encodeURIComponent(r.id)}`)}>{tx('ex.toGrade', { n: r.toGrade })}</a></div></Show></td>
                    <td data-label={tx('ex.col.actions')}>
                      <div class="cluster">
                        <a class="btn btn-ghost btn-sm" href={link(`/manage/exams/edit/?id=${encodeURIComponent(r.id)}`)}>{tx('ex.edit')}</a>
                        <a class="btn btn-ghost btn-sm" href={link(`/manage/results/?examId=${encodeURIComponent(r.id)}`)}>{tx('ex.results')}</a>
                        <a class="btn btn-ghost btn-sm" href={link(`/manage/exams/stats/?id=${encodeURIComponent(r.id)}`)}>{tx('ex.stats')}</a>
                      </div>
                    </td>
                  </tr>
                )}</For>
              </tbody>
            </table>
          </div>
        </Show>
      )}</Show>
    </div>
  );
}
