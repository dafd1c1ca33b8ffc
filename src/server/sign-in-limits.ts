// Sign-in limits for local auth (design and reasons: docs/decisions/sign-in-limits.md).
//
//   account+address  5 failures / 15 min  → that pair is refused (429)
//   address         50 failures / 15 min  → the address is refused (429)
//   account         after 5 failures / 15 min (any address), its password checks are spaced
//                   1 s, 2 s, 4 s, 8 s, then 8 s apart: slowed down, never refused
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
}

export const SIGN_IN_LIMITS: Readonly<SignInLimits> = {
  windowMs: 15 * 60_000,
  perPair: 5,
  perAddress: 50,
  /** Failures of an account (all addresses, in flight included) before its checks are spaced. */
  accountSlowAfter: 5,
  accountBaseDelayMs: 1000,
  accountMaxDelayMs: 8000,
};

interface Counter {
  failures: number[]; // completion times of wrong-password checks, oldest first
  inFlight: number;
  waiters: Set<() => void>;
}

interface AccountPacing {
  failures: number[];
  inFlight: number;
  lastStart: number;
}

export type Admission =
  | { ok: true; finish(outcome: 'success' | 'failure'): void }
  | { ok: false; retryAfterSeconds: number; scope: 'pair' | 'address' };

export interface SignInLimiter {
  /** Waits until the attempt may check a password, or says why it may not. */
  admit(account: string, address: string): Promise<Admission>;
}

export function createSignInLimiter(limits: Readonly<SignInLimits> = SIGN_IN_LIMITS, now: () => number = Date.now): SignInLimiter {
  const counters = new Map<string, Counter>();
  const accounts = new Map<string, AccountPacing>();

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

  async function admit(accountKey: string, address: string): Promise<Admission> {
    sweep();
    const keys: [string, number, 'pair' | 'address'][] = [
      [`pair:${accountKey}|${address}`, limits.perPair, 'pair'],
      [`addr:${address}`, limits.perAddress, 'address'],
    ];
    // Admission: refuse on completed failures; wait while checks in flight might still fail.
    for (;;) {
      const cs = keys.map(([key, limit, scope]) => ({ key, limit, scope, c: counter(key) }));
      const full = cs.find(({ c, limit }) => c.failures.length >= limit);
      if (full) {
        for (const { key } of cs) forget(key);
        return { ok: false, retryAfterSeconds: retryAfter(full.c, full.limit), scope: full.scope };
      }
      const busy = cs.find(({ c, limit }) => c.failures.length + c.inFlight >= limit);
      if (!busy) {
        for (const { c } of cs) c.inFlight++;
        break;
      }
      await new Promise<void>((resolve) => busy.c.waiters.add(resolve));
    }

    // Pacing per account: checks in flight count as possible failures, so parallel guesses from
    // many addresses are spaced too; each check starts no earlier than the delay after the last one.
    const a = account(accountKey);
    const delay = accountDelay(a.failures.length + a.inFlight);
    a.inFlight++;
    const start = Math.max(now(), a.lastStart + delay);
    a.lastStart = start;
    const wait = start - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

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
        keys.forEach(([key], i) => {
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
      },
    };
  }

  return { admit };
}
