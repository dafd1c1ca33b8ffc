// /exams/ — my exams grouped as open / upcoming / closed, with attempts used and my grade, and
// start / resume / review links into the runner.
import { createResource, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { listExams, type ExamAvailability, type ExamSummary } from '../client/exam-api.ts';
import { formatDateTime, formatMinutes, formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale, type UiKey } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

interface Props {
  locale: Locale;
}

const GROUPS: ExamAvailability[] = ['open', 'upcoming', 'closed'];

export default function ExamList(props: Props) {
  const tr = translator(props.locale);
  const [data, { refetch }] = createResource(() => (typeof window === 'undefined' || !hasStoredSession() ? null : true), () => listExams());

  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const byGroup = (g: ExamAvailability) => (valueOf(data)?.exams ?? []).filter((e) => e.state === g);
  const takeHref = (e: ExamSummary) => localePath(props.locale, `/exams/take/?id=${encodeURIComponent(e.id)}`);
  const reviewHref = (attemptId: string) => localePath(props.locale, `/results/attempt/?id=${encodeURIComponent(attemptId)}`);

  const action = (e: ExamSummary) => {
    if (e.liveAttemptId) return <a class="btn btn-primary" href={takeHref(e)} data-testid="exam-resume">{tr('exams.resume')}</a>;
    if (e.state !== 'open') return null;
    if (e.attempts.remaining === 0) return <span class="badge">{tr('exams.noAttemptsLeft')}</span>;
    return (
      <a class="btn btn-primary" href={takeHref(e)} data-testid="exam-start">
        {e.attempts.used > 0 ? tr('exams.retake') : tr('exams.start')}
      </a>
    );
  };

  const lastFinished = (e: ExamSummary) => {
    const done = e.myAttempts.filter((a) => a.state !== 'in_progress' && a.state !== 'abandoned');
    return done[done.length - 1] ?? null;
  };

  return (
    <div class="vstack-lg">
      <Show when={data.error}>
        <LoadError error={data.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={data.loading && !valueOf(data)}>
        <div class="exam-grid" aria-busy="true">
          <span class="visually-hidden" role="status">{tr('app.loading')}</span>
          <span class="skeleton" style={{ height: '11rem' }} />
          <span class="skeleton" style={{ height: '11rem' }} />
        </div>
      </Show>
      <Show when={valueOf(data) && valueOf(data)!.exams.length === 0}>
        <p class="card empty">{tr('exams.emptyAll')}</p>
      </Show>
      <For each={GROUPS}>
        {(g) => (
          <Show when={byGroup(g).length > 0}>
            <section aria-labelledby={`exams-${g}`}>
              <h2 id={`exams-${g}`} class="section-title">
                {tr(`exams.${g}` as UiKey)} <span class="count-pill">{byGroup(g).length}</span>
              </h2>
              <ul class="exam-grid" role="list">
                <For each={byGroup(g)}>
                  {(e) => (
                    <li class={`card exam-card exam-${g}`} data-testid="exam-card">
                      <div class="exam-card-top">
                        <span class={`badge ${e.kind === 'mock_contest' ? 'badge-admin' : 'badge-primary'}`}>{tr(`exams.kind.${e.kind}` as UiKey)}</span>
                        <Show when={e.window.close && g !== 'upcoming'}>
                          <span class="muted small">{tr('exams.closesAt', { time: formatDateTime(e.window.close, props.locale) })}</span>
                        </Show>
                        <Show when={g === 'upcoming' && e.window.open}>
                          <span class="muted small">{tr('exams.opensAt', { time: formatDateTime(e.window.open, props.locale) })}</span>
                        </Show>
                      </div>
                      <h3 class="exam-card-title">{e.title}</h3>
                      <Show when={e.description}>
                        <p class="muted small exam-desc">{e.description}</p>
                      </Show>
                      <dl class="exam-facts">
                        <div>
                          <dt>{tr('exams.timeLimit')}</dt>
                          <dd>{formatMinutes(e.timeLimitSec, props.locale)}</dd>
                        </div>
                        <div>
                          <dt>{tr('exams.questions')}</dt>
                          <dd>{tr('exams.questionCount', { n: e.questionCount })}</dd>
                        </div>
                        <div>
                          <dt>{tr('exams.attempts')}</dt>
                          <dd>
                            {e.attempts.allowed === 0
                              ? tr('exams.attemptsUnlimited', { used: e.attempts.used })
                              : tr('exams.attemptsUsed', { used: e.attempts.used, allowed: e.attempts.allowed })}
                          </dd>
                        </div>
                        <div>
                          <dt>{tr('exams.best')}</dt>
                          <dd>
                            <Show when={e.grade} fallback={<span class="muted">—</span>}>
                              {(gr) => (
                                <>
                                  <strong>{formatNumber(gr().score)}</strong>
                                  <span class="muted"> / {formatNumber(gr().maxScore)}</span>
                                  <Show when={gr().passed !== null}>
                                    {' '}
                                    <span class={`badge ${gr().passed ? 'badge-trainer' : 'badge-danger'}`}>
                                      {gr().passed ? tr('result.passed') : tr('result.failed')}
                                    </span>
                                  </Show>
                                </>
                              )}
                            </Show>
                          </dd>
                        </div>
                      </dl>
                      <div class="cluster exam-actions">
                        {action(e)}
                        <Show when={lastFinished(e)}>
                          {(a) => <a class="btn btn-ghost" href={reviewHref(a().id)}>{tr('exams.viewResults')}</a>}
                        </Show>
                      </div>
                    </li>
                  )}
                </For>
              </ul>
            </section>
          </Show>
        )}
      </For>
    </div>
  );
}
