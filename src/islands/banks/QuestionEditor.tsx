// /manage/questions/edit/?id= (or ?bank= for a new question) — the trainer's editor for all five
// question types: options and key, blanks with alternatives, model answer and marking points,
// explanation, a source picked from the regulation register (instrument + article) or free text,
// difficulty, topic and tags. The live preview is the exam runner's own QuestionBody, fed the same
// public shape a taker receives. Validation runs on the server (src/interop validateDraft, the
// content check's rules); its problems are shown next to the fields. Every save is a new version.
import { createMemo, createResource, createSignal, For, Index, Match, onMount, Show, Switch } from 'solid-js';
import { api, ApiError, signInUrl } from '../../client/api.ts';
import { hasStoredSession } from '../../client/session-hint.ts';
import type { Bank, Duplicate, QuestionDetail, QuestionDraft, RowProblem } from '../../client/banks-api.ts';
import { QUESTION_TYPES, type QuestionPublic, type QuestionResponse, type QuestionType } from '../../core/questions.ts';
import { localePath, translator, type Locale } from '../../i18n/index.ts';
import { banksTr, banksZh, type BanksKey } from '../../i18n/banks.ts';
import { areaSay, localDetail } from '../../client/problem-text.ts';
import QuestionBody from '../exam/QuestionBody.tsx';
import NoAccess from '../shared/NoAccess.tsx';
import type { RegisterEntry } from './BankQuestions.tsx';

const LETTERS = 'ABCDEFGHIJ';
type Field = 'type' | 'stem' | 'options' | 'key' | 'explanation' | 'difficulty' | 'topic' | 'tags' | 'source' | 'id';
/** validateDraft names columns with the template's headers (FIELD_LABELS); map them back to fields. */
const COLUMN_FIELD: Record<string, Field> = { 题号: 'id', 题型: 'type', 题干: 'stem', 选项: 'options', 答案: 'key', 解析: 'explanation', 难度: 'difficulty', 知识点: 'topic', 标签: 'tags', 出处: 'source' };

function blankDraft(type: QuestionType, base?: Partial<QuestionDraft>): QuestionDraft {
  const common = { stem: base?.stem ?? '', explanation: base?.explanation ?? '', difficulty: base?.difficulty ?? 3, topic: base?.topic ?? '', tags: base?.tags ?? [], source: base?.source ?? null };
  switch (type) {
    case 'single': return { ...common, type, options: base?.options?.length ? base.options : [...'ABCD'].map((id) => ({ id, text: '' })), key: { answer: 'A' } } as QuestionDraft;
    case 'multiple': return { ...common, type, options: base?.options?.length ? base.options : [...'ABCD'].map((id) => ({ id, text: '' })), key: { answer: ['A', 'B'] } } as QuestionDraft;
    case 'truefalse': return { ...common, type, options: [], key: { answer: true } } as QuestionDraft;
    case 'fill': return { ...common, type, options: [], key: { blanks: [['']], orderInsensitive: false } } as QuestionDraft;
    case 'short': return { ...common, type, options: [], key: { modelAnswer: '', rubric: [] } } as QuestionDraft;
  }
}

export default function QuestionEditor(props: { locale: Locale; register: RegisterEntry[] }) {
  const tr = translator(props.locale);
  const t = banksTr(props.locale);
  const params = new URLSearchParams(location.search);
  const [id, setId] = createSignal(params.get('id'));
  const [bankId, setBankId] = createSignal(params.get('bank') ?? '');
  const [detail, setDetail] = createSignal<QuestionDetail | null>(null);
  const [draft, setDraft] = createSignal<QuestionDraft>(blankDraft('single'));
  const [problems, setProblems] = createSignal<RowProblem[]>([]);
  const [duplicates, setDuplicates] = createSignal<Duplicate[]>([]);
  const [message, setMessage] = createSignal<{ kind: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [forbidden, setForbidden] = createSignal(false);
  const [resolveReview, setResolveReview] = createSignal(true);
  const [previewResponse, setPreviewResponse] = createSignal<QuestionResponse>(null);
  const [shownVersion, setShownVersion] = createSignal<number | null>(null);
  const [sourceMode, setSourceMode] = createSignal<'register' | 'text' | 'none'>('none');
  const [tagText, setTagText] = createSignal('');
  const instruments = new Map(props.register.map((r) => [r.id, r]));
  // A new question opened without ?bank=: the trainer picks one of the banks they manage.
  const [myBanks] = createResource(() => (!params.get('id') && !params.get('bank') ? true : null), () => api<{ banks: Bank[] }>('/api/manage/banks'));
  const editableBanks = () => (myBanks.state === 'ready' ? myBanks()!.banks.filter((b) => b.canEdit && !b.readOnly) : []);

  const load = async (qid: string) => {
    try {
      const r = await api<{ question: QuestionDetail }>(`/api/manage/questions/${encodeURIComponent(qid)}`);
      applyDetail(r.question);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) setForbidden(true);
      else setMessage({ kind: 'error', text: localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)) });
    }
  };
  const applyDetail = (q: QuestionDetail) => {
    setDetail(q);
    setBankId(q.bank.id);
    setDraft(q.draft);
    setTagText(q.draft.tags.join(', '));
    setSourceMode(q.draft.source && 'instrument' in q.draft.source ? 'register' : q.draft.source && 'text' in q.draft.source ? 'text' : 'none');
    setShownVersion(null);
  };
  onMount(() => {
    if (!hasStoredSession()) { location.assign(signInUrl()); return; }
    const qid = id();
    if (qid) void load(qid);
  });

  const canEdit = () => (detail() ? detail()!.canEdit : true);
  const errorFor = (f: Field) => problems().filter((p) => COLUMN_FIELD[p.column] === f || p.column === f);
  const update = (patch: Partial<QuestionDraft>) => setDraft({ ...draft(), ...patch } as QuestionDraft);
  const setKey = (key: unknown) => setDraft({ ...draft(), key } as QuestionDraft);

  const changeType = (type: QuestionType) => setDraft(blankDraft(type, draft()));
  const options = () => draft().options;
  const setOption = (i: number, patch: Partial<QuestionDraft['options'][number]>) => update({ options: options().map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  const addOption = () => { if (options().length < LETTERS.length) update({ options: [...options(), { id: LETTERS[options().length]!, text: '' }] }); };
  const removeOption = (i: number) => {
    // Re-letter the options so ids stay A, B, C… in display order; the key follows its options.
    const kept = options().filter((_, j) => j !== i);
    const relabel = new Map(kept.map((o, j) => [o.id, LETTERS[j]!]));
    const key = draft().key as { answer: string | string[] };
    const answer = Array.isArray(key.answer) ? key.answer.filter((a) => relabel.has(a)).map((a) => relabel.get(a)!) : relabel.get(key.answer) ?? 'A';
    setDraft({ ...draft(), options: kept.map((o, j) => ({ ...o, id: LETTERS[j]! })), key: { answer } } as QuestionDraft);
  };
  const isCorrect = (oid: string) => {
    const a = (draft().key as { answer: unknown }).answer;
    return Array.isArray(a) ? a.includes(oid) : a === oid;
  };
  const markCorrect = (oid: string, on: boolean) => {
    if (draft().type === 'single') return setKey({ answer: oid });
    const a = ((draft().key as { answer: string[] }).answer ?? []).filter((x) => x !== oid);
    setKey({ answer: on ? [...a, oid].sort() : a });
  };
  const fillKey = () => draft().key as { blanks: string[][]; orderInsensitive?: boolean };
  const shortKey = () => draft().key as { modelAnswer: string; rubric: string[] };

  const setSource = (mode: 'register' | 'text' | 'none') => {
    setSourceMode(mode);
    update({ source: mode === 'none' ? null : mode === 'text' ? { text: '' } : { instrument: props.register[0]?.id ?? '' } });
  };
  const src = () => (draft().source ?? {}) as { instrument?: string; article?: number; text?: string };

  /** Exactly what the runner receives for this question (no key), for the live preview. */
  const shown = createMemo<QuestionDraft>(() => {
    const v = shownVersion();
    return v === null ? draft() : detail()?.versions.find((x) => x.version === v)?.draft ?? draft();
  });
  const preview = createMemo<QuestionPublic>(() => {
    const d = shown();
    const q: QuestionPublic = { id: d.id ?? 'preview', type: d.type, stem: d.stem || '…', options: d.type === 'single' || d.type === 'multiple' ? d.options.map((o) => ({ id: o.id, text: o.text || '…' })) : [] };
    if (d.type === 'fill') q.blankCount = Math.max(1, (d.key as { blanks: string[][] }).blanks?.length ?? 1);
    return q;
  });

  const save = async (confirmDuplicate = false) => {
    setSaving(true);
    setProblems([]);
    setMessage(null);
    const body = { ...draft(), tags: tagText().split(/[,，、]+/).map((s) => s.trim()).filter(Boolean) } as Record<string, unknown>;
    delete body.id;
    if (body.type !== 'single' && body.type !== 'multiple') body.options = [];
    try {
      const qid = id();
      const r = qid
        ? await api<{ question: QuestionDetail }>(`/api/manage/questions/${encodeURIComponent(qid)}`, { method: 'PUT', body: { draft: body, confirmDuplicate, resolveReview: Boolean(detail()?.needsReview && resolveReview()) } })
        : await api<{ question: QuestionDetail }>('/api/manage/questions', { method: 'POST', body: { bankId: bankId(), draft: body, confirmDuplicate } });
      setDuplicates([]);
      applyDetail(r.question);
      if (!qid) {
        setId(r.question.id);
        history.replaceState(history.state, '', `${location.pathname}?id=${encodeURIComponent(r.question.id)}`);
      }
      setMessage({ kind: 'success', text: r.question.outcome === 'same' ? t('ed.unchanged') : t('ed.saved', { v: r.question.version }) });
    } catch (e) {
      const err = e as ApiError;
      if (err.status === 409 && Array.isArray(err.problem?.duplicates)) setDuplicates(err.problem.duplicates as Duplicate[]);
      else if (err.status === 400 && Array.isArray(err.problem?.problems)) {
        setProblems(err.problem.problems as RowProblem[]);
        setMessage({ kind: 'error', text: t('ed.problems') });
      } else setMessage({ kind: 'error', text: localDetail(err, props.locale, areaSay<BanksKey>(banksZh, t)) });
    } finally {
      setSaving(false);
    }
  };
  const setStatus = async (status: 'retired' | 'active') => {
    try {
      const r = await api<{ question: QuestionDetail }>(`/api/manage/questions/${encodeURIComponent(id()!)}`, { method: 'PATCH', body: { status } });
      applyDetail(r.question);
    } catch (e) { setMessage({ kind: 'error', text: localDetail(e, props.locale, areaSay<BanksKey>(banksZh, t)) }); }
  };

  const FieldErrors = (p: { field: Field }) => (
    <For each={errorFor(p.field)}>{(x) => <p class="field-error" role="alert">{props.locale === 'en' ? x.message_en : x.message_zh} <span class="muted">{props.locale === 'en' ? x.fix_en : x.fix_zh}</span></p>}</For>
  );
  const reasonText = () => {
    const r = detail()?.reviewReason;
    if (!r) return '';
    const inst = instruments.get(r.instrument)?.short ?? r.instrument;
    return `${inst}${r.article ? ` 第${r.article}条` : ''} ${t(`rv.change.${r.change}` as BanksKey)}`;
  };

  return (
    <Show when={!forbidden()} fallback={<NoAccess locale={props.locale} tr={tr} />}>
      <div class="stack editor-page">
        <a class="back-link" href={`${localePath(props.locale, '/manage/banks/bank/')}?id=${encodeURIComponent(bankId() || 'official')}`}>← {t('ed.back')}</a>
        <header class="page-head">
          <h1>{id() ? t('ed.titleEdit') : t('ed.titleNew')}</h1>
          <Show when={detail()}>{(d) => (
            <p class="muted">{d().bank.name} · {t('ed.version', { v: d().version })} · {t('ed.usedTimes', { n: d().timesUsed })}{d().status === 'retired' ? ` · ${t('ed.retired')}` : ''}</p>
          )}</Show>
        </header>
        <Show when={detail()?.needsReview}>
          <div class="alert alert-warning">
            <p>{t('ed.reviewBanner', { what: reasonText() })}</p>
            <label class="bank-check"><input type="checkbox" checked={resolveReview()} onChange={(e) => setResolveReview(e.currentTarget.checked)} /> {t('ed.resolveReview')}</label>
          </div>
        </Show>
        <Show when={!canEdit()}><p class="alert alert-info">{t('ed.readOnly')}</p></Show>
        <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role="status" data-testid="editor-message">{m().text}</p>}</Show>
        <Show when={duplicates().length}>
          <div class="alert alert-warning" role="alert">
            <strong>{t('ed.dupTitle')}</strong>
            <p>{t('ed.dupBody')}</p>
            <ul>
              <For each={duplicates()}>{(d) => <li><a href={`${localePath(props.locale, '/manage/questions/edit/')}?id=${encodeURIComponent(d.id)}`}>{d.stem}</a> <span class="muted">（{d.bankName}）</span></li>}</For>
            </ul>
            <button type="button" class="btn btn-secondary btn-sm" onClick={() => void save(true)}>{t('ed.saveAnyway')}</button>
          </div>
        </Show>
        <div class="editor-grid">
          <form class="card stack editor-form" onSubmit={(e) => { e.preventDefault(); void save(false); }} novalidate>
            <fieldset disabled={!canEdit()} class="stack">
              <Show when={!id() && editableBanks().length}>
                <div class="field">
                  <label class="label" for="q-bank">{t('ed.bank')}</label>
                  <select id="q-bank" class="input" onChange={(e) => setBankId(e.currentTarget.value)}>
                    <option value="">—</option>
                    <For each={editableBanks()}>{(b) => <option value={b.id} selected={b.id === bankId()}>{b.name}（{b.orgUnit?.name}）</option>}</For>
                  </select>
                </div>
              </Show>
              <div class="field">
                <label class="label" for="q-type">{t('ed.type')}</label>
                <select id="q-type" class="input" value={draft().type} onChange={(e) => changeType(e.currentTarget.value as QuestionType)}>
                  <For each={QUESTION_TYPES}>{(ty) => <option value={ty}>{t(`type.${ty}` as BanksKey)}</option>}</For>
                </select>
              </div>
              <div class="field">
                <label class="label" for="q-stem">{t('ed.stem')}</label>
                <textarea id="q-stem" class="input" rows={4} value={draft().stem} onInput={(e) => update({ stem: e.currentTarget.value })} aria-invalid={errorFor('stem').length > 0} />
                <p class="hint">{t('ed.stemHelp')}</p>
                <FieldErrors field="stem" />
              </div>
              <Switch>
                <Match when={draft().type === 'single' || draft().type === 'multiple'}>
                  <fieldset class="field">
                    <legend class="label">{t('ed.options')}</legend>
                    <Index each={options()}>{(o, i) => (
                      <div class="option-row">
                        <span class="q-letter">{o().id}</span>
                        <input class="input" aria-label={`${t('ed.options')} ${o().id}`} value={o().text} onInput={(e) => setOption(i, { text: e.currentTarget.value })} />
                        <label class="bank-check">
                          <input type={draft().type === 'single' ? 'radio' : 'checkbox'} name="q-correct" checked={isCorrect(o().id)} onChange={(e) => markCorrect(o().id, e.currentTarget.checked)} /> {t('ed.correct')}
                        </label>
                        <button type="button" class="btn btn-ghost btn-sm" onClick={() => removeOption(i)} disabled={options().length <= 2}>{t('ed.removeOption')}</button>
                        <input class="input option-feedback" aria-label={`${t('ed.feedback')} ${o().id}`} placeholder={t('ed.feedback')} value={o().feedback ?? ''} onInput={(e) => setOption(i, { feedback: e.currentTarget.value || undefined })} />
                      </div>
                    )}</Index>
                    <button type="button" class="btn btn-secondary btn-sm" onClick={addOption}>{t('ed.addOption')}</button>
                    <FieldErrors field="options" />
                    <FieldErrors field="key" />
                  </fieldset>
                </Match>
                <Match when={draft().type === 'truefalse'}>
                  <fieldset class="field">
                    <legend class="label">{t('ed.tfAnswer')}</legend>
                    <label class="bank-radio"><input type="radio" name="q-tf" checked={(draft().key as { answer: boolean }).answer === true} onChange={() => setKey({ answer: true })} /> {t('ed.true')}</label>
                    <label class="bank-radio"><input type="radio" name="q-tf" checked={(draft().key as { answer: boolean }).answer === false} onChange={() => setKey({ answer: false })} /> {t('ed.false')}</label>
                    <FieldErrors field="key" />
                  </fieldset>
                </Match>
                <Match when={draft().type === 'fill'}>
                  <fieldset class="field">
                    <legend class="label">{t('ed.blanks')}</legend>
                    <Index each={fillKey().blanks}>{(alts, i) => (
                      <div class="option-row">
                        <label class="small" for={`q-blank-${i}`}>{t('ed.blankN', { n: i + 1 })}</label>
                        <input id={`q-blank-${i}`} class="input" value={alts().join(';')} onInput={(e) => setKey({ ...fillKey(), blanks: fillKey().blanks.map((b, j) => (j === i ? e.currentTarget.value.split(/[;；]/) : b)) })} />
                        <button type="button" class="btn btn-ghost btn-sm" disabled={fillKey().blanks.length <= 1} onClick={() => setKey({ ...fillKey(), blanks: fillKey().blanks.filter((_, j) => j !== i) })}>{t('ed.removeOption')}</button>
                      </div>
                    )}</Index>
                    <p class="hint">{t('ed.blankHelp')}</p>
                    <button type="button" class="btn btn-secondary btn-sm" onClick={() => setKey({ ...fillKey(), blanks: [...fillKey().blanks, ['']] })}>{t('ed.addBlank')}</button>
                    <label class="bank-check"><input type="checkbox" checked={Boolean(fillKey().orderInsensitive)} onChange={(e) => setKey({ ...fillKey(), orderInsensitive: e.currentTarget.checked })} /> {t('ed.orderInsensitive')}</label>
                    <FieldErrors field="key" />
                  </fieldset>
                </Match>
                <Match when={draft().type === 'short'}>
                  <div class="field">
                    <label class="label" for="q-model">{t('ed.modelAnswer')}</label>
                    <textarea id="q-model" class="input" rows={3} value={shortKey().modelAnswer} onInput={(e) => setKey({ ...shortKey(), modelAnswer: e.currentTarget.value })} />
                  </div>
                  <div class="field">
                    <label class="label" for="q-rubric">{t('ed.rubric')}</label>
                    <textarea id="q-rubric" class="input" rows={3} value={shortKey().rubric.join('\n')} onInput={(e) => setKey({ ...shortKey(), rubric: e.currentTarget.value.split('\n').map((s) => s.trim()).filter(Boolean) })} />
                    <FieldErrors field="key" />
                  </div>
                </Match>
              </Switch>
              <div class="field">
                <label class="label" for="q-expl">{t('ed.explanation')}</label>
                <textarea id="q-expl" class="input" rows={3} value={draft().explanation} onInput={(e) => update({ explanation: e.currentTarget.value })} />
                <FieldErrors field="explanation" />
              </div>
              <fieldset class="field">
                <legend class="label">{t('ed.source')}</legend>
                <div class="cluster">
                  <label class="bank-radio"><input type="radio" name="q-src" checked={sourceMode() === 'register'} onChange={() => setSource('register')} /> {t('ed.sourceRegister')}</label>
                  <label class="bank-radio"><input type="radio" name="q-src" checked={sourceMode() === 'text'} onChange={() => setSource('text')} /> {t('ed.sourceText')}</label>
                  <label class="bank-radio"><input type="radio" name="q-src" checked={sourceMode() === 'none'} onChange={() => setSource('none')} /> {t('ed.sourceNone')}</label>
                </div>
                <Show when={sourceMode() === 'register'}>
                  <div class="cluster">
                    <select class="input" aria-label={t('ed.instrument')} value={src().instrument ?? ''} onChange={(e) => update({ source: { instrument: e.currentTarget.value } })}>
                      <For each={props.register}>{(r) => <option value={r.id} selected={r.id === src().instrument}>{r.short}</option>}</For>
                    </select>
                    <select class="input" aria-label={t('ed.article')} value={src().article ? String(src().article) : ''} onChange={(e) => update({ source: e.currentTarget.value ? { instrument: src().instrument ?? '', article: Number(e.currentTarget.value) } : { instrument: src().instrument ?? '' } })}>
                      <option value="">—</option>
                      <For each={instruments.get(src().instrument ?? '')?.articles ?? []}>{(a) => <option value={String(a)} selected={a === src().article}>第{a}条</option>}</For>
                    </select>
                  </div>
                </Show>
                <Show when={sourceMode() === 'text'}>
                  <input class="input" aria-label={t('ed.sourceText')} value={src().text ?? ''} onInput={(e) => update({ source: { text: e.currentTarget.value } })} maxLength={500} />
                </Show>
                <FieldErrors field="source" />
              </fieldset>
              <div class="cluster">
                <div class="field">
                  <label class="label" for="q-diff">{t('ed.difficulty')}</label>
                  <select id="q-diff" class="input" value={String(draft().difficulty)} onChange={(e) => update({ difficulty: Number(e.currentTarget.value) })}>
                    <For each={[1, 2, 3, 4, 5]}>{(d) => <option value={String(d)}>{d}</option>}</For>
                  </select>
                </div>
                <div class="field">
                  <label class="label" for="q-topic">{t('ed.topic')}</label>
                  <input id="q-topic" class="input" value={draft().topic} onInput={(e) => update({ topic: e.currentTarget.value })} maxLength={200} />
                  <FieldErrors field="topic" />
                </div>
                <div class="field">
                  <label class="label" for="q-tags">{t('ed.tags')}</label>
                  <input id="q-tags" class="input" value={tagText()} onInput={(e) => setTagText(e.currentTarget.value)} />
                  <FieldErrors field="tags" />
                </div>
              </div>
              <Show when={problems().some((p) => !COLUMN_FIELD[p.column])}>
                <For each={problems().filter((p) => !COLUMN_FIELD[p.column])}>{(x) => <p class="field-error">{props.locale === 'en' ? x.message_en : x.message_zh}</p>}</For>
              </Show>
              <div class="cluster">
                <button type="submit" class="btn btn-primary" disabled={saving() || !bankId()}>{saving() ? t('ed.saving') : id() ? t('ed.save') : t('ed.create')}</button>
                <Show when={id() && canEdit()}>
                  <button type="button" class="btn btn-ghost" onClick={() => void setStatus(detail()?.status === 'retired' ? 'active' : 'retired')}>
                    {detail()?.status === 'retired' ? t('ed.restore') : t('ed.retire')}
                  </button>
                </Show>
              </div>
            </fieldset>
          </form>
          <aside class="stack editor-side">
            <section class="card q-preview" aria-label={t('ed.preview')}>
              <h2 class="section-title">{t('ed.preview')}{shownVersion() !== null ? ` · ${t('ed.version', { v: shownVersion()! })}` : ''}</h2>
              <QuestionBody question={preview()} response={previewResponse()} onChange={setPreviewResponse} idPrefix="qpreview" locale={props.locale} />
            </section>
            <Show when={detail()?.versions.length}>
              <section class="card">
                <h2 class="section-title">{t('ed.history')}</h2>
                <ol class="version-list">
                  <For each={detail()!.versions}>{(v) => (
                    <li>
                      <button type="button" class="btn btn-ghost btn-sm" aria-pressed={shownVersion() === v.version} onClick={() => setShownVersion(shownVersion() === v.version || v.current ? null : v.version)}>
                        {t('ed.version', { v: v.version })}{v.current ? ` (${t('ed.current')})` : ''}
                      </button>
                      <span class="muted small"> {new Date(v.createdAt).toLocaleString(props.locale === 'en' ? 'en' : 'zh-CN')}</span>
                    </li>
                  )}</For>
                </ol>
              </section>
            </Show>
          </aside>
        </div>
      </div>
    </Show>
  );
}
