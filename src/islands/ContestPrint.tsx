// /contests/print/?id= — the printable results (成绩公告): the award list (一等奖/二等奖/三等奖 by the
// contest's rule), team results with participation, every individual result, and a line for the
// host's seal. Print CSS (src/styles/contests.css) drops the site chrome and keeps tables whole.
import { createResource, For, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import { getRanking, type FullRanking } from '../client/contests-api.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { contestsTr } from '../i18n/contests.ts';
import LoadError from './shared/LoadError.tsx';
import NoAccess from './shared/NoAccess.tsx';
import { errorStatus, valueOf } from './shared/resource.ts';

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;
const mmss = (sec: number) => `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;

export default function ContestPrint(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const tr = translator(props.locale);
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [data, { refetch }] = createResource(() => (hasStoredSession() ? id : null), (cid) => getRanking(cid));
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });
  const levels = ['first', 'second', 'third'] as const;
  const winners = (r: FullRanking, level: (typeof levels)[number]) => r.individuals.filter((p) => p.award === level);
  const rule = (r: FullRanking) => tx(r.awards.mode === 'share' ? 'p.rule.share' : 'p.rule.count', { a: r.awards.first, b: r.awards.second, c: r.awards.third });

  return (
    <div class="contest-print">
      <Show when={errorStatus(data) === 403}><NoAccess locale={props.locale} tr={tr} detail={tx('p.forbidden')} /></Show>
      <Show when={data.error && errorStatus(data) !== 403}>
        <Show when={(data.error as ApiError).status === 404} fallback={<LoadError error={data.error} onRetry={() => void refetch()} tr={tr} />}>
          <p class="card empty" role="alert">{tx('c.notFound')}</p>
        </Show>
      </Show>
      <Show when={data.loading && !valueOf(data)}><span class="skeleton" style={{ height: '12rem' }} /></Show>
      <Show when={valueOf(data)}>{(r) => (
        <article>
          <div class="cluster no-print">
            <button type="button" class="btn btn-primary" onClick={() => window.print()}>{tx('p.print')}</button>
            <a class="btn btn-ghost" href={localePath(props.locale, `/contests/view/?id=${encodeURIComponent(r().id)}`)}>{tx('e.cancel')}</a>
          </div>
          <header class="print-head">
            <h1>{r().title} · {tx('p.title')}</h1>
            <p>{tx('c.owner', { name: r().ownerName })} · {tx(`c.status.${r().status}`)}{r().closedAt ? ` · ${formatDateTime(r().closedAt, props.locale)}` : ''}</p>
            <p class="small">{tx('b.participants', { p: r().participants, e: r().eligible, r: pct(r().participationRate) })}</p>
          </header>

          <section class="print-awards" aria-labelledby="awards-title" data-testid="award-list">
            <h2 id="awards-title">{tx('p.awards')}</h2>
            <p class="small muted">{rule(r())}</p>
            <For each={levels}>{(level) => (
              <Show when={winners(r(), level).length}>
                <div class="award-group">
                  <h3>{tx(`p.award.${level}`)}</h3>
                  <p>{winners(r(), level).map((p) => `${p.name}（${p.team ?? p.orgName}）`).join('、')}</p>
                </div>
              </Show>
            )}</For>
          </section>

          <section aria-labelledby="teams-title">
            <h2 id="teams-title">{tx('p.teamRanking')}</h2>
            <table class="table print-table">
              <thead><tr><th>{tx('b.rank')}</th><th>{tx('b.team')}</th><th class="num">{tx('b.teamScore')}</th><th class="num">{tx('b.rate')}</th><th class="num">{tx('s.peopleCount')}</th></tr></thead>
              <tbody><For each={r().teams}>{(t) => (
                <tr><td>{t.rank}</td><td>{t.name}</td><td class="num">{formatNumber(t.score)}</td><td class="num">{pct(t.participationRate)}</td><td class="num">{t.participants}/{t.eligible}</td></tr>
              )}</For></tbody>
            </table>
          </section>

          <section aria-labelledby="ind-title">
            <h2 id="ind-title">{tx('p.allIndividuals')}</h2>
            <table class="table print-table">
              <thead><tr><th>{tx('b.rank')}</th><th>{tx('p.employeeNo')}</th><th>{tx('b.name')}</th><th>{tx('b.team')}</th><th class="num">{tx('b.score')}</th><th class="num">{tx('b.time')}</th><th>{tx('p.submitted')}</th><th>{tx('p.award')}</th></tr></thead>
              <tbody><For each={r().individuals}>{(p) => (
                <tr><td>{p.rank}</td><td>{p.employeeNo}</td><td>{p.name}</td><td>{p.team ?? p.orgName}</td><td class="num">{formatNumber(p.score)}</td>
                  <td class="num">{mmss(p.timeUsedSec)}</td><td>{formatDateTime(p.submittedAt, props.locale)}</td><td>{p.award ? tx(`p.award.${p.award}`) : ''}</td></tr>
              )}</For></tbody>
            </table>
          </section>
          <footer class="print-sign"><span>{tx('p.signature')}</span><span>{tx('p.date')}</span></footer>
        </article>
      )}</Show>
    </div>
  );
}
