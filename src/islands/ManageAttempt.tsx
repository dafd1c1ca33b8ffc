// /manage/attempt/?id=<attemptId> — trainer/HR/admin view of one attempt: the person, score,
// every answer (with the key once finished) and the recorded events (focus loss, copy, paste).
import { createResource, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getManageAttempt } from '../client/exam-api.ts';
import { formatDateTime, formatNumber, type TitleMaps } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import { ReviewItem } from './exam/ResultView.tsx';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

const EVENT_KINDS = ['focus_loss', 'copy', 'paste', 'fullscreen_exit', 'resume', 'forced_submit'];

export default function ManageAttempt(props: { locale: Locale; titles?: TitleMaps }) {
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [data, { refetch }] = createResource(() => (id && hasStoredSession() ? id : null), getManageAttempt);
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const eventLabel = (kind: string) => (EVENT_KINDS.indexOf(kind) !== -1 ? tr(`attemptDetail.event.${kind}` as UiKey) : kind);

  return (
    <div class="vstack-lg">
      <a class="back-link" href={localePath(props.locale, `/manage/results/${valueOf(data)?.attempt.examId ? `?examId=${encodeURIComponent(valueOf(data)!.attempt.examId)}` : ''}`)}>
        ‹ {tr('attemptDetail.back')}
      </a>
      <Show when={data.loading}>
        <div class="card runner-loading" role="status"><span class="spinner" aria-hidden="true" />{tr('app.loading')}</div>
      </Show>
      <Show when={errorStatus(data) === 403}>
        <NoAccess locale={props.locale} tr={tr} detail={(data.error as { detail?: string }).detail} />
      </Show>
      <Show when={data.error && errorStatus(data) !== 403}>
        <LoadError error={data.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={valueOf(data)}>
        {(d) => {
          const a = () => d().attempt;
          const finished = () => a().state !== 'in_progress';
          return (
            <>
              <section class="card" aria-labelledby="ad-title">
                <p class="eyebrow-muted">{tr('attemptDetail.title')} · {a().examTitle}</p>
                <h1 id="ad-title" class="result-title">
                  {a().name} <span class="muted mono small">{a().employeeNo}</span>
                </h1>
                <dl class="facts">
                  <div><dt>{tr('manage.col.org')}</dt><dd>{a().orgName}</dd></div>
                  <div><dt>{tr('manage.col.state')}</dt><dd>{tr(`result.state.${a().state}` as UiKey)} · {tr('results.attempt', { n: a().attemptNo })}</dd></div>
                  <div><dt>{tr('attemptDetail.started')}</dt><dd>{formatDateTime(a().startedAt, props.locale)}</dd></div>
                  <div><dt>{tr('attemptDetail.deadline')}</dt><dd>{formatDateTime(a().deadline, props.locale)}</dd></div>
                  <div><dt>{tr('manage.col.finished')}</dt><dd>{formatDateTime(a().finishedAt, props.locale)}</dd></div>
                  <div>
                    <dt>{tr('manage.col.score')}</dt>
                    <dd>
                      <strong>{formatNumber(a().score)}</strong> / {formatNumber(a().maxScore)}
                      <Show when={a().percent !== null}> · {formatNumber(a().percent)}%</Show>
                      <Show when={a().passed !== null}>
                        {' '}
                        <span class={`badge ${a().passed ? 'badge-trainer' : 'badge-danger'}`}>{a().passed ? tr('result.passed') : tr('result.failed')}</span>
                      </Show>
                    </dd>
                  </div>
                  <div><dt>{tr('manage.col.focus')}</dt><dd>{a().focusLosses}</dd></div>
                </dl>
              </section>

              <section aria-labelledby="ad-events">
                <h2 id="ad-events" class="section-title">{tr('attemptDetail.events')}</h2>
                <Show when={d().events.length > 0} fallback={<p class="muted">{tr('attemptDetail.noEvents')}</p>}>
                  <div class="table-wrap">
                    <table class="table">
                      <thead>
                        <tr><th scope="col">{tr('attemptDetail.time')}</th><th scope="col">{tr('attemptDetail.kind')}</th><th scope="col">{tr('exam.navigator')}</th></tr>
                      </thead>
                      <tbody>
                        <For each={d().events}>
                          {(ev) => (
                            <tr>
                              <td>{formatDateTime(ev.at, props.locale)}:{new Date(ev.at).getSeconds().toString().padStart(2, '0')}</td>
                              <td>{eventLabel(ev.kind)}</td>
                              <td>{ev.detail && typeof ev.detail.slot === 'number' && ev.detail.slot > 0 ? tr('exam.goTo', { n: ev.detail.slot }) : '—'}</td>
                            </tr>
                          )}
                        </For>
                      </tbody>
                    </table>
                  </div>
                </Show>
              </section>

              <section aria-labelledby="ad-questions">
                <h2 id="ad-questions" class="section-title">{tr('result.questions')}</h2>
                <Show when={finished() && !d().keys.rightAnswers}>
                  <p class="muted small" role="note">{tr('attemptDetail.keysWithheld')}</p>
                </Show>
                <ol class="review-list" role="list">
                  <For each={d().slots}>
                    {(s) => (
                      <ReviewItem
                        slot={s}
                        locale={props.locale}
                        titles={props.titles}
                        flags={{ correctness: finished(), rightAnswers: finished() && d().keys.rightAnswers, explanations: finished() && d().keys.explanations }}
                      />
                    )}
                  </For>
                </ol>
              </section>
            </>
          );
        }}
      </Show>
    </div>
  );
}
