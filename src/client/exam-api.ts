// Browser-side types and calls for the exam and practice API (functions/exams*.ts, attempts*.ts,
// practice*.ts). The island code uses only these types; when a payload changes, adapt it here.
import { api } from './api.ts';
import type { QuestionPublic, QuestionResponse, Source } from '../core/questions.ts';
import type { AttemptState, ReviewFlags } from '../core/attempt.ts';

export type { QuestionPublic, QuestionResponse, Source, AttemptState, ReviewFlags };

export type ExamKind = 'practice' | 'exam' | 'mock_contest';
export type ExamAvailability = 'open' | 'upcoming' | 'closed';

/** One of my attempts as the exam list shows it (score fields null unless the policy shows them). */
export interface MyAttemptView {
  id: string;
  attemptNo: number;
  state: AttemptState;
  startedAt: string;
  deadline: string | null;
  finishedAt: string | null;
  needsGrading: boolean;
  scoreVisible: boolean;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
}

/** GET /api/exams (list items) and GET /api/exams/:examId (functions/_lib/exams.ts examSummary). */
export interface ExamSummary {
  id: string;
  title: string;
  description: string;
  kind: ExamKind;
  state: ExamAvailability;
  window: { open: string | null; close: string | null };
  timeLimitSec: number | null;
  extraTimeSec: number;
  graceSec: number;
  questionCount: number;
  totalPoints: number;
  passPercent: number;
  focusLossLimit: number;
  attempts: { used: number; allowed: number; remaining: number | null };
  liveAttemptId: string | null;
  grade: { score: number; maxScore: number; percent: number | null; passed: boolean | null } | null;
  myAttempts: MyAttemptView[];
}

export interface AttemptInfo {
  id: string;
  examId: string;
  attemptNo: number;
  state: AttemptState;
  startedAt: string;
  deadline: string | null;
  graceSec?: number;
  serverNow: string;
  finishedAt?: string | null;
  focusLosses: number;
}

/** The exam as the runner and the review need it. */
export interface RunnerExam {
  id: string;
  title: string;
  kind: ExamKind;
  timeLimitSec: number | null;
  graceSec: number;
  focusLossLimit: number;
  questionCount: number;
  totalPoints: number;
  passPercent: number;
}

export interface SlotView {
  slot: number;
  points: number;
  question: QuestionPublic;
  response: QuestionResponse;
  flagged: boolean;
  /** The server's latest accepted seq for this slot (0 = never saved). */
  seq: number;
}

/** An attempt in progress (POST /api/exams/:id/attempts, GET /api/attempts/:id). */
export interface AttemptPaper {
  attempt: AttemptInfo;
  exam: RunnerExam;
  slots: SlotView[];
}

/** A key as the review shows it (src/core/paper.ts RightAnswer). */
export type RightAnswer = string | string[] | boolean | { blanks: string[][]; orderInsensitive: boolean } | { modelAnswer: string; rubric: string[] };

export interface ResultSlot {
  slot: number;
  points: number;
  question: QuestionPublic;
  response: QuestionResponse;
  flagged?: boolean;
  /** Grading state: correct / partial / wrong / unanswered / needs_grading; absent when hidden. */
  state?: string | null;
  mark?: number | null;
  comment?: string;
  rightAnswer?: RightAnswer;
  explanation?: string;
  source?: Source | null;
}

/** A finished attempt as the review policy allows now (submit, GET /api/attempts/:id). */
export interface AttemptResult {
  attempt: AttemptInfo & { finishedAt: string | null };
  exam: RunnerExam;
  review: ReviewFlags & { phase: string };
  result: {
    needsGrading: boolean;
    scoreVisible: boolean;
    score?: number | null;
    maxScore?: number | null;
    percent?: number | null;
    passed?: boolean | null;
  };
  slots: ResultSlot[];
}

export interface EventVerdict {
  kind: string;
  focusLosses: number;
  focusLossLimit: number;
  verdict: 'log' | 'warn' | 'force_submit';
  message: string;
  state: AttemptState;
}

// ---------------------------------------------------------------------------------------------
// Calls

export const listExams = () => api<{ serverNow: string; exams: ExamSummary[] }>('/api/exams');
export const getExam = (examId: string) => api<ExamSummary & { serverNow: string; reviewPolicy?: unknown }>(`/api/exams/${enc(examId)}`);
export const startAttempt = (examId: string) => api<AttemptPaper>(`/api/exams/${enc(examId)}/attempts`, { method: 'POST', body: {} });
/** In progress → the paper (`slots` with responses); finished → the result as the review policy allows. */
export const getAttempt = (attemptId: string) => api<AttemptPaper | AttemptResult>(`/api/attempts/${enc(attemptId)}`);
export const saveResponse = (attemptId: string, slot: number, body: { response: QuestionResponse; seq: number; flagged: boolean }) =>
  api<{ slot: number; seq: number; savedAt: string; serverNow: string; applied: boolean; latestSeq: number; duplicate: boolean }>(`/api/attempts/${enc(attemptId)}/responses/${slot}`, { method: 'PUT', body });
export const submitAttempt = (attemptId: string) => api<AttemptResult>(`/api/attempts/${enc(attemptId)}/submit`, { method: 'POST', body: {} });
export const postEvent = (attemptId: string, kind: 'focus_loss' | 'copy' | 'paste' | 'resume', detail: Record<string, unknown> = {}) =>
  api<EventVerdict>(`/api/attempts/${enc(attemptId)}/events`, { method: 'POST', body: { kind, detail } });

export function isFinished(p: AttemptPaper | AttemptResult): p is AttemptResult {
  return 'review' in p || p.attempt.state !== 'in_progress';
}

// Practice

export type PracticeMode = 'topic' | 'due' | 'wrong' | 'daily';

export interface PracticeQuestion {
  question: QuestionPublic;
  topic: string;
  reason: string;
  inWrongBook: boolean;
  dueAt: string | null;
}

export interface PracticeSession {
  mode: PracticeMode;
  topic: string | null;
  questions: PracticeQuestion[];
}

export interface PracticeFeedback {
  questionId: string;
  correct: boolean;
  state: string;
  mark: number;
  rightAnswer: RightAnswer;
  explanation: string;
  source: Source | null;
  inWrongBook: boolean;
  wrongCount: number;
}

export interface WrongBookEntry {
  questionId: string;
  topic: string;
  wrongCount: number;
  question: QuestionPublic;
  lastResponse: QuestionResponse;
  lastAnsweredAt: string | null;
  rightAnswer: RightAnswer;
  explanation: string;
  source: Source | null;
}

export interface TopicStats {
  topic: string;
  answered: number;
  correct: number;
  correctRate: number | null;
  dueCount: number;
  wrongBookCount: number;
}

export interface PracticeStats {
  answered: number;
  correct: number;
  correctRate: number | null;
  dueCount: number;
  wrongBookCount: number;
  byTopic: TopicStats[];
}

export const startPractice = (mode: PracticeMode, topic?: string) =>
  api<PracticeSession>('/api/practice/sessions', { method: 'POST', body: topic ? { mode, topic } : { mode } });
export const answerPractice = (questionId: string, response: QuestionResponse, responseTimeMs?: number) =>
  api<PracticeFeedback>('/api/practice/answers', {
    method: 'POST',
    body: responseTimeMs === undefined ? { questionId, response, context: 'practice' } : { questionId, response, context: 'practice', responseTimeMs },
  });
export const getWrongBook = () => api<{ items: WrongBookEntry[] }>('/api/practice/wrong-book').then((r) => r.items);
export const removeFromWrongBook = (questionId: string) => api<void>(`/api/practice/wrong-book/${enc(questionId)}`, { method: 'DELETE' });
export const getPracticeStats = () => api<PracticeStats>('/api/practice/stats');

// Results

export interface MyResultRow {
  attemptId: string;
  examId: string;
  examTitle: string;
  kind: ExamKind;
  passPercent: number;
  attemptNo: number;
  state: AttemptState;
  startedAt: string;
  deadline: string | null;
  finishedAt: string | null;
  needsGrading: boolean;
  /** False when the review policy shows no score at this time (score fields are then null). */
  scoreVisible: boolean;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
}

export interface ManageResultRow {
  attemptId: string;
  examId: string;
  examTitle: string | null;
  kind: ExamKind | null;
  memberId: string;
  employeeNo: string;
  name: string;
  orgUnitId: string;
  orgCode: string;
  orgName: string;
  orgPath: string;
  attemptNo: number;
  state: AttemptState;
  startedAt: string;
  finishedAt: string | null;
  score: number | null;
  maxScore: number | null;
  percent: number | null;
  passed: boolean | null;
  needsGrading: boolean;
  focusLosses: number;
}

export interface ManageAttemptDetail {
  attempt: {
    id: string;
    examId: string;
    examTitle: string | null;
    name: string | null;
    employeeNo: string | null;
    orgName: string | null;
    attemptNo: number;
    state: AttemptState;
    startedAt: string;
    deadline: string | null;
    finishedAt: string | null;
    score: number | null;
    maxScore: number | null;
    percent: number | null;
    passed: boolean | null;
    needsGrading: boolean;
    focusLosses: number;
  };
  exam: { id: string; title: string; passPercent: number } | null;
  slots: Array<ResultSlot & { saves: number; respondedAt: string | null }>;
  events: Array<{ kind: string; at: string; detail: Record<string, unknown> | null }>;
  responseEvents: Array<{ slot: number; seq: number; response: QuestionResponse; serverAt: string }>;
  /** Whether the caller administers the exam, and whether right answers/explanations are in this view. */
  administers: boolean;
  keys: { rightAnswers: boolean; explanations: boolean };
  /** Whether the caller may regrade this attempt (POST /api/attempts/:id/regrade). */
  canRegrade: boolean;
  /** The attempt's score history: regrades and hand marks, oldest first. */
  audit: Array<{ id: number; at: string; action: string; entity: string; entityId: string; actor: { name: string; employeeNo: string | null }; before: unknown; after: unknown; reason: string | null }>;
}

export interface RegradeResult {
  before: { score: number | null; maxScore: number | null; percent: number | null; passed: boolean | null };
  after: { score: number | null; maxScore: number | null; percent: number | null; passed: boolean | null };
  changedSlots: number[];
  auditId: number;
}
export const regradeAttempt = (attemptId: string, reason: string) =>
  api<RegradeResult>(`/api/attempts/${enc(attemptId)}/regrade`, { method: 'POST', body: { reason } });

export const getMyResults = () => api<{ results: MyResultRow[] }>('/api/results').then((r) => r.results);
export const getManageResults = (examId?: string) =>
  api<{ rows: ManageResultRow[] }>(`/api/manage/results${examId ? `?examId=${enc(examId)}` : ''}`).then((r) => r.rows);
export const getManageAttempt = (attemptId: string) => api<ManageAttemptDetail>(`/api/manage/attempts/${enc(attemptId)}`);

// ---------------------------------------------------------------------------------------------

function enc(s: string): string {
  return encodeURIComponent(s);
}
