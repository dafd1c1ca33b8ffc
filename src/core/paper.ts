/**
 * Papers as stored: building the taker's view from the public columns of a question version (the
 * server reads keys only as service role, so the paper is built without them), rebuilding a full
 * version for grading, and projecting a finished slot through the review policy.
 */
import type { Candidate, PaperSlot } from './assembly.ts';
import { pinnedOptionIds } from './assembly.ts';
import type { GradeState } from './grading.ts';
import { roundTo } from './grading.ts';
import type { ReviewFlags } from './attempt.ts';
import {
  QuestionPublicSchema,
  QuestionVersionSchema,
  type Option,
  type QuestionPublic,
  type QuestionResponse,
  type QuestionType,
  type QuestionVersion,
  type Source,
} from './questions.ts';

/**
 * One slot of a paper as stored on the attempt (app.attempts.paper, migration 20261130000100) and in
 * a prepared paper: the pinned question version, its points and the option display order (null
 * when not shuffled or not a choice question). No key, no text: the paper is safe to send to the
 * database as the taker and to keep in caches.
 */
export interface StoredPaperSlot {
  slot: number;
  vid: string;
  points: number;
  oo: string[] | null;
}

/** Decimals a slot's points keep when stored (the database checks the paper holds no more). */
export const POINTS_DECIMALS = 2;

/** An assembled paper in its stored shape; points rounded as the database keeps them. */
export function storedPaperOf(paper: readonly PaperSlot[]): StoredPaperSlot[] {
  return paper.map((p) => ({ slot: p.slot, vid: p.questionVersionId, points: roundTo(p.points, POINTS_DECIMALS), oo: p.optionOrder }));
}

/**
 * A stored paper made canonical for insertion: slots in order, points rounded (a paper prepared
 * before this rule may carry more decimals), option order null unless an array.
 */
export function normaliseStoredPaper(paper: readonly StoredPaperSlot[]): StoredPaperSlot[] {
  return [...paper]
    .sort((a, b) => a.slot - b.slot)
    .map((p) => ({ slot: p.slot, vid: p.vid, points: roundTo(p.points, POINTS_DECIMALS), oo: Array.isArray(p.oo) ? p.oo : null }));
}

/** The columns of a stored version a taker may see (no key, no explanation, no source). */
export interface StoredPublicVersion {
  questionId: string;
  versionId: string;
  type: QuestionType;
  topic: string;
  difficulty: number;
  stem: string;
  options: readonly Option[] | null;
  blankCount: number;
  /** The bank holding the question (assembly filters by it); absent = the official bank. */
  bank?: string;  /** The question's variant family (app.questions.variant_family); absent = none. Never sent to takers. */
  family?: string;
}

/**
 * The taker's view of a stored version, in the slot's option order. Same allow-list rule as
 * toPublic; the strict public schema rejects any field that should not be there.
 */
export function storedToPublic(v: StoredPublicVersion, optionOrder?: readonly string[] | null): QuestionPublic {
  const out: QuestionPublic = { id: v.questionId, versionId: v.versionId, type: v.type, stem: v.stem, options: [] };
  if (v.type === 'single' || v.type === 'multiple') {
    const options = v.options ?? [];
    const byId = new Map(options.map((o) => [o.id, o]));
    const order = optionOrder ?? options.map((o) => o.id);
    if (order.length !== byId.size || new Set(order).size !== order.length || !order.every((id) => byId.has(id))) {
      throw new RangeError(`Option order [${order.join(', ')}] is not a permutation of question ${v.questionId}'s options.`);
    }
    out.options = order.map((id) => {
      const o = byId.get(id) as Option;
      return { id: o.id, text: o.text };
    });
  }
  if (v.type === 'fill') out.blankCount = v.blankCount;
  return QuestionPublicSchema.parse(out);
}

/** An assembly candidate from a stored version (no key needed to assemble a paper). */
export function candidateFromStored(v: StoredPublicVersion): Candidate {
  const options = v.type === 'single' || v.type === 'multiple' ? (v.options ?? []) : [];
  return {
    questionId: v.questionId,
    versionId: v.versionId,
    type: v.type,
    topic: v.topic,
    difficulty: v.difficulty,
    optionIds: options.map((o) => o.id),
    pinnedOptionIds: pinnedOptionIds(options),
    ...(v.bank !== undefined ? { bank: v.bank } : {}),
    ...(v.family !== undefined ? { family: v.family } : {}),
  };
}

export interface StoredVersionWithKey extends StoredPublicVersion {
  key: unknown;
  explanation: string;
  /** Stored as {} when a question has no citation. */
  source: unknown;
}

/** A full version (with key) for grading; throws if the stored row does not fit the schema. */
export function versionFromStored(v: StoredVersionWithKey): QuestionVersion {
  const source = v.source && typeof v.source === 'object' && Object.keys(v.source).length > 0 ? v.source : null;
  return QuestionVersionSchema.parse({
    id: v.questionId,
    versionId: v.versionId,
    type: v.type,
    topic: v.topic,
    difficulty: v.difficulty,
    stem: v.stem,
    ...(v.type === 'single' || v.type === 'multiple' ? { options: v.options } : {}),
    key: v.key,
    explanation: v.explanation,
    source,
  });
}

export type RightAnswer = string | string[] | boolean | { blanks: string[][]; orderInsensitive: boolean } | { modelAnswer: string; rubric: string[] };

/** The right answer as shown in a review: the option id(s), true/false, accepted blanks, or the model answer. */
export function rightAnswerOf(version: QuestionVersion): RightAnswer {
  switch (version.type) {
    case 'single':
    case 'multiple':
    case 'truefalse':
      return version.key.answer;
    case 'fill':
      return { blanks: version.key.blanks, orderInsensitive: version.key.orderInsensitive };
    case 'short':
      return { modelAnswer: version.key.modelAnswer, rubric: version.key.rubric };
  }
}

export interface FinishedSlot {
  slot: number;
  points: number;
  question: QuestionPublic;
  response: QuestionResponse;
  flagged: boolean;
  state: GradeState | null;
  mark: number | null;
  comment?: string | null;
}

export interface ReviewedSlot {
  slot: number;
  points: number;
  question: QuestionPublic;
  response: QuestionResponse;
  flagged: boolean;
  state?: GradeState | null;
  mark?: number | null;
  comment?: string | null;
  rightAnswer?: RightAnswer;
  explanation?: string;
  source?: Source | null;
}

/**
 * One slot of a finished attempt as the review flags allow. Marks reveal correctness, so they go
 * with it; the source is shown with the explanation (it is part of the feedback). `version` is only
 * needed when right answers or explanations are visible.
 */
export function reviewSlot(slot: FinishedSlot, flags: ReviewFlags, version?: QuestionVersion): ReviewedSlot {
  const out: ReviewedSlot = { slot: slot.slot, points: slot.points, question: slot.question, response: slot.response, flagged: slot.flagged };
  if (flags.correctness) {
    out.state = slot.state;
    out.mark = slot.mark;
    if (slot.comment) out.comment = slot.comment;
  }
  if (flags.rightAnswers) {
    if (!version) throw new TypeError('reviewSlot needs the version to show right answers.');
    out.rightAnswer = rightAnswerOf(version);
  }
  if (flags.explanations) {
    if (!version) throw new TypeError('reviewSlot needs the version to show explanations.');
    out.explanation = version.explanation;
    out.source = version.source;
  }
  return out;
}

export interface AttemptScore {
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
  needsGrading: boolean;
}

/** The attempt's result as the flags allow: nothing but "needs grading" unless the score is visible. */
export function reviewScore(score: AttemptScore, flags: ReviewFlags): Partial<AttemptScore> & { needsGrading: boolean; scoreVisible: boolean } {
  if (!flags.score) return { needsGrading: score.needsGrading, scoreVisible: false };
  return { ...score, scoreVisible: true };
}
