// The sign-in limiter's window arithmetic, with a clock the test moves (the integration test
// tests/integration/sign-in-limits.test.ts covers real parallel sign-ins over HTTP).
import { describe, expect, it } from 'vitest';
import { SIGN_IN_LIMITS, createSignInLimiter, type Admission } from '../../src/server/sign-in-limits.ts';

function setup() {
  let t = 1_000_000;
  // Account pacing waits on real timers; keep its delays tiny here (its spacing is tested over HTTP).
  const limiter = createSignInLimiter({ ...SIGN_IN_LIMITS, accountBaseDelayMs: 1, accountMaxDelayMs: 2 }, () => t);
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
    expect(await limiter.admit('someone-else', '10.0.0.3')).toMatchObject({ ok: false, scope: 'address' });
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
