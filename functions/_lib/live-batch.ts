// Group commit for players' buzzes, answers and stakes (docs/decisions/live-latency.md).
//
// A room of phones answers a 全员答 question within a couple of seconds. Appending each answer in a
// transaction of its own queues a hundred lock–insert–commit cycles on the contest row (and, on the
// embedded default, on PGlite's single session). Here the actions that arrive while the previous
// batch is in the database — or within BATCH_WINDOW_MS of an idle moment — are decided together and
// appended in ONE transaction, and every caller is answered only after that transaction committed:
//
//   * each action is still checked one by one, in order of arrival, by the same rule book
//     (checkPlayerAction) against the state it would follow — the warm copy at the contest's
//     version, plus the batch's earlier actions — so a duplicate or a second buzz of a team inside a
//     batch is refused exactly as it would be one at a time;
//   * one message, one round trip, one implicit transaction: the contest's row lock (app.live_begin,
//     as the first caller), then each caller's claims and their insert, as that caller (RLS decides,
//     as before). Each insert only happens if the contest is at exactly the version the batch was
//     checked against (plus the batch's earlier inserts), so a host action or another instance's
//     append in between appends nothing: the copy is brought up to date and the batch decided again;
//   * an error rolls the whole transaction back and no caller of it is acknowledged. An error one
//     caller can cause alone (RLS, a constraint) is retried for each caller on their own, so one
//     removed player does not fail a room; any other error fails every caller of the batch.
//
// The fairness clock is the server's receive time taken when the request arrives (before it waits for
// a batch), written into the event as data.receivedAt and used by the reducer as the event's time
// (functions/_lib/live.ts eventFromRow): waiting for a batch never makes an answer late or a buzz
// slower. The log's received_at column keeps the database's stamp of the appending transaction.
import { randomBytes } from 'node:crypto';
import type { Claims } from './auth.ts';
import { asServiceOneStatement, asService, asUserStatements, literal } from './db.ts';
import { badRequest, forbidden, HttpProblem, notFound } from './http.ts';
import { eventFromRow, liveProblem, notifyChange, refresh, requestKey, warmCopy, type Entry } from './live.ts';
import {
  applyEvent, checkPlayerAction, personalState, type LiveEvent, type LiveState, type PersonalState, type PlayerActionKind,
} from '../../src/core/live-contest.ts';
import { parseResponse } from '../../src/core/questions.ts';
import { gradeResponse } from '../../src/core/grading.ts';

/** How long the first action after an idle moment waits for others (the rest wait for the batch ahead). */
export const BATCH_WINDOW_MS = 2;
/** At most this many actions per transaction (a room is ~100; more wait for the next batch). */
export const MAX_BATCH = 200;

export interface PlayRequest {
  claims: Claims;
  memberId: string;
  requestId: string;
  device: string;
  ref: string;
  kind: PlayerActionKind;
  response?: unknown;
  stake?: number;
  /** Epoch ms when the request reached this server: the event's time for the rules (fairness). */
  receivedAt: number;
}

export interface PlayReply {
  accepted: true;
  replay: boolean;
  foul: boolean;
  personal: PersonalState;
}

export interface PlayTiming {
  /** ms between queueing and the start of the batch's database round trip. */
  waitMs: number;
  /** ms of the batch's database work (every round, from the first send to the commit). */
  dbMs: number;
  /** How many actions the committed batch held. */
  batch: number;
}

interface Item {
  req: PlayRequest;
  queuedAt: number;
  startedAt: number;
  resolve: (v: { reply: PlayReply; timing: PlayTiming }) => void;
  reject: (e: unknown) => void;
}

interface Queue {
  pending: Item[];
  running: boolean;
}

const queues = new Map<string, Queue>();

/**
 * Decides and appends one player action together with the others arriving at the same time.
 * Resolves after the transaction holding it committed; rejects with the refusal (409 + code), a
 * 400 for a malformed answer, or the database's error — never after anything was appended for a
 * rejected caller.
 */
export function submitPlay(contestId: string, req: PlayRequest): Promise<{ reply: PlayReply; timing: PlayTiming }> {
  return new Promise((resolve, reject) => {
    let q = queues.get(contestId);
    if (!q) {
      q = { pending: [], running: false };
      queues.set(contestId, q);
    }
    q.pending.push({ req, queuedAt: performance.now(), startedAt: 0, resolve, reject });
    if (!q.running) {
      q.running = true;
      setTimeout(() => void drain(contestId, q!), BATCH_WINDOW_MS);
    }
  });
}

async function drain(contestId: string, q: Queue): Promise<void> {
  try {
    while (q.pending.length) {
      const items = q.pending.splice(0, MAX_BATCH);
      await flush(contestId, items);
    }
  } finally {
    q.running = false;
    if (q.pending.length) {
      q.running = true;
      setTimeout(() => void drain(contestId, q), 0);
    } else if (queues.get(contestId) === q) {
      queues.delete(contestId);
    }
  }
}

/** The event data for an accepted action (an answer parsed and graded against the key here). */
export function eventData(entry: Entry, state: LiveState, req: PlayRequest, foul: boolean): Record<string, unknown> {
  const q = state.current!;
  const data: Record<string, unknown> = { memberId: req.memberId, device: req.device, ref: req.ref, openSeq: q.openSeq, receivedAt: req.receivedAt };
  if (req.kind === 'buzz') data.foul = foul;
  if (req.kind === 'stake') data.stake = req.stake;
  if (req.kind === 'answer') {
    const content = entry.loaded.content.get(q.ref)!;
    const parsed = parseResponse(content.type, req.response, { options: content.options, blankCount: content.blankCount });
    if (!parsed.ok) throw badRequest(parsed.message, { errors: { response: parsed.message }, code: parsed.code });
    if (parsed.value === null) throw badRequest('Choose an answer before sending.', { errors: { response: 'Choose an answer before sending.' } });
    data.response = parsed.value;
    data.correct = gradeResponse(entry.loaded.versions.get(q.ref)!, parsed.value, 1, 'all_or_nothing').state === 'correct';
  }
  return data;
}

/**
 * A copy of `state` the batch can apply its own player events to without touching the warm copy:
 * player events change only the current question and the score list (fouls), and append to the log.
 */
function scratchOf(state: LiveState): LiveState {
  return { ...state, current: state.current ? structuredClone(state.current) : null, scores: [...state.scores], log: [] };
}

type Decision =
  | { item: Item; kind: 'append'; data: Record<string, unknown>; foul: boolean; key: string }
  | { item: Item; kind: 'replay'; foul: boolean; of: Decision | null }
  | { item: Item; kind: 'refuse'; error: unknown };

/** Decides every item against `entry` at its version, in order of arrival. */
function decide(entry: Entry, items: Item[]): Decision[] {
  const setup = entry.loaded.setup;
  const scratch = scratchOf(entry.state);
  const inBatch = new Map<string, Decision>();
  const out: Decision[] = [];
  let seq = entry.state.version;
  for (const item of [...items].sort((a, b) => a.req.receivedAt - b.req.receivedAt)) {
    const r = item.req;
    const key = `${r.memberId}|${r.requestId}`;
    if (entry.requests.has(key)) {
      const ev = entry.state.log.find((e) => e.actor === r.memberId && (e as { idem?: string | null }).idem === r.requestId);
      out.push({ item, kind: 'replay', foul: Boolean(ev?.data.foul), of: null });
      continue;
    }
    const earlier = inBatch.get(key);
    if (earlier) {
      // The same request twice in one batch (a phone retrying while the first waits): the second
      // gets the first's answer.
      out.push(earlier.kind === 'append' ? { item, kind: 'replay', foul: earlier.foul, of: earlier } : { item, kind: 'refuse', error: (earlier as { error: unknown }).error });
      continue;
    }
    let d: Decision;
    const outcome = checkPlayerAction(setup, scratch, { kind: r.kind, memberId: r.memberId, device: r.device, ref: r.ref, response: r.response, stake: r.stake }, r.receivedAt);
    if (!outcome.ok) {
      d = { item, kind: 'refuse', error: liveProblem(outcome.problem) };
    } else {
      try {
        const data = eventData(entry, scratch, r, outcome.foul);
        seq += 1;
        const ev: LiveEvent = { seq, at: r.receivedAt, kind: r.kind, host: false, actor: r.memberId, data };
        applyEvent(setup, scratch, ev);
        d = { item, kind: 'append', data, foul: outcome.foul, key };
      } catch (err) {
        d = { item, kind: 'refuse', error: err };
      }
    }
    inBatch.set(key, d);
    out.push(d);
  }
  return out;
}

const INSERT_COLUMNS = 'seq, kind, host, actor_member_id, data, received_at, idem_key';
const claimsOnly = (claims: Claims) => `select set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true)`;

/** Errors one caller's statement can cause on its own: worth retrying everyone else alone. */
const PER_CALLER_CODES = /^(42501|23)/;

async function flush(contestId: string, items: Item[]): Promise<void> {
  const start = performance.now();
  for (const it of items) it.startedAt = start;
  const remaining = items;
  try {
    for (let round = 0; round < 6 && remaining.length; round++) {
      const entry = warmCopy(contestId) ?? (await asService((tx) => refresh(tx, contestId)));
      if (!entry) {
        for (const it of remaining) it.reject(notFound('There is no live contest with this id.', { code: 'live_not_found' }));
        return;
      }
      const basedOn = entry.state.version;
      const setupRev = entry.loaded.setupRev;
      const decisions = decide(entry, remaining);
      const appends = decisions.filter((d): d is Extract<Decision, { kind: 'append' }> => d.kind === 'append');
      const c = literal(contestId);

      if (!appends.length) {
        // Nothing to append: the refusals hold if the database is still at the version they were
        // decided against (one read; a copy that was behind is brought up to date and asked again).
        const [v] = await asServiceOneStatement(`select version, setup_rev from app.live_contests where id = ${c}::uuid`);
        if (!v) {
          for (const it of remaining) it.reject(notFound('There is no live contest with this id.', { code: 'live_not_found' }));
          return;
        }
        if (Number(v.version) === basedOn && Number(v.setup_rev) === setupRev) {
          settle(entry, decisions, start, 0);
          return;
        }
        await asService((tx) => refresh(tx, contestId));
        continue;
      }

      // One message, one implicit transaction: the lock (as the first caller), which also notes in
      // a transaction-local setting whether the contest is at exactly the version and run sheet the
      // batch was decided against; then each caller's claims and insert, which happens only if it
      // is. As the lock is ours until the commit, either everything is appended, in order, or
      // nothing is (the copy was behind: it is brought up to date and the batch decided again).
      const nonce = randomBytes(9).toString('base64url');
      const parts: string[] = [`select b.version, b.setup_rev,
          set_config('app.live_batch', case when b.version = ${basedOn} and b.setup_rev = ${setupRev} then ${literal(nonce)} else '' end, true)
        from app.live_begin(${c}::uuid) b`];
      for (const d of appends) {
        const r = d.item.req;
        parts.push(claimsOnly(r.claims));
        parts.push(`insert into app.live_events (contest_id, kind, host, actor_member_id, data, idem_key)
          select ${c}::uuid, ${literal(r.kind)}, false, ${literal(r.memberId)}::uuid, ${literal(JSON.stringify(d.data))}::jsonb, ${literal(r.requestId)}
          where current_setting('app.live_batch', true) = ${literal(nonce)}
          returning ${INSERT_COLUMNS}`);
      }
      let results: Record<string, unknown>[][];
      try {
        results = await asUserStatements(appends[0]!.item.req.claims, parts.join(';\n'));
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (remaining.length > 1 && PER_CALLER_CODES.test(code)) {
          // Nothing of this batch was committed. Decide and append each caller on their own.
          for (const it of remaining) await flush(contestId, [it]);
          return;
        }
        const error = code === '42501'
          ? forbidden('Only the members of this contest’s teams can answer, buzz or choose a stake, for their own seat.', { code: 'not_player' })
          : err;
        for (const it of remaining) it.reject(error);
        return;
      }
      const appended: LiveEvent[] = [];
      for (let i = 0; i < appends.length; i++) {
        const row = results[2 + 2 * i]?.[0];
        if (!row) break;
        appended.push(eventFromRow(row));
      }
      const current = await applyCommitted(contestId, entry, appended);
      if (appended.length === appends.length) {
        settle(current, decisions, start, appended.length);
        notifyChange(contestId, current.state.version);
        return;
      }
      if (appended.length) {
        // Cannot happen while the lock is ours; if it ever did, nothing may be acknowledged twice
        // or lost: answer no one and let the callers retry with their request ids (replays).
        throw new Error(`live batch: ${appended.length} of ${appends.length} actions appended`);
      }
      // The contest had moved (a host action, another instance's append): nothing was appended and
      // every action is decided again against the state it now follows.
      await asService((tx) => refresh(tx, contestId));
    }
    for (const it of remaining) {
      it.reject(new HttpProblem(503, 'Service Unavailable', 'The contest is very busy right now. Try again in a moment.', { retryAfterSec: 1 }));
    }
  } catch (err) {
    for (const it of remaining) it.reject(err);
  }
}

/** Applies committed events to the warm copy (unless another path already did) and returns it. */
async function applyCommitted(contestId: string, entry: Entry, events: LiveEvent[]): Promise<Entry> {
  // The copy was replaced meanwhile (dropped and reloaded): bring the new one up to the commit.
  if (warmCopy(contestId) !== entry) return (await asService((tx) => refresh(tx, contestId))) ?? entry;
  for (const ev of events) {
    if (ev.seq <= entry.state.version) continue; // a refresh on another request's path got there first
    if (ev.seq !== entry.state.version + 1) {
      // Something the copy has not seen lies between: read the log up to here instead.
      return (await asService((tx) => refresh(tx, contestId))) ?? entry;
    }
    entry.state = applyEvent(entry.loaded.setup, entry.state, ev);
    for (const k of requestKey(ev)) entry.requests.add(k);
  }
  return entry;
}

function settle(entry: Entry, decisions: Decision[], start: number, batch: number): void {
  const dbMs = performance.now() - start;
  for (const d of decisions) {
    const it = d.item;
    if (d.kind === 'refuse') {
      it.reject(d.error);
      continue;
    }
    const personal = personalState(entry.loaded.setup, entry.state, it.req.memberId, it.req.device);
    it.resolve({
      reply: { accepted: true, replay: d.kind === 'replay', foul: d.foul, personal },
      timing: { waitMs: it.startedAt - it.queuedAt, dbMs, batch },
    });
  }
}

/** For tests: whether a contest has actions waiting or a batch in the database. */
export function batchIdle(contestId: string): boolean {
  return !queues.has(contestId);
}

