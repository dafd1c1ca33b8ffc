// Pre-assembled papers (ARCHITECTURE §9 "pre-assemble papers, or stagger"): before a synchronised
// start, a trainer/admin has every member the exam is offered to (and who has not attempted it yet)
// get their paper assembled now, exactly as a start would (same blueprint, exam settings, seen
// questions, bank). A start then only inserts it (functions/_lib/attempts.ts#startOrResume). A
// prepared paper is used only for the member's first attempt and only while the bank revision and
// the exam's paper settings are unchanged; otherwise the start assembles as usual.
import type { Claims } from './auth.ts';
import { asService, asUser, literal, type Tx } from './db.ts';
import { bankAt, loadExam, type Exam } from './exams.ts';
import { examProblem } from './attempts.ts';
import { forbidden } from './http.ts';
import { requireRole } from './manage.ts';
import { assemblePaper, BlueprintError, type PaperSlot } from '../../src/core/assembly.ts';
import { storedPaperOf, type StoredPaperSlot } from '../../src/core/paper.ts';

/** A slot of a stored plan: what app.attempts.paper gets (src/core/paper.ts#StoredPaperSlot). */
export type PlannedSlot = StoredPaperSlot;

/** What a paper depends on besides the bank: a prepared paper is void when this changes. */
export function planKey(exam: Exam): string {
  return JSON.stringify({ blueprint: exam.blueprint, multipleRule: exam.multipleRule, shuffleQuestions: exam.shuffleQuestions, shuffleOptions: exam.shuffleOptions });
}

export function assembleFor(exam: Exam, candidates: Parameters<typeof assemblePaper>[0]['candidates'], seen: ReadonlySet<string>, seed: number): PaperSlot[] {
  try {
    return assemblePaper({
      blueprint: { ...exam.blueprint, multipleRule: exam.multipleRule, shuffleQuestions: exam.shuffleQuestions, shuffleOptions: exam.shuffleOptions },
      candidates,
      seen: seen as Set<string>,
      seed,
    });
  } catch (err) {
    if (err instanceof BlueprintError) {
      // The bank changed since the exam was created (questions retired). Not the taker's fault.
      console.error(`[assemble paper] exam ${exam.id}: ${err.message}`);
      throw examProblem(409, 'paper_unavailable', 'A paper cannot be put together for this exam right now because the question bank has changed. Tell your trainer; your attempts are not affected.');
    }
    throw err;
  }
}

export function planOf(paper: PaperSlot[]): PlannedSlot[] {
  return storedPaperOf(paper);
}

const CHUNK = 500;

/** POST /api/exams/:examId/papers: prepare papers for everyone who may still start the exam. */
export async function preparePapers(claims: Claims, examId: string): Promise<{ prepared: number; bankRevision: string }> {
  const exam = await asUser(claims, async (tx) => {
    await requireRole(tx, ['trainer', 'admin'], 'trainers and administrators');
    const e = await loadExam(tx, examId);
    if (!e) throw examProblem(404, 'exam_not_found', 'There is no exam with this id that you can see.');
    if (!e.manages) throw forbidden('Only trainers and administrators whose scope contains the exam can prepare its papers.');
    return e;
  });
  return asService(async (tx: Tx) => {
    const [{ rev }] = (await tx`select rev::text as rev from app.bank_revision`) as unknown as [{ rev: string }];
    const bank = await bankAt(tx, rev);
    const id = literal(examId);
    // Offered to = the exam's audience (app.exam_audience_of, the same rule as exam_offered_to_me);
    // seen = questions in earlier attempts or practice (as loadSeenQuestionIds).
    const members = await tx.unsafe(`
      select m.id, coalesce((select jsonb_agg(x.q) from (
          select v.question_id as q from app.attempts a
            cross join lateral jsonb_to_recordset(a.paper) as s(vid uuid)
            join app.question_versions v on v.id = s.vid
          where a.member_id = m.id
          union
          select p.question_id from app.practice_answers p where p.member_id = m.id) x), '[]'::jsonb) as seen
      from app.members m join app.org_units own on own.id = m.org_unit_id
      where m.active
        and not exists (select 1 from app.attempts a where a.exam_id = ${id}::uuid and a.member_id = m.id)
        -- Units (with subtree), overrides, named people and roles (migration 20261201000200).
        and m.id in (select x.member_id from app.exam_audience_of(${id}::uuid) x)`);
    const key = planKey(exam);
    const rows = members.map((m) => {
      const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
      return { member_id: m.id as string, seed, slots: planOf(assembleFor(exam, bank.candidates, new Set(m.seen as string[]), seed)) };
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await tx.unsafe(`
        insert into app.prepared_papers (exam_id, member_id, seed, bank_rev, plan_key, slots)
        select ${id}::uuid, r.member_id, r.seed, ${literal(rev)}::bigint, ${literal(key)}, r.slots
        from jsonb_to_recordset(${literal(JSON.stringify(rows.slice(i, i + CHUNK)))}::jsonb) as r(member_id uuid, seed bigint, slots jsonb)
        on conflict (exam_id, member_id) do update
          set seed = excluded.seed, bank_rev = excluded.bank_rev, plan_key = excluded.plan_key, slots = excluded.slots, prepared_at = now()`);
    }
    return { prepared: rows.length, bankRevision: rev };
  });
}
