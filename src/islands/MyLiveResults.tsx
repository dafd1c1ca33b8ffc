// Live contests in a training record (GET /api/live-results): each ended live contest the person sat
// in — date, team and its place, their own answers and 个人全员答 points, and what it counts as in an
// online contest. On the dashboard (no `member`) it shows the signed-in person's records and nothing
// at all when there are none; with `member` (a manager's drill-down) it shows that person's.
import { createResource, For, Show } from 'solid-js';
import { localDetail } from '../client/problem-text.ts';
import { api } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { lv } from '../i18n/live.ts';
import type { Locale } from '../i18n/index.ts';
import { valueOf } from './shared/resource.ts';
import type { LiveRecord } from '../core/live-results.ts';
import '../styles/live-records.css';

export type { LiveRecord };

export const getLiveRecords = (member?: string) =>
  api<{ person: { name: string; employeeNo: string }; records: LiveRecord[] }>(`/api/live-results${member ? `?member=${encodeURIComponent(member)}` : ''}`);

export default function MyLiveResults(props: { locale: Locale; member?: string }) {
  const t = (key: Parameters<typeof lv>[1], vars?: Record<string, string | number>) => lv(props.locale, key, vars);
  const [data] = createResource(() => (hasStoredSession() ? props.member ?? '' : null), (m) => getLiveRecords(m || undefined));
  const records = () => valueOf(data)?.records ?? [];
  // The 个人全员答 column only when one of the contests had such a round: otherwise it is all zeros.
  const anyAll = () => records().some((r) => r.allQuestions > 0);
  const table = () => (
    <>
      <div class="table-wrap">
        <table class="table live-records" data-testid="live-records">
          <caption class="visually-hidden">{t('live.rec.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('live.rec.contest')}</th>
              <th scope="col">{t('live.rec.team')}</th>
              <th scope="col">{t('live.rec.place')}</th>
              <th scope="col">{t('live.rec.answers')}</th>
              <Show when={anyAll()}><th scope="col" class="num">{t('live.rec.points')}</th></Show>
              <th scope="col" class="num">{t('live.rec.score')}</th>
            </tr>
          </thead>
          <tbody>
            <For each={records()}>
              {(r) => (
                <tr>
                  <td data-label={t('live.rec.contest')}>
                    <strong>{r.contestTitle}</strong>
                    <span class="muted small block">{formatDateTime(r.finishedAt, props.locale)}</span>
                  </td>
                  <td data-label={t('live.rec.team')}>{r.teamName}</td>
                  <td data-label={t('live.rec.place')}>
                    {t('live.rec.placeOf', { rank: r.teamRank, n: r.teamsCount })}
                    <span class="muted small block">{t('live.rec.teamScore', { n: formatNumber(r.teamScore) })}</span>
                  </td>
                  <td data-label={t('live.rec.answers')}>{t('live.rec.answersOf', { c: r.correct, a: r.answered })}</td>
                  <Show when={anyAll()}>
                    <td class="num" data-label={t('live.rec.points')}>{r.allQuestions > 0 ? t('live.rec.pointsOf', { n: formatNumber(r.personalPoints), q: r.allQuestions }) : '—'}</td>
                  </Show>
                  <td class="num" data-label={t('live.rec.score')}>
                    <strong>{formatNumber(r.roundScore)}</strong>
                    <span class="muted small block">{t('live.rec.maxOf', { n: formatNumber(r.roundMax) })}</span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <p class="muted small" data-testid="live-records-hint">{t('live.rec.scoreHint')}</p>
    </>
  );
  return (
    <Show when={props.member !== undefined} fallback={
      // Dashboard: a section of its own, only for people who have played in a live contest.
      <Show when={records().length > 0}>
        <section class="dash-section" aria-labelledby="dash-live-records" data-testid="my-live-results">
          <h2 class="section-title" id="dash-live-records">{t('live.rec.title')}</h2>
          <p class="muted small">{t('live.rec.intro')}</p>
          {table()}
        </section>
      </Show>
    }>
      <section class="stack" aria-labelledby="person-live-records" data-testid="person-live-results">
        <h3 id="person-live-records">{t('live.rec.title')}</h3>
        <Show when={data.error}>
          <p class="alert alert-error" role="alert">{t('live.rec.loadFailed', { detail: localDetail(data.error, props.locale) })}</p>
        </Show>
        <Show when={valueOf(data)}>
          <Show when={records().length > 0} fallback={<p class="muted">{t('live.rec.none')}</p>}>{table()}</Show>
        </Show>
      </section>
    </Show>
  );
}
