// Attempts as the taker sees them: starting or resuming (paper assembly), the runner state while
// in progress, and the review of a finished attempt as the exam's review policy allows. Reads run
// as the caller (RLS); keys for a review are fetched separately as service role, only when the
// policy shows right answers or explanations, and never for an attempt in progress.
import type { Claims } from './auth.ts';
import { asUser, asUserOneStatement, literal, type Tx } from './db.ts';
import {
  ATTEMPT_COLUMNS,
  attemptFromJson,
  attemptFromRow,
  bankForCaller,
  dbNow,
  loadExam,
  loadStartContext,
  paperSize,
  storedVersionFromRow,
  type AttemptSummaryRow,
  type Exam,
} from './exams.ts';
import { finaliseAttempt, keysFor } from './grading.ts';
import { HttpProblem, forbidden, notFound } from './http.ts';
import { assembleFor, planKey, planOf, type PlannedSlot } from './papers.ts';
import {
  canStartAttempt,
  computeDeadline,
  isOverdue,
  remainingMs,
  reviewPhase,
  reviewVisibility,
} from '../../src/core/attempt.ts';
import { effectiveWindow } from '../../src/core/exam-settings.ts';
import type { GradeState } from '../../src/core/grading.ts';
import { normaliseStoredPaper, reviewScore, reviewSlot, storedToPublic, type FinishedSlot, type StoredPublicVersion } from '../../src/core/paper.ts';
import type { QuestionPublic, QuestionResponse } from '../../src/core/questions.ts';

/** A problem with a machine-readable `code` the exam runner can switch on. */
export function examProblem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  const title = status === 403 ? 'Forbidden' : status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : 'Bad Request';
  return new HttpProblem(status, title, detail, { code, ...extra }, `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

export async function loadAttempt(tx: Tx, attemptId: string): Promise<AttemptSummaryRow | null> {
  const [row] = await tx`
    select ${tx.unsafe(ATTEMPT_COLUMNS)}, a.member_id = app_private.current_member_id() as mine from app.attempts a where a.id = ${attemptId}`;
  return row ? attemptFromRow(row) : null;
}

export interface SlotRow {
  slot: number;
  points: number;
  optionOrder: string[] | null;
  response: QuestionResponse;
  responseSeq: number;
  respondedAt: Date | null;
  flagged: boolean;
  state: GradeState | null;
  mark: number | null;
  comment: string | null;
  versionId: string;
  version: ReturnType<typeof storedVersionFromRow>;
}

export async function loadSlots(tx: Tx, attemptId: string): Promise<SlotRow[]> {
  const rows = await tx`
    select s.slot, s.points, s.option_order, s.response, s.response_seq, s.responded_at, s.flagged, s.state, s.mark, s.comment,
           v.id as version_id, v.question_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count
    from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
    where s.attempt_id = ${attemptId} order by s.slot`;
  return rows.map((r) => ({
    slot: Number(r.slot),
    points: Number(r.points),
    optionOrder: (r.option_order as string[] | null) ?? null,
    response: (r.response ?? null) as QuestionResponse,
    responseSeq: Number(r.response_seq),
    respondedAt: (r.responded_at as Date | null) ?? null,
    flagged: Boolean(r.flagged),
    state: (r.state as GradeState | null) ?? null,
    mark: r.mark === null ? null : Number(r.mark),
    comment: (r.comment as string | null) ?? null,
    versionId: r.version_id as string,
    version: storedVersionFromRow(r),
  }));
}

function examForRunner(exam: Exam) {
  const { questionCount, totalPoints } = paperSize(exam.blueprint);
  return {
    id: exam.id,
    title: exam.title,
    kind: exam.kind,
    timeLimitSec: exam.timeLimitSec,
    graceSec: exam.graceSec,
    focusLossLimit: exam.focusLossLimit,
    questionCount,
    totalPoints,
    passPercent: exam.passPercent,
  };
}

// The taker's view of a question version in a given option order, per function instance: the same
// for every taker who got that version in that order (at the bell, thousands of papers share 350
// versions), and never stale because versions are immutable. It is storedToPublic's output, so it
// holds no key, explanation or source. Bounded; the oldest entries go first.
const PUBLIC_VIEW_MAX = 50_000;
const publicViews = new Map<string, QuestionPublic>();

function publicView(v: StoredPublicVersion, optionOrder: string[] | null): QuestionPublic {
  const key = optionOrder ? `${v.versionId}${JSON.stringify(optionOrder)}` : v.versionId;
  let view = publicViews.get(key);
  if (!view) {
    view = storedToPublic(v, optionOrder);
    if (publicViews.size >= PUBLIC_VIEW_MAX) publicViews.delete(publicViews.keys().next().value!);
    publicViews.set(key, view);
  }
  return view;
}

/**
 * The runner's state of an attempt in progress. Built only from public columns: the question view
 * comes from storedToPublic's allow-list (cached per version and option order), so no key,
 * explanation or source can be in it.
 */
export function runnerPayload(a: AttemptSummaryRow, exam: Exam, slots: SlotRow[], now: Date) {
  return {
    attempt: {
      id: a.id,
      examId: a.examId,
      attemptNo: a.attemptNo,
      state: a.state,
      startedAt: a.startedAt.toISOString(),
      deadline: a.deadline?.toISOString() ?? null,
      graceSec: a.graceSec,
      serverNow: now.toISOString(),
      remainingMs: remainingMs({ state: a.state, deadline: a.deadline }, now),
      focusLosses: a.focusLosses,
    },
    exam: examForRunner(exam),
    slots: slots.map((s) => ({
      slot: s.slot,
      points: s.points,
      question: publicView(s.version, s.optionOrder),
      response: s.response,
      seq: s.responseSeq,
      flagged: s.flagged,
    })),
  };
}

type Outcome<T> = { kind: 'done'; value: T } | { kind: 'finalise'; attemptId: string };

/**
 * Runs `fn` as the caller; if it reports an overdue attempt, finalises that attempt as service
 * role (never nested: the embedded database has one session) and runs `fn` again.
 */
export async function withLazyFinalisation<T>(claims: Claims, fn: (tx: Tx) => Promise<Outcome<T>>): Promise<T> {
  for (let round = 0; round < 5; round++) {
    const out = await asUser(claims, fn);
    if (out.kind === 'done') return out.value;
    await finaliseAttempt(out.attemptId, 'auto');
  }
  throw new Error('lazy finalisation did not settle');
}

/** The first overdue attempt among these (to be finalised before answering). */
export function overdueOf(attempts: AttemptSummaryRow[], now: Date): string | null {
  return attempts.find((a) => isOverdue({ state: a.state, deadline: a.deadline }, now, a.graceSec))?.id ?? null;
}

/**
 * Inserts a new attempt with its paper: ONE row (migration 20261130000100), one call of
 * app.start_attempt sent with the caller's claims as one message and committed on its own. The
 * function checks once what RLS's WITH CHECK would (mine, at an exam offered to me); the database
 * checks the paper (slots 1..n, versions exist, points with 2 decimals) and the one live attempt;
 * slot rows appear only when a slot is first answered or graded. The paper must be normalised
 * (normaliseStoredPaper): the caller builds the runner payload from the same values the database stores.
 */
export async function insertAttempt(claims: Claims, a: {
  examId: string; attemptNo: number; seed: number; startedAt: Date; deadline: Date | null; graceSec: number;
  slots: PlannedSlot[];
}): Promise<AttemptSummaryRow> {
  const ts = (d: Date | null) => (d === null ? 'null' : `${literal(d.toISOString())}::timestamptz`);
  const [row] = await asUserOneStatement(claims, `
    select app.start_attempt(${literal(a.examId)}::uuid, ${literal(a.attemptNo)}, ${literal(a.seed)}, ${ts(a.startedAt)}, ${ts(a.deadline)},
                             ${literal(a.graceSec)}, ${literal(JSON.stringify(a.slots))}::jsonb) as a`);
  return attemptFromJson(row!.a as Record<string, unknown>);
}

/** The start/resume decision and, when starting, the new paper. Returns 201 for a new attempt. */
export async function startOrResume(claims: Claims, examId: string): Promise<{ created: boolean; payload: ReturnType<typeof runnerPayload> }> {
  // Two statements, each one message committed on its own (no BEGIN/COMMIT round trips): the
  // decision's inputs, then the insert, which re-checks in the database what must hold when it is
  // written (offered to me; one live attempt). Between them nothing is locked, as before in READ
  // COMMITTED: a second tab's start loses on the unique index and resumes the winner (below).
  for (let round = 0; round < 5; round++) {
    let out: Outcome<{ created: boolean; payload: ReturnType<typeof runnerPayload> }>;
    try {
      out = await (async (): Promise<typeof out> => {
        const ctx = await loadStartContext(claims, examId);
        const { now, exam, override, attempts, seen, bankRev } = ctx;
        if (!exam) throw examProblem(404, 'exam_not_found', 'There is no exam with this id, or it is not offered to you.');
        if (!exam.offered) {
          throw examProblem(403, 'not_offered', 'This exam is not offered to you: it is not assigned to your unit. If you think it should be, ask your trainer.');
        }
        const live = attempts.find((a) => a.state === 'in_progress') ?? null;
        const window = effectiveWindow(exam, override);
        const decision = canStartAttempt({
          attemptsUsed: attempts.filter((a) => a.state !== 'in_progress').length,
          attemptsAllowed: exam.attemptsAllowed,
          extraAttempts: override?.extraAttempts ?? 0,
          windowOpen: window.windowOpen,
          windowClose: window.windowClose,
          now,
          liveAttempt: live ? { id: live.id, state: live.state, deadline: live.deadline } : null,
          graceSec: live?.graceSec ?? exam.graceSec,
        });
        switch (decision.action) {
          case 'finalise_overdue':
            return { kind: 'finalise', attemptId: decision.attemptId };
          case 'refuse': {
            const status = decision.reason === 'no_attempts_left' ? 409 : 403;
            throw examProblem(status, decision.reason, decision.message, {
              window: { open: window.windowOpen?.toISOString() ?? null, close: window.windowClose?.toISOString() ?? null },
            });
          }
          case 'resume': {
            const a = live!;
            const slots = await asUser(claims, (tx) => loadSlots(tx, a.id));
            return { kind: 'done', value: { created: false, payload: runnerPayload(a, exam, slots, now) } };
          }
          case 'start': {
            const bank = await bankForCaller(claims, bankRev);
            // A paper prepared for this first attempt, still valid for today's bank and settings?
            const pre = ctx.prepared;
            const usable = pre !== null && attempts.length === 0 && pre.bankRev === bankRev && pre.planKey === planKey(exam)
              && pre.slots.every((p) => bank.byVersionId.has(p.vid));
            const seed = usable ? pre.seed : crypto.getRandomValues(new Uint32Array(1))[0]!;
            const plan = normaliseStoredPaper(usable ? pre.slots : planOf(assembleFor(exam, bank.candidates, seen, seed)));
            const deadline = computeDeadline({ startedAt: now, timeLimitSec: exam.timeLimitSec, extraTimeSec: override?.extraTimeSec ?? 0, windowClose: window.windowClose });
            const attemptNo = attempts.reduce((n, a) => Math.max(n, a.attemptNo), 0) + 1;
            const attempt = await insertAttempt(claims, {
              examId, attemptNo, seed, startedAt: now, deadline, graceSec: exam.graceSec,
              slots: plan,
            });
            // The runner payload from the paper just stored (nothing to read back): a new slot is
            // unanswered, seq 0, not flagged; points exactly as stored (normalised above).
            const slots: SlotRow[] = plan.map((p) => ({
              slot: p.slot,
              points: p.points,
              optionOrder: p.oo,
              response: null,
              responseSeq: 0,
              respondedAt: null,
              flagged: false,
              state: null,
              mark: null,
              comment: null,
              versionId: p.vid,
              version: bank.byVersionId.get(p.vid)!,
            }));
            return { kind: 'done', value: { created: true, payload: runnerPayload(attempt, exam, slots, now) } };
          }
        }
      })();
    } catch (err) {
      // Two tabs starting at once: the partial unique index lets one insert win; the other's
      // insert fails and the next round finds (and resumes) the winner's attempt.
      if ((err as { code?: string }).code === '23505' && round < 4) continue;
      throw err;
    }
    if (out.kind === 'done') return out.value;
    await finaliseAttempt(out.attemptId, 'auto');
  }
  throw new Error('could not start or resume the attempt');
}

/** The caller's own attempt: the runner state while in progress, otherwise the review. */
export async function attemptView(claims: Claims, attemptId: string) {
  const loaded = await withLazyFinalisation(claims, async (tx) => {
    const now = await dbNow(tx);
    const a = await loadAttempt(tx, attemptId);
    if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id among yours.');
    if (!a.mine) throw examProblem(403, 'not_your_attempt', 'This attempt belongs to someone else. Trainers see it under /api/manage/attempts/.');
    if (isOverdue({ state: a.state, deadline: a.deadline }, now, a.graceSec)) return { kind: 'finalise' as const, attemptId: a.id };
    const exam = await loadExam(tx, a.examId);
    if (!exam) throw notFound('The exam of this attempt is no longer available.');
    const slots = await loadSlots(tx, a.id);
    return { kind: 'done' as const, value: { now, a, exam, slots } };
  });
  const { now, a, exam, slots } = loaded;
  if (a.state === 'in_progress') return { inProgress: true as const, body: runnerPayload(a, exam, slots, now) };
  // The `closed` phase starts when the exam has closed for everyone or its review was released
  // (exam.reviewReleaseAt), never at this person's own window: see docs/decisions/scope-and-key-release.md.
  return { inProgress: false as const, body: await reviewPayload(a, exam, slots, exam.reviewReleaseAt, now) };
}

/** A finished attempt as the review policy allows for the current phase (`releaseAt`: exam.reviewReleaseAt). */
export async function reviewPayload(a: AttemptSummaryRow, exam: Exam, slots: SlotRow[], releaseAt: Date | null, now: Date) {
  const phase = reviewPhase({ state: a.state, finishedAt: a.finishedAt, windowClose: releaseAt, now });
  const flags = reviewVisibility(exam.reviewPolicy, phase);
  const versions = flags.rightAnswers || flags.explanations ? await keysFor(slots.map((s) => s.versionId)) : new Map();
  return {
    attempt: {
      id: a.id,
      examId: a.examId,
      attemptNo: a.attemptNo,
      state: a.state,
      startedAt: a.startedAt.toISOString(),
      deadline: a.deadline?.toISOString() ?? null,
      finishedAt: a.finishedAt?.toISOString() ?? null,
      serverNow: now.toISOString(),
      focusLosses: a.focusLosses,
    },
    exam: examForRunner(exam),
    review: { phase, ...flags },
    result: reviewScore({ score: a.score, maxScore: a.maxScore, percent: a.percent, passed: a.passed, needsGrading: a.needsGrading }, flags),
    slots: slots.map((s) => {
      const finished: FinishedSlot = {
        slot: s.slot, points: s.points, question: storedToPublic(s.version, s.optionOrder), response: s.response,
        flagged: s.flagged, state: s.state, mark: s.mark, comment: s.comment,
      };
      return reviewSlot(finished, flags, versions.get(s.versionId));
    }),
  };
}
