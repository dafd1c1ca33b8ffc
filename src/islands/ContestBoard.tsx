// /contests/board/?id= (and /contests/<id>/board through a rewrite in netlify.toml): the projector
// board of an online mock contest. Large type sized from the viewport so it reads from the back of
// a room at 1920×1080 and still fits a laptop; updates by itself: it polls the versioned state
// (GET /api/contests/:id/board) every few seconds with If-None-Match, and an unchanged contest costs
// a 304 with no body. A QR code and short link let people join; the podium shows once it closes.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import QRCode from 'qrcode';
import { signInUrl } from '../client/api.ts';
import { currentSession } from '../client/supabase.ts';
import { hasStoredSession } from '../client/session-hint.ts';
import type { BoardPerson, BoardState } from '../client/contests-api.ts';
import { localePath, type Locale } from '../i18n/index.ts';
import { contestsTr } from '../i18n/contests.ts';

const POLL_MS = 3000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The contest id from ?id= or from the path /contests/<id>/board (the rewrite keeps the URL). */
export function boardIdFrom(loc: { search: string; pathname: string }): string {
  const q = new URLSearchParams(loc.search).get('id');
  if (q) return q;
  const m = /\/contests\/([^/]+)\/board\/?$/.exec(loc.pathname);
  return m && UUID.test(m[1]!) ? m[1]! : '';
}

const fmtScore = (n: number) => String(Math.round(n * 100) / 100);
const fmtTime = (sec: number) => `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

export default function ContestBoard(props: { locale: Locale }) {
  const tx = contestsTr(props.locale);
  const [state, setState] = createSignal<BoardState | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [stale, setStale] = createSignal(false);
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  const [qr, setQr] = createSignal('');
  const [polls, setPolls] = createSignal({ full: 0, notModified: 0 });
  let etag = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const id = boardIdFrom(location);

  const joinUrl = (code: string) => `${location.origin}/c/${code}`;

  async function poll() {
    if (stopped) return;
    try {
      const session = await currentSession();
      if (!session) { location.assign(signInUrl()); return; }
      const headers: Record<string, string> = { authorization: `Bearer ${session.access_token}`, accept: 'application/json' };
      if (etag) headers['if-none-match'] = etag;
      // no-store: the ETag round trip is ours, so the browser cache never answers for the server.
      const res = await fetch(`/api/contests/${encodeURIComponent(id)}/board`, { headers, cache: 'no-store' });
      if (res.status === 401) { location.assign(signInUrl()); return; }
      if (res.status === 304) {
        setPolls((p) => ({ ...p, notModified: p.notModified + 1 }));
      } else if (res.ok) {
        const body = (await res.json()) as BoardState;
        etag = res.headers.get('etag') ?? '';
        if (body.code !== state()?.code) setQr(await QRCode.toDataURL(joinUrl(body.code), { margin: 1, width: 360, errorCorrectionLevel: 'M' }));
        setState(body);
        setPolls((p) => ({ ...p, full: p.full + 1 }));
      } else {
        const doc = (await res.json().catch(() => ({}))) as { detail?: string };
        // The board's own sentence: the server's English detail is not for a Chinese screen.
        if (res.status === 404 || res.status === 403) { setError(props.locale === 'en' && doc.detail ? doc.detail : tx('c.notFound')); return; }
        throw new Error(doc.detail || res.statusText);
      }
      setStale(false);
      setUpdatedAt(new Date());
    } catch {
      setStale(true);
    }
    timer = setTimeout(() => void poll(), POLL_MS);
  }

  onMount(() => {
    if (!hasStoredSession()) { location.assign(signInUrl()); return; }
    if (!id) { setError(tx('c.notFound')); return; }
    void poll();
  });
  onCleanup(() => { stopped = true; clearTimeout(timer); });

  const fullScreen = () => void document.documentElement.requestFullscreen?.().catch(() => {});
  const time = () => updatedAt()?.toLocaleTimeString(props.locale === 'en' ? 'en-GB' : 'zh-CN', { hour12: false }) ?? '';

  const Podium = (p: { people: BoardPerson[] }) => {
    const place = (rank: number) => p.people.filter((x) => x.rank === rank);
    // Second, first, third from left to right, as on a stage.
    const order = [2, 1, 3];
    return (
      <div class="podium" data-testid="podium">
        <For each={order}>{(rank) => (
          <div class={`podium-step podium-${rank}`}>
            <div class="podium-names">
              <For each={place(rank)} fallback={<span class="muted">—</span>}>{(x) => (
                <div><strong>{x.name}</strong><span class="podium-team">{x.team ?? x.orgName}</span><span class="podium-score">{fmtScore(x.score)}</span></div>
              )}</For>
            </div>
            <div class="podium-block">{rank}</div>
          </div>
        )}</For>
      </div>
    );
  };

  return (
    <div class="contest-board" data-testid="contest-board" data-polls-full={polls().full} data-polls-304={polls().notModified}>
      <Show when={error()}>{(e) => <p class="alert alert-error board-error" role="alert">{e()}</p>}</Show>
      <Show when={!error() && !state()}><span class="skeleton" style={{ height: '60vh' }} /></Show>
      <Show when={state()}>{(s) => (
        <>
          <header class="board-head">
            <div class="board-title">
              <h1>{s().title}</h1>
              <p class="board-sub">
                <span class={`badge status-${s().status}`}>{tx(`c.status.${s().status}`)}</span>
                <span data-testid="board-participants">{tx('b.participants', { p: s().participants, e: s().eligible, r: pct(s().participationRate) })}</span>
                <span class={stale() ? 'board-stale' : 'board-live'} aria-live="polite">{stale() ? tx('b.stale') : `● ${tx('b.live')} · ${tx('b.updated', { t: time() })}`}</span>
              </p>
            </div>
            {/* A closed contest takes no more entrants: no invitation to join, only the full-screen switch. */}
            <Show when={s().status !== 'closed'} fallback={<button type="button" class="btn btn-ghost btn-sm board-fs" onClick={fullScreen}>{tx('b.fullScreen')}</button>}>
              <div class="board-join" data-testid="board-join">
                <Show when={qr()}><img src={qr()} alt={tx('b.join')} width="180" height="180" /></Show>
                <div>
                  <p class="board-join-label">{tx('b.join')}</p>
                  <p class="board-join-link">{tx('b.short')} <strong data-testid="board-short-link">{`${location.host}/c/${s().code}`}</strong></p>
                  <button type="button" class="btn btn-ghost btn-sm board-fs" onClick={fullScreen}>{tx('b.fullScreen')}</button>
                </div>
              </div>
            </Show>
          </header>

          <Show when={s().podium}>{(p) => (
            <section class="board-podium" aria-label={tx('b.podium')}>
              <h2>{tx('b.closed')} · {tx('b.podium')}</h2>
              <Podium people={p().individuals} />
            </section>
          )}</Show>

          <div class="board-grid">
            <section class="board-panel" aria-labelledby="board-ind">
              <h2 id="board-ind">{tx('b.individuals')}</h2>
              <Show when={s().individuals.length} fallback={<p class="board-empty">{tx('b.noResults')}</p>}>
                <table class="board-table" data-testid="board-individuals">
                  <thead><tr><th scope="col">{tx('b.rank')}</th><th scope="col">{tx('b.name')}</th><th scope="col">{tx('b.team')}</th><th scope="col" class="num">{tx('b.score')}</th><th scope="col" class="num">{tx('b.time')}</th></tr></thead>
                  <tbody>
                    <For each={s().individuals}>{(p) => (
                      <tr class={p.rank <= 3 ? `top top-${p.rank}` : ''}>
                        <td class="rank">{p.rank}</td><td class="name">{p.name}</td><td class="team">{p.team ?? p.orgName}</td>
                        <td class="num score">{fmtScore(p.score)}</td><td class="num time">{fmtTime(p.timeUsedSec)}</td>
                      </tr>
                    )}</For>
                  </tbody>
                </table>
              </Show>
            </section>
            <section class="board-panel" aria-labelledby="board-teams">
              <h2 id="board-teams">{tx('b.teams')}</h2>
              <table class="board-table board-teams" data-testid="board-teams">
                <thead><tr><th scope="col">{tx('b.rank')}</th><th scope="col">{tx('b.team')}</th><th scope="col" class="num">{tx('b.teamScore')}</th><th scope="col">{tx('b.rate')}</th></tr></thead>
                <tbody>
                  <For each={s().teams}>{(t) => (
                    <tr class={t.rank <= 3 ? `top top-${t.rank}` : ''} data-team={t.name}>
                      <td class="rank">{t.rank}</td><td class="name">{t.name}</td>
                      <td class="num score">{fmtScore(t.score)}</td>
                      <td class="rate">
                        <span class="rate-bar" aria-hidden="true"><span style={{ width: pct(t.participationRate) }} /></span>
                        <span class="rate-text" data-testid="team-rate">{pct(t.participationRate)}</span>
                        <span class="rate-people">{tx('b.people', { p: t.participants, e: t.eligible })}</span>
                      </td>
                    </tr>
                  )}</For>
                </tbody>
              </table>
              <p class="board-rule">
                {s().teamMethod === 'best_n' ? tx('c.method.best_n', { n: s().bestN ?? '' }) : tx(`c.method.${s().teamMethod as 'average' | 'total'}`)}
                {' · '}{s().participationWeight > 0 ? tx('c.weight.some', { w: s().participationWeight }) : tx('c.weight.none')}
              </p>
              <For each={s().warnings.filter((w) => w.code === 'team_sizes_differ')}>{(w) => <p class="board-warning">{tx('b.sizeWarning', { min: w.min ?? '', max: w.max ?? '' })}</p>}</For>
            </section>
          </div>
          <p class="board-foot">{tx('c.owner', { name: s().ownerName })} · <a href={localePath(props.locale, `/contests/view/?id=${encodeURIComponent(s().id)}`)}>{tx('b.details')}</a></p>
        </>
      )}</Show>
    </div>
  );
}
