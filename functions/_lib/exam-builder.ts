// The exam builder's server side (issue 9): request bodies, the blueprint check against the banks
// the caller may use, the audience (org units, roles, named members), and the builder's view of an
// exam. Everything runs in the caller's transaction, so RLS decides what is found; the checks here
// add the role (trainers and admins build exams; HR reads results only) and the exam scope.
import { z } from 'zod';
import type { Tx } from './db.ts';
import { badRequest, conflict, FieldIssues, fieldCodes, fieldErrors, forbidden, HttpProblem } from './http.ts';
import type { MessageCode } from '../../src/core/field-codes.ts';
import { examProblem } from './attempts.ts';
import { loadCandidates, loadExam, paperSize, type Exam } from './exams.ts';
import { loadMe, type Me } from './members.ts';
import { administersExam, notExamManagerMessage, ownerUnitName } from './exam-scope.ts';
import { assemblePaper, BlueprintError, countItems, describeSection, familyOf, matches, type Blueprint, type Candidate } from '../../src/core/assembly.ts';
import { ExamSettingsSchema, resolveExamSettings, type ExamSettings } from '../../src/core/exam-settings.ts';
import { candidateFromStored, type StoredPublicVersion } from '../../src/core/paper.ts';
import { findControlChar, singleLine } from '../../src/core/text.ts';

const Ref = z.string().trim().min(1, 'Choose one.').max(64).superRefine(singleLine);
const Due = z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time with a time zone, e.g. 2026-03-01T18:00:00+08:00.' }).nullable().optional();

export const ROLES = ['employee', 'trainer', 'hr', 'admin'] as const;

export const AudienceSchema = z.strictObject({
  /** Org units (id or code), each with its whole subtree. */
  orgUnits: z.array(z.strictObject({ orgUnit: Ref, dueAt: Due })).max(200).default([]),
  /** Members holding a role within an org unit's subtree. */
  roles: z.array(z.strictObject({ role: z.enum(ROLES, 'Choose employee, trainer, hr or admin.'), orgUnit: Ref, dueAt: Due })).max(50).default([]),
  /** Named members (id or employee number). */
  members: z.array(z.strictObject({ member: Ref, dueAt: Due })).max(2000).default([]),
});
export type Audience = z.infer<typeof AudienceSchema>;

export interface BuilderBody {
  settings: ReturnType<typeof resolveExamSettings>;
  audience: Audience;
  ownerOrgUnit: string | null;
}

/**
 * A builder body: the engine's exam settings (src/core ExamSettingsSchema) plus `audience` and
 * `ownerOrgUnit`. Every invalid field is reported at once, keyed by its path.
 */
export function parseBuilderBody(raw: unknown, defaults: { status: 'draft' | 'published' }): BuilderBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('Send the exam as a JSON object.', { code: 'bad_json' });
  const control = findControlChar(raw);
  if (control) throw badRequest('The exam has invalid fields.', { code: 'invalid_fields', errors: { [control.path]: control.message }, fieldCodes: { [control.path]: control.code } });
  const { audience: rawAudience, ownerOrgUnit, ...rest } = raw as Record<string, unknown>;
  const settingsInput = { status: defaults.status, ...rest };
  const settings = ExamSettingsSchema.safeParse(settingsInput);
  const audience = AudienceSchema.safeParse(rawAudience ?? {});
  const owner = Ref.nullable().optional().safeParse(ownerOrgUnit);
  // English for API clients, codes for the page's language (src/core/field-codes.ts).
  const errors: Record<string, string> = {};
  const codes: Record<string, MessageCode> = {};
  if (!settings.success) {
    Object.assign(errors, fieldErrors(settings.error));
    Object.assign(codes, fieldCodes(settings.error, settingsInput));
  }
  if (!audience.success) {
    const audienceCodes = fieldCodes(audience.error, rawAudience ?? {});
    for (const [k, v] of Object.entries(fieldErrors(audience.error))) {
      const key = k === '(body)' ? 'audience' : `audience.${k}`;
      errors[key] = v;
      if (audienceCodes[k]) codes[key] = audienceCodes[k]!;
    }
  }
  if (!owner.success) {
    errors.ownerOrgUnit = 'Give the owner unit as an org unit id or code.';
    codes.ownerOrgUnit = { code: 'owner_unit_ref' };
  }
  if (!settings.success || !audience.success || !owner.success) throw badRequest('The exam has invalid fields.', { code: 'invalid_fields', errors, fieldCodes: codes });
  return { settings: resolveExamSettings(settings.data as ExamSettings), audience: audience.data, ownerOrgUnit: owner.data ?? null };
}

/** Trainers and admins build exams; HR reads results but does not build them. */
export async function requireBuilder(tx: Tx): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !(me.roles.includes('trainer') || me.roles.includes('admin'))) {
    throw me?.roles.includes('hr')
      ? forbidden('HR can read results but not build or change exams. Ask a trainer.', { code: 'hr_cannot_build' })
      : forbidden('Only trainers and administrators can build exams.', { code: 'role_required', params: { roles: 'trainer,admin' } });
  }
  return me;
}

/** An exam the caller administers (its owning unit is in their subtree): 404 unseen, 403 outside. */
export async function administeredExam(tx: Tx, examId: string, what: string): Promise<Exam> {
  const exam = await loadExam(tx, examId);
  if (!exam) throw examProblem(404, 'exam_not_found', 'There is no exam with this id that you can see.');
  if (!(await administersExam(tx, examId))) {
    const owner = await ownerUnitName(tx, examId);
    throw examProblem(403, 'not_exam_manager', notExamManagerMessage(what, owner), { params: { owner: owner ?? '' } });
  }
  return exam;
}

export async function resolveUnit(tx: Tx, ref: string) {
  const [u] = await tx`select id, code, name, app_private.in_scope(id) as in_scope from app.org_units where id::text = ${ref} or code = ${ref}`;
  return u ? { id: u.id as string, code: u.code as string, name: u.name as string, inScope: Boolean(u.in_scope) } : null;
}

// ---------------------------------------------------------------------------------------------
// The blueprint against the banks the caller may use.

export interface SectionCheck {
  /**
   * Questions that match the row (type × topic × difficulty in its banks, or its picked questions),
   * counting a variant family once: a paper holds at most one of a family.
   */
  available: number;
  asked: number;
  /** The row's own problem, written for the trainer, or null. */
  error: string | null;
  /** Its stable code and values, which the page says in its language (src/i18n/trainer-exams.ts err.*). */
  errorCode: MessageCode | null;
}

export interface BlueprintCheck {
  ok: boolean;
  sections: SectionCheck[];
  /** Field errors keyed `blueprint.sections.<i>.<field>`. */
  errors: Record<string, string>;
  /** The same fields' codes (as `fieldCodes` of a problem). */
  fieldCodes: Record<string, MessageCode>;
  /** An overlap between rows (two rows drawing on the same questions), if any. */
  message: string | null;
  messageCode: MessageCode | null;
  questionCount: number;
  totalPoints: number;
}

/** Candidates from the banks the caller can see (RLS on app.banks: open banks, closed banks in scope). */
export async function visibleCandidates(tx: Tx): Promise<{ versions: StoredPublicVersion[]; candidates: Candidate[]; banks: Set<string> }> {
  const banks = new Set((await tx`select id from app.banks`).map((r) => r.id as string));
  const versions = (await loadCandidates(tx)).filter((v) => banks.has(v.bank ?? 'official'));
  return { versions, candidates: versions.map(candidateFromStored), banks };
}

/**
 * Checks a blueprint the way a start will use it: every bank named is one the caller may use,
 * every picked question is current and in such a bank, each row has enough questions, and the
 * rows together can be filled (assembly with a fixed seed). Nothing is written.
 */
export async function checkBlueprint(tx: Tx, blueprint: Blueprint): Promise<BlueprintCheck> {
  const { candidates, banks } = await visibleCandidates(tx);
  const errors: Record<string, string> = {};
  const codes: Record<string, MessageCode> = {};
  const sections: SectionCheck[] = blueprint.sections.map((s, i) => {
    const unknown = (s.banks ?? []).filter((b) => !banks.has(b));
    let error: string | null = null;
    let errorCode: MessageCode | null = null;
    // A row's problem: English text for API clients, a code with values for the page (row = 1-based).
    const fail = (field: string, code: string, english: string, params: Record<string, string | number> = {}) => {
      error = english;
      errorCode = { code, params: { row: i + 1, ...params } };
      errors[`blueprint.sections.${i}.${field}`] = english;
      codes[`blueprint.sections.${i}.${field}`] = errorCode;
    };
    if (unknown.length) {
      fail('banks', 'bank_unusable', `You cannot use ${unknown.length === 1 ? 'the bank' : 'the banks'} ${unknown.map((b) => `"${b}"`).join(', ')}: ${unknown.length === 1 ? 'it does' : 'they do'} not exist or ${unknown.length === 1 ? 'is' : 'are'} closed to your unit.`,
        { banks: unknown.join(', ') });
    }
    const pool = candidates.filter((c) => matches(s, c));
    const available = countItems(pool);
    if (s.questionIds) {
      const found = new Set(pool.map((c) => c.questionId));
      const missing = s.questionIds.filter((id) => !found.has(id));
      if (missing.length) {
        const ids = `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}`;
        fail('questionIds', 'picks_unavailable', `Picked questions not available as current ${s.type} questions in a bank you may use: ${ids}.`, { ids, type: s.type });
      } else if (available < pool.length) {
        // Two picks restate one fact (variantOf): a paper holds at most one of them.
        const byFamily = new Map<string, string[]>();
        for (const c of pool) byFamily.set(familyOf(c), [...(byFamily.get(familyOf(c)) ?? []), c.questionId]);
        const twins = [...byFamily.values()].filter((ids) => ids.length > 1).map((ids) => ids.sort().join(' / '));
        const list = `${twins.slice(0, 5).join('; ')}${twins.length > 5 ? ' …' : ''}`;
        fail('questionIds', 'picks_variants', `Picked questions restate the same fact (variants of one question); a paper can hold only one of each: ${list}. Remove all but one of each.`, { ids: list });
      }
    } else if (!error && available < s.count) {
      const what = describeSection(s, i).replace(/^s/, 'S');
      const variants = available < pool.length ? ` (${pool.length} questions, but variants of one question count once)` : '';
      if (available === 0) fail('count', 'row_no_match', `${what}: no question in the chosen banks matches. Change its type, topic, difficulty or banks.`);
      else {
        const english = `${what} asks for ${s.count} questions but only ${available} match in the chosen banks${variants}. Lower the count to ${available} or widen the row.`;
        const params = { asked: s.count, available, questions: pool.length };
        if (available < pool.length) fail('count', 'row_short_variants', english, params);
        else fail('count', 'row_short', english, params);
      }
    }
    return { available, asked: s.count, error, errorCode };
  });
  let message: string | null = null;
  let messageCode: MessageCode | null = null;
  if (Object.keys(errors).length === 0) {
    try {
      assemblePaper({ blueprint, candidates, seen: [], seed: 0 });
    } catch (err) {
      if (!(err instanceof BlueprintError)) throw err;
      message = err.message;
      for (const issue of err.issues) {
        const code: MessageCode = { code: 'rows_overlap', params: { rows: issue.sections.join(', '), asked: issue.asked, available: issue.available } };
        messageCode ??= code;
        for (const n of issue.sections) {
          const key = `blueprint.sections.${n - 1}.count`;
          if (!(key in errors)) {
            errors[key] = `Rows ${issue.sections.join(', ')} share questions: together they ask for ${issue.asked}, but only ${issue.available} different questions match.`;
            codes[key] = code;
          }
          if (sections[n - 1]!.error === null) {
            sections[n - 1]!.error = errors[key]!;
            sections[n - 1]!.errorCode = codes[key] ?? code;
          }
        }
      }
    }
  }
  const size = paperSize(blueprint);
  return { ok: Object.keys(errors).length === 0, sections, errors, fieldCodes: codes, message, messageCode, ...size };
}

export function blueprintProblem(check: BlueprintCheck): HttpProblem {
  const first = Object.values(check.errors)[0] ?? 'The blueprint cannot be filled from the bank.';
  return badRequest(check.message ?? `The blueprint cannot be filled: ${first}`, {
    code: 'blueprint_unfillable', errors: check.errors, fieldCodes: check.fieldCodes, sections: check.sections,
  });
}

// ---------------------------------------------------------------------------------------------
// Audience

export interface AudienceRows {
  units: { id: string; dueAt: string | null }[];
  roles: { role: string; unitId: string; dueAt: string | null }[];
  members: { id: string; dueAt: string | null }[];
}

/** Resolves references; unknown ones are field errors, ones outside the caller's scope a 403. */
export async function resolveAudience(tx: Tx, me: Me, a: Audience): Promise<AudienceRows> {
  const f = new FieldIssues();
  const scopeName = me.scope?.name ?? me.orgUnit.name;
  const unitOf = async (ref: string, field: string) => {
    const u = await resolveUnit(tx, ref);
    if (!u) {
      f.add(field, 'audience_org_unknown', `There is no org unit "${ref}" that you can see.`, { ref });
      return null;
    }
    if (!u.inScope) {
      throw forbidden(`You can choose only units within your scope (${scopeName}); ${u.name} is outside it.`, { code: 'unit_out_of_scope', params: { scope: scopeName, unit: u.name } });
    }
    return u;
  };
  const out: AudienceRows = { units: [], roles: [], members: [] };
  for (const [i, x] of a.orgUnits.entries()) {
    const u = await unitOf(x.orgUnit, `audience.orgUnits.${i}.orgUnit`);
    if (u) out.units.push({ id: u.id, dueAt: x.dueAt ?? null });
  }
  for (const [i, x] of a.roles.entries()) {
    const u = await unitOf(x.orgUnit, `audience.roles.${i}.orgUnit`);
    if (u) out.roles.push({ role: x.role, unitId: u.id, dueAt: x.dueAt ?? null });
  }
  // RLS on members: only people in the caller's subtree (or the caller) are found. One statement for
  // the whole list (up to 2,000 names: one query each would take seconds on a remote database).
  const found = a.members.length === 0 ? [] : await tx`
    select m.id::text as id, m.employee_no from app.members m
    where m.active and (m.id::text in (select jsonb_array_elements_text(${tx.json(a.members.map((x) => x.member))}))
                        or m.employee_no in (select jsonb_array_elements_text(${tx.json(a.members.map((x) => x.member))})))`;
  const byRef = new Map<string, string>();
  for (const m of found) {
    byRef.set(m.id as string, m.id as string);
    if (m.employee_no) byRef.set(m.employee_no as string, m.id as string);
  }
  for (const [i, x] of a.members.entries()) {
    const id = byRef.get(x.member);
    if (!id) f.add(`audience.members.${i}.member`, 'audience_member_unknown', `There is no active member "${x.member}" in your scope.`, { ref: x.member });
    else out.members.push({ id, dueAt: x.dueAt ?? null });
  }
  if (f.any) throw f.problem('Some of the audience cannot be found.', 'audience_not_found');
  return out;
}

/** Replaces the exam's audience; returns true when it changed. */
export async function writeAudience(tx: Tx, examId: string, rows: AudienceRows): Promise<boolean> {
  const before = JSON.stringify(await audienceSnapshot(tx, examId));
  await tx`delete from app.exam_assignments where exam_id = ${examId}`;
  await tx`delete from app.exam_audience where exam_id = ${examId}`;
  for (const u of rows.units) {
    await tx`insert into app.exam_assignments (exam_id, org_unit_id, due_at) values (${examId}, ${u.id}, ${u.dueAt}) on conflict do nothing`;
  }
  for (const r of rows.roles) {
    await tx`insert into app.exam_audience (exam_id, role, org_unit_id, due_at) values (${examId}, ${r.role}, ${r.unitId}, ${r.dueAt})
      on conflict do nothing`;
  }
  if (rows.members.length) {
    await tx`insert into app.exam_audience (exam_id, member_id, due_at)
      select ${examId}::uuid, x.id, x."dueAt" from jsonb_to_recordset(${tx.json(rows.members as never)}) as x(id uuid, "dueAt" timestamptz)
      on conflict do nothing`;
  }
  return JSON.stringify(await audienceSnapshot(tx, examId)) !== before;
}

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d === null || d === undefined ? null : String(d));

/** The audience as the builder shows it (and as the audit log records it). */
export async function audienceSnapshot(tx: Tx, examId: string) {
  const units = await tx`select a.org_unit_id, a.due_at, o.code, o.name from app.exam_assignments a
    left join app.org_units o on o.id = a.org_unit_id where a.exam_id = ${examId} order by o.path`;
  const rest = await tx`select au.role, au.org_unit_id, au.member_id, au.due_at, o.code, o.name as unit_name,
      m.employee_no, m.name as member_name
    from app.exam_audience au left join app.org_units o on o.id = au.org_unit_id left join app.members m on m.id = au.member_id
    where au.exam_id = ${examId} order by au.id`;
  return {
    orgUnits: units.map((u) => ({ orgUnit: (u.code as string | null) ?? (u.org_unit_id as string), name: (u.name as string | null) ?? null, dueAt: iso(u.due_at) })),
    roles: rest.filter((r) => r.role).map((r) => ({ role: r.role as string, orgUnit: (r.code as string | null) ?? (r.org_unit_id as string), name: (r.unit_name as string | null) ?? null, dueAt: iso(r.due_at) })),
    members: rest.filter((r) => r.member_id).map((r) => ({ member: (r.employee_no as string | null) ?? (r.member_id as string), name: (r.member_name as string | null) ?? null, dueAt: iso(r.due_at) })),
  };
}

export function audienceIsEmpty(a: { orgUnits: unknown[]; roles: unknown[]; members: unknown[] }): boolean {
  return a.orgUnits.length + a.roles.length + a.members.length === 0;
}

// ---------------------------------------------------------------------------------------------
// Writing settings

/** Inserts or updates the exam row; the audit trigger records changes of a published exam. */
export async function writeExam(tx: Tx, s: BuilderBody['settings'], ownerId: string, me: Me, examId: string | null): Promise<string> {
  if (examId === null) {
    const [row] = await tx`
      insert into app.exams (title, description, kind, status, owner_org_id, created_by, window_open, window_close, time_limit_sec,
        grace_sec, attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options,
        focus_loss_limit, review_policy, blueprint)
      values (${s.title}, ${s.description}, ${s.kind}, ${s.status}, ${ownerId}, ${me.memberId}, ${s.windowOpen}, ${s.windowClose},
        ${s.timeLimitSec}, ${s.graceSec}, ${s.attemptsAllowed}, ${s.gradingMethod}, ${s.passPercent}, ${s.multipleRule},
        ${s.shuffleQuestions}, ${s.shuffleOptions}, ${s.focusLossLimit}, ${tx.json(s.reviewPolicy as never)}, ${tx.json(s.blueprint as never)})
      returning id`;
    return row!.id as string;
  }
  const r = await tx`
    update app.exams set title = ${s.title}, description = ${s.description}, kind = ${s.kind}, owner_org_id = ${ownerId},
      window_open = ${s.windowOpen}, window_close = ${s.windowClose}, time_limit_sec = ${s.timeLimitSec}, grace_sec = ${s.graceSec},
      attempts_allowed = ${s.attemptsAllowed}, grading_method = ${s.gradingMethod}, pass_percent = ${s.passPercent},
      multiple_rule = ${s.multipleRule}, shuffle_questions = ${s.shuffleQuestions}, shuffle_options = ${s.shuffleOptions},
      focus_loss_limit = ${s.focusLossLimit}, review_policy = ${tx.json(s.reviewPolicy as never)}, blueprint = ${tx.json(s.blueprint as never)}
    where id = ${examId}`;
  if (r.count === 0) throw forbidden('You cannot change this exam.', { code: 'exam_not_editable' });
  return examId;
}

/** The reason the API passes to the audit trigger (transaction-local). */
export async function setAuditReason(tx: Tx, reason: string | null): Promise<void> {
  await tx`select set_config('app.audit_reason', ${reason ?? ''}, true)`;
}

/** The builder's view of one exam: every setting, the audience, overrides and attempt counts. */
export async function builderView(tx: Tx, examId: string) {
  const exam = (await loadExam(tx, examId))!;
  const [counts] = await tx`
    select count(*)::int as attempts, count(distinct member_id)::int as people,
           count(*) filter (where state = 'in_progress')::int as live, count(*) filter (where needs_grading)::int as to_grade
    from app.attempts where exam_id = ${examId}`;
  const overrides = await tx`
    select o.member_id, m.employee_no, m.name, o.extra_time_sec, o.extra_attempts, o.window_open, o.window_close
    from app.exam_overrides o join app.members m on m.id = o.member_id where o.exam_id = ${examId} order by m.employee_no`;
  const [owner] = await tx`select code, name from app.org_units where id = ${exam.ownerOrgId}`;
  return {
    id: exam.id,
    title: exam.title,
    description: exam.description,
    kind: exam.kind,
    status: exam.status,
    ownerOrgUnit: (owner?.code as string | undefined) ?? exam.ownerOrgId,
    ownerName: (owner?.name as string | undefined) ?? null,
    windowOpen: exam.windowOpen?.toISOString() ?? null,
    windowClose: exam.windowClose?.toISOString() ?? null,
    timeLimitSec: exam.timeLimitSec,
    graceSec: exam.graceSec,
    attemptsAllowed: exam.attemptsAllowed,
    gradingMethod: exam.gradingMethod,
    passPercent: exam.passPercent,
    multipleRule: exam.multipleRule,
    shuffleQuestions: exam.shuffleQuestions,
    shuffleOptions: exam.shuffleOptions,
    focusLossLimit: exam.focusLossLimit,
    reviewPolicy: exam.reviewPolicy,
    blueprint: exam.blueprint,
    ...paperSize(exam.blueprint),
    audience: await audienceSnapshot(tx, examId),
    overrides: overrides.map((o) => ({
      member: o.employee_no as string, memberId: o.member_id as string, name: o.name as string,
      extraTimeSec: Number(o.extra_time_sec), extraAttempts: Number(o.extra_attempts),
      windowOpen: iso(o.window_open), windowClose: iso(o.window_close),
    })),
    stats: { attempts: Number(counts!.attempts), people: Number(counts!.people), live: Number(counts!.live), toGrade: Number(counts!.to_grade) },
  };
}

export function archivedProblem(): HttpProblem {
  return conflict('This exam is archived and cannot be changed. Clone it to make a new one.', { code: 'exam_archived' });
}
