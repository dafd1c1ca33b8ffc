/**
 * Zod schemas for everything under content/ — the single source of truth for content shape.
 * Used by src/content.config.ts (Astro collections), src/content/check.ts (content check),
 * the content sync and the server. Astro 7 uses this same zod 4 instance.
 *
 * The contract these encode is docs/content-format.md.
 */
import { z } from 'zod';
import { toPublic } from '../core/questions.ts';
import { toQuestionVersion } from './question-version.ts';

// ─────────────────────────────── shared pieces ───────────────────────────────

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** <topic>-NNN, e.g. complaint-handling-001. Group 1 is the topic. */
export const QUESTION_ID_RE = /^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d{3})$/;
/** A blank in a fill-in stem: a run of four or more underscores. */
export const BLANK_RE = /_{4,}/g;
export const OPTION_IDS = ['A', 'B', 'C', 'D', 'E'] as const;
export const MODULES = ['rights', 'complaints', 'sales', 'information', 'risk', 'organisation'] as const;
export const MODULE_TITLES: Record<(typeof MODULES)[number], string> = {
  rights: '权利与义务',
  complaints: '投诉与纠纷化解',
  sales: '销售行为与适当性',
  information: '信息保护与征信',
  risk: '风险防范（反诈、非法集资、反洗钱）',
  organisation: '消保工作机制与宣传教育',
};
export const FACT_LABELS = ['PRIMARY', 'SECONDARY', 'UNVERIFIED'] as const;
export const INSTRUMENT_STATUSES = ['in_force', 'amended', 'superseded', 'unknown'] as const;
export const QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'fill', 'short'] as const;

const nonEmpty = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be text`) })
    .trim()
    .min(1, `${what} must not be empty`);

export const slugSchema = z
  .string()
  .regex(SLUG_RE, 'must be a lowercase slug: letters a–z, digits and single hyphens (e.g. complaint-handling)');

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * ISO calendar date as a 'YYYY-MM-DD' string. YAML parsers differ (js-yaml, used by Astro for frontmatter,
 * turns an unquoted 2026-11-22 into a Date; the `yaml` package keeps a string), so both are accepted and
 * normalised to the string.
 */
export const isoDateSchema = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO date YYYY-MM-DD')
    .refine(isRealDate, 'is not a real calendar date'),
);

export const factLabelSchema = z.enum(FACT_LABELS);

// ─────────────────────────────── instruments ───────────────────────────────

export const factSchema = z.strictObject({
  text: nonEmpty('fact text'),
  label: factLabelSchema,
});

export const summaryArticleSchema = z.strictObject({
  number: z.number().int().positive(),
  summary: nonEmpty('article summary'),
  label: factLabelSchema,
});

export const instrumentSchema = z
  .strictObject({
    id: slugSchema,
    title: nonEmpty('title'),
    short: nonEmpty('short title'),
    gloss: nonEmpty('gloss'),
    issuer: nonEmpty('issuer'),
    docNumber: nonEmpty('docNumber').nullable(),
    issued: isoDateSchema.nullable(),
    effective: isoDateSchema.nullable(),
    status: z.enum(INSTRUMENT_STATUSES),
    text: z.string().regex(/^[a-z0-9-]+\.md$/, 'must be a file name like consumer-rights-law.md').nullable(),
    source: nonEmpty('source'),
    facts: z.array(factSchema).default([]),
    articles: z.array(summaryArticleSchema).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.text !== null && v.text !== `${v.id}.md`) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: `full text file must be named ${v.id}.md (got ${v.text})` });
    }
    if (v.text !== null && v.articles && v.articles.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['articles'],
        message: 'articles: is only for summary-only instruments; this one has a full text (articles come from it)',
      });
    }
    const seen = new Set<number>();
    for (const [i, a] of (v.articles ?? []).entries()) {
      if (seen.has(a.number)) {
        ctx.addIssue({ code: 'custom', path: ['articles', i, 'number'], message: `article ${a.number} listed twice` });
      }
      seen.add(a.number);
    }
  });

export type Instrument = z.output<typeof instrumentSchema>;
export type InstrumentInput = z.input<typeof instrumentSchema>;

// ─────────────────────────────── citations ───────────────────────────────

export const instrumentCitationSchema = z.strictObject({
  instrument: slugSchema,
  article: z.number().int().positive().optional(),
});
export const lessonCitationSchema = z.strictObject({
  lesson: slugSchema,
  anchor: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'anchor must be an HTML id such as first-contact'),
});
export const citationSchema = z.union([instrumentCitationSchema, lessonCitationSchema], {
  error: (iss) =>
    iss.input === undefined || iss.input === null
      ? 'source is required: { instrument: <id>, article: <number> } or { lesson: <lesson id>, anchor: <heading id> }'
      : undefined,
});

export type InstrumentCitation = z.output<typeof instrumentCitationSchema>;
export type LessonCitation = z.output<typeof lessonCitationSchema>;
export type Citation = z.output<typeof citationSchema>;

export function isInstrumentCitation(c: Citation): c is InstrumentCitation {
  return 'instrument' in c;
}

// ─────────────────────────────── lessons ───────────────────────────────

export const lessonFrontmatterSchema = z.strictObject({
  id: slugSchema,
  title: nonEmpty('title'),
  module: z.enum(MODULES),
  order: z.number().int().positive(),
  summary: nonEmpty('summary'),
  objectives: z.array(nonEmpty('objective')).min(3, 'give 3–5 objectives').max(5, 'give 3–5 objectives'),
  reviewedBy: nonEmpty('reviewedBy'),
  reviewedOn: isoDateSchema,
});

export type LessonFrontmatter = z.output<typeof lessonFrontmatterSchema>;

// ─────────────────────────────── questions ───────────────────────────────

export const optionSchema = z.strictObject({
  id: z.enum(OPTION_IDS, 'option id must be one of A, B, C, D, E'),
  text: nonEmpty('option text'),
});

const baseQuestionShape = {
  id: z.string().regex(QUESTION_ID_RE, 'id must be <lesson id>-NNN, e.g. complaint-handling-001'),
  topic: slugSchema,
  difficulty: z.number().int().min(1, 'difficulty is 1–5').max(5, 'difficulty is 1–5'),
  stem: nonEmpty('stem'),
  explanation: nonEmpty('explanation'),
  source: citationSchema,
  tags: z.array(nonEmpty('tag')).optional(),
  /**
   * Id of a question this one deliberately restates (same fact, another form — e.g. the fill-in twin of a
   * single choice). Exempts the pair from the bank-wide near-duplicate rule; never part of a version.
   */
  variantOf: z.string().regex(QUESTION_ID_RE, 'variantOf must be a question id such as complaint-handling-001').optional(),
};

type Ctx = z.RefinementCtx;

function checkIdTopic(v: { id: string; topic: string }, ctx: Ctx): void {
  const m = QUESTION_ID_RE.exec(v.id);
  if (m && m[1] !== v.topic) {
    ctx.addIssue({
      code: 'custom',
      path: ['id'],
      message: `id ${v.id} must start with its topic "${v.topic}-"`,
    });
  }
}

function checkOptions(options: Array<{ id: string; text: string }>, ctx: Ctx): Set<string> {
  const ids = new Set<string>();
  const texts = new Set<string>();
  options.forEach((o, i) => {
    if (ids.has(o.id)) ctx.addIssue({ code: 'custom', path: ['options', i, 'id'], message: `option id ${o.id} is used twice` });
    ids.add(o.id);
    const t = o.text.trim();
    if (texts.has(t)) ctx.addIssue({ code: 'custom', path: ['options', i, 'text'], message: `option text "${t}" is used twice` });
    texts.add(t);
  });
  return ids;
}

const optionsSchema = z.array(optionSchema).min(4, 'give 4–5 options').max(5, 'give 4–5 options');

export const singleQuestionSchema = z
  .strictObject({
    ...baseQuestionShape,
    type: z.literal('single'),
    options: optionsSchema,
    answer: z.enum(OPTION_IDS, 'answer must be one option id (A–E), e.g. answer: B'),
  })
  .superRefine((v, ctx) => {
    checkIdTopic(v, ctx);
    const ids = checkOptions(v.options, ctx);
    if (!ids.has(v.answer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['answer'],
        message: `answer ${v.answer} is not one of the options (${[...ids].join(', ')})`,
      });
    }
  });

export const multipleQuestionSchema = z
  .strictObject({
    ...baseQuestionShape,
    type: z.literal('multiple'),
    options: optionsSchema,
    answer: z
      .array(z.enum(OPTION_IDS, 'answers are option ids A–E'))
      .min(2, 'a multiple-choice question needs at least two correct options, e.g. answer: [A, C]'),
  })
  .superRefine((v, ctx) => {
    checkIdTopic(v, ctx);
    const ids = checkOptions(v.options, ctx);
    const seen = new Set<string>();
    v.answer.forEach((a, i) => {
      if (seen.has(a)) ctx.addIssue({ code: 'custom', path: ['answer', i], message: `answer ${a} is listed twice` });
      seen.add(a);
      if (!ids.has(a)) {
        ctx.addIssue({
          code: 'custom',
          path: ['answer', i],
          message: `answer ${a} is not one of the options (${[...ids].join(', ')})`,
        });
      }
    });
  });

export const trueFalseQuestionSchema = z
  .strictObject({
    ...baseQuestionShape,
    type: z.literal('truefalse'),
    answer: z.boolean('answer must be true or false (unquoted)'),
  })
  .superRefine(checkIdTopic);

export const fillQuestionSchema = z
  .strictObject({
    ...baseQuestionShape,
    type: z.literal('fill'),
    blanks: z
      .array(z.array(nonEmpty('accepted answer')).min(1, 'each blank needs at least one accepted answer'))
      .min(1, 'a fill question needs at least one blank'),
    orderInsensitive: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    checkIdTopic(v, ctx);
    const count = countBlanks(v.stem);
    if (count !== v.blanks.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['blanks'],
        message: `the stem has ${count} blank(s) (____) but blanks: lists ${v.blanks.length}`,
      });
    }
  });

export const shortQuestionSchema = z
  .strictObject({
    ...baseQuestionShape,
    type: z.literal('short'),
    modelAnswer: nonEmpty('modelAnswer'),
    rubric: z.array(nonEmpty('rubric point')).min(1, 'rubric needs at least one point'),
  })
  .superRefine(checkIdTopic);

export const questionSchema = z.discriminatedUnion(
  'type',
  [singleQuestionSchema, multipleQuestionSchema, trueFalseQuestionSchema, fillQuestionSchema, shortQuestionSchema],
  'type must be one of single, multiple, truefalse, fill, short',
);

export type SingleQuestion = z.output<typeof singleQuestionSchema>;
export type MultipleQuestion = z.output<typeof multipleQuestionSchema>;
export type TrueFalseQuestion = z.output<typeof trueFalseQuestionSchema>;
export type FillQuestion = z.output<typeof fillQuestionSchema>;
export type ShortQuestion = z.output<typeof shortQuestionSchema>;
export type Question = z.output<typeof questionSchema>;
export type QuestionType = Question['type'];

export function countBlanks(stem: string): number {
  return stem.match(BLANK_RE)?.length ?? 0;
}

/**
 * A question without anything that gives the answer away (answer, blanks, modelAnswer, rubric, explanation).
 * This is the only shape a page or an in-progress attempt may carry.
 */
export type PublicQuestion = {
  id: string;
  type: QuestionType;
  topic: string;
  difficulty: number;
  stem: string;
  options?: Array<{ id: string; text: string }>;
  blankCount?: number;
  source: Citation;
};

export function toPublicQuestion(q: Question): PublicQuestion {
  // The taker's view comes from the exam engine's allow-list (src/core/questions.ts#toPublic), so
  // pages and attempts can never disagree on what is safe to show.
  const view = toPublic(toQuestionVersion(q));
  const out: PublicQuestion = { id: view.id, type: view.type, topic: q.topic, difficulty: q.difficulty, stem: view.stem, source: q.source };
  if (view.options.length > 0) out.options = view.options;
  if (view.blankCount !== undefined) out.blankCount = view.blankCount;
  return out;
}

// ─────────────────────────────── error formatting ───────────────────────────────

/** Turns a zod error into short lines a content author can act on: `answer: answer E is not one of …`. */
export function formatZodIssues(error: z.ZodError): string[] {
  return flattenIssues(error.issues, []);
}

function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message === 'Invalid input') {
      // Report the branch that came closest (fewest issues), e.g. the lesson-citation form when `lesson:` is given.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      if (best.length > 0) {
        out.push(...flattenIssues(best, path));
        continue;
      }
    }
    const where = path.length ? path.map(String).join('.') : '(entry)';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    out.push(`${where}: ${message}`);
  }
  return out;
}
