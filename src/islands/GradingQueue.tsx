// /manage/grading/?examId= — the grading queue: short answers waiting for a mark across the exams I
// administer, one at a time, with the model answer and marking points beside the response.
// Keyboard-first: J/K or ←/→ move, digits type the mark, Enter submits (outside text fields: in the
// mark field Enter submits too). Anonymous by default: the name appears once the answer is marked.
// Marks go through the audited slot-grade endpoint; the attempt's score and pass update at once.
import { createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getGrading, gradeSlot, type GradingItem } from '../client/trainer-api.ts';
import { formatNumber } from '../client/format.ts';
import { translator, type Locale } from '../i18n/index.ts';
import { examsTr, examsZh, type ExamsKey } from '../i18n/trainer-exams.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';

export default function GradingQueue(props: { locale: Locale }) {
  const tx = examsTr(props.locale);
  const tr = translator(props.locale);
  const examFilter = new URLSearchParams(location.search).get('examId') ?? '';
  const [items, setItems] = createSignal<GradingItem[] | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [index, setIndex] = createSignal(0);
  const [mark, setMark] = createSignal('');
  const [comment, setComment] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [fieldError, setFieldError] = createSignal<string | null>(null);
  const [reveal, setReveal] = createSignal(false);
  // The server sends a page of papers; more = papers left for the next load.
  const [more, setMore] = createSignal(false);
  let markInput: HTMLInputElement | undefined;

  const load = async () => {
    try {
      const params: Record<string, string> = {};
      if (examFilter) params.examId = examFilter;
      if (reveal()) params.reveal = '1';
      const r = await getGrading(params);
      // Marked ones stay in the list (so one can go back to them) after the pending ones.
      const marked = (items() ?? []).filter((i) => i.marked);
      setItems([...r.items, ...marked.filter((m) => !r.items.some((i) => i.attemptId === m.attemptId && i.slot === m.slot))]);
      setMore(r.more);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  onMount(() => {
    if (!hasStoredSession()) return location.assign(signInUrl());
    void load();
  });

  const current = createMemo(() => items()?.[index()] ?? null);
  const pending = () => (items() ?? []).filter((i) => !i.marked).length;
  const go = (d: number) => {
    const n = items()?.length ?? 0;
    if (!n) return;
    setIndex((i) => Math.min(n - 1, Math.max(0, i + d)));
    const c = current();
    setMark(c?.mark === null || c?.mark === undefined ? '' : String(c.mark));
    setComment(c?.comment ?? '');
    setFieldError(null);
  };

  const submit = async () => {
    const c = current();
    if (!c || busy()) return;
    const m = Number(mark());
    if (mark().trim() === '' || !Number.isFinite(m)) {
      setFieldError(tx('g.mark', { p: formatNumber(c.points) }));
      return;
    }
    setBusy(true);
    setFieldError(null);
    try {
      await gradeSlot(c.attemptId, c.slot, m, comment().trim() || null);
      // The marked answer, now with its name (GET ?attemptId= lists that attempt's short answers).
      const fresh = (await getGrading({ attemptId: c.attemptId })).items.find((i) => i.slot === c.slot);
      setItems((list) => (list ?? []).map((i) => (i.attemptId === c.attemptId && i.slot === c.slot ? (fresh ?? { ...i, marked: true, mark: m }) : i)));
      const next = (items() ?? []).findIndex((i, k) => k > index() && !i.marked);
      const first = (items() ?? []).findIndex((i) => !i.marked);
      const target = next !== -1 ? next : first;
      if (target !== -1) {
        setIndex(target);
        setMark('');
        setComment('');
      } else if (more()) {
        // This page is marked: fetch the next papers (pending ones come first in the list).
        await load();
        setIndex(0);
        setMark('');
        setComment('');
      }
      markInput?.focus();
    } catch (err) {
      // In the page's language from the problem's codes (a mark out of range, an attempt in progress …).
      const say = areaSay<ExamsKey>(examsZh, tx);
      setFieldError(err instanceof ApiError ? (localFieldErrors(err, props.locale, say).mark ?? localDetail(err, props.locale, say)) : String(err));
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    const typing = t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && t !== markInput);
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'j' || e.key === 'ArrowRight') { e.preventDefault(); go(1); }
    else if (e.key === 'k' || e.key === 'ArrowLeft') { e.preventDefault(); go(-1); }
    else if (e.key === 'Enter') { e.preventDefault(); void submit(); }
    else if (/^[0-9.]$/.test(e.key) && t !== markInput) { e.preventDefault(); setMark((v) => v + e.key); markInput?.focus(); }
  };
  onMount(() => document.addEventListener('keydown', onKey));
  onCleanup(() => document.removeEventListener('keydown', onKey));

  const status = () => (error() as ApiError | null)?.status;
  return (
    <div class="vstack grading" data-testid="grading-queue">
      <Show when={status() === 403}><NoAccess locale={props.locale} tr={tr} error={error()} /></Show>
      <Show when={error() && status() !== 403}><LoadError error={error()} onRetry={() => void load()} tr={tr} /></Show>
      <Show when={items()}>{(list) => (
        <>
          <div class="cluster">
            <strong data-testid="pending-count">{tx('g.pending', { n: pending() })}</strong>
            <Show when={list().length > 0}><span class="muted">{tx('g.position', { i: index() + 1, n: list().length })}</span></Show>
            <label class="check small"><input type="checkbox" checked={reveal()} onChange={(e) => { setReveal(e.currentTarget.checked); void load(); }} /> {tx('g.reveal')}</label>
          </div>
          <Show when={current()} fallback={<p class="card empty">{tx('g.none')}</p>}>{(c) => (
            <div class="grading-layout">
              <section class="card" aria-labelledby="g-q">
                <p class="small muted">{c().examTitle} · {c().label} · {c().person ? `${c().person!.name}（${c().person!.employeeNo}，${c().person!.unit}）` : tx('g.anonymous')}</p>
                <h2 id="g-q" class="card-title">{tx('g.question')}</h2>
                <p class="pre-line">{c().stem}</p>
                <h3 class="small">{tx('g.response')}</h3>
                <blockquote class="response pre-line" data-testid="grading-response">{c().response?.trim() ? c().response : tx('g.noResponse')}</blockquote>
                <form class="vstack" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
                  <div class="cluster">
                    <label class="field"><span class="label">{tx('g.mark', { p: formatNumber(c().points) })}</span>
                      <input ref={markInput} class="input input-narrow" type="number" min="0" max={c().points} step="0.5" inputmode="decimal" name="mark"
                        value={mark()} onInput={(e) => setMark(e.currentTarget.value)} aria-invalid={Boolean(fieldError())} data-testid="grading-mark" />
                    </label>
                    <Show when={c().marked}><span class="badge badge-trainer">{tx('g.marked', { m: formatNumber(c().mark) })}</span></Show>
                  </div>
                  <label class="field"><span class="label">{tx('g.comment')}</span>
                    <textarea class="textarea" rows="2" value={comment()} onInput={(e) => setComment(e.currentTarget.value)} name="comment" />
                  </label>
                  <Show when={fieldError()}><p class="field-error" role="alert">{fieldError()}</p></Show>
                  <div class="cluster">
                    <button type="button" class="btn btn-ghost" onClick={() => go(-1)} disabled={index() === 0}>{tx('g.prev')}</button>
                    <button type="submit" class="btn btn-primary" disabled={busy()} data-testid="grading-submit">{tx('g.submit')}</button>
                    <button type="button" class="btn btn-ghost" onClick={() => go(1)} disabled={index() >= list().length - 1}>{tx('g.next')}</button>
                  </div>
                </form>
              </section>
              <aside class="card grading-key" aria-labelledby="g-model">
                <h2 id="g-model" class="card-title">{tx('g.model')}</h2>
                <p class="pre-line">{c().modelAnswer ?? '—'}</p>
                <Show when={c().rubric.length > 0}>
                  <h3 class="small">{tx('g.rubric')}</h3>
                  <ol><For each={c().rubric}>{(p) => <li>{p}</li>}</For></ol>
                </Show>
              </aside>
            </div>
          )}</Show>
        </>
      )}</Show>
    </div>
  );
}
