// /practice/session/?mode=topic|due|wrong|daily[&topic=<lesson id>] — a practice set, one question
// at a time with instant feedback, then a summary. Answers go straight to the server (practice has
// no deadline, so there is no offline queue here: an error is shown and the answer can be re-checked).
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { startPractice, type PracticeFeedback, type PracticeMode } from '../client/exam-api.ts';
import type { TitleMaps } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import PracticeCard from './practice/PracticeCard.tsx';
import LoadError from './shared/LoadError.tsx';

const MODES: PracticeMode[] = ['topic', 'due', 'wrong', 'daily'];

export default function PracticeRunner(props: { locale: Locale; titles?: TitleMaps }) {
  const tr = translator(props.locale);
  const params = new URLSearchParams(location.search);
  const rawMode = params.get('mode') as PracticeMode | null;
  const mode: PracticeMode = rawMode && MODES.indexOf(rawMode) !== -1 ? rawMode : 'daily';
  const topic = params.get('topic') ?? undefined;
  const [round, setRound] = createSignal(1);
  const [session, { refetch }] = createResource(
    () => (hasStoredSession() ? round() : null),
    () => startPractice(mode, mode === 'topic' ? topic : undefined),
  );
  const [index, setIndex] = createSignal(0);
  const [results, setResults] = createSignal<PracticeFeedback[]>([]);
  const [done, setDone] = createSignal(false);

  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const questions = () => session()?.questions ?? [];
  const title = () =>
    mode === 'topic' && topic ? `${tr('practice.mode.topic')} · ${props.titles?.lessons?.[topic] ?? topic}` : tr(`practice.mode.${mode}` as UiKey);
  const correctCount = () => results().filter((r) => r.correct).length;

  const next = () => {
    if (index() + 1 >= questions().length) setDone(true);
    else setIndex(index() + 1);
    window.scrollTo(0, 0);
  };
  const again = () => {
    setIndex(0);
    setResults([]);
    setDone(false);
    setRound(round() + 1);
  };

  return (
    <div class="practice-runner vstack">
      <div class="practice-top">
        <a class="back-link" href={localePath(props.locale, '/practice/')}>‹ {tr('practice.home')}</a>
        <h1 class="practice-title">{title()}</h1>
      </div>
      <Show when={session.loading}>
        <div class="card runner-loading" role="status"><span class="spinner" aria-hidden="true" />{tr('app.loading')}</div>
      </Show>
      <Show when={session.error}>
        <LoadError error={session.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={session() && !session.loading && questions().length === 0}>
        <div class="card empty">
          <p>{tr('practice.empty')}</p>
          <a class="btn btn-primary" href={localePath(props.locale, '/practice/')}>{tr('practice.home')}</a>
        </div>
      </Show>
      <Show when={session() && !session.loading && questions().length > 0 && !done()}>
        <div class="practice-progress" aria-hidden="true">
          <span style={{ width: `${((index() + (results().length > index() ? 1 : 0)) / questions().length) * 100}%` }} />
        </div>
        <For each={[questions()[index()]]}>
          {(q) => (
            <Show when={q}>
              {(item) => (
                <section class="card" aria-labelledby="pq-heading" data-testid="practice-question" data-question={item().question.id}>
                  <PracticeCard
                    question={item().question}
                    locale={props.locale}
                    titles={props.titles}
                    idPrefix={`p${index()}`}
                    headingId="pq-heading"
                    keyboard
                    heading={
                      <>
                        {tr('practice.progress', { n: index() + 1, total: questions().length })}
                        <span class="badge q-type-badge">{tr(`question.type.${item().question.type}` as UiKey)}</span>
                      </>
                    }
                    onAnswered={(f) => setResults(results().concat(f))}
                    after={() => (
                      <div class="q-foot">
                        <span class="muted small">{tr('practice.summaryBody', { total: results().length, correct: correctCount() })}</span>
                        <button type="button" class="btn btn-primary" data-next data-testid="practice-next" onClick={next}>
                          {index() + 1 >= questions().length ? tr('practice.finish') : tr('practice.next')}
                        </button>
                      </div>
                    )}
                  />
                </section>
              )}
            </Show>
          )}
        </For>
      </Show>
      <Show when={done()}>
        <section class="card practice-summary" aria-labelledby="ps-title" data-testid="practice-summary">
          <h2 id="ps-title">{tr('practice.summary')}</h2>
          <p class="summary-big">
            <strong>{correctCount()}</strong> / {results().length}
          </p>
          <p>{tr('practice.summaryBody', { total: results().length, correct: correctCount() })}</p>
          <div class="cluster">
            <button type="button" class="btn btn-primary" onClick={again}>{tr('practice.again')}</button>
            <Show when={results().some((r) => !r.correct)}>
              <a class="btn btn-secondary" href={localePath(props.locale, '/practice/wrong-book/')}>{tr('practice.openWrongBook')}</a>
            </Show>
            <a class="btn btn-ghost" href={localePath(props.locale, '/practice/')}>{tr('practice.home')}</a>
          </div>
        </section>
      </Show>
    </div>
  );
}
