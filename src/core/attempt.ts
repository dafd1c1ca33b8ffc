/**
 * Attempt lifecycle and timing (ARCHITECTURE §6). Time is the server's: callers pass `now` from the
 * server clock (the browser only uses these functions to display a countdown).
 *
 * Boundary rule, used everywhere below: a response stamped at or before `deadline + grace` is
 * accepted; one stamped even a millisecond later is refused. `isOverdue` is exactly the negation, so
 * a response is never both refused and not-yet-overdue.
 */
import { z } from 'zod';
import { toMs, type DateLike } from './time.ts';

export const ATTEMPT_STATES = ['in_progress', 'submitted', 'auto_submitted', 'abandoned'] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];
export type TerminalState = Exclude<AttemptState, 'in_progress'>;

/** As Moodle's graceperiodmin: network latency and a last click should not cost a taker an answer. */
export const DEFAULT_GRACE_SEC = 60;

export function isTerminal(state: AttemptState): state is TerminalState {
  return state !== 'in_progress';
}

/** Only in_progress can move, and only to a terminal state; terminal states never change. */
export function canTransition(from: AttemptState, to: AttemptState): boolean {
  return from === 'in_progress' && to !== 'in_progress';
}

export interface DeadlineInput {
  startedAt: DateLike;
  /** null = no time limit. */
  timeLimitSec: number | null;
  /** Per-user override (extra time, e.g. accessibility). Extends the limit only, never the window. */
  extraTimeSec?: number;
  /** null = the exam never closes. A per-user window override is applied by the caller before this. */
  windowClose: DateLike | null;
}

/** deadline = min(start + limit + extra, window close); null when there is neither a limit nor a close. */
export function computeDeadline(input: DeadlineInput): Date | null {
  const { timeLimitSec, windowClose } = input;
  const extra = input.extraTimeSec ?? 0;
  if (timeLimitSec !== null && (!Number.isFinite(timeLimitSec) || timeLimitSec <= 0)) {
    throw new RangeError(`timeLimitSec must be a positive number of seconds or null (no limit); got ${timeLimitSec}.`);
  }
  if (!Number.isFinite(extra) || extra < 0) throw new RangeError(`extraTimeSec must be ≥ 0; got ${extra}.`);
  const byLimit = timeLimitSec === null ? null : toMs(input.startedAt) + (timeLimitSec + extra) * 1000;
  const byClose = windowClose === null ? null : toMs(windowClose);
  if (byLimit === null && byClose === null) return null;
  if (byLimit === null) return new Date(byClose as number);
  if (byClose === null) return new Date(byLimit);
  return new Date(Math.min(byLimit, byClose));
}

export interface AttemptTiming {
  state: AttemptState;
  deadline: DateLike | null;
}

export type AcceptResult =
  | { ok: true }
  | { ok: false; reason: 'attempt_closed' | 'past_deadline'; message: string };

/** May a response stamped `now` be saved? Accepted up to and including deadline + grace. */
export function acceptsResponse(attempt: AttemptTiming, now: DateLike, graceSec: number = DEFAULT_GRACE_SEC): AcceptResult {
  if (attempt.state !== 'in_progress') {
    return { ok: false, reason: 'attempt_closed', message: 'This attempt has already been submitted; answers can no longer be changed.' };
  }
  if (attempt.deadline !== null && toMs(now) > toMs(attempt.deadline) + graceSec * 1000) {
    return {
      ok: false,
      reason: 'past_deadline',
      message: 'Time is up for this attempt; answers saved before the deadline have been kept and will be graded.',
    };
  }
  return { ok: true };
}

/** In progress and past deadline + grace: to be finalised (by the scheduled job, or lazily on read). */
export function isOverdue(attempt: AttemptTiming, now: DateLike, graceSec: number = DEFAULT_GRACE_SEC): boolean {
  return attempt.state === 'in_progress' && attempt.deadline !== null && toMs(now) > toMs(attempt.deadline) + graceSec * 1000;
}

/** Milliseconds left until the deadline (never negative); null when there is no deadline. For countdowns. */
export function remainingMs(attempt: AttemptTiming, now: DateLike): number | null {
  if (attempt.deadline === null) return null;
  return Math.max(0, toMs(attempt.deadline) - toMs(now));
}

export interface FinaliseInput extends AttemptTiming {
  finishedAt?: DateLike | null;
}

export interface FinaliseResult {
  state: AttemptState;
  finishedAt: Date | null;
  /** False when the attempt was already terminal: submit is idempotent and nothing is written. */
  changed: boolean;
}

/**
 * Ends an attempt.
 * - 'submit' within deadline + grace → submitted at `now`.
 * - 'submit' later → auto_submitted at the deadline: the attempt ended then, the late click only
 *   noticed it (and an overdue attempt must look the same whether the job or the taker got there first).
 * - 'auto' (scheduled job, lazy finalisation, anti-cheat) → auto_submitted at min(now, deadline).
 * An attempt already in a terminal state is returned unchanged.
 */
export function finalise(
  attempt: FinaliseInput,
  now: DateLike,
  how: 'submit' | 'auto',
  graceSec: number = DEFAULT_GRACE_SEC,
): FinaliseResult {
  if (isTerminal(attempt.state)) {
    return { state: attempt.state, finishedAt: attempt.finishedAt == null ? null : new Date(toMs(attempt.finishedAt)), changed: false };
  }
  const nowMs = toMs(now);
  const deadlineMs = attempt.deadline === null ? null : toMs(attempt.deadline);
  if (how === 'submit' && !isOverdue(attempt, nowMs, graceSec)) {
    return { state: 'submitted', finishedAt: new Date(nowMs), changed: true };
  }
  const at = deadlineMs === null ? nowMs : Math.min(nowMs, deadlineMs);
  return { state: 'auto_submitted', finishedAt: new Date(at), changed: true };
}

/** Gives up an in-progress attempt without grading it (e.g. a trainer cancels it). Terminal attempts are unchanged. */
export function abandon(attempt: FinaliseInput, now: DateLike): FinaliseResult {
  if (isTerminal(attempt.state)) {
    return { state: attempt.state, finishedAt: attempt.finishedAt == null ? null : new Date(toMs(attempt.finishedAt)), changed: false };
  }
  return { state: 'abandoned', finishedAt: new Date(toMs(now)), changed: true };
}

// ---------------------------------------------------------------------------------------------
// Starting

export interface StartInput {
  /** Finished attempts (submitted, auto-submitted or abandoned) — not the live one. */
  attemptsUsed: number;
  /** 0 = unlimited. */
  attemptsAllowed: number;
  /** Per-user override. */
  extraAttempts?: number;
  windowOpen: DateLike | null;
  windowClose: DateLike | null;
  now: DateLike;
  /** The person's in-progress attempt at this exam, if any. */
  liveAttempt: { id: string; state: AttemptState; deadline: DateLike | null } | null;
  graceSec?: number;
}

export type StartRefusal = 'not_open' | 'closed' | 'no_attempts_left';

export type StartDecision =
  | { action: 'start'; attemptNumber: number }
  | { action: 'resume'; attemptId: string }
  /** The live attempt ran out of time: finalise it ('auto'), then decide again with attemptsUsed + 1. */
  | { action: 'finalise_overdue'; attemptId: string }
  | { action: 'refuse'; reason: StartRefusal; message: string };

/** Start a new attempt, resume the live one, or refuse with a message the taker can act on. */
export function canStartAttempt(input: StartInput): StartDecision {
  const now = toMs(input.now);
  const live = input.liveAttempt;
  if (live && live.state === 'in_progress') {
    if (isOverdue(live, now, input.graceSec ?? DEFAULT_GRACE_SEC)) return { action: 'finalise_overdue', attemptId: live.id };
    // Resuming beats every other rule: the attempt was legitimately started and still has time.
    return { action: 'resume', attemptId: live.id };
  }
  if (input.windowOpen !== null && now < toMs(input.windowOpen)) {
    return {
      action: 'refuse',
      reason: 'not_open',
      message: `This exam opens at ${new Date(toMs(input.windowOpen)).toISOString()}; come back then.`,
    };
  }
  if (input.windowClose !== null && now >= toMs(input.windowClose)) {
    return {
      action: 'refuse',
      reason: 'closed',
      message: `This exam closed at ${new Date(toMs(input.windowClose)).toISOString()}. If you still need to take it, ask your trainer to extend your window.`,
    };
  }
  const extra = input.extraAttempts ?? 0;
  if (input.attemptsAllowed > 0 && input.attemptsUsed >= input.attemptsAllowed + extra) {
    const allowed = input.attemptsAllowed + extra;
    return {
      action: 'refuse',
      reason: 'no_attempts_left',
      message: `You have used all ${allowed} attempt${allowed === 1 ? '' : 's'} allowed for this exam. If you need another, ask your trainer to grant an extra attempt.`,
    };
  }
  return { action: 'start', attemptNumber: input.attemptsUsed + 1 };
}

// ---------------------------------------------------------------------------------------------
// Overall grade over several attempts

export const GRADING_METHODS = ['highest', 'latest', 'first', 'average'] as const;
export const GradingMethodSchema = z.enum(GRADING_METHODS);
export type GradingMethod = z.infer<typeof GradingMethodSchema>;

export interface GradedAttempt {
  state: AttemptState;
  startedAt: DateLike;
  /** null while manual grading is pending. */
  score: number | null;
}

/**
 * The exam grade from a person's attempts (Moodle's grading methods). Only finished attempts with a
 * known score count — in progress, abandoned and awaiting-grading attempts are ignored, as Moodle
 * ignores attempts whose sum of grades is null. Returns null when no attempt counts.
 * 'first'/'latest' go by start time. 'average' is rounded to 2 decimals.
 */
export function overallGrade(attempts: readonly GradedAttempt[], method: GradingMethod): number | null {
  const counted = attempts
    .map((a, i) => ({ a, i, t: toMs(a.startedAt) }))
    .filter(({ a }) => (a.state === 'submitted' || a.state === 'auto_submitted') && a.score !== null)
    .sort((x, y) => x.t - y.t || x.i - y.i);
  if (counted.length === 0) return null;
  const scores = counted.map(({ a }) => a.score as number);
  switch (method) {
    case 'highest':
      return Math.max(...scores);
    case 'latest':
      return scores[scores.length - 1] as number;
    case 'first':
      return scores[0] as number;
    case 'average':
      return Math.round((scores.reduce((s, x) => s + x, 0) / scores.length) * 100) / 100;
  }
}

// ---------------------------------------------------------------------------------------------
// Review visibility

export const ReviewFlagsSchema = z.strictObject({
  score: z.boolean(),
  /** Whether each answer was right/partly right/wrong. */
  correctness: z.boolean(),
  rightAnswers: z.boolean(),
  explanations: z.boolean(),
});
export type ReviewFlags = z.infer<typeof ReviewFlagsSchema>;

/**
 * What a taker may see in each phase. `during` applies to practice-style feedback on a question
 * already answered; for a deferred-feedback exam set it all false (keys never go out mid-attempt).
 * `later` is optional and defaults to `immediately`.
 */
export const ReviewPolicySchema = z.strictObject({
  during: ReviewFlagsSchema,
  immediately: ReviewFlagsSchema,
  later: ReviewFlagsSchema.optional(),
  afterClose: ReviewFlagsSchema,
});
export type ReviewPolicy = z.infer<typeof ReviewPolicySchema>;

export type ReviewPhase = 'during' | 'immediately' | 'later' | 'closed';

export const NOTHING_VISIBLE: Readonly<ReviewFlags> = Object.freeze({ score: false, correctness: false, rightAnswers: false, explanations: false });

export function reviewVisibility(policy: ReviewPolicy, phase: ReviewPhase): ReviewFlags {
  const flags =
    phase === 'during' ? policy.during : phase === 'immediately' ? policy.immediately : phase === 'later' ? (policy.later ?? policy.immediately) : policy.afterClose;
  // Copy so a caller mutating the result cannot change the exam's policy object.
  return { score: flags.score, correctness: flags.correctness, rightAnswers: flags.rightAnswers, explanations: flags.explanations };
}

/** Moodle's "immediately after the attempt" window. */
export const IMMEDIATE_REVIEW_SEC = 120;

/**
 * The review phase of an attempt at `now`: in progress → during; after the exam window closed →
 * closed; within IMMEDIATE_REVIEW_SEC of finishing → immediately; otherwise later. An exam without a
 * close time never reaches 'closed'.
 */
export function reviewPhase(input: {
  state: AttemptState;
  finishedAt: DateLike | null;
  windowClose: DateLike | null;
  now: DateLike;
  immediateSec?: number;
}): ReviewPhase {
  if (input.state === 'in_progress') return 'during';
  const now = toMs(input.now);
  if (input.windowClose !== null && now >= toMs(input.windowClose)) return 'closed';
  if (input.finishedAt !== null && now - toMs(input.finishedAt) <= (input.immediateSec ?? IMMEDIATE_REVIEW_SEC) * 1000) return 'immediately';
  return 'later';
}

/**
 * When an exam's reviews enter the `closed` phase (its `afterClose` flags: typically right answers
 * and explanations) — the same moment for every taker, never one person's window:
 * - `closesForEveryoneAt`: the exam has closed for everyone — the latest close among the exam and
 *   its personal windows, once no attempt can still save an answer (the database computes it:
 *   app_private.exam_closes_for_everyone_at); null when it never closes;
 * - `releasedAt`: a trainer released the review earlier on purpose (audited); null when not.
 * The earlier of the two; null = never. Pass the result to reviewPhase as `windowClose`.
 */
export function reviewReleaseAt(input: { closesForEveryoneAt: DateLike | null; releasedAt: DateLike | null }): Date | null {
  const times = [input.closesForEveryoneAt, input.releasedAt].filter((t): t is DateLike => t !== null && t !== undefined).map(toMs);
  return times.length === 0 ? null : new Date(Math.min(...times));
}

// ---------------------------------------------------------------------------------------------
// Anti-cheat

export type FocusLossVerdict = 'log' | 'warn' | 'force_submit';

/**
 * What to do after the `count`-th time the exam page lost focus (切屏). `limit` is the number of
 * losses tolerated: losses 1…limit warn, loss limit+1 forces submission ("切屏超过N次自动交卷").
 * limit 0 means record only. Every loss is logged regardless of the verdict.
 */
export function focusLossVerdict(count: number, limit: number): FocusLossVerdict {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0; got ${count}.`);
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number ≥ 0; got ${limit}.`);
  if (limit === 0 || count === 0) return 'log';
  return count > limit ? 'force_submit' : 'warn';
}
