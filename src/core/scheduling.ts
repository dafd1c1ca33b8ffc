/**
 * Spaced repetition for practice (FSRS via ts-fsrs).
 *
 * Card state is stored as plain JSON (ISO dates, state names) so the database never holds a
 * library-specific shape and a ts-fsrs upgrade cannot corrupt stored rows silently: the schema
 * below is checked on every read. Fuzz is off so scheduling is deterministic and testable.
 */
import { z } from 'zod';
import { createEmptyCard, fsrs, Rating, State, type Card, type Grade } from 'ts-fsrs';
import { toMs, type DateLike } from './time.ts';
import { rngFor, shuffle, type Seed } from './rng.ts';

export const PRACTICE_RATINGS = ['again', 'hard', 'good', 'easy'] as const;
export type PracticeRating = (typeof PRACTICE_RATINGS)[number];

const TO_FSRS: Readonly<Record<PracticeRating, Grade>> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

export interface RatingOptions {
  /** Correct and at least this fast → easy. Default 8 s. */
  fastMs?: number;
  /** Correct but at least this slow → hard (the person had to work it out). Default 45 s. */
  slowMs?: number;
}

/**
 * A practice answer as an FSRS rating. Wrong → again; partly right (some blanks/options) → hard;
 * right → good, adjusted by response time when known. Without a time we never say easy: a right
 * answer alone does not show effortless recall.
 */
export function ratingForAnswer(
  outcome: boolean | 'partial',
  responseTimeMs?: number | null,
  options: RatingOptions = {},
): PracticeRating {
  if (outcome === false) return 'again';
  if (outcome === 'partial') return 'hard';
  if (responseTimeMs == null || !Number.isFinite(responseTimeMs) || responseTimeMs < 0) return 'good';
  if (responseTimeMs <= (options.fastMs ?? 8_000)) return 'easy';
  if (responseTimeMs >= (options.slowMs ?? 45_000)) return 'hard';
  return 'good';
}

const STATE_NAMES = ['New', 'Learning', 'Review', 'Relearning'] as const;
const STATE_VALUES: Readonly<Record<(typeof STATE_NAMES)[number], State>> = {
  New: State.New,
  Learning: State.Learning,
  Review: State.Review,
  Relearning: State.Relearning,
};

const IsoSchema = z.iso.datetime({ offset: true });

export const CardStateSchema = z.strictObject({
  due: IsoSchema,
  stability: z.number().nonnegative(),
  difficulty: z.number().nonnegative(),
  elapsedDays: z.number().nonnegative(),
  scheduledDays: z.number().nonnegative(),
  learningSteps: z.number().int().nonnegative(),
  reps: z.number().int().nonnegative(),
  lapses: z.number().int().nonnegative(),
  state: z.enum(STATE_NAMES),
  lastReview: IsoSchema.nullable(),
});
/** One person's memory state for one question; store as jsonb. */
export type CardState = z.infer<typeof CardStateSchema>;

// One scheduler for the module: it holds only parameters, no per-card state.
const scheduler = fsrs({ enable_fuzz: false });

function toCard(s: CardState): Card {
  const card: Card = {
    due: new Date(s.due),
    stability: s.stability,
    difficulty: s.difficulty,
    elapsed_days: s.elapsedDays,
    scheduled_days: s.scheduledDays,
    learning_steps: s.learningSteps,
    reps: s.reps,
    lapses: s.lapses,
    state: STATE_VALUES[s.state],
  };
  if (s.lastReview !== null) card.last_review = new Date(s.lastReview);
  return card;
}

function fromCard(c: Card): CardState {
  return {
    due: c.due.toISOString(),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsedDays: c.elapsed_days,
    scheduledDays: c.scheduled_days,
    learningSteps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: STATE_NAMES[c.state] ?? 'New',
    lastReview: c.last_review ? c.last_review.toISOString() : null,
  };
}

/** Validates a stored card (e.g. a jsonb column). Throws ZodError on a malformed row. */
export function parseCardState(raw: unknown): CardState {
  return CardStateSchema.parse(raw);
}

/** The state after answering at `now`. `previous` null = first time this person practises the question. */
export function nextCard(previous: CardState | null, rating: PracticeRating, now: DateLike): CardState {
  const at = new Date(toMs(now));
  const card = previous === null ? createEmptyCard(at) : toCard(CardStateSchema.parse(previous));
  return fromCard(scheduler.next(card, at, TO_FSRS[rating]).card);
}

export interface QuestionCard {
  questionId: string;
  card: CardState;
}

/** Question ids due at `now`, most overdue first (ties by id), at most `limit`. */
export function dueQuestions(states: readonly QuestionCard[], now: DateLike, limit: number): string[] {
  const t = toMs(now);
  return states
    .map((s) => ({ id: s.questionId, due: Date.parse(s.card.due) }))
    .filter((s) => s.due <= t)
    .sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, Math.max(0, limit))
    .map((s) => s.id);
}

export type DailyReason = 'due' | 'wrong' | 'new';

export interface DailySetInput {
  now: DateLike;
  /** e.g. `${memberId}:${localDate}` so the day's set is stable across reloads. */
  seed: Seed;
  /** Default 10. */
  size?: number;
  /** The person's card states. */
  cards: readonly QuestionCard[];
  /** Question ids in the person's wrong-answer book (错题本). */
  wrongBook: readonly string[];
  /**
   * Every question available for practice (active questions of practice-eligible types). Due and
   * wrong-book items not in the pool (retired since) are skipped.
   */
  pool: readonly { questionId: string; topic: string; family?: string | null }[];
  /** Topics chosen for new questions; null or empty = all topics. */
  topics: readonly string[] | null;
  /** Question ids seen elsewhere (exams, lessons) that have no card; they are not "new". */
  seen?: Iterable<string>;
}

/**
 * Today's practice: due reviews first (most overdue first), then wrong-answer-book items, then
 * unseen questions from the chosen topics, without repeats. Wrong-book and new picks are in seeded
 * random order, so the same input and seed give the same set.
 */
export function dailySet(input: DailySetInput): { questionId: string; reason: DailyReason }[] {
  const size = input.size ?? 10;
  const active = new Set(input.pool.map((p) => p.questionId));
  // Variants of one question (app.questions.variant_family) restate one fact: one per day's set.
  const familyOf = new Map(input.pool.map((p) => [p.questionId, p.family ?? p.questionId]));
  const out: { questionId: string; reason: DailyReason }[] = [];
  const taken = new Set<string>();
  const add = (id: string, reason: DailyReason): void => {
    const family = familyOf.get(id) ?? id;
    if (out.length >= size || taken.has(family) || !active.has(id)) return;
    taken.add(family);
    out.push({ questionId: id, reason });
  };

  const activeCards = input.cards.filter((c) => active.has(c.questionId));
  // All due cards in order (add stops at size), so a due twin skipped leaves room for the next one.
  for (const id of dueQuestions(activeCards, input.now, activeCards.length)) add(id, 'due');

  const wrong = [...new Set(input.wrongBook)].sort();
  for (const id of shuffle(wrong, rngFor(input.seed, 'wrong'))) add(id, 'wrong');

  const known = new Set<string>([...input.cards.map((c) => c.questionId), ...(input.seen ?? [])]);
  const topics = input.topics && input.topics.length > 0 ? new Set(input.topics) : null;
  const fresh = input.pool
    .filter((p) => !known.has(p.questionId) && (topics === null || topics.has(p.topic)))
    .map((p) => p.questionId)
    .sort();
  for (const id of shuffle([...new Set(fresh)], rngFor(input.seed, 'new'))) add(id, 'new');
  return out;
}
