// The exam runner (/exams/take/?id=<examId>[&attempt=<attemptId>]): start page, the paper with a
// question navigator, flags, a server-time countdown, autosave that survives going offline and
// reloads, focus-loss reporting, confirm-before-submit, auto-submit at the deadline, and the result.
//
// Browser support: WeChat/WeCom in-app browsers and older phones. No <dialog>, no popups, no
// structuredClone/Array.prototype.at/crypto.randomUUID; localStorage may throw (AutoSaver falls
// back to memory and says so). Nothing here imports zod (see src/client/format.ts).
import { batch, createEffect, createMemo, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { createStore, unwrap } from 'solid-js/store';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { AutoSaver, browserStorage, type SaverState } from '../client/autosave.ts';
import {
  getAttempt, getExam, isFinished, postEvent, saveResponse, startAttempt, submitAttempt,
  type AttemptPaper, type AttemptResult, type ExamSummary, type EventVerdict,
} from '../client/exam-api.ts';
import { formatClock, formatDateTime, formatMinutes, formatNumber, isAnswered, remainingOnServer, type TitleMaps } from '../client/format.ts';
import type { QuestionResponse } from '../core/questions.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import { examRefusalsTr, examRefusalsZh, type ExamRefusalKey } from '../i18n/exam-refusals.ts';
import { localDetail } from '../client/problem-text.ts';
import { getMyAssignments, type MyAssignment } from '../client/hr-api.ts';
import { hrTr } from '../i18n/hr.ts';
import QuestionBody, { responseForKey } from './exam/QuestionBody.tsx';
import ResultView from './exam/ResultView.tsx';
import Modal from './exam/Modal.tsx';

interface Props {
  locale: Locale;
  titles?: TitleMaps;
}

type Phase = 'loading' | 'intro' | 'starting' | 'running' | 'submitting' | 'result' | 'error';
type SubmitHow = 'manual' | 'auto' | 'forced' | 'closed';

interface Answer {
  response: QuestionResponse;
  flagged: boolean;
}

const WARN_5 = 5 * 60_000;
const WARN_1 = 60_000;
/** Within this much of the deadline, changes are sent at once instead of debounced. */
const NO_DEBOUNCE_MS = 3000;

export default function ExamRunner(props: Props) {
  const tr = translator(props.locale);
  const [phase, setPhase] = createSignal<Phase>('loading');
  const [error, setError] = createSignal<string | null>(null);
  const [exam, setExam] = createSignal<ExamSummary | null>(null);
  const [paper, setPaper] = createSignal<AttemptPaper | null>(null);
  const [result, setResult] = createSignal<AttemptResult | null>(null);
  const [answers, setAnswers] = createStore<Record<number, Answer>>({});
  const [current, setCurrent] = createSignal(0);
  const [offset, setOffset] = createSignal(0);
  const [now, setNow] = createSignal(Date.now());
  const [save, setSave] = createSignal<SaverState>({ status: 'saved', pending: 0, persistent: true, message: null });
  const [warning, setWarning] = createSignal<'5' | '1' | null>(null);
  const [focusNotice, setFocusNotice] = createSignal<{ verdict: EventVerdict['verdict']; count: number; limit: number } | null>(null);
  const [endNotice, setEndNotice] = createSignal<string | null>(null);
  const [submitHow, setSubmitHow] = createSignal<SubmitHow>('manual');
  const [submitStalled, setSubmitStalled] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [announce, setAnnounce] = createSignal('');
  // The required assignment this exam is taken for (dashboard's 去考试 passes &assignment=), so the
  // start page shows the assignment's due date next to the exam window's close — they differ.
  const [assignment, setAssignment] = createSignal<{ a: MyAssignment; serverNow: string } | null>(null);
  const ht = hrTr(props.locale);

  let saver: AutoSaver | null = null;
  let examId = '';
  let questionHeading: HTMLHeadingElement | undefined;
  const warned = { five: false, one: false };
  const pendingEvents: Array<{ kind: 'focus_loss' | 'copy' | 'paste'; detail: Record<string, string | number> }> = [];
  const cleanups: Array<() => void> = [];
  onCleanup(() => {
    for (const c of cleanups) c();
    saver?.dispose();
    document.documentElement.classList.remove('exam-running');
  });

  const slots = () => paper()?.slots ?? [];
  const slot = () => slots()[current()];
  const total = () => slots().length;
  const answerOf = (n: number): Answer => answers[n] ?? { response: null, flagged: false };
  const answeredCount = createMemo(() => slots().filter((s) => isAnswered(answerOf(s.slot).response)).length);
  const unanswered = createMemo(() => slots().filter((s) => !isAnswered(answerOf(s.slot).response)).map((s) => s.slot));
  const flagged = createMemo(() => slots().filter((s) => answerOf(s.slot).flagged).map((s) => s.slot));
  const remaining = createMemo(() => {
    const p = paper();
    return p ? remainingOnServer(p.attempt.deadline, offset(), now()) : null;
  });

  const say = (text: string) => {
    // Re-set so the same text is announced again.
    setAnnounce('');
    setTimeout(() => setAnnounce(text), 50);
  };

  // ---------------------------------------------------------------------------------------------
  // Loading

  // A refusal in the page's language from its code (src/i18n/exam-refusals.ts, then the generic texts);
  // the exam window's times in the reader's clock.
  const refusals = examRefusalsTr(props.locale);
  const problemText = (e: unknown) => {
    if (!(e instanceof ApiError)) return tr('error.generic');
    const w = (e.problem.window ?? {}) as { open?: string | null; close?: string | null };
    const times = { open: formatDateTime(w.open ?? null, props.locale), close: formatDateTime(w.close ?? null, props.locale) };
    return localDetail(e, props.locale, (code, params) =>
      (`err.${code}` in examRefusalsZh ? refusals(`err.${code}` as ExamRefusalKey, { ...times, ...params }) : null));
  };

  const setUrl = (attemptId: string | null) => {
    try {
      const q = `?id=${encodeURIComponent(examId)}${attemptId ? `&attempt=${encodeURIComponent(attemptId)}` : ''}`;
      history.replaceState(history.state, '', location.pathname + q);
    } catch {
      /* some WebViews forbid replaceState on file-like URLs; the page still works */
    }
  };

  const showResult = (r: AttemptResult) => {
    batch(() => {
      setResult(r);
      setPhase('result');
    });
    document.documentElement.classList.remove('exam-running');
    window.scrollTo(0, 0);
  };

  const load = async () => {
    setPhase('loading');
    setError(null);
    const params = new URLSearchParams(location.search);
    examId = params.get('id') ?? '';
    const attemptId = params.get('attempt');
    try {
      if (attemptId) {
        const body = await getAttempt(attemptId);
        if (!examId) examId = body.attempt.examId;
        if (isFinished(body)) {
          new AutoSaver({ attemptId, send: () => Promise.resolve(undefined), storage: browserStorage() }).clear();
          return showResult(body);
        }
        return enterRunning(body);
      }
      if (!examId) {
        setError(tr('exam.missingId'));
        return setPhase('error');
      }
      const summary = await getExam(examId);
      setExam(summary);
      if (summary.liveAttemptId) return begin(); // resume straight away: the clock is already running
      await loadAssignment(params.get('assignment'));
      setPhase('intro');
    } catch (e) {
      setError(problemText(e));
      setPhase('error');
    }
  };

  // The named assignment, else the open one of mine with this exam due first. Best effort: without
  // it the start page shows the exam window only, as for an exam nobody requires.
  const loadAssignment = async (wanted: string | null) => {
    try {
      const mine = await getMyAssignments();
      const open = (x: MyAssignment) => x.status === 'not_started' || x.status === 'in_progress' || x.status === 'overdue';
      const a = mine.assignments.find((x) => x.id === wanted && x.examId === examId)
        ?? mine.assignments.filter((x) => x.examId === examId && open(x)).sort((x, y) => Date.parse(x.dueAt) - Date.parse(y.dueAt))[0];
      setAssignment(a ? { a, serverNow: mine.serverNow } : null);
    } catch {
      setAssignment(null);
    }
  };

  const begin = async () => {
    setPhase('starting');
    setError(null);
    try {
      const body = await startAttempt(examId);
      enterRunning(body);
    } catch (e) {
      setError(problemText(e));
      setPhase(exam() ? 'intro' : 'error');
    }
  };

  onMount(() => {
    if (!hasStoredSession()) {
      location.assign(signInUrl());
      return;
    }
    void load();
  });

  // ---------------------------------------------------------------------------------------------
  // Running

  const enterRunning = (body: AttemptPaper) => {
    const attemptId = body.attempt.id;
    examId = body.attempt.examId;
    setUrl(attemptId);
    setOffset(Date.parse(body.attempt.serverNow) - Date.now());
    saver?.dispose();
    saver = new AutoSaver({
      attemptId,
      storage: browserStorage(),
      debounceMs: 600,
      isOnline: () => navigator.onLine !== false,
      // A refused save carries its reason in the page's language (the saver shows `detail`).
      send: (n, b) => saveResponse(attemptId, n, b).then((r) => ({ seq: r.latestSeq, serverNow: r.serverNow }), (e: unknown) => {
        throw e instanceof ApiError ? new ApiError(e.status, e.title, problemText(e), e.errors, e.problem) : e;
      }),
      onChange: setSave,
      onClosed: (message) => {
        setEndNotice(tr('exam.closedByServer', { detail: message }));
        void finish('closed');
      },
      onServerTime: (serverNow) => {
        // Adopt only a real jump (the device clock was changed); request latency is noise.
        const next = Date.parse(serverNow) - Date.now();
        if (Math.abs(next - offset()) > 2000) setOffset(next);
      },
    });
    const merged = saver.load(body.slots.map((s) => ({ slot: s.slot, response: s.response, flagged: s.flagged, seq: s.seq })));
    const initial: Record<number, Answer> = {};
    for (const s of body.slots) initial[s.slot] = merged.get(s.slot) ?? { response: s.response, flagged: s.flagged };
    batch(() => {
      setAnswers(initial);
      setPaper(body);
      setCurrent(0);
      setNow(Date.now());
      setSave(saver!.state());
      setPhase('running');
    });
    document.documentElement.classList.add('exam-running');
    // The 5-minute warning makes no sense on a paper that starts with less than a minute.
    const left = remaining();
    if (left !== null && left <= WARN_1) warned.five = true;
    installListeners(attemptId);
  };

  const installListeners = (attemptId: string) => {
    for (const c of cleanups.splice(0)) c();
    const on = (target: EventTarget, type: string, fn: (e: Event) => void, capture = false) => {
      target.addEventListener(type, fn, capture);
      cleanups.push(() => target.removeEventListener(type, fn, capture));
    };

    const tick = window.setInterval(() => setNow(Date.now()), 500);
    cleanups.push(() => window.clearInterval(tick));

    on(window, 'online', () => {
      saver?.retryNow();
      flushEvents(attemptId);
      if (phase() === 'submitting') void finish(submitHow());
    });
    on(window, 'offline', () => saver?.wentOffline());

    // Focus loss (切屏): tab switch, app switch, another window. visibilitychange and blur often
    // fire together; count one loss until the page is back. Reloading is not leaving.
    let away = false;
    let unloading = false;
    const lose = (why: string) => {
      if (away || unloading || phase() !== 'running') return;
      away = true;
      report(attemptId, 'focus_loss', { why, slot: slot()?.slot ?? 0 });
    };
    const back = () => {
      away = false;
    };
    on(window, 'beforeunload', (e) => {
      unloading = true;
      if (saver && saver.pendingCount() > 0 && phase() === 'running') {
        // Most browsers show their own generic text; the answers are in localStorage either way.
        (e as BeforeUnloadEvent).preventDefault();
        (e as BeforeUnloadEvent).returnValue = '';
      }
    });
    on(window, 'pagehide', () => {
      unloading = true;
    });
    on(window, 'pageshow', () => {
      unloading = false;
    });
    on(document, 'visibilitychange', () => (document.visibilityState === 'hidden' ? lose('hidden') : back()));
    on(window, 'blur', () => lose('blur'));
    on(window, 'focus', back);
    on(document, 'copy', () => report(attemptId, 'copy', { slot: slot()?.slot ?? 0 }));
    on(document, 'paste', () => report(attemptId, 'paste', { slot: slot()?.slot ?? 0 }));
    on(document, 'keydown', onKey as (e: Event) => void);
  };

  // ---------------------------------------------------------------------------------------------
  // Events (focus loss, copy)

  const report = (attemptId: string, kind: 'focus_loss' | 'copy' | 'paste', detail: Record<string, string | number>) => {
    postEvent(attemptId, kind, detail).then(onVerdict, (e: unknown) => {
      if (e instanceof ApiError && e.status === 0) pendingEvents.push({ kind, detail: { ...detail, offline: 1 } });
      else if (e instanceof ApiError && e.status === 409) void finish('closed');
      // Over the server's event limit: the event is not stored, but a focus loss is still counted
      // and the answer carries the verdict, so the warning stays right.
      else if (e instanceof ApiError && e.status === 429 && typeof e.problem.focusLosses === 'number') onVerdict(e.problem as unknown as EventVerdict);
    });
  };

  const flushEvents = (attemptId: string) => {
    const queued = pendingEvents.splice(0);
    for (const ev of queued) report(attemptId, ev.kind, ev.detail);
  };

  const onVerdict = (v: EventVerdict) => {
    if (v.kind !== 'focus_loss') return;
    if (v.verdict === 'force_submit' || v.state !== 'in_progress') {
      setEndNotice(tr('exam.focusForced'));
      void finish('forced');
      return;
    }
    setFocusNotice({ verdict: v.verdict, count: v.focusLosses, limit: v.focusLossLimit });
  };

  // ---------------------------------------------------------------------------------------------
  // Answering

  const setAnswer = (n: number, response: QuestionResponse) => {
    if (phase() !== 'running') return;
    const flag = answerOf(n).flagged;
    setAnswers(n, { response, flagged: flag });
    const left = remaining();
    saver?.set(n, response, flag, { immediate: left !== null && left < NO_DEBOUNCE_MS });
  };

  const toggleFlag = (n: number) => {
    if (phase() !== 'running') return;
    // Read plain values first: answerOf() returns a store proxy, which setAnswers() updates in place.
    const current = unwrap(answerOf(n));
    const response = Array.isArray(current.response) ? current.response.slice() : current.response;
    const flagged = !current.flagged;
    setAnswers(n, { response, flagged });
    saver?.set(n, response, flagged, { immediate: true });
  };

  const goTo = (index: number, focus = true) => {
    if (index < 0 || index >= total()) return;
    setCurrent(index);
    if (focus) {
      // Move focus to the question so screen readers read it and phones scroll to it.
      requestAnimationFrame(() => {
        questionHeading?.focus();
        questionHeading?.scrollIntoView?.({ block: 'nearest' });
      });
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (phase() !== 'running' || confirming() || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target as HTMLElement | null;
    const tag = t?.tagName;
    const typing = tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable || (tag === 'INPUT' && !/^(radio|checkbox|button|submit)$/.test((t as HTMLInputElement).type));
    if (typing) return;
    const s = slot();
    if (!s) return;
    const k = e.key;
    if (k >= '1' && k <= '9') {
      const next = responseForKey(s.question, answerOf(s.slot).response, Number(k) - 1);
      if (next !== undefined) {
        e.preventDefault();
        setAnswer(s.slot, next);
      }
    } else if (k === 'n' || k === 'N') {
      e.preventDefault();
      goTo(current() + 1);
    } else if (k === 'p' || k === 'P') {
      e.preventDefault();
      goTo(current() - 1);
    } else if (k === 'f' || k === 'F') {
      e.preventDefault();
      toggleFlag(s.slot);
    }
  };

  // ---------------------------------------------------------------------------------------------
  // Time

  createEffect(() => {
    const left = remaining();
    if (left === null || phase() !== 'running') return;
    if (left <= 0) {
      setEndNotice(tr('exam.timeUp'));
      void finish('auto');
    } else if (left <= WARN_1 && !warned.one) {
      warned.one = true;
      warned.five = true;
      setWarning('1');
      say(tr('exam.warn1'));
    } else if (left <= WARN_5 && !warned.five) {
      warned.five = true;
      setWarning('5');
      say(tr('exam.warn5'));
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Submitting

  let finishing = false;
  const finish = async (how: SubmitHow) => {
    const p = paper();
    if (!p || finishing) return;
    finishing = true;
    batch(() => {
      setConfirming(false);
      setSubmitHow(how);
      setSubmitStalled(false);
      setPhase('submitting');
    });
    say(how === 'manual' ? tr('exam.submitting') : tr('exam.timeUp'));
    try {
      // Send what is still unsent first (the server accepts saves until deadline + grace).
      if (how !== 'closed') await saver?.flushAll(how === 'manual' ? 8000 : 4000);
      const r = await submitAttempt(p.attempt.id);
      saver?.clear();
      saver = null;
      for (const c of cleanups.splice(0)) c();
      showResult(r);
    } catch (e) {
      if (e instanceof ApiError && e.status !== 0 && e.status < 500) {
        setError(problemText(e));
        setPhase('error');
      } else {
        // Offline or server trouble: keep trying; the server also finalises overdue attempts itself.
        setSubmitStalled(true);
        window.setTimeout(() => {
          if (phase() === 'submitting') void finish(how);
        }, 5000);
      }
    } finally {
      finishing = false;
    }
  };

  // ---------------------------------------------------------------------------------------------
  // View

  const saveLabel = () => {
    const s = save();
    switch (s.status) {
      case 'saved':
        return tr('exam.save.saved');
      case 'saving':
        return tr('exam.save.saving');
      case 'offline':
        return s.persistent ? tr('exam.save.offline') : tr('exam.save.offlineMemory');
      case 'closed':
        return tr('exam.save.closed');
      default:
        return tr('exam.save.error');
    }
  };

  const timerClass = () => {
    const left = remaining();
    return `timer${left !== null && left <= WARN_1 ? ' is-danger' : left !== null && left <= WARN_5 ? ' is-warn' : ''}`;
  };

  const navStatus = (n: number) => {
    const a = answerOf(n);
    const parts = [isAnswered(a.response) ? tr('exam.legend.answered') : tr('exam.legend.unanswered')];
    if (a.flagged) parts.push(tr('exam.legend.flagged'));
    return parts.join('，');
  };

  const intro = () => exam();

  return (
    <div class="runner-root">
      <div class="visually-hidden" aria-live="assertive" aria-atomic="true">{announce()}</div>

      <Show when={phase() === 'loading' || phase() === 'starting'}>
        <div class="card runner-loading" role="status">
          <span class="spinner" aria-hidden="true" />
          {phase() === 'starting' ? tr('exam.starting') : tr('app.loading')}
        </div>
      </Show>

      <Show when={phase() === 'error'}>
        <div class="card vstack">
          <div class="alert alert-error" role="alert">{error()}</div>
          <div class="cluster">
            <button type="button" class="btn btn-secondary" onClick={() => void load()}>{tr('app.retry')}</button>
            <a class="btn btn-ghost" href={localePath(props.locale, '/exams/')}>{tr('exam.backToList')}</a>
          </div>
        </div>
      </Show>

      <Show when={phase() === 'intro' && intro()}>
        {(e) => (
          <section class="card exam-intro" aria-labelledby="exam-intro-title">
            <p class="eyebrow-muted">{tr(`exams.kind.${e().kind}` as UiKey)}</p>
            <h1 id="exam-intro-title">{e().title}</h1>
            <Show when={e().description}>
              <p class="muted">{e().description}</p>
            </Show>
            <dl class="facts">
              <div>
                <dt>{tr('exams.timeLimit')}</dt>
                <dd>{formatMinutes(e().timeLimitSec, props.locale)}</dd>
              </div>
              <div>
                <dt>{tr('exams.questions')}</dt>
                <dd>{tr('exams.questionCount', { n: e().questionCount })} · {tr('question.points', { n: formatNumber(e().totalPoints) })}</dd>
              </div>
              <div>
                <dt>{tr('exams.passMark')}</dt>
                <dd>{formatNumber(e().passPercent)}%</dd>
              </div>
              <div>
                <dt>{tr('exams.attempts')}</dt>
                <dd>
                  {e().attempts.allowed === 0
                    ? tr('exams.attemptsUnlimited', { used: e().attempts.used })
                    : tr('exams.attemptsUsed', { used: e().attempts.used, allowed: e().attempts.allowed })}
                </dd>
              </div>
              <Show when={assignment()} fallback={
                <Show when={e().window.close}>
                  <div>
                    <dt>{tr('attemptDetail.deadline')}</dt>
                    <dd>{tr('exams.closesAt', { time: formatDateTime(e().window.close, props.locale) })}</dd>
                  </div>
                </Show>
              }>
                {(x) => (
                  <div class="facts-wide" data-testid="assignment-due">
                    <dt>{ht('dash.examDue')}</dt>
                    <dd>
                      {e().window.close
                        ? ht('dash.examDueAt', { due: formatDateTime(x().a.dueAt, props.locale), close: formatDateTime(e().window.close, props.locale) })
                        : formatDateTime(x().a.dueAt, props.locale)}
                    </dd>
                  </div>
                )}
              </Show>
            </dl>
            <Show when={assignment()}>
              {(x) => (
                <p class={Date.parse(x().a.dueAt) < Date.parse(x().serverNow) ? 'alert alert-warning' : 'muted small'} data-testid="assignment-note">
                  {Date.parse(x().a.dueAt) < Date.parse(x().serverNow)
                    ? ht('dash.examDueOverdue', { title: x().a.title, due: formatDateTime(x().a.dueAt, props.locale) })
                    : ht('dash.examFor', { title: x().a.title })}
                </p>
              )}
            </Show>
            <h2 class="intro-rules-title">{tr('exam.introTitle')}</h2>
            <ul class="intro-rules">
              <li>{tr('exam.rule.time')}</li>
              <li>{tr('exam.rule.save')}</li>
              <li>{e().focusLossLimit > 0 ? tr('exam.rule.focus', { n: e().focusLossLimit }) : tr('exam.rule.focusLog')}</li>
            </ul>
            <Show when={error()}>
              <div class="alert alert-error" role="alert">{error()}</div>
            </Show>
            <div class="cluster">
              <button type="button" class="btn btn-primary btn-lg" onClick={() => void begin()} disabled={e().state !== 'open'}>
                {tr('exam.begin')}
              </button>
              <a class="btn btn-ghost" href={localePath(props.locale, '/exams/')}>{tr('exam.backToList')}</a>
            </div>
          </section>
        )}
      </Show>

      <Show when={(phase() === 'running' || phase() === 'submitting') && paper()}>
        {(p) => (
          <div class="runner">
            <div class="runner-bar">
              <div class="runner-bar-inner">
                <p class="runner-title" title={p().exam.title}>{p().exam.title}</p>
                <Show when={remaining() !== null}>
                  <span class={timerClass()} role="timer" aria-label={tr('exam.timeLeft')} data-testid="timer">
                    <svg viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="13" r="8" /><path d="M12 9v4l2.5 2M9 2h6" /></svg>
                    {formatClock(remaining() ?? 0)}
                  </span>
                </Show>
                <span class={`save-pill save-${save().status}`} data-testid="save-status" data-status={save().status} title={save().message ?? ''}>
                  <span class="save-dot" aria-hidden="true" />
                  <span class="save-text">{saveLabel()}</span>
                </span>
                <a class="btn btn-secondary btn-sm nav-jump" href="#runner-nav">
                  {tr('exam.navOpen', { answered: answeredCount(), total: total() })}
                </a>
                <button type="button" class="btn btn-primary btn-sm runner-submit" onClick={() => setConfirming(true)} disabled={phase() !== 'running'}>
                  {tr('exam.submit')}
                </button>
              </div>
            </div>

            <div class="runner-notices">
              <Show when={save().status === 'offline'}>
                <div class="alert alert-warning" data-testid="offline-banner">
                  <span>
                    {saveLabel()}
                    <Show when={save().pending > 0}> · {tr('exam.save.pending', { n: save().pending })}</Show>
                  </span>
                </div>
              </Show>
              <Show when={save().status === 'error' && save().message}>
                <div class="alert alert-error" role="alert">{tr('exam.save.error')}：{save().message}</div>
              </Show>
              <Show when={warning()}>
                {(w) => (
                  <div class={`alert ${w() === '1' ? 'alert-error' : 'alert-warning'} notice-row`} data-testid="time-warning">
                    <span>{w() === '1' ? tr('exam.warn1') : tr('exam.warn5')}</span>
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => setWarning(null)}>{tr('exam.dismiss')}</button>
                  </div>
                )}
              </Show>
              <Show when={focusNotice()}>
                {(f) => (
                  <div class="alert alert-warning notice-row" role="alert" data-testid="focus-warning">
                    <span>{f().verdict === 'warn' ? tr('exam.focusWarn', { count: f().count, limit: f().limit }) : tr('exam.focusLogged')}</span>
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => setFocusNotice(null)}>{tr('exam.dismiss')}</button>
                  </div>
                )}
              </Show>
            </div>

            <div class="runner-grid">
              <Show when={slot()}>
                {(s) => (
                  <section class="card runner-main" aria-labelledby="q-heading">
                    <div class="q-head">
                      <h2 id="q-heading" class="q-no" tabindex="-1" ref={questionHeading}>
                        {tr('exam.questionOf', { n: current() + 1, total: total() })}
                      </h2>
                      <span class="q-meta">
                        <span class="badge">{tr(`question.type.${s().question.type}` as UiKey)}</span>
                        <span class="muted">{tr('question.points', { n: formatNumber(s().points) })}</span>
                      </span>
                      <button
                        type="button"
                        class={`btn btn-sm flag-btn${answerOf(s().slot).flagged ? ' is-flagged' : ''}`}
                        aria-pressed={answerOf(s().slot).flagged}
                        onClick={() => toggleFlag(s().slot)}
                        disabled={phase() !== 'running'}
                      >
                        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 21V4M5 4h11l-2 4 2 4H5" /></svg>
                        {answerOf(s().slot).flagged ? tr('exam.unflag') : tr('exam.flag')}
                      </button>
                    </div>
                    <QuestionBody
                      question={s().question}
                      response={answerOf(s().slot).response}
                      onChange={(r) => setAnswer(s().slot, r)}
                      idPrefix={`s${s().slot}`}
                      locale={props.locale}
                      labelledBy="q-heading"
                    />
                    <div class="q-foot">
                      <button type="button" class="btn btn-secondary" onClick={() => goTo(current() - 1)} disabled={current() === 0}>
                        ‹ {tr('exam.prev')}
                      </button>
                      <Show
                        when={current() < total() - 1}
                        fallback={
                          <button type="button" class="btn btn-primary" onClick={() => setConfirming(true)} disabled={phase() !== 'running'}>
                            {tr('exam.submit')}
                          </button>
                        }
                      >
                        <button type="button" class="btn btn-primary" onClick={() => goTo(current() + 1)}>
                          {tr('exam.next')} ›
                        </button>
                      </Show>
                    </div>
                  </section>
                )}
              </Show>

              <aside class="runner-side" id="runner-nav" aria-labelledby="nav-title">
                <div class="card nav-card">
                  <div class="nav-head">
                    <h2 id="nav-title" class="nav-title">{tr('exam.navigator')}</h2>
                    <span class="muted small">{answeredCount()}/{total()}</span>
                  </div>
                  <ol class="qnav" role="list">
                    <For each={slots()}>
                      {(s, i) => (
                        <li>
                          <button
                            type="button"
                            class={`qnav-btn${isAnswered(answerOf(s.slot).response) ? ' is-answered' : ''}${answerOf(s.slot).flagged ? ' is-flagged' : ''}${i() === current() ? ' is-current' : ''}`}
                            aria-current={i() === current() ? 'step' : undefined}
                            aria-label={`${tr('exam.goTo', { n: i() + 1 })}，${navStatus(s.slot)}`}
                            onClick={() => goTo(i())}
                          >
                            {i() + 1}
                          </button>
                        </li>
                      )}
                    </For>
                  </ol>
                  <ul class="qnav-legend" aria-hidden="true">
                    <li><span class="lg lg-answered" />{tr('exam.legend.answered')}</li>
                    <li><span class="lg" />{tr('exam.legend.unanswered')}</li>
                    <li><span class="lg lg-flagged" />{tr('exam.legend.flagged')}</li>
                    <li><span class="lg lg-current" />{tr('exam.legend.current')}</li>
                  </ul>
                  <button type="button" class="btn btn-primary btn-block" onClick={() => setConfirming(true)} disabled={phase() !== 'running'}>
                    {tr('exam.submit')}
                  </button>
                </div>
                <details class="card keys-help">
                  <summary>{tr('exam.keyboardHelp')}</summary>
                  <ul>
                    <li>{tr('exam.keys.options')}</li>
                    <li>{tr('exam.keys.nav')}</li>
                    <li>{tr('exam.keys.flag')}</li>
                    <li class="muted">{tr('exam.keys.typing')}</li>
                  </ul>
                </details>
              </aside>
            </div>

            <Show when={confirming()}>
              <Modal labelledBy="confirm-title" describedBy="confirm-desc" onClose={() => setConfirming(false)}>
                <h2 id="confirm-title" class="modal-title">{tr('exam.confirmTitle')}</h2>
                <div id="confirm-desc" class="vstack">
                  <Show
                    when={unanswered().length > 0}
                    fallback={<p class="confirm-ok">{tr('exam.confirmAllAnswered', { total: total() })}</p>}
                  >
                    <div data-testid="confirm-unanswered">
                      <p class="confirm-warn">{tr('exam.confirmUnanswered', { n: unanswered().length })}</p>
                      <ul class="chip-list" role="list">
                        <For each={unanswered()}>
                          {(n) => (
                            <li>
                              <button type="button" class="chip" onClick={() => { setConfirming(false); goTo(slots().findIndex((x) => x.slot === n)); }}>
                                {tr('exam.goTo', { n: slots().findIndex((x) => x.slot === n) + 1 })}
                              </button>
                            </li>
                          )}
                        </For>
                      </ul>
                    </div>
                  </Show>
                  <Show when={flagged().length > 0}>
                    <div>
                      <p>{tr('exam.confirmFlagged')}</p>
                      <ul class="chip-list" role="list">
                        <For each={flagged()}>
                          {(n) => (
                            <li>
                              <button type="button" class="chip chip-flag" onClick={() => { setConfirming(false); goTo(slots().findIndex((x) => x.slot === n)); }}>
                                {tr('exam.goTo', { n: slots().findIndex((x) => x.slot === n) + 1 })}
                              </button>
                            </li>
                          )}
                        </For>
                      </ul>
                    </div>
                  </Show>
                  <Show when={save().pending > 0}>
                    <p class="muted small">{tr('exam.confirmPending', { n: save().pending })}</p>
                  </Show>
                  <p class="muted">{tr('exam.confirmNote')}</p>
                </div>
                <div class="modal-actions">
                  <button type="button" class="btn btn-secondary" data-autofocus onClick={() => setConfirming(false)}>{tr('exam.keepAnswering')}</button>
                  <button type="button" class="btn btn-primary" onClick={() => void finish('manual')}>{tr('exam.confirmSubmit')}</button>
                </div>
              </Modal>
            </Show>

            <Show when={phase() === 'submitting'}>
              <div class="submit-overlay" role="alertdialog" aria-modal="true" aria-labelledby="submitting-text">
                <div class="card submit-card">
                  <span class="spinner" aria-hidden="true" />
                  <p id="submitting-text">{submitHow() === 'manual' ? tr('exam.submitting') : endNotice() ?? tr('exam.timeUp')}</p>
                  <Show when={submitStalled()}>
                    <p class="muted small">{tr('exam.submitRetry')}</p>
                  </Show>
                </div>
              </div>
            </Show>
          </div>
        )}
      </Show>

      <Show when={phase() === 'result' && result()}>
        {(r) => (
          <>
            <Show when={endNotice() && submitHow() !== 'manual'}>
              <div class="alert alert-warning result-notice" role="status">{endNotice()}</div>
            </Show>
            <ResultView result={r()} locale={props.locale} titles={props.titles} />
          </>
        )}
      </Show>
    </div>
  );
}
