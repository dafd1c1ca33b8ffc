// Live contests on the server: loading a contest's run sheet and event log, keeping the derived
// state warm per function instance, appending events under the contest's lock, and the change
// notice over Supabase Realtime Broadcast.
//
// Correctness comes from the database: every request reads the contest's version (the last event's
// sequence number) and its run-sheet revision, and the in-memory copy is brought up to exactly that
// version from app.live_events before it is used. The copy only saves re-reading and re-reducing
// the whole log on every poll (docs/decisions/contests.md, "Live contests").
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import type { Claims } from './auth.ts';
import { asService, asServiceOneStatement, asUser, asUserStatements, checkSessionWithFirstStatement, literal, takeSessionCheck, type Tx } from './db.ts';
import { forbidden, HttpProblem, notFound } from './http.ts';
import { loadVersionsWithKeys } from './grading.ts';
import {
  applyEvent, deriveState, LiveRulesSchema, publicState, type LiveEvent, type LiveProblem, type LiveQuestionType, type LiveRoundKind,
  type LiveSetup, type LiveState, type PublicQuestionContent, type PublicState, type RevealContent,
} from '../../src/core/live-contest.ts';
import { rightAnswerOf } from '../../src/core/paper.ts';
import type { QuestionVersion } from '../../src/core/questions.ts';

export interface LoadedContest {
  id: string;
  title: string;
  ownerOrgId: string;
  pin: string;
  setupRev: number;
  setup: LiveSetup;
  /** Run-sheet question id → the full version (with key: server only). */
  versions: Map<string, QuestionVersion>;
  content: Map<string, PublicQuestionContent>;
  reveals: Map<string, RevealContent>;
}

export interface Entry {
  loaded: LoadedContest;
  state: LiveState;
  /** The public state of `state.version`, serialised once per version for every poll. */
  public: { version: number; body: string; etag: string } | null;
  /** `actor|requestId` of every event in the copy: a replay is recognised before the lock. */
  requests: Set<string>;
}

/** The warm copy as it is, if this instance has one (no database read). */
export function warmCopy(contestId: string): Entry | null {
  return cache.get(contestId) ?? null;
}

const cache = new Map<string, Entry>();

/** A phone's device id (made by the page, kept in its storage): which device holds a seat. */
export const DeviceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,80}$/, 'The device id is 16–80 letters, digits, - or _ (the page makes one).');

/** A problem for a refused live action: 409 with a stable `code` the phone and console act on. */
export function liveProblem(p: LiveProblem, status = 409): HttpProblem {
  return new HttpProblem(status, 'Conflict', p.message, { code: p.code }, `https://xiaobao.academy/problems/live-${p.code.replace(/_/g, '-')}`);
}

// ---------------------------------------------------------------------------------------------
// Loading

export async function loadContest(tx: Tx, contestId: string): Promise<LoadedContest | null> {
  const [c] = await tx`select id, title, owner_org_id, pin, rules, setup_rev from app.live_contests where id = ${contestId}`;
  if (!c) return null;
  const teams = await tx`select id, name from app.live_teams where contest_id = ${contestId} order by position`;
  const rounds = await tx`select id, kind, title, countdown_sec from app.live_rounds where contest_id = ${contestId} order by position`;
  const qs = await tx`select q.id, q.round_id, q.team_id, q.points, q.question_version_id
    from app.live_round_questions q join app.live_rounds r on r.id = q.round_id
    where q.contest_id = ${contestId} order by r.position, q.position`;
  const byVersion = await loadVersionsWithKeys(tx, qs.map((q) => q.question_version_id as string));
  const instrumentIds = [...new Set([...byVersion.values()].flatMap((v) => (v.source && 'instrument' in v.source ? [v.source.instrument] : [])))];
  const instruments = instrumentIds.length
    ? await tx`select id, short_title from app.instruments where id in (select jsonb_array_elements_text(${tx.json(instrumentIds)}))`
    : [];
  const titles = new Map(instruments.map((i) => [i.id as string, i.short_title as string]));

  const versions = new Map<string, QuestionVersion>();
  const content = new Map<string, PublicQuestionContent>();
  const reveals = new Map<string, RevealContent>();
  for (const q of qs) {
    const v = byVersion.get(q.question_version_id as string);
    if (!v) continue;
    const ref = q.id as string;
    versions.set(ref, v);
    content.set(ref, {
      type: v.type as LiveQuestionType,
      stem: v.stem,
      options: v.type === 'single' || v.type === 'multiple' ? v.options.map((o) => ({ id: o.id, text: o.text })) : [],
      ...(v.type === 'fill' ? { blankCount: v.key.blanks.length } : {}),
    });
    const source = v.source && 'instrument' in v.source
      ? { instrument: v.source.instrument, title: titles.get(v.source.instrument) ?? v.source.instrument, article: v.source.article ? `第${v.source.article}条` : null }
      : null;
    reveals.set(ref, { answer: rightAnswerOf(v), explanation: v.explanation, source });
  }
  const setup: LiveSetup = {
    rules: LiveRulesSchema.parse(c.rules ?? {}),
    teams: teams.map((t) => ({ id: t.id as string, name: t.name as string })),
    rounds: rounds.map((r) => ({
      id: r.id as string,
      kind: r.kind as LiveRoundKind,
      title: r.title as string,
      countdownSec: (r.countdown_sec as number | null) ?? null,
      questions: qs.filter((q) => q.round_id === r.id && versions.has(q.id as string)).map((q) => ({
        id: q.id as string,
        type: versions.get(q.id as string)!.type as LiveQuestionType,
        points: (q.points as number | null) ?? null,
        teamId: (q.team_id as string | null) ?? null,
      })),
    })),
  };
  return {
    id: contestId, title: c.title as string, ownerOrgId: c.owner_org_id as string, pin: c.pin as string,
    setupRev: Number(c.setup_rev), setup, versions, content, reveals,
  };
}

/** `actor|requestId` of an event made by a request that carried an id (what a replay would repeat). */
export function requestKey(ev: LiveEvent & { idem?: string | null }): string[] {
  return ev.idem && ev.actor ? [`${ev.actor}|${ev.idem}`] : [];
}

export function eventFromRow(r: Record<string, unknown>): LiveEvent & { idem: string | null } {
  const data = (r.data as Record<string, unknown>) ?? {};
  return {
    idem: (r.idem_key as string | null) ?? null,
    seq: Number(r.seq),
    // A player's buzz, answer or stake carries the time its request reached the server (taken
    // before it waited for a group commit: functions/_lib/live-batch.ts); everything else the
    // appending transaction's start.
    at: !r.host && typeof data.receivedAt === 'number' && Number.isFinite(data.receivedAt) ? data.receivedAt : (r.received_at as Date).getTime(),
    kind: r.kind as string,
    host: Boolean(r.host),
    actor: (r.actor_member_id as string | null) ?? null,
    data,
  };
}

const EVENT_COLUMNS = 'seq, kind, host, actor_member_id, data, received_at, idem_key';

async function loadEvents(tx: Tx, contestId: string, after: number, upTo: number): Promise<LiveEvent[]> {
  const rows = await tx.unsafe(
    `select ${EVENT_COLUMNS} from app.live_events where contest_id = $1 and seq > $2 and seq <= $3 order by seq`,
    [contestId, after, upTo],
  );
  return rows.map(eventFromRow);
}

// ---------------------------------------------------------------------------------------------
// The warm copy

const inflight = new Map<string, Promise<Entry | null>>();

/**
 * The contest's state at (at least) `version`, read by the service role: the reducer needs every
 * event, and players may read only their own. `version`/`setupRev` are what the caller just read
 * from the database; a copy behind them is brought up to date from the log.
 */
export async function stateAt(contestId: string, version: number, setupRev: number): Promise<Entry> {
  const have = cache.get(contestId);
  if (have && have.loaded.setupRev === setupRev && have.state.version >= version) return have;
  // One load per contest at a time: a hundred phones polling after a change wait for the same read.
  const key = contestId;
  let p = inflight.get(key);
  if (!p) {
    p = asService((tx) => refresh(tx, contestId)).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  const entry = await p;
  if (!entry) throw notFound('There is no live contest with this id.', { code: 'live_not_found' });
  if (entry.loaded.setupRev !== setupRev || entry.state.version < version) {
    // A change landed while that load ran: load again (rare).
    const again = await asService((tx) => refresh(tx, contestId));
    if (!again) throw notFound('There is no live contest with this id.', { code: 'live_not_found' });
    return again;
  }
  return entry;
}

/** Brings the copy up to the database (service role, inside `tx`). */
export async function refresh(tx: Tx, contestId: string): Promise<Entry | null> {
  const [c] = await tx`select version, setup_rev from app.live_contests where id = ${contestId}`;
  if (!c) return null;
  const version = Number(c.version);
  const setupRev = Number(c.setup_rev);
  let entry = cache.get(contestId);
  if (!entry || entry.loaded.setupRev !== setupRev) {
    const loaded = await loadContest(tx, contestId);
    if (!loaded) return null;
    const events = await loadEvents(tx, contestId, 0, version);
    entry = { loaded, state: deriveState(loaded.setup, events), public: null, requests: new Set(events.flatMap(requestKey)) };
    cache.set(contestId, entry);
    return entry;
  }
  if (entry.state.version < version) {
    const events = await loadEvents(tx, contestId, entry.state.version, version);
    const current = cache.get(contestId);
    if (current !== entry) return current ?? null;
    for (const ev of events) {
      // Another request may have applied some of these meanwhile.
      if (ev.seq <= entry.state.version) continue;
      entry.state = applyEvent(entry.loaded.setup, entry.state, ev);
      for (const k of requestKey(ev)) entry.requests.add(k);
    }
  }
  return entry;
}

/**
 * The contest's version and run-sheet revision as the database has them (one statement, one round
 * trip), shared by every request for VERSION_FRESH_MS: a room of phones polling every second
 * causes a few reads a second, not a hundred.
 */
export const VERSION_FRESH_MS = 200;
/**
 * How old the last completed read may be for a poll to be answered from the warm copy at once,
 * while a newer read runs: the public state is cacheable for a second anyway (Cache-Control
 * max-age=1), so a poll never waits behind a burst of answers in the database's queue for news
 * that is at most this old. Changes made through this instance are in the warm copy immediately.
 */
export const VERSION_MAX_AGE_MS = 1000;
interface VersionRead { version: number; setupRev: number }
const versionReads = new Map<string, { started: number; p: Promise<VersionRead | null>; done: { at: number; value: VersionRead | null } | null }>();

export function currentVersion(contestId: string): Promise<VersionRead | null> {
  const now = performance.now();
  const hit = versionReads.get(contestId);
  if (hit && now - hit.started < VERSION_FRESH_MS) return hit.p;
  const slot = { started: now, p: null as unknown as Promise<VersionRead | null>, done: hit?.done ?? null };
  slot.p = asServiceOneStatement(`select version, setup_rev from app.live_contests where id = ${literal(contestId)}::uuid`)
    .then((rows) => {
      const value = rows[0] ? { version: Number(rows[0].version), setupRev: Number(rows[0].setup_rev) } : null;
      slot.done = { at: performance.now(), value };
      return value;
    });
  if (versionReads.size > 1000) versionReads.clear();
  versionReads.set(contestId, slot);
  slot.p.catch(() => { if (versionReads.get(contestId) === slot) versionReads.delete(contestId); });
  return slot.p;
}

/**
 * For a poll of the public state: the warm copy right away when the database confirmed a version
 * it holds less than VERSION_MAX_AGE_MS ago (a fresher read starts in the background), else the
 * state after a read.
 */
export async function pollState(contestId: string): Promise<Entry | null> {
  const hit = versionReads.get(contestId);
  const entry = cache.get(contestId);
  const now = performance.now();
  if (entry && hit?.done?.value && now - hit.done.at < VERSION_MAX_AGE_MS
      && entry.loaded.setupRev === hit.done.value.setupRev && entry.state.version >= hit.done.value.version) {
    if (now - hit.started >= VERSION_FRESH_MS) void currentVersion(contestId).catch(() => {});
    return entry;
  }
  const v = await currentVersion(contestId);
  return v ? stateAt(contestId, v.version, v.setupRev) : null;
}

// Who the caller is in a contest (member, team, host), per token subject and run-sheet revision:
// the personal part is polled by every phone, and this answer changes only with the run sheet
// (setup_rev) or the roster. Kept for MEMBERSHIP_TTL_MS.
//
// A room of phones asks at the same moment (after every host action), so the lookups that arrive
// together go to the database as ONE message: for each caller their claims, then the lookup as that
// caller (RLS shows the contest only to its hosts and players) — with, for a caller whose session
// this instance has no fresh answer about (requireUser 'with-first-statement'),
// app_private.assert_session_active in the same statement, so that check costs no round trip of its
// own either. A session that has ended fails the shared message; then each caller is asked alone
// and gets their own answer (db.ts maps the check's error to the session's problem).
export const MEMBERSHIP_TTL_MS = 10_000;
export interface Membership { memberId: string; teamId: string | null; hosts: boolean }
const memberships = new Map<string, { at: number; setupRev: number; value: Membership | null }>();

interface Lookup {
  claims: Claims;
  contestId: string;
  setupRev: number;
  settle: ((active: boolean) => Error | null) | null;
  resolve: (m: Membership | null) => void;
  reject: (e: unknown) => void;
}
const lookups: Lookup[] = [];
let lookupsScheduled = false;
const LOOKUP_BATCH = 200;

export async function membershipOf(claims: Claims, contestId: string, setupRev: number): Promise<Membership | null> {
  const settle = takeSessionCheck(claims);
  const hit = memberships.get(`${claims.sub}|${contestId}`);
  if (!settle && hit && hit.setupRev === setupRev && performance.now() - hit.at < MEMBERSHIP_TTL_MS) return hit.value;
  return new Promise((resolve, reject) => {
    lookups.push({ claims, contestId, setupRev, settle, resolve, reject });
    if (!lookupsScheduled) {
      lookupsScheduled = true;
      setImmediate(() => void runLookups());
    }
  });
}

function lookupStatement(l: Lookup, withSession: boolean): string {
  const c = literal(l.contestId);
  const session = withSession && l.settle
    ? `app_private.assert_session_active(${literal(l.claims.sub)}::uuid, ${literal(String(l.claims.session_id))}::uuid), `
    : '';
  // Left-joined to one row: the session is checked for someone who sees no contest too.
  return `select ${session}c.setup_rev, app_private.current_member_id() as me, app_private.hosts_live_contest(c.id) as hosts,
      (select t.team_id from app.live_team_members t where t.contest_id = c.id and t.member_id = app_private.current_member_id()) as team_id
    from (select 1) one left join app.live_contests c on c.id = ${c}::uuid`;
}

async function runLookups(): Promise<void> {
  const batch = lookups.splice(0, LOOKUP_BATCH);
  if (lookups.length) setImmediate(() => void runLookups());
  else lookupsScheduled = false;
  let rows: (Record<string, unknown> | undefined)[];
  try {
    const parts = batch.map((l, i) => (i === 0 ? lookupStatement(l, true) : `select set_config('request.jwt.claims', ${literal(JSON.stringify(l.claims))}, true);\n${lookupStatement(l, true)}`));
    const results = await asUserStatements(batch[0]!.claims, parts.join(';\n'));
    rows = batch.map((_, i) => results[i === 0 ? 0 : 2 * i]?.[0]);
  } catch {
    // The shared message failed as a whole (it writes nothing; usually one caller's session has
    // ended): ask for each caller on their own, the session check riding on their statement.
    for (const l of batch) {
      try {
        if (l.settle) checkSessionWithFirstStatement(l.claims, l.settle);
        const settled = { ...l, settle: null };
        finishLookup(settled, (await asUserStatements(l.claims, lookupStatement(settled, false)))[0]?.[0]);
      } catch (e) {
        l.reject(e);
      }
    }
    return;
  }
  batch.forEach((l, i) => finishLookup(l, rows[i]));
}

function finishLookup(l: Lookup, c: Record<string, unknown> | undefined): void {
  if (!c) {
    l.reject(new Error('membership lookup returned no row'));
    return;
  }
  // The statement ran, so the session check in it passed.
  l.settle?.(true);
  const value = c.setup_rev !== null && c.setup_rev !== undefined
    ? { memberId: c.me as string, teamId: (c.team_id as string | null) ?? null, hosts: Boolean(c.hosts) }
    : null;
  if (memberships.size > 50_000) memberships.clear();
  memberships.set(`${l.claims.sub}|${l.contestId}`, { at: performance.now(), setupRev: value ? Number(c.setup_rev) : l.setupRev, value });
  l.resolve(value);
}

export function forget(contestId: string): void {
  versionReads.delete(contestId);
  cache.delete(contestId);
}

export function publicOf(entry: Entry): { body: string; etag: string; state: PublicState | null } {
  const v = entry.state.version;
  if (entry.public && entry.public.version === v) return { body: entry.public.body, etag: entry.public.etag, state: null };
  const state = publicState(
    entry.loaded.setup,
    entry.state,
    (ref) => entry.loaded.content.get(ref) ?? { type: 'single', stem: '', options: [] },
    (ref) => entry.loaded.reveals.get(ref) ?? { answer: null, explanation: '', source: null },
  );
  const body = JSON.stringify({ id: entry.loaded.id, title: entry.loaded.title, pin: entry.loaded.pin, stakes: entry.loaded.setup.rules.stakes, ...state });
  const etag = `"${entry.loaded.setupRev}.${v}"`;
  entry.public = { version: v, body, etag };
  return { body, etag, state };
}

// ---------------------------------------------------------------------------------------------
// Appending

export interface LockContext {
  tx: Tx;
  entry: Entry;
  /** The server time the event will carry (the transaction's start), epoch ms. */
  now: number;
  memberId: string;
  hosts: boolean;
  /** The event this request id already appended (a replay), if any. */
  replayed: { seq: number; data: Record<string, unknown> } | null;
}

export interface AppendPlan<T> {
  event?: { kind: string; host: boolean; data: Record<string, unknown>; idemKey: string | null };
  /** What the request answers, given the appended event (or none). */
  reply: (ev: LiveEvent | null, entry: Entry) => T;
  /**
   * Runs in the same transaction once the event is appended and applied to the warm copy (the host's
   * end of a contest records everyone's results: functions/_lib/live-results.ts); if it throws,
   * nothing is appended.
   */
  afterAppend?: (tx: Tx, entry: Entry) => Promise<void>;
}

/**
 * Runs `plan` as the caller, under the contest's row lock, against the state at the locked version,
 * and appends the event it returns. The event is applied to the warm copy before the commit (so the
 * next request waiting for the lock finds the copy current); if the commit fails the copy is
 * dropped and rebuilt from the database on the next read.
 */
export async function lockedAppend<T>(claims: Claims, contestId: string, idemKey: string | null, plan: (ctx: LockContext) => Promise<AppendPlan<T>>): Promise<T> {
  for (let attempt = 0; attempt < 6; attempt++) {
    const before = cache.get(contestId);
    const entry = before ?? (await asService((tx) => refresh(tx, contestId)));
    if (!entry) throw notFound('There is no live contest with this id.', { code: 'live_not_found' });
    let applied = false;
    let result: { stale: true } | { stale: false; value: T; version: number };
    try {
      result = await asUser(claims, async (tx) => {
        // One round trip: the lock, the caller, and the event a replayed request id already made.
        // Literals (values checked by the caller), not parameters: with prepare off a parameterised
        // statement costs a describe round trip of its own (functions/_lib/db.ts).
        const c = literal(contestId);
        const rows = await tx.unsafe(`select b.version, b.setup_rev, b.server_now, app_private.current_member_id() as me,
            app_private.hosts_live_contest(${c}::uuid) as hosts,
            (select to_jsonb(e) from app.live_events e where e.contest_id = ${c}::uuid
               and e.actor_member_id = app_private.current_member_id() and e.idem_key = ${literal(idemKey)}) as replayed
          from app.live_begin(${c}::uuid) b`);
        const b = rows[0];
        if (!b) throw notFound('There is no live contest with this id.', { code: 'live_not_found' });
        const version = Number(b.version);
        if (cache.get(contestId) !== entry || entry.loaded.setupRev !== Number(b.setup_rev) || entry.state.version !== version) {
          return { stale: true as const };
        }
        const p = await plan({ tx, entry, now: (b.server_now as Date).getTime(), memberId: b.me as string, hosts: Boolean(b.hosts), replayed: (b.replayed as { seq: number; data: Record<string, unknown> } | null) ?? null });
        let ev: LiveEvent | null = null;
        if (p.event) {
          const [row] = await tx.unsafe(`insert into app.live_events (contest_id, kind, host, actor_member_id, data, idem_key)
            values (${c}::uuid, ${literal(p.event.kind)}, ${literal(p.event.host)}, ${literal(b.me as string)}::uuid, ${literal(JSON.stringify(p.event.data))}::jsonb, ${literal(p.event.idemKey)})
            returning seq, kind, host, actor_member_id, data, received_at, idem_key`);
          ev = eventFromRow(row!);
          entry.state = applyEvent(entry.loaded.setup, entry.state, ev);
          for (const k of requestKey(ev)) entry.requests.add(k);
          applied = true;
          if (p.afterAppend) await p.afterAppend(tx, entry);
        }
        return { stale: false as const, value: p.reply(ev, entry), version: entry.state.version };
      });
    } catch (err) {
      if (applied) forget(contestId);
      if ((err as { code?: string }).code === '42501') {
        throw forbidden('Only the hosts of this contest (trainers of its unit) and the members of its teams can do this.', { code: 'not_host' });
      }
      throw err;
    }
    if (result.stale) {
      await asService((tx) => refresh(tx, contestId));
      continue;
    }
    if (applied) notifyChange(contestId, result.version);
    return result.value;
  }
  throw new HttpProblem(503, 'Service Unavailable', 'The contest is very busy right now. Try again in a moment.', { retryAfterSec: 1 });
}

// ---------------------------------------------------------------------------------------------
// Change notices over Supabase Realtime Broadcast (production): screens and phones subscribed to
// `live:<id>` fetch the state at once; polling stays the fallback everywhere. Configured when the
// functions have the project's URL and a service (secret) key; local auth has neither key.

let realtime: SupabaseClient | null | undefined;

function realtimeClient(): SupabaseClient | null {
  if (realtime !== undefined) return realtime;
  const url = process.env.SUPABASE_URL;
  const key = process.env.SUPABASE_SERVICE_ROLE_KEY ?? process.env.SUPABASE_SECRET_KEY;
  realtime = url && key ? createClient(url, key, { auth: { persistSession: false, autoRefreshToken: false } }) : null;
  return realtime;
}

export const liveTopic = (contestId: string) => `live:${contestId}`;

export function notifyChange(contestId: string, version: number): void {
  const client = realtimeClient();
  if (!client) return;
  // REST delivery (no socket held by a function): channel.httpSend, supabase-js ≥ 2.75.
  client.channel(liveTopic(contestId)).httpSend('version', { version }).catch((err: unknown) => {
    console.warn(`[live] broadcast for ${contestId} failed: ${(err as Error).message}`);
  });
}
