/**
 * Limits on the events a taker's browser reports during an attempt (focus loss, copy, paste, …).
 * They bound what one attempt can write; they never change the focus-loss count the anti-cheat
 * rule uses: a focus loss over a limit is still counted (and can still force submission), only
 * its event row is not stored. Otherwise someone could use up the limit with harmless copy
 * events and then leave the page without it being counted.
 */
export const EVENT_LIMITS = Object.freeze({
  /** Per attempt per rolling minute; a person switching windows rarely reports more than a few. */
  perMinute: 30,
  /** Per attempt in total; far above any honest attempt (focus_loss_limit is at most 100). */
  perAttempt: 500,
});

export type EventCap = { limit: 'per_minute' | 'per_attempt'; retryAfterSec: number | null; message: string };

/**
 * Which limit, if any, refuses one more stored event, given the attempt's stored events in total
 * and in the last minute, and the age in seconds of the oldest of those (for Retry-After).
 */
export function eventCap(stored: { total: number; lastMinute: number; oldestInMinuteAgeSec: number | null }, isFocusLoss: boolean): EventCap | null {
  const counted = isFocusLoss ? ' Your focus losses are still counted.' : '';
  if (stored.total >= EVENT_LIMITS.perAttempt) {
    return {
      limit: 'per_attempt',
      retryAfterSec: null,
      message: `This attempt has already recorded ${EVENT_LIMITS.perAttempt} events, the most one attempt can store; no more are recorded.${counted}`,
    };
  }
  if (stored.lastMinute >= EVENT_LIMITS.perMinute) {
    const retryAfterSec = Math.max(1, Math.ceil(60 - (stored.oldestInMinuteAgeSec ?? 0)));
    return {
      limit: 'per_minute',
      retryAfterSec,
      message: `Too many events for this attempt: at most ${EVENT_LIMITS.perMinute} a minute are recorded. Try again in ${retryAfterSec} s.${counted}`,
    };
  }
  return null;
}
