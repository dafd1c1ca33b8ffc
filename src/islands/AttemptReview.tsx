// /results/attempt/?id=<attemptId> — my finished attempt as the exam's review policy allows now
// (the policy can show more after the exam closes, so this is always fetched fresh).
import { createResource, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getAttempt, isFinished } from '../client/exam-api.ts';
import type { TitleMaps } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import ResultView from './exam/ResultView.tsx';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

interface Props {
  locale: Locale;
  titles?: TitleMaps;
}

export default function AttemptReview(props: Props) {
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [data, { refetch }] = createResource(() => (id && hasStoredSession() ? id : null), getAttempt);

  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  return (
    <div>
      <Show when={!id}>
        <div class="alert alert-error" role="alert">{tr('exam.missingId')}</div>
      </Show>
      <Show when={data.loading}>
        <div class="card runner-loading" role="status"><span class="spinner" aria-hidden="true" />{tr('app.loading')}</div>
      </Show>
      <Show when={data.error}>
        <LoadError error={data.error} onRetry={() => void refetch()} tr={tr} />
      </Show>
      <Show when={valueOf(data)}>
        {(d) => {
          const body = d();
          return isFinished(body) ? (
            <ResultView result={body} locale={props.locale} titles={props.titles} />
          ) : (
            <div class="card vstack">
              <h1>{body.exam.title}</h1>
              <p>{tr('result.state.in_progress')}</p>
              <a class="btn btn-primary" href={localePath(props.locale, `/exams/take/?id=${encodeURIComponent(body.attempt.examId)}&attempt=${encodeURIComponent(body.attempt.id)}`)}>
                {tr('results.continue')}
              </a>
            </div>
          );
        }}
      </Show>
    </div>
  );
}
