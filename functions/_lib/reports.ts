// Completion reports (issue 11): per org unit of a subtree for one period, a drill-down to people and
// to each person's attempts, the score distribution, the trend over periods, the appraisal export
// rows, and the audit log as HR reads it. SQL under the caller's RLS (HR sees the rows of their
// subtree); statuses by app_private.assignment_status, the SQL twin of src/core/completion.ts;
// roll-ups and rates in src/core/completion.ts.
import { z } from 'zod';
import type { Tx } from './db.ts';
import { badRequest, notFound } from './http.ts';
import type { Me } from './members.ts';
import {
  addCounts,
  assignmentStatus,
  AT_RISK_DAYS,
  childKey,
  countingAttempts,
  emptyCounts,
  isAtRisk,
  PeriodSchema,
  rates,
  type AssignmentStatus,
  type Rates,
  type StatusCounts,
} from '../../src/core/completion.ts';
import type { GradingMethod } from '../../src/core/attempt.ts';

export const BASES = ['period_end', 'current', 'assigned'] as const;
export type Basis = (typeof BASES)[number];

export const ReportQuerySchema = z.strictObject({
  period: PeriodSchema,
  /** Org unit id or code; defaults to the caller's scope root. */
  org: z.string().min(1).max(64).optional(),
  basis: z.enum(BASES).default('period_end'),
  assignmentId: z.uuid('assignmentId must be an assignment id.').optional(),
});
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

export interface Unit { id: string; code: string; name: string; kind: string; path: string }

/** The unit a report is about: the one asked for (it must be in the caller's scope) or their scope root. */
export async function reportUnit(tx: Tx, me: Me, ref: string | undefined): Promise<{ unit: Unit; trail: Unit[] }> {
  const key = ref ?? me.scope?.id ?? me.orgUnit.id;
  const [u] = await tx`select id, code, name, kind, path from app_private.managed_units() where id::text = ${key} or code = ${key}`;
  if (!u) {
    // 400 with the field: the page says it in its language and links back to the caller's own scope.
    const english = `The org unit ${key} is not in your scope.`;
    const coded = { code: 'org_out_of_scope', params: { ref: key } };
    throw badRequest(english, { ...coded, errors: { org: english }, fieldCodes: { org: coded } });
  }
  const unit = u as unknown as Unit;
  // The trail from the caller's scope root down to the unit (for the breadcrumb).
  const trail = (await tx`select id, code, name, kind, path from app_private.managed_units()
                          where ${unit.path} like path || '%' order by length(path)`) as unknown as Unit[];
  return { unit, trail };
}

const orgColumn = (basis: Basis) =>
  basis === 'current' ? 'm.org_unit_id' : basis === 'assigned' ? 'ap.assigned_org_unit_id' : 'ap.period_end_org_unit_id';

/**
 * The report's statement ($1 period, $2 assignment or null, $3 basis, $4 the selected unit's path):
 * the kept counts (app.assignment_counts, one row per assignment × view × unit, maintained by
 * triggers as person rows change) of the period's assignments under the subtree — a few thousand
 * rows for a bank of 100,000, whatever the number of people. Assignments and units are read once
 * each (MATERIALIZED: their RLS checks run per assignment and per unit). The clock is applied in
 * `statusCounts`. Exported for bench/hr-report.ts, which EXPLAINs it.
 */
export const PER_UNIT_SQL = `
  with x as materialized (
    select id, due_at from app.assignments
    where period = $1 and status = 'active' and ($2::uuid is null or id = $2::uuid)
  ), o as materialized (
    select id, path from app_private.managed_units() where path like $4::text || '%'
  )
  select o.path, x.due_at, c.people, c.exempt, c.done_on_time, c.done_late, c.open_started, c.open_not_started, c.passed,
         c.scored, c.score_sum::float8 as score_sum, c.best::float8 as best,
         jsonb_build_array(c.b0, c.b1, c.b2, c.b3, c.b4, c.b5, c.b6, c.b7, c.b8, c.b9) as bins
  from app.assignment_counts c
  join x on x.id = c.assignment_id
  join o on o.id = c.org_unit_id
  where c.basis = $3`;

/** One kept-counts row turned into status counts at `now` (the rule of src/core/completion.ts). */
export function statusCounts(r: Record<string, unknown>, now: Date): { counts: StatusCounts; participated: number; bins: number[] } {
  const c = emptyCounts();
  const open = Number(r.open_started) + Number(r.open_not_started);
  const dueMs = (r.due_at as Date).getTime();
  c.assigned = Number(r.people);
  c.exempt = Number(r.exempt);
  c.completed = Number(r.done_on_time);
  c.completedLate = Number(r.done_late);
  if (now.getTime() > dueMs) c.overdue = open;
  else {
    c.inProgress = Number(r.open_started);
    c.notStarted = Number(r.open_not_started);
    if (dueMs - now.getTime() <= AT_RISK_DAYS * 86_400_000) c.atRisk = open;
  }
  c.passed = Number(r.passed);
  c.scoreSum = Number(r.score_sum);
  c.scoreCount = Number(r.scored);
  c.bestScore = r.best === null ? null : Number(r.best);
  return { counts: c, participated: c.completed + c.completedLate + Number(r.open_started), bins: (r.bins as unknown[]).map(Number) };
}

export interface ReportRow {
  unit: Pick<Unit, 'id' | 'code' | 'name' | 'kind'> | null;   // null: people placed directly in the selected unit
  hasChildren: boolean;
  counts: StatusCounts;
  participated: number;
  rates: Rates;
}

export interface CompletionReport {
  period: string;
  basis: Basis;
  unit: Unit;
  trail: Unit[];
  generatedAt: string;
  generatedBy: { name: string; employeeNo: string };
  assignments: { id: string; title: string; examId: string | null; dueAt: string }[];
  rows: ReportRow[];
  total: ReportRow;
  histogram: number[];
}

/**
 * Per org unit counts for the period, grouped first by the unit people belong to under the chosen
 * basis (one pass over the period's rows, hash-aggregated), then rolled up to the children of the
 * selected unit here. Rows RLS hides are simply not counted.
 */
export async function completionReport(tx: Tx, me: Me, q: ReportQuery, now = new Date()): Promise<CompletionReport> {
  const { unit, trail } = await reportUnit(tx, me, q.org);
  const assignments = await tx`select id, title, exam_id, due_at from app.assignments
                               where period = ${q.period} and status = 'active'
                                 and (${q.assignmentId ?? null}::uuid is null or id = ${q.assignmentId ?? null}::uuid)
                               order by due_at, title`;
  const perUnit = await tx.unsafe(PER_UNIT_SQL, [q.period, q.assignmentId ?? null, q.basis, unit.path]);

  const children = await tx`with m as materialized (select id, code, name, kind, path, parent_id from app_private.managed_units())
                            select id, code, name, kind, path, exists (select 1 from m g where g.parent_id = c.id) as has_children
                            from m c where parent_id = ${unit.id} order by code`;
  const byKey = new Map<string, ReportRow>();
  const direct: ReportRow = { unit: null, hasChildren: false, counts: emptyCounts(), participated: 0, rates: rates(emptyCounts(), 0) };
  for (const c of children) {
    byKey.set(c.code as string, {
      unit: { id: c.id as string, code: c.code as string, name: c.name as string, kind: c.kind as string },
      hasChildren: Boolean(c.has_children), counts: emptyCounts(), participated: 0, rates: rates(emptyCounts(), 0),
    });
  }
  const total: ReportRow = { unit: { id: unit.id, code: unit.code, name: unit.name, kind: unit.kind }, hasChildren: children.length > 0, counts: emptyCounts(), participated: 0, rates: rates(emptyCounts(), 0) };
  const histogram = new Array<number>(10).fill(0);
  for (const r of perUnit) {
    const key = childKey(r.path as string, unit.path);
    if (key === null) continue;
    const target = key === '' ? direct : byKey.get(key);
    if (!target) continue;
    const { counts, participated, bins } = statusCounts(r, now);
    addCounts(target.counts, counts);
    target.participated += participated;
    addCounts(total.counts, counts);
    total.participated += participated;
    bins.forEach((n, i) => { histogram[i]! += n; });
  }
  const rows = [...byKey.values()].filter((r) => r.counts.assigned > 0);
  if (direct.counts.assigned > 0) rows.push(direct);
  for (const r of [...rows, total]) r.rates = rates(r.counts, r.participated);
  return {
    period: q.period,
    basis: q.basis,
    unit,
    trail,
    generatedAt: now.toISOString(),
    generatedBy: { name: me.name, employeeNo: me.employeeNo },
    assignments: assignments.map((a) => ({ id: a.id as string, title: a.title as string, examId: (a.exam_id as string | null) ?? null, dueAt: (a.due_at as Date).toISOString() })),
    rows,
    total,
    histogram,
  };
}

// ---------------------------------------------------------------------------------------------
// People (the last level of the drill-down, and the export)

export interface PersonRow {
  assignmentId: string;
  assignmentTitle: string;
  period: string;
  memberId: string;
  employeeNo: string;
  name: string;
  position: string | null;
  active: boolean;
  unit: { id: string; name: string; path: string };          // under the chosen basis
  periodEndUnit: string;
  currentUnit: string;
  assignedUnit: string;
  completedUnit: string | null;
  examTitle: string | null;
  lessonsRead: number;
  lessonsTotal: number;
  gradingMethod: GradingMethod | null;
  status: AssignmentStatus;
  atRisk: boolean;
  score: number | null;
  passed: boolean | null;
  startedAt: string | null;
  completedAt: string | null;
  dueAt: string;
  attempts: number;
  exemptReason: string | null;
}

export const PeopleQuerySchema = ReportQuerySchema.extend({
  /** Only people directly in the unit (not its subtree): the "directly in this unit" row. */
  direct: z.enum(['1', '0']).optional(),
  q: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PeopleQuery = z.infer<typeof PeopleQuerySchema>;

/**
 * People rows ($1 period, $2 assignment or null, then the caller's filters). The period's assignments
 * (with their exams) and the org units are read once each (MATERIALIZED: their RLS checks run per
 * assignment and per unit, not per person); members' RLS is a hashed set (managed_org_ids).
 */
const PEOPLE_SELECT = (basis: Basis) => `
  with x as materialized (
    select a.id, a.title, a.period, a.due_at, a.starts_at, to_jsonb(a.lesson_ids) as lesson_ids, e.title as exam_title, e.grading_method
    from app.assignments a left join app.exams e on e.id = a.exam_id
    where a.period = $1 and a.status = 'active' and ($2::uuid is null or a.id = $2::uuid)
  ), ou as materialized (select id, name, path from app_private.managed_units())
  select x.id as assignment_id, x.title as assignment_title, x.period, x.due_at, x.lesson_ids, x.exam_title, x.grading_method,
         m.id as member_id, m.employee_no, m.name, m.position, m.active,
         u.id as unit_id, u.name as unit_name, u.path as unit_path,
         pe.name as period_end_unit, cu.name as current_unit, au.name as assigned_unit, co.name as completed_unit,
         ap.started_at, ap.completed_at, ap.score, ap.passed, ap.attempts_counted as attempts, ap.lessons_read, ap.exempt_reason
  from app.assignment_people ap
  join x on x.id = ap.assignment_id
  join app.members m on m.id = ap.member_id
  join ou u on u.id = ${orgColumn(basis)}
  -- Units outside the caller's scope stay nameless (RLS on org units), the person stays listed.
  left join ou pe on pe.id = ap.period_end_org_unit_id
  left join ou cu on cu.id = m.org_unit_id
  left join ou au on au.id = ap.assigned_org_unit_id
  left join ou co on co.id = ap.completed_org_unit_id`;

function personRow(r: Record<string, unknown>, now: Date): PersonRow {
  const facts = { dueAt: r.due_at as Date, startedAt: (r.started_at as Date | null) ?? null, completedAt: (r.completed_at as Date | null) ?? null, exempt: r.exempt_reason !== null };
  return {
    assignmentId: r.assignment_id as string,
    assignmentTitle: r.assignment_title as string,
    period: r.period as string,
    memberId: r.member_id as string,
    employeeNo: r.employee_no as string,
    name: r.name as string,
    position: (r.position as string | null) ?? null,
    active: Boolean(r.active),
    unit: { id: r.unit_id as string, name: r.unit_name as string, path: r.unit_path as string },
    periodEndUnit: (r.period_end_unit as string | null) ?? '',
    currentUnit: (r.current_unit as string | null) ?? '',
    assignedUnit: (r.assigned_unit as string | null) ?? '',
    completedUnit: (r.completed_unit as string | null) ?? null,
    examTitle: (r.exam_title as string | null) ?? null,
    lessonsRead: Number(r.lessons_read),
    lessonsTotal: (r.lesson_ids as string[]).length,
    gradingMethod: (r.grading_method as GradingMethod | null) ?? null,
    status: assignmentStatus(facts, now),
    atRisk: isAtRisk(facts, now),
    score: r.score === null ? null : Number(r.score),
    passed: (r.passed as boolean | null) ?? null,
    startedAt: (r.started_at as Date | null)?.toISOString() ?? null,
    completedAt: (r.completed_at as Date | null)?.toISOString() ?? null,
    dueAt: (r.due_at as Date).toISOString(),
    attempts: Number(r.attempts),
    exemptReason: (r.exempt_reason as string | null) ?? null,
  };
}

export async function reportPeople(tx: Tx, me: Me, q: PeopleQuery, now = new Date()): Promise<{ unit: Unit; total: number; rows: PersonRow[] }> {
  const { unit } = await reportUnit(tx, me, q.org);
  const where = `
    where (case when $6::boolean then u.id = $3::uuid else u.path like $4::text || '%' end)
      and ($5::text is null or m.name like '%' || $5::text || '%' or m.employee_no = $5::text)`;
  const args = [q.period, q.assignmentId ?? null, unit.id, unit.path, q.q || null, q.direct === '1'];
  const [count] = await tx.unsafe(`select count(*)::int as n from (${PEOPLE_SELECT(q.basis)} ${where}) x`, args);
  const rows = await tx.unsafe(`${PEOPLE_SELECT(q.basis)} ${where} order by u.path, m.employee_no, x.due_at limit ${q.limit} offset ${q.offset}`, args);
  return { unit, total: Number(count?.n ?? 0), rows: rows.map((r) => personRow(r, now)) };
}

// ---------------------------------------------------------------------------------------------
// One person's attempts for one assignment, and which count

export async function personAttempts(tx: Tx, assignmentId: string, memberId: string) {
  const [a] = await tx`
    select a.id, a.title, a.period, a.starts_at, a.due_at, a.exam_id, e.title as exam_title, e.grading_method, e.pass_percent,
           m.employee_no, m.name, ap.score, ap.passed, ap.completed_at, ap.exempt_reason
    from app.assignment_people ap join app.assignments a on a.id = ap.assignment_id join app.members m on m.id = ap.member_id
    left join app.exams e on e.id = a.exam_id
    where ap.assignment_id = ${assignmentId} and ap.member_id = ${memberId}`;
  if (!a) throw notFound('This person is not in the assignment, or not in your scope.', { code: 'person_not_in_assignment' });
  const attempts = a.exam_id
    ? await tx`select id, attempt_no, state, started_at, finished_at, score, max_score, percent, passed, needs_grading, focus_losses
               from app.attempts where exam_id = ${a.exam_id as string} and member_id = ${memberId} order by started_at, attempt_no`
    : [];
  const method = (a.grading_method as GradingMethod | null) ?? 'highest';
  const counting = new Set(countingAttempts(attempts.map((t) => ({
    state: t.state as never, startedAt: t.started_at as Date, finishedAt: (t.finished_at as Date | null) ?? null,
    percent: t.percent === null ? null : Number(t.percent),
  })), method, a.starts_at as Date));
  return {
    assignment: {
      id: a.id as string, title: a.title as string, period: a.period as string, startsAt: (a.starts_at as Date).toISOString(), dueAt: (a.due_at as Date).toISOString(),
      examId: (a.exam_id as string | null) ?? null, examTitle: (a.exam_title as string | null) ?? null,
      gradingMethod: (a.grading_method as string | null) ?? null, passPercent: a.pass_percent === null ? null : Number(a.pass_percent),
    },
    person: { employeeNo: a.employee_no as string, name: a.name as string },
    score: a.score === null ? null : Number(a.score), passed: (a.passed as boolean | null) ?? null,
    completedAt: (a.completed_at as Date | null)?.toISOString() ?? null, exemptReason: (a.exempt_reason as string | null) ?? null,
    attempts: attempts.map((t, i) => ({
      id: t.id as string,
      attemptNo: Number(t.attempt_no),
      state: t.state as string,
      startedAt: (t.started_at as Date).toISOString(),
      finishedAt: (t.finished_at as Date | null)?.toISOString() ?? null,
      durationSec: t.finished_at ? Math.round(((t.finished_at as Date).getTime() - (t.started_at as Date).getTime()) / 1000) : null,
      score: t.score === null ? null : Number(t.score),
      maxScore: t.max_score === null ? null : Number(t.max_score),
      percent: t.percent === null ? null : Number(t.percent),
      passed: (t.passed as boolean | null) ?? null,
      needsGrading: Boolean(t.needs_grading),
      focusLosses: Number(t.focus_losses),
      /** Started before the assignment began: belongs to an earlier period, not counted here. */
      beforeStart: (t.started_at as Date) < (a.starts_at as Date),
      counts: counting.has(i),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Trend: completion and on-time rates of the subtree over the periods that have assignments.

export async function trend(tx: Tx, me: Me, q: { org?: string; basis: Basis; periods: number }, now = new Date()) {
  const { unit } = await reportUnit(tx, me, q.org);
  const kept = await tx.unsafe(`
    with p as (select distinct period from app.assignments where status = 'active' order by period desc limit $3),
    x as materialized (select id, period, due_at from app.assignments where status = 'active' and period in (select period from p)),
    o as materialized (select id from app_private.managed_units() where path like $1::text || '%')
    select x.period, x.due_at, c.people, c.exempt, c.done_on_time, c.done_late, c.open_started, c.open_not_started, c.passed,
           c.scored, c.score_sum::float8 as score_sum, c.best::float8 as best, '[]'::jsonb as bins
    from app.assignment_counts c join x on x.id = c.assignment_id join o on o.id = c.org_unit_id
    where c.basis = $2`, [unit.path, q.basis, q.periods]);
  const byPeriod = new Map<string, { period: string; counts: StatusCounts }>();
  for (const r of kept) {
    const p = byPeriod.get(r.period as string) ?? { period: r.period as string, counts: emptyCounts() };
    addCounts(p.counts, statusCounts(r, now).counts);
    byPeriod.set(p.period, p);
  }
  const rows = [...byPeriod.values()].sort((a, b) => a.period.localeCompare(b.period)).map((p) => ({
    period: p.period, assigned: p.counts.assigned, exempt: p.counts.exempt, completed: p.counts.completed,
    completed_late: p.counts.completedLate, avg_score: p.counts.scoreCount ? p.counts.scoreSum / p.counts.scoreCount : null,
  }));
  return rows.map((r) => {
    const required = Number(r.assigned) - Number(r.exempt);
    const pct = (n: number) => (required > 0 ? Math.round((n / required) * 10000) / 100 : null);
    return {
      period: r.period as string,
      assigned: Number(r.assigned),
      completionRate: pct(Number(r.completed) + Number(r.completed_late)),
      onTimeRate: pct(Number(r.completed)),
      averageScore: r.avg_score === null ? null : Math.round(Number(r.avg_score) * 100) / 100,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Audit log as HR reads it (RLS: admins everything, HR their subtree's entries, everyone their own)

export const AuditQuerySchema = z.strictObject({
  /** Employee number (工号) or member id of the person the entry is about. */
  person: z.string().trim().min(1).max(64).optional(),
  examId: z.uuid('examId must be an exam id.').optional(),
  period: PeriodSchema.optional(),
  action: z.string().trim().min(1).max(64).optional(),
  /** Entries older than this id (paging backwards in time). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export async function auditEntries(tx: Tx, q: AuditQuery) {
  const rows = await tx`
    select l.id, l.at, l.action, l.entity, l.entity_id, l.before, l.after, l.reason, l.actor_label, l.period,
           act.name as actor_name, act.employee_no as actor_no,
           sub.name as subject_name, sub.employee_no as subject_no, so.name as subject_org, l.exam_id, e.title as exam_title
    from app.audit_log l
    left join app.members act on act.id = l.actor_member_id
    left join app.members sub on sub.id = l.subject_member_id
    left join app.org_units so on so.id = l.subject_org_unit_id
    left join app.exams e on e.id = l.exam_id
    where (${q.person ?? null}::text is null or sub.employee_no = ${q.person ?? null} or sub.id::text = ${q.person ?? null}
           or act.employee_no = ${q.person ?? null})
      and (${q.examId ?? null}::uuid is null or l.exam_id = ${q.examId ?? null}::uuid)
      and (${q.period ?? null}::text is null or l.period = ${q.period ?? null})
      and (${q.action ?? null}::text is null or l.action = ${q.action ?? null})
      and (${q.before ?? null}::bigint is null or l.id < ${q.before ?? null}::bigint)
    order by l.id desc
    limit ${q.limit + 1}`;
  const more = rows.length > q.limit;
  return {
    entries: rows.slice(0, q.limit).map((r) => ({
      id: Number(r.id),
      at: (r.at as Date).toISOString(),
      action: r.action as string,
      entity: r.entity as string,
      entityId: r.entity_id as string,
      actor: r.actor_name ? { name: r.actor_name as string, employeeNo: r.actor_no as string } : { name: r.actor_label as string, employeeNo: null },
      subject: r.subject_name ? { name: r.subject_name as string, employeeNo: r.subject_no as string, org: (r.subject_org as string | null) ?? null } : null,
      examId: (r.exam_id as string | null) ?? null,
      examTitle: (r.exam_title as string | null) ?? null,
      period: (r.period as string | null) ?? null,
      before: r.before ?? null,
      after: r.after ?? null,
      reason: (r.reason as string | null) ?? null,
    })),
    nextBefore: more ? Number(rows[q.limit - 1]!.id) : null,
  };
}
