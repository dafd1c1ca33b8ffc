// The result of a finished attempt, showing exactly what the review policy allows: the server
// already leaves out what may not be seen; `visibility` says which parts to render at all.
import { For, Show } from 'solid-js';
import type { AttemptResult, ResultSlot } from '../../client/exam-api.ts';
import { describeResponse, formatDateTime, formatNumber, sourceHref, sourceLabel, type TitleMaps } from '../../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../../i18n/index.ts';
import QuestionBody from './QuestionBody.tsx';

interface Props {
  result: AttemptResult;
  locale: Locale;
  titles?: TitleMaps;
  /** Heading level context: the runner shows this as the page's main content. */
  headingId?: string;
  /** Extra actions (e.g. "take again"). */
  actions?: import('solid-js').JSX.Element;
}

const MARK_STATES = ['correct', 'partial', 'incorrect', 'unanswered', 'needs_grading'];

export default function ResultView(props: Props) {
  const tr = translator(props.locale);
  const a = () => props.result.attempt;
  const r = () => props.result.result;
  const v = () => props.result.review;
  const showDetails = () => v().correctness || v().rightAnswers || v().explanations;

  const stateLabel = () => tr(`result.state.${a().state}` as UiKey);

  return (
    <div class="result vstack-lg">
      <section class="card result-head" aria-labelledby={props.headingId ?? 'result-title'}>
        <p class="eyebrow-muted">{tr('result.title')}</p>
        <h1 id={props.headingId ?? 'result-title'} class="result-title">{props.result.exam.title}</h1>
        <div class="cluster result-meta">
          <span class={`badge ${a().state === 'auto_submitted' ? 'badge-hr' : 'badge-primary'}`}>{stateLabel()}</span>
          <span class="muted">
            {tr('result.submittedAt')} {formatDateTime(a().finishedAt, props.locale)}
          </span>
        </div>

        <Show when={r().scoreVisible} fallback={<p class="alert alert-info result-hidden">{tr('result.hiddenScore')}</p>}>
          <div class="score-panel">
            <div class="score-main">
              <span class="score-label">{tr('result.score')}</span>
              <span class="score-value" data-testid="result-score">
                {formatNumber(r().score)}
                <Show when={r().maxScore !== null && r().maxScore !== undefined}>
                  <span class="score-max"> / {formatNumber(r().maxScore)}</span>
                </Show>
              </span>
            </div>
            <Show when={r().percent !== null && r().percent !== undefined}>
              <div class="score-side">
                <span class="score-label">{tr('result.percent')}</span>
                <span class="score-pct">{formatNumber(r().percent)}%</span>
              </div>
            </Show>
            <div class="score-side">
              <Show
                when={r().passed !== null && r().passed !== undefined}
                fallback={<span class="badge">{tr('result.pendingGrading')}</span>}
              >
                <span class={`outcome ${r().passed ? 'outcome-pass' : 'outcome-fail'}`} data-testid="result-outcome">
                  {r().passed ? tr('result.passed') : tr('result.failed')}
                </span>
              </Show>
              <Show when={typeof props.result.exam.passPercent === 'number'}>
                <span class="muted small">{tr('result.passMark', { n: formatNumber(props.result.exam.passPercent) })}</span>
              </Show>
            </div>
          </div>
        </Show>

        <div class="cluster result-actions">
          {props.actions}
          <a class="btn btn-secondary" href={localePath(props.locale, '/exams/')}>{tr('result.backToExams')}</a>
          <a class="btn btn-ghost" href={localePath(props.locale, '/results/')}>{tr('result.myResults')}</a>
        </div>
      </section>

      <Show when={showDetails()} fallback={<p class="muted">{tr('result.noDetails')}</p>}>
        <section aria-labelledby="result-questions">
          <h2 id="result-questions" class="section-title">{tr('result.questions')}</h2>
          <ol class="review-list" role="list">
            <For each={props.result.slots}>{(s) => <ReviewItem slot={s} locale={props.locale} titles={props.titles} flags={v()} />}</For>
          </ol>
        </section>
      </Show>
    </div>
  );
}

export function ReviewItem(props: {
  slot: ResultSlot;
  locale: Locale;
  titles?: TitleMaps | undefined;
  flags: { correctness: boolean; rightAnswers: boolean; explanations: boolean };
}) {
  const tr = translator(props.locale);
  const s = () => props.slot;
  const state = () => (props.flags.correctness && s().state && MARK_STATES.indexOf(s().state as string) !== -1 ? (s().state as string) : null);
  const answered = () => describeResponse(s().question, s().response, props.locale);
  const right = () => (props.flags.rightAnswers && s().rightAnswer !== undefined && s().rightAnswer !== null ? describeResponse(s().question, s().rightAnswer, props.locale) : '');
  const headingId = () => `rv-${s().slot}`;

  return (
    <li class={`card review-item${state() ? ` review-${state()}` : ''}`} data-testid="review-item">
      <div class="review-top">
        <h3 id={headingId()} class="review-no">
          {tr('exam.goTo', { n: s().slot })}
          <span class="muted review-type"> · {tr(`question.type.${s().question.type}` as UiKey)}</span>
        </h3>
        <Show when={state()}>
          {(st) => (
            <span class={`mark mark-${st()}`}>
              {tr(`result.mark.${st()}` as UiKey)}
              <Show when={s().mark !== null && s().mark !== undefined}>
                {' · '}
                {tr('result.markPoints', { mark: formatNumber(s().mark), points: formatNumber(s().points) })}
              </Show>
            </span>
          )}
        </Show>
      </div>
      <QuestionBody
        question={s().question}
        response={s().response}
        idPrefix={`rv${s().slot}`}
        locale={props.locale}
        labelledBy={headingId()}
        reveal={props.flags.rightAnswers && s().rightAnswer !== undefined ? { rightAnswer: s().rightAnswer } : null}
      />
      <dl class="review-facts">
        <div>
          <dt>{tr('result.yourAnswer')}</dt>
          <dd>{answered() || <span class="muted">{tr('result.notAnswered')}</span>}</dd>
        </div>
        <Show when={right()}>
          <div>
            <dt>{tr('result.rightAnswer')}</dt>
            <dd class="right-answer">{right()}</dd>
          </div>
        </Show>
      </dl>
      <Show when={props.flags.explanations && (s().explanation || s().source)}>
        <div class="explain">
          <Show when={s().explanation}>
            <p>
              <strong>{tr('result.explanation')}：</strong>
              {s().explanation}
            </p>
          </Show>
          <Show when={s().source}>
            {(src) => (
              <p class="source-line">
                {tr('source.label')}：<a href={sourceHref(src(), props.locale)}>{sourceLabel(src(), props.locale, props.titles)}</a>
              </p>
            )}
          </Show>
        </div>
      </Show>
    </li>
  );
}
