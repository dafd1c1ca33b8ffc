// The question table, the editor's load and save, duplicates, and bulk actions. Reads of stems and
// metadata run under RLS (banks the caller can see); keys are read only through
// app.questions_with_keys (banks the caller manages, or open banks); writes that create versions go
// through app.save_question / app.copy_questions / app.move_questions, which check the bank first.
import { z } from 'zod';
import type { Tx } from '../db.ts';
import { badRequest } from '../http.ts';
import { QUESTION_TYPES } from '../../../src/core/questions.ts';
import { validateDraft, DRAFT_LIMITS, type QuestionDraft, type RowProblem } from '../../../src/interop/question-draft.ts';
import { bankProblem, loadBank, loadEditableBank, type BankView } from './banks.ts';
import { draftFromStored, plainText, prepareDraft, sanitiseDraft, sourceProblems, stemKeyOf } from './drafts.ts';

// ---------------------------------------------------------------------------------------------
// The table

export const ListQuerySchema = z.strictObject({
  bank: z.string().min(1).max(80),
  q: z.string().max(200).optional(),
  type: z.enum(QUESTION_TYPES).optional(),
  topic: z.string().max(200).optional(),
  difficulty: z.coerce.number().int().min(1).max(5).optional(),
  instrument: z.string().max(80).optional(),
  article: z.coerce.number().int().min(1).max(10000).optional(),
  tag: z.string().max(40).optional(),
  status: z.enum(['active', 'retired', 'all']).default('active'),
  review: z.enum(['1', 'true']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** Filter part of a list query (everything but paging), also used to export a filtered selection. */
export type QuestionFilter = Omit<ListQuery, 'cursor' | 'limit'>;

export interface QuestionRow {
  id: string;
  versionId: string;
  version: number;
  type: string;
  stem: string;
  topic: string;
  difficulty: number;
  source: Record<string, unknown>;
  tags: string[];
  status: 'active' | 'retired';
  needsReview: boolean;
  reviewReason: unknown;
  updatedAt: string;
  timesUsed: number;
  facility: number | null;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function decodeCursor(cursor: string | undefined): { ts: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof ts === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(ts))) return { ts, id };
  } catch { /* fall through */ }
  throw badRequest('The page cursor is not valid; start again from the first page.', { errors: { cursor: 'Not a cursor this server issued.' } });
}
const encodeCursor = (ts: string, id: string) => Buffer.from(JSON.stringify([ts, id]), 'utf8').toString('base64url');

/**
 * The WHERE clause of the table (and of a filtered export). Static SQL with null-able parameters:
 * one plan for every combination; the bank's rows are found by questions_bank_page_idx.
 */
function filtered(tx: Tx, f: QuestionFilter) {
  const text = f.q?.trim() ? likePattern(f.q.trim()) : null;
  return tx`
    from app.questions q
    join app.question_versions v on v.id = q.current_version_id
    where q.bank = ${f.bank}
      and (${f.status} = 'all' or (${f.status} = 'active') = (q.retired_at is null))
      and (${f.type ?? null}::text is null or v.type = ${f.type ?? null}::text)
      and (${f.topic ?? null}::text is null or q.topic = ${f.topic ?? null}::text)
      and (${f.difficulty ?? null}::int is null or v.difficulty = ${f.difficulty ?? null}::int)
      and (${f.instrument ?? null}::text is null or v.source ->> 'instrument' = ${f.instrument ?? null}::text)
      and (${f.article ?? null}::int is null or v.source ->> 'article' = ${f.article ?? null}::int::text)
      and (${f.tag ?? null}::text is null or q.tags @> array[${f.tag ?? null}::text])
      and (${f.review ? true : false}::boolean is false or q.review_flagged_at is not null)
      and (${text}::text is null or v.stem ilike ${text}::text or q.id = ${f.q?.trim() ?? null}::text)`;
}

export async function listQuestions(tx: Tx, query: ListQuery): Promise<{ bank: BankView; rows: QuestionRow[]; total: number; nextCursor: string | null; facets: { topics: string[]; tags: string[] }; facilitySource: string | null }> {
  const bank = await loadBank(tx, query.bank);
  const cursor = decodeCursor(query.cursor);
  const rows = await tx`
    select q.id, q.current_version_id, v.version, v.type, v.stem, q.topic, v.difficulty, v.source, to_jsonb(q.tags) as tags, q.retired_at,
           q.review_flagged_at, q.review_reason, q.updated_at, q.updated_at::text as cursor_ts
    ${filtered(tx, query)}
      and (${cursor?.ts ?? null}::timestamptz is null or (q.updated_at, q.id) < (${cursor?.ts ?? null}::timestamptz, ${cursor?.id ?? null}::text))
    order by q.updated_at desc, q.id desc
    limit ${query.limit + 1}`;
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  const [{ n }] = (await tx`select count(*)::int as n ${filtered(tx, query)}`) as unknown as [{ n: number }];
  const ids = page.map((r) => r.id as string);
  const used = new Map<string, number>();
  const facility = new Map<string, number>();
  if (ids.length) {
    for (const u of await tx`select question_id, times_used, facility from app.question_times_used(array(select jsonb_array_elements_text(${tx.json(ids)})))`) {
      used.set(u.question_id as string, Number(u.times_used));
      if (u.facility !== null) facility.set(u.question_id as string, Number(u.facility));
    }
  }
  const facets = await tx`
    select (select coalesce(jsonb_agg(t order by t), '[]') from (select distinct topic as t from app.questions where bank = ${query.bank}) x) as topics,
           (select coalesce(jsonb_agg(t order by t), '[]') from (select distinct unnest(tags) as t from app.questions where bank = ${query.bank}) y) as tags`;
  const last = page.at(-1);
  return {
    bank,
    rows: page.map((r) => ({
      id: r.id as string,
      versionId: r.current_version_id as string,
      version: Number(r.version),
      type: r.type as string,
      stem: r.stem as string,
      topic: r.topic as string,
      difficulty: Number(r.difficulty),
      source: (r.source as Record<string, unknown>) ?? {},
      tags: (r.tags as string[]) ?? [],
      status: r.retired_at ? 'retired' : 'active',
      needsReview: r.review_flagged_at !== null,
      reviewReason: r.review_reason ?? null,
      updatedAt: (r.updated_at as Date).toISOString(),
      timesUsed: used.get(r.id as string) ?? 0,
      // Across every finished attempt (app.question_times_used); null until someone has answered it.
      facility: facility.get(r.id as string) ?? null,
    })),
    total: n,
    nextCursor: more && last ? encodeCursor(last.cursor_ts as string, last.id as string) : null,
    facets: { topics: (facets[0]!.topics as string[]) ?? [], tags: (facets[0]!.tags as string[]) ?? [] },
    facilitySource: null,
  };
}

/** Ids of every question matching a filter (for a filtered export), capped. */
export async function filteredIds(tx: Tx, f: QuestionFilter, cap = 20000): Promise<string[]> {
  const rows = await tx`select q.id ${filtered(tx, f)} order by q.updated_at desc, q.id desc limit ${cap}`;
  return rows.map((r) => r.id as string);
}

// ---------------------------------------------------------------------------------------------
// One question

const SourceInput = z.union([
  z.strictObject({ instrument: z.string().min(1).max(80), article: z.number().int().min(1).max(10000).optional() }),
  z.strictObject({ text: z.string().min(1).max(500) }),
]).nullable();

/** The editor's draft as the API accepts it: shapes and sizes here, meaning in validateDraft. */
export const DraftInputSchema = z.strictObject({
  type: z.enum(QUESTION_TYPES),
  stem: z.string().max(DRAFT_LIMITS.stemChars * 2),
  options: z.array(z.strictObject({ id: z.string().min(1).max(16), text: z.string().max(DRAFT_LIMITS.optionChars * 2), feedback: z.string().max(2000).optional() })).max(10).default([]),
  key: z.record(z.string(), z.unknown()),
  explanation: z.string().max(DRAFT_LIMITS.explanationChars * 2).default(''),
  difficulty: z.number().int().min(1).max(5).default(3),
  topic: z.string().min(1, 'Give a topic (知识点).').max(DRAFT_LIMITS.topicChars),
  tags: z.array(z.string().min(1).max(DRAFT_LIMITS.tagChars)).max(DRAFT_LIMITS.maxTags).default([]),
  source: SourceInput.default(null),
  partialFractions: z.record(z.string(), z.number().min(0).max(1)).optional(),
});

export interface Duplicate { id: string; bankId: string; bankName: string; stem: string }

/** Active questions with the same normalised stem in banks the caller can see (RLS on banks). */
export async function findDuplicates(tx: Tx, stemKey: string, exceptId: string | null): Promise<Duplicate[]> {
  const rows = await tx`
    select q.id, q.bank, b.name as bank_name, v.stem
    from app.questions q
    join app.banks b on b.id = q.bank
    join app.question_versions v on v.id = q.current_version_id
    where q.stem_key = ${stemKey} and q.id <> coalesce(${exceptId}::text, '') and q.retired_at is null
    order by b.read_only desc, q.created_at limit 5`;
  return rows.map((r) => ({ id: r.id as string, bankId: r.bank as string, bankName: r.bank_name as string, stem: r.stem as string }));
}

export async function registerIds(tx: Tx): Promise<Set<string>> {
  return new Set((await tx`select id from app.instruments where retired_at is null`).map((r) => r.id as string));
}

/** Sanitise, then validate exactly as the importers and the content check do; 400 with every problem. */
export async function checkedDraft(tx: Tx, input: z.infer<typeof DraftInputSchema>) {
  const draft = sanitiseDraft(input as unknown as QuestionDraft);
  const problems: RowProblem[] = [...validateDraft(draft), ...sourceProblems(draft, await registerIds(tx), 0, '出处')];
  if (problems.length) {
    throw badRequest('The question has problems; fix the fields marked.', {
      code: 'invalid_question',
      problems,
      errors: Object.fromEntries(problems.map((p) => [p.column, p.message_en])),
    });
  }
  return { draft };
}

export async function loadQuestion(tx: Tx, id: string) {
  const [meta] = await tx`select q.bank from app.questions q where q.id = ${id}`;
  if (!meta) throw bankProblem(404, 'question_not_found', `There is no question "${id}".`);
  const bank = await loadBank(tx, meta.bank as string);
  const versions = await tx`select * from app.questions_with_keys(array[${id}::text], true)`;
  if (!versions.length) throw bankProblem(403, 'not_bank_manager', `Question "${id}" is in "${bank.name}", a closed bank you do not manage.`);
  const current = versions.find((v) => v.is_current) ?? versions[0]!;
  const [used] = await tx`select times_used from app.question_times_used(array[${id}::text])`;
  const [q] = await tx`select stem_key from app.questions where id = ${id}`;
  return {
    id,
    bank,
    canEdit: bank.canEdit && !bank.readOnly,
    status: current.retired_at ? 'retired' : 'active',
    needsReview: current.review_flagged_at !== null,
    reviewReason: current.review_reason ?? null,
    timesUsed: Number(used?.times_used ?? 0),
    draft: draftFromStored(current),
    versionId: current.version_id as string,
    version: Number(current.version),
    duplicates: q?.stem_key ? await findDuplicates(tx, q.stem_key as string, id) : [],
    versions: versions.map((v) => ({
      versionId: v.version_id as string,
      version: Number(v.version),
      current: Boolean(v.is_current),
      createdAt: (v.created_at as Date).toISOString(),
      draft: draftFromStored(v),
    })),
  };
}

/**
 * Creates (questionId null) or saves a question: a new immutable version unless nothing changed.
 * A duplicate stem elsewhere is a 409 listing the existing questions, unless the trainer confirmed.
 */
export async function saveQuestion(tx: Tx, args: { bankId: string; questionId: string | null; input: z.infer<typeof DraftInputSchema>; confirmDuplicate: boolean; resolveReview: boolean }) {
  await loadEditableBank(tx, args.bankId);
  const { draft } = await checkedDraft(tx, args.input);
  const prepared = prepareDraft(draft);
  if (!args.confirmDuplicate) {
    const dups = await findDuplicates(tx, prepared.stemKey, args.questionId);
    if (dups.length) {
      throw bankProblem(409, 'duplicate_stem', 'A question with the same stem (ignoring width, spaces and punctuation) already exists. Open it, or save anyway.', { duplicates: dups });
    }
  }
  const [r] = await tx`select app.save_question(${args.bankId}, ${args.questionId}, ${tx.json({ d: prepared.d, hash: prepared.hash, stem_key: prepared.stemKey, tags: prepared.tags } as never)}, ${args.resolveReview}) as out`;
  const out = r!.out as { questionId: string; outcome: string; versionId: string };
  return { questionId: out.questionId, versionId: out.versionId, outcome: out.outcome };
}

// ---------------------------------------------------------------------------------------------
// Bulk actions

export const BulkSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('tag'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), tags: z.array(z.string().min(1).max(DRAFT_LIMITS.tagChars)).min(1).max(DRAFT_LIMITS.maxTags) }),
  z.strictObject({ action: z.literal('untag'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), tags: z.array(z.string().min(1).max(DRAFT_LIMITS.tagChars)).min(1).max(DRAFT_LIMITS.maxTags) }),
  z.strictObject({ action: z.literal('retire'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('restore'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), reason: z.string().max(500).optional() }),
  z.strictObject({ action: z.literal('move'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), targetBankId: z.string().min(1).max(80) }),
  z.strictObject({ action: z.literal('copy'), ids: z.array(z.string().min(1).max(80)).min(1).max(5000), targetBankId: z.string().min(1).max(80) }),
]);
export type Bulk = z.infer<typeof BulkSchema>;

/** Every id must be a question of a bank the caller manages (copy: any bank they can read keys of). */
async function requireManaged(tx: Tx, ids: string[]): Promise<void> {
  const rows = await tx`
    select x.id, q.bank, app_private.manages_bank(q.bank) as ok
    from jsonb_array_elements_text(${tx.json(ids)}) as x(id) left join app.questions q on q.id = x.id`;
  const missing = rows.filter((r) => r.bank === null).map((r) => r.id as string);
  if (missing.length) throw bankProblem(404, 'question_not_found', `There is no question ${missing.slice(0, 5).join(', ')}.`, { ids: missing });
  const foreign = rows.filter((r) => !r.ok).map((r) => r.id as string);
  if (foreign.length) throw bankProblem(403, 'not_bank_manager', `You do not manage the bank of ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''}.`, { ids: foreign });
}

export async function bulk(tx: Tx, b: Bulk): Promise<{ changed: number; results?: unknown }> {
  const ids = [...new Set(b.ids)];
  const idList = tx`(select jsonb_array_elements_text(${tx.json(ids)}))`;
  if (b.action === 'copy') {
    await loadEditableBank(tx, b.targetBankId);
    const [r] = await tx`select app.copy_questions(array${idList}, ${b.targetBankId}) as out`;
    const results = r!.out as { outcome: string }[];
    return { changed: results.filter((x) => x.outcome !== 'same' && x.outcome !== 'skip').length, results };
  }
  await requireManaged(tx, ids);
  if (b.action === 'move') {
    await loadEditableBank(tx, b.targetBankId);
    const [r] = await tx`select app.move_questions(array${idList}, ${b.targetBankId}) as n`;
    return { changed: Number(r!.n) };
  }
  if (b.action === 'tag' || b.action === 'untag') {
    const tags = [...new Set(b.tags.map(plainText).filter(Boolean))];
    const res = b.action === 'tag'
      ? await tx`update app.questions q set tags = (select array(select distinct t from unnest(q.tags || array(select jsonb_array_elements_text(${tx.json(tags)}))) t order by 1)), updated_at = now()
          where q.id in ${idList} and not (q.tags @> array(select jsonb_array_elements_text(${tx.json(tags)})))`
      : await tx`update app.questions q set tags = array(select t from unnest(q.tags) t where t <> all (array(select jsonb_array_elements_text(${tx.json(tags)})))), updated_at = now()
          where q.id in ${idList} and q.tags && array(select jsonb_array_elements_text(${tx.json(tags)}))`;
    return { changed: res.count };
  }
  if (b.reason) await tx`select set_config('app.audit_reason', ${b.reason}, true)`;
  const res = b.action === 'retire'
    ? await tx`update app.questions set retired_at = now(), updated_at = now() where id in ${idList} and retired_at is null`
    : await tx`update app.questions set retired_at = null, updated_at = now() where id in ${idList} and retired_at is not null`;
  return { changed: res.count };
}

export { stemKeyOf };
