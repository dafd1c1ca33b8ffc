// The key-release rule (issue 8 finding 3): reviews enter the `closed` phase when the exam has
// closed for everyone or a trainer released them — never at one person's own window.
import { describe, expect, it } from 'vitest';
import { reviewPhase, reviewReleaseAt } from '../../../src/core/attempt.ts';

const t = (iso: string) => new Date(iso);

describe('reviewReleaseAt', () => {
  it('is the close for everyone when nothing was released', () => {
    expect(reviewReleaseAt({ closesForEveryoneAt: t('2026-12-01T10:00:00Z'), releasedAt: null })).toEqual(t('2026-12-01T10:00:00Z'));
  });
  it('is the release when a trainer released earlier', () => {
    expect(reviewReleaseAt({ closesForEveryoneAt: t('2026-12-01T10:00:00Z'), releasedAt: t('2026-11-30T09:00:00Z') })).toEqual(t('2026-11-30T09:00:00Z'));
  });
  it('a release after the close changes nothing', () => {
    expect(reviewReleaseAt({ closesForEveryoneAt: '2026-12-01T10:00:00Z', releasedAt: '2026-12-02T10:00:00Z' })).toEqual(t('2026-12-01T10:00:00Z'));
  });
  it('an exam that never closes releases only by a trainer', () => {
    expect(reviewReleaseAt({ closesForEveryoneAt: null, releasedAt: null })).toBeNull();
    expect(reviewReleaseAt({ closesForEveryoneAt: null, releasedAt: 1_700_000_000_000 })).toEqual(new Date(1_700_000_000_000));
  });
  it('rejects an unparseable time instead of computing with NaN', () => {
    expect(() => reviewReleaseAt({ closesForEveryoneAt: 'not a date', releasedAt: null })).toThrow(RangeError);
  });
  it('drives reviewPhase: before it `later`, from it `closed`', () => {
    const releaseAt = reviewReleaseAt({ closesForEveryoneAt: t('2026-12-01T10:00:00Z'), releasedAt: null });
    const base = { state: 'submitted' as const, finishedAt: t('2026-11-30T08:00:00Z'), windowClose: releaseAt };
    expect(reviewPhase({ ...base, now: t('2026-12-01T09:59:59Z') })).toBe('later');
    expect(reviewPhase({ ...base, now: t('2026-12-01T10:00:00Z') })).toBe('closed');
  });
});
