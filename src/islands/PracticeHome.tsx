// /practice/ — where to practise: daily 10, due reviews (FSRS), the wrong-answer book, and the
// 12 topics (titles come from the lessons collection at build time), with my practice stats.
import { createResource, For, onMount, Show } from 'solid-js';
import { signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getPracticeStats, type TopicStats } from '../client/exam-api.ts';
import { formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

export interface TopicInfo {
  id: string;
  title: string;
  moduleTitle: string;
}

export default function PracticeHome(props: { locale: Locale; topics: TopicInfo[] }) {
  const tr = translator(props.locale);
  const [stats, { refetch }] = createResource(() => (hasStoredSession() ? true : null), getPracticeStats);
  onMount(() => {
    if (!hasStoredSession()) location.assign(signInUrl());
  });

  const session = (mode: string, topic?: string) =>
    localePath(props.locale, `/practice/session/?mode=${mode}${topic ? `&topic=${encodeURIComponent(topic)}` : ''}`);
  const topicStats = (id: string): TopicStats | undefined => valueOf(stats)?.byTopic.find((t) => t.topic === id);
  const pct = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${formatNumber(rate * 100)}%`);

  return (
    <div class="vstack-lg">
      <Show when={stats.error}>
        <LoadError error={stats.error} onRetry={() => void refetch()} tr={tr} />
      </Show>

      <section aria-labelledby="pr-stats" class="card stats-card">
        <h2 id="pr-stats" class="visually-hidden">{tr('practice.stats')}</h2>
        <dl class="stat-row" aria-busy={stats.loading}>
          <div>
            <dt>{tr('practice.stat.answered')}</dt>
            <dd>{valueOf(stats) ? valueOf(stats)!.answered : '—'}</dd>
          </div>
          <div>
            <dt>{tr('practice.stat.accuracy')}</dt>
            <dd>{valueOf(stats) ? pct(valueOf(stats)!.correctRate) : '—'}</dd>
          </div>
          <div>
            <dt>{tr('practice.stat.due')}</dt>
            <dd>{valueOf(stats) ? valueOf(stats)!.dueCount : '—'}</dd>
          </div>
          <div>
            <dt>{tr('practice.stat.wrong')}</dt>
            <dd>{valueOf(stats) ? valueOf(stats)!.wrongBookCount : '—'}</dd>
          </div>
        </dl>
      </section>

      <ul class="mode-grid" role="list">
        <li>
          <a class="card card-link mode-card mode-daily" href={session('daily')}>
            <span class="mode-icon" aria-hidden="true">10</span>
            <span class="card-text">
              <span class="card-title">{tr('practice.mode.daily')}</span>
              <span class="muted small block">{tr('practice.dailyBody')}</span>
            </span>
          </a>
        </li>
        <li>
          <a class="card card-link mode-card" href={session('due')}>
            <span class="mode-icon" aria-hidden="true">↻</span>
            <span class="card-text">
              <span class="card-title">{tr('practice.mode.due')}</span>
              <span class="muted small block">{tr('practice.dueBody')}</span>
              <Show when={valueOf(stats)}>
                <span class="badge badge-primary">{tr('practice.dueCount', { n: valueOf(stats)!.dueCount })}</span>
              </Show>
            </span>
          </a>
        </li>
        <li>
          <a class="card card-link mode-card" href={localePath(props.locale, '/practice/wrong-book/')} data-testid="wrong-book-link">
            <span class="mode-icon mode-icon-warn" aria-hidden="true">✗</span>
            <span class="card-text">
              <span class="card-title">{tr('wrongBook.title')}</span>
              <span class="muted small block">{tr('practice.wrongBody')}</span>
              <Show when={valueOf(stats)}>
                <span class="badge badge-danger">{tr('practice.wrongCount', { n: valueOf(stats)!.wrongBookCount })}</span>
              </Show>
            </span>
          </a>
        </li>
      </ul>

      <section aria-labelledby="pr-topics">
        <h2 id="pr-topics" class="section-title">{tr('practice.topics')}</h2>
        <ul class="topic-grid" role="list">
          <For each={props.topics}>
            {(t) => (
              <li class="card topic-card" data-topic={t.id}>
                <p class="eyebrow-muted">{t.moduleTitle}</p>
                <h3 class="topic-title">{t.title}</h3>
                <div class="topic-foot">
                  <span class="muted small">
                    <Show when={topicStats(t.id)} fallback={'\u00a0'}>
                      {(s) => (
                        <>
                          {tr('practice.stat.answered')} {s().answered} · {tr('practice.stat.accuracy')} {pct(s().correctRate)}
                        </>
                      )}
                    </Show>
                  </span>
                  <a class="btn btn-secondary btn-sm" href={session('topic', t.id)} aria-label={`${tr('practice.start')}：${t.title}`}>
                    {tr('practice.start')}
                  </a>
                </div>
              </li>
            )}
          </For>
        </ul>
      </section>
    </div>
  );
}
