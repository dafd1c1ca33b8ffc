// /manage/assignments/ — trainers, HR and admins: required training by period. The list (with status
// counts per assignment), the form to assign an exam and/or lessons to org units, positions or people,
// and (?id=) one assignment with its people, where HR exempts someone with a reason (audited).
import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ApiError } from '../client/api.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import {
  cancelAssignment, createAssignment, getAssignment, getChoices, listAssignments, nextAssignment, setExemption, syncAssignment,
  withdrawExemption, type AssignmentPerson, type AssignmentSummary,
} from '../client/hr-api.ts';
import { STATUS_LABELS } from '../core/completion.ts';
import StatusBadge from './shared/StatusBadge.tsx';
import { hrTr, hrZh, langOf, type HrTr } from '../i18n/hr.ts';

/** Refusals in the page's language: this area's `err.*` texts, then the generic ones (src/client/problem-text.ts). */
const hrSay = (locale: Locale) => areaSay(hrZh, hrTr(locale));
import { localePath, translator, type Locale } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

function currentQuarter(): string {
  // The bank's clock is China Standard Time.
  const d = new Date(Date.now() + 8 * 3600_000);
  return `${d.getUTCFullYear()}Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

export default function ManageAssignments(props: { locale: Locale }) {
  const t = hrTr(props.locale);
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id');
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  return <Show when={id} fallback={<AssignmentList locale={props.locale} t={t} tr={tr} />}>{(i) => <AssignmentDetail id={i()} locale={props.locale} t={t} tr={tr} />}</Show>;
}

function AssignmentList(props: { locale: Locale; t: HrTr; tr: ReturnType<typeof translator> }) {
  const t = props.t;
  const [period, setPeriod] = createSignal(new URLSearchParams(location.search).get('period') ?? '');
  const [list, { refetch }] = createResource(() => (hasStoredSession() ? period() || ' ' : null), (p) => listAssignments(p.trim() || undefined));
  const [creating, setCreating] = createSignal(false);
  const [notice, setNotice] = createSignal<string | null>(null);
  const forbidden = () => errorStatus(list) === 403;
  const periods = createMemo(() => [...new Set((valueOf(list)?.assignments ?? []).map((a) => a.period))]);

  return (
    <div class="vstack hr-page">
      <Show when={forbidden()}><NoAccess locale={props.locale} tr={props.tr} error={list.error} roles={['trainer', 'hr', 'admin']} /></Show>
      <Show when={list.error && !forbidden()}><LoadError error={list.error} onRetry={() => void refetch()} tr={props.tr} /></Show>
      <Show when={!forbidden()}>
        <div class="card hr-controls">
          <label class="field">
            <span class="label">{t('as.period')}</span>
            <input class="input" list="hr-periods" value={period()} placeholder={t('as.periodHint')} data-testid="as-period-filter"
              onChange={(e) => setPeriod(e.currentTarget.value.trim())} />
            <datalist id="hr-periods"><For each={periods()}>{(p) => <option value={p} />}</For></datalist>
          </label>
          <button type="button" class="btn btn-primary" onClick={() => { setCreating(!creating()); setNotice(null); }} data-testid="as-new" aria-expanded={creating()}>
            {t('as.new')}
          </button>
        </div>
        <Show when={notice()}><p class="alert alert-success" role="status">{notice()}</p></Show>
        <Show when={creating()}>
          <AssignmentForm locale={props.locale} t={t} onDone={(n) => { setCreating(false); setNotice(t('as.form.created', { n })); void refetch(); }} onCancel={() => setCreating(false)} />
        </Show>
        <Show when={list.loading && !valueOf(list)}><span class="skeleton" style={{ height: '10rem' }} /></Show>
        <Show when={valueOf(list)}>
          {(l) => (
            <Show when={l().assignments.length > 0} fallback={<p class="card empty">{t('as.empty')}</p>}>
              <div class="table-wrap">
                <table class="table" data-testid="as-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('as.col.title')}</th><th scope="col">{t('as.period')}</th><th scope="col">{t('as.col.what')}</th>
                      <th scope="col">{t('as.col.scope')}</th><th scope="col">{t('as.col.due')}</th><th scope="col">{t('as.col.progress')}</th>
                      <th scope="col"><span class="visually-hidden">{t('as.view')}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={l().assignments}>
                      {(a) => (
                        <tr classList={{ muted: a.status === 'cancelled' }}>
                          <td data-label={t('as.col.title')}>
                            <strong>{a.title}</strong>
                            <Show when={a.recurrence === 'quarterly'}> <span class="badge">{t('as.quarterly')}</span></Show>
                            <Show when={a.status === 'cancelled'}> <span class="badge badge-danger">{t('as.cancelled')}</span></Show>
                          </td>
                          <td data-label={t('as.period')} class="mono">{a.period}</td>
                          <td data-label={t('as.col.what')}>{[a.examTitle, a.lessonIds.length ? `${t('as.form.lessons')} ×${a.lessonIds.length}` : null].filter(Boolean).join(' + ')}</td>
                          <td data-label={t('as.col.scope')}>{a.targets.map((x) => x.label).join('、')}</td>
                          <td data-label={t('as.col.due')}>{formatDateTime(a.dueAt, props.locale)}</td>
                          <td data-label={t('as.col.progress')}><Progress a={a} locale={props.locale} /></td>
                          <td><a class="btn btn-ghost btn-sm" href={`${localePath(props.locale, '/manage/assignments/')}?id=${encodeURIComponent(a.id)}`}>{t('as.view')}</a></td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          )}
        </Show>
      </Show>
    </div>
  );
}

function Progress(props: { a: AssignmentSummary; locale: Locale }) {
  const c = () => props.a.counts;
  const done = () => c().completed + c().completed_late;
  const required = () => c().assigned - c().exempt;
  const labels = STATUS_LABELS[langOf(props.locale)];
  return (
    <div class="as-progress">
      <span class="num">{done()}/{required()}</span>
      <progress max={Math.max(1, required())} value={done()} aria-label={`${done()}/${required()}`} />
      <span class="muted small">
        {(['overdue', 'exempt'] as const).filter((s) => c()[s] > 0).map((s) => `${labels[s]} ${c()[s]}`).join(' · ')}
      </span>
    </div>
  );
}

function splitList(text: string): string[] {
  return text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean);
}

function AssignmentForm(props: { locale: Locale; t: HrTr; onDone: (people: number) => void; onCancel: () => void }) {
  const t = props.t;
  const [choices] = createResource(getChoices);
  // Each unit with its code (两个市南支行 are told apart), and where a name repeats, its place in the tree.
  const unitOptions = createMemo(() => {
    const units = valueOf(choices)?.units ?? [];
    const seen = new Map<string, number>();
    for (const u of units) seen.set(u.name, (seen.get(u.name) ?? 0) + 1);
    return units.map((u) => ({ ...u, label: `${(seen.get(u.name) ?? 0) > 1 ? u.pathNames.replaceAll('/', ' › ') : u.name}（${u.code}）` }));
  });
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [problem, setProblem] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // A due date already past is allowed (catching up on a past period) but must be confirmed: everyone
  // not done shows as overdue at once, and the date cannot be changed afterwards.
  const [due, setDue] = createSignal('');
  const [pastDueOk, setPastDueOk] = createSignal(false);
  const dueIsPast = () => due() !== '' && Date.parse(`${due()}:00+08:00`) < Date.now();
  const err = (k: string) => errors()[k];
  const unitErrors = () => Object.entries(errors()).filter(([k]) => k.startsWith('targets.orgUnits')).map(([, v]) => v);
  const memberErrors = () => Object.entries(errors()).filter(([k]) => k.startsWith('targets.members')).map(([, v]) => v);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const local = (v: FormDataEntryValue | null) => (v ? `${String(v)}:00+08:00` : '');
    const body = {
      title: String(f.get('title') ?? ''),
      period: String(f.get('period') ?? '').trim(),
      examId: f.get('examId') ? String(f.get('examId')) : undefined,
      lessonIds: f.getAll('lessonIds').map(String),
      targets: {
        orgUnits: f.getAll('units').map((u) => ({ unit: String(u), subtree: true })),
        positions: splitList(String(f.get('positions') ?? '')),
        members: splitList(String(f.get('members') ?? '')),
      },
      startsAt: local(f.get('startsAt')),
      dueAt: local(f.get('dueAt')),
      recurrence: String(f.get('recurrence') ?? 'none'),
      // The server refuses a past due date unless confirmed (code due_in_past, shown next to the field).
      confirmPastDue: pastDueOk(),
    };
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const r = await createAssignment(body);
      props.onDone(r.people);
    } catch (x) {
      if (x instanceof ApiError) {
        // Field errors in the page's language where the server sent a code (src/client/problem-text.ts).
        setErrors(localFieldErrors(x, props.locale, hrSay(props.locale)));
        setProblem(x.errors ? t('as.form.fix') : localDetail(x, props.locale, hrSay(props.locale)));
      } else setProblem(String(x));
    } finally {
      setBusy(false);
    }
  };

  const q = currentQuarter();
  const qStart = () => {
    const y = q.slice(0, 4);
    const m = (Number(q.slice(5)) - 1) * 3 + 1;
    return `${y}-${String(m).padStart(2, '0')}-01T00:00`;
  };

  return (
    <form class="card stack as-form" onSubmit={submit} novalidate data-testid="as-form" aria-busy={busy()}>
      <Show when={problem()}><p class="alert alert-error" role="alert">{problem()}</p></Show>
      <div class="as-grid">
        <label class="field">
          <span class="label">{t('as.form.title')}</span>
          <input class="input" name="title" required placeholder={t('as.form.titleHint')} aria-invalid={!!err('title')} />
          <Show when={err('title')}><span class="field-error">{err('title')}</span></Show>
        </label>
        <label class="field">
          <span class="label">{t('as.period')}</span>
          <input class="input mono" name="period" value={q} required aria-invalid={!!err('period')} />
          <span class="hint">{t('as.periodHint')}</span>
          <Show when={err('period')}><span class="field-error">{err('period')}</span></Show>
        </label>
        <label class="field">
          <span class="label">{t('as.form.exam')}</span>
          <select class="select" name="examId" aria-invalid={!!err('examId')}>
            <option value="">{t('as.form.noExam')}</option>
            <For each={valueOf(choices)?.exams ?? []}>{(e) => <option value={e.id}>{e.title}</option>}</For>
          </select>
          <Show when={err('examId')}><span class="field-error">{err('examId')}</span></Show>
        </label>
        <label class="field">
          <span class="label">{t('as.form.lessons')}</span>
          <select class="select" name="lessonIds" multiple size="4" aria-invalid={!!err('lessonIds')}>
            <For each={valueOf(choices)?.lessons ?? []}>{(l) => <option value={l.id}>{l.title}</option>}</For>
          </select>
          <span class="hint">{t('as.form.lessonsHint')}</span>
          <Show when={err('lessonIds')}><span class="field-error">{err('lessonIds')}</span></Show>
        </label>
      </div>
      <fieldset class="as-targets">
        <legend class="label">{t('as.form.targets')}</legend>
        <Show when={err('targets')}><span class="field-error">{err('targets')}</span></Show>
        <div class="as-grid">
          <label class="field">
            <span class="label">{t('as.form.units')}</span>
            <select class="select" name="units" multiple size="6" data-testid="as-units" aria-invalid={unitErrors().length > 0}>
              <For each={unitOptions()}>{(u) => <option value={u.code}>{'\u3000'.repeat(Math.max(0, u.depth))}{u.label}</option>}</For>
            </select>
            <For each={unitErrors()}>{(m) => <span class="field-error">{m}</span>}</For>
          </label>
          <div class="stack">
            <label class="field">
              <span class="label">{t('as.form.positions')}</span>
              <input class="input" name="positions" list="as-positions" placeholder={t('as.form.positionsHint')} />
              <datalist id="as-positions"><For each={valueOf(choices)?.positions ?? []}>{(p) => <option value={p} />}</For></datalist>
            </label>
            <label class="field">
              <span class="label">{t('as.form.members')}</span>
              <input class="input mono" name="members" placeholder={t('as.form.membersHint')} aria-invalid={memberErrors().length > 0} />
              <For each={memberErrors()}>{(m) => <span class="field-error">{m}</span>}</For>
            </label>
          </div>
        </div>
      </fieldset>
      <div class="as-grid">
        <label class="field">
          <span class="label">{t('as.form.start')}</span>
          <input class="input" type="datetime-local" name="startsAt" value={qStart()} required aria-invalid={!!err('startsAt')} />
          <Show when={err('startsAt')}><span class="field-error">{err('startsAt')}</span></Show>
        </label>
        <div class="field">
          <label class="label" for="as-due-at">{t('as.form.due')}</label>
          <input id="as-due-at" class="input" type="datetime-local" name="dueAt" required aria-invalid={!!err('dueAt')} data-testid="as-due"
            onInput={(e) => { setDue(e.currentTarget.value); setPastDueOk(false); setErrors(({ dueAt: _, ...rest }) => rest); }} />
          <Show when={err('dueAt')} fallback={<span class="hint">{t('as.form.dueFixed')}</span>}><span class="field-error">{err('dueAt')}</span></Show>
          <Show when={dueIsPast()}>
            <div class="alert alert-warning as-past-due" role="alert" data-testid="as-past-due">
              <span>{t('as.form.pastDue', { at: formatDateTime(`${due()}:00+08:00`, props.locale) })}</span>
              <label class="checkbox"><input type="checkbox" checked={pastDueOk()} data-testid="as-past-due-ok"
                onChange={(e) => { setPastDueOk(e.currentTarget.checked); if (e.currentTarget.checked) setErrors(({ dueAt: _, ...rest }) => rest); }} /> {t('as.form.pastDueConfirm')}</label>
            </div>
          </Show>
        </div>
        <label class="field">
          <span class="label">{t('as.form.recurrence')}</span>
          <select class="select" name="recurrence" aria-invalid={!!err('recurrence')}>
            <option value="none">{t('as.form.once')}</option>
            <option value="quarterly">{t('as.form.quarterly')}</option>
          </select>
          <Show when={err('recurrence')}><span class="field-error">{err('recurrence')}</span></Show>
        </label>
      </div>
      <p class="hint">{t('as.form.rule')}</p>
      <div class="cluster">
        <button type="submit" class="btn btn-primary" disabled={busy()} data-testid="as-submit">{t('as.form.submit')}</button>
        <button type="button" class="btn btn-secondary" onClick={props.onCancel}>{t('as.form.cancel')}</button>
      </div>
    </form>
  );
}

function AssignmentDetail(props: { id: string; locale: Locale; t: HrTr; tr: ReturnType<typeof translator> }) {
  const t = props.t;
  const [a, { refetch }] = createResource(() => (hasStoredSession() ? props.id : null), getAssignment);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<string | null>(null);
  const [exempting, setExempting] = createSignal<string | null>(null);
  const [query, setQuery] = createSignal('');
  const forbidden = () => errorStatus(a) === 403 || errorStatus(a) === 404;
  const people = createMemo(() => {
    const q = query().trim();
    return (valueOf(a)?.people ?? []).filter((p) => !q || p.name.includes(q) || p.employeeNo.includes(q));
  });
  const act = async (fn: () => Promise<string>) => {
    setProblem(null);
    try { setNotice(await fn()); void refetch(); } catch (x) { setProblem(x instanceof ApiError ? localDetail(x, props.locale, hrSay(props.locale)) : String(x)); }
  };

  return (
    <div class="vstack hr-page">
      <a class="btn btn-ghost btn-sm back-link" href={localePath(props.locale, '/manage/assignments/')}>← {t('as.detail.back')}</a>
      <Show when={forbidden()}><NoAccess locale={props.locale} tr={props.tr} error={a.error} roles={['trainer', 'hr', 'admin']} /></Show>
      <Show when={a.error && !forbidden()}><LoadError error={a.error} onRetry={() => void refetch()} tr={props.tr} /></Show>
      <Show when={valueOf(a)}>
        {(x) => (
          <>
            <section class="card stack">
              <h2 class="as-title">{x().title} <span class="badge mono">{x().period}</span>
                <Show when={x().status === 'cancelled'}> <span class="badge badge-danger">{t('as.cancelled')}</span></Show></h2>
              <dl class="as-facts">
                <div><dt>{t('as.col.what')}</dt><dd>{[x().examTitle, x().lessonIds.length ? `${t('as.form.lessons')} ×${x().lessonIds.length}` : null].filter(Boolean).join(' + ')}</dd></div>
                <div><dt>{t('as.col.scope')}</dt><dd>{x().targets.map((g) => g.label).join('、')}</dd></div>
                <div><dt>{t('as.form.start')}</dt><dd>{formatDateTime(x().startsAt, props.locale)}</dd></div>
                <div><dt>{t('as.form.due')}</dt><dd>{formatDateTime(x().dueAt, props.locale)}
                  <span class="hint as-due-fixed" data-testid="as-due-fixed">{t('as.detail.dueFixed')}</span></dd></div>
                <div><dt>{t('as.col.progress')}</dt><dd><Progress a={x()} locale={props.locale} /></dd></div>
              </dl>
              <div class="cluster">
                <a class="btn btn-secondary btn-sm" href={`${localePath(props.locale, '/manage/reports/')}?period=${encodeURIComponent(x().period)}&assignmentId=${encodeURIComponent(x().id)}`}>{t('as.detail.report')}</a>
                <Show when={x().status === 'active'}>
                  <button type="button" class="btn btn-secondary btn-sm" onClick={() => act(async () => t('as.detail.synced', { n: (await syncAssignment(x().id)).added }))}>{t('as.detail.sync')}</button>
                  <Show when={x().recurrence === 'quarterly'}>
                    <button type="button" class="btn btn-secondary btn-sm" onClick={() => act(async () => t('as.detail.nextDone', { period: (await nextAssignment(x().id)).period }))}>{t('as.detail.next')}</button>
                  </Show>
                  <button type="button" class="btn btn-ghost btn-sm" onClick={() => {
                    const reason = prompt(t('as.detail.cancelReason'));
                    if (reason) void act(async () => { await cancelAssignment(x().id, reason); return t('as.cancelled'); });
                  }}>{t('as.detail.cancel')}</button>
                </Show>
              </div>
              <Show when={notice()}><p class="alert alert-success" role="status">{notice()}</p></Show>
              <Show when={problem()}><p class="alert alert-error" role="alert">{problem()}</p></Show>
            </section>
            <section class="stack">
              <div class="hr-controls">
                <h2 class="section-title">{t('as.detail.people')} <span class="muted">({x().people.length})</span></h2>
                <input class="input" type="search" placeholder={t('rp.search')} value={query()} onInput={(e) => setQuery(e.currentTarget.value)} aria-label={t('rp.search')} />
              </div>
              <div class="table-wrap">
                <table class="table" data-testid="as-people">
                  <thead><tr>
                    <th scope="col">{t('rp.col.name')}</th><th scope="col">{t('rp.col.no')}</th><th scope="col">{t('rp.unit')}</th>
                    <th scope="col">{t('rp.col.status')}</th><th scope="col" class="num">{t('rp.col.score')}</th><th scope="col">{t('rp.col.completedAt')}</th><th scope="col">{t('as.exempt')}</th>
                  </tr></thead>
                  <tbody>
                    <For each={people()}>
                      {(p) => (
                        <tr data-member={p.employeeNo}>
                          <td data-label={t('rp.col.name')}><strong>{p.name}</strong><Show when={!p.active}> <span class="badge">{t('rp.inactive')}</span></Show></td>
                          <td data-label={t('rp.col.no')} class="mono">{p.employeeNo}</td>
                          <td data-label={t('rp.unit')}>{p.unit}</td>
                          <td data-label={t('rp.col.status')}><StatusBadge status={p.status} atRisk={p.atRisk} locale={props.locale} t={t} />
                            <Show when={p.exemptReason}><div class="muted small">{p.exemptReason}</div></Show></td>
                          <td data-label={t('rp.col.score')} class="num">{formatNumber(p.score)}</td>
                          <td data-label={t('rp.col.completedAt')}>{formatDateTime(p.completedAt, props.locale)}</td>
                          <td>
                            <ExemptCell p={p} open={exempting() === p.employeeNo} onOpen={() => setExempting(exempting() === p.employeeNo ? null : p.employeeNo)}
                              t={t} onSave={(reason) => act(async () => {
                                if (p.exemptReason) await withdrawExemption(x().id, p.employeeNo, reason); else await setExemption(x().id, p.employeeNo, reason);
                                setExempting(null);
                                return `${p.name}：${p.exemptReason ? t('as.exemptWithdraw') : t('as.exempt')}`;
                              })} />
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </section>
          </>
        )}
      </Show>
    </div>
  );
}

function ExemptCell(props: { p: AssignmentPerson; open: boolean; onOpen: () => void; onSave: (reason: string) => Promise<void>; t: HrTr }) {
  const [reason, setReason] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    if (reason().trim().length < 2) { setError(props.t('as.exemptRequired')); return; }
    setError(null);
    await props.onSave(reason().trim());
  };
  return (
    <div>
      <button type="button" class="btn btn-ghost btn-sm" onClick={props.onOpen} aria-expanded={props.open} data-testid={`exempt-${props.p.employeeNo}`}>
        {props.p.exemptReason ? props.t('as.exemptWithdraw') : props.t('as.exempt')}
      </button>
      <Show when={props.open}>
        <form class="exempt-form stack" onSubmit={save}>
          <label class="field">
            <span class="label">{props.t('as.exemptReason')}</span>
            <input class="input" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} aria-invalid={!!error()} data-testid="exempt-reason" />
            {/* One line under the field: the hint, or the error that replaces it. */}
            <Show when={error()} fallback={<span class="hint">{props.t('as.exemptHint')}</span>}><span class="field-error" role="alert">{error()}</span></Show>
          </label>
          <button type="submit" class="btn btn-primary btn-sm" data-testid="exempt-save">{props.p.exemptReason ? props.t('as.exemptWithdraw') : props.t('as.exemptSave')}</button>
        </form>
      </Show>
    </div>
  );
}
