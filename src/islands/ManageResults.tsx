// /manage/results/ — trainers, HR and admins: every exam in my scope (also those nobody has taken
// yet), the attempts of the people in my scope for one exam (RLS decides the scope), who in the
// audience has not started, a summary, links to each attempt's details, and a CSV export that is
// safe to open in Excel (src/core/csv.ts guards against formula injection).
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { api, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import type { ManageResultRow } from '../client/exam-api.ts';
import { getScopeExams, type NotStartedRow } from '../client/trainer-api.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { toCsv } from '../core/csv.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import { examsTr, type ExamsKey } from '../i18n/trainer-exams.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

export default function ManageResults(props: { locale: Locale }) {
  const tr = translator(props.locale);
  const tx = examsTr(props.locale);
  const [examList, { refetch }] = createResource(() => (hasStoredSession() ? true : null), () => getScopeExams());
  const [examId, setExamId] = createSignal(new URLSearchParams(location.search).get('examId') ?? '');
  const [query, setQuery] = createSignal('');

  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const exams = createMemo(() => valueOf(examList) ?? []);
  const selected = () => examId() || exams()[0]?.id || '';
  const [detail] = createResource(() => (selected() ? selected() : null), (id) =>
    api<{ rows: ManageResultRow[]; notStarted?: NotStartedRow[] }>(`/api/manage/results?examId=${encodeURIComponent(id)}`));
  const rows = () => valueOf(detail)?.rows ?? [];
  const matchesQuery = (name: string, no: string) => {
    const q = query().trim().toLowerCase();
    return !q || name.toLowerCase().indexOf(q) !== -1 || no.toLowerCase().indexOf(q) !== -1;
  };
  const visible = createMemo(() => rows().filter((r) => r.examId === selected() && matchesQuery(r.name, r.employeeNo)));
  const notStarted = createMemo(() => (valueOf(detail)?.notStarted ?? []).filter((p) => matchesQuery(p.name, p.employeeNo)));
  const current = () => exams().find((e) => e.id === selected()) ?? null;
  const summary = createMemo(() => {
    const scored = visible().filter((r) => r.state !== 'in_progress' && r.score !== null);
    const avg = scored.length ? scored.reduce((s, r) => s + (r.score as number), 0) / scored.length : null;
    const judged = scored.filter((r) => r.passed !== null);
    const rate = judged.length ? `${formatNumber((judged.filter((r) => r.passed).length / judged.length) * 100)}%` : '—';
    return tr('manage.summary', { n: visible().length, avg: formatNumber(avg), rate });
  });

  const choose = (id: string) => {
    setExamId(id);
    try {
      history.replaceState(history.state, '', `${location.pathname}?examId=${encodeURIComponent(id)}`);
    } catch {
      /* the selection still works without the URL */
    }
  };

  const stateLabel = (r: ManageResultRow) => tr(`result.state.${r.state}` as UiKey);
  const passedLabel = (r: ManageResultRow) => (r.passed === null ? (r.needsGrading ? tr('result.pendingGrading') : '—') : r.passed ? tr('manage.yes') : tr('manage.no'));

  const exportCsv = () => {
    const header = [
      tr('manage.col.name'), tr('manage.col.employeeNo'), tr('manage.col.org'), tr('manage.col.attempt'), tr('manage.col.state'),
      tr('manage.col.score'), tr('manage.col.percent'), tr('manage.col.passed'), tr('manage.col.focus'), tr('manage.col.finished'),
    ];
    const data = visible().map((r) => [
      r.name, r.employeeNo, r.orgName, r.attemptNo, stateLabel(r), r.score, r.percent, passedLabel(r), r.focusLosses, formatDateTime(r.finishedAt, props.locale),
    ]);
    const blob = new Blob([toCsv(header, data)], { type: 'text/csv;charset=utf-8' });
    const title = exams().find((e) => e.id === selected())?.title ?? 'results';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${title.replace(/[\\/:*?"<>|]/g, '_')}-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const forbidden = () => errorStatus(examList) === 403;

  return (
    <div class="vstack">
      <Show when={forbidden()}>
        <NoAccess locale={props.locale} tr={tr} />
      </Show>
      <Show when={examList.error && !forbidden()}>
        <LoadError error={examList.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={examList.loading && !valueOf(examList)}>
        <span class="visually-hidden" role="status">{tr('app.loading')}</span>
        <span class="skeleton" style={{ height: '14rem' }} />
      </Show>
      <Show when={valueOf(examList) && exams().length === 0}>
        <p class="card empty">{tr('manage.noExams')}</p>
      </Show>
      <Show when={valueOf(examList) && exams().length > 0}>
        <div class="card manage-controls">
          <label class="field">
            <span class="label">{tr('manage.pickExam')}</span>
            <select class="select" value={selected()} onChange={(e) => choose(e.currentTarget.value)} data-testid="manage-exam">
              <For each={exams()}>{(e) => <option value={e.id}>{e.title}{e.status !== 'published' ? `（${tx(`ex.status.${e.status}` as ExamsKey)}）` : ''}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="label">{tr('manage.filter')}</span>
            <input class="input" type="search" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
          </label>
          <div class="manage-summary">
            <span class="muted">{summary()}</span>
            <button type="button" class="btn btn-secondary" onClick={exportCsv} disabled={visible().length === 0}>
              {tr('manage.export')}
            </button>
          </div>
        </div>
        <Show when={current()}>{(e) => (
          <p class="muted small" data-testid="audience-summary">{tx('r.audience', { n: e().audience, p: e().people, m: e().notStarted })}</p>
        )}</Show>
        <Show when={detail.loading && !valueOf(detail)}><span class="skeleton" style={{ height: '6rem' }} /></Show>
        <Show when={valueOf(detail)}>
        <Show when={visible().length > 0} fallback={
          <p class="card empty" data-testid="results-empty">{query().trim() && rows().length > 0 ? tx('r.noOneMatches', { q: query().trim() }) : tx('r.nobodyYet')}</p>
        }>
          <div class="table-wrap">
            <table class="table manage-table" data-testid="manage-table">
              <thead>
                <tr>
                  <th scope="col">{tr('manage.col.name')}</th>
                  <th scope="col">{tr('manage.col.employeeNo')}</th>
                  <th scope="col">{tr('manage.col.org')}</th>
                  <th scope="col" class="num">{tr('manage.col.attempt')}</th>
                  <th scope="col">{tr('manage.col.state')}</th>
                  <th scope="col" class="num">{tr('manage.col.score')}</th>
                  <th scope="col" class="num">{tr('manage.col.percent')}</th>
                  <th scope="col">{tr('manage.col.passed')}</th>
                  <th scope="col" class="num">{tr('manage.col.focus')}</th>
                  <th scope="col"><span class="visually-hidden">{tr('manage.detail')}</span></th>
                </tr>
              </thead>
              <tbody>
                <For each={visible()}>
                  {(r) => (
                    <tr>
                      <td data-label={tr('manage.col.name')}><strong>{r.name}</strong></td>
                      <td data-label={tr('manage.col.employeeNo')} class="mono">{r.employeeNo}</td>
                      <td data-label={tr('manage.col.org')}>{r.orgName}</td>
                      <td data-label={tr('manage.col.attempt')} class="num">{r.attemptNo}</td>
                      <td data-label={tr('manage.col.state')}>
                        <span class={`badge ${r.state === 'in_progress' ? 'badge-hr' : r.state === 'auto_submitted' ? 'badge-admin' : ''}`}>{stateLabel(r)}</span>
                      </td>
                      <td data-label={tr('manage.col.score')} class="num">
                        {formatNumber(r.score)}
                        <Show when={r.maxScore !== null}><span class="muted"> / {formatNumber(r.maxScore)}</span></Show>
                      </td>
                      <td data-label={tr('manage.col.percent')} class="num">{r.percent === null ? '—' : `${formatNumber(r.percent)}%`}</td>
                      <td data-label={tr('manage.col.passed')}>
                        <Show when={r.passed !== null} fallback={<span class="muted">{passedLabel(r)}</span>}>
                          <span class={`badge ${r.passed ? 'badge-trainer' : 'badge-danger'}`}>{passedLabel(r)}</span>
                        </Show>
                      </td>
                      <td data-label={tr('manage.col.focus')} class={`num${r.focusLosses > 0 ? ' focus-flag' : ''}`}>{r.focusLosses}</td>
                      <td>
                        <a class="btn btn-ghost btn-sm" href={localePath(props.locale, `/manage/attempt/?id=${encodeURIComponent(r.attemptId)}`)}>
                          {tr('manage.detail')}
                        </a>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
        <section class="card not-started" aria-labelledby="not-started-title" data-testid="not-started">
          <h2 id="not-started-title" class="card-title">{tx('r.notStarted', { n: notStarted().length })}</h2>
          <Show when={notStarted().length > 0} fallback={
            <p class="muted">{query().trim() && (valueOf(detail)?.notStarted ?? []).length > 0 ? tx('r.noOneMatches', { q: query().trim() }) : tx('r.notStartedNone')}</p>
          }>
            <ul class="not-started-list">
              <For each={notStarted()}>{(p) => (
                <li><strong>{p.name}</strong> <span class="mono small">{p.employeeNo}</span> <span class="muted small">{p.orgName}</span>
                  <Show when={p.dueAt}><span class="small muted"> · {tx('r.dueAt')} {formatDateTime(p.dueAt, props.locale)}</span></Show></li>
              )}</For>
            </ul>
          </Show>
        </section>
        </Show>
      </Show>
    </div>
  );
}
