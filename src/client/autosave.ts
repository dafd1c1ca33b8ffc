// Exam autosave: every answer change reaches the server within a second, survives going offline,
// a reload and a crash, and is replayed exactly once per (attempt, slot, seq).
//
//   const saver = new AutoSaver({ attemptId, send, onChange });
//   const answers = saver.load(serverSlots);    // server state merged with unsent local changes
//   saver.set(3, 'B', false);                   // debounced per slot, then PUT
//   await saver.flushAll(5000);                 // before submit
//
// Why a seq per slot: the server keeps the response with the highest seq and ignores a replayed or
// reordered older one, so retries and duplicates are harmless. The seq and every unsent change are
// persisted (localStorage, key by attempt id) so a reload continues the sequence and replays what
// the server has not acknowledged. When localStorage is unavailable (private mode, some in-app
// browsers, quota) everything still works in memory for this page; `persistent` says so.
//
// No DOM here (the island wires `online`/`offline` events), so this file is unit-tested in Node.
import type { QuestionResponse } from '../core/questions.ts';

export interface SlotEntry {
  seq: number;
  response: QuestionResponse;
  flagged: boolean;
  /** The server acknowledged this seq. */
  acked: boolean;
}

interface Persisted {
  v: 1;
  slots: Record<string, SlotEntry>;
}

/** Minimal Storage subset, so tests and the in-memory fallback can stand in for localStorage. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SendBody {
  response: QuestionResponse;
  seq: number;
  flagged: boolean;
}

/** Throw an object with a numeric `status` (ApiError does): 0 = network, 409/403 = closed. */
export type SendFn = (slot: number, body: SendBody) => Promise<{ seq?: number; serverNow?: string } | undefined>;

export type SaveStatus = 'saved' | 'saving' | 'offline' | 'closed' | 'error';

export interface SaverState {
  status: SaveStatus;
  /** Slots with changes the server has not acknowledged. */
  pending: number;
  /** False when answers can only be kept in this page's memory (no localStorage). */
  persistent: boolean;
  /** Server message when saving was refused (past deadline, already submitted) or rejected. */
  message: string | null;
}

export interface ServerSlot {
  slot: number;
  response: QuestionResponse;
  flagged: boolean;
  /** The server's latest accepted seq for this slot (0 = never answered); undefined if unknown. */
  seq?: number | undefined;
}

export interface AutoSaverOptions {
  attemptId: string;
  send: SendFn;
  onChange?: (state: SaverState) => void;
  /** Called once when the server refuses saves for good (deadline + grace passed, submitted). */
  onClosed?: (message: string) => void;
  /** Called with the server clock from each acknowledgement (to keep the countdown honest). */
  onServerTime?: (serverNow: string) => void;
  storage?: KeyValueStore | null;
  /** Per-slot debounce (the brief: ≤ 800 ms so a change is saved within a second). */
  debounceMs?: number;
  /** Reports whether the browser believes it is online (navigator.onLine). */
  isOnline?: () => boolean;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
}

export const STORAGE_PREFIX = 'xiaobao.exam.';
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * localStorage if it works (reading it can throw in sandboxed WebViews; writing throws in Safari
 * private mode and when full), otherwise null.
 */
export function browserStorage(): KeyValueStore | null {
  try {
    const s = window.localStorage;
    const probe = '__xiaobao_probe__';
    s.setItem(probe, '1');
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}

function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    getItem: (k) => (m.has(k) ? (m.get(k) as string) : null),
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

const statusOf = (e: unknown): number => {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : 0;
};
const messageOf = (e: unknown): string => {
  const x = e as { detail?: unknown; message?: unknown } | null;
  return typeof x?.detail === 'string' && x.detail ? x.detail : typeof x?.message === 'string' ? x.message : '';
};

export class AutoSaver {
  private readonly key: string;
  private readonly opts: Required<Pick<AutoSaverOptions, 'debounceMs' | 'isOnline' | 'setTimer' | 'clearTimer' | 'random'>> &
    AutoSaverOptions;
  private store: KeyValueStore;
  private persistent: boolean;
  private slots: Record<string, SlotEntry> = {};
  private readonly debounce = new Map<number, unknown>();
  /** Slots whose debounce has elapsed (or that are replayed) and wait for the sender. */
  private readonly ready = new Set<number>();
  private inflight = false;
  private retryTimer: unknown = null;
  private failures = 0;
  private networkDown = false;
  private closed = false;
  private message: string | null = null;
  private rejected = false;
  private disposed = false;
  private idleWaiters: Array<() => void> = [];
  private last: SaverState | null = null;

  constructor(options: AutoSaverOptions) {
    this.opts = {
      debounceMs: 600,
      isOnline: () => true,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...options,
    };
    this.key = STORAGE_PREFIX + options.attemptId;
    const storage = options.storage === undefined ? null : options.storage;
    this.persistent = storage !== null;
    this.store = storage ?? memoryStore();
    this.slots = this.read();
  }

  // ---------------------------------------------------------------------------------------------
  // Loading and merging

  private read(): Record<string, SlotEntry> {
    try {
      const raw = this.store.getItem(this.key);
      if (!raw) return {};
      const parsed = JSON.parse(raw) as Persisted;
      return parsed && parsed.v === 1 && parsed.slots && typeof parsed.slots === 'object' ? parsed.slots : {};
    } catch {
      return {};
    }
  }

  private write(): void {
    try {
      this.store.setItem(this.key, JSON.stringify({ v: 1, slots: this.slots } satisfies Persisted));
    } catch {
      // Quota or a storage that just went away: keep going in memory, and say so in the indicator.
      if (this.persistent) {
        this.persistent = false;
        const copy = JSON.stringify({ v: 1, slots: this.slots });
        this.store = memoryStore();
        this.store.setItem(this.key, copy);
        this.emit();
      }
    }
  }

  /**
   * Merges the server's view with this browser's unsent changes and returns what to show per slot.
   * Higher seq wins; an unacknowledged local change also wins when the server does not report a
   * seq. Winning local changes are queued for sending at once (the replay on load).
   */
  load(server: readonly ServerSlot[]): Map<number, { response: QuestionResponse; flagged: boolean }> {
    const out = new Map<number, { response: QuestionResponse; flagged: boolean }>();
    for (const s of server) {
      const local = this.slots[s.slot];
      const serverSeq = s.seq;
      const localWins = local !== undefined && !local.acked && (serverSeq === undefined || local.seq > serverSeq);
      if (localWins) {
        out.set(s.slot, { response: local.response, flagged: local.flagged });
        this.ready.add(s.slot);
      } else {
        this.slots[s.slot] = {
          seq: Math.max(local?.seq ?? 0, serverSeq ?? 0),
          response: s.response,
          flagged: s.flagged,
          acked: true,
        };
        out.set(s.slot, { response: s.response, flagged: s.flagged });
      }
    }
    this.write();
    this.emit();
    this.pump();
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Changes

  /** Records a change (answer and/or flag) and schedules its save. */
  set(slot: number, response: QuestionResponse, flagged: boolean, options: { immediate?: boolean } = {}): void {
    if (this.closed || this.disposed) return;
    const prev = this.slots[slot];
    this.slots[slot] = { seq: (prev?.seq ?? 0) + 1, response, flagged, acked: false };
    this.write();
    const t = this.debounce.get(slot);
    if (t !== undefined) this.opts.clearTimer(t);
    this.ready.delete(slot);
    if (options.immediate || this.opts.debounceMs <= 0) {
      this.debounce.delete(slot);
      this.ready.add(slot);
      this.pump();
    } else {
      this.debounce.set(
        slot,
        this.opts.setTimer(() => {
          this.debounce.delete(slot);
          this.ready.add(slot);
          this.pump();
        }, this.opts.debounceMs),
      );
    }
    this.emit();
  }

  /** The browser came back online (or the user asked to retry): replay now, forget the backoff. */
  retryNow(): void {
    if (this.closed || this.disposed) return;
    if (this.retryTimer !== null) this.opts.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.failures = 0;
    this.networkDown = false;
    for (const [slot, entry] of Object.entries(this.slots)) if (!entry.acked) this.ready.add(Number(slot));
    this.emit();
    this.pump();
  }

  /** The browser reported going offline. */
  wentOffline(): void {
    this.networkDown = true;
    this.emit();
  }

  /**
   * Sends everything now (skipping debounces) and resolves true when all is acknowledged, false on
   * timeout, offline or refusal — the caller submits anyway; the server keeps what it has.
   */
  flushAll(timeoutMs = 5000): Promise<boolean> {
    for (const [slot, t] of this.debounce) {
      this.opts.clearTimer(t);
      this.ready.add(slot);
    }
    this.debounce.clear();
    if (this.retryTimer !== null && this.opts.isOnline()) this.retryNow();
    else this.pump();
    if (this.pendingCount() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        resolve(ok);
      };
      const timer = this.opts.setTimer(() => finish(this.pendingCount() === 0), timeoutMs);
      this.idleWaiters.push(() => {
        this.opts.clearTimer(timer);
        finish(this.pendingCount() === 0);
      });
    });
  }

  pendingCount(): number {
    let n = 0;
    for (const k in this.slots) if (!(this.slots[k] as SlotEntry).acked) n++;
    return n;
  }

  /** Forget this attempt's local copy (after a successful submit). */
  clear(): void {
    this.dispose();
    try {
      this.store.removeItem(this.key);
    } catch {
      /* nothing to clean */
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.debounce.values()) this.opts.clearTimer(t);
    this.debounce.clear();
    if (this.retryTimer !== null) this.opts.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  state(): SaverState {
    const pending = this.pendingCount();
    let status: SaveStatus;
    if (this.closed) status = 'closed';
    else if (this.rejected) status = 'error';
    else if (this.networkDown || (pending > 0 && !this.opts.isOnline())) status = 'offline';
    else if (pending > 0) status = 'saving';
    else status = 'saved';
    return { status, pending, persistent: this.persistent, message: this.message };
  }

  // ---------------------------------------------------------------------------------------------
  // Sending: one request at a time (keeps ordering simple and the database calm at scale)

  private pump(): void {
    if (this.inflight || this.closed || this.disposed || this.retryTimer !== null) {
      this.settleIfIdle();
      return;
    }
    let slot: number | undefined;
    for (const s of this.ready) {
      const e = this.slots[s];
      if (!e || e.acked) {
        this.ready.delete(s);
        continue;
      }
      slot = s;
      break;
    }
    if (slot === undefined) {
      this.settleIfIdle();
      return;
    }
    if (!this.opts.isOnline()) {
      // navigator.onLine is false: wait for the `online` event, but probe now and then in case the
      // browser is wrong (in-app WebViews sometimes are).
      this.networkDown = true;
      this.scheduleRetry();
      this.emit();
      return;
    }
    const entry = this.slots[slot] as SlotEntry;
    const sent = { response: entry.response, seq: entry.seq, flagged: entry.flagged };
    this.inflight = true;
    this.emit();
    const target = slot;
    this.opts
      .send(target, sent)
      .then(
        (ack) => {
          this.failures = 0;
          this.networkDown = false;
          const cur = this.slots[target];
          if (cur && cur.seq === sent.seq) {
            cur.acked = true;
            this.ready.delete(target);
          }
          // The server already holds a later seq (another tab or device answered since we loaded):
          // the later answer stands there; continue numbering after it so our next change counts.
          if (cur && ack?.seq !== undefined && ack.seq > cur.seq) cur.seq = ack.seq;
          this.write();
          if (ack?.serverNow) this.opts.onServerTime?.(ack.serverNow);
        },
        (err: unknown) => {
          const status = statusOf(err);
          if (status === 403 || status === 409 || status === 404 || status === 410) {
            this.closed = true;
            this.message = messageOf(err) || null;
            this.opts.onClosed?.(this.message ?? '');
          } else if (status === 400 || status === 422) {
            // The server will never take this response; do not retry forever. Keep it locally.
            this.rejected = true;
            this.message = messageOf(err) || null;
            this.ready.delete(target);
          } else {
            // Network (0), 5xx, 429: retry with backoff.
            if (status === 0) this.networkDown = true;
            this.failures++;
            this.scheduleRetry();
          }
        },
      )
      .finally(() => {
        this.inflight = false;
        this.emit();
        this.pump();
      });
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.disposed) return;
    const base = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length) - 1] ?? BACKOFF_MS[0]!;
    const ms = Math.round(base * (0.8 + 0.4 * this.opts.random()));
    this.retryTimer = this.opts.setTimer(() => {
      this.retryTimer = null;
      for (const [slot, entry] of Object.entries(this.slots)) if (!entry.acked) this.ready.add(Number(slot));
      this.pump();
    }, ms);
    this.settleIfIdle(true);
  }

  /** Wakes flushAll() waiters when nothing more will happen without outside help. */
  private settleIfIdle(force = false): void {
    if (this.idleWaiters.length === 0) return;
    const idle = !this.inflight && (force || this.closed || this.retryTimer !== null || this.ready.size === 0);
    if (!idle || (this.debounce.size > 0 && !force)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private emit(): void {
    const s = this.state();
    const l = this.last;
    if (l && l.status === s.status && l.pending === s.pending && l.persistent === s.persistent && l.message === s.message) return;
    this.last = s;
    this.opts.onChange?.(s);
  }
}
