// /manage/reports/ — HR and admins: the completion report for a period and an org subtree (RLS: HR
// sees their subtree). Per child unit: assigned, completed, late, overdue, in progress, not started,
// exempt, passed, completion and participation rate, average and best score; drill down 总行 → 分行 →
// 支行 → people → one person's attempts (which count per the grading method), each level in the
// address (src/client/report-view.ts: refresh, back/forward and shared links keep it) and in the
// breadcrumb (总行 › 青岛分行 › 市南支行 › 人员明细 › 张三). By org at the period end,
// by current org or by org when assigned. Charts (chart.js, loaded only when the report has data)
// each with the same numbers in a table beside it; exports (xlsx, CSV); print (src/styles/hr.css).
import { batch, createEffect, createResource, createSignal, For, on, onCleanup, onMount, Show, type JSX, type Resource } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { readReportView, reportTrail, reportViewQuery, REPORT_BASES, sameReportView, type ReportView, type TrailStep } from '../client/report-view.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import {
  downloadExport, getPeople, getPersonAttempts, getReport, getTrend, listAssignments,
  type Basis, type CompletionReport, type PersonAttempts, type ReportParams, type ReportRow,
} from '../client/hr-api.ts';
import { GRADING_METHOD_LABELS } from '../core/completion.ts';
import { hrTr, hrZh, langOf, type HrTr } from '../i18n/hr.ts';

/** Refusals in the page's language: this area's `err.*` texts, then the generic ones (src/client/problem-text.ts). */
const hrSay = (locale: Locale) => areaSay(hrZh, hrTr(locale));
import { translator, type Locale } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';
import StatusBadge from './shared/StatusBadge.tsx';
import MyLiveResults from './MyLiveResults.tsx';

// Okabe–Ito: distinguishable with the common colour-vision deficiencies; every bar also has its number in the table.
const COLORS = { done: '#0072B2', onTime: '#009E73', late: '#E69F00', overdue: '#D55E00', bars: '#0072B2', line2: '#CC79A7' };

const pct = (v: number | null) => (v === null ? '—' : `${formatNumber(v)}%`);

function currentQuarter(): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

type ChartCtor = typeof import('chart.js/auto').default;
let chartLib: Promise<ChartCtor> | null = null;
const loadChart = () => (chartLib ??= import('chart.js/auto').then((m) => m.default));

/** A chart.js canvas that redraws when its config changes and is destroyed with the component. */
function ChartCanvas(props: { config: () => unknown; label: string; testid: string }) {
  let canvas!: HTMLCanvasElement;
  let chart: { destroy(): void } | null = null;
  createEffect(on(props.config, async (config) => {
    const Chart = await loadChart();
    chart?.destroy();
    chart = new Chart(canvas, config as never) as unknown as { destroy(): void };
  }));
  onCleanup(() => chart?.destroy());
  return <div class="chart-box"><canvas ref={canvas} role="img" aria-label={props.label} data-testid={props.testid} /></div>;
}

export default function Reports(props: { locale: Locale }) {
  const t = hrTr(props.locale);
  const tr = translator(props.locale);
  // The view lives in the address (src/client/report-view.ts): one signal per part, so opening a
  // person does not refetch the report, and each part's resource reloads only when it changes.
  const initial = readReportView(location.search, currentQuarter());
  const [period, setPeriod] = createSignal(initial.period);
  const [assignmentId, setAssignmentId] = createSignal(initial.assignmentId);
  const [basis, setBasis] = createSignal<Basis>(initial.basis);
  const [org, setOrg] = createSignal(initial.org);
  const [peopleFor, setPeopleFor] = createSignal(initial.people, { equals: (a, b) => a?.org === b?.org && a?.direct === b?.direct });
  const [personOf, setPersonOf] = createSignal(initial.person, { equals: (a, b) => a?.memberId === b?.memberId && a?.assignmentId === b?.assignmentId });
  const view = (): ReportView => ({ period: period(), basis: basis(), org: org(), assignmentId: assignmentId(), people: peopleFor(), person: personOf() });
  const show = (v: ReportView) => batch(() => {
    setPeriod(v.period); setBasis(v.basis); setOrg(v.org); setAssignmentId(v.assignmentId); setPeopleFor(v.people); setPersonOf(v.person);
  });
  const writeUrl = (v: ReportView, mode: 'push' | 'replace') => {
    const href = `${location.pathname}${reportViewQuery(v)}`;
    try { if (mode === 'push') history.pushState(null, '', href); else history.replaceState(null, '', href); } catch { /* fine without */ }
  };
  /** A drill-down step: a new history entry, so back returns to where the reader was. */
  const go = (v: ReportView) => {
    if (sameReportView(v, view())) return;
    writeUrl(v, 'push');
    show(v);
  };
  /** A filter (period, assignment, basis): the same entry, updated. */
  const filter = (patch: Partial<ReportView>) => {
    const v = { ...view(), ...patch };
    writeUrl(v, 'replace');
    show(v);
  };
  const hrefOf = (v: ReportView) => `${location.pathname}${reportViewQuery(v)}`;

  const params = (): ReportParams | null => (hasStoredSession() ? { period: period(), basis: basis(), org: org() || undefined, assignmentId: assignmentId() || undefined } : null);
  const [report, { refetch }] = createResource(params, getReport);
  const [assignments] = createResource(() => (hasStoredSession() ? period() : null), (p) => listAssignments(p).catch(() => ({ assignments: [] })));
  const [trend] = createResource(() => (hasStoredSession() ? { org: org() || undefined, basis: basis() } : null), (p) => getTrend(p).catch(() => ({ periods: [] })));
  const [person] = createResource(() => (hasStoredSession() ? personOf() : null), (p) => getPersonAttempts(p.assignmentId, p.memberId));
  const [exportProblem, setExportProblem] = createSignal<string | null>(null);
  const [exporting, setExporting] = createSignal(false);
  // Where focus goes after a drill-down click (not after back/forward or a reload).
  const [focusNext, setFocusNext] = createSignal<'people' | 'person' | null>(null);

  onMount(() => {
    if (!hasStoredSession()) { location.assign(signInUrl()); return; }
    // Normalise the address once (period and basis spelt out), then follow back/forward.
    writeUrl(view(), 'replace');
    const onPop = () => show(readReportView(location.search, currentQuarter()));
    window.addEventListener('popstate', onPop);
    onCleanup(() => window.removeEventListener('popstate', onPop));
  });

  const drill = (code: string) => go({ ...view(), org: code, people: null, person: null });
  const openPeople = (code: string, direct: boolean) => { setFocusNext('people'); go({ ...view(), people: { org: code, direct }, person: null }); };
  const openPerson = (assignment: string, member: string) => { setFocusNext('person'); go({ ...view(), person: { assignmentId: assignment, memberId: member } }); };
  const doExport = async (format: 'xlsx' | 'csv', rows?: 'person') => {
    const p = params();
    if (!p) return;
    setExporting(true);
    setExportProblem(null);
    try { await downloadExport({ ...p, format, rows }); } catch (x) { setExportProblem(x instanceof ApiError ? localDetail(x, props.locale, hrSay(props.locale)) : String(x)); } finally { setExporting(false); }
  };
  const forbidden = () => errorStatus(report) === 403;
  // In the page's language (src/client/problem-text.ts): a bad period or unit as the server coded it.
  /** The unit in the address that is not the reader's to see (`?org=QD` for a Jinan HR, `?org=NOPE`). */
  const outOfScope = () => {
    const p = (report.error as ApiError | undefined)?.problem as { code?: string; params?: { ref?: string } } | undefined;
    return errorStatus(report) === 400 && p?.code === 'org_out_of_scope' ? String(p.params?.ref ?? org()) : null;
  };
  const badScope = () => errorStatus(report) === 400
    ? Object.values(localFieldErrors(report.error, props.locale, hrSay(props.locale))).join(' ') || localDetail(report.error, props.locale, hrSay(props.locale)) : null;
  /** The listed unit's name: its row in the report, or the report unit itself. */
  const peopleUnitName = (r: CompletionReport, code: string) =>
    r.rows.find((row) => row.unit?.code === code)?.unit?.name ?? (r.unit.code === code ? r.unit.name : null);
  const peopleLabel = (r: CompletionReport, p: { org: string; direct: boolean }) =>
    p.direct ? `${peopleUnitName(r, p.org) ?? p.org} ${t('rp.direct')}` : (peopleUnitName(r, p.org) ?? p.org);

  return (
    <div class="vstack hr-page report-page">
      <Show when={forbidden()}><NoAccess locale={props.locale} tr={tr} roles={['hr', 'admin']} /></Show>
      <Show when={!forbidden()}>
        <form class="card hr-controls no-print" onSubmit={(e) => { e.preventDefault(); void refetch(); }}>
          <label class="field">
            <span class="label">{t('rp.period')}</span>
            <input class="input mono" value={period()} onChange={(e) => filter({ period: e.currentTarget.value.trim(), assignmentId: '', person: null })} data-testid="rp-period" />
          </label>
          <label class="field">
            <span class="label">{t('rp.assignment')}</span>
            <select class="select" value={assignmentId()} onChange={(e) => filter({ assignmentId: e.currentTarget.value, person: null })} data-testid="rp-assignment">
              <option value="">{t('rp.allAssignments')}</option>
              <For each={valueOf(assignments)?.assignments ?? []}>{(a) => <option value={a.id}>{a.title}</option>}</For>
            </select>
          </label>
          <fieldset class="field basis-switch">
            <legend class="label">{t('rp.basis')}</legend>
            <div class="cluster" role="radiogroup">
              <For each={REPORT_BASES}>
                {(b) => (
                  <label class="radio-pill">
                    <input type="radio" name="basis" value={b} checked={basis() === b} onChange={() => filter({ basis: b })} data-testid={`rp-basis-${b}`} />
                    <span>{t(`rp.basis.${b}`)}</span>
                  </label>
                )}
              </For>
            </div>
          </fieldset>
          <div class="cluster">
            <button type="button" class="btn btn-secondary" disabled={exporting()} onClick={() => void doExport('xlsx')} data-testid="rp-export-xlsx">{t('rp.export.xlsx')}</button>
            <button type="button" class="btn btn-secondary" disabled={exporting()} onClick={() => void doExport('csv')} data-testid="rp-export-csv">{t('rp.export.csv')}</button>
            <button type="button" class="btn btn-secondary" disabled={exporting()} onClick={() => void doExport('csv', 'person')} data-testid="rp-export-csv-person" title={t('rp.export.csvPersonHint')}>{t('rp.export.csvPerson')}</button>
            <button type="button" class="btn btn-ghost" onClick={() => window.print()}>{t('rp.print')}</button>
          </div>
        </form>
        <Show when={exportProblem()}><p class="alert alert-error" role="alert">{exportProblem()}</p></Show>
        <Show when={outOfScope()} fallback={<Show when={badScope()}><p class="alert alert-error" role="alert">{badScope()}</p></Show>}>
          {(ref) => (
            // One sentence with the way back: the report of the reader's own scope (no org in the address).
            <p class="alert alert-error" role="alert" data-testid="rp-out-of-scope">
              {t('rp.outOfScope', { ref: ref() })}
              <a href={hrefOf({ ...view(), org: '', people: null, person: null })}
                onClick={(e) => { e.preventDefault(); go({ ...view(), org: '', people: null, person: null }); }}>{t('rp.backToScope')}</a>
              {props.locale === 'en' ? '.' : '。'}
            </p>
          )}
        </Show>
        <Show when={report.error && !forbidden() && !badScope()}><LoadError error={report.error} onRetry={() => void refetch()} tr={tr} /></Show>
        <Show when={report.loading && !valueOf(report)}><span class="skeleton" style={{ height: '16rem' }} /></Show>
        <Show when={valueOf(report)}>
          {(r) => (
            <>
              <ReportHead
                r={r()} locale={props.locale} t={t} onGo={go} hrefOf={hrefOf}
                steps={reportTrail(view(), r().trail, {
                  people: t('rp.people'), direct: t('rp.direct'),
                  peopleUnitName: peopleFor() ? peopleUnitName(r(), peopleFor()!.org) : null,
                  personName: valueOf(person)?.person.name ?? (person.error ? t('rp.personMissing') : null),
                })}
              />
              <Show when={personOf()} fallback={
                <Show when={r().total.counts.assigned > 0} fallback={<p class="card empty">{t('rp.noRows')}</p>}>
                  <UnitTable r={r()} t={t} onDrill={drill} onPeople={openPeople} hrefOf={hrefOf} view={view} />
                  <Show when={peopleFor()}>
                    {(p) => (
                      <PeopleTable params={{ ...params()!, org: p().org }} direct={p().direct} label={peopleLabel(r(), p())} locale={props.locale} t={t}
                        onPerson={openPerson} personHref={(a, m) => hrefOf({ ...view(), person: { assignmentId: a, memberId: m } })}
                        focus={focusNext() === 'people'} onFocused={() => setFocusNext(null)} />
                    )}
                  </Show>
                  <Charts r={r()} trend={valueOf(trend)?.periods ?? []} t={t} locale={props.locale} />
                </Show>
              }>
                <PersonSection
                  person={person} locale={props.locale} t={t}
                  back={peopleFor() ? { label: `${peopleLabel(r(), peopleFor()!)} · ${t('rp.people')}`, to: { ...view(), person: null } } : { label: r().unit.name, to: { ...view(), person: null } }}
                  onGo={go} hrefOf={hrefOf} focus={focusNext() === 'person'} onFocused={() => setFocusNext(null)}
                />
              </Show>
            </>
          )}
        </Show>
      </Show>
    </div>
  );
}

/** A link to another view of this page: a real href (new tab, copy link), opened in place on a plain click. */
function ViewLink(props: { to: ReportView; onGo: (v: ReportView) => void; hrefOf: (v: ReportView) => string; class?: string; children: JSX.Element; testid?: string }) {
  return (
    <a href={props.hrefOf(props.to)} class={props.class} data-testid={props.testid}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        props.onGo(props.to);
      }}>
      {props.children}
    </a>
  );
}

function ReportHead(props: { r: CompletionReport; steps: TrailStep[]; locale: Locale; t: HrTr; onGo: (v: ReportView) => void; hrefOf: (v: ReportView) => string }) {
  const t = props.t;
  return (
    <header class="report-head">
      <nav aria-label={t('rp.trail')}>
        <ol class="path report-trail" data-testid="rp-trail">
          <For each={props.steps}>
            {(s) => (
              <li>
                <Show when={s.to} fallback={<strong aria-current="page">{s.label}</strong>}>
                  {(to) => <ViewLink to={to()} onGo={props.onGo} hrefOf={props.hrefOf}>{s.label}</ViewLink>}
                </Show>
              </li>
            )}
          </For>
        </ol>
      </nav>
      <p class="muted small report-meta" data-testid="rp-meta">
        {t('rp.meta', {
          period: props.r.period, scope: props.r.unit.name, basis: t(`rp.basis.${props.r.basis}`),
          at: formatDateTime(props.r.generatedAt, props.locale), who: `${props.r.generatedBy.name}（${props.r.generatedBy.employeeNo}）`,
        })}
      </p>
    </header>
  );
}

function UnitTable(props: {
  r: CompletionReport; t: HrTr; view: () => ReportView; hrefOf: (v: ReportView) => string;
  onDrill: (code: string) => void; onPeople: (code: string, direct: boolean) => void;
}) {
  const t = props.t;
  const cells = (row: ReportRow) => {
    const c = row.counts;
    return [c.assigned, c.completed + c.completedLate, c.completedLate, c.overdue, c.inProgress, c.notStarted, c.exempt, c.passed];
  };
  const heads = ['rp.col.assigned', 'rp.col.completed', 'rp.col.late', 'rp.col.overdue', 'rp.col.inProgress', 'rp.col.notStarted', 'rp.col.exempt', 'rp.col.passed'] as const;
  return (
    <div class="table-wrap">
      <table class="table report-table" data-testid="rp-table">
        <thead>
          <tr>
            <th scope="col">{t('rp.unit')}</th>
            <For each={heads}>{(h) => <th scope="col" class="num">{t(h)}</th>}</For>
            <th scope="col" class="num">{t('rp.col.completionRate')}</th>
            <th scope="col" class="num">{t('rp.col.participationRate')}</th>
            <th scope="col" class="num">{t('rp.col.avg')}</th>
            <th scope="col" class="num">{t('rp.col.best')}</th>
            <th scope="col" class="no-print"><span class="visually-hidden">{t('rp.drill')}</span></th>
          </tr>
        </thead>
        <tbody>
          <For each={props.r.rows}>
            {(row) => (
              <tr data-unit={row.unit?.code ?? ''}>
                <th scope="row">
                  <Show when={row.unit && row.hasChildren} fallback={row.unit ? row.unit.name : <span class="muted">{props.r.unit.name} {t('rp.direct')}</span>}>
                    <ViewLink to={{ ...props.view(), org: row.unit!.code, people: null, person: null }} hrefOf={props.hrefOf} onGo={(v) => props.onDrill(v.org)}>{row.unit!.name}</ViewLink>
                  </Show>
                </th>
                <For each={cells(row)}>{(v) => <td class="num">{v}</td>}</For>
                <td class="num">{pct(row.rates.completionRate)}</td>
                <td class="num">{pct(row.rates.participationRate)}</td>
                <td class="num">{formatNumber(row.rates.averageScore)}</td>
                <td class="num">{formatNumber(row.counts.bestScore)}</td>
                <td class="no-print">
                  <ViewLink class="btn btn-ghost btn-sm" testid={`rp-people-${row.unit?.code ?? 'direct'}`}
                    to={{ ...props.view(), people: { org: row.unit?.code ?? props.r.unit.code, direct: !row.unit }, person: null }}
                    hrefOf={props.hrefOf} onGo={(v) => props.onPeople(v.people!.org, v.people!.direct)}>
                    {t('rp.people')}
                  </ViewLink>
                </td>
              </tr>
            )}
          </For>
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('rp.total')}</th>
            <For each={cells(props.r.total)}>{(v) => <td class="num">{v}</td>}</For>
            <td class="num">{pct(props.r.total.rates.completionRate)}</td>
            <td class="num">{pct(props.r.total.rates.participationRate)}</td>
            <td class="num">{formatNumber(props.r.total.rates.averageScore)}</td>
            <td class="num">{formatNumber(props.r.total.counts.bestScore)}</td>
            <td class="no-print" />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function PeopleTable(props: {
  params: ReportParams; direct: boolean; label: string; locale: Locale; t: HrTr;
  onPerson: (assignment: string, member: string) => void; personHref: (assignment: string, member: string) => string;
  focus: boolean; onFocused: () => void;
}) {
  const t = props.t;
  const [limit, setLimit] = createSignal(200);
  const [q, setQ] = createSignal('');
  const [data] = createResource(() => ({ ...props.params, direct: props.direct, limit: limit(), q: q() || undefined }), getPeople);
  // A unit typed into the address that is not a row of the report: the server's name for it.
  const label = () => (!props.direct && props.label === props.params.org ? valueOf(data)?.unit.name ?? props.label : props.label);
  let heading!: HTMLHeadingElement;
  let section!: HTMLElement;
  // After "人员明细" is clicked the list is below the unit table: bring it into view and move focus to it.
  createEffect(() => {
    if (!props.focus) return;
    heading.focus({ preventScroll: true });
    section.scrollIntoView({ block: 'start' });
    props.onFocused();
  });
  return (
    <section class="stack people-section" aria-labelledby="rp-people-title" data-testid="rp-people-section" ref={section}>
      <div class="people-head">
        <h2 class="section-title" id="rp-people-title" tabindex="-1" ref={heading}>{label()} · {t('rp.people')} <span class="muted">({valueOf(data)?.total ?? '…'})</span></h2>
        <input class="input no-print" type="search" placeholder={t('rp.search')} aria-label={t('rp.search')} onChange={(e) => setQ(e.currentTarget.value.trim())} />
      </div>
      <Show when={data.error}><p class="alert alert-error" role="alert">{localDetail(data.error, props.locale, hrSay(props.locale))}</p></Show>
      <div class="table-wrap">
        <table class="table" data-testid="rp-people">
          <thead><tr>
            <th scope="col">{t('rp.col.name')}</th><th scope="col">{t('rp.col.no')}</th><th scope="col">{t('rp.col.unitEnd')}</th><th scope="col">{t('rp.col.unitNow')}</th>
            <th scope="col">{t('rp.assignment')}</th><th scope="col">{t('rp.col.status')}</th><th scope="col" class="num">{t('rp.col.score')}</th>
            <th scope="col">{t('rp.col.completedAt')}</th><th scope="col" class="num">{t('rp.col.attempts')}</th>
          </tr></thead>
          <tbody>
            <For each={valueOf(data)?.rows ?? []}>
              {(p) => (
                <tr data-member={p.employeeNo}>
                  <td data-label={t('rp.col.name')}>
                    <a href={props.personHref(p.assignmentId, p.memberId)} onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                      e.preventDefault();
                      props.onPerson(p.assignmentId, p.memberId);
                    }}>{p.name}</a>
                    <Show when={!p.active}> <span class="badge">{t('rp.inactive')}</span></Show>
                  </td>
                  <td data-label={t('rp.col.no')} class="mono">{p.employeeNo}</td>
                  <td data-label={t('rp.col.unitEnd')}>{p.periodEndUnit}</td>
                  <td data-label={t('rp.col.unitNow')}>{p.currentUnit}</td>
                  <td data-label={t('rp.assignment')}>{p.assignmentTitle}</td>
                  <td data-label={t('rp.col.status')}><StatusBadge status={p.status} atRisk={p.atRisk} locale={props.locale} t={t} />
                    <Show when={p.exemptReason}><div class="muted small">{p.exemptReason}</div></Show></td>
                  <td data-label={t('rp.col.score')} class="num">{formatNumber(p.score)}</td>
                  <td data-label={t('rp.col.completedAt')}>{formatDateTime(p.completedAt, props.locale)}</td>
                  <td data-label={t('rp.col.attempts')} class="num">{p.attempts}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={(valueOf(data)?.total ?? 0) > limit()}>
        <button type="button" class="btn btn-secondary no-print" onClick={() => setLimit(limit() + 500)}>{t('rp.more')}</button>
      </Show>
    </section>
  );
}

/** One person's attempts for one assignment, in place of the tables (the breadcrumb ends with the name). */
function PersonSection(props: {
  person: Resource<PersonAttempts>; back: { label: string; to: ReportView }; locale: Locale; t: HrTr;
  onGo: (v: ReportView) => void; hrefOf: (v: ReportView) => string; focus: boolean; onFocused: () => void;
}) {
  const t = props.t;
  const backLink = () => (
    <ViewLink to={props.back.to} onGo={props.onGo} hrefOf={props.hrefOf} class="btn btn-secondary no-print" testid="rp-person-back">
      {t('rp.backTo', { label: props.back.label })}
    </ViewLink>
  );
  return (
    <section class="card stack person-section" aria-labelledby="person-title" data-testid="rp-person">
      <Show when={props.person.error}>
        <p class="alert alert-error" role="alert">{localDetail(props.person.error, props.locale, hrSay(props.locale))}</p>
      </Show>
      <Show when={props.person.loading && !valueOf(props.person)}><span class="skeleton" style={{ height: '8rem' }} /></Show>
      <Show when={valueOf(props.person)}>
        {(p) => <PersonView p={p()} locale={props.locale} t={t} focus={props.focus} onFocused={props.onFocused} />}
      </Show>
      <div class="cluster">{backLink()}</div>
    </section>
  );
}

function PersonView(props: { p: PersonAttempts; locale: Locale; t: HrTr; focus: boolean; onFocused: () => void }) {
  const t = props.t;
  const method = () => props.p.assignment.gradingMethod as keyof (typeof GRADING_METHOD_LABELS)['zh'] | null;
  let heading!: HTMLHeadingElement;
  createEffect(() => {
    if (!props.focus) return;
    heading.focus();
    props.onFocused();
  });
  return (
    <div class="stack">
      <h2 id="person-title" tabindex="-1" ref={heading}>{props.p.person.name} <span class="mono muted">{props.p.person.employeeNo}</span></h2>
      <p class="muted">{props.p.assignment.title}<Show when={props.p.assignment.examTitle}> · {props.p.assignment.examTitle}</Show></p>
      <Show when={method()}>{(m) => <p class="small">{t('rp.att.method', { method: GRADING_METHOD_LABELS[langOf(props.locale)][m()], pass: formatNumber(props.p.assignment.passPercent) })}</p>}</Show>
      <Show when={props.p.exemptReason}>{(why) => <p class="small">{t('rp.exempted', { reason: why() })}</p>}</Show>
      <div class="table-wrap">
        <table class="table" data-testid="rp-attempts">
          <caption class="visually-hidden">{t('rp.attempts')}</caption>
          <thead><tr>
            <th scope="col" class="num">{t('rp.att.no')}</th><th scope="col">{t('rp.att.start')}</th><th scope="col">{t('rp.att.end')}</th>
            <th scope="col" class="num">{t('rp.att.duration')}</th><th scope="col" class="num">{t('rp.att.score')}</th><th scope="col">{t('rp.att.pass')}</th>
            <th scope="col" class="num">{t('rp.att.focus')}</th><th scope="col">{t('rp.att.counts')}</th>
          </tr></thead>
          <tbody>
            <For each={props.p.attempts} fallback={<tr><td colSpan={8} class="muted">{t('rp.att.none')}</td></tr>}>
              {(a) => (
                <tr classList={{ muted: a.beforeStart }}>
                  <td class="num">{a.attemptNo}</td>
                  <td>{formatDateTime(a.startedAt, props.locale)}</td>
                  <td>{formatDateTime(a.finishedAt, props.locale)}</td>
                  <td class="num">{a.durationSec === null ? '—' : `${Math.floor(a.durationSec / 60)}:${String(a.durationSec % 60).padStart(2, '0')}`}</td>
                  <td class="num">{a.percent === null ? '—' : `${formatNumber(a.percent)}%`}</td>
                  <td>{a.passed === null ? '—' : a.passed ? t('common.yes') : t('common.no')}</td>
                  <td class="num">{a.focusLosses}</td>
                  <td>{a.counts ? <strong class="counts-mark">✓ {t('rp.att.counts')}</strong> : a.beforeStart ? <span class="small">{t('rp.att.beforeStart')}</span> : ''}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      {/* Live contests the person sat in (app.live_results, RLS: people in the reader's scope). */}
      <MyLiveResults locale={props.locale} member={props.p.person.employeeNo} />
    </div>
  );
}

/** Completed late as a share of those required: the stacked bar is 按时完成率 + 逾期完成率 = 完成率. */
const lateRate = (r: { completionRate: number | null; onTimeRate: number | null }) =>
  Math.round(((r.completionRate ?? 0) - (r.onTimeRate ?? 0)) * 100) / 100;

function Charts(props: { r: CompletionReport; trend: { period: string; completionRate: number | null; onTimeRate: number | null }[]; t: HrTr; locale: Locale }) {
  const t = props.t;
  const rows = () => props.r.rows.filter((r) => r.counts.assigned - r.counts.exempt > 0);
  const label = (r: ReportRow) => r.unit?.name ?? t('rp.direct');
  const bins = () => props.r.histogram.map((n, i) => ({ range: i === 9 ? '90–100' : `${i * 10}–${i * 10 + 9}`, n }));
  const axisPct = { min: 0, max: 100, ticks: { callback: (v: number) => `${v}%` } };
  const completion = () => ({
    type: 'bar',
    data: {
      labels: rows().map(label),
      datasets: [
        { label: t('rp.chart.onTime'), data: rows().map((r) => r.rates.onTimeRate ?? 0), backgroundColor: COLORS.onTime },
        { label: t('rp.chart.lateRate'), data: rows().map((r) => lateRate(r.rates)), backgroundColor: COLORS.late },
      ],
    },
    options: { indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { ...axisPct, stacked: true }, y: { stacked: true } } },
  });
  const scores = () => ({
    type: 'bar',
    data: { labels: bins().map((b) => b.range), datasets: [{ label: t('rp.chart.people'), data: bins().map((b) => b.n), backgroundColor: COLORS.bars }] },
    options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const trend = () => ({
    type: 'line',
    data: {
      labels: props.trend.map((p) => p.period),
      datasets: [
        { label: t('rp.col.completionRate'), data: props.trend.map((p) => p.completionRate), borderColor: COLORS.done, backgroundColor: COLORS.done, pointStyle: 'circle' },
        { label: t('rp.chart.onTime'), data: props.trend.map((p) => p.onTimeRate), borderColor: COLORS.line2, backgroundColor: COLORS.line2, pointStyle: 'rectRot', borderDash: [6, 4] },
      ],
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { y: axisPct } },
  });
  return (
    <div class="charts stack-lg">
      <section class="chart-pair card" aria-labelledby="ch-completion">
        <h2 class="section-title" id="ch-completion">{t('rp.chart.completion')}</h2>
        <div class="chart-grid">
          <ChartCanvas config={completion} label={t('rp.chart.completion')} testid="chart-completion" />
          <table class="table small" data-testid="chart-completion-table">
            <caption class="visually-hidden">{t('rp.chart.tableNote')}</caption>
            <thead><tr><th scope="col">{t('rp.unit')}</th><th scope="col" class="num">{t('rp.col.completionRate')}</th><th scope="col" class="num">{t('rp.chart.onTime')}</th><th scope="col" class="num">{t('rp.chart.lateRate')}</th></tr></thead>
            <tbody><For each={rows()}>{(r) => <tr><th scope="row">{label(r)}</th><td class="num">{pct(r.rates.completionRate)}</td><td class="num">{pct(r.rates.onTimeRate)}</td><td class="num">{pct(r.rates.completionRate === null ? null : lateRate(r.rates))}</td></tr>}</For></tbody>
          </table>
        </div>
      </section>
      <section class="chart-pair card" aria-labelledby="ch-scores">
        <h2 class="section-title" id="ch-scores">{t('rp.chart.scores')}</h2>
        <div class="chart-grid">
          <ChartCanvas config={scores} label={t('rp.chart.scores')} testid="chart-scores" />
          <table class="table small" data-testid="chart-scores-table">
            <caption class="visually-hidden">{t('rp.chart.tableNote')}</caption>
            <thead><tr><th scope="col">{t('rp.chart.range')}</th><th scope="col" class="num">{t('rp.chart.people')}</th></tr></thead>
            <tbody><For each={bins()}>{(b) => <tr><th scope="row">{b.range}</th><td class="num">{b.n}</td></tr>}</For></tbody>
          </table>
        </div>
      </section>
      <Show when={props.trend.length > 0}>
        <section class="chart-pair card" aria-labelledby="ch-trend">
          <h2 class="section-title" id="ch-trend">{t('rp.chart.trend')}</h2>
          <div class="chart-grid">
            <ChartCanvas config={trend} label={t('rp.chart.trend')} testid="chart-trend" />
            <table class="table small" data-testid="chart-trend-table">
              <caption class="visually-hidden">{t('rp.chart.tableNote')}</caption>
              <thead><tr><th scope="col">{t('rp.period')}</th><th scope="col" class="num">{t('rp.col.completionRate')}</th><th scope="col" class="num">{t('rp.chart.onTime')}</th></tr></thead>
              <tbody><For each={props.trend}>{(p) => <tr><th scope="row">{p.period}</th><td class="num">{pct(p.completionRate)}</td><td class="num">{pct(p.onTimeRate)}</td></tr>}</For></tbody>
            </table>
          </div>
        </section>
      </Show>
    </div>
  );
}
