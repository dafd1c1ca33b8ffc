/**
 * Practice rules: which types practise with instant feedback, how a graded answer counts for the
 * wrong-answer book (错题本) and FSRS, and how a topic / due / wrong-book session is chosen.
 */
import { z } from 'zod';
import type { GradeState } from './grading.ts';
import type { QuestionType } from './questions.ts';
import { dueQuestions, type PracticeRating, type QuestionCard, ratingForAnswer } from './scheduling.ts';
import { rngFor, shuffle, type Seed } from './rng.ts';
import type { DateLike } from './time.ts';

/** Short answers need a person to mark them, so they have no instant feedback. */
export const PRACTICE_TYPES: readonly QuestionType[] = ['single', 'multiple', 'truefalse', 'fill'];
export const isPracticeType = (t: QuestionType): boolean => PRACTICE_TYPES.includes(t);

export const PRACTICE_MODES = ['topic', 'due', 'wrong', 'daily'] as const;
export const DEFAULT_SESSION_SIZE = 10;
export const MAX_SESSION_SIZE = 50;

export const PracticeSessionRequestSchema = z
  .strictObject({
    mode: z.enum(PRACTICE_MODES),
    topic: z.string().regex(/^[a-z0-9-]{2,80}$/, 'A topic is a lesson id such as complaint-handling.').optional(),
    size: z.number().int().min(1).max(MAX_SESSION_SIZE).optional(),
  })
  .refine((r) => r.mode !== 'topic' || r.topic !== undefined, { message: 'Choose a topic for topic practice.', path: ['topic'] });
export type PracticeSessionRequest = z.infer<typeof PracticeSessionRequestSchema>;

export const PracticeAnswerRequestSchema = z.strictObject({
  questionId: z.string().regex(/^[a-z0-9-]{2,80}$/, 'A question id looks like complaint-handling-001.'),
  response: z.unknown(),
  context: z.enum(['practice', 'knowledge_check']).default('practice'),
  /** How long the person took, for the FSRS rating (optional). */
  responseTimeMs: z.number().int().min(0).max(86_400_000).optional(),
});
export type PracticeAnswerRequest = z.infer<typeof PracticeAnswerRequestSchema>;

/**
 * Practice marks multiple choice per option so a partly right selection is rated 'hard', not
 * 'again'; only a fully right answer counts as correct (and takes a question out of the book).
 */
export const PRACTICE_MULTIPLE_RULE = 'per_option' as const;

export interface PracticeOutcome {
  correct: boolean;
  rating: PracticeRating;
}

export function practiceOutcome(state: GradeState, responseTimeMs?: number | null): PracticeOutcome {
  const correct = state === 'correct';
  const outcome = correct ? true : state === 'partial' ? 'partial' : false;
  return { correct, rating: ratingForAnswer(outcome, responseTimeMs) };
}

export interface WrongBookEntry {
  inWrongBook: boolean;
  wrongCount: number;
}

/** Wrong (or partly right) → into the book, counted; right → out of the book, the count kept as history. */
export function wrongBookAfter(previous: WrongBookEntry | null, correct: boolean): WrongBookEntry {
  const wrongCount = previous?.wrongCount ?? 0;
  return correct ? { inWrongBook: false, wrongCount } : { inWrongBook: true, wrongCount: wrongCount + 1 };
}

export interface PoolItem {
  questionId: string;
  topic: string;
  /** Variant family (app.questions.variant_family): one session asks at most one of a family. */
  family?: string | null;
}

/**
 * The first `size` ids in order, skipping any whose variant family is already in the set: a short
 * session that asks one fact twice (the single-choice and the fill-in twin) gives the answer away.
 * `familyOf` maps a question id to its family; ids it does not know are families of their own.
 */
export function onePerFamily(ids: Iterable<string>, familyOf: (id: string) => string | null | undefined, size: number): string[] {
  const out: string[] = [];
  const taken = new Set<string>();
  for (const id of ids) {
    if (out.length >= size) break;
    const family = familyOf(id) ?? id;
    if (taken.has(family)) continue;
    taken.add(family);
    out.push(id);
  }
  return out;
}

/** A family lookup from pool items: `(id) => family`. */
export function familyLookup(pool: readonly Pick<PoolItem, 'questionId' | 'family'>[]): (id: string) => string | null {
  const map = new Map(pool.map((p) => [p.questionId, p.family ?? null]));
  return (id) => map.get(id) ?? null;
}

/**
 * A topic session: the person's due questions of the topic first (most overdue first), then
 * questions never practised, then the rest, each group in seeded random order.
 */
export function topicSet(input: {
  topic: string;
  pool: readonly PoolItem[];
  cards: readonly QuestionCard[];
  now: DateLike;
  seed: Seed;
  size?: number;
}): string[] {
  const size = input.size ?? DEFAULT_SESSION_SIZE;
  const inTopic = input.pool.filter((p) => p.topic === input.topic).map((p) => p.questionId).sort();
  const ids = new Set(inTopic);
  const cards = input.cards.filter((c) => ids.has(c.questionId));
  const due = dueQuestions(cards, input.now, size);
  const practised = new Set(cards.map((c) => c.questionId));
  const fresh = shuffle(inTopic.filter((id) => !practised.has(id)), rngFor(input.seed, 'topic-new'));
  const rest = shuffle(inTopic.filter((id) => practised.has(id) && !due.includes(id)), rngFor(input.seed, 'topic-rest'));
  // One question per variant family (a question is its own family when it has none).
  return onePerFamily([...due, ...fresh, ...rest], familyLookup(input.pool), size);
}

/** Wrong-book session: most often missed first, then seeded random order among equals. */
export function wrongSet(input: { entries: readonly (PoolItem & { wrongCount: number })[]; seed: Seed; size?: number }): string[] {
  const size = input.size ?? DEFAULT_SESSION_SIZE;
  const order = shuffle([...input.entries].sort((a, b) => (a.questionId < b.questionId ? -1 : 1)), rngFor(input.seed, 'wrong'));
  const rank = new Map(order.map((e, i) => [e.questionId, i]));
  const sorted = [...input.entries]
    .sort((a, b) => b.wrongCount - a.wrongCount || (rank.get(a.questionId) as number) - (rank.get(b.questionId) as number))
    .map((e) => e.questionId);
  // Both twins in the book: the more often missed one now, the other in a later session.
  return onePerFamily(sorted, familyLookup(input.entries), size);
}
