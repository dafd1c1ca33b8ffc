import { describe, expect, it } from 'vitest';
import {
  attemptsAllowedFor,
  availability,
  DEFAULT_REVIEW_POLICY,
  effectiveWindow,
  ExamSettingsSchema,
  OverrideSchema,
  resolveExamSettings,
} from '../../../src/core/exam-settings.ts';

const blueprint = { sections: [{ type: 'single', count: 2, points: 5 }] };

describe('ExamSettingsSchema', () => {
  it('fills defaults: deferred review, 1 attempt, highest grade, 60 s grace', () => {
    const s = ExamSettingsSchema.parse({ title: '测试', kind: 'exam', blueprint });
    expect(s).toMatchObject({ attemptsAllowed: 1, gradingMethod: 'highest', graceSec: 60, passPercent: 60, focusLossLimit: 0, timeLimitSec: null });
    expect(s.reviewPolicy).toEqual(DEFAULT_REVIEW_POLICY);
  });

  it('rejects a window that closes before it opens, naming windowClose', () => {
    const r = ExamSettingsSchema.safeParse({ title: 't', kind: 'exam', blueprint, windowOpen: '2026-03-02T00:00:00Z', windowClose: '2026-03-01T00:00:00Z' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['windowClose']);
  });

  it('never lets a policy show keys or explanations during an attempt', () => {
    const on = { score: true, correctness: true, rightAnswers: true, explanations: true };
    const r = ExamSettingsSchema.safeParse({ title: 't', kind: 'exam', blueprint, reviewPolicy: { during: on, immediately: on, afterClose: on } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/in progress/);
  });

  it('rejects unknown fields and a time limit under 30 s', () => {
    expect(ExamSettingsSchema.safeParse({ title: 't', kind: 'exam', blueprint, bogus: 1 }).success).toBe(false);
    expect(ExamSettingsSchema.safeParse({ title: 't', kind: 'exam', blueprint, timeLimitSec: 10 }).success).toBe(false);
  });
});

describe('resolveExamSettings', () => {
  it('takes the exam-level rule and shuffles over the blueprint and writes them back into it', () => {
    const s = resolveExamSettings(ExamSettingsSchema.parse({ title: 't', kind: 'exam', blueprint, multipleRule: 'per_option', shuffleOptions: false }));
    expect(s.multipleRule).toBe('per_option');
    expect(s.blueprint.multipleRule).toBe('per_option');
    expect(s.shuffleOptions).toBe(false);
    expect(s.blueprint.shuffleOptions).toBe(false);
    expect(s.shuffleQuestions).toBe(true);
  });
  it('falls back to the blueprint when the exam does not say', () => {
    const s = resolveExamSettings(ExamSettingsSchema.parse({ title: 't', kind: 'exam', blueprint: { ...blueprint, multipleRule: 'half_for_subset' } }));
    expect(s.multipleRule).toBe('half_for_subset');
  });
});

describe('overrides and windows', () => {
  const exam = { windowOpen: '2026-03-01T00:00:00Z', windowClose: '2026-03-10T00:00:00Z' };
  it('a personal window replaces each bound it sets', () => {
    expect(effectiveWindow(exam, null).windowClose!.toISOString()).toBe('2026-03-10T00:00:00.000Z');
    const w = effectiveWindow(exam, { windowOpen: null, windowClose: '2026-03-20T00:00:00Z' });
    expect(w.windowOpen!.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(w.windowClose!.toISOString()).toBe('2026-03-20T00:00:00.000Z');
  });
  it('availability: upcoming before open, open until close (exclusive), then closed', () => {
    expect(availability(exam, '2026-02-28T23:59:59Z')).toBe('upcoming');
    expect(availability(exam, '2026-03-01T00:00:00Z')).toBe('open');
    expect(availability(exam, '2026-03-10T00:00:00Z')).toBe('closed');
    expect(availability({ windowOpen: null, windowClose: null }, 0)).toBe('open');
  });
  it('extra attempts add to a limit; unlimited stays unlimited', () => {
    expect(attemptsAllowedFor(2, 1)).toBe(3);
    expect(attemptsAllowedFor(0, 5)).toBe(0);
  });
  it('OverrideSchema defaults to nothing extra', () => {
    expect(OverrideSchema.parse({})).toEqual({ extraTimeSec: 0, extraAttempts: 0, windowOpen: null, windowClose: null });
    expect(OverrideSchema.safeParse({ extraTimeSec: -1 }).success).toBe(false);
  });
});
