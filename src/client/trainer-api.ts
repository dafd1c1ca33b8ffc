// Calls of the trainer's exam pages (issue 9): builder, my exams, results additions, grading
// queue, item statistics. Thin wrappers over api() so islands share one set of types.
import { api } from './api.ts';
import type { Coded } from './problem-text.ts';
import type { QuestionPublic } from '../core/questions.ts';

const enc = encodeURIComponent;

export interface BlueprintRow {
  type: 'single' | 'multiple' | 'truefalse' | 'fill' | 'short';
  topic?: string | null;
  difficulty?: [number, number] | null;
  count: number;
  points: number;
  banks?: string[];
  questionIds?: string[];
}
export interface Flags { score: boolean; correctness: boolean; rightAnswers: boolean; explanations: boolean }
export interface ReviewPolicy { during: Flags; immediately: Flags; later?: Flags; afterClose: Flags }

export interface AudienceInput {
  orgUnits: { orgUnit: string; dueAt?: string | null; name?: string | null }[];
  roles: { role: string; orgUnit: string; dueAt?: string | null; name?: string | null }[];
  members: { member: string; dueAt?: string | null; name?: string | null }[];
}

export interface BuilderExam {
  id: string;
  title: string;
  description: string;
  kind: 'practice' | 'exam' | 'mock_contest';
  status: 'draft' | 'published' | 'archived';
  ownerOrgUnit: string;
  ownerName: string | null;
  windowOpen: string | null;
  windowClose: string | null;
  timeLimitSec: number | null;
  graceSec: number;
  attemptsAllowed: number;
  gradingMethod: 'highest' | 'latest' | 'first' | 'average';
  passPercent: number;
  multipleRule: 'all_or_nothing' | 'half_for_subset' | 'per_option';
  shuffleQuestions: boolean;
  shuffleOptions: boolean;
  focusLossLimit: number;
  reviewPolicy: ReviewPolicy;
  blueprint: { sections: BlueprintRow[]; shuffleQuestions?: boolean; shuffleOptions?: boolean; multipleRule?: string };
  questionCount: number;
  totalPoints: number;
  audience: AudienceInput;
  overrides: { member: string; memberId: string; name: string; extraTimeSec: number; extraAttempts: number; windowOpen: string | null; windowClose: string | null }[];
  stats: { attempts: number; people: number; live: number; toGrade: number };
}

export interface BuilderOptions {
  scope: { id: string; code: string; name: string } | null;
  banks: { id: string; name: string; visibility: string; readOnly: boolean; questionCount: number }[];
  topics: { id: string; title: string; count: number }[];
  units: { id: string; code: string; name: string; depth: number }[];
  people: { employeeNo: string; name: string; unit: string }[];
  roles: string[];
}

/** `errorCode`/`fieldCodes`/`messageCode`: the same problems as codes the page says in its language (src/client/problem-text.ts). */
export interface SectionCheck { available: number; asked: number; error: string | null; errorCode?: Coded | null }
export interface BlueprintCheck {
  ok: boolean; sections: SectionCheck[]; errors: Record<string, string>; fieldCodes?: Record<string, Coded>;
  message: string | null; messageCode?: Coded | null; questionCount: number; totalPoints: number;
}

export interface MyExamRow {
  id: string; title: string; kind: string; status: string; ownerName: string;
  window: { open: string | null; close: string | null }; dueAt: string | null;
  audience: { orgUnits: string[]; roles: number; members: number };
  questionCount: number; attempts: number; people: number; toGrade: number; updatedAt: string | null;
}

export const getBuilderOptions = () => api<BuilderOptions>('/api/manage/exam-builder');
export const getBuilderExam = (id: string) => api<BuilderExam>(`/api/manage/exams/${enc(id)}`);
export const createExam = (body: unknown) => api<BuilderExam>('/api/manage/exams', { method: 'POST', body });
export const updateExam = (id: string, body: unknown) => api<BuilderExam>(`/api/manage/exams/${enc(id)}`, { method: 'PUT', body });
export const setExamStatus = (id: string, status: string, reason?: string) =>
  api<BuilderExam>(`/api/manage/exams/${enc(id)}/status`, { method: 'POST', body: { status, ...(reason ? { reason } : {}) } });
export const cloneExam = (id: string) => api<BuilderExam>(`/api/manage/exams/${enc(id)}/clone`, { method: 'POST', body: {} });
export const checkBlueprint = (blueprint: unknown) => api<BlueprintCheck>('/api/manage/exam-builder/check', { method: 'POST', body: { blueprint } });
export const previewPaper = (body: unknown) =>
  api<{ seed: number; questionCount: number; totalPoints: number; slots: { slot: number; section: number; points: number; question: QuestionPublic }[] }>(
    '/api/manage/exam-builder/preview', { method: 'POST', body });
export const searchQuestions = (params: Record<string, string>) =>
  api<{ total: number; questions: { id: string; bank: string; type: string; topic: string; difficulty: number; stem: string }[] }>(
    `/api/manage/exam-builder/questions?${new URLSearchParams(params).toString()}`);
export const getMyExams = (status: string) => api<{ exams: MyExamRow[] }>(`/api/manage/exams?status=${enc(status)}`).then((r) => r.exams);
export const putOverride = (examId: string, member: string, body: unknown) =>
  api(`/api/exams/${enc(examId)}/overrides/${enc(member)}`, { method: 'PUT', body });
export const deleteOverride = (examId: string, member: string) => api(`/api/exams/${enc(examId)}/overrides/${enc(member)}`, { method: 'DELETE' });

export interface ScopeExam {
  id: string; title: string; kind: string; status: string; ownerName: string; window: { open: string | null; close: string | null };
  administers: boolean;
  /** Offered to me or managed by me: I may assign it or rank it in a season (not only read results). */
  usable: boolean;
  audience: number; attempts: number; people: number; toGrade: number; notStarted: number;
}
export interface NotStartedRow { memberId: string; employeeNo: string; name: string; orgName: string; dueAt: string | null }
export const getScopeExams = () => api<{ exams: ScopeExam[] }>('/api/manage/results/exams').then((r) => r.exams);

export interface GradingItem {
  attemptId: string; slot: number; examId: string; examTitle: string; label: string; finishedAt: string | null; points: number;
  stem: string; response: string | null; modelAnswer: string | null; rubric: string[]; state: string | null; mark: number | null;
  comment: string | null; marked: boolean; person: { employeeNo: string; name: string; unit: string } | null;
}
export const getGrading = (params: Record<string, string>) =>
  api<{ items: GradingItem[]; pending: number; more: boolean }>(`/api/manage/grading?${new URLSearchParams(params).toString()}`);
export const gradeSlot = (attemptId: string, slot: number, mark: number, comment: string | null) =>
  api(`/api/attempts/${enc(attemptId)}/slots/${slot}/grade`, { method: 'PUT', body: { mark, comment } });

export interface ItemStatsRow {
  questionId: string; versionId: string; type: string; stem: string; n: number; facility: number | null; sd: number | null;
  discriminationIndex: number | null; pointBiserial: number | null; discriminativeEfficiency: number | null;
  upperGroup: { n: number; facility: number | null }; lowerGroup: { n: number; facility: number | null };
  options: { id: string; text: string; correct: boolean; count: number; share: number }[]; unanswered: number; flags: string[];
}
export interface ExamStatsBody {
  exam: { id: string; title: string; kind: string; status: string };
  thresholds: { easy: number; hard: number; lowDiscrimination: number; smallSample: number };
  n: number; mean: number | null; median: number | null; sd: number | null; alpha: number | null; sem: number | null;
  histogram: { from: number; to: number; count: number }[]; smallSample: boolean; items: ItemStatsRow[];
  attemptsIncluded: 'first' | 'all'; attemptsTotal: number;
}
export const getExamStats = (id: string, which: 'first' | 'all') => api<ExamStatsBody>(`/api/manage/exams/${enc(id)}/stats?attempts=${which}`);
