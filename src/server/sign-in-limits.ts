// Sign-in limits for local auth (design and reasons: docs/decisions/sign-in-limits.md).
//
//   account+address  5 failures / 15 min  → that pair is refused (429)
//   address         50 failures / 15 min  → accounts with a failure of their own from that address
//                   are refused (429); any other account is checked in the address's slow lane:
//                   one check at a time, starts ≥ 2 s apart (≤ 30 waiting, beyond that 429)
//   account         after 5 failures / 15 min (any address), its password checks are spaced
//                   1 s, 2 s, 4 s, 8 s, then 8 s apart, but no check waits more than 8 s from
//                   its arrival: slowed down, never refused
//
// Only completed wrong-password checks count; a successful sign-in never does, and it clears the
// failures of its own pair. Concurrency: a check is admitted only while completed failures plus
// checks in flight stay under every limit; a request that would exceed one waits for the checks in
// flight to end instead of being refused, and is refused only once completed failures reach the
// limit. So N parallel guesses can never get more than the limit checked, and N parallel correct
// sign-ins are all served. State is per process (the local server is one process).

export interface SignInLimits {
  windowMs: number;
  perPair: number;
  perAddress: number;
  accountSlowAfter: number;
  accountBaseDelayMs: number;
  accountMaxDelayMs: number;
  /** While the address is over its limit: the spacing between starts of its slow-lane checks. */
  addressSlowSpacingMs: number;
  /** At most this many checks wait in one address's slow lane; more are refused (429). */
  addressSlowQueue: number;
}

export const SIGN_IN_LIMITS: Readonly<SignInLimits> = {
  windowMs: 15 * 60_000,
  perPair: 5,
  perAddress: 50,
  /** Failures of an account (all addresses, in flight included) before its checks are spaced. */
  accountSlowAfter: 5,
  accountBaseDelayMs: 1000,
  /** Also the most a check waits for account pacing, measured from its arrival. */
  accountMaxDelayMs: 8000,
  // 2 s ≈ Supabase Auth's own default budget for this endpoint (150 per 5 min per address), so an
  // address over its limit guesses no faster than any address may sign in on Supabase; 30 waiting
  // means a colleague waits at most about a minute.
  addressSlowSpacingMs: 2000,
  addressSlowQueue: 30,
};

interface Counter {
  failures: number[]; // completion times of wrong-password checks, oldest first
  inFlight: number;
  waiters: Set<() => void>;
}

/** Serialises an over-limit address's checks: each holder waits for the one before it. */
interface SlowLane {
  tail: Promise<void>;
  holders: number; // waiting or being checked
  lastStart: number;
}

interface AccountPacing {
  failures: number[];
  inFlight: number;
  lastStart: number;
}

export type Admission =
  | { ok: true; finish(outcome: 'success' | 'failure'): void }
  | { ok: false; retryAfterSeconds: number; scope: 'pair' | 'address' | 'address-queue' };

export interface SignInLimiter {
  /** Waits until the attempt may check a password, or says why it may not. */
  admit(account: string, address: string): Promise<Admission>;
}

export function createSignInLimiter(limits: Readonly<SignInLimits> = SIGN_IN_LIMITS, now: () => number = Date.now): SignInLimiter {
  const counters = new Map<string, Counter>();
  const accounts = new Map<string, AccountPacing>();
  const lanes = new Map<string, SlowLane>();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  function prune(list: number[]): void {
    const cutoff = now() - limits.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop]! <= cutoff) drop++;
    if (drop) list.splice(0, drop);
  }

  function counter(key: string): Counter {
    let c = counters.get(key);
    if (!c) counters.set(key, (c = { failures: [], inFlight: 0, waiters: new Set() }));
    prune(c.failures);
    return c;
  }

  function account(key: string): AccountPacing {
    let a = accounts.get(key);
    if (!a) accounts.set(key, (a = { failures: [], inFlight: 0, lastStart: 0 }));
    prune(a.failures);
    return a;
  }

  // Entries with nothing in the window and nothing in flight are dropped, so an attacker cycling
  // through made-up emails cannot grow the maps beyond what the address limit lets through.
  function forget(key: string): void {
    const c = counters.get(key);
    if (c && !c.inFlight && !c.waiters.size && !c.failures.length) counters.delete(key);
  }
  function forgetAccount(key: string): void {
    const a = accounts.get(key);
    if (a && !a.inFlight && !a.failures.length && now() - a.lastStart > limits.accountMaxDelayMs) accounts.delete(key);
  }
  let lastSweep = now();
  function sweep(): void {
    if (now() - lastSweep < 60_000) return;
    lastSweep = now();
    for (const [key, c] of counters) { prune(c.failures); if (!c.failures.length) forget(key); }
    for (const [key, a] of accounts) { prune(a.failures); forgetAccount(key); }
    // A lane is kept while it spaces anything: dropping it earlier would let the next check skip the spacing.
    for (const [key, l] of lanes) if (!l.holders && now() - l.lastStart > limits.addressSlowSpacingMs) lanes.delete(key);
  }

  /** Seconds until the completed failures drop below `limit` again. */
  function retryAfter(c: Counter, limit: number): number {
    const freeing = c.failures[c.failures.length - limit]!;
    return Math.max(1, Math.ceil((freeing + limits.windowMs - now()) / 1000));
  }

  function accountDelay(failures: number): number {
    if (failures < limits.accountSlowAfter) return 0;
    return Math.min(limits.accountBaseDelayMs * 2 ** (failures - limits.accountSlowAfter), limits.accountMaxDelayMs);
  }

  function lane(address: string): SlowLane {
    let l = lanes.get(address);
    if (!l) lanes.set(address, (l = { tail: Promise.resolve(), holders: 0, lastStart: -Infinity }));
    return l;
  }

  function refusal(c: Counter, limit: number, scope: 'pair' | 'address'): Admission {
    return { ok: false, retryAfterSeconds: retryAfter(c, limit), scope };
  }

  async function admit(accountKey: string, address: string): Promise<Admission> {
    sweep();
    const pairKey = `pair:${accountKey}|${address}`;
    const addrKey = `addr:${address}`;
    const keys = [pairKey, addrKey];
    const forgetBoth = () => keys.forEach(forget);
    // Set when the check runs in the address's slow lane; released when the check ends.
    let releaseLane: (() => void) | null = null;

    // Admission: refuse on completed failures; wait while checks in flight might still fail.
    for (;;) {
      const pair = counter(pairKey);
      const addr = counter(addrKey);
      if (pair.failures.length >= limits.perPair) { forgetBoth(); return refusal(pair, limits.perPair, 'pair'); }
      if (addr.failures.length >= limits.perAddress) {
        // The address is over its limit. An account with failures of its own from here is refused;
        // any other account (perhaps a colleague behind the same gateway with the right password)
        // is checked in the address's slow lane: one check at a time, starts spaced.
        if (pair.failures.length || pair.inFlight) { forgetBoth(); return refusal(addr, limits.perAddress, 'address'); }
        const l = lane(address);
        const waiting = l.holders;
        if (waiting >= limits.addressSlowQueue) {
          forgetBoth();
          return { ok: false, scope: 'address-queue', retryAfterSeconds: Math.max(1, Math.ceil((waiting * limits.addressSlowSpacingMs) / 1000)) };
        }
        l.holders++;
        const previous = l.tail;
        let release!: () => void;
        l.tail = new Promise<void>((r) => { release = r; });
        let released = false;
        releaseLane = () => {
          if (released) return;
          released = true;
          l.holders--;
          release();
        };
        await previous;
        const wait = l.lastStart + limits.addressSlowSpacingMs - now();
        if (wait > 0) await sleep(wait);
        // Checked again at the head of the lane: parallel guesses at one account queued together
        // must not all be checked — once one of them has failed, the rest are refused.
        const pairNow = counter(pairKey);
        if (pairNow.failures.length || pairNow.inFlight) {
          // Leave the lane and decide again: refused while the address is over its limit.
          releaseLane();
          releaseLane = null;
          continue;
        }
        l.lastStart = now();
        pairNow.inFlight++;
        counter(addrKey).inFlight++;
        break;
      }
      const busy = [pair, addr].find((c, i) => c.failures.length + c.inFlight >= (i === 0 ? limits.perPair : limits.perAddress));
      if (!busy) {
        pair.inFlight++;
        addr.inFlight++;
        break;
      }
      await new Promise<void>((resolve) => busy.waiters.add(resolve));
    }

    // Pacing per account: checks in flight count as possible failures, so parallel guesses from
    // many addresses are spaced too; each check starts no earlier than the delay after the last
    // one, but never waits more than accountMaxDelayMs from now — otherwise N guesses queued from
    // N addresses would hold the owner's right password back for about N × 8 s.
    const a = account(accountKey);
    const delay = accountDelay(a.failures.length + a.inFlight);
    a.inFlight++;
    const start = Math.min(Math.max(now(), a.lastStart + delay), now() + limits.accountMaxDelayMs);
    a.lastStart = Math.max(a.lastStart, start);
    const wait = start - now();
    if (wait > 0) await sleep(wait);

    let finished = false;
    return {
      ok: true,
      finish(outcome) {
        if (finished) return;
        finished = true;
        const t = now();
        a.inFlight--;
        if (outcome === 'failure') a.failures.push(t);
        forgetAccount(accountKey);
        keys.forEach((key, i) => {
          const c = counters.get(key)!;
          c.inFlight--;
          if (outcome === 'failure') c.failures.push(t);
          // The owner typing the right password clears their own pair; the address keeps counting
          // (others behind it may be guessing).
          else if (i === 0) c.failures.length = 0;
          const waiters = [...c.waiters];
          c.waiters.clear();
          waiters.forEach((wake) => wake());
          forget(key);
        });
        releaseLane?.();
      },
    };
  }

  return { admit };
}
