// Rule changes and the review list (docs/decisions/question-banks.md, "Rule changes"). Recording a
// change flags every citing question and lesson in the database (app_private.apply_rule_change);
// flagged questions stay out of new papers until reviewed: keep / retire here, edit through the
// editor's save with resolveReview.
import { z } from 'zod';
import type { Tx } from '../db.ts';
import { bankProblem } from './banks.ts';

export const RuleChangeSchema = z.strictObject({
  instrumentId: z.string().min(1).max(80),
  article: z.number().int().min(1).max(10000).nullable().default(null),
  change: z.enum(['amended', 'superseded', 'repealed']),
  note: z.string().max(2000).default(''),
  effectiveOn: z.iso.date().nullable().default(null),
});

export const ReviewSchema = z.strictObject({
  action: z.enum(['keep', 'retire']),
  note: z.string().max(500).default(''),
});

export async function recordRuleChange(tx: Tx, input: z.infer<typeof RuleChangeSchema>) {
  const [inst] = await tx`select id from app.instruments where id = ${input.instrumentId} and retired_at is null`;
  if (!inst) throw bankProblem(400, 'unknown_instrument', `"${input.instrumentId}" is not in the regulation register.`, { errors: { instrumentId: 'Pick an instrument from the register.' } });
  const [row] = await tx`
    insert into app.rule_changes (instrument_id, article, change, note, effective_on, origin, created_by)
    values (${input.instrumentId}, ${input.article}, ${input.change}, ${input.note}, ${input.effectiveOn}::date, 'trainer', app_private.current_member_id())
    returning id, flagged_questions, flagged_lessons`;
  return { id: Number(row!.id), flaggedQuestions: Number(row!.flagged_questions), flaggedLessons: Number(row!.flagged_lessons) };
}

export async function reviewList(tx: Tx) {
  const questions = await tx`
    select q.id, q.bank, b.name as bank_name, v.type, v.stem, v.source, q.review_flagged_at, q.review_reason,
           app_private.reviews_question(q.id) as can_review, b.read_only
    from app.questions q
    join app.banks b on b.id = q.bank
    join app.question_versions v on v.id = q.current_version_id
    where q.review_flagged_at is not null and q.retired_at is null
      and (b.read_only or app_private.manages_bank(b.id))
    order by q.review_flagged_at desc, q.id
    limit 1000`;
  const lessons = await tx`
    select id, title, module, review_flagged_at, review_reason from app.lessons
    where review_flagged_at is not null and retired_at is null order by review_flagged_at desc, id`;
  const changes = await tx`
    select c.id, c.instrument_id, i.short_title, c.article, c.change, c.note, c.effective_on::text as effective_on, c.origin,
           c.created_at, m.name as created_by_name, c.flagged_questions, c.flagged_lessons
    from app.rule_changes c join app.instruments i on i.id = c.instrument_id left join app.members m on m.id = c.created_by
    order by c.created_at desc, c.id desc limit 100`;
  const instruments = await tx`select id, title, short_title, status from app.instruments where retired_at is null order by short_title`;
  return {
    questions: questions.map((q) => ({
      id: q.id as string, bankId: q.bank as string, bankName: q.bank_name as string, official: Boolean(q.read_only),
      type: q.type as string, stem: q.stem as string, source: q.source ?? {},
      flaggedAt: (q.review_flagged_at as Date).toISOString(), reason: q.review_reason ?? null,
      canReview: Boolean(q.can_review), canRetire: Boolean(q.can_review) && !q.read_only,
    })),
    lessons: lessons.map((l) => ({ id: l.id as string, title: l.title as string, module: l.module as string, flaggedAt: (l.review_flagged_at as Date).toISOString(), reason: l.review_reason ?? null })),
    ruleChanges: changes.map((c) => ({
      id: Number(c.id), instrumentId: c.instrument_id as string, instrumentTitle: c.short_title as string, article: c.article === null ? null : Number(c.article),
      change: c.change as string, note: c.note as string, effectiveOn: (c.effective_on as string | null) ?? null, origin: c.origin as string,
      createdAt: (c.created_at as Date).toISOString(), createdBy: (c.created_by_name as string | null) ?? null,
      flaggedQuestions: Number(c.flagged_questions), flaggedLessons: Number(c.flagged_lessons),
    })),
    instruments: instruments.map((i) => ({ id: i.id as string, title: i.title as string, short: i.short_title as string, status: i.status as string })),
  };
}

export async function reviewQuestion(tx: Tx, id: string, input: z.infer<typeof ReviewSchema>) {
  const [q] = await tx`select id from app.questions where id = ${id}`;
  if (!q) throw bankProblem(404, 'question_not_found', `There is no question "${id}".`);
  const [r] = await tx`select app.review_question(${id}, ${input.action}, ${input.note}) as out`;
  return r!.out;
}

export async function reviewLesson(tx: Tx, id: string, note: string) {
  const [l] = await tx`select id from app.lessons where id = ${id}`;
  if (!l) throw bankProblem(404, 'lesson_not_found', `There is no lesson "${id}".`);
  const [r] = await tx`select app.review_lesson(${id}, ${note}) as out`;
  return r!.out;
}
