// /practice/wrong-book/ — 错题本: each question with my last answer, the right answer, the
// explanation and its source; practise it again in place (a right answer takes it out of the book,
// on the server) or remove it by hand.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { localDetail } from '../client/problem-text.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getWrongBook, removeFromWrongBook, type WrongBookEntry } from '../client/exam-api.ts';
import { describeResponse, formatDateTime, sourceHref, sourceLabel, type TitleMaps } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import QuestionBody from './exam/QuestionBody.tsx';
import PracticeCard from './practice/PracticeCard.tsx';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

export default function WrongBook(props: { locale: Locale; titles?: TitleMaps }) {
  const tr = translator(props.locale);
  const [entries, { refetch, mutate }] = createResource(() => (hasStoredSession() ? true : null), getWrongBook);
  const [practising, setPractising] = createSignal<string | null>(null);
  const [status, setStatus] = createSignal('');
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const remove = async (e: WrongBookEntry) => {
    try {
      await removeFromWrongBook(e.questionId);
    } catch (err) {
      // Already out of the book (answered right elsewhere): treat as removed.
      if (!(err instanceof ApiError && err.status === 404)) {
        setStatus(err instanceof ApiError ? localDetail(err, props.locale) : tr('error.generic'));
        return;
      }
    }
    mutate((list) => (list ?? []).filter((x) => x.questionId !== e.questionId));
    setStatus(tr('wrongBook.removed'));
  };

  const topicTitle = (id: string) => props.titles?.lessons?.[id] ?? id;

  return (
    <div class="vstack">
      <div class="visually-hidden" role="status" aria-live="polite">{status()}</div>
      <Show when={entries.error}>
        <LoadError error={entries.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={entries.loading && !valueOf(entries)}>
        <span class="visually-hidden" role="status">{tr('app.loading')}</span>
        <span class="skeleton" style={{ height: '12rem' }} />
      </Show>
      <Show when={valueOf(entries) && valueOf(entries)!.length === 0}>
        <div class="card empty">
          <p>{tr('wrongBook.empty')}</p>
          <a class="btn btn-primary" href={localePath(props.locale, '/practice/')}>{tr('practice.home')}</a>
        </div>
      </Show>
      <Show when={valueOf(entries) && valueOf(entries)!.length > 0}>
        <div class="wb-bar">
          <span class="muted">{tr('wrongBook.count', { n: valueOf(entries)!.length })}</span>
          <a class="btn btn-primary" href={localePath(props.locale, '/practice/session/?mode=wrong')}>{tr('wrongBook.practiseAll')}</a>
        </div>
        <ol class="review-list" role="list">
          <For each={valueOf(entries)}>
            {(e) => (
              <li class="card wb-item" data-testid="wrong-book-item" data-question={e.questionId}>
                <div class="review-top">
                  <p class="eyebrow-muted wb-topic">
                    {topicTitle(e.topic)} · {tr(`question.type.${e.question.type}` as UiKey)}
                  </p>
                  <span class="badge badge-danger">{tr('wrongBook.timesWrong', { n: e.wrongCount })}</span>
                </div>
                <Show
                  when={practising() === e.questionId}
                  fallback={
                    <>
                      <h2 id={`wb-${e.questionId}`} class="visually-hidden">{e.question.stem}</h2>
                      <QuestionBody
                        question={e.question}
                        response={e.lastResponse}
                        idPrefix={`wb-${e.questionId}`}
                        locale={props.locale}
                        labelledBy={`wb-${e.questionId}`}
                        reveal={{ rightAnswer: e.rightAnswer }}
                      />
                      <dl class="review-facts">
                        <div>
                          <dt>{tr('wrongBook.myAnswer')}</dt>
                          <dd class="wrong-answer">{describeResponse(e.question, e.lastResponse, props.locale) || tr('result.notAnswered')}</dd>
                        </div>
                        <div>
                          <dt>{tr('result.rightAnswer')}</dt>
                          <dd class="right-answer">{describeResponse(e.question, e.rightAnswer, props.locale)}</dd>
                        </div>
                      </dl>
                      <div class="explain">
                        <Show when={e.explanation}>
                          <p><strong>{tr('result.explanation')}：</strong>{e.explanation}</p>
                        </Show>
                        <Show when={e.source}>
                          {(src) => (
                            <p class="source-line">
                              {tr('source.label')}：<a href={sourceHref(src(), props.locale)}>{sourceLabel(src(), props.locale, props.titles)}</a>
                            </p>
                          )}
                        </Show>
                        <Show when={e.lastAnsweredAt}>
                          <p class="muted small">{formatDateTime(e.lastAnsweredAt, props.locale)}</p>
                        </Show>
                      </div>
                      <div class="cluster wb-actions">
                        <button type="button" class="btn btn-secondary btn-sm" onClick={() => setPractising(e.questionId)}>{tr('wrongBook.practise')}</button>
                        <button type="button" class="btn btn-ghost btn-sm" onClick={() => void remove(e)}>{tr('wrongBook.remove')}</button>
                      </div>
                    </>
                  }
                >
                  <PracticeCard
                    question={e.question}
                    locale={props.locale}
                    titles={props.titles}
                    idPrefix={`wbp-${e.questionId}`}
                    headingId={`wbp-h-${e.questionId}`}
                    heading={<span class="wb-again">{tr('wrongBook.practise')}</span>}
                    after={(f) => (
                      <div class="q-foot">
                        <span />
                        <button
                          type="button"
                          class="btn btn-primary"
                          data-next
                          onClick={() => {
                            setPractising(null);
                            if (!f.inWrongBook) mutate((list) => (list ?? []).filter((x) => x.questionId !== e.questionId));
                            else void refetch();
                          }}
                        >
                          {tr('exam.dismiss')}
                        </button>
                      </div>
                    )}
                  />
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </div>
  );
}
