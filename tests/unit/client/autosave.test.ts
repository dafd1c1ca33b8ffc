import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoSaver, STORAGE_PREFIX, type KeyValueStore, type SendBody, type SendFn } from '../../../src/client/autosave.ts';

function mapStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const netErr = () => Object.assign(new Error('offline'), { status: 0 });

function recorder(impl?: (slot: number, body: SendBody) => Promise<{ seq?: number } | undefined>) {
  const calls: Array<{ slot: number } & SendBody> = [];
  const send: SendFn = (slot, body) => {
    calls.push({ slot, ...body });
    return impl ? impl(slot, body) : Promise.resolve({ seq: body.seq });
  };
  return { calls, send };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('AutoSaver', () => {
  it('debounces changes per slot and sends only the latest, with increasing seq', async () => {
    const { calls, send } = recorder();
    const s = new AutoSaver({ attemptId: 'a1', send, storage: mapStore(), debounceMs: 600 });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    s.set(1, 'A', false);
    await vi.advanceTimersByTimeAsync(300);
    s.set(1, 'B', false);
    expect(s.state().status).toBe('saving');
    await vi.advanceTimersByTimeAsync(599);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toEqual([{ slot: 1, response: 'B', seq: 2, flagged: false }]);
    expect(s.state()).toMatchObject({ status: 'saved', pending: 0 });
  });

  it('keeps unsent answers in storage while offline and replays them after a reload', async () => {
    const store = mapStore();
    const failing = recorder(() => Promise.reject(netErr()));
    const s1 = new AutoSaver({ attemptId: 'a2', send: failing.send, storage: store, debounceMs: 100, random: () => 0.5 });
    s1.load([
      { slot: 1, response: 'A', flagged: false, seq: 3 },
      { slot: 2, response: null, flagged: false, seq: 0 },
    ]);
    s1.set(2, ['A', 'C'], true);
    await vi.advanceTimersByTimeAsync(150);
    expect(failing.calls).toHaveLength(1);
    expect(s1.state()).toMatchObject({ status: 'offline', pending: 1, persistent: true });
    const saved = JSON.parse(store.data.get(`${STORAGE_PREFIX}a2`) as string);
    expect(saved.slots['2']).toEqual({ seq: 1, response: ['A', 'C'], flagged: true, acked: false });
    s1.dispose();

    // "Reload": the server never got slot 2; the new page replays it immediately.
    const ok = recorder();
    const s2 = new AutoSaver({ attemptId: 'a2', send: ok.send, storage: store, debounceMs: 100 });
    const shown = s2.load([
      { slot: 1, response: 'A', flagged: false, seq: 3 },
      { slot: 2, response: null, flagged: false, seq: 0 },
    ]);
    expect(shown.get(2)).toEqual({ response: ['A', 'C'], flagged: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(ok.calls).toEqual([{ slot: 2, response: ['A', 'C'], seq: 1, flagged: true }]);
    expect(s2.state().pending).toBe(0);
    // Next change on slot 1 continues after the server's seq.
    s2.set(1, 'D', false, { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(ok.calls[1]).toMatchObject({ slot: 1, seq: 4 });
  });

  it('lets a higher server seq (another device) win over an older local change', () => {
    const store = mapStore();
    store.setItem(`${STORAGE_PREFIX}a3`, JSON.stringify({ v: 1, slots: { 1: { seq: 2, response: 'A', flagged: false, acked: false } } }));
    const { send } = recorder();
    const s = new AutoSaver({ attemptId: 'a3', send, storage: store });
    const shown = s.load([{ slot: 1, response: 'C', flagged: false, seq: 5 }]);
    expect(shown.get(1)).toEqual({ response: 'C', flagged: false });
    expect(s.pendingCount()).toBe(0);
  });

  it('retries with backoff and replays at once when the browser comes back online', async () => {
    let online = true;
    let fail = true;
    const r = recorder((_slot, body) => (fail ? Promise.reject(netErr()) : Promise.resolve({ seq: body.seq })));
    const s = new AutoSaver({ attemptId: 'a4', send: r.send, storage: mapStore(), debounceMs: 0, isOnline: () => online, random: () => 0.5 });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    s.set(1, true, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000); // first backoff
    expect(r.calls).toHaveLength(2);
    online = false;
    s.wentOffline();
    await vi.advanceTimersByTimeAsync(60_000);
    const whileOffline = r.calls.length;
    online = true;
    fail = false;
    s.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.calls.length).toBe(whileOffline + 1);
    expect(s.state()).toMatchObject({ status: 'saved', pending: 0 });
  });

  it('stops for good on 409 past the deadline and reports the server message', async () => {
    const onClosed = vi.fn();
    const r = recorder(() => Promise.reject(Object.assign(new Error('x'), { status: 409, detail: 'Time is up for this attempt.' })));
    const s = new AutoSaver({ attemptId: 'a5', send: r.send, storage: mapStore(), debounceMs: 0, onClosed });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    s.set(1, 'A', false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(r.calls).toHaveLength(1);
    expect(onClosed).toHaveBeenCalledWith('Time is up for this attempt.');
    expect(s.state()).toMatchObject({ status: 'closed', message: 'Time is up for this attempt.' });
    s.set(1, 'B', false);
    expect(r.calls).toHaveLength(1);
  });

  it('flushAll skips the debounce and resolves once everything is acknowledged', async () => {
    const r = recorder();
    const s = new AutoSaver({ attemptId: 'a6', send: r.send, storage: mapStore(), debounceMs: 800 });
    s.load([1, 2, 3].map((slot) => ({ slot, response: null, flagged: false, seq: 0 })));
    s.set(1, 'A', false);
    s.set(2, 'B', true);
    const done = s.flushAll(5000);
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toBe(true);
    expect(r.calls.map((c) => c.slot).sort()).toEqual([1, 2]);
  });

  it('flushAll resolves false when the network is down instead of hanging', async () => {
    const r = recorder(() => Promise.reject(netErr()));
    const s = new AutoSaver({ attemptId: 'a7', send: r.send, storage: mapStore(), debounceMs: 800 });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    s.set(1, 'A', false);
    const done = s.flushAll(5000);
    await vi.advanceTimersByTimeAsync(0);
    await expect(done).resolves.toBe(false);
  });

  it('works in memory when storage is unavailable, and says so', async () => {
    const r = recorder();
    const s = new AutoSaver({ attemptId: 'a8', send: r.send, storage: null, debounceMs: 0 });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    s.set(1, 'A', false);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.state()).toMatchObject({ status: 'saved', persistent: false });
  });

  it('falls back to memory when a write throws (quota)', () => {
    const store = mapStore();
    const s = new AutoSaver({ attemptId: 'a9', send: recorder().send, storage: store, debounceMs: 10_000 });
    s.load([{ slot: 1, response: null, flagged: false, seq: 0 }]);
    store.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    s.set(1, 'x', false);
    expect(s.state()).toMatchObject({ persistent: false, pending: 1 });
  });
});
