// The sign-in limiter's window arithmetic, with a clock the test moves (the integration test
// tests/integration/sign-in-limits.test.ts covers real parallel sign-ins over HTTP).
import { describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS, createSignInLimiter, type Admission, type SignInLimits } from '../../src/server/sign-in-limits.ts';

function setup(overrides: Partial<SignInLimits> = {}) {
  let t = 1_000_000;
  // Pacing and the slow lane wait on real timers; keep their delays tiny here (their spacing is
  // tested over HTTP).
  const limiter = createSignInLimiter({ ...SIGN_IN_LIMITS, accountBaseDelayMs: 1, accountMaxDelayMs: 2, addressSlowSpacingMs: 5, ...overrides }, () => t);
  return { limiter, advance: (ms: number) => { t += ms; } };
}

async function fail(limiter: ReturnType<typeof createSignInLimiter>, account: string, address: string): Promise<Admission> {
  const a = await limiter.admit(account, address);
  if (a.ok) a.finish('failure');
  return a;
}

describe('sign-in limiter', () => {
  it('refuses a pair after 5 failures until the oldest leaves the 15-minute window', async () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 5; i++) { expect((await fail(limiter, `a${i % 1}`, '10.0.0.1')).ok).toBe(true); advance(60_000); }
    const refused = await limiter.admit('a0', '10.0.0.1');
    expect(refused).toMatchObject({ ok: false, scope: 'pair' });
    // The first failure was 5 minutes ago: it leaves the window in 10 minutes.
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBe(10 * 60);
    // Another address for the same account is not refused.
    expect((await limiter.admit('a0', '10.0.0.2')).ok).toBe(true);
    advance(10 * 60_000);
    expect((await limiter.admit('a0', '10.0.0.1')).ok).toBe(true);
  });

  it('a right password clears its own pair but not the address', async () => {
    const { limiter } = setup();
    for (let i = 0; i < 4; i++) await fail(limiter, 'b', '10.0.0.3');
    const right = await limiter.admit('b', '10.0.0.3');
    expect(right.ok).toBe(true);
    if (right.ok) right.finish('success');
    for (let i = 0; i < 4; i++) expect((await fail(limiter, 'b', '10.0.0.3')).ok).toBe(true);
    // 8 address failures so far; 42 more on other accounts reach the address limit of 50.
    for (let i = 0; i < 42; i++) expect((await fail(limiter, `c${i}`, '10.0.0.3')).ok).toBe(true);
    // Over the address limit: an account that failed from here is refused…
    expect(await limiter.admit('c0', '10.0.0.3')).toMatchObject({ ok: false, scope: 'address' });
    // …one that did not is still checked (in the slow lane), so its right password gets through.
    const colleague = await limiter.admit('someone-else', '10.0.0.3');
    expect(colleague.ok).toBe(true);
    if (colleague.ok) colleague.finish('success');
  });

  it('over the address limit, checks from that address run one at a time, and the waiting line is bounded', async () => {
    const { limiter } = setup({ addressSlowQueue: 3 });
    for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) await fail(limiter, `s${i}`, '10.0.0.5');
    const first = await limiter.admit('fresh-1', '10.0.0.5');
    expect(first.ok).toBe(true);
    let second: Admission | null = null;
    const secondDone = limiter.admit('fresh-2', '10.0.0.5').then((a) => { second = a; });
    const thirdDone = limiter.admit('fresh-3', '10.0.0.5');
    // One being checked and two waiting fill the line of 3: the next is refused with a wait in seconds.
    const refused = await limiter.admit('fresh-4', '10.0.0.5');
    expect(refused).toMatchObject({ ok: false, scope: 'address-queue' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(second).toBeNull(); // still behind the first, however long its check takes
    if (first.ok) first.finish('failure');
    await secondDone;
    expect(second).toMatchObject({ ok: true });
    (second as unknown as { finish(o: 'failure'): void }).finish('failure');
    const third = await thirdDone;
    expect(third.ok).toBe(true);
    if (third.ok) third.finish('success');
    // fresh-1 failed from here while the address is over its limit: refused from now on.
    expect(await limiter.admit('fresh-1', '10.0.0.5')).toMatchObject({ ok: false, scope: 'address' });
  });

  it('account pacing never holds a check back more than the longest spacing from its arrival', async () => {
    // Real-time delays, frozen clock: uncapped, the 12th check would wait 10+20+40+40×7 = 350 ms.
    const { limiter } = setup({ accountBaseDelayMs: 10, accountMaxDelayMs: 40 });
    const inFlight = await Promise.all(Array.from({ length: 5 }, (_, i) => limiter.admit('victim', `10.1.0.${i}`)));
    const queued = Array.from({ length: 6 }, (_, i) => limiter.admit('victim', `10.2.0.${i}`));
    const started = performance.now();
    const owner = await limiter.admit('victim', '10.3.0.1');
    const waited = performance.now() - started;
    expect(owner.ok).toBe(true);
    expect(waited).toBeLessThan(40 + 60);
    for (const a of [...inFlight, ...(await Promise.all(queued)), owner]) if (a.ok) a.finish('failure');
  });

  it('waits for checks in flight instead of refusing, and admits once they succeed', async () => {
    const { limiter } = setup();
    const inFlight = await Promise.all(Array.from({ length: 5 }, () => limiter.admit('d', '10.0.0.4')));
    let sixth: Admission | null = null;
    const waiting = limiter.admit('d', '10.0.0.4').then((a) => { sixth = a; });
    await new Promise((r) => setTimeout(r, 20));
    expect(sixth).toBeNull();
    inFlight.forEach((a) => a.ok && a.finish('success'));
    await waiting;
    expect(sixth).toMatchObject({ ok: true });
  });
});
