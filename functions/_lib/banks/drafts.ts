// Between a QuestionDraft (src/interop/question-draft.ts: what the editor sends, what an import
// parses, what an export writes) and the stored form of a version (app.question_versions +
// app.question_keys, written by app_internal.write_questions). One place for:
//   * sanitising: stems, options, explanations, feedback, model answers and marking points are plain
//     text with line breaks. Whatever markup arrives (an Excel cell with <b>, a Moodle XML <p>,
//     a pasted <script>) goes through sanitize-html with no tags allowed: <br> and block ends become
//     line breaks, emphasis tags are unwrapped (the words stay), scripts and styles disappear with
//     their content. The exam runner renders text, never HTML, so nothing can run in a taker's page.
//   * validation: validateDraft (src/interop) — the content check's rules (key among the options,
//     blanks and alternatives, model answer and marking points) — and the register for sources.
//   * the content hash (what "unchanged" means on save and re-import) and the stem key (duplicate
//     detection: normaliseStem, hashed so the index stays small).
import sanitizeHtml from 'sanitize-html';
import { contentHash, stemKeyOf } from '../../../src/server/content-sync.ts';
import type { QuestionDraft, RowProblem } from '../../../src/interop/question-draft.ts';

export type { QuestionDraft, RowProblem };

/** The stored version of a draft: the `d` of app_internal.write_questions. */
export interface StoredVersion {
  type: QuestionDraft['type'];
  topic: string;
  difficulty: number;
  stem: string;
  options: { id: string; text: string }[] | null;
  blankCount: number;
  source: { instrument: string; article?: number } | { text: string } | Record<string, never>;
  key: unknown;
  explanation: string;
  /** Per-option feedback and Moodle partial-credit fractions (kept with the key: they reveal it). */
  feedback: { options?: Record<string, string>; fractions?: Record<string, number> } | null;
}

export interface PreparedRow {
  d: StoredVersion;
  hash: string;
  stemKey: string;
  tags: string[];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/** Plain text with line breaks: no markup survives, entities are decoded once, runs of blank lines shrink. */
export function plainText(input: string): string {
  if (!/[<&]/.test(input)) return input.replace(/\r\n?/g, '\n').trim();
  const marked = input
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n');
  const text = sanitizeHtml(marked, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'discard', nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'] });
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (m) => ENTITIES[m] ?? m).replace(/\n{3,}/g, '\n\n').trim();
}

/** The draft with every text field sanitised (what is validated and stored). */
export function sanitiseDraft(draft: QuestionDraft): QuestionDraft {
  const d = draft as QuestionDraft & Record<string, unknown>;
  const key = d.key as Record<string, unknown> | undefined;
  let cleanKey = key;
  if (key && typeof key === 'object') {
    cleanKey = { ...key };
    if (typeof key.modelAnswer === 'string') cleanKey.modelAnswer = plainText(key.modelAnswer);
    if (Array.isArray(key.rubric)) cleanKey.rubric = (key.rubric as unknown[]).map((r) => (typeof r === 'string' ? plainText(r) : r));
    if (Array.isArray(key.blanks)) {
      cleanKey.blanks = (key.blanks as unknown[]).map((alts) => (Array.isArray(alts) ? alts.map((a) => (typeof a === 'string' ? plainText(a) : a)) : alts));
    }
  }
  return {
    ...draft,
    stem: typeof d.stem === 'string' ? plainText(d.stem) : d.stem,
    explanation: typeof d.explanation === 'string' ? plainText(d.explanation) : d.explanation,
    topic: typeof d.topic === 'string' ? plainText(d.topic) : d.topic,
    tags: Array.isArray(d.tags) ? [...new Set((d.tags as string[]).map((t) => plainText(String(t))).filter((t) => t !== ''))] : [],
    options: Array.isArray(d.options)
      ? (d.options as { id: string; text: string; feedback?: string }[]).map((o) => ({
          ...o,
          text: typeof o.text === 'string' ? plainText(o.text) : o.text,
          ...(typeof o.feedback === 'string' ? { feedback: plainText(o.feedback) } : {}),
        }))
      : d.options,
    key: cleanKey as QuestionDraft['key'],
  } as QuestionDraft;
}

/** sha-256 of the normalised stem (src/interop normaliseStem), 32 hex digits: equal for stems that differ only in width, spaces or punctuation. */
export { stemKeyOf };

/** The stored version of a valid, sanitised draft, with its content hash and stem key. */
export function prepareDraft(draft: QuestionDraft): PreparedRow {
  const choice = draft.type === 'single' || draft.type === 'multiple';
  const options = choice ? (draft.options ?? []).map((o) => ({ id: o.id, text: o.text })) : null;
  const optionFeedback: Record<string, string> = {};
  if (choice) for (const o of draft.options ?? []) if (o.feedback) optionFeedback[o.id] = o.feedback;
  const fractions = (draft as { partialFractions?: Record<string, number> }).partialFractions;
  const feedback = Object.keys(optionFeedback).length || (fractions && Object.keys(fractions).length)
    ? { ...(Object.keys(optionFeedback).length ? { options: optionFeedback } : {}), ...(fractions && Object.keys(fractions).length ? { fractions } : {}) }
    : null;
  const key = draft.key as { blanks?: unknown[] };
  const src = draft.source as { instrument?: string; article?: number | null; text?: string } | null | undefined;
  const source: StoredVersion['source'] = src?.instrument
    ? (src.article ? { instrument: src.instrument, article: Number(src.article) } : { instrument: src.instrument })
    : src?.text ? { text: src.text } : {};
  const d: StoredVersion = {
    type: draft.type,
    topic: draft.topic,
    difficulty: draft.difficulty ?? 3,
    stem: draft.stem,
    options,
    blankCount: draft.type === 'fill' ? (key.blanks?.length ?? 0) : 0,
    source,
    key: draft.key,
    explanation: draft.explanation ?? '',
    feedback,
  };
  return { d, hash: contentHash(d), stemKey: stemKeyOf(draft.stem), tags: [...new Set(draft.tags ?? [])] };
}

/** A stored row (app.questions_with_keys) as a draft for the editor and exports. */
export function draftFromStored(r: Record<string, unknown>): QuestionDraft {
  const feedback = (r.feedback as StoredVersion['feedback']) ?? null;
  const options = ((r.options as { id: string; text: string }[] | null) ?? []).map((o) => ({
    id: o.id, text: o.text, ...(feedback?.options?.[o.id] ? { feedback: feedback.options[o.id] } : {}),
  }));
  const source = r.source as { instrument?: string; article?: number; text?: string } | null;
  return {
    id: r.question_id as string,
    type: r.type as QuestionDraft['type'],
    stem: r.stem as string,
    options,
    key: r.key as QuestionDraft['key'],
    explanation: (r.explanation as string) ?? '',
    difficulty: Number(r.difficulty),
    topic: r.topic as string,
    tags: (r.tags as string[]) ?? [],
    source: source?.instrument ? { instrument: source.instrument, ...(source.article ? { article: source.article } : {}) }
      : source?.text ? { text: source.text } : null,
    ...(feedback?.fractions ? { partialFractions: feedback.fractions } : {}),
  } as QuestionDraft;
}

/** Problems with a draft's source against the register (instrument ids known to the database). */
export function sourceProblems(draft: QuestionDraft, instruments: ReadonlySet<string>, row = 0, column = '出处'): RowProblem[] {
  const src = draft.source as { instrument?: string } | null | undefined;
  if (!src?.instrument || instruments.has(src.instrument)) return [];
  return [{
    row,
    column,
    message_zh: `出处“${src.instrument}”不在法规登记簿中`,
    message_en: `The source "${src.instrument}" is not in the regulation register`,
    fix_zh: '从法规登记簿中选择法规，或把出处写成自由文本',
    fix_en: 'Pick an instrument from the register, or write the source as free text',
  }];
}
