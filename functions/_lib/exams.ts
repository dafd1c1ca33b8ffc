// Exams as the API shows them: row mapping, the caller's override and attempts, the bank's
// current versions (assembly candidates), and the summary the exam list and start page show.
// Everything here runs inside the caller's transaction, so RLS decides what is found.
import type { Claims } from './auth.ts';
import { asUser, asUserOneStatement, literal, type Tx } from './db.ts';
import type { Blueprint, Candidate } from '../../src/core/assembly.ts';
import {
  overallGrade,
  reviewPhase,
  reviewReleaseAt,
  reviewVisibility,
  type AttemptState,
  type GradingMethod,
  type ReviewPolicy,
} from '../../src/core/attempt.ts';
import type { MultipleRule } from '../../src/core/grading.ts';
import { roundTo, SCORE_DECIMALS } from '../../src/core/grading.ts';
import { attemptsAllowedFor, availability, effectiveWindow, type ExamKind } from '../../src/core/exam-settings.ts';
import { candidateFromStored, type StoredPublicVersion } from '../../src/core/paper.ts';
import type { QuestionType } from '../../src/core/questions.ts';

export interface Exam {
  id: string;
  title: string;
  description: string;
  kind: ExamKind;
  status: string;
  ownerOrgId: string;
  windowOpen: Date | null;
  windowClose: Date | null;
  timeLimitSec: number | null;
  graceSec: number;
  attemptsAllowed: number;
  gradingMethod: GradingMethod;
  passPercent: number;
  multipleRule: MultipleRule;
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  focusLossLimit: number;
  reviewPolicy: ReviewPolicy;
  blueprint: Blueprint;
  /** Published and assigned to the caller's unit (or an ancestor), or the caller has an override. */
  offered: boolean;
  /** The caller is a trainer/HR/admin whose scope contains the exam's owner unit. */
  manages: boolean;
  /** A trainer released the review before the close on purpose (audited), or null. */
  reviewReleasedAt: Date | null;
  /**
   * When reviews enter the `closed` phase for everyone (src/core reviewReleaseAt): the exam closed
   * for everyone, or the trainer's release. Null = not known or never: keys stay withheld, so a
   * query that does not select closes_for_everyone_at fails safe.
   */
  reviewReleaseAt: Date | null;
}

export interface OverrideRow {
  extraTimeSec: number;
  extraAttempts: number;
  windowOpen: Date | null;
  windowClose: Date | null;
}

export interface AttemptSummaryRow {
  id: string;
  examId: string;
  memberId: string;
  attemptNo: number;
  state: AttemptState;
  seed: number;
  startedAt: Date;
  deadline: Date | null;
  graceSec: number;
  finishedAt: Date | null;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
  needsGrading: boolean;
  focusLosses: number;
  mine: boolean;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function examFromRow(r: Record<string, unknown>): Exam {
  return {
    id: r.id as string,
    title: r.title as string,
    description: r.description as string,
    kind: r.kind as ExamKind,
    status: r.status as string,
    ownerOrgId: r.owner_org_id as string,
    windowOpen: (r.window_open as Date | null) ?? null,
    windowClose: (r.window_close as Date | null) ?? null,
    timeLimitSec: num(r.time_limit_sec),
    graceSec: Number(r.grace_sec),
    attemptsAllowed: Number(r.attempts_allowed),
    gradingMethod: r.grading_method as GradingMethod,
    passPercent: Number(r.pass_percent),
    multipleRule: r.multiple_rule as MultipleRule,
    shuffleQuestions: Boolean(r.shuffle_questions),
    shuffleOptions: Boolean(r.shuffle_options),
    focusLossLimit: Number(r.focus_loss_limit),
    reviewPolicy: r.review_policy as ReviewPolicy,
    blueprint: r.blueprint as Blueprint,
    offered: Boolean(r.offered),
    manages: Boolean(r.manages),
    reviewReleasedAt: (r.review_released_at as Date | null | undefined) ?? null,
    reviewReleaseAt: reviewReleaseAt({
      closesForEveryoneAt: (r.closes_for_everyone_at as Date | null | undefined) ?? null,
      releasedAt: (r.review_released_at as Date | null | undefined) ?? null,
    }),
  };
}

export function attemptFromRow(r: Record<string, unknown>): AttemptSummaryRow {
  return {
    id: r.id as string,
    examId: r.exam_id as string,
    memberId: r.member_id as string,
    attemptNo: Number(r.attempt_no),
    state: r.state as AttemptState,
    seed: Number(r.seed),
    startedAt: r.started_at as Date,
    deadline: (r.deadline as Date | null) ?? null,
    graceSec: Number(r.grace_sec),
    finishedAt: (r.finished_at as Date | null) ?? null,
    score: num(r.score),
    maxScore: num(r.max_score),
    percent: num(r.percent),
    passed: (r.passed as boolean | null) ?? null,
    needsGrading: Boolean(r.needs_grading),
    focusLosses: Number(r.focus_losses),
    mine: Boolean(r.mine),
  };
}

/**
 * The attempt columns the API reads, i.e. all but the paper (migration 20261130000100): the paper
 * is read as slots (loadSlots, app.attempt_slots) only where they are needed, not with every
 * attempt list. For `select ${ATTEMPT_COLUMNS} from app.attempts a` in unsafe statements.
 */
export const ATTEMPT_COLUMNS = 'a.id, a.exam_id, a.member_id, a.attempt_no, a.state, a.seed, a.started_at, a.deadline, a.grace_sec, '
  + 'a.finished_at, a.score, a.max_score, a.percent, a.passed, a.needs_grading, a.graded_at, a.focus_losses';

/** The database's clock: deadlines, RLS (clock_timestamp()) and stamps all use the same time. */
export async function dbNow(tx: Tx): Promise<Date> {
  const [row] = await tx`select clock_timestamp() as now`;
  return row!.now as Date;
}

const EXAM_SELECT = (tx: Tx) => tx`
  select e.*, app_private.exam_offered_to_me(e.id) as offered, app_private.can_manage_org(e.owner_org_id) as manages,
         app_private.exam_closes_for_everyone_at(e.id) as closes_for_everyone_at
  from app.exams e`;

export async function loadExam(tx: Tx, examId: string): Promise<Exam | null> {
  const [row] = await tx`${EXAM_SELECT(tx)} where e.id = ${examId}`;
  return row ? examFromRow(row) : null;
}

/** Exams offered to the caller (published and assigned to their unit or an ancestor, or overridden for them). */
export async function loadOfferedExams(tx: Tx): Promise<Exam[]> {
  const rows = await tx`${EXAM_SELECT(tx)} where app_private.exam_offered_to_me(e.id)
    order by e.window_close nulls last, e.created_at desc`;
  return rows.map(examFromRow);
}

export async function loadMyOverrides(tx: Tx, examIds: string[]): Promise<Map<string, OverrideRow>> {
  const rows = await tx`
    select exam_id, extra_time_sec, extra_attempts, window_open, window_close from app.exam_overrides
    where member_id = app_private.current_member_id()
      and exam_id in (select jsonb_array_elements_text(${tx.json(examIds)})::uuid)`;
  return new Map(rows.map((r) => [r.exam_id as string, {
    extraTimeSec: Number(r.extra_time_sec), extraAttempts: Number(r.extra_attempts),
    windowOpen: (r.window_open as Date | null) ?? null, windowClose: (r.window_close as Date | null) ?? null,
  }]));
}

export async function loadMyAttempts(tx: Tx, examIds: string[] | null): Promise<AttemptSummaryRow[]> {
  const rows = examIds
    ? await tx`select ${tx.unsafe(ATTEMPT_COLUMNS)}, true as mine from app.attempts a
        where a.member_id = app_private.current_member_id()
          and a.exam_id in (select jsonb_array_elements_text(${tx.json(examIds)})::uuid)
        order by a.exam_id, a.attempt_no`
    : await tx`select ${tx.unsafe(ATTEMPT_COLUMNS)}, true as mine from app.attempts a
        where a.member_id = app_private.current_member_id() order by a.started_at desc`;
  return rows.map(attemptFromRow);
}

/** Current versions of active questions: what a new paper is drawn from. */
export async function loadCandidates(tx: Tx): Promise<StoredPublicVersion[]> {
  const rows = await tx`
    select q.id as question_id, q.bank, q.variant_family, v.id as version_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count
    from app.questions q join app.question_versions v on v.id = q.current_version_id
    -- Variants of one question (variant_family, migration 20261201000950) never share a paper.
    -- A question a rule change flagged "needs review" (migration 20261201000150) stays out of new
    -- papers until a trainer reviews it; the flag bumps the bank revision, so caches reload.
    where q.retired_at is null and q.review_flagged_at is null`;
  return rows.map(storedVersionFromRow);
}

/**
 * The bank's current versions as assembly candidates, kept per function instance and reloaded when
 * app.bank_revision moves (every change to app.questions bumps it; `rev` is read by the caller in the
 * same statement as its other start-up reads). Versions are immutable, so a cached version is
 * always right; only the set of current ones can change.
 */
export interface Bank {
  rev: string;
  versions: StoredPublicVersion[];
  candidates: Candidate[];
  byVersionId: Map<string, StoredPublicVersion>;
}
let bank: Bank | null = null;

export async function bankAt(tx: Tx, rev: string): Promise<Bank> {
  if (bank && bank.rev === rev) return bank;
  const versions = await loadCandidates(tx);
  bank = { rev, versions, candidates: versions.map(candidateFromStored), byVersionId: new Map(versions.map((v) => [v.versionId, v])) };
  return bank;
}

/** What a start or resume needs to decide, in one statement (one round trip). */
export interface StartContext {
  now: Date;
  exam: Exam | null;
  override: OverrideRow | null;
  attempts: AttemptSummaryRow[];
  seen: Set<string>;
  bankRev: string;
  /** A paper prepared for the caller (POST /api/exams/:examId/papers), if any. */
  prepared: { seed: number; bankRev: string; planKey: string; slots: { slot: number; vid: string; points: number; oo: string[] | null }[] } | null;
}

const ATTEMPT_DATES = ['started_at', 'deadline', 'finished_at', 'graded_at'] as const;
const EXAM_DATES = ['window_open', 'window_close', 'created_at', 'updated_at', 'review_released_at'] as const;
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** An attempt row as app.start_context / app.start_attempt return it (JSON: dates are strings). */
export function attemptFromJson(a: Record<string, unknown>): AttemptSummaryRow {
  const fixed: Record<string, unknown> = { ...a };
  for (const k of ATTEMPT_DATES) fixed[k] = date(a[k]);
  return attemptFromRow(fixed);
}

/**
 * One call of app.start_context (migration 20261130000100 §6), sent with the caller's claims as one
 * message and committed on its own: the exam as RLS shows it with `offered`/`manages`, my override,
 * attempts, seen questions, the bank revision and my prepared paper. Plans are cached per pooled
 * session inside the function, and each access check runs once.
 */
export async function loadStartContext(claims: Claims, examId: string): Promise<StartContext> {
  const [r] = await asUserOneStatement(claims, `select app.start_context(${literal(examId)}::uuid) as c`);
  const row = r!.c as Record<string, unknown>;
  const e = row.exam as Record<string, unknown> | null;
  const o = row.my_override as Record<string, unknown> | null;
  let exam: Exam | null = null;
  if (e) {
    const fixed: Record<string, unknown> = { ...e };
    for (const k of EXAM_DATES) if (k in e) fixed[k] = date(e[k]);
    exam = examFromRow(fixed);
  }
  const p = row.prepared as Record<string, unknown> | null;
  return {
    now: new Date(row.now as string),
    exam,
    override: o ? { extraTimeSec: Number(o.extra_time_sec), extraAttempts: Number(o.extra_attempts), windowOpen: date(o.window_open), windowClose: date(o.window_close) } : null,
    attempts: (row.my_attempts as Record<string, unknown>[]).map(attemptFromJson),
    seen: new Set(row.seen as string[]),
    bankRev: String(row.bank_rev),
    prepared: p ? { seed: Number(p.seed), bankRev: String(p.bank_rev), planKey: String(p.plan_key), slots: p.slots as never } : null,
  };
}

/** The bank at revision `rev`: the instance cache, or loaded as the caller when it moved. */
export async function bankForCaller(claims: Claims, rev: string): Promise<Bank> {
  if (bank && bank.rev === rev) return bank;
  return asUser(claims, (tx) => bankAt(tx, rev));
}

export function storedVersionFromRow(r: Record<string, unknown>): StoredPublicVersion {
  return {
    questionId: r.question_id as string,
    versionId: r.version_id as string,
    type: r.type as QuestionType,
    topic: r.topic as string,
    difficulty: Number(r.difficulty),
    stem: r.stem as string,
    options: (r.options as StoredPublicVersion['options']) ?? null,
    blankCount: Number(r.blank_count ?? 0),
    ...(typeof r.bank === 'string' ? { bank: r.bank } : {}),
    ...(typeof r.variant_family === 'string' ? { family: r.variant_family } : {}),
  };
}

/** Question ids the caller has been shown: in their earlier attempts or in practice. */
export async function loadSeenQuestionIds(tx: Tx): Promise<Set<string>> {
  const rows = await tx`
    select v.question_id from app.attempts a
      cross join lateral jsonb_to_recordset(a.paper) as s(vid uuid)
      join app.question_versions v on v.id = s.vid
    where a.member_id = app_private.current_member_id()
    union
    select question_id from app.practice_answers where member_id = app_private.current_member_id()`;
  return new Set(rows.map((r) => r.question_id as string));
}

export function paperSize(blueprint: Blueprint): { questionCount: number; totalPoints: number } {
  let questionCount = 0;
  let totalPoints = 0;
  for (const s of blueprint.sections) {
    questionCount += s.count;
    totalPoints += s.count * s.points;
  }
  return { questionCount, totalPoints: roundTo(totalPoints, SCORE_DECIMALS) };
}

/**
 * Score fields of one attempt as its review phase allows (null = hidden or not known yet).
 * `releaseAt` is the exam's exam.reviewReleaseAt (when the `closed` phase starts for everyone).
 */
export function attemptResultView(exam: Exam, a: AttemptSummaryRow, releaseAt: Date | null, now: Date) {
  const phase = reviewPhase({ state: a.state, finishedAt: a.finishedAt, windowClose: releaseAt, now });
  const flags = reviewVisibility(exam.reviewPolicy, phase);
  const show = flags.score && a.state !== 'in_progress';
  return {
    id: a.id,
    attemptNo: a.attemptNo,
    state: a.state,
    startedAt: a.startedAt.toISOString(),
    deadline: a.deadline?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
    needsGrading: a.needsGrading,
    scoreVisible: show,
    score: show ? a.score : null,
    maxScore: show ? a.maxScore : null,
    percent: show ? a.percent : null,
    passed: show ? a.passed : null,
    reviewPhase: phase,
  };
}

/** What the exam list and the start page show for one exam and the caller. */
export function examSummary(exam: Exam, override: OverrideRow | null, attempts: AttemptSummaryRow[], now: Date) {
  const window = effectiveWindow(exam, override);
  const live = attempts.find((a) => a.state === 'in_progress') ?? null;
  const used = attempts.filter((a) => a.state !== 'in_progress').length;
  const allowed = attemptsAllowedFor(exam.attemptsAllowed, override?.extraAttempts ?? 0);
  // Review phases follow the exam's release for everyone, not this person's own window (a window
  // closed early for one person must not show them the key while others still sit the exam).
  const views = attempts.map((a) => attemptResultView(exam, a, exam.reviewReleaseAt, now));
  // The overall grade only counts attempts whose score the review policy lets the person see.
  const visible = attempts.filter((_, i) => views[i]!.scoreVisible);
  const overall = overallGrade(visible.map((a) => ({ state: a.state, startedAt: a.startedAt, score: a.score })), exam.gradingMethod);
  const { questionCount, totalPoints } = paperSize(exam.blueprint);
  const maxScore = visible.find((a) => a.maxScore !== null)?.maxScore ?? totalPoints;
  const overallPercent = overall === null || maxScore <= 0 ? null : roundTo((overall / maxScore) * 100, SCORE_DECIMALS);
  return {
    id: exam.id,
    title: exam.title,
    description: exam.description,
    kind: exam.kind,
    state: availability(window, now),
    window: { open: window.windowOpen?.toISOString() ?? null, close: window.windowClose?.toISOString() ?? null },
    timeLimitSec: exam.timeLimitSec,
    extraTimeSec: override?.extraTimeSec ?? 0,
    graceSec: exam.graceSec,
    questionCount,
    totalPoints,
    passPercent: exam.passPercent,
    gradingMethod: exam.gradingMethod,
    focusLossLimit: exam.focusLossLimit,
    attempts: { used, allowed, remaining: allowed === 0 ? null : Math.max(0, allowed - used) },
    liveAttemptId: live?.id ?? null,
    grade: overall === null ? null : {
      method: exam.gradingMethod,
      score: overall,
      maxScore,
      percent: overallPercent,
      passed: overallPercent === null ? null : overall * 100 >= exam.passPercent * maxScore - 1e-9,
    },
    myAttempts: views,
  };
}
