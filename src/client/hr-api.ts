// Typed calls for HR's pages (issue 11): required training, completion reports, exports, audit log.
// Shapes mirror functions/_lib/assignments.ts and functions/_lib/reports.ts.
import { api, ApiError } from './api.ts';
import { currentSession } from './supabase.ts';
import type { AssignmentStatus, Rates, StatusCounts } from '../core/completion.ts';

export type Basis = 'period_end' | 'current' | 'assigned';

export interface AssignmentSummary {
  id: string; title: string; period: string; examId: string | null; examTitle: string | null; lessonIds: string[];
  ownerOrgId: string; ownerOrgName: string; targets: { kind: string; id?: string; value?: string; subtree?: boolean; label?: string }[];
  startsAt: string; dueAt: string; periodEnd: string; recurrence: string; previousId: string | null; nextId: string | null;
  status: string; createdAt: string; counts: Record<AssignmentStatus, number> & { assigned: number; atRisk: number };
}
export interface AssignmentPerson {
  memberId: string; employeeNo: string; name: string; position: string | null; active: boolean; unit: string;
  status: AssignmentStatus; atRisk: boolean; score: number | null; passed: boolean | null; completedAt: string | null; exemptReason: string | null;
}
export interface Choices {
  scope: { id: string; code: string; name: string } | null;
  exams: { id: string; title: string; kind: string; gradingMethod: string; passPercent: number }[];
  lessons: { id: string; title: string; module: string }[];
  /** Open units in scope, in tree order; pathNames is 青岛分行/市南支行 (the root left out). */
  units: { id: string; code: string; name: string; kind: string; depth: number; pathNames: string }[];
  positions: string[];
}
export interface Unit { id: string; code: string; name: string; kind: string; path: string }
export interface ReportRow { unit: { id: string; code: string; name: string; kind: string } | null; hasChildren: boolean; counts: StatusCounts; participated: number; rates: Rates }
export interface CompletionReport {
  period: string; basis: Basis; unit: Unit; trail: Unit[]; generatedAt: string; generatedBy: { name: string; employeeNo: string };
  assignments: { id: string; title: string; examId: string | null; dueAt: string }[]; rows: ReportRow[]; total: ReportRow; histogram: number[];
}
export interface PersonRow {
  assignmentId: string; assignmentTitle: string; period: string; memberId: string; employeeNo: string; name: string; position: string | null;
  active: boolean; unit: { id: string; name: string; path: string }; periodEndUnit: string; currentUnit: string; assignedUnit: string;
  completedUnit: string | null; examTitle: string | null; lessonsRead: number; lessonsTotal: number; gradingMethod: string | null;
  status: AssignmentStatus; atRisk: boolean; score: number | null; passed: boolean | null; startedAt: string | null; completedAt: string | null;
  dueAt: string; attempts: number; exemptReason: string | null;
}
export interface PersonAttempts {
  assignment: { id: string; title: string; period: string; startsAt: string; dueAt: string; examId: string | null; examTitle: string | null; gradingMethod: string | null; passPercent: number | null };
  person: { employeeNo: string; name: string };
  score: number | null; passed: boolean | null; completedAt: string | null; exemptReason: string | null;
  attempts: { id: string; attemptNo: number; state: string; startedAt: string; finishedAt: string | null; durationSec: number | null; score: number | null; maxScore: number | null; percent: number | null; passed: boolean | null; needsGrading: boolean; focusLosses: number; beforeStart: boolean; counts: boolean }[];
}
export interface TrendPoint { period: string; assigned: number; completionRate: number | null; onTimeRate: number | null; averageScore: number | null }
export interface AuditEntry {
  id: number; at: string; action: string; entity: string; entityId: string;
  actor: { name: string; employeeNo: string | null }; subject: { name: string; employeeNo: string; org: string | null } | null;
  examId: string | null; examTitle: string | null; period: string | null; before: unknown; after: unknown; reason: string | null;
}
export interface MyAssignment {
  id: string; title: string; period: string; examId: string | null; examTitle: string | null; lessons: { id: string; title: string; read: boolean }[];
  startsAt: string; dueAt: string; status: AssignmentStatus; atRisk: boolean; score: number | null; passed: boolean | null; completedAt: string | null; exemptReason: string | null;
}

const qs = (params: Record<string, string | number | undefined | null>) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [k, String(v)])).toString();

export const listAssignments = (period?: string) => api<{ assignments: AssignmentSummary[] }>(`/api/assignments?${qs({ period })}`);
export const getChoices = () => api<Choices>('/api/assignments/choices');
export const createAssignment = (body: unknown) => api<{ id: string; people: number }>('/api/assignments', { method: 'POST', body });
export const getAssignment = (id: string) => api<AssignmentSummary & { people: AssignmentPerson[] }>(`/api/assignments/${encodeURIComponent(id)}`);
export const cancelAssignment = (id: string, reason: string) => api(`/api/assignments/${encodeURIComponent(id)}`, { method: 'PATCH', body: { status: 'cancelled', reason } });
export const syncAssignment = (id: string) => api<{ added: number }>(`/api/assignments/${encodeURIComponent(id)}/sync`, { method: 'POST' });
export const nextAssignment = (id: string) => api<{ id: string; period: string; created: boolean; people: number }>(`/api/assignments/${encodeURIComponent(id)}/next`, { method: 'POST' });
export const setExemption = (id: string, member: string, reason: string) =>
  api(`/api/assignments/${encodeURIComponent(id)}/people/${encodeURIComponent(member)}/exemption`, { method: 'PUT', body: { reason } });
export const withdrawExemption = (id: string, member: string, reason: string) =>
  api(`/api/assignments/${encodeURIComponent(id)}/people/${encodeURIComponent(member)}/exemption`, { method: 'DELETE', body: { reason } });

export interface ReportParams { period: string; org?: string; basis: Basis; assignmentId?: string }
export const getReport = (p: ReportParams) => api<CompletionReport>(`/api/reports/completion?${qs({ ...p })}`);
export const getPeople = (p: ReportParams & { direct?: boolean; q?: string; limit?: number; offset?: number }) =>
  api<{ unit: Unit; total: number; rows: PersonRow[] }>(`/api/reports/people?${qs({ ...p, direct: p.direct ? '1' : undefined })}`);
export const getPersonAttempts = (assignmentId: string, memberId: string) => api<PersonAttempts>(`/api/reports/person?${qs({ assignmentId, memberId })}`);
export const getTrend = (p: { org?: string; basis: Basis }) => api<{ periods: TrendPoint[] }>(`/api/reports/trend?${qs({ ...p, periods: 8 })}`);
export const getAudit = (p: { person?: string; examId?: string; period?: string; action?: string; before?: number }) =>
  api<{ entries: AuditEntry[]; nextBefore: number | null; names: Record<string, string> }>(`/api/audit?${qs({ ...p, limit: 50 })}`);
export const getMyAssignments = () => api<{ serverNow: string; assignments: MyAssignment[] }>('/api/me/assignments');

/** Downloads an export as a file (the browser's own save), with the server's file name. */
/** `rows: 'person'` (CSV only): one row per person and unit, the xlsx 人员汇总 sheet; default one row per person × assignment. */
export async function downloadExport(p: ReportParams & { format: 'xlsx' | 'csv'; rows?: 'person' }): Promise<void> {
  const session = await currentSession();
  const res = await fetch(`/api/reports/export?${qs({ ...p })}`, { headers: session ? { authorization: `Bearer ${session.access_token}` } : {} });
  if (!res.ok) {
    let body: { title?: string; detail?: string; errors?: Record<string, string> } = {};
    try { body = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, body.title ?? 'Error', body.detail ?? `HTTP ${res.status}`, body.errors, body as Record<string, unknown>);
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]!) : `export.${p.format}`;
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 2000);
}
