// Required training by period (issue 11): creating assignments, their scope, exemptions, the next
// occurrence of a quarterly one, and the employee's own list. Everything runs in the caller's
// transaction (RLS decides what is found) except the daily job, which runs as the service role.
// Statuses come from src/core/completion.ts (and its SQL twin app_private.assignment_status).
import { z } from 'zod';
import type { Tx } from './db.ts';
import { conflict, FieldIssues, forbidden, notFound } from './http.ts';
import { loadMe, type Me } from './members.ts';
import {
  assignmentStatus,
  isAtRisk,
  nextOccurrence,
  nextQuarter,
  periodBounds,
  PeriodSchema,
  RECURRENCES,
  type AssignmentStatus,
  type StatusCounts,
} from '../../src/core/completion.ts';
import { statusCounts } from './reports.ts';

const MANAGERS = ['trainer', 'hr', 'admin'];

export async function requireManager(tx: Tx): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !me.roles.some((r) => MANAGERS.includes(r))) {
    throw forbidden('Only trainers, HR and administrators can manage required training.', { code: 'role_required', params: { roles: MANAGERS.join(',') } });
  }
  return me;
}

export async function requireHr(tx: Tx): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !me.roles.some((r) => r === 'hr' || r === 'admin')) {
    throw forbidden('Only HR and administrators can read completion reports and the audit log.', { code: 'role_required', params: { roles: 'hr,admin' } });
  }
  return me;
}

/** A refusal of one field, with its code (the page says it in its language: `err.<code>` in src/i18n/hr.ts). */
function fieldProblem(field: string, code: string, english: string, params: Record<string, string | number> = {}) {
  const f = new FieldIssues();
  f.add(field, code, english, params);
  return f.problem(english);
}

/** No assignment with this id that the caller manages (also what someone outside its scope is told). */
const assignmentNotFound = () => notFound('There is no assignment with this id in your scope.', { code: 'assignment_not_found' });

// ---------------------------------------------------------------------------------------------
// Creating

const IsoInstant = z.iso.datetime({ offset: true, message: 'Use an ISO date-time with a time zone, e.g. 2026-12-15T23:59:59+08:00.' });

export const CreateAssignmentSchema = z.strictObject({
  title: z.string().trim().min(1, 'Give the assignment a title.').max(200),
  period: PeriodSchema,
  examId: z.uuid('examId must be an exam id.').optional(),
  lessonIds: z.array(z.string().regex(/^[a-z0-9-]{2,80}$/, 'Not a lesson id.')).max(100).default([]),
  targets: z.strictObject({
    /** Org unit ids or codes; `subtree` (default true) includes every unit below. */
    orgUnits: z.array(z.strictObject({ unit: z.string().min(1).max(64), subtree: z.boolean().default(true) })).max(200).default([]),
    positions: z.array(z.string().trim().min(1).max(64)).max(100).default([]),
    /** Employee numbers (工号) or member ids. */
    members: z.array(z.string().trim().min(1).max(64)).max(500).default([]),
  }),
  startsAt: IsoInstant,
  dueAt: IsoInstant,
  recurrence: z.enum(RECURRENCES).default('none'),
  /** A due date already past makes everyone overdue at once: allowed only when said on purpose. */
  confirmPastDue: z.boolean().default(false),
  /** The unit that owns the assignment (id or code); defaults to the caller's scope. */
  ownerOrgUnit: z.string().min(1).max(64).optional(),
});
export type CreateAssignmentInput = z.infer<typeof CreateAssignmentSchema>;

async function unitByIdOrCode(tx: Tx, ref: string) {
  const [u] = await tx`select id, code, name, path from app.org_units where id::text = ${ref} or code = ${ref}`;
  return u ? { id: u.id as string, code: u.code as string, name: u.name as string, path: u.path as string } : null;
}

export async function createAssignment(tx: Tx, input: CreateAssignmentInput) {
  const me = await requireManager(tx);
  // Every problem at once, each next to its field, with a code the page says in its language.
  const f = new FieldIssues();
  const startsAt = new Date(input.startsAt);
  const dueAt = new Date(input.dueAt);
  if (dueAt <= startsAt) f.add('dueAt', 'due_before_start', 'The due date must be after the start.');
  else if (dueAt.getTime() <= Date.now() && !input.confirmPastDue) {
    f.add('dueAt', 'due_in_past', 'The due date has passed: everyone would be overdue at once. Choose a later date, or send confirmPastDue: true.');
  }
  if (!input.examId && input.lessonIds.length === 0) f.add('examId', 'nothing_assigned', 'Choose an exam, lessons, or both.');
  if (input.recurrence === 'quarterly' && !/^\d{4}Q[1-4]$/.test(input.period)) {
    f.add('recurrence', 'quarterly_needs_quarter', 'A quarterly assignment needs a quarter as its period, e.g. 2026Q4.');
  }
  const t = input.targets;
  if (t.orgUnits.length + t.positions.length + t.members.length === 0) {
    f.add('targets', 'no_targets', 'Choose at least one org unit, position or person.');
  }
  const ownerRef = input.ownerOrgUnit ?? me.scope?.id ?? null;
  const owner = ownerRef ? await unitByIdOrCode(tx, ownerRef) : null;
  const [inScope] = owner ? await tx`select app_private.in_scope(${owner.id}::uuid) as ok` : [];
  if (!owner || !inScope?.ok) {
    throw fieldProblem('ownerOrgUnit', 'owner_out_of_scope', `The org unit "${ownerRef ?? ''}" is not in your scope.`, { ref: ownerRef ?? '' });
  }

  if (input.examId) {
    const [exam] = await tx`select id, status, title from app.exams where id = ${input.examId}`;
    if (!exam) f.add('examId', 'exam_unknown', 'There is no such exam you can see.');
    else if (exam.status !== 'published') f.add('examId', 'exam_not_published', `Publish the exam "${exam.title as string}" before assigning it.`, { title: exam.title as string });
  }
  if (input.lessonIds.length) {
    const found = await tx`select id from app.lessons where id in ${tx(input.lessonIds)} and retired_at is null`;
    const missing = input.lessonIds.filter((id) => !found.some((l) => l.id === id));
    if (missing.length) f.add('lessonIds', 'lessons_unknown', `Unknown lessons: ${missing.join(', ')}.`, { ids: missing.join(', ') });
  }

  const targets: unknown[] = [];
  for (const [i, o] of t.orgUnits.entries()) {
    const u = await unitByIdOrCode(tx, o.unit);
    if (!u || !u.path.startsWith(owner.path)) {
      f.add(`targets.orgUnits.${i}`, 'target_unit_outside', `Org unit ${o.unit} is not inside ${owner.name}.`, { ref: o.unit, owner: owner.name });
    } else targets.push({ kind: 'org', id: u.id, subtree: o.subtree });
  }
  for (const p of t.positions) targets.push({ kind: 'position', value: p });
  for (const [i, ref] of t.members.entries()) {
    const [m] = await tx`select m.id, o.path from app.members m join app.org_units o on o.id = m.org_unit_id
                         where (m.employee_no = ${ref} or m.id::text = ${ref}) and m.active`;
    if (!m || !(m.path as string).startsWith(owner.path)) {
      f.add(`targets.members.${i}`, 'target_member_outside', `No active person ${ref} inside ${owner.name}.`, { ref, owner: owner.name });
    } else targets.push({ kind: 'member', id: m.id });
  }
  if (f.any) throw f.problem('The assignment has invalid fields.', 'assignment_invalid');

  const periodEnd = periodBounds(input.period).end;
  const [row] = await tx`
    insert into app.assignments (title, period, exam_id, lesson_ids, owner_org_id, targets, starts_at, due_at, period_end, recurrence, created_by)
    values (${input.title}, ${input.period}, ${input.examId ?? null},
            array(select jsonb_array_elements_text(${tx.json(input.lessonIds)})), ${owner.id}, ${tx.json(targets as never)},
            ${startsAt}, ${dueAt}, ${periodEnd}, ${input.recurrence}, ${me.memberId})
    returning id`;
  const id = row!.id as string;
  const [sync] = await tx`select app.sync_assignment_people(${id}::uuid) as n`;
  const people = Number(sync?.n ?? 0);
  await audit(tx, me, 'assignment.create', 'assignment', id, null,
    { title: input.title, period: input.period, examId: input.examId ?? null, lessonIds: input.lessonIds, targets, startsAt, dueAt, recurrence: input.recurrence, people },
    null);
  return { id, people };
}

async function audit(tx: Tx, me: Me, action: string, entity: string, entityId: string, before: unknown, after: unknown, reason: string | null) {
  await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after, reason)
           values (${me.memberId}, 'member', ${action}, ${entity}, ${entityId}, ${before === null ? null : tx.json(before as never)},
                   ${after === null ? null : tx.json(after as never)}, ${reason})`;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface AssignmentSummary {
  id: string;
  title: string;
  period: string;
  examId: string | null;
  examTitle: string | null;
  lessonIds: string[];
  ownerOrgId: string;
  ownerOrgName: string;
  targets: { kind: string; id?: string; value?: string; subtree?: boolean; label?: string }[];
  startsAt: string;
  dueAt: string;
  periodEnd: string;
  recurrence: string;
  previousId: string | null;
  nextId: string | null;
  status: string;
  createdAt: string;
  counts: Record<AssignmentStatus, number> & { assigned: number; atRisk: number };
}

function summaryCounts(c: StatusCounts): AssignmentSummary['counts'] {
  return {
    assigned: c.assigned, not_started: c.notStarted, in_progress: c.inProgress, completed: c.completed, completed_late: c.completedLate,
    overdue: c.overdue, exempt: c.exempt, atRisk: c.atRisk,
  };
}

const iso = (d: unknown) => (d === null || d === undefined ? null : (d as Date).toISOString());

export async function listAssignments(tx: Tx, filter: { period?: string; id?: string }, now = new Date()): Promise<AssignmentSummary[]> {
  const rows = await tx`
    select a.id, a.title, a.period, a.exam_id, e.title as exam_title, to_jsonb(a.lesson_ids) as lesson_ids, a.owner_org_id,
           o.name as owner_name, a.targets, a.starts_at, a.due_at, a.period_end, a.recurrence, a.previous_id, a.status, a.created_at,
           (select n.id from app.assignments n where n.previous_id = a.id) as next_id,
           c.people, c.exempt, c.done_on_time, c.done_late, c.open_started, c.open_not_started, c.passed, c.scored, c.score_sum, c.best
    from app.assignments a
    join app.org_units o on o.id = a.owner_org_id
    left join app.exams e on e.id = a.exam_id
    -- The kept counts (one view is enough: every person is in exactly one unit of each view).
    left join lateral (
      select coalesce(sum(k.people), 0) as people, coalesce(sum(k.exempt), 0) as exempt, coalesce(sum(k.done_on_time), 0) as done_on_time,
             coalesce(sum(k.done_late), 0) as done_late, coalesce(sum(k.open_started), 0) as open_started,
             coalesce(sum(k.open_not_started), 0) as open_not_started, coalesce(sum(k.passed), 0) as passed,
             coalesce(sum(k.scored), 0) as scored, coalesce(sum(k.score_sum), 0)::float8 as score_sum, max(k.best)::float8 as best
      from app.assignment_counts k where k.assignment_id = a.id and k.basis = 'assigned'
    ) c on true
    where (select app_private.is_manager()) and a.owner_org_id in (select app_private.managed_org_ids())
      and (${filter.period ?? null}::text is null or a.period = ${filter.period ?? null})
      and (${filter.id ?? null}::uuid is null or a.id = ${filter.id ?? null}::uuid)
    order by a.period desc, a.due_at, a.title`;
  // Labels for the targets (unit names, people's names) for the list.
  const unitIds = new Set<string>();
  const memberIds = new Set<string>();
  for (const r of rows) for (const t of r.targets as { kind: string; id?: string }[]) {
    if (t.kind === 'org' && t.id) unitIds.add(t.id);
    if (t.kind === 'member' && t.id) memberIds.add(t.id);
  }
  const labels = new Map<string, string>();
  if (unitIds.size) for (const u of await tx`select id, name from app.org_units where id in ${tx([...unitIds])}`) labels.set(u.id as string, u.name as string);
  if (memberIds.size) for (const m of await tx`select id, name, employee_no from app.members where id in ${tx([...memberIds])}`) labels.set(m.id as string, `${m.name as string} (${m.employee_no as string})`);
  return rows.map((r) => ({
    id: r.id as string,
    title: r.title as string,
    period: r.period as string,
    examId: (r.exam_id as string | null) ?? null,
    examTitle: (r.exam_title as string | null) ?? null,
    lessonIds: r.lesson_ids as string[],
    ownerOrgId: r.owner_org_id as string,
    ownerOrgName: r.owner_name as string,
    targets: (r.targets as { kind: string; id?: string; value?: string; subtree?: boolean }[]).map((t) => ({ ...t, label: t.id ? labels.get(t.id) ?? t.id : t.value })),
    startsAt: iso(r.starts_at)!,
    dueAt: iso(r.due_at)!,
    periodEnd: iso(r.period_end)!,
    recurrence: r.recurrence as string,
    previousId: (r.previous_id as string | null) ?? null,
    nextId: (r.next_id as string | null) ?? null,
    status: r.status as string,
    createdAt: iso(r.created_at)!,
    counts: summaryCounts(statusCounts({ ...r, bins: [] }, now).counts),
  }));
}

export async function getAssignment(tx: Tx, id: string): Promise<AssignmentSummary> {
  await requireManager(tx);
  const [a] = await listAssignments(tx, { id });
  if (!a) throw assignmentNotFound();
  return a;
}

export async function cancelAssignment(tx: Tx, id: string, reason: string) {
  const me = await requireManager(tx);
  const a = await getAssignment(tx, id);
  if (a.status === 'cancelled') return a;
  const updated = await tx`update app.assignments set status = 'cancelled' where id = ${id} returning id`;
  if (!updated.length) throw forbidden('You cannot cancel this assignment.', { code: 'not_allowed' });
  await audit(tx, me, 'assignment.cancel', 'assignment', id, { status: a.status }, { status: 'cancelled' }, reason);
  return { ...a, status: 'cancelled' };
}

export async function syncAssignment(tx: Tx, id: string) {
  await getAssignment(tx, id);
  const [r] = await tx`select app.sync_assignment_people(${id}::uuid) as n`;
  return { added: Number(r?.n ?? 0) };
}

/**
 * The next quarter's occurrence of a quarterly assignment: same exam, lessons and targets, start and
 * due moved by three months. Idempotent (assignments.previous_id is unique): asking twice returns
 * the one created first. The last occurrence is never changed.
 */
export async function createNextOccurrence(tx: Tx, id: string, actor: Me | null) {
  const [a] = await tx`select id, title, period, exam_id, to_jsonb(lesson_ids) as lesson_ids, owner_org_id, targets, starts_at, due_at,
                              recurrence, status, created_by from app.assignments where id = ${id}`;
  if (!a) throw assignmentNotFound();
  if (a.recurrence !== 'quarterly') throw conflict('This assignment does not recur.', { code: 'not_recurring' });
  if (a.status !== 'active') throw conflict('A cancelled assignment does not recur.', { code: 'cancelled' });
  const next = nextOccurrence({ period: a.period as string, startsAt: a.starts_at as Date, dueAt: a.due_at as Date });
  const inserted = await tx`
    insert into app.assignments (title, period, exam_id, lesson_ids, owner_org_id, targets, starts_at, due_at, period_end, recurrence, previous_id, created_by)
    values (${(a.title as string).replace(a.period as string, next.period)}, ${next.period}, ${(a.exam_id as string | null) ?? null},
            array(select jsonb_array_elements_text(${tx.json(a.lesson_ids as never)})), ${a.owner_org_id as string}, ${tx.json(a.targets as never)},
            ${next.startsAt}, ${next.dueAt}, ${next.periodEnd}, 'quarterly', ${id}, ${actor?.memberId ?? ((a.created_by as string | null) ?? null)})
    on conflict (previous_id) do nothing
    returning id`;
  if (!inserted.length) {
    const [existing] = await tx`select id, period from app.assignments where previous_id = ${id}`;
    return { id: existing!.id as string, period: existing!.period as string, created: false, people: 0 };
  }
  const nextId = inserted[0]!.id as string;
  const [sync] = await tx`select app.sync_assignment_people(${nextId}::uuid) as n`;
  const after = { previousId: id, period: next.period, startsAt: next.startsAt, dueAt: next.dueAt, people: Number(sync?.n ?? 0) };
  if (actor) await audit(tx, actor, 'assignment.recur', 'assignment', nextId, null, after, null);
  else {
    await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, after)
             values (null, 'system:assignments-daily', 'assignment.recur', 'assignment', ${nextId}, ${tx.json(after as never)})`;
  }
  return { id: nextId, period: next.period, created: true, people: after.people };
}

/**
 * The daily job (service role): creates the next occurrence of every active quarterly assignment
 * whose next quarter starts within 14 days, and adds newly in-scope people (new hires, people who
 * moved in) to every active assignment not yet due. Idempotent.
 */
export async function runDailyAssignments(tx: Tx, now = new Date()) {
  const horizon = new Date(now.getTime() + 14 * 86_400_000);
  const due = await tx`select a.id, a.period from app.assignments a
                       where a.recurrence = 'quarterly' and a.status = 'active'
                         and not exists (select 1 from app.assignments n where n.previous_id = a.id)`;
  let created = 0;
  for (const a of due) {
    if (periodBounds(nextQuarter(a.period as string)).start > horizon) continue;
    const r = await createNextOccurrence(tx, a.id as string, null);
    if (r.created) created += 1;
  }
  let added = 0;
  for (const a of await tx`select id from app.assignments where status = 'active' and due_at > ${now}`) {
    const [r] = await tx`select app.sync_assignment_people(${a.id as string}::uuid) as n`;
    added += Number(r?.n ?? 0);
  }
  return { created, added };
}

// ---------------------------------------------------------------------------------------------
// Exemptions

export async function setExemption(tx: Tx, assignmentId: string, memberRef: string, reason: string | null) {
  await requireHr(tx);
  const [m] = await tx`select ap.member_id from app.assignment_people ap join app.members m on m.id = ap.member_id
                       where ap.assignment_id = ${assignmentId} and (m.id::text = ${memberRef} or m.employee_no = ${memberRef})`;
  if (!m) throw notFound('This person is not in the assignment\'s scope (or not in yours).', { code: 'person_not_in_assignment' });
  try {
    const [r] = await tx`select app.set_assignment_exemption(${assignmentId}::uuid, ${m.member_id as string}::uuid, ${reason}) as after`;
    return r!.after as { exempt: boolean; reason: string | null; at: string | null };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === '42501') throw forbidden(`${e.message}. Only HR or an administrator who manages this person may exempt them, and never themselves.`, { code: 'exempt_not_allowed' });
    if (e.code === '22023') throw fieldProblem('reason', 'too_short', 'Give the reason (at least 2 characters).', { min: 2 });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// The employee's own required items (dashboard)

export interface MyAssignment {
  id: string;
  title: string;
  period: string;
  examId: string | null;
  examTitle: string | null;
  lessons: { id: string; title: string; read: boolean }[];
  startsAt: string;
  dueAt: string;
  status: AssignmentStatus;
  atRisk: boolean;
  score: number | null;
  passed: boolean | null;
  completedAt: string | null;
  exemptReason: string | null;
}

export async function myAssignments(tx: Tx, now = new Date()): Promise<MyAssignment[]> {
  const rows = await tx`
    select a.id, a.title, a.period, a.exam_id, e.title as exam_title, a.starts_at, a.due_at, ap.started_at, ap.completed_at,
           ap.score, ap.passed, ap.exempt_reason,
           coalesce((select jsonb_agg(jsonb_build_object('id', l.id, 'title', l.title,
                       'read', exists (select 1 from app.lesson_progress p where p.member_id = ap.member_id and p.lesson_id = l.id)) order by l.sort_order)
                     from app.lessons l where l.id = any (a.lesson_ids)), '[]'::jsonb) as lessons
    from app.assignment_people ap
    join app.assignments a on a.id = ap.assignment_id
    left join app.exams e on e.id = a.exam_id
    where ap.member_id = app_private.current_member_id() and a.status = 'active'
    order by a.due_at`;
  const out = rows.map((r) => {
    const facts = { dueAt: r.due_at as Date, startedAt: (r.started_at as Date | null) ?? null, completedAt: (r.completed_at as Date | null) ?? null, exempt: r.exempt_reason !== null };
    return {
      id: r.id as string,
      title: r.title as string,
      period: r.period as string,
      examId: (r.exam_id as string | null) ?? null,
      examTitle: (r.exam_title as string | null) ?? null,
      lessons: r.lessons as MyAssignment['lessons'],
      startsAt: iso(r.starts_at)!,
      dueAt: iso(r.due_at)!,
      status: assignmentStatus(facts, now),
      atRisk: isAtRisk(facts, now),
      score: r.score === null ? null : Number(r.score),
      passed: (r.passed as boolean | null) ?? null,
      completedAt: iso(r.completed_at),
      exemptReason: (r.exempt_reason as string | null) ?? null,
    };
  });
  // Open items first (overdue, then at risk, then by due date), finished ones after.
  const rank = (a: MyAssignment) => (a.status === 'overdue' ? 0 : a.status === 'in_progress' || a.status === 'not_started' ? 1 : 2);
  return out.sort((x, y) => rank(x) - rank(y) || x.dueAt.localeCompare(y.dueAt));
}

/**
 * What the "new assignment" form offers: published exams offered to the caller or managed by them
 * (app_private.may_use_exam, the rule of the assignments_insert policy: a head-office exam that only
 * reaches the caller's people is theirs to report on, not to assign), lessons, units and positions in scope.
 */
export async function assignmentChoices(tx: Tx) {
  const me = await requireManager(tx);
  const [exams, lessons, units, positions] = await Promise.all([
    tx`select id, title, kind, grading_method, pass_percent from app.exams
       where status = 'published' and kind <> 'practice' and app_private.may_use_exam(id) order by title`,
    tx`select id, title, module from app.lessons where retired_at is null order by module, sort_order`,
    // Open units only (a closed unit has no one to assign to); tree order byte-wise, so a unit's
    // children follow it whatever the database collation; the names from the top, to tell apart
    // two units of the same name under different parents.
    tx`select o.id, o.code, o.name, o.kind, o.path,
         (select string_agg(a.name, '/' order by length(a.path)) from app.org_units a
           where o.path like a.path || '%' and a.parent_id is not null) as names
       from app.org_units o where o.id in (select app_private.managed_org_ids()) and o.closed_at is null
       order by o.path collate "C"`,
    tx`select distinct m.position from app.members m where m.position is not null and m.active
         and m.org_unit_id in (select app_private.managed_org_ids()) order by 1 limit 500`,
  ]);
  return {
    scope: me.scope,
    exams: exams.map((e) => ({ id: e.id as string, title: e.title as string, kind: e.kind as string, gradingMethod: e.grading_method as string, passPercent: Number(e.pass_percent) })),
    lessons: lessons.map((l) => ({ id: l.id as string, title: l.title as string, module: l.module as string })),
    units: units.map((u) => ({ id: u.id as string, code: u.code as string, name: u.name as string, kind: u.kind as string, depth: (u.path as string).split('/').length - 3, pathNames: (u.names as string | null) ?? (u.name as string) })),
    positions: positions.map((p) => p.position as string),
  };
}

/** The people of one assignment with their status (the assignment page; HR exempts from here). */
export async function assignmentPeople(tx: Tx, id: string, now = new Date()) {
  await getAssignment(tx, id);
  const rows = await tx`
    select m.id, m.employee_no, m.name, m.position, m.active, u.name as unit, a.due_at, ap.started_at, ap.completed_at, ap.score, ap.passed, ap.exempt_reason
    from app.assignment_people ap join app.assignments a on a.id = ap.assignment_id join app.members m on m.id = ap.member_id
    join app.org_units u on u.id = m.org_unit_id
    where ap.assignment_id = ${id} order by u.path, m.employee_no limit 5000`;
  return rows.map((r) => {
    const facts = { dueAt: r.due_at as Date, startedAt: (r.started_at as Date | null) ?? null, completedAt: (r.completed_at as Date | null) ?? null, exempt: r.exempt_reason !== null };
    return {
      memberId: r.id as string, employeeNo: r.employee_no as string, name: r.name as string, position: (r.position as string | null) ?? null,
      active: Boolean(r.active), unit: r.unit as string, status: assignmentStatus(facts, now), atRisk: isAtRisk(facts, now),
      score: r.score === null ? null : Number(r.score), passed: (r.passed as boolean | null) ?? null,
      completedAt: iso(r.completed_at), exemptReason: (r.exempt_reason as string | null) ?? null,
    };
  });
}
