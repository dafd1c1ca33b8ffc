// The live state as screens and phones see it: poll GET /api/live/:id/state every second with the
// ETag (304 when nothing changed), learn the server clock offset from each answer's X-Server-Now,
// and — where Supabase is configured — fetch at once when a change notice arrives on the contest's
// Realtime Broadcast channel (polling stays the fallback). Plain ES2019 + fetch: runs in WeChat and
// WeCom in-app browsers (no top-level await).
import { createSignal, onCleanup } from 'solid-js';
import type { PublicState } from '../../core/live-contest.ts';

export type LiveView = PublicState & { id: string; title: string; pin: string; stakes: number[] };

export const POLL_MS = 1000;

export function contestIdFromLocation(): string | null {
  const q = new URLSearchParams(location.search).get('id');
  if (q) return q;
  // /live/<id>/screen (netlify.toml rewrite) keeps the id in the path.
  const m = /\/live\/([0-9a-f-]{36})\/screen\/?$/i.exec(location.pathname);
  return m ? m[1]! : null;
}

/**
 * A live feed of one contest's public state. `offsetMs` is serverTime − localTime, from the sample
 * with the shortest round trip among the last few (the most accurate one).
 */
export function createLiveFeed(contestId: string, opts: { onVersion?: (v: number) => void; onView?: (v: LiveView) => void } = {}) {
  const [view, setView] = createSignal<LiveView | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [offline, setOffline] = createSignal(false);
  const [offsetMs, setOffsetMs] = createSignal(0);
  let etag: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let inFlight = false;
  let again = false;
  const samples: { rtt: number; offset: number }[] = [];

  async function poll(): Promise<void> {
    if (stopped) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    clearTimeout(timer);
    const t0 = Date.now();
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (etag) headers['if-none-match'] = etag;
      const res = await fetch(`/api/live/${encodeURIComponent(contestId)}/state`, { headers, cache: 'no-store' });
      const t1 = Date.now();
      const serverNow = Number(res.headers.get('x-server-now'));
      if (serverNow > 0) {
        samples.push({ rtt: t1 - t0, offset: serverNow - (t0 + t1) / 2 });
        if (samples.length > 8) samples.shift();
        setOffsetMs(samples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset);
      }
      if (res.status === 200) {
        etag = res.headers.get('etag');
        const body = (await res.json()) as LiveView;
        setView(body);
        opts.onVersion?.(body.version);
        opts.onView?.(body);
        setError(null);
      } else if (res.status !== 304) {
        let detail = `HTTP ${res.status}`;
        try { detail = ((await res.json()) as { detail?: string }).detail || detail; } catch { /* not JSON */ }
        setError(detail);
      }
      setOffline(false);
    } catch {
      setOffline(true);
    } finally {
      inFlight = false;
      if (!stopped) timer = setTimeout(() => void poll(), again ? 0 : POLL_MS);
      again = false;
    }
  }

  void poll();
  const unsubscribe = subscribeRealtime(contestId, () => void poll());
  onCleanup(() => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  });

  /** Server time now, by the learned offset (epoch ms). */
  const serverNow = () => Date.now() + offsetMs();
  return { view, error, offline, offsetMs, serverNow, refresh: poll };
}

/** Supabase Realtime Broadcast, only where the site was built with a Supabase project. */
function subscribeRealtime(contestId: string, onNotice: () => void): () => void {
  if (!import.meta.env.PUBLIC_SUPABASE_URL) return () => {};
  let channel: { unsubscribe: () => unknown } | null = null;
  let cancelled = false;
  void import('../../client/supabase.ts').then(({ supabase }) => {
    if (cancelled) return;
    channel = supabase.channel(`live:${contestId}`).on('broadcast', { event: 'version' }, () => onNotice()).subscribe();
  }).catch(() => { /* polling carries on */ });
  return () => {
    cancelled = true;
    void channel?.unsubscribe();
  };
}

/** Seconds left until `until` (server epoch ms), never negative. */
export function secondsLeft(until: number | null, serverNow: number): number | null {
  if (until === null) return null;
  return Math.max(0, Math.ceil((until - serverNow) / 1000));
}

/** The phase to show at `now`: an open question whose countdown ran out shows as locked. */
export function shownPhase(q: NonNullable<PublicState['question']>, now: number, paused: boolean): string {
  if (paused) return q.phase;
  if (q.phase === 'open' && q.closesAt !== null && now > q.closesAt) return 'locked';
  if (q.phase === 'buzzed' && q.answerClosesAt !== null && now > q.answerClosesAt) return 'locked';
  return q.phase;
}

export const letter = (i: number) => String.fromCharCode(65 + i);

/** A right answer as people read it: option letters, 正确/错误, the accepted blanks. */
export function answerText(answer: unknown, options: { id: string }[], yes: string, no: string): string {
  if (typeof answer === 'boolean') return answer ? yes : no;
  if (typeof answer === 'string') {
    const i = options.findIndex((o) => o.id === answer);
    return i >= 0 ? letter(i) : answer;
  }
  if (Array.isArray(answer)) {
    return answer.map((a) => { const i = options.findIndex((o) => o.id === a); return i >= 0 ? letter(i) : String(a); }).sort().join('、');
  }
  if (answer && typeof answer === 'object' && 'blanks' in answer) {
    return (answer as { blanks: string[][] }).blanks.map((alts) => alts[0] ?? '').join('；');
  }
  return '';
}

export function isRightOption(answer: unknown, optionId: string): boolean {
  return typeof answer === 'string' ? answer === optionId : Array.isArray(answer) ? answer.includes(optionId) : false;
}

/** A ticking clock signal for countdowns (4 Hz). */
export function createTicker(ms = 250) {
  const [now, setNow] = createSignal(Date.now());
  const t = setInterval(() => setNow(Date.now()), ms);
  onCleanup(() => clearInterval(t));
  return now;
}

/** This phone's device id: random, kept in local storage so a reload keeps the seat. */
export function deviceId(): string {
  const KEY = 'xiaobao.live.device';
  try {
    const have = localStorage.getItem(KEY);
    if (have && /^[A-Za-z0-9_-]{16,80}$/.test(have)) return have;
  } catch { /* storage blocked: a new id per page load */ }
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  const id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  try { localStorage.setItem(KEY, id); } catch { /* ignore */ }
  return id;
}

export function requestId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
