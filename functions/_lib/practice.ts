// Practice data: the pool of practisable questions, the caller's FSRS cards and wrong-answer book,
// and public question views. Runs as the caller (RLS: own cards and answers only).
//
// Practice, the wrong-answer book and lesson knowledge checks serve OPEN questions only: a question
// is open when it and its bank are both open (migration 20261130000200). A closed (exam-only)
// question never reaches them, so its key leaves the server only through an exam review, as that
// exam's policy allows (docs/decisions/scope-and-key-release.md).
import type { Tx } from './db.ts';
import { storedVersionFromRow } from './exams.ts';
import { parseCardState, type CardState } from '../../src/core/scheduling.ts';
import { PRACTICE_TYPES } from '../../src/core/practice.ts';
import { storedToPublic, type StoredPublicVersion } from '../../src/core/paper.ts';

export interface CardRow {
  questionId: string;
  topic: string;
  card: CardState;
  dueAt: Date;
  lastCorrect: boolean;
  inWrongBook: boolean;
  wrongCount: number;
  reps: number;
  lapses: number;
}

/**
 * The one definition of "published for study", as a condition on `app.questions q`. Both filters
 * are explicit: RLS already hides closed banks from employees, but a trainer sees their own.
 */
export const openQuestion = (tx: Tx) =>
  tx`q.visibility = 'open' and exists (select 1 from app.banks b where b.id = q.bank and b.visibility = 'open')`;

export async function loadPool(tx: Tx): Promise<{ questionId: string; topic: string; family: string | null }[]> {
  // variant_family: a session asks at most one of a family (src/core/practice.ts onePerFamily).
  const rows = await tx`
    select q.id, q.topic, q.variant_family from app.questions q join app.question_versions v on v.id = q.current_version_id
    where q.retired_at is null and ${openQuestion(tx)} and v.type in (select jsonb_array_elements_text(${tx.json([...PRACTICE_TYPES])}))
    order by q.id`;
  return rows.map((r) => ({ questionId: r.id as string, topic: r.topic as string, family: (r.variant_family as string | null) ?? null }));
}

export async function loadMyCards(tx: Tx): Promise<CardRow[]> {
  const rows = await tx`
    select c.question_id, q.topic, c.card, c.due_at, c.last_correct, c.in_wrong_book, c.wrong_count, c.reps, c.lapses
    from app.practice_cards c join app.questions q on q.id = c.question_id
    where c.member_id = app_private.current_member_id() and ${openQuestion(tx)}`;
  return rows.map((r) => ({
    questionId: r.question_id as string,
    topic: r.topic as string,
    card: parseCardState(r.card),
    dueAt: r.due_at as Date,
    lastCorrect: Boolean(r.last_correct),
    inWrongBook: Boolean(r.in_wrong_book),
    wrongCount: Number(r.wrong_count),
    reps: Number(r.reps),
    lapses: Number(r.lapses),
  }));
}

/** Current versions (public columns) of the given open questions, in the given order; closed ones are left out. */
export async function loadCurrentVersions(tx: Tx, questionIds: readonly string[]): Promise<StoredPublicVersion[]> {
  if (questionIds.length === 0) return [];
  const rows = await tx`
    select q.id as question_id, v.id as version_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count
    from app.questions q join app.question_versions v on v.id = q.current_version_id
    where q.retired_at is null and ${openQuestion(tx)} and q.id in (select jsonb_array_elements_text(${tx.json([...questionIds])}))`;
  const byId = new Map(rows.map((r) => [r.question_id as string, storedVersionFromRow(r)]));
  return questionIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export const publicOf = (v: StoredPublicVersion) => storedToPublic(v, null);

/**
 * True when the question is on a paper of one of the caller's unfinished attempts. Practice feedback (right answer, explanation) for such a question would leak the key
 * mid-exam, because exams and practice share the bank.
 */
export async function isInMyLiveAttempt(tx: Tx, questionId: string): Promise<boolean> {
  const [row] = await tx`
    select exists (
      select 1 from app.attempts a
      join app.attempt_slots s on s.attempt_id = a.id
      join app.question_versions v on v.id = s.question_version_id
      where a.member_id = app_private.current_member_id() and a.state = 'in_progress' and v.question_id = ${questionId}
    ) as live`;
  return Boolean(row?.live);
}
