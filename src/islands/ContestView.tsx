// /contests/view/?id= (or ?code= from the short link /c/<code>): one contest. Participants see
// their team, the rounds with their own score and a button to start or resume each round, and the
// board. The host unit's trainers also publish, close, reopen, edit, export and print from here.
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { ApiError, signInUrl } from '../client/api.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import {
  contestByCode, deleteContest, downloadExport, getContest, setContestStatus, type ContestDetail, type ContestRound,
} from '../client/contests-api.ts';
import { formatDateTime, formatNumber } from '../client/format.ts';
import { localePath, translator, type Locale } from '../i18n/index.ts';
import { contestsTr, contestsZh, type ContestsKey } from '../i18n/contests.ts';
import { areaSay, localDetail, localFieldErrors } from '../client/problem-text.ts';
import LoadError from './shared/LoadError.tsx';
import { valueOf } from './shared/resource.ts';

export default function ContestView(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const tr = translator(props.locale);
  const link = (path: string) => localePath(props.locale, path);
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ kind: 'error' | 'success'; text: string } | null>(null);

  async function resolveId(): Promise<string> {
    const q = new URLSearchParams(location.search);
    const code = q.get('code');
    if (!q.get('id') && code) {
      const found = await contestByCode(code);
      history.replaceState(null, '', `${location.pathname}?id=${encodeURIComponent(found.id)}`);
      return found.id;
    }
    return q.get('id') ?? '';
  }
  const [contest, { refetch, mutate }] = createResource(
    () => (hasStoredSession() ? 'go' : null),
    async () => getContest(await resolveId()),
  );
  onMount(() => { if (!hasStoredSession()) location.assign(signInUrl()); });

  async function act(fn: () => Promise<ContestDetail | unknown>, ok?: string) {
    setBusy(true);
    setMessage(null);
    try {
      const out = await fn();
      if (out && typeof out === 'object' && 'id' in out) mutate(out as ContestDetail);
      if (ok) setMessage({ kind: 'success', text: ok });
    } catch (e) {
      // The refusal and its field errors (publishing without rounds …) in the page's language.
      const say = areaSay<ContestsKey>(contestsZh, tx);
      const fields = Object.values(localFieldErrors(e, props.locale, say)).join(' ');
      setMessage({ kind: 'error', text: [localDetail(e, props.locale, say), fields].filter(Boolean).join(' ') });
    } finally {
      setBusy(false);
    }
  }

  const roundAction = (r: ContestRound) => {
    // On-site rounds are joined in the room with the PIN the host shows (K2's join page).
    if (r.kind === 'live') return <a class="btn btn-secondary btn-sm" href={link('/live/join/')}>{tx('c.round.openLive')}</a>;
    if (r.examStatus !== 'published') return <span class="muted small">{tx('c.round.notPublished')}</span>;
    const m = r.mine;
    const label = m?.inProgress ? tx('c.round.resume') : m && m.attempts > 0 ? tx('c.round.again') : tx('c.round.start');
    const left = r.attemptsAllowed === 0 || !m || m.inProgress || m.attempts < (r.attemptsAllowed ?? 1);
    return (
      <Show when={left}>
        <a class="btn btn-primary btn-sm" data-testid="start-round" href={link(`/exams/take/?id=${encodeURIComponent(r.examId!)}`)}>{label}</a>
      </Show>
    );
  };

  return (
    <div class="vstack contest-view">
      <Show when={contest.error}>
        <Show when={(contest.error as ApiError).status === 404} fallback={<LoadError error={contest.error} onRetry={() => void refetch()} tr={tr} />}>
          <p class="card empty" role="alert">{tx('c.notFound')}</p>
        </Show>
      </Show>
      <Show when={contest.loading && !valueOf(contest)}><span class="skeleton" style={{ height: '12rem' }} /></Show>
      <Show when={valueOf(contest)}>{(c) => (
        <>
          <header class="page-head contest-head">
            <p class="eyebrow"><a href={link('/contests/')}>{tx('c.title')}</a></p>
            <h1>{c().title}</h1>
            <p class="cluster small">
              <span class={`badge status-${c().status}`}>{tx(`c.status.${c().status}`)}</span>
              <span class="muted">{tx('c.owner', { name: c().ownerName })}</span>
              <span class="muted">{tx('c.code')} <strong class="mono" data-testid="contest-code">{c().code}</strong></span>
            </p>
            <Show when={c().description}><p class="lead muted">{c().description}</p></Show>
            <Show when={c().takesPart}>
              <p class="contest-team" data-testid="my-team">{c().myTeam ? tx('c.myTeam', { name: c().myTeam!.name }) : tx('c.individual')}</p>
            </Show>
            <Show when={c().standing}>{(st) => (
              <dl class="contest-standing" data-testid="my-standing">
                <div><dt>{tx('c.standing.me')}</dt>
                  <dd data-testid="my-rank">{st().rank !== null
                    ? tx('c.standing.rank', { rank: st().rank!, n: st().ranked, s: formatNumber(st().score ?? 0) })
                    : tx('c.standing.none')}</dd></div>
                <Show when={st().team}>{(tm) => (
                  <div><dt>{tx('c.standing.team', { name: tm().name })}</dt>
                    <dd data-testid="my-team-rank">{tx('c.standing.teamRank', { rank: tm().rank, n: tm().teams, s: formatNumber(tm().score) })}</dd></div>
                )}</Show>
              </dl>
            )}</Show>
          </header>

          <div class="cluster">
            <Show when={c().status !== 'draft'}><a class="btn btn-secondary" href={link(`/contests/board/?id=${encodeURIComponent(c().id)}`)} data-testid="open-board">{tx('c.board')}</a></Show>
            <Show when={c().manages}>
              <a class="btn btn-ghost" href={link(`/contests/print/?id=${encodeURIComponent(c().id)}`)}>{tx('c.print')}</a>
              <button type="button" class="btn btn-ghost" disabled={busy()} onClick={() => void act(() => downloadExport(c().id, c().title))}>{tx('c.export')}</button>
            </Show>
            <Show when={c().edits}>
              <Show when={c().status !== 'closed'}><a class="btn btn-ghost" href={link(`/contests/edit/?id=${encodeURIComponent(c().id)}`)}>{tx('c.edit')}</a></Show>
              <Show when={c().status === 'draft'}>
                <button type="button" class="btn btn-primary" data-testid="publish" disabled={busy()} onClick={() => void act(() => setContestStatus(c().id, 'published'))}>{tx('c.publish')}</button>
                <button type="button" class="btn btn-ghost" disabled={busy()} onClick={() => { if (confirm(tx('c.confirmDelete'))) void act(async () => { await deleteContest(c().id); location.assign(link('/contests/')); }); }}>{tx('c.delete')}</button>
              </Show>
              <Show when={c().status === 'published'}>
                <button type="button" class="btn btn-secondary" data-testid="close" disabled={busy()} onClick={() => { if (confirm(tx('c.confirmClose'))) void act(() => setContestStatus(c().id, 'closed')); }}>{tx('c.close')}</button>
              </Show>
              <Show when={c().status === 'closed'}>
                <button type="button" class="btn btn-secondary" disabled={busy()} onClick={() => void act(() => setContestStatus(c().id, 'published'))}>{tx('c.reopen')}</button>
              </Show>
            </Show>
          </div>
          <Show when={message()}>{(m) => <p class={`alert alert-${m().kind}`} role={m().kind === 'error' ? 'alert' : 'status'}>{m().text}</p>}</Show>

          <section aria-labelledby="rounds-title">
            <h2 id="rounds-title">{tx('c.roundsTitle')}</h2>
            <ol class="round-list">
              <For each={c().rounds}>{(r) => (
                <li class="card round-card" data-testid="round">
                  <div class="round-main">
                    <h3>{r.title}</h3>
                    <p class="small muted">
                      {r.kind === 'live' ? tx('c.round.live') : [
                        r.windowOpen || r.windowClose ? tx('c.round.window', { from: formatDateTime(r.windowOpen, props.locale), to: formatDateTime(r.windowClose, props.locale) }) : tx('c.round.anytime'),
                        r.timeLimitSec ? tx('c.round.limit', { n: Math.round(r.timeLimitSec / 60) }) : null,
                        r.attemptsAllowed === 0 ? tx('c.round.unlimited') : tx('c.round.attempts', { n: r.attemptsAllowed ?? 1 }),
                      ].filter(Boolean).join(' · ')}
                    </p>
                    <Show when={c().takesPart}>
                      <p class="small" data-testid="round-mine">
                        {r.mine?.inProgress ? tx('c.round.inProgress') : r.mine?.score != null ? tx('c.round.mine', { s: `${formatNumber(r.mine.score)}${r.mine.maxScore ? ` / ${formatNumber(r.mine.maxScore)}` : ''}` }) : r.kind === 'live' ? tx('c.round.liveNotYet') : tx('c.round.notYet')}
                      </p>
                    </Show>
                  </div>
                  <Show when={c().takesPart && c().status === 'published'}><div class="round-action">{roundAction(r)}</div></Show>
                </li>
              )}</For>
            </ol>
          </section>

          <section aria-labelledby="teams-title">
            <h2 id="teams-title">{tx('c.teamsTitle')}</h2>
            <ul class="team-chips">
              <For each={c().teams}>{(t) => (
                <li class="badge">{t.name}<span class="muted small">{t.kind === 'org_unit' ? ` · ${tx('c.team.org')}` : c().manages ? ` · ${tx('c.team.members', { n: t.members.length })}` : ` · ${tx('c.team.hand')}`}</span></li>
              )}</For>
            </ul>
            <Show when={c().manages && c().individuals.length}>
              <h3 class="small">{tx('c.individualsTitle')}</h3>
              <p class="small">{c().individuals.map((p) => `${p.name ?? ''}（${p.employeeNo ?? ''}）`).join('、')}</p>
            </Show>
            <p class="small muted">
              {c().teamMethod === 'best_n' ? tx('c.method.best_n', { n: c().bestN ?? '' }) : tx(`c.method.${c().teamMethod as 'average' | 'total'}`)}
              {' · '}{c().participationWeight > 0 ? tx('c.weight.some', { w: c().participationWeight }) : tx('c.weight.none')}
            </p>
          </section>
        </>
      )}</Show>
    </div>
  );
}
