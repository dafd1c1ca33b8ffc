import { describe, expect, it } from 'vitest';
import {
  ATTEMPT_STATES,
  abandon,
  acceptsResponse,
  canStartAttempt,
  canTransition,
  computeDeadline,
  finalise,
  focusLossVerdict,
  isOverdue,
  overallGrade,
  remainingMs,
  reviewPhase,
  reviewVisibility,
  toMs,
  type ReviewPolicy,
  type StartInput,
} from '../../../src/core/index.ts';

const T0 = new Date('2026-03-15T01:00:00.000Z');
const at = (sec: number) => new Date(T0.getTime() + sec * 1000);

describe('computeDeadline', () => {
  it('is start + limit + extra time', () => {
    expect(computeDeadline({ startedAt: T0, timeLimitSec: 3600, extraTimeSec: 600, windowClose: null })).toEqual(at(4200));
    expect(computeDeadline({ startedAt: T0, timeLimitSec: 3600, windowClose: null })).toEqual(at(3600));
  });

  it('is cut by a window close earlier than the limit', () => {
    expect(computeDeadline({ startedAt: T0, timeLimitSec: 3600, extraTimeSec: 0, windowClose: at(1800) })).toEqual(at(1800));
    // Extra time does not extend the window.
    expect(computeDeadline({ startedAt: T0, timeLimitSec: 3600, extraTimeSec: 3600, windowClose: at(5000) })).toEqual(at(5000));
  });

  it('keeps the limit when the window closes later', () => {
    expect(computeDeadline({ startedAt: T0, timeLimitSec: 3600, windowClose: at(99999) })).toEqual(at(3600));
  });

  it('is the window close without a limit, and null with neither', () => {
    expect(computeDeadline({ startedAt: T0, timeLimitSec: null, extraTimeSec: 600, windowClose: at(7200) })).toEqual(at(7200));
    expect(computeDeadline({ startedAt: T0, timeLimitSec: null, windowClose: null })).toBeNull();
  });

  it('accepts ISO strings and epoch ms', () => {
    expect(computeDeadline({ startedAt: T0.toISOString(), timeLimitSec: 60, windowClose: null })).toEqual(at(60));
    expect(computeDeadline({ startedAt: T0.getTime(), timeLimitSec: 60, windowClose: at(30).toISOString() })).toEqual(at(30));
  });

  it('rejects a zero or negative limit, negative extra time and invalid dates', () => {
    expect(() => computeDeadline({ startedAt: T0, timeLimitSec: 0, windowClose: null })).toThrow(/positive number of seconds or null/);
    expect(() => computeDeadline({ startedAt: T0, timeLimitSec: 60, extraTimeSec: -1, windowClose: null })).toThrow(RangeError);
    expect(() => computeDeadline({ startedAt: 'yesterday', timeLimitSec: 60, windowClose: null })).toThrow(/Not a valid date/);
    expect(() => toMs(new Date('nope'))).toThrow(RangeError);
  });
});

describe('acceptsResponse and isOverdue', () => {
  const live = { state: 'in_progress' as const, deadline: at(3600) };

  it('accepts up to and including deadline + grace, and refuses a millisecond later', () => {
    expect(acceptsResponse(live, at(3600))).toEqual({ ok: true });
    expect(acceptsResponse(live, at(3660))).toEqual({ ok: true });
    const late = acceptsResponse(live, new Date(at(3660).getTime() + 1));
    expect(late).toMatchObject({ ok: false, reason: 'past_deadline' });
    expect(!late.ok && late.message).toMatch(/Time is up/);
  });

  it('uses the given grace', () => {
    expect(acceptsResponse(live, at(3601), 0).ok).toBe(false);
    expect(acceptsResponse(live, at(3600), 0).ok).toBe(true);
    expect(acceptsResponse(live, at(3700), 120).ok).toBe(true);
  });

  it('accepts anything for an attempt without deadline', () => {
    expect(acceptsResponse({ state: 'in_progress', deadline: null }, at(10 ** 8)).ok).toBe(true);
    expect(isOverdue({ state: 'in_progress', deadline: null }, at(10 ** 8))).toBe(false);
  });

  it('refuses responses to a finished attempt, whatever the time', () => {
    for (const state of ['submitted', 'auto_submitted', 'abandoned'] as const) {
      expect(acceptsResponse({ state, deadline: at(3600) }, at(0))).toMatchObject({ ok: false, reason: 'attempt_closed' });
    }
  });

  it('isOverdue is exactly "in progress and no longer accepting"', () => {
    for (const sec of [0, 3599, 3600, 3659, 3660, 3660.001, 3661, 9999]) {
      expect(isOverdue(live, at(sec))).toBe(!acceptsResponse(live, at(sec)).ok);
    }
    expect(isOverdue({ state: 'submitted', deadline: at(0) }, at(9999))).toBe(false);
  });

  it('remainingMs counts down to zero', () => {
    expect(remainingMs(live, at(3000))).toBe(600_000);
    expect(remainingMs(live, at(4000))).toBe(0);
    expect(remainingMs({ state: 'in_progress', deadline: null }, at(0))).toBeNull();
  });
});

describe('finalise', () => {
  const live = { state: 'in_progress' as const, deadline: at(3600) };

  it('submits on time at the submit time (including within grace)', () => {
    expect(finalise(live, at(1000), 'submit')).toEqual({ state: 'submitted', finishedAt: at(1000), changed: true });
    expect(finalise(live, at(3660), 'submit')).toEqual({ state: 'submitted', finishedAt: at(3660), changed: true });
  });

  it('turns a submit after deadline + grace into an auto-submit at the deadline', () => {
    expect(finalise(live, at(3661), 'submit')).toEqual({ state: 'auto_submitted', finishedAt: at(3600), changed: true });
  });

  it('auto-submits at the deadline when overdue, or now when forced early', () => {
    expect(finalise(live, at(7000), 'auto')).toEqual({ state: 'auto_submitted', finishedAt: at(3600), changed: true });
    expect(finalise(live, at(100), 'auto')).toEqual({ state: 'auto_submitted', finishedAt: at(100), changed: true });
    expect(finalise({ state: 'in_progress', deadline: null }, at(100), 'auto')).toEqual({ state: 'auto_submitted', finishedAt: at(100), changed: true });
  });

  it('never changes a terminal attempt (submit is idempotent)', () => {
    for (const state of ['submitted', 'auto_submitted', 'abandoned'] as const) {
      const done = { state, deadline: at(3600), finishedAt: at(500) };
      expect(finalise(done, at(600), 'submit')).toEqual({ state, finishedAt: at(500), changed: false });
      expect(finalise(done, at(9000), 'auto')).toEqual({ state, finishedAt: at(500), changed: false });
      expect(abandon(done, at(9000))).toEqual({ state, finishedAt: at(500), changed: false });
    }
  });

  it('abandons an in-progress attempt', () => {
    expect(abandon(live, at(10))).toEqual({ state: 'abandoned', finishedAt: at(10), changed: true });
  });

  it('allows only in_progress → terminal transitions', () => {
    for (const from of ATTEMPT_STATES) {
      for (const to of ATTEMPT_STATES) {
        expect(canTransition(from, to)).toBe(from === 'in_progress' && to !== 'in_progress');
      }
    }
  });
});

describe('canStartAttempt', () => {
  const base: StartInput = {
    attemptsUsed: 0,
    attemptsAllowed: 1,
    windowOpen: at(-3600),
    windowClose: at(3600),
    now: T0,
    liveAttempt: null,
  };

  it('starts when open and attempts remain', () => {
    expect(canStartAttempt(base)).toEqual({ action: 'start', attemptNumber: 1 });
    expect(canStartAttempt({ ...base, windowOpen: null, windowClose: null })).toEqual({ action: 'start', attemptNumber: 1 });
  });

  it('resumes a live attempt rather than starting another', () => {
    const liveAttempt = { id: 'att-1', state: 'in_progress' as const, deadline: at(600) };
    expect(canStartAttempt({ ...base, liveAttempt })).toEqual({ action: 'resume', attemptId: 'att-1' });
    // Even when the window has since closed, within grace.
    expect(canStartAttempt({ ...base, liveAttempt, windowClose: at(600), now: at(630) })).toEqual({ action: 'resume', attemptId: 'att-1' });
  });

  it('asks for an overdue live attempt to be finalised first', () => {
    const liveAttempt = { id: 'att-1', state: 'in_progress' as const, deadline: at(600) };
    expect(canStartAttempt({ ...base, liveAttempt, now: at(661) })).toEqual({ action: 'finalise_overdue', attemptId: 'att-1' });
  });

  it('ignores a "live" attempt that is actually finished', () => {
    const liveAttempt = { id: 'att-1', state: 'submitted' as const, deadline: at(600) };
    expect(canStartAttempt({ ...base, attemptsUsed: 1, attemptsAllowed: 2, liveAttempt })).toEqual({ action: 'start', attemptNumber: 2 });
  });

  it('refuses before the window opens and from the moment it closes', () => {
    const early = canStartAttempt({ ...base, now: at(-3601) });
    expect(early).toMatchObject({ action: 'refuse', reason: 'not_open' });
    expect(early.action === 'refuse' && early.message).toContain('opens at 2026-03-15T00:00:00.000Z');
    expect(canStartAttempt({ ...base, now: at(-3600) }).action).toBe('start');
    expect(canStartAttempt({ ...base, now: at(3599) }).action).toBe('start');
    const late = canStartAttempt({ ...base, now: at(3600) });
    expect(late).toMatchObject({ action: 'refuse', reason: 'closed' });
    expect(late.action === 'refuse' && late.message).toMatch(/closed at .* ask your trainer/);
  });

  it('counts attempts, with extra attempts and 0 = unlimited', () => {
    const used = canStartAttempt({ ...base, attemptsUsed: 1 });
    expect(used).toMatchObject({ action: 'refuse', reason: 'no_attempts_left' });
    expect(used.action === 'refuse' && used.message).toContain('all 1 attempt allowed');
    expect(canStartAttempt({ ...base, attemptsUsed: 1, extraAttempts: 1 })).toEqual({ action: 'start', attemptNumber: 2 });
    expect(canStartAttempt({ ...base, attemptsUsed: 3, attemptsAllowed: 2, extraAttempts: 1 }).action).toBe('refuse');
    expect(canStartAttempt({ ...base, attemptsUsed: 99, attemptsAllowed: 0 })).toEqual({ action: 'start', attemptNumber: 100 });
  });
});

describe('overallGrade', () => {
  const attempts = [
    { state: 'submitted' as const, startedAt: at(200), score: 80 },
    { state: 'auto_submitted' as const, startedAt: at(100), score: 60 },
    { state: 'submitted' as const, startedAt: at(300), score: 70 },
    { state: 'abandoned' as const, startedAt: at(400), score: 100 },
    { state: 'in_progress' as const, startedAt: at(500), score: 100 },
    { state: 'submitted' as const, startedAt: at(600), score: null },
  ];

  it('applies each method to finished, graded attempts only', () => {
    expect(overallGrade(attempts, 'highest')).toBe(80);
    expect(overallGrade(attempts, 'first')).toBe(60);
    expect(overallGrade(attempts, 'latest')).toBe(70);
    expect(overallGrade(attempts, 'average')).toBe(70);
  });

  it('rounds the average to 2 decimals', () => {
    const three = [60, 70, 71].map((score, i) => ({ state: 'submitted' as const, startedAt: at(i), score }));
    expect(overallGrade(three, 'average')).toBe(67);
    const two = [1, 2.333].map((score, i) => ({ state: 'submitted' as const, startedAt: at(i), score }));
    expect(overallGrade(two, 'average')).toBe(1.67);
  });

  it('is null for an empty list or when nothing counts', () => {
    for (const m of ['highest', 'latest', 'first', 'average'] as const) {
      expect(overallGrade([], m)).toBeNull();
      expect(overallGrade(attempts.slice(3), m)).toBeNull();
    }
  });
});

describe('review visibility', () => {
  const none = { score: false, correctness: false, rightAnswers: false, explanations: false };
  const policy: ReviewPolicy = {
    during: none,
    immediately: { score: true, correctness: true, rightAnswers: false, explanations: false },
    afterClose: { score: true, correctness: true, rightAnswers: true, explanations: true },
  };

  it('maps each phase to its flags; later falls back to immediately', () => {
    expect(reviewVisibility(policy, 'during')).toEqual(none);
    expect(reviewVisibility(policy, 'immediately')).toEqual(policy.immediately);
    expect(reviewVisibility(policy, 'later')).toEqual(policy.immediately);
    expect(reviewVisibility(policy, 'closed')).toEqual(policy.afterClose);
    const withLater = { ...policy, later: { ...none, score: true } };
    expect(reviewVisibility(withLater, 'later')).toEqual({ ...none, score: true });
  });

  it('returns a copy', () => {
    const flags = reviewVisibility(policy, 'closed');
    flags.score = false;
    expect(policy.afterClose.score).toBe(true);
  });

  it('reviewPhase follows the attempt and the exam window', () => {
    const finishedAt = at(1000);
    expect(reviewPhase({ state: 'in_progress', finishedAt: null, windowClose: at(5000), now: at(500) })).toBe('during');
    expect(reviewPhase({ state: 'submitted', finishedAt, windowClose: at(5000), now: at(1120) })).toBe('immediately');
    expect(reviewPhase({ state: 'submitted', finishedAt, windowClose: at(5000), now: at(1121) })).toBe('later');
    expect(reviewPhase({ state: 'auto_submitted', finishedAt, windowClose: at(5000), now: at(5000) })).toBe('closed');
    expect(reviewPhase({ state: 'submitted', finishedAt, windowClose: null, now: at(10 ** 7) })).toBe('later');
  });
});

describe('focusLossVerdict', () => {
  it('only logs when the limit is 0', () => {
    expect(focusLossVerdict(0, 0)).toBe('log');
    expect(focusLossVerdict(50, 0)).toBe('log');
  });

  it('warns up to the limit and forces submission beyond it', () => {
    expect(focusLossVerdict(0, 3)).toBe('log');
    expect(focusLossVerdict(1, 3)).toBe('warn');
    expect(focusLossVerdict(3, 3)).toBe('warn');
    expect(focusLossVerdict(4, 3)).toBe('force_submit');
  });

  it('rejects nonsense counts', () => {
    expect(() => focusLossVerdict(-1, 3)).toThrow(RangeError);
    expect(() => focusLossVerdict(1, 1.5)).toThrow(RangeError);
  });
});
