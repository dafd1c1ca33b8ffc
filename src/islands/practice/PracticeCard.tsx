// One practice question with instant feedback: answer, check (POST /api/practice/answers), then
// right/wrong, the right answer, the explanation and a link to the cited article. Used by the
// practice runner and by "practise again" in the wrong-answer book.
import { createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { ApiError } from '../../client/api.ts';
import { localDetail } from '../../client/problem-text.ts';
import { examRefusalsTr, examRefusalsZh, type ExamRefusalKey } from '../../i18n/exam-refusals.ts';
import { answerPractice, type PracticeFeedback } from '../../client/exam-api.ts';
import { describeResponse, isAnswered, sourceHref, sourceLabel, type TitleMaps } from '../../client/format.ts';
import type { QuestionPublic, QuestionResponse } from '../../core/questions.ts';
import { translator, type Locale } from '../../i18n/index.ts';
import QuestionBody, { responseForKey } from '../exam/QuestionBody.tsx';

interface Props {
  question: QuestionPublic;
  locale: Locale;
  titles?: TitleMaps | undefined;
  idPrefix: string;
  headingId: string;
  heading: JSX.Element;
  onAnswered?: (feedback: PracticeFeedback) => void;
  /** Rendered under the feedback (Next / Finish buttons). */
  after?: (feedback: PracticeFeedback) => JSX.Element;
  /** Number keys choose options, Enter checks (only one card on the page should listen). */
  keyboard?: boolean;
}

export default function PracticeCard(props: Props) {
  const tr = translator(props.locale);
  const [response, setResponse] = createSignal<QuestionResponse>(null);
  const [feedback, setFeedback] = createSignal<PracticeFeedback | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const shownAt = Date.now();
  let feedbackEl: HTMLDivElement | undefined;
  let root: HTMLDivElement | undefined;

  const check = async () => {
    if (busy() || feedback()) return;
    if (!isAnswered(response())) {
      setError(tr('practice.needAnswer'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const f = await answerPractice(props.question.id, response(), Math.min(Date.now() - shownAt, 86_400_000));
      setFeedback(f);
      props.onAnswered?.(f);
      // Focus Next (Enter continues); the feedback itself is announced through role=status.
      requestAnimationFrame(() => (root?.querySelector<HTMLElement>('[data-next]') ?? feedbackEl)?.focus());
    } catch (e) {
      // In the page's language from the code (an exam in progress holds this question …).
      const say = examRefusalsTr(props.locale);
      setError(e instanceof ApiError ? localDetail(e, props.locale, (c, p) => (`err.${c}` in examRefusalsZh ? say(`err.${c}` as ExamRefusalKey, p) : null)) : tr('error.generic'));
    } finally {
      setBusy(false);
    }
  };

  onMount(() => {
    if (!props.keyboard) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || feedback()) return;
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && !/^(radio|checkbox)$/.test((t as HTMLInputElement).type)));
      if (e.key >= '1' && e.key <= '9' && !typing) {
        const next = responseForKey(props.question, response(), Number(e.key) - 1);
        if (next !== undefined) {
          e.preventDefault();
          setResponse(next);
          setError(null);
        }
      } else if (e.key === 'Enter' && (!t || t.tagName !== 'BUTTON' && t.tagName !== 'A' && t.tagName !== 'TEXTAREA')) {
        e.preventDefault();
        void check();
      }
    };
    document.addEventListener('keydown', onKey);
    onCleanup(() => document.removeEventListener('keydown', onKey));
  });

  const verdict = () => {
    const f = feedback();
    if (!f) return null;
    return f.correct ? 'correct' : f.state === 'partial' ? 'partial' : 'incorrect';
  };

  return (
    <div class="practice-card" ref={root}>
      <div class="q-head">
        <h2 id={props.headingId} class="q-no" tabindex="-1">{props.heading}</h2>
      </div>
      <QuestionBody
        question={props.question}
        response={response()}
        onChange={feedback() ? undefined : (r) => { setResponse(r); setError(null); }}
        idPrefix={props.idPrefix}
        locale={props.locale}
        labelledBy={props.headingId}
        reveal={feedback() ? { rightAnswer: feedback()!.rightAnswer } : null}
      />
      <Show when={error()}>
        <p class="field-error" role="alert">{error()}</p>
      </Show>
      <Show
        when={feedback()}
        fallback={
          <div class="q-foot">
            <span />
            <button type="button" class="btn btn-primary" onClick={() => void check()} disabled={busy()} data-testid="practice-check">
              {tr('practice.check')}
            </button>
          </div>
        }
      >
        {(f) => (
          <>
            <div
              class={`feedback feedback-${verdict()}`}
              tabindex="-1"
              ref={feedbackEl}
              role="status"
              data-testid="practice-feedback"
              data-correct={String(f().correct)}
            >
              <p class="feedback-verdict">
                <span class="feedback-icon" aria-hidden="true">{f().correct ? '✓' : '✗'}</span>
                {verdict() === 'correct' ? tr('practice.correct') : verdict() === 'partial' ? tr('practice.partial') : tr('practice.incorrect')}
              </p>
              <Show when={!f().correct}>
                <p>
                  <strong>{tr('result.rightAnswer')}：</strong>
                  <span class="right-answer">{describeResponse(props.question, f().rightAnswer, props.locale)}</span>
                </p>
              </Show>
              <Show when={f().explanation}>
                <p><strong>{tr('result.explanation')}：</strong>{f().explanation}</p>
              </Show>
              <Show when={f().source}>
                {(src) => (
                  <p class="source-line">
                    {tr('source.label')}：<a href={sourceHref(src(), props.locale)}>{sourceLabel(src(), props.locale, props.titles)}</a>
                  </p>
                )}
              </Show>
            </div>
            {props.after?.(f())}
          </>
        )}
      </Show>
    </div>
  );
}
