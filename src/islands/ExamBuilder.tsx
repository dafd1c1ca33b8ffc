// /manage/exams/edit/?id=… (or without id: a new exam) — trainers/admins build an exam with every
// setting the engine has: blueprint rows (banks × type × topic × difficulty × count × points, with
// live "available in bank" counts checked by the server) or fixed questions picked from a bank,
// window, time limit, attempts, grading method, pass mark, multiple-choice rule, review policy,
// focus-loss limit, shuffling, audience (units, roles, named people, due dates), per-person
// overrides, preview (the runner's own rendering, no keys), publish/unpublish/archive and clone.
// Server problems are shown next to the field or row they name (problem+json `errors`).
import { createEffect, createResource, createSignal, For, Index, on, onCleanup, onMount, Show } from 'solid-js';
import { createStore, produce, unwrap } from 'solid-js/store';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import {
  checkBlueprint, cloneExam, createExam, deleteOverride, getBuilderExam, getBuilderOptions, previewPaper, putOverride, searchQuestions,
  setExamStatus, updateExam, type BlueprintCheck, type BlueprintRow, type BuilderExam, type BuilderOptions, type Flags, type ReviewPolicy,
} from '../client/trainer-api.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { examsTr, examsZh, type ExamsKey } from '../i18n/trainer-exams.ts';
import { areaSay, localDetail, localFieldErrors, localizeFields, sayCode } from '../client/problem-text.ts';
import { pointsLabel, questionTypeLabel } from '../i18n/question-types.ts';
import QuestionBody from './exam/QuestionBody.tsx';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

const TYPES = ['single', 'multiple', 'truefalse', 'fill', 'short'] as const;
const FLAGS: (keyof Flags)[] = ['score', 'correctness', 'rightAnswers', 'explanations'];
const PHASES = ['during', 'immediately', 'afterClose'] as const;
const DEFAULT_POLICY: ReviewPolicy = {
  during: { score: false, correctness: false, rightAnswers: false, explanations: false },
  immediately: { score: true, correctness: true, rightAnswers: false, explanations: false },
  afterClose: { score: true, correctness: true, rightAnswers: true, explanations: true },
};

/** An ISO instant as a `datetime-local` value in the browser's zone, and back. */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

interface Row extends BlueprintRow { mode: 'random' | 'fixed' }

interface Form {
  title: string; description: string; kind: BuilderExam['kind']; ownerOrgUnit: string;
  windowOpen: string; windowClose: string; timeLimitMin: string; graceSec: number; attemptsAllowed: number;
  gradingMethod: BuilderExam['gradingMethod']; passPercent: number; multipleRule: BuilderExam['multipleRule'];
  shuffleQuestions: boolean; shuffleOptions: boolean; focusLossLimit: number; reviewPolicy: ReviewPolicy;
  rows: Row[];
  units: Record<string, { on: boolean; due: string }>;
  roles: { role: string; orgUnit: string; due: string }[];
  members: string;
  reason: string;
}

function emptyForm(): Form {
  return {
    title: '', description: '', kind: 'exam', ownerOrgUnit: '', windowOpen: '', windowClose: '', timeLimitMin: '60', graceSec: 60,
    attemptsAllowed: 1, gradingMethod: 'highest', passPercent: 60, multipleRule: 'all_or_nothing', shuffleQuestions: true, shuffleOptions: true,
    focusLossLimit: 0, reviewPolicy: structuredClone(DEFAULT_POLICY),
    rows: [{ mode: 'random', type: 'single', topic: null, difficulty: null, count: 10, points: 2, banks: ['official'] }],
    units: {}, roles: [], members: '', reason: '',
  };
}

function formOf(e: BuilderExam): Form {
  const units: Form['units'] = {};
  for (const u of e.audience.orgUnits) units[u.orgUnit] = { on: true, due: toLocalInput(u.dueAt ?? null) };
  return {
    title: e.title, description: e.description, kind: e.kind, ownerOrgUnit: e.ownerOrgUnit,
    windowOpen: toLocalInput(e.windowOpen), windowClose: toLocalInput(e.windowClose),
    timeLimitMin: e.timeLimitSec === null ? '' : String(Math.round(e.timeLimitSec / 60)), graceSec: e.graceSec,
    attemptsAllowed: e.attemptsAllowed, gradingMethod: e.gradingMethod, passPercent: e.passPercent, multipleRule: e.multipleRule,
    shuffleQuestions: e.shuffleQuestions, shuffleOptions: e.shuffleOptions, focusLossLimit: e.focusLossLimit,
    reviewPolicy: { during: e.reviewPolicy.during, immediately: e.reviewPolicy.immediately, afterClose: e.reviewPolicy.afterClose },
    rows: e.blueprint.sections.map((s) => ({ ...s, mode: s.questionIds ? 'fixed' : 'random', banks: s.banks ?? (s.questionIds ? undefined : ['official']) })),
    units,
    roles: e.audience.roles.map((r) => ({ role: r.role, orgUnit: r.orgUnit, due: toLocalInput(r.dueAt ?? null) })),
    members: e.audience.members.map((m) => m.member).join(', '),
    reason: '',
  };
}

function sectionOf(r: Row): BlueprintRow {
  if (r.mode === 'fixed') {
    const ids = r.questionIds ?? [];
    return { type: r.type, count: ids.length, points: Number(r.points), questionIds: ids };
  }
  return {
    type: r.type, count: Number(r.count), points: Number(r.points),
    ...(r.topic ? { topic: r.topic } : {}),
    ...(r.difficulty ? { difficulty: r.difficulty } : {}),
    banks: r.banks && r.banks.length ? r.banks : ['official'],
  };
}

export default function ExamBuilder(props: { locale: Locale }) {
  const tx = examsTr(props.locale);
  const sayEx = areaSay<ExamsKey>(examsZh, tx);
  /** A blueprint check with its row problems in the page's language (the server sends codes beside the English). */
  const localCheck = (c: BlueprintCheck): BlueprintCheck => ({
    ...c,
    errors: localizeFields(c.errors, c.fieldCodes, props.locale, sayEx),
    sections: c.sections.map((s) => ({ ...s, error: s.error === null ? null : sayCode(props.locale, s.errorCode ?? undefined, sayEx) ?? s.error })),
    message: c.message === null ? null : sayCode(props.locale, c.messageCode ?? undefined, sayEx) ?? c.message,
  });
  const tr = translator(props.locale);
  const signedIn = hasStoredSession();
  const [examId, setExamId] = createSignal(new URLSearchParams(location.search).get('id') ?? '');
  const [options] = createResource(() => (signedIn ? true : null), () => getBuilderOptions());
  const [exam, setExam] = createSignal<BuilderExam | null>(null);
  const [form, setForm] = createStore<Form>(emptyForm());
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal<{ kind: 'error' | 'success' | 'info'; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [check, setCheck] = createSignal<BlueprintCheck | null>(null);
  const [checking, setChecking] = createSignal(false);
  const [preview, setPreview] = createSignal<Awaited<ReturnType<typeof previewPaper>> | null>(null);
  const [loadError, setLoadError] = createSignal<unknown>(null);

  onMount(async () => {
    if (!signedIn) return location.assign(signInUrl());
    if (examId()) {
      try {
        const e = await getBuilderExam(examId());
        setExam(e);
        setForm(formOf(e));
      } catch (err) {
        setLoadError(err);
      }
    }
  });
  createEffect(on(() => valueOf(options), (o) => {
    if (o && !form.ownerOrgUnit) setForm('ownerOrgUnit', o.scope?.code ?? o.units[0]?.code ?? '');
  }));

  // Live "available in bank" counts: the server checks the rows as a start would (debounced).
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(() => JSON.stringify(form.rows.map(sectionOf)), (json) => {
    clearTimeout(timer);
    if (!valueOf(options)) return;
    setChecking(true);
    timer = setTimeout(async () => {
      try {
        setCheck(localCheck(await checkBlueprint({ sections: JSON.parse(json) })));
        // The rows were re-checked: a save's old row errors no longer apply.
        setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('blueprint.'))));
      } catch (err) {
        if (err instanceof ApiError && err.errors) {
          setCheck({ ok: false, sections: [], errors: prefix(localFieldErrors(err, props.locale, sayEx), 'blueprint.'), message: localDetail(err, props.locale, sayEx), questionCount: 0, totalPoints: 0 });
        }
      } finally {
        setChecking(false);
      }
    }, 350);
  }));
  onCleanup(() => clearTimeout(timer));

  const prefix = (e: Record<string, string>, p: string) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k.startsWith(p) ? k : `${p}${k}`, v]));
  const rowError = (i: number) => {
    const e = { ...(check()?.errors ?? {}), ...errors() };
    return Object.entries(e).filter(([k]) => k.startsWith(`blueprint.sections.${i}.`) || k === `blueprint.sections.${i}`).map(([, v]) => v)[0]
      ?? check()?.sections[i]?.error ?? null;
  };
  const fieldError = (k: string) => errors()[k];

  const body = () => {
    const units = Object.entries(form.units).filter(([, u]) => u.on).map(([code, u]) => ({ orgUnit: code, dueAt: fromLocalInput(u.due) }));
    const members = form.members.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean).map((m) => ({ member: m }));
    return {
      title: form.title, description: form.description, kind: form.kind, ownerOrgUnit: form.ownerOrgUnit || undefined,
      windowOpen: fromLocalInput(form.windowOpen), windowClose: fromLocalInput(form.windowClose),
      timeLimitSec: form.timeLimitMin.trim() === '' ? null : Math.round(Number(form.timeLimitMin) * 60),
      graceSec: Number(form.graceSec), attemptsAllowed: Number(form.attemptsAllowed), gradingMethod: form.gradingMethod,
      passPercent: Number(form.passPercent), multipleRule: form.multipleRule, shuffleQuestions: form.shuffleQuestions,
      shuffleOptions: form.shuffleOptions, focusLossLimit: Number(form.focusLossLimit), reviewPolicy: unwrap(form.reviewPolicy),
      blueprint: { sections: form.rows.map(sectionOf) },
      audience: { orgUnits: units, roles: form.roles.map((r) => ({ role: r.role, orgUnit: r.orgUnit, dueAt: fromLocalInput(r.due) })), members },
    };
  };

  // Refusals in the page's language from their codes (src/client/problem-text.ts): the field errors
  // beside their fields, the whole problem in the banner.
  const fail = (err: unknown) => {
    if (err instanceof ApiError) {
      setErrors(localFieldErrors(err, props.locale, sayEx));
      const detail = localDetail(err, props.locale, sayEx);
      setMessage({ kind: 'error', text: err.errors && (err.problem as { code?: string }).code === 'invalid_fields' ? tx('b.fixErrors') : err.errors ? `${tx('b.fixErrors')} ${detail}` : detail });
    } else setMessage({ kind: 'error', text: String(err) });
  };

  const save = async () => {
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const e = examId() ? await updateExam(examId(), { ...body(), reason: form.reason || null }) : await createExam(body());
      setExam(e);
      setForm(formOf(e));
      if (!examId()) {
        setExamId(e.id);
        history.replaceState(history.state, '', `${location.pathname}?id=${encodeURIComponent(e.id)}`);
      }
      setMessage({ kind: 'success', text: tx('b.saved') });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const status = async (s: string) => {
    setBusy(true);
    setMessage(null);
    try {
      const e = await setExamStatus(examId(), s, form.reason || undefined);
      setExam(e);
      setMessage({ kind: 'success', text: tx(`ex.status.${e.status}` as ExamsKey) });
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const clone = async () => {
    try {
      const e = await cloneExam(examId());
      location.assign(localePath(props.locale, `/manage/exams/edit/?id=${encodeURIComponent(e.id)}`));
    } catch (err) {
      fail(err);
    }
  };

  const showPreview = async () => {
    setMessage(null);
    try {
      setPreview(await previewPaper({ blueprint: { sections: form.rows.map(sectionOf) }, shuffleQuestions: form.shuffleQuestions, shuffleOptions: form.shuffleOptions }));
      queueMicrotask(() => document.getElementById('exam-preview')?.scrollIntoView({ behavior: 'smooth' }));
    } catch (err) {
      fail(err);
    }
  };

  const readOnly = () => exam()?.status === 'archived';
  const forbidden = () => errorStatus(options) === 403 || (loadError() as ApiError | null)?.status === 403;

  return (
    <div class="vstack builder" data-testid="exam-builder">
      <Show when={forbidden()}><NoAccess locale={props.locale} tr={tr} error={loadError() ?? options.error} /></Show>
      <Show when={(options.error || loadError()) && !forbidden()}><LoadError error={options.error ?? loadError()} onRetry={() => location.reload()} tr={tr} /></Show>
      <Show when={valueOf(options) && !forbidden() && !loadError()}>
        {(_) => {
          const o = () => valueOf(options) as BuilderOptions;
          return (
            <form class="vstack" onSubmit={(e) => { e.preventDefault(); void save(); }} novalidate>
              <div class="cluster builder-head">
                <h1>{examId() ? tx('b.titleEdit') : tx('b.titleNew')}</h1>
                <Show when={exam()}>{(e) => <span class={`badge status-${e().status}`} data-testid="exam-status">{tx(`ex.status.${e().status}` as ExamsKey)}</span>}</Show>
                <a class="btn btn-ghost btn-sm" href={localePath(props.locale, '/manage/exams/')}>{tx('b.back')}</a>
              </div>
              <Show when={exam()?.status === 'published'}><p class="alert alert-info">{tx('b.publishedNote')}</p></Show>
              <Show when={readOnly()}><p class="alert alert-warning">{tx('b.archivedNote')}</p></Show>
              <Show when={(exam()?.stats.attempts ?? 0) > 0}><p class="alert alert-info">{tx('b.hasAttempts', { n: exam()!.stats.attempts })}</p></Show>

              <fieldset class="card" disabled={readOnly()}>
                <legend class="card-title">{tx('b.basics')}</legend>
                <div class="builder-grid">
                  <label class="field"><span class="label">{tx('b.name')}</span>
                    <input class="input" name="title" value={form.title} aria-invalid={Boolean(fieldError('title'))} onInput={(e) => setForm('title', e.currentTarget.value)} />
                    <Show when={fieldError('title')}><span class="field-error">{fieldError('title')}</span></Show>
                  </label>
                  <label class="field"><span class="label">{tx('b.kind')}</span>
                    <select class="select" name="kind" value={form.kind} onChange={(e) => setForm('kind', e.currentTarget.value as Form['kind'])}>
                      <For each={['practice', 'exam', 'mock_contest']}>{(k) => <option value={k}>{tx(`ex.kind.${k}` as ExamsKey)}</option>}</For>
                    </select>
                  </label>
                  <label class="field"><span class="label">{tx('b.owner')}</span>
                    <select class="select" name="owner" value={form.ownerOrgUnit} onChange={(e) => setForm('ownerOrgUnit', e.currentTarget.value)}>
                      <For each={o().units}>{(u) => <option value={u.code}>{'　'.repeat(Math.max(0, u.depth))}{u.name}</option>}</For>
                    </select>
                  </label>
                </div>
                <label class="field"><span class="label">{tx('b.description')}</span>
                  <textarea class="textarea" rows="2" value={form.description} onInput={(e) => setForm('description', e.currentTarget.value)} />
                </label>
              </fieldset>

              <fieldset class="card" disabled={readOnly()}>
                <legend class="card-title">{tx('b.timing')}</legend>
                <div class="builder-grid">
                  <label class="field"><span class="label">{tx('b.windowOpen')}</span>
                    <input class="input" type="datetime-local" value={form.windowOpen} onInput={(e) => setForm('windowOpen', e.currentTarget.value)} />
                  </label>
                  <label class="field"><span class="label">{tx('b.windowClose')}</span>
                    <input class="input" type="datetime-local" value={form.windowClose} aria-invalid={Boolean(fieldError('windowClose'))} onInput={(e) => setForm('windowClose', e.currentTarget.value)} />
                    <Show when={fieldError('windowClose')}><span class="field-error">{fieldError('windowClose')}</span></Show>
                  </label>
                  <label class="field"><span class="label">{tx('b.timeLimit')}</span>
                    <input class="input" type="number" min="1" name="timeLimit" value={form.timeLimitMin} aria-invalid={Boolean(fieldError('timeLimitSec'))} onInput={(e) => setForm('timeLimitMin', e.currentTarget.value)} />
                    <Show when={fieldError('timeLimitSec')}><span class="field-error">{fieldError('timeLimitSec')}</span></Show>
                  </label>
                  <label class="field"><span class="label">{tx('b.grace')}</span>
                    <input class="input" type="number" min="0" max="600" value={form.graceSec} onInput={(e) => setForm('graceSec', Number(e.currentTarget.value))} />
                  </label>
                  <label class="field"><span class="label">{tx('b.attempts')}</span>
                    <input class="input" type="number" min="0" max="100" name="attempts" value={form.attemptsAllowed} onInput={(e) => setForm('attemptsAllowed', Number(e.currentTarget.value))} />
                  </label>
                  <label class="field"><span class="label">{tx('b.gradingMethod')}</span>
                    <select class="select" value={form.gradingMethod} onChange={(e) => setForm('gradingMethod', e.currentTarget.value as Form['gradingMethod'])}>
                      <For each={['highest', 'latest', 'first', 'average']}>{(g) => <option value={g}>{tx(`b.gm.${g}` as ExamsKey)}</option>}</For>
                    </select>
                  </label>
                </div>
              </fieldset>

              <fieldset class="card" disabled={readOnly()}>
                <legend class="card-title">{tx('b.scoring')}</legend>
                <div class="builder-grid">
                  <label class="field"><span class="label">{tx('b.pass')}</span>
                    <input class="input" type="number" min="0" max="100" name="pass" value={form.passPercent} aria-invalid={Boolean(fieldError('passPercent'))} onInput={(e) => setForm('passPercent', Number(e.currentTarget.value))} />
                    <Show when={fieldError('passPercent')}><span class="field-error">{fieldError('passPercent')}</span></Show>
                  </label>
                  <label class="field"><span class="label">{tx('b.multipleRule')}</span>
                    <select class="select" value={form.multipleRule} onChange={(e) => setForm('multipleRule', e.currentTarget.value as Form['multipleRule'])}>
                      <For each={['all_or_nothing', 'half_for_subset', 'per_option']}>{(m) => <option value={m}>{tx(`b.mr.${m}` as ExamsKey)}</option>}</For>
                    </select>
                  </label>
                  <label class="field"><span class="label">{tx('b.focus')}</span>
                    <input class="input" type="number" min="0" max="100" value={form.focusLossLimit} onInput={(e) => setForm('focusLossLimit', Number(e.currentTarget.value))} />
                  </label>
                </div>
                <div class="cluster">
                  <label class="check"><input type="checkbox" checked={form.shuffleQuestions} onChange={(e) => setForm('shuffleQuestions', e.currentTarget.checked)} /> {tx('b.shuffleQuestions')}</label>
                  <label class="check"><input type="checkbox" checked={form.shuffleOptions} onChange={(e) => setForm('shuffleOptions', e.currentTarget.checked)} /> {tx('b.shuffleOptions')}</label>
                </div>
              </fieldset>

              <fieldset class="card" disabled={readOnly()}>
                <legend class="card-title">{tx('b.review')}</legend>
                <p class="muted small">{tx('b.reviewHint')}</p>
                <div class="table-wrap">
                  <table class="table review-grid">
                    <thead><tr><th scope="col" />{FLAGS.map((f) => <th scope="col">{tx(`b.flag.${f}` as ExamsKey)}</th>)}</tr></thead>
                    <tbody>
                      <For each={PHASES}>{(p) => (
                        <tr>
                          <th scope="row">{tx(`b.phase.${p}` as ExamsKey)}</th>
                          <For each={FLAGS}>{(f) => (
                            <td><input type="checkbox" aria-label={`${tx(`b.phase.${p}` as ExamsKey)} ${tx(`b.flag.${f}` as ExamsKey)}`}
                              checked={form.reviewPolicy[p][f]} disabled={p === 'during' && (f === 'rightAnswers' || f === 'explanations')}
                              onChange={(e) => setForm('reviewPolicy', p, f, e.currentTarget.checked)} /></td>
                          )}</For>
                        </tr>
                      )}</For>
                    </tbody>
                  </table>
                </div>
                <Show when={fieldError('reviewPolicy.during')}><span class="field-error">{fieldError('reviewPolicy.during')}</span></Show>
              </fieldset>

              <fieldset class="card" disabled={readOnly()} data-testid="blueprint">
                <legend class="card-title">{tx('b.blueprint')}</legend>
                <p class="muted small">{tx('b.blueprintHint')}</p>
                <Index each={form.rows}>{(row, i) => (
                  <BlueprintRowEditor
                    row={row()} index={i} tx={tx} options={o()} locale={props.locale}
                    available={check()?.sections[i]?.available ?? null} checking={checking()} error={rowError(i)}
                    onChange={(fn) => setForm('rows', i, produce(fn))}
                    onRemove={() => setForm('rows', (rows) => rows.filter((_, k) => k !== i))}
                    onMove={(d) => setForm('rows', (rows) => {
                      const next = [...rows];
                      const j = i + d;
                      if (j < 0 || j >= next.length) return rows;
                      [next[i], next[j]] = [next[j]!, next[i]!];
                      return next;
                    })}
                    canRemove={form.rows.length > 1}
                  />
                )}</Index>
                <div class="cluster">
                  <button type="button" class="btn btn-secondary btn-sm" onClick={() => setForm('rows', (rows) => [...rows, { mode: 'random', type: 'single', topic: null, difficulty: null, count: 5, points: 2, banks: ['official'] }])}>{tx('b.addRow')}</button>
                  <span class="muted" data-testid="blueprint-total">{tx('b.total', { n: form.rows.reduce((n, r) => n + (r.mode === 'fixed' ? (r.questionIds?.length ?? 0) : Number(r.count)), 0), p: form.rows.reduce((n, r) => n + (r.mode === 'fixed' ? (r.questionIds?.length ?? 0) : Number(r.count)) * Number(r.points), 0) })}</span>
                  <Show when={checking()}><span class="muted small" role="status">{tx('b.checking')}</span></Show>
                </div>
                <Show when={check()?.message}><p class="alert alert-error" role="alert">{check()!.message}</p></Show>
              </fieldset>

              <fieldset class="card" disabled={readOnly()} data-testid="audience">
                <legend class="card-title">{tx('b.audience')}</legend>
                <p class="muted small">{tx('b.audienceHint')}</p>
                <Show when={fieldError('audience')}><p class="field-error">{fieldError('audience')}</p></Show>
                <div class="audience-units">
                  <For each={o().units}>{(u) => (
                    <div class="audience-unit" style={{ 'padding-left': `${Math.max(0, u.depth)}rem` }}>
                      <label class="check"><input type="checkbox" name={`unit-${u.code}`} checked={form.units[u.code]?.on ?? false}
                        onChange={(e) => setForm('units', u.code, { on: e.currentTarget.checked, due: form.units[u.code]?.due ?? '' })} /> {u.name}</label>
                      <Show when={form.units[u.code]?.on}>
                        <label class="inline-field"><span class="small muted">{tx('b.due')}</span>
                          <input class="input input-sm" type="datetime-local" value={form.units[u.code]?.due ?? ''} onInput={(e) => setForm('units', u.code, 'due', e.currentTarget.value)} />
                        </label>
                      </Show>
                    </div>
                  )}</For>
                </div>
                <h3 class="small">{tx('b.rolesIn')}</h3>
                <Index each={form.roles}>{(r, i) => (
                  <div class="cluster">
                    <select class="select" value={r().role} onChange={(e) => setForm('roles', i, 'role', e.currentTarget.value)} aria-label={tx('b.rolesIn')}>
                      <For each={o().roles}>{(x) => <option value={x}>{tx(`b.role.${x}` as ExamsKey)}</option>}</For>
                    </select>
                    <select class="select" value={r().orgUnit} onChange={(e) => setForm('roles', i, 'orgUnit', e.currentTarget.value)} aria-label={tx('b.units')}>
                      <For each={o().units}>{(u) => <option value={u.code}>{u.name}</option>}</For>
                    </select>
                    <input class="input" type="datetime-local" value={r().due} onInput={(e) => setForm('roles', i, 'due', e.currentTarget.value)} aria-label={tx('b.due')} />
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => setForm('roles', (rs) => rs.filter((_, k) => k !== i))}>{tx('b.remove')}</button>
                  </div>
                )}</Index>
                <button type="button" class="btn btn-secondary btn-sm" onClick={() => setForm('roles', (rs) => [...rs, { role: 'trainer', orgUnit: o().units[0]?.code ?? '', due: '' }])}>{tx('b.addRole')}</button>
                <label class="field"><span class="label">{tx('b.members')}</span>
                  <textarea class="textarea" rows="2" name="members" value={form.members} onInput={(e) => setForm('members', e.currentTarget.value)} />
                  <For each={Object.entries(errors()).filter(([k]) => k.startsWith('audience.'))}>{([, v]) => <span class="field-error">{v}</span>}</For>
                </label>
              </fieldset>

              <div class="card builder-actions">
                <Show when={exam()?.status === 'published'}>
                  <label class="field"><span class="label">{tx('b.reason')}</span>
                    <input class="input" value={form.reason} onInput={(e) => setForm('reason', e.currentTarget.value)} />
                  </label>
                </Show>
                <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role={m().kind === 'error' ? 'alert' : 'status'} data-testid="builder-message">{m().text}</p>}</Show>
                <div class="cluster">
                  <Show when={!readOnly()}>
                    <button type="submit" class="btn btn-primary" disabled={busy()} data-testid="save-exam">{busy() ? tx('b.saving') : tx('b.save')}</button>
                  </Show>
                  <button type="button" class="btn btn-secondary" onClick={() => void showPreview()} data-testid="preview-exam">{tx('b.preview')}</button>
                  <Show when={exam()}>{(e) => (
                    <>
                      <Show when={e().status === 'draft'}><button type="button" class="btn btn-primary" disabled={busy()} onClick={() => void status('published')} data-testid="publish-exam">{tx('b.publish')}</button></Show>
                      <Show when={e().status === 'published'}><button type="button" class="btn btn-secondary" disabled={busy()} onClick={() => void status('draft')}>{tx('b.unpublish')}</button></Show>
                      <Show when={e().status !== 'archived'}><button type="button" class="btn btn-ghost" disabled={busy()} onClick={() => void status('archived')}>{tx('b.archive')}</button></Show>
                      <button type="button" class="btn btn-ghost" onClick={() => void clone()}>{tx('b.clone')}</button>
                    </>
                  )}</Show>
                </div>
                <Show when={!exam()}><p class="muted small">{tx('b.saveFirst')}</p></Show>
              </div>

              <Show when={preview()}>{(p) => (
                <section class="card preview" id="exam-preview" data-testid="exam-preview" aria-labelledby="preview-title">
                  <div class="cluster"><h2 id="preview-title">{tx('b.previewTitle')}</h2>
                    <span class="muted">{tx('b.total', { n: p().questionCount, p: p().totalPoints })}</span>
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => void showPreview()}>{tx('b.previewAgain')}</button>
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => setPreview(null)}>{tx('b.closePreview')}</button>
                  </div>
                  <ol class="preview-list">
                    <For each={p().slots}>{(s) => (
                      <li class="preview-q">
                        <p class="small muted" id={`pv-${s.slot}`}>{s.slot}. {questionTypeLabel(props.locale, s.question.type)} · {pointsLabel(props.locale, s.points)}</p>
                        <QuestionBody question={s.question} response={null} idPrefix={`pv-${s.slot}`} locale={props.locale} labelledBy={`pv-${s.slot}`} />
                      </li>
                    )}</For>
                  </ol>
                </section>
              )}</Show>

              <Show when={exam()}>{(e) => <Overrides exam={e()} tx={tx} locale={props.locale} onChanged={async () => { setExam(await getBuilderExam(e().id)); }} />}</Show>
              <datalist id="people"><For each={o().people}>{(p) => <option value={p.employeeNo}>{p.name} · {p.unit}</option>}</For></datalist>
            </form>
          );
        }}
      </Show>
    </div>
  );
}

function BlueprintRowEditor(props: {
  row: Row; index: number; tx: ReturnType<typeof examsTr>; options: BuilderOptions; locale: Locale;
  available: number | null; checking: boolean; error: string | null; canRemove: boolean;
  onChange: (fn: (r: Row) => void) => void; onRemove: () => void; onMove: (d: number) => void;
}) {
  const tx = props.tx;
  const [picking, setPicking] = createSignal(false);
  const [q, setQ] = createSignal('');
  const [bank, setBank] = createSignal('');
  const [found, setFound] = createSignal<Awaited<ReturnType<typeof searchQuestions>>['questions']>([]);
  const search = async () => {
    const params: Record<string, string> = { type: props.row.type, limit: '30' };
    if (q()) params.q = q();
    if (bank()) params.bank = bank();
    setFound((await searchQuestions(params)).questions);
  };
  createEffect(on(() => [picking(), props.row.type, bank()], () => { if (picking()) void search(); }));
  const id = (s: string) => `row-${props.index}-${s}`;
  return (
    <div class={`blueprint-row${props.error ? ' has-error' : ''}`} data-testid={`blueprint-row-${props.index}`}>
      <div class="cluster blueprint-row-head">
        <strong>{tx('b.row', { n: props.index + 1 })}</strong>
        <label class="check"><input type="radio" name={id('mode')} checked={props.row.mode === 'random'} onChange={() => props.onChange((r) => { r.mode = 'random'; delete r.questionIds; r.banks = r.banks ?? ['official']; })} /> {tx('b.mode.random')}</label>
        <label class="check"><input type="radio" name={id('mode')} checked={props.row.mode === 'fixed'} onChange={() => props.onChange((r) => { r.mode = 'fixed'; r.questionIds = r.questionIds ?? []; })} /> {tx('b.mode.fixed')}</label>
        <span class="spacer" />
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onMove(-1)} aria-label={tx('b.up')}>↑</button>
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onMove(1)} aria-label={tx('b.down')}>↓</button>
        <Show when={props.canRemove}><button type="button" class="btn btn-ghost btn-sm" onClick={props.onRemove}>{tx('b.removeRow')}</button></Show>
      </div>
      <div class="blueprint-fields">
        <label class="field"><span class="label">{tx('b.type')}</span>
          <select class="select" name={id('type')} value={props.row.type} onChange={(e) => props.onChange((r) => { r.type = e.currentTarget.value as Row['type']; if (r.mode === 'fixed') r.questionIds = []; })}>
            <For each={TYPES}>{(t) => <option value={t}>{questionTypeLabel(props.locale, t)}</option>}</For>
          </select>
        </label>
        <Show when={props.row.mode === 'random'}>
          <label class="field"><span class="label">{tx('b.topic')}</span>
            <select class="select" name={id('topic')} value={props.row.topic ?? ''} onChange={(e) => props.onChange((r) => { r.topic = e.currentTarget.value || null; })}>
              <option value="">{tx('b.anyTopic')}</option>
              <For each={props.options.topics}>{(t) => <option value={t.id}>{t.title}</option>}</For>
            </select>
          </label>
          <label class="field"><span class="label">{tx('b.difficulty')}</span>
            <span class="cluster">
              <select class="select select-narrow" aria-label={tx('b.difficultyFrom')} value={props.row.difficulty?.[0] ?? ''} onChange={(e) => props.onChange((r) => {
                const v = Number(e.currentTarget.value);
                r.difficulty = v ? [v, Math.max(v, r.difficulty?.[1] ?? 5)] : null;
              })}>
                <option value="">{tx('b.anyTopic')}</option>
                <For each={[1, 2, 3, 4, 5]}>{(d) => <option value={d}>{d}</option>}</For>
              </select>
              –
              <select class="select select-narrow" aria-label={tx('b.difficultyTo')} value={props.row.difficulty?.[1] ?? ''} disabled={!props.row.difficulty} onChange={(e) => props.onChange((r) => {
                const v = Number(e.currentTarget.value);
                if (r.difficulty) r.difficulty = [Math.min(r.difficulty[0], v), v];
              })}>
                <For each={[1, 2, 3, 4, 5]}>{(d) => <option value={d}>{d}</option>}</For>
              </select>
            </span>
          </label>
          <label class="field"><span class="label">{tx('b.count')}</span>
            <input class="input input-narrow" type="number" min="1" name={id('count')} value={props.row.count} aria-invalid={Boolean(props.error)} onInput={(e) => { const v = Number(e.currentTarget.value); props.onChange((r) => { r.count = v; }); }} />
          </label>
        </Show>
        <label class="field"><span class="label">{tx('b.points')}</span>
          <input class="input input-narrow" type="number" min="0.5" step="0.5" name={id('points')} value={props.row.points} onInput={(e) => { const v = Number(e.currentTarget.value); props.onChange((r) => { r.points = v; }); }} />
        </label>
      </div>
      <Show when={props.row.mode === 'random'}>
        <div class="cluster bank-choice" role="group" aria-label={tx('b.banks')}>
          <span class="small muted">{tx('b.banks')}:</span>
          <For each={props.options.banks}>{(b) => (
            <label class="check small"><input type="checkbox" name={id(`bank-${b.id}`)} checked={(props.row.banks ?? []).includes(b.id)} onChange={(e) => {
              const on = e.currentTarget.checked;
              props.onChange((r) => { const s = new Set(r.banks ?? []); if (on) s.add(b.id); else s.delete(b.id); r.banks = [...s]; });
            }} /> {b.name} <span class="muted">({b.questionCount})</span></label>
          )}</For>
        </div>
      </Show>
      <Show when={props.row.mode === 'fixed'}>
        <div class="fixed-questions">
          <p class="small">{tx('b.picked', { n: props.row.questionIds?.length ?? 0 })}</p>
          <ol class="small">
            <For each={props.row.questionIds ?? []}>{(qid) => (
              <li><span class="mono">{qid}</span> <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onChange((r) => { r.questionIds = (r.questionIds ?? []).filter((x) => x !== qid); })}>{tx('b.remove')}</button></li>
            )}</For>
          </ol>
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPicking(!picking())}>{tx('b.pick')}</button>
          <Show when={picking()}>
            <div class="picker">
              <div class="cluster">
                <input class="input" type="search" placeholder={tx('b.search')} value={q()} onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); void search(); } }} />
                <select class="select" value={bank()} onChange={(e) => setBank(e.currentTarget.value)} aria-label={tx('b.banks')}>
                  <option value="">{tx('b.anyTopic')}</option>
                  <For each={props.options.banks}>{(b) => <option value={b.id}>{b.name}</option>}</For>
                </select>
                <button type="button" class="btn btn-secondary btn-sm" onClick={() => void search()}>{tx('b.search')}</button>
              </div>
              <Show when={found().length > 0} fallback={<p class="muted small">{tx('b.noQuestions')}</p>}>
                <ul class="picker-list">
                  <For each={found()}>{(x) => (
                    <li>
                      <button type="button" class="btn btn-ghost btn-sm" disabled={(props.row.questionIds ?? []).includes(x.id)}
                        onClick={() => props.onChange((r) => { r.questionIds = [...(r.questionIds ?? []), x.id]; })}>{tx('b.add')}</button>
                      <span class="mono small">{x.id}</span> <span class="small">{x.stem.length > 60 ? `${x.stem.slice(0, 60)}…` : x.stem}</span>
                    </li>
                  )}</For>
                </ul>
              </Show>
            </div>
          </Show>
        </div>
      </Show>
      <p class="small blueprint-status" aria-live="polite">
        <Show when={props.error} fallback={<Show when={props.available !== null && !props.checking}><span class="muted" data-testid={`available-${props.index}`}>{tx('b.available', { n: props.available ?? 0 })}</span></Show>}>
          <span class="field-error" data-testid={`row-error-${props.index}`}>{props.error}</span>
        </Show>
      </p>
    </div>
  );
}

function Overrides(props: { exam: BuilderExam; tx: ReturnType<typeof examsTr>; locale: Locale; onChanged: () => Promise<void> }) {
  const tx = props.tx;
  const [member, setMember] = createSignal('');
  const [extraMin, setExtraMin] = createSignal('0');
  const [extraAttempts, setExtraAttempts] = createSignal('0');
  const [open, setOpen] = createSignal('');
  const [close, setClose] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const saveOverride = async () => {
    setError(null);
    try {
      await putOverride(props.exam.id, member().trim(), {
        extraTimeSec: Math.round(Number(extraMin()) * 60), extraAttempts: Number(extraAttempts()),
        windowOpen: fromLocalInput(open()), windowClose: fromLocalInput(close()),
      });
      setMember('');
      await props.onChanged();
    } catch (err) {
      const say = areaSay<ExamsKey>(examsZh, tx);
      setError(err instanceof ApiError ? [localDetail(err, props.locale, say), ...Object.values(localFieldErrors(err, props.locale, say))].join(' ') : String(err));
    }
  };
  return (
    <section class="card" aria-labelledby="overrides-title">
      <h2 id="overrides-title" class="card-title">{tx('b.overrides')}</h2>
      <p class="muted small">{tx('b.overridesHint')}</p>
      <Show when={props.exam.overrides.length > 0} fallback={<p class="muted small">{tx('b.ovNone')}</p>}>
        <ul>
          <For each={props.exam.overrides}>{(o) => (
            <li class="cluster">
              <span>{o.name} <span class="mono">{o.member}</span></span>
              <span class="muted small">+{Math.round(o.extraTimeSec / 60)} min · +{o.extraAttempts}{o.windowClose ? ` · ${toLocalInput(o.windowOpen)} – ${toLocalInput(o.windowClose)}` : ''}</span>
              <button type="button" class="btn btn-ghost btn-sm" onClick={async () => { await deleteOverride(props.exam.id, o.member); await props.onChanged(); }}>{tx('b.ovRemove')}</button>
            </li>
          )}</For>
        </ul>
      </Show>
      <div class="builder-grid">
        <label class="field"><span class="label">{tx('b.ovMember')}</span><input class="input" list="people" value={member()} onInput={(e) => setMember(e.currentTarget.value)} /></label>
        <label class="field"><span class="label">{tx('b.ovExtraMin')}</span><input class="input" type="number" min="0" value={extraMin()} onInput={(e) => setExtraMin(e.currentTarget.value)} /></label>
        <label class="field"><span class="label">{tx('b.ovExtraAttempts')}</span><input class="input" type="number" min="0" value={extraAttempts()} onInput={(e) => setExtraAttempts(e.currentTarget.value)} /></label>
        <label class="field"><span class="label">{tx('b.ovOpen')}</span><input class="input" type="datetime-local" value={open()} onInput={(e) => setOpen(e.currentTarget.value)} /></label>
        <label class="field"><span class="label">{tx('b.ovClose')}</span><input class="input" type="datetime-local" value={close()} onInput={(e) => setClose(e.currentTarget.value)} /></label>
      </div>
      <Show when={error()}><p class="field-error" role="alert">{error()}</p></Show>
      <button type="button" class="btn btn-secondary btn-sm" disabled={!member().trim()} onClick={() => void saveOverride()}>{tx('b.ovSave')}</button>
    </section>
  );
}
