/**
 * Paper assembly from a blueprint (counts per type × topic × difficulty).
 *
 * The same (blueprint, candidates, seen set, seed) always yields the same paper, whatever order the
 * candidates arrive in, so a paper can be rebuilt from the attempt's seed. Papers are normally
 * stored slot by slot anyway; determinism is what makes pre-assembly and audits trustworthy.
 *
 * Like Moodle's random question, each section prefers questions the person has not seen before and
 * falls back to seen ones. A question appears at most once per paper, even when sections overlap
 * (e.g. "5 single-choice on complaint-handling" plus "10 single-choice on any topic"); overlapping
 * sections are resolved as a bipartite matching so a feasible blueprint never fails because of the
 * order in which sections were filled.
 *
 * Variant families (content `variantOf`, app.questions.variant_family) are one item: the same fact
 * asked twice on one paper gives the answer away, so at most one member of a family is drawn per
 * paper, and "available" counts families, not rows. The matching runs on families; a family whose
 * members fit different sections (a single-choice twin and a fill-in twin) serves one of them.
 */
import { z } from 'zod';
import { MultipleRuleSchema } from './grading.ts';
import {
  DifficultySchema,
  QUESTION_TYPE_LABELS,
  QuestionTypeSchema,
  optionIdsOf,
  type Option,
  type QuestionType,
  type QuestionVersion,
} from './questions.ts';
import { rngFor, shuffle, type Rng, type Seed } from './rng.ts';

export const MAX_PAPER_QUESTIONS = 500;

export const BlueprintSectionSchema = z.strictObject({
  type: QuestionTypeSchema,
  /** A lesson id; null or absent = any topic. */
  topic: z.string().min(1, 'A topic must not be empty; leave it out for any topic.').nullable().optional(),
  /** Inclusive [min, max] on the 1–5 scale; null or absent = any difficulty. */
  difficulty: z
    .tuple([DifficultySchema, DifficultySchema])
    .refine(([lo, hi]) => lo <= hi, { message: 'The lower difficulty must not be greater than the upper one.', params: { code: 'difficulty_order' } })
    .nullable()
    .optional(),
  count: z
    .number()
    .int('The number of questions must be a whole number.')
    .min(1, 'Each section needs at least 1 question.')
    .max(MAX_PAPER_QUESTIONS, `A section can have at most ${MAX_PAPER_QUESTIONS} questions.`),
  /** Points per question in this section. */
  points: z.number().positive('Each question must be worth more than 0 points.').max(1000, 'A question can be worth at most 1000 points.'),
  /**
   * The banks this section draws from (issue 9). Absent = the official bank only, which is what
   * every exam created before banks could be chosen drew on in practice.
   */
  banks: z.array(z.string().regex(/^[a-z0-9-]{2,80}$/, 'A bank id has 2–80 lower-case letters, digits or hyphens.'))
    .min(1, 'Choose at least one bank.').max(20, 'A section can draw on at most 20 banks.').optional(),
  /**
   * Fixed questions instead of a random draw: exactly these question ids (of the section's type),
   * in this order when questions are not shuffled. `count` must equal their number; `topic`,
   * `difficulty` and `banks` do not apply.
   */
  questionIds: z.array(z.string().regex(/^[a-z0-9-]{2,80}$/, 'A question id has 2–80 lower-case letters, digits or hyphens.'))
    .min(1, 'Pick at least one question.').max(MAX_PAPER_QUESTIONS).optional(),
}).superRefine((s, ctx) => {
  if (s.questionIds && new Set(s.questionIds).size !== s.questionIds.length) {
    ctx.addIssue({ code: 'custom', path: ['questionIds'], message: 'A question is picked twice in this section.', params: { code: 'picked_twice' } });
  }
  if (s.questionIds && s.questionIds.length !== s.count) {
    ctx.addIssue({ code: 'custom', path: ['count'], message: `The count must equal the number of picked questions (${s.questionIds.length}).`, params: { code: 'count_not_picks', n: s.questionIds.length } });
  }
});
export type BlueprintSection = z.infer<typeof BlueprintSectionSchema>;

export const BlueprintSchema = z
  .strictObject({
    sections: z.array(BlueprintSectionSchema).min(1, 'A paper needs at least one section.').max(50, 'A paper can have at most 50 sections.'),
    /** Shuffle question order within each section; sections keep blueprint order (papers are grouped by type). */
    shuffleQuestions: z.boolean().default(true),
    /** Shuffle options of choice questions (options that refer to other options stay put, see pinnedOptionIds). */
    shuffleOptions: z.boolean().default(true),
    multipleRule: MultipleRuleSchema.default('all_or_nothing'),
  })
  .refine((b) => b.sections.reduce((n, s) => n + s.count, 0) <= MAX_PAPER_QUESTIONS, {
    message: `A paper can have at most ${MAX_PAPER_QUESTIONS} questions in total.`,
    path: ['sections'],
    params: { code: 'paper_too_big', max: MAX_PAPER_QUESTIONS }, // texts: src/i18n/trainer-exams.ts err.*
  });
export type Blueprint = z.infer<typeof BlueprintSchema>;
export type BlueprintInput = z.input<typeof BlueprintSchema>;

export interface FieldIssue {
  /** Dotted path, e.g. `sections.1.count` (0-based indices, as in the JSON). */
  path: string;
  message: string;
}

export type ValidateBlueprintResult = { ok: true; blueprint: Blueprint } | { ok: false; issues: FieldIssue[] };

export function validateBlueprint(raw: unknown): ValidateBlueprintResult {
  const r = BlueprintSchema.safeParse(raw);
  if (r.success) return { ok: true, blueprint: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
}

/** A question version eligible for a paper (the current version of an active question). */
export interface Candidate {
  questionId: string;
  versionId: string;
  type: QuestionType;
  topic: string;
  difficulty: number;
  /** Option ids in stored order; empty for non-choice types. */
  optionIds: readonly string[];
  /** Options that keep their position when options are shuffled. */
  pinnedOptionIds?: readonly string[];
  /** The bank holding the question; absent = the official bank. */
  bank?: string;
  /**
   * The question's variant family (app.questions.variant_family): questions sharing it restate one
   * fact and never share a paper. Absent = a family of its own.
   */
  family?: string;
}

/** The item a candidate counts as: its variant family, or the question itself. */
export const familyOf = (c: Pick<Candidate, 'questionId' | 'family'>): string => c.family ?? c.questionId;

/** How many distinct items (variant families) `pool` holds: what a blueprint row can really draw. */
export function countItems(pool: readonly Pick<Candidate, 'questionId' | 'family'>[]): number {
  return new Set(pool.map(familyOf)).size;
}

/** Banks a section draws on when it names none: exams made before banks could be chosen. */
export const DEFAULT_BANKS: readonly string[] = Object.freeze(['official']);

export interface PaperSlot {
  /** 1-based position on the paper. */
  slot: number;
  /** 1-based blueprint section the question was drawn for. */
  section: number;
  questionVersionId: string;
  questionId: string;
  points: number;
  /** Display order of option ids for choice questions; null otherwise. */
  optionOrder: string[] | null;
}

export interface AssemblyInput {
  blueprint: Blueprint | BlueprintInput;
  candidates: readonly Candidate[];
  /** Question ids (not version ids) this person has been shown before. */
  seen: ReadonlySet<string> | readonly string[];
  seed: Seed;
}

export interface BlueprintIssue {
  /** 1-based section numbers involved. */
  sections: number[];
  asked: number;
  available: number;
}

/** The bank cannot satisfy the blueprint. The message is written for the trainer who built it. */
export class BlueprintError extends Error {
  override name = 'BlueprintError';
  readonly issues: BlueprintIssue[];
  constructor(message: string, issues: BlueprintIssue[]) {
    super(message);
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------

// Options whose text refers to other options. "以上都对" must stay last; "A和B" refers to letters,
// which are assigned by display position, so that question cannot be shuffled at all.
// "以上" alone is not enough: "5万元以上" is an ordinary option — only an option that STARTS with it counts.
const REFERS_TO_ABOVE = /^\s*(以上|上述|前述)|\b(all|none|both|neither) of the (above|options)\b/iu;
const REFERS_TO_LETTERS = /^\s*[A-Ha-h]\s*[和与及、,，]\s*[A-Ha-h]|^\s*[A-Ha-h]\s*(和|与|及|、)?\s*[A-Ha-h]?\s*(都|均|皆)/u;

/** Option ids that must not move when options are shuffled (all of them if an option names others by letter). */
export function pinnedOptionIds(options: readonly Option[]): string[] {
  if (options.some((o) => REFERS_TO_LETTERS.test(o.text))) return options.map((o) => o.id);
  return options.filter((o) => REFERS_TO_ABOVE.test(o.text)).map((o) => o.id);
}

/** A version as an assembly candidate. The version must have been stored (have a versionId). */
export function candidateFromVersion(version: QuestionVersion): Candidate {
  if (version.versionId === undefined) throw new TypeError(`Question ${version.id} has no versionId; store it before assembling papers.`);
  const options = version.type === 'single' || version.type === 'multiple' ? version.options : [];
  return {
    questionId: version.id,
    versionId: version.versionId,
    type: version.type,
    topic: version.topic,
    difficulty: version.difficulty,
    optionIds: optionIdsOf(version),
    pinnedOptionIds: pinnedOptionIds(options),
  };
}

/** Shuffles `ids` keeping pinned ids at their positions. */
export function shuffleOptionIds(ids: readonly string[], pinned: readonly string[], rng: Rng): string[] {
  const pin = new Set(pinned);
  const movable = ids.filter((id) => !pin.has(id));
  const shuffled = shuffle(movable, rng);
  let k = 0;
  return ids.map((id) => (pin.has(id) ? id : (shuffled[k++] as string)));
}

export function describeSection(section: BlueprintSectionLike, index: number): string {
  const topic = section.topic ? `topic "${section.topic}"` : 'any topic';
  const d = section.difficulty;
  const difficulty = !d ? 'any difficulty' : d[0] === d[1] ? `difficulty ${d[0]}` : `difficulty ${d[0]}–${d[1]}`;
  return `section ${index + 1} (${QUESTION_TYPE_LABELS[section.type]}, ${topic}, ${difficulty})`;
}
type BlueprintSectionLike = Pick<BlueprintSection, 'type' | 'topic' | 'difficulty'> & Partial<Pick<BlueprintSection, 'banks' | 'questionIds'>>;

/** Does candidate `c` fit the section? Exported for the builder's "available in bank" counts. */
export function matches(section: BlueprintSectionLike, c: Candidate): boolean {
  if (c.type !== section.type) return false;
  if (section.questionIds) return section.questionIds.includes(c.questionId);
  if (!(section.banks ?? DEFAULT_BANKS).includes(c.bank ?? 'official')) return false;
  if (section.topic != null && c.topic !== section.topic) return false;
  const d = section.difficulty;
  return !d || (c.difficulty >= d[0] && c.difficulty <= d[1]);
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function shortageMessage(section: BlueprintSection, index: number, available: number): string {
  const what = capitalise(describeSection(section, index));
  if (section.questionIds) {
    return `${what} picks ${plural(section.count, 'question', 'questions')}, but only ${available} of them are current ${QUESTION_TYPE_LABELS[section.type]} questions in the bank (retired or changed type). Pick them again.`;
  }
  if (available === 0) {
    return `${what} asks for ${plural(section.count, 'question', 'questions')}, but the bank has no questions that match. Change the section's type, topic or difficulty range, remove the section, or add questions to the bank.`;
  }
  return `${what} asks for ${plural(section.count, 'question', 'questions')}, but the bank has only ${available} that match. Lower the count to ${available}, widen the topic or difficulty range, or add questions to the bank.`;
}

/**
 * Builds a paper. Throws BlueprintError when the bank cannot satisfy the blueprint, and TypeError
 * for malformed input (the same question offered twice).
 */
export function assemblePaper(input: AssemblyInput): PaperSlot[] {
  const v = validateBlueprint(input.blueprint);
  if (!v.ok) {
    throw new BlueprintError(`The blueprint is not valid: ${v.issues.map((i) => `${i.path || '(blueprint)'}: ${i.message}`).join('; ')}`, []);
  }
  const blueprint = v.blueprint;
  const seenIds = input.seen instanceof Set ? input.seen : new Set(input.seen as readonly string[]);

  // Canonical order makes the result independent of how the caller happened to list candidates.
  const candidates = [...input.candidates].sort((a, b) => byCodeUnits(a.questionId, b.questionId));
  for (let i = 1; i < candidates.length; i++) {
    if ((candidates[i] as Candidate).questionId === (candidates[i - 1] as Candidate).questionId) {
      throw new TypeError(`Question ${(candidates[i] as Candidate).questionId} is offered twice; pass one (the current) version per question.`);
    }
  }

  // A family counts as seen when any member was: its twin restates a fact the person has met.
  const seenFamilies = new Set(candidates.filter((c) => seenIds.has(c.questionId)).map(familyOf));
  const seen = (c: Candidate): boolean => seenIds.has(c.questionId) || seenFamilies.has(familyOf(c));

  const sections = blueprint.sections;
  // Preference list per section: unseen first, then seen, each in seeded random order.
  const pools = sections.map((section, si) => {
    const eligible = candidates.filter((c) => matches(section, c));
    const rng = rngFor(input.seed, 'pick', si);
    const unseen = shuffle(eligible.filter((c) => !seen(c)), rng);
    const seenOnes = shuffle(eligible.filter((c) => seen(c)), rng);
    return [...unseen, ...seenOnes];
  });
  // What a section can really draw: distinct families (variants of one question count once).
  const items = pools.map(countItems);

  const short = sections.flatMap((s, i) => ((items[i] as number) < s.count ? [i] : []));
  if (short.length > 0) {
    throw new BlueprintError(
      short.map((i) => shortageMessage(sections[i] as BlueprintSection, i, items[i] as number)).join(' '),
      short.map((i) => ({ sections: [i + 1], asked: (sections[i] as BlueprintSection).count, available: items[i] as number })),
    );
  }

  // Left side: one node per slot (section repeated count times); right side: variant families (a
  // question without variants is its own family). A slot holds one member of the family it owns.
  const slotSection: number[] = [];
  // Most constrained sections first, so broad sections take what the narrow ones leave.
  const fillOrder = sections.map((_, i) => i).sort((a, b) => (items[a] as number) - (items[b] as number) || a - b);
  const owner = new Map<string, number>(); // family → slot node
  const pick: (Candidate | null)[] = [];
  // A family, once taken, stays taken (augmenting paths only hand it to another slot), so each
  // section's search for a free family can resume where it stopped: amortised O(pool).
  const cursor = sections.map(() => 0);

  const tryAssign = (node: number, visited: Set<string>, exhausted: Set<number>): boolean => {
    const si = slotSection[node] as number;
    // All slots of a section share one pool: once one failed in this search, the others fail too.
    if (exhausted.has(si)) return false;
    const pool = pools[si] as Candidate[];
    // Free questions first, in preference order: keeps the seeded, unseen-first choice whenever possible.
    let k = cursor[si] as number;
    while (k < pool.length && owner.has(familyOf(pool[k] as Candidate))) k++;
    cursor[si] = k;
    const free = pool[k];
    if (free !== undefined) {
      owner.set(familyOf(free), node);
      pick[node] = free;
      return true;
    }
    // Otherwise move another slot's family to an alternative (augmenting path). The slot may take a
    // different member of that family than the one the other slot held (the one matching its section).
    for (const c of pool) {
      const f = familyOf(c);
      if (visited.has(f)) continue;
      visited.add(f);
      if (tryAssign(owner.get(f) as number, visited, exhausted)) {
        owner.set(f, node);
        pick[node] = c;
        return true;
      }
    }
    exhausted.add(si);
    return false;
  };

  const nodesBySection: number[][] = sections.map(() => []);
  for (const si of fillOrder) {
    const section = sections[si] as BlueprintSection;
    for (let k = 0; k < section.count; k++) {
      const node = slotSection.length;
      slotSection.push(si);
      pick.push(null);
      (nodesBySection[si] as number[]).push(node);
      const visited = new Set<string>();
      if (!tryAssign(node, visited, new Set())) throw overlapError(sections, pools, node, slotSection, visited, owner);
    }
  }

  const slots: PaperSlot[] = [];
  sections.forEach((section, si) => {
    let chosen = (nodesBySection[si] as number[]).map((n) => pick[n] as Candidate);
    // Augmenting paths can move questions between a section's slot nodes; restore the seeded draw order.
    const rank = new Map((pools[si] as Candidate[]).map((c, i) => [c.questionId, i]));
    chosen.sort((a, b) => (rank.get(a.questionId) as number) - (rank.get(b.questionId) as number));
    if (blueprint.shuffleQuestions) {
      chosen = shuffle(chosen, rngFor(input.seed, 'order', si));
    } else if (section.questionIds) {
      // Fixed questions keep the order the trainer picked them in.
      const at = new Map(section.questionIds.map((id, i) => [id, i]));
      chosen.sort((a, b) => (at.get(a.questionId) as number) - (at.get(b.questionId) as number));
    } else {
      chosen.sort((a, b) => byCodeUnits(a.questionId, b.questionId)); // bank order
    }
    for (const c of chosen) {
      const choice = c.type === 'single' || c.type === 'multiple';
      slots.push({
        slot: slots.length + 1,
        section: si + 1,
        questionVersionId: c.versionId,
        questionId: c.questionId,
        points: section.points,
        optionOrder: !choice
          ? null
          : blueprint.shuffleOptions
            ? shuffleOptionIds(c.optionIds, c.pinnedOptionIds ?? [], rngFor(input.seed, 'options', c.questionId))
            : [...c.optionIds],
      });
    }
  });
  return slots;
}

/**
 * After a failed augmenting search, the slots reached and the questions visited form a Hall
 * violation: the sections involved need more distinct questions than match any of them.
 */
function overlapError(
  sections: readonly BlueprintSection[],
  pools: readonly Candidate[][],
  failedNode: number,
  slotSection: readonly number[],
  visited: ReadonlySet<string>,
  owner: ReadonlyMap<string, number>,
): BlueprintError {
  const involved = new Set<number>([slotSection[failedNode] as number]);
  for (const q of visited) involved.add(slotSection[owner.get(q) as number] as number);
  const list = [...involved].sort((a, b) => a - b);
  const union = new Set<string>();
  for (const si of list) for (const c of pools[si] as Candidate[]) union.add(familyOf(c));
  const asked = list.reduce((n, si) => n + (sections[si] as BlueprintSection).count, 0);
  const names = list.map((si) => String(si + 1));
  const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const details = list
    .map((si) => `${describeSection(sections[si] as BlueprintSection, si)} asks for ${(sections[si] as BlueprintSection).count} of ${countItems(pools[si] as Candidate[])} matching`)
    .join('; ');
  const message =
    `Sections ${joined} draw on the same questions: together they ask for ${asked}, but only ${union.size} different questions match them (${details}). ` +
    `A question (or one of its variants) appears at most once per paper, so lower a count, make the sections' topics or difficulty ranges not overlap, or add questions to the bank.`;
  return new BlueprintError(message, [{ sections: list.map((si) => si + 1), asked, available: union.size }]);
}
