// One rule for control characters in text (src/core/text.ts), and the other pure parts of the
// bad-input fixes: event caps and the manual mark step.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { controlCharMessage, findControlChar, singleLine } from '../../../src/core/text.ts';
import { EVENT_LIMITS, eventCap } from '../../../src/core/attempt-events.ts';
import { applyManualMark, manualMarkStepError } from '../../../src/core/grading.ts';

describe('control characters', () => {
  it('refuses NUL, other C0/C1 controls and DEL; allows tab and line breaks in multi-line text', () => {
    expect(controlCharMessage('a\u0000b')).toMatch(/NUL character \(U\+0000\)/);
    for (const ch of ['\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f']) expect(controlCharMessage(`x${ch}`), JSON.stringify(ch)).toMatch(/control character/);
    expect(controlCharMessage('第一行\n第二行\r\n\t缩进')).toBeNull();
    expect(controlCharMessage('中文、English, emoji 🙂 and « » – —')).toBeNull();
  });

  it('a single-line field also refuses tab and line breaks', () => {
    expect(controlCharMessage('a\nb', { singleLine: true })).toMatch(/single line.*U\+000A/);
    expect(controlCharMessage('a\u2028b', { singleLine: true })).toMatch(/U\+2028/);
    const title = z.string().trim().min(1).superRefine(singleLine);
    expect(title.safeParse('  季度考试\n').success).toBe(true); // trimmed first
    expect(title.safeParse('季度\t考试').success).toBe(false);
  });

  it('finds the first bad string anywhere in a body, by field path, without echoing a bad key', () => {
    expect(findControlChar({ a: 'ok', list: ['ok', { note: 'x\u0000' }] })).toMatchObject({ path: 'list.1.note' });
    expect(findControlChar('\u0000')).toMatchObject({ path: '(body)' });
    const key = findControlChar({ detail: { ['k\u0000']: 1 } });
    expect(key).toMatchObject({ path: 'detail' });
    expect(key!.message).toMatch(/^A field name contains/);
    expect(findControlChar({ n: 1, b: true, z: null, s: 'fine\n' })).toBeNull();
  });
});

describe('event caps', () => {
  it('per minute with a Retry-After, then per attempt without one', () => {
    expect(eventCap({ total: 10, lastMinute: EVENT_LIMITS.perMinute - 1, oldestInMinuteAgeSec: 5 }, false)).toBeNull();
    expect(eventCap({ total: 10, lastMinute: EVENT_LIMITS.perMinute, oldestInMinuteAgeSec: 45.2 }, false)).toMatchObject({ limit: 'per_minute', retryAfterSec: 15 });
    expect(eventCap({ total: EVENT_LIMITS.perAttempt, lastMinute: 0, oldestInMinuteAgeSec: null }, false)).toMatchObject({ limit: 'per_attempt', retryAfterSec: null });
    expect(eventCap({ total: EVENT_LIMITS.perAttempt, lastMinute: 0, oldestInMinuteAgeSec: null }, true)!.message).toMatch(/still counted/);
  });
});

describe('manual marks go in steps of 0.01 point', () => {
  it('refuses marks between steps instead of rounding them to 0', () => {
    expect(manualMarkStepError(0.004)).toMatch(/steps of 0\.01/);
    expect(() => applyManualMark(10, 0.004)).toThrow(/steps of 0\.01/);
    expect(() => applyManualMark(10, 3.335)).toThrow(RangeError);
    for (const m of [0, 0.01, 0.07, 0.1 + 0.2, 7.5, 9.99, 10]) expect(manualMarkStepError(m), String(m)).toBeNull();
    expect(applyManualMark(10, 0.07)).toEqual({ state: 'partial', mark: 0.07, maxMark: 10 });
  });
});
