/**
 * Question shapes: what a stored question version holds, what a taker may see, and what a taker may
 * send back. Functions and islands both validate with these schemas, so a rule is written once.
 *
 * A version is a discriminated union on `type`, with the answer key in a nested `key` object
 * (mirrors the `question_versions.key` column). The content YAML keeps the key fields at the top
 * level (`answer`, `blanks`, …); the content sync moves them into `key`.
 */
import { z } from 'zod';
import { normaliseBlank } from './normalise.ts';

export const QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'fill', 'short'] as const;
export const QuestionTypeSchema = z.enum(QUESTION_TYPES);
export type QuestionType = z.infer<typeof QuestionTypeSchema>;

/** Human names, used in messages a trainer reads (Chinese name first: that is what papers print). */
export const QUESTION_TYPE_LABELS: Readonly<Record<QuestionType, string>> = {
  single: '单选题 single choice',
  multiple: '多选题 multiple choice',
  truefalse: '判断题 true/false',
  fill: '填空题 fill-in-the-blank',
  short: '简答题 short answer',
};

/** Upper bounds keep a hostile client from storing megabytes per response event. */
export const LIMITS = {
  optionIdLength: 16,
  maxOptions: 10,
  maxBlanks: 20,
  blankResponseChars: 200,
  shortResponseChars: 5000,
} as const;

export const OptionIdSchema = z
  .string()
  .min(1)
  .max(LIMITS.optionIdLength)
  .regex(/^[A-Za-z0-9_-]+$/, 'Option ids are short codes such as A, B, C (letters, digits, - or _).');

export const OptionSchema = z.strictObject({
  id: OptionIdSchema,
  text: z.string().min(1),
});
export type Option = z.infer<typeof OptionSchema>;

const OptionListSchema = z
  .array(OptionSchema)
  .min(2)
  .max(LIMITS.maxOptions)
  .superRefine((options, ctx) => {
    const seen = new Set<string>();
    for (const [i, o] of options.entries()) {
      if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `Option id "${o.id}" is used twice.` });
      seen.add(o.id);
    }
  });

/** Where a question's fact comes from (see docs/content-format.md, "Citations"). */
export const SourceSchema = z.union([
  z.strictObject({ instrument: z.string().min(1), article: z.number().int().positive().optional() }),
  z.strictObject({ lesson: z.string().min(1), anchor: z.string().min(1) }),
]);
export type Source = z.infer<typeof SourceSchema>;

export const DifficultySchema = z.number().int().min(1).max(5);

// ---------------------------------------------------------------------------------------------
// Keys

export const SingleKeySchema = z.strictObject({ answer: OptionIdSchema });
/** 多选题 have at least two correct options (Chinese exam convention, and docs/content-format.md). */
export const MultipleKeySchema = z.strictObject({
  answer: z
    .array(OptionIdSchema)
    .min(2)
    .refine((ids) => new Set(ids).size === ids.length, 'Each correct option is listed once.'),
});
export const TrueFalseKeySchema = z.strictObject({ answer: z.boolean() });
export const FillKeySchema = z.strictObject({
  /** One entry per blank, each a list of accepted alternatives. */
  blanks: z
    .array(
      z
        .array(
          z.string().refine((a) => normaliseBlank(a) !== '', {
            message: 'An accepted answer must contain more than spaces and punctuation (it could never match).',
          }),
        )
        .min(1),
    )
    .min(1)
    .max(LIMITS.maxBlanks),
  /** The blanks may be answered in any order (e.g. "two of the eight rights"). */
  orderInsensitive: z.boolean().default(false),
});
export const ShortKeySchema = z.strictObject({
  modelAnswer: z.string().min(1),
  rubric: z.array(z.string().min(1)).default([]),
});

export type SingleKey = z.infer<typeof SingleKeySchema>;
export type MultipleKey = z.infer<typeof MultipleKeySchema>;
export type TrueFalseKey = z.infer<typeof TrueFalseKeySchema>;
export type FillKey = z.infer<typeof FillKeySchema>;
export type ShortKey = z.infer<typeof ShortKeySchema>;
export type QuestionKey = SingleKey | MultipleKey | TrueFalseKey | FillKey | ShortKey;

/** The key schema for one question type (for parsing the `key` column on its own). */
export const KEY_SCHEMAS = {
  single: SingleKeySchema,
  multiple: MultipleKeySchema,
  truefalse: TrueFalseKeySchema,
  fill: FillKeySchema,
  short: ShortKeySchema,
} as const;

// ---------------------------------------------------------------------------------------------
// Versions

const versionBase = {
  /** Stable question id, e.g. `complaint-handling-001`. */
  id: z.string().min(1),
  /** Database id of this immutable version; absent before the version is stored. */
  versionId: z.string().min(1).optional(),
  stem: z.string().min(1),
  // Imported banks (Excel/GIFT/XML) may lack these; the content check demands them for official banks.
  explanation: z.string().default(''),
  source: SourceSchema.nullable().default(null),
  difficulty: DifficultySchema,
  topic: z.string().min(1),
};

function keyIdsMustBeOptions(
  v: { options: readonly Option[]; key: { answer: string | readonly string[] } },
  ctx: z.RefinementCtx,
): void {
  const ids = new Set(v.options.map((o) => o.id));
  const answers = typeof v.key.answer === 'string' ? [v.key.answer] : v.key.answer;
  for (const a of answers) {
    if (!ids.has(a)) {
      ctx.addIssue({ code: 'custom', path: ['key', 'answer'], message: `The key names option "${a}", which is not one of the options.` });
    }
  }
}

export const SingleVersionSchema = z
  .strictObject({ ...versionBase, type: z.literal('single'), options: OptionListSchema, key: SingleKeySchema })
  .superRefine(keyIdsMustBeOptions);
export const MultipleVersionSchema = z
  .strictObject({ ...versionBase, type: z.literal('multiple'), options: OptionListSchema, key: MultipleKeySchema })
  .superRefine(keyIdsMustBeOptions);
export const TrueFalseVersionSchema = z.strictObject({ ...versionBase, type: z.literal('truefalse'), key: TrueFalseKeySchema });
export const FillVersionSchema = z.strictObject({ ...versionBase, type: z.literal('fill'), key: FillKeySchema });
export const ShortVersionSchema = z.strictObject({ ...versionBase, type: z.literal('short'), key: ShortKeySchema });

export const QuestionVersionSchema = z.discriminatedUnion('type', [
  SingleVersionSchema,
  MultipleVersionSchema,
  TrueFalseVersionSchema,
  FillVersionSchema,
  ShortVersionSchema,
]);
export type QuestionVersion = z.infer<typeof QuestionVersionSchema>;
export type QuestionVersionInput = z.input<typeof QuestionVersionSchema>;
export type SingleVersion = z.infer<typeof SingleVersionSchema>;
export type MultipleVersion = z.infer<typeof MultipleVersionSchema>;
export type TrueFalseVersion = z.infer<typeof TrueFalseVersionSchema>;
export type FillVersion = z.infer<typeof FillVersionSchema>;
export type ShortVersion = z.infer<typeof ShortVersionSchema>;

// ---------------------------------------------------------------------------------------------
// What a taker sees

/**
 * Strict: any extra field (a key that slipped through) fails parsing. Non-choice types carry an
 * empty `options` list so the client never has to branch on presence.
 */
export const QuestionPublicSchema = z.strictObject({
  id: z.string().min(1),
  versionId: z.string().min(1).optional(),
  type: QuestionTypeSchema,
  stem: z.string().min(1),
  options: z.array(OptionSchema),
  blankCount: z.number().int().positive().max(LIMITS.maxBlanks).optional(),
});
export type QuestionPublic = z.infer<typeof QuestionPublicSchema>;

export function isChoiceType(type: QuestionType): type is 'single' | 'multiple' {
  return type === 'single' || type === 'multiple';
}

/** Option ids in stored (canonical) order; empty for non-choice types. */
export function optionIdsOf(version: QuestionVersion): string[] {
  return version.type === 'single' || version.type === 'multiple' ? version.options.map((o) => o.id) : [];
}

/**
 * The taker's view of a version. Built field by field from an allow-list (never by deleting fields
 * from a copy), so a field added to versions later cannot leak by default.
 *
 * `optionPermutation` is the slot's display order of option ids (from assembly); null or omitted
 * means canonical order. It must be a permutation of the version's option ids.
 */
export function toPublic(version: QuestionVersion, optionPermutation?: readonly string[] | null): QuestionPublic {
  const out: QuestionPublic = { id: version.id, type: version.type, stem: version.stem, options: [] };
  if (version.versionId !== undefined) out.versionId = version.versionId;
  if (version.type === 'single' || version.type === 'multiple') {
    const byId = new Map(version.options.map((o) => [o.id, o]));
    const order = optionPermutation ?? version.options.map((o) => o.id);
    if (order.length !== byId.size || new Set(order).size !== order.length || !order.every((id) => byId.has(id))) {
      throw new RangeError(
        `Option order [${order.join(', ')}] is not a permutation of question ${version.id}'s options [${[...byId.keys()].join(', ')}].`,
      );
    }
    out.options = order.map((id) => {
      const o = byId.get(id) as Option;
      return { id: o.id, text: o.text };
    });
  } else if (optionPermutation != null && optionPermutation.length > 0) {
    throw new RangeError(`Question ${version.id} is ${version.type}; it has no options to order.`);
  }
  if (version.type === 'fill') out.blankCount = version.key.blanks.length;
  return out;
}

/**
 * Blanks marked in a stem: runs of three or more underscores (`____`), as docs/content-format.md
 * specifies. For the content check; the key's blank list is what grading uses.
 */
export function countStemBlanks(stem: string): number {
  return (stem.match(/_{3,}/g) ?? []).length;
}

// ---------------------------------------------------------------------------------------------
// Responses

export interface ResponseByType {
  single: string;
  multiple: string[];
  truefalse: boolean;
  fill: string[];
  short: string;
}
/** What a taker sends for one slot; `null` means unanswered (or cleared). */
export type QuestionResponse<T extends QuestionType = QuestionType> = ResponseByType[T] | null;

const codePoints = (s: string): number => [...s].length;

export const ResponseSchemas = {
  single: OptionIdSchema.nullable(),
  multiple: z.array(OptionIdSchema).max(LIMITS.maxOptions).nullable(),
  truefalse: z.boolean().nullable(),
  fill: z.array(z.string()).max(LIMITS.maxBlanks).nullable(),
  short: z.string().nullable(),
} as const;

export type ResponseErrorCode =
  | 'wrong_shape'
  | 'unknown_option'
  | 'duplicate_option'
  | 'wrong_blank_count'
  | 'too_long';

export type ParseResponseResult<T extends QuestionType> =
  | { ok: true; value: QuestionResponse<T> }
  | { ok: false; code: ResponseErrorCode; message: string };

/** What `parseResponse` can check beyond the bare type when it knows the question. */
export interface ResponseContext {
  options?: readonly { id: string }[];
  blankCount?: number | undefined;
}

const SHAPE_HINT: Readonly<Record<QuestionType, string>> = {
  single: 'send one option id as a string, for example "B", or null to clear the answer',
  multiple: 'send a list of option ids, for example ["A","C"], or null to clear the answer',
  truefalse: 'send true or false, or null to clear the answer',
  fill: 'send a list with one string per blank, for example ["15日"], or null to clear the answer',
  short: 'send the answer as a string, or null to clear it',
};

function fail<T extends QuestionType>(code: ResponseErrorCode, message: string): ParseResponseResult<T> {
  return { ok: false, code, message };
}

/**
 * Validates a raw response (from JSON) for a question type. Pass the public question as `question`
 * to also check option ids and the number of blanks. Error messages say what to send instead.
 */
export function parseResponse<T extends QuestionType>(type: T, raw: unknown, question?: ResponseContext): ParseResponseResult<T> {
  const shape = ResponseSchemas[type].safeParse(raw);
  if (!shape.success) {
    return fail('wrong_shape', `This is a ${QUESTION_TYPE_LABELS[type]} question: ${SHAPE_HINT[type]}.`);
  }
  const value = shape.data as QuestionResponse;
  if (value === null) return { ok: true, value: null };

  if (type === 'single' || type === 'multiple') {
    const ids = typeof value === 'string' ? [value] : (value as string[]);
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) return fail('duplicate_option', `Option "${id}" is selected more than once; list each selected option once.`);
      seen.add(id);
    }
    if (question?.options) {
      const known = new Set(question.options.map((o) => o.id));
      const unknown = ids.find((id) => !known.has(id));
      if (unknown !== undefined) {
        return fail('unknown_option', `"${unknown}" is not an option of this question; choose from ${[...known].join(', ')}.`);
      }
    }
  } else if (type === 'fill') {
    const blanks = value as string[];
    if (question?.blankCount !== undefined && blanks.length !== question.blankCount) {
      return fail(
        'wrong_blank_count',
        `This question has ${question.blankCount} blank(s) but ${blanks.length} answer(s) were sent; send one string per blank (use "" for a blank left empty).`,
      );
    }
    const long = blanks.findIndex((b) => codePoints(b) > LIMITS.blankResponseChars);
    if (long !== -1) return fail('too_long', `Blank ${long + 1} is longer than ${LIMITS.blankResponseChars} characters; shorten it.`);
  } else if (type === 'short') {
    const n = codePoints(value as string);
    if (n > LIMITS.shortResponseChars) {
      return fail('too_long', `The answer has ${n} characters; the limit is ${LIMITS.shortResponseChars}. Shorten it.`);
    }
  }
  return { ok: true, value: value as QuestionResponse<T> };
}

/** True when a response carries no content: null, no option, all blanks empty, or only whitespace. */
export function isBlankResponse(response: QuestionResponse): boolean {
  if (response === null) return true;
  if (typeof response === 'boolean') return false;
  if (typeof response === 'string') return response.trim() === '';
  return response.every((r) => r.trim() === '');
}
