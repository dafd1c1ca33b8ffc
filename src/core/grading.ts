/**
 * Grading: pure functions of (question version, response, points, rule). Running them again on the
 * same stored data gives the same marks, which is what makes regrades safe and auditable.
 *
 * Marks are fractions of the slot's points. The state follows the fraction, not the mark, so a
 * zero-point slot still reports whether it was right.
 */
import { z } from 'zod';
import { markBlanks } from './normalise.ts';
import { isBlankResponse, type QuestionResponse, type QuestionVersion } from './questions.ts';

export const MULTIPLE_RULES = ['all_or_nothing', 'half_for_subset', 'per_option'] as const;
/**
 * 多选题 scoring (ARCHITECTURE §6):
 * - all_or_nothing 全对得分: exactly the correct set scores; anything else 0.
 * - half_for_subset 少选得一半分: a non-empty proper subset of the correct options, with no wrong
 *   option, scores half.
 * - per_option 少选按选项得分: each correct option selected scores points / number of correct options.
 * Under every rule any wrong option selected scores 0.
 */
export const MultipleRuleSchema = z.enum(MULTIPLE_RULES);
export type MultipleRule = z.infer<typeof MultipleRuleSchema>;

export type GradeState = 'correct' | 'partial' | 'incorrect' | 'unanswered' | 'needs_grading';

export interface SlotGrade {
  state: GradeState;
  /** null only while a short answer awaits a trainer. */
  mark: number | null;
  maxMark: number;
}

/** Slot marks keep 4 decimals (2/3 of a point must not drift when summed); totals keep 2. */
export const MARK_DECIMALS = 4;
export const SCORE_DECIMALS = 2;

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  // EPSILON nudge: 1.005 * 100 is 100.49999… in binary and must round up like the decimal it represents.
  return Math.round((value + Math.sign(value) * Number.EPSILON * Math.abs(value)) * f) / f;
}

export class GradingError extends Error {
  override name = 'GradingError';
}

function checkPoints(points: number): void {
  if (!Number.isFinite(points) || points < 0) throw new RangeError(`Points must be a finite number ≥ 0; got ${points}.`);
}

function fromFraction(fraction: number, points: number): SlotGrade {
  const state: GradeState = fraction >= 1 ? 'correct' : fraction <= 0 ? 'incorrect' : 'partial';
  return { state, mark: roundTo(points * fraction, MARK_DECIMALS), maxMark: points };
}

function wrongShape(version: QuestionVersion, response: unknown): never {
  throw new GradingError(
    `Stored response ${JSON.stringify(response)} does not fit ${version.type} question ${version.id}` +
      (version.versionId ? ` (version ${version.versionId})` : '') +
      '; it should have been rejected by parseResponse.',
  );
}

/** Fraction of credit (0…1) for a multiple-choice selection under a rule. */
export function multipleFraction(selected: readonly string[], correct: readonly string[], rule: MultipleRule): number {
  const sel = new Set(selected);
  const key = new Set(correct);
  if (sel.size === 0 || key.size === 0) return 0;
  for (const id of sel) if (!key.has(id)) return 0; // any wrong option: 0 under every rule
  if (sel.size === key.size) return 1;
  switch (rule) {
    case 'all_or_nothing':
      return 0;
    case 'half_for_subset':
      return 0.5;
    case 'per_option':
      return sel.size / key.size;
  }
}

/**
 * Grades one slot.
 *
 * Unanswered (null, no option, every blank empty, whitespace-only text) → 'unanswered', mark 0 —
 * including short answers: there is nothing for a trainer to read.
 * Throws GradingError if the response is of the wrong JavaScript type for the question (a bug:
 * responses are validated with parseResponse when saved).
 */
export function gradeResponse(
  version: QuestionVersion,
  response: QuestionResponse,
  points: number,
  multipleRule: MultipleRule = 'all_or_nothing',
): SlotGrade {
  checkPoints(points);
  if (response === null || response === undefined) return { state: 'unanswered', mark: 0, maxMark: points };

  switch (version.type) {
    case 'single': {
      if (typeof response !== 'string') wrongShape(version, response);
      return fromFraction(response === version.key.answer ? 1 : 0, points);
    }
    case 'truefalse': {
      if (typeof response !== 'boolean') wrongShape(version, response);
      return fromFraction(response === version.key.answer ? 1 : 0, points);
    }
    case 'multiple': {
      if (!Array.isArray(response) || !response.every((r) => typeof r === 'string')) wrongShape(version, response);
      if (response.length === 0) return { state: 'unanswered', mark: 0, maxMark: points };
      return fromFraction(multipleFraction(response, version.key.answer, multipleRule), points);
    }
    case 'fill': {
      if (!Array.isArray(response) || !response.every((r) => typeof r === 'string')) wrongShape(version, response);
      if (isBlankResponse(response)) return { state: 'unanswered', mark: 0, maxMark: points };
      const { count } = markBlanks(response, version.key.blanks, version.key.orderInsensitive);
      return fromFraction(count / version.key.blanks.length, points);
    }
    case 'short': {
      if (typeof response !== 'string') wrongShape(version, response);
      if (isBlankResponse(response)) return { state: 'unanswered', mark: 0, maxMark: points };
      return { state: 'needs_grading', mark: null, maxMark: points };
    }
  }
}

/**
 * Trainers mark in hundredths of a point (scores are shown with 2 decimals). A mark between steps
 * is refused, not rounded: 0.004 would otherwise be stored as 0 and shown as wrong.
 */
export const MANUAL_MARK_STEP = 0.01;

/** The reason a trainer's mark is not on the step, or null when it is (0, 0.01, 7.5, 10 …). */
export function manualMarkStepError(mark: number): string | null {
  const hundredths = mark / MANUAL_MARK_STEP;
  // Tolerance for binary fractions: 0.07 / 0.01 is 7.000000000000001.
  if (Math.abs(hundredths - Math.round(hundredths)) < 1e-6) return null;
  return `Marks go in steps of ${MANUAL_MARK_STEP} point; ${mark} is between two steps. Give it with at most 2 decimals, e.g. ${roundTo(mark, 2)}.`;
}

/**
 * A trainer's mark for a manually graded slot. Rejects marks outside 0…maxMark rather than clamping,
 * and marks between steps of MANUAL_MARK_STEP rather than rounding: a typo in a score should be
 * corrected by a person, not silently changed.
 */
export function applyManualMark(maxMark: number, mark: number): SlotGrade {
  checkPoints(maxMark);
  if (!Number.isFinite(mark) || mark < 0 || mark > maxMark) {
    throw new RangeError(`A mark must be between 0 and ${maxMark}; got ${mark}.`);
  }
  const stepError = manualMarkStepError(mark);
  if (stepError) throw new RangeError(stepError);
  const rounded = roundTo(mark, MARK_DECIMALS);
  const state: GradeState = maxMark === 0 ? 'correct' : rounded >= maxMark ? 'correct' : rounded <= 0 ? 'incorrect' : 'partial';
  return { state, mark: rounded, maxMark };
}

export interface AttemptGrade {
  /** Sum of known marks (slots awaiting manual grading count 0 until graded). */
  score: number;
  maxScore: number;
  /** True while any slot is 'needs_grading': the score is provisional and pass/fail is unknown. */
  needsManualGrading: boolean;
  /** score / maxScore × 100, 2 decimals; 0 for an empty paper. */
  percent: number;
}

export function gradeAttempt(slots: readonly Pick<SlotGrade, 'state' | 'mark' | 'maxMark'>[]): AttemptGrade {
  let score = 0;
  let maxScore = 0;
  let needsManualGrading = false;
  for (const s of slots) {
    maxScore += s.maxMark;
    if (s.state === 'needs_grading' || s.mark === null) needsManualGrading = true;
    else score += s.mark;
  }
  score = roundTo(score, SCORE_DECIMALS);
  maxScore = roundTo(maxScore, SCORE_DECIMALS);
  const percent = maxScore > 0 ? roundTo((score / maxScore) * 100, SCORE_DECIMALS) : 0;
  return { score, maxScore, needsManualGrading, percent };
}

/**
 * Pass/fail against a pass mark in percent (0–100). null while manual grading is pending — a
 * provisional score must not be reported as a fail (or a pass) to HR.
 */
export function isPassed(grade: AttemptGrade, passPercent: number | null): boolean | null {
  if (passPercent === null) return null;
  if (grade.needsManualGrading) return null;
  if (grade.maxScore <= 0) return null;
  // Compare the score itself, not the rounded percent: 59.996% must not pass a 60% mark.
  return grade.score * 100 >= passPercent * grade.maxScore - 1e-9;
}
