/**
 * Exam settings as a trainer writes them, per-user overrides, and the rules that combine them
 * (effective window, attempts allowed, availability). Functions validate request bodies with these
 * schemas and islands can reuse them for the exam editor, so each rule is written once.
 */
import { z } from 'zod';
import { toMs, type DateLike } from './time.ts';
import { DEFAULT_GRACE_SEC, GradingMethodSchema, ReviewPolicySchema, type ReviewPolicy } from './attempt.ts';
import { MultipleRuleSchema } from './grading.ts';
import { BlueprintSchema } from './assembly.ts';
import { singleLine } from './text.ts';

export const EXAM_KINDS = ['practice', 'exam', 'mock_contest'] as const;
export const ExamKindSchema = z.enum(EXAM_KINDS);
export type ExamKind = z.infer<typeof ExamKindSchema>;

/**
 * Deferred feedback (Moodle's default for quizzes): nothing while the attempt runs, the score and
 * which answers were right straight after, right answers and explanations once the window closes
 * (so early finishers cannot pass the key to colleagues still sitting the exam).
 */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = Object.freeze({
  during: { score: false, correctness: false, rightAnswers: false, explanations: false },
  immediately: { score: true, correctness: true, rightAnswers: false, explanations: false },
  afterClose: { score: true, correctness: true, rightAnswers: true, explanations: true },
}) as ReviewPolicy;

const Instant = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time with a time zone, e.g. 2026-03-01T09:00:00+08:00.' });

/** Keys never leave the server during an attempt (ARCHITECTURE §2), whatever the policy asks. */
const DeferredReviewPolicySchema = ReviewPolicySchema.refine(
  (p) => !p.during.rightAnswers && !p.during.explanations,
  { message: 'Right answers and explanations cannot be shown while an attempt is in progress.', path: ['during'], params: { code: 'review_during_secret' } },
);

export const ExamSettingsSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'Give the exam a title.').max(200, 'A title can have at most 200 characters.').superRefine(singleLine),
    description: z.string().max(5000).default(''),
    kind: ExamKindSchema,
    status: z.enum(['draft', 'published']).default('published'),
    windowOpen: Instant.nullable().default(null),
    windowClose: Instant.nullable().default(null),
    /** null = no time limit. */
    timeLimitSec: z.number().int('Whole seconds, please.').min(30, 'A time limit must be at least 30 seconds.').max(86400, 'A time limit can be at most 24 hours.').nullable().default(null),
    graceSec: z.number().int().min(0).max(600, 'The grace period can be at most 10 minutes.').default(DEFAULT_GRACE_SEC),
    /** 0 = unlimited. */
    attemptsAllowed: z.number().int().min(0, 'Use 0 for unlimited attempts.').max(100).default(1),
    gradingMethod: GradingMethodSchema.default('highest'),
    passPercent: z.number().min(0).max(100, 'The pass mark is a percentage from 0 to 100.').default(60),
    /** When absent, the blueprint's settings apply. */
    multipleRule: MultipleRuleSchema.optional(),
    shuffleQuestions: z.boolean().optional(),
    shuffleOptions: z.boolean().optional(),
    /** Focus losses tolerated before forced submission; 0 = record only. */
    focusLossLimit: z.number().int().min(0).max(100).default(0),
    reviewPolicy: DeferredReviewPolicySchema.default(DEFAULT_REVIEW_POLICY),
    blueprint: BlueprintSchema,
  })
  .refine((s) => s.windowOpen === null || s.windowClose === null || toMs(s.windowOpen) < toMs(s.windowClose), {
    message: 'The window must close after it opens.',
    path: ['windowClose'],
    params: { code: 'window_order' }, // the page's text for it: src/i18n/trainer-exams.ts err.window_order
  });
export type ExamSettingsInput = z.input<typeof ExamSettingsSchema>;
export type ExamSettings = z.infer<typeof ExamSettingsSchema>;

/**
 * The exam-level multiple-choice rule and shuffle flags win over the blueprint's; the stored
 * blueprint is rewritten to agree, so assembly and grading can never disagree about them.
 */
export function resolveExamSettings(s: ExamSettings): ExamSettings & { multipleRule: NonNullable<ExamSettings['multipleRule']>; shuffleQuestions: boolean; shuffleOptions: boolean } {
  const multipleRule = s.multipleRule ?? s.blueprint.multipleRule;
  const shuffleQuestions = s.shuffleQuestions ?? s.blueprint.shuffleQuestions;
  const shuffleOptions = s.shuffleOptions ?? s.blueprint.shuffleOptions;
  return { ...s, multipleRule, shuffleQuestions, shuffleOptions, blueprint: { ...s.blueprint, multipleRule, shuffleQuestions, shuffleOptions } };
}

export const OverrideSchema = z
  .strictObject({
    extraTimeSec: z.number().int().min(0).max(86400, 'Extra time can be at most 24 hours.').default(0),
    extraAttempts: z.number().int().min(0).max(100).default(0),
    /** A personal window replaces the exam's (null = the exam's own). */
    windowOpen: Instant.nullable().default(null),
    windowClose: Instant.nullable().default(null),
  })
  .refine((s) => s.windowOpen === null || s.windowClose === null || toMs(s.windowOpen) < toMs(s.windowClose), {
    message: 'The window must close after it opens.',
    path: ['windowClose'],
    params: { code: 'window_order' }, // the page's text for it: src/i18n/trainer-exams.ts err.window_order
  });
export type Override = z.infer<typeof OverrideSchema>;

export interface WindowLike {
  windowOpen: DateLike | null;
  windowClose: DateLike | null;
}

/** A personal window replaces each bound it sets; unset bounds fall back to the exam's. */
export function effectiveWindow(exam: WindowLike, override: Partial<WindowLike> | null): { windowOpen: Date | null; windowClose: Date | null } {
  const open = override?.windowOpen ?? exam.windowOpen;
  const close = override?.windowClose ?? exam.windowClose;
  return { windowOpen: open === null ? null : new Date(toMs(open)), windowClose: close === null ? null : new Date(toMs(close)) };
}

/** Attempts allowed including an override's extra attempts; 0 = unlimited (extra attempts do not limit it). */
export function attemptsAllowedFor(attemptsAllowed: number, extraAttempts = 0): number {
  return attemptsAllowed === 0 ? 0 : attemptsAllowed + extraAttempts;
}

export type Availability = 'upcoming' | 'open' | 'closed';

/** Same boundaries as canStartAttempt: open from windowOpen (inclusive) to windowClose (exclusive). */
export function availability(window: WindowLike, now: DateLike): Availability {
  const t = toMs(now);
  if (window.windowOpen !== null && t < toMs(window.windowOpen)) return 'upcoming';
  if (window.windowClose !== null && t >= toMs(window.windowClose)) return 'closed';
  return 'open';
}
