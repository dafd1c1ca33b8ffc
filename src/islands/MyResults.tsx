// /results/ — all my attempts (newest first): score, pass/fail where the review policy shows them,
// and a link to the review (or back into the runner for one in progress).
import { createResource, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getMyResults, type MyResultRow } from '../client/exam-api.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

export default function MyResults(props: { locale: Locale }) {
  const tr = translator(props.locale);
  const [rows, { refetch }] = createResource(() => (hasStoredSession() ? true : null), getMyResults);
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const link = (r: MyResultRow) =>
    r.state === 'in_progress'
      ? localePath(props.locale, `/exams/take/?id=${encodeURIComponent(r.examId)}&attempt=${encodeURIComponent(r.attemptId)}`)
      : localePath(props.locale, `/results/attempt/?id=${encodeURIComponent(r.attemptId)}`);

  return (
    <div>
      <Show when={rows.error}>
        <LoadError error={rows.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={rows.loading && !valueOf(rows)}>
        <span class="visually-hidden" role="status">{tr('app.loading')}</span>
        <span class="skeleton" style={{ height: '12rem' }} />
      </Show>
      <Show when={valueOf(rows) && valueOf(rows)!.length === 0}>
        <div class="card empty">
          <p>{tr('results.empty')}</p>
          <a class="btn btn-primary" href={localePath(props.locale, '/exams/')}>{tr('nav.exams')}</a>
        </div>
      </Show>
      <Show when={valueOf(rows) && valueOf(rows)!.length > 0}>
        <div class="table-wrap">
          <table class="table results-table" data-testid="my-results">
            <thead>
              <tr>
                <th scope="col">{tr('results.exam')}</th>
                <th scope="col">{tr('results.date')}</th>
                <th scope="col">{tr('results.state')}</th>
                <th scope="col" class="num">{tr('results.score')}</th>
                <th scope="col">{tr('results.outcome')}</th>
                <th scope="col"><span class="visually-hidden">{tr('results.review')}</span></th>
              </tr>
            </thead>
            <tbody>
              <For each={valueOf(rows)}>
                {(r) => (
                  <tr>
                    <td data-label={tr('results.exam')}>
                      <strong>{r.examTitle}</strong>
                      <span class="muted small block">{tr('results.attempt', { n: r.attemptNo })}</span>
                    </td>
                    <td data-label={tr('results.date')}>{formatDateTime(r.finishedAt ?? r.startedAt, props.locale)}</td>
                    <td data-label={tr('results.state')}>
                      <span class={`badge ${r.state === 'in_progress' ? 'badge-hr' : ''}`}>{tr(`result.state.${r.state}` as UiKey)}</span>
                    </td>
                    <td class="num" data-label={tr('results.score')}>
                      <Show when={r.scoreVisible && r.score !== null} fallback={<span class="muted">—</span>}>
                        <strong>{formatNumber(r.score)}</strong>
                        <span class="muted"> / {formatNumber(r.maxScore)}</span>
                        <span class="muted small block">{formatNumber(r.percent)}%</span>
                      </Show>
                    </td>
                    <td data-label={tr('results.outcome')}>
                      <Show
                        when={r.scoreVisible && r.passed !== null}
                        fallback={<span class="muted">{r.needsGrading ? tr('result.pendingGrading') : '—'}</span>}
                      >
                        <span class={`badge ${r.passed ? 'badge-trainer' : 'badge-danger'}`}>{r.passed ? tr('result.passed') : tr('result.failed')}</span>
                      </Show>
                    </td>
                    <td>
                      <a class="btn btn-secondary btn-sm" href={link(r)}>
                        {r.state === 'in_progress' ? tr('results.continue') : tr('results.review')}
                      </a>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  );
}
