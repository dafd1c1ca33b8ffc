// Online mock contests on the server (issue 10, asynchronous part): the definition (settings,
// rounds, teams, people) with row-located validation, offering the round exams to the participants,
// reading results and computing rankings (src/core/rankings.ts), and the projector board's state.
// docs/decisions/contests.md.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from './db.ts';
import { badRequest, conflict, FieldIssues, forbidden, HttpProblem, notFound } from './http.ts';
import { loadMe, type Me } from './members.ts';
import { singleLine } from '../../src/core/text.ts';
import {
  assignAwards, contestRanking, DEFAULT_AWARDS, TEAM_METHODS, type AwardRule, type ContestRanking, type EligiblePerson, type RankAttempt,
} from '../../src/core/rankings.ts';
import type { GradingMethod } from '../../src/core/attempt.ts';
import type { AttemptState } from '../../src/core/attempt.ts';

// ---------------------------------------------------------------------------------------------
// Input

const Ref = z.string().trim().min(1, 'Required.').max(64).superRefine(singleLine);
const Title = z.string().trim().min(1, 'Give it a title.').max(200).superRefine(singleLine);

export const AwardsSchema = z.strictObject({
  mode: z.enum(['count', 'share'], 'Choose awards by number of people (count) or by share (percent).'),
  first: z.number().int('Whole numbers only.').min(0).max(1000),
  second: z.number().int('Whole numbers only.').min(0).max(1000),
  third: z.number().int('Whole numbers only.').min(0).max(1000),
}).refine((a) => a.mode === 'count' || a.first + a.second + a.third <= 100, { message: 'Shares add up to at most 100%.', path: ['third'] });

const RoundSchema = z.union([
  z.strictObject({ title: z.string().trim().max(100).superRefine(singleLine).optional(), examId: z.uuid('Choose an exam.') }),
  z.strictObject({ title: z.string().trim().max(100).superRefine(singleLine).optional(), liveContestId: z.uuid('Choose a live contest.') }),
], 'A round is an exam ({examId}) or a live contest ({liveContestId}).');

const TeamSchema = z.strictObject({
  name: z.string().trim().max(60).superRefine(singleLine).optional(),
  /** An org unit id or code: everyone in its subtree is eligible. */
  orgUnit: Ref.optional(),
  /** A hand-made team: employee numbers or member ids. */
  members: z.array(Ref).max(2000).optional(),
}).refine((t) => (t.orgUnit === undefined) !== (t.members === undefined), { message: 'A team is an org unit (orgUnit) or a list of people (members), not both.' })
  .refine((t) => t.orgUnit !== undefined || (t.name ?? '') !== '', { message: 'Name the hand-made team.', path: ['name'] });

/** People listed by name in one contest (hand-made teams and individuals together). */
export const MAX_LISTED_PEOPLE = 10_000;

export const ContestSchema = z.strictObject({
  title: Title,
  description: z.string().trim().max(2000).default(''),
  /** The owning org unit (id or code); defaults to the caller's scope. */
  ownerOrgUnit: Ref.optional(),
  teamMethod: z.enum(TEAM_METHODS, 'Choose average, total or best_n.').default('average'),
  bestN: z.number().int().min(1).max(1000).nullable().optional(),
  participationWeight: z.number().min(0, '0 to 1.').max(1, '0 to 1.').default(0),
  awards: AwardsSchema.default(DEFAULT_AWARDS),
  boardTop: z.number().int().min(3).max(50).default(10),
  rounds: z.array(RoundSchema).max(20, 'At most 20 rounds.').default([]),
  teams: z.array(TeamSchema).max(500, 'At most 500 teams.').default([]),
  /** People entered on their own (not in a team): employee numbers or member ids. */
  individuals: z.array(Ref).max(5000).default([]),
}).refine((c) => c.teamMethod !== 'best_n' || (c.bestN ?? null) !== null, { message: 'Say how many best results count (N).', path: ['bestN'] })
  // Each list is capped above, but 500 teams × 2,000 people would still be a million look-ups.
  .refine((c) => c.individuals.length + c.teams.reduce((n, t) => n + (t.members?.length ?? 0), 0) <= MAX_LISTED_PEOPLE, {
    message: `At most ${MAX_LISTED_PEOPLE.toLocaleString('en-US')} people can be listed by name in all; use org-unit teams for whole units.`, path: ['teams'],
  });
export type ContestInput = z.infer<typeof ContestSchema>;

// ---------------------------------------------------------------------------------------------
// Roles

export async function requireContestEditor(tx: Tx): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !(me.roles.includes('trainer') || me.roles.includes('admin'))) {
    throw me?.roles.includes('hr')
      ? forbidden('HR can read contests and their results but not create or change them. Ask a trainer.', { code: 'hr_read_only' })
      : forbidden('Only trainers and administrators can create or change contests.', { code: 'role_required', params: { roles: 'trainer,admin' } });
  }
  return me;
}

export interface ContestRow {
  id: string;
  code: string;
  title: string;
  description: string;
  ownerOrgId: string;
  ownerName: string;
  status: 'draft' | 'published' | 'closed';
  teamMethod: (typeof TEAM_METHODS)[number];
  bestN: number | null;
  participationWeight: number;
  awards: AwardRule;
  boardTop: number;
  rev: number;
  publishedAt: string | null;
  closedAt: string | null;
  edits: boolean;
  manages: boolean;
}

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

/** The contest as the caller may see it (RLS), or null. */
export async function loadContest(tx: Tx, id: string): Promise<ContestRow | null> {
  const [c] = await tx`
    select c.*, o.name as owner_name, app_private.edits_contest(c.id) as edits, app_private.manages_contest(c.id) as manages
    from app.contests c join app.org_units o on o.id = c.owner_org_id where c.id = ${id}`;
  if (!c) return null;
  return {
    id: c.id as string, code: c.code as string, title: c.title as string, description: c.description as string,
    ownerOrgId: c.owner_org_id as string, ownerName: c.owner_name as string, status: c.status as ContestRow['status'],
    teamMethod: c.team_method as ContestRow['teamMethod'], bestN: (c.best_n as number | null) ?? null,
    participationWeight: Number(c.participation_weight), awards: c.awards as AwardRule, boardTop: Number(c.board_top), rev: Number(c.rev),
    publishedAt: iso(c.published_at), closedAt: iso(c.closed_at), edits: Boolean(c.edits), manages: Boolean(c.manages),
  };
}

export async function contestOr404(tx: Tx, id: string): Promise<ContestRow> {
  const c = await loadContest(tx, id);
  if (!c) throw notFound('There is no contest with this id that you can see.', { code: 'contest_not_found' });
  return c;
}

export async function editableContest(tx: Tx, id: string): Promise<ContestRow> {
  await requireContestEditor(tx);
  const c = await contestOr404(tx, id);
  if (!c.edits) throw forbidden(`Only trainers of ${c.ownerName} (or a unit above it) can change this contest.`, { code: 'contest_not_editor', params: { owner: c.ownerName } });
  return c;
}

// ---------------------------------------------------------------------------------------------
// Saving a definition

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const newCode = () => Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

interface ResolvedPerson { id: string; path: string }

/** Members by employee number or id, among those the caller may see (RLS). */
async function resolvePeople(tx: Tx, refs: string[]): Promise<Map<string, ResolvedPerson>> {
  if (!refs.length) return new Map();
  const rows = await tx`
    select m.id, m.employee_no, o.path from app.members m join app.org_units o on o.id = m.org_unit_id
    where m.active and (m.employee_no in (select jsonb_array_elements_text(${tx.json(refs)}))
                        or m.id::text in (select jsonb_array_elements_text(${tx.json(refs)})))`;
  const out = new Map<string, ResolvedPerson>();
  for (const r of rows) {
    const p = { id: r.id as string, path: r.path as string };
    out.set(r.employee_no as string, p);
    out.set(r.id as string, p);
  }
  return out;
}

/**
 * Validates the definition against the database (exams, units, people the caller may use) and
 * writes it: settings, then rounds, teams and people replaced. Problems are field errors keyed by
 * their place in the body (`rounds.1.examId`, `teams.0.members.3`), all reported at once.
 */
export async function saveDefinition(tx: Tx, me: Me, input: ContestInput, existing: ContestRow | null): Promise<string> {
  const errors: Record<string, string> = {};
  // Each field error also carries a stable code and its values (`fieldCodes`), which the pages render
  // in the reader's language (src/i18n/contests.ts `err.*`), as roster problems and live refusals do;
  // `errors` keeps the English text for other API clients.
  const codes: Record<string, { code: string; params: Record<string, string | number> }> = {};
  const fail = (field: string, code: string, english: string, params: Record<string, string | number> = {}) => {
    errors[field] = english;
    codes[field] = { code, params };
  };

  // Owner
  let ownerId = existing?.ownerOrgId ?? me.scope?.id ?? me.orgUnit.id;
  if (input.ownerOrgUnit) {
    const [u] = await tx`select id, app_private.in_scope(id) as in_scope from app.org_units where id::text = ${input.ownerOrgUnit} or code = ${input.ownerOrgUnit}`;
    if (!u) fail('ownerOrgUnit', 'org_unknown', `There is no org unit "${input.ownerOrgUnit}" in the part of the organisation you manage.`, { ref: input.ownerOrgUnit });
    else if (!u.in_scope) fail('ownerOrgUnit', 'owner_out_of_scope', 'The owning unit must be in the part of the organisation you manage.');
    else ownerId = u.id as string;
  }

  // Participants stay inside the owning unit's subtree (its managers read all their results).
  const [owner] = await tx`select name, path from app.org_units where id = ${ownerId}::uuid`;
  const ownerPath = (owner?.path as string | undefined) ?? '';
  const ownerName = (owner?.name as string | undefined) ?? '';

  // Rounds
  const examIds = input.rounds.flatMap((r) => ('examId' in r ? [r.examId] : []));
  const liveIds = input.rounds.flatMap((r) => ('liveContestId' in r ? [r.liveContestId] : []));
  const exams = new Map((examIds.length ? await tx`
    select e.id, e.title, e.kind, e.status, app_private.manages_exam(e.id) as manages from app.exams e
    where e.id in (select (jsonb_array_elements_text(${tx.json(examIds)}))::uuid)` : []).map((e) => [e.id as string, e]));
  const lives = new Map((liveIds.length ? await tx`
    select l.id, l.title, app_private.hosts_live_contest(l.id) as hosts from app.live_contests l
    where l.id in (select (jsonb_array_elements_text(${tx.json(liveIds)}))::uuid)` : []).map((l) => [l.id as string, l]));
  const seenRounds = new Set<string>();
  const rounds = input.rounds.map((r, i) => {
    if ('examId' in r) {
      const e = exams.get(r.examId);
      if (!e) fail(`rounds.${i}.examId`, 'exam_unknown', 'There is no exam with this id that you can see.');
      else if (e.kind !== 'mock_contest') fail(`rounds.${i}.examId`, 'exam_not_mock', `"${e.title}" is not a mock contest (模拟竞赛). Make the round's exam of that kind.`, { title: e.title as string });
      else if (!e.manages) fail(`rounds.${i}.examId`, 'exam_not_managed', `You do not manage "${e.title}", so you cannot offer it to the contest's participants.`, { title: e.title as string });
      if (seenRounds.has(r.examId)) fail(`rounds.${i}.examId`, 'round_repeated', 'This exam is already a round of the contest.');
      seenRounds.add(r.examId);
      return { title: r.title || (e?.title as string | undefined) || '', examId: r.examId, liveId: null };
    }
    const l = lives.get(r.liveContestId);
    if (!l || !l.hosts) fail(`rounds.${i}.liveContestId`, 'live_unknown', 'There is no live contest with this id that you host.');
    if (seenRounds.has(r.liveContestId)) fail(`rounds.${i}.liveContestId`, 'round_repeated', 'This live contest is already a round of the contest.');
    seenRounds.add(r.liveContestId);
    return { title: r.title || (l?.title as string | undefined) || '', examId: null, liveId: r.liveContestId };
  });

  // Teams and people
  const unitRefs = input.teams.flatMap((t) => (t.orgUnit ? [t.orgUnit] : []));
  const units = unitRefs.length ? await tx`
    select id, code, name, kind, path, app_private.in_scope(id) as in_scope from app.org_units
    where id::text in (select jsonb_array_elements_text(${tx.json(unitRefs)})) or code in (select jsonb_array_elements_text(${tx.json(unitRefs)}))` : [];
  const unitBy = new Map<string, (typeof units)[number]>();
  for (const u of units) { unitBy.set(u.id as string, u); unitBy.set(u.code as string, u); }
  const people = await resolvePeople(tx, [...input.teams.flatMap((t) => t.members ?? []), ...input.individuals]);
  const unitTeams: { path: string; index: number }[] = [];
  const placed = new Map<string, string>(); // member id → where (for duplicate messages)
  const names = new Set<string>();
  const teams = input.teams.map((t, i) => {
    let unitId: string | null = null;
    let name = t.name ?? '';
    if (t.orgUnit) {
      const u = unitBy.get(t.orgUnit);
      if (!u) fail(`teams.${i}.orgUnit`, 'org_unknown', `There is no org unit "${t.orgUnit}" in the part of the organisation you manage.`, { ref: t.orgUnit });
      else if (!u.in_scope) fail(`teams.${i}.orgUnit`, 'org_out_of_scope', `${u.name} is outside the part of the organisation you manage.`, { unit: u.name as string }); // visible ancestors
      else if (!['department', 'sub_branch', 'branch'].includes(u.kind as string)) fail(`teams.${i}.orgUnit`, 'org_wrong_kind', `${u.name} is not a department, sub-branch or branch.`, { unit: u.name as string });
      else if (!(u.path as string).startsWith(ownerPath)) fail(`teams.${i}.orgUnit`, 'org_outside_owner', `${u.name} is outside ${ownerName}, which owns the contest. Make a unit above both the owner.`, { unit: u.name as string, owner: ownerName });
      else {
        unitId = u.id as string;
        name ||= u.name as string;
        const clash = unitTeams.find((x) => x.path.startsWith(u.path as string) || (u.path as string).startsWith(x.path));
        if (clash) fail(`teams.${i}.orgUnit`, 'org_overlaps', `${u.name} overlaps team ${clash.index + 1} (one unit lies inside the other): everyone may count for one team only.`, { unit: u.name as string, team: clash.index + 1 });
        unitTeams.push({ path: u.path as string, index: i });
      }
    }
    // A team left without a name (its unit did not resolve, so nothing to name it after) is reported
    // as missing, not as a duplicate of another nameless team; a bad unit already has its own error.
    if (!name) { if (!errors[`teams.${i}.orgUnit`]) fail(`teams.${i}.name`, 'team_name_missing', 'Give the team a name.'); }
    else if (names.has(name)) fail(`teams.${i}.name`, 'team_name_taken', `Another team is already called "${name}".`, { name });
    if (name) names.add(name);
    return { name, unitId, members: t.members ?? [] };
  });
  const inUnitTeam = (p: ResolvedPerson) => unitTeams.find((x) => p.path.startsWith(x.path));
  const memberRows: { memberId: string; team: number | null }[] = [];
  const place = (ref: string, key: string, team: number | null, where: string) => {
    const p = people.get(ref);
    if (!p) { fail(key, 'person_unknown', `There is no active employee "${ref}" in the part of the organisation you manage.`, { ref }); return; }
    if (!p.path.startsWith(ownerPath)) { fail(key, 'person_outside_owner', `${ref} works outside ${ownerName}, which owns the contest. Make a unit above both the owner.`, { ref, owner: ownerName }); return; }
    const before = placed.get(p.id);
    if (before) { fail(key, 'person_twice', `${ref} is already in ${before}: a person takes part once.`, { ref }); return; }
    const unit = inUnitTeam(p);
    if (unit) { fail(key, 'person_in_unit_team', `${ref} already counts for team ${unit.index + 1} (${teams[unit.index]!.name}) through their unit.`, { ref, team: teams[unit.index]!.name }); return; }
    placed.set(p.id, where);
    memberRows.push({ memberId: p.id, team });
  };
  teams.forEach((t, i) => t.members.forEach((ref, j) => place(ref, `teams.${i}.members.${j}`, i, `team ${i + 1} (${t.name})`)));
  input.individuals.forEach((ref, j) => place(ref, `individuals.${j}`, null, 'the individual entrants'));

  if (Object.keys(errors).length) throw badRequest('Some parts of the contest need fixing.', { code: 'contest_invalid', errors, fieldCodes: codes });
  if (existing && existing.status !== 'draft' && rounds.length === 0) {
    throw badRequest('A published contest keeps at least one round.', { code: 'rounds_required', errors: { rounds: 'Add a round.' }, fieldCodes: { rounds: { code: 'rounds_required', params: {} } } });
  }

  // A published (or closed) contest's rounds and participants decide rankings that feed appraisal:
  // a change is audited with before and after, as the settings are by the trigger on app.contests.
  const auditLists = existing !== null && existing.status !== 'draft';
  const listsBefore = auditLists ? await listSnapshot(tx, existing.id) : null;

  // Write. The contest row first (its update moves `rev`), then the lists, replaced.
  const settings = {
    title: input.title, description: input.description, team_method: input.teamMethod, best_n: input.bestN ?? null,
    participation_weight: input.participationWeight, awards: input.awards, board_top: input.boardTop,
  };
  let id: string;
  if (existing) {
    id = existing.id;
    await tx`update app.contests set title = ${settings.title}, description = ${settings.description}, team_method = ${settings.team_method},
      best_n = ${settings.best_n}, participation_weight = ${settings.participation_weight}, awards = ${tx.json(settings.awards)},
      board_top = ${settings.board_top}, owner_org_id = ${ownerId}::uuid where id = ${id}`;
    await tx`delete from app.contest_rounds where contest_id = ${id}`;
    await tx`delete from app.contest_members where contest_id = ${id}`;
    await tx`delete from app.contest_teams where contest_id = ${id}`;
  } else {
    let row: { id: string } | undefined;
    for (let tries = 0; !row; tries += 1) {
      const code = newCode();
      const [taken] = await tx`select 1 from app.contests where code = ${code}`;
      if (taken && tries < 5) continue;
      [row] = await tx`insert into app.contests (title, description, owner_org_id, created_by, code, team_method, best_n, participation_weight, awards, board_top)
        values (${settings.title}, ${settings.description}, ${ownerId}::uuid, ${me.memberId}::uuid, ${code}, ${settings.team_method}, ${settings.best_n},
                ${settings.participation_weight}, ${tx.json(settings.awards)}, ${settings.board_top}) returning id` as unknown as { id: string }[];
    }
    id = row.id;
  }
  if (rounds.length) {
    await tx`insert into app.contest_rounds (contest_id, position, title, exam_id, live_contest_id)
      select ${id}::uuid, (r->>'position')::int, r->>'title', (r->>'examId')::uuid, (r->>'liveId')::uuid
      from jsonb_array_elements(${tx.json(rounds.map((r, i) => ({ ...r, position: i + 1, title: r.title.slice(0, 100) || `第${i + 1}轮` })))}) r`;
  }
  const teamIds: string[] = [];
  if (teams.length) {
    const rows = await tx`insert into app.contest_teams (contest_id, position, name, org_unit_id)
      select ${id}::uuid, (t->>'position')::int, t->>'name', (t->>'unitId')::uuid
      from jsonb_array_elements(${tx.json(teams.map((t, i) => ({ name: t.name.slice(0, 60), unitId: t.unitId, position: i + 1 })))}) t
      returning id, position`;
    for (const r of rows) teamIds[Number(r.position) - 1] = r.id as string;
  }
  if (memberRows.length) {
    await tx`insert into app.contest_members (contest_id, member_id, team_id)
      select ${id}::uuid, (m->>'memberId')::uuid, (m->>'teamId')::uuid
      from jsonb_array_elements(${tx.json(memberRows.map((m) => ({ memberId: m.memberId, teamId: m.team === null ? null : teamIds[m.team] })))}) m`;
  }
  if (existing && existing.status !== 'draft') await offerRounds(tx, id);
  if (listsBefore !== null) {
    const listsAfter = await listSnapshot(tx, id);
    if (JSON.stringify(listsAfter) !== JSON.stringify(listsBefore)) {
      await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after)
        values (${me.memberId}::uuid, 'member', 'contest.definition', 'contest', ${id}, ${tx.json(listsBefore as never)}, ${tx.json(listsAfter as never)})`;
    }
  }
  return id;
}

/** Rounds, teams and listed people (member ids, which RLS never hides from an editor) as one value. */
async function listSnapshot(tx: Tx, id: string): Promise<unknown> {
  const [row] = await tx`select jsonb_build_object(
      'rounds', coalesce((select jsonb_agg(jsonb_build_object('title', r.title, 'examId', r.exam_id, 'liveContestId', r.live_contest_id) order by r.position)
                          from app.contest_rounds r where r.contest_id = ${id}), '[]'::jsonb),
      'teams', coalesce((select jsonb_agg(jsonb_build_object('name', t.name, 'orgUnitId', t.org_unit_id,
                           'members', coalesce((select jsonb_agg(cm.member_id order by cm.member_id) from app.contest_members cm where cm.team_id = t.id), '[]'::jsonb))
                         order by t.position)
                         from app.contest_teams t where t.contest_id = ${id}), '[]'::jsonb),
      'individuals', coalesce((select jsonb_agg(cm.member_id order by cm.member_id) from app.contest_members cm
                               where cm.contest_id = ${id} and cm.team_id is null), '[]'::jsonb)) as s`;
  return row!.s;
}

/**
 * Offers every exam round to the contest's participants, so they can start it from their contest
 * page: org-unit teams as exam assignments (the unit's subtree), people entered by name as named
 * audience rows. Idempotent; runs as the caller, so RLS on the exam's audience decides.
 */
export async function offerRounds(tx: Tx, contestId: string): Promise<void> {
  const drafts = await tx`select e.title from app.contest_rounds r join app.exams e on e.id = r.exam_id
    where r.contest_id = ${contestId} and e.status <> 'published'`;
  if (drafts.length) {
    throw new HttpProblem(409, 'Conflict', `Publish the round exam${drafts.length > 1 ? 's' : ''} ${drafts.map((d) => `"${d.title}"`).join(', ')} first: participants can only take a published exam.`,
      { code: 'round_exam_not_published', exams: drafts.map((d) => d.title), params: { titles: drafts.map((d) => `“${d.title}”`).join('、') } });
  }
  await tx`insert into app.exam_assignments (exam_id, org_unit_id)
    select r.exam_id, t.org_unit_id from app.contest_rounds r join app.contest_teams t on t.contest_id = r.contest_id
    where r.contest_id = ${contestId} and r.exam_id is not null and t.org_unit_id is not null
    on conflict (exam_id, org_unit_id) do nothing`;
  await tx`insert into app.exam_audience (exam_id, member_id)
    select r.exam_id, m.member_id from app.contest_rounds r join app.contest_members m on m.contest_id = r.contest_id
    where r.contest_id = ${contestId} and r.exam_id is not null
    on conflict (exam_id, member_id) where member_id is not null do nothing`;
}

export async function setStatus(tx: Tx, c: ContestRow, status: 'published' | 'closed', reason: string | null): Promise<void> {
  if (status === c.status) return;
  if (status === 'published') {
    const [n] = await tx`select (select count(*)::int from app.contest_rounds where contest_id = ${c.id}) as rounds,
      (select count(*)::int from app.contest_teams where contest_id = ${c.id}) + (select count(*)::int from app.contest_members where contest_id = ${c.id}) as entrants`;
    const f = new FieldIssues();
    if (!n!.rounds) f.add('rounds', 'publish_no_rounds', 'Add at least one round before publishing.');
    if (!n!.entrants) f.add('teams', 'publish_no_entrants', 'Add teams or people before publishing.');
    if (f.any) throw f.problem('The contest is not ready to publish.', 'contest_not_ready');
  }
  if (status === 'closed' && c.status === 'draft') throw conflict('A draft cannot be closed: publish it first, or delete it.', { code: 'draft_cannot_close' });
  await tx`select set_config('app.audit_reason', ${reason ?? ''}, true)`;
  await tx`update app.contests set status = ${status} where id = ${c.id}`;
  if (status === 'published') await offerRounds(tx, c.id);
}

// ---------------------------------------------------------------------------------------------
// Reading the definition back

export async function definitionOf(tx: Tx, c: ContestRow) {
  const rounds = await tx`
    select r.id, r.position, r.title, r.exam_id, r.live_contest_id, e.title as exam_title, e.status as exam_status,
           e.window_open, e.window_close, e.time_limit_sec, e.attempts_allowed, e.grading_method
    from app.contest_rounds r left join app.exams e on e.id = r.exam_id
    where r.contest_id = ${c.id} order by r.position`;
  const teams = await tx`
    select t.id, t.position, t.name, t.org_unit_id, o.code as org_code, o.name as org_name
    from app.contest_teams t left join app.org_units o on o.id = t.org_unit_id
    where t.contest_id = ${c.id} order by t.position`;
  // RLS: managers see every listed person; a participant only their own row.
  const members = await tx`
    select cm.member_id, cm.team_id, m.employee_no, m.name from app.contest_members cm
    left join app.members m on m.id = cm.member_id where cm.contest_id = ${c.id} order by m.employee_no`;
  return {
    rounds: rounds.map((r) => ({
      id: r.id as string, position: Number(r.position), title: r.title as string,
      kind: r.exam_id ? 'exam' as const : 'live' as const,
      examId: (r.exam_id as string | null) ?? null, liveContestId: (r.live_contest_id as string | null) ?? null,
      examTitle: (r.exam_title as string | null) ?? null, examStatus: (r.exam_status as string | null) ?? null,
      windowOpen: iso(r.window_open), windowClose: iso(r.window_close),
      timeLimitSec: (r.time_limit_sec as number | null) ?? null, attemptsAllowed: r.attempts_allowed === null ? null : Number(r.attempts_allowed),
      gradingMethod: (r.grading_method as string | null) ?? null,
    })),
    teams: teams.map((t) => ({
      id: t.id as string, name: t.name as string, kind: t.org_unit_id ? 'org_unit' as const : 'hand_made' as const,
      orgUnit: t.org_unit_id ? { id: t.org_unit_id as string, code: t.org_code as string, name: t.org_name as string } : null,
      members: members.filter((m) => m.team_id === t.id).map((m) => ({ id: m.member_id as string, employeeNo: (m.employee_no as string | null) ?? null, name: (m.name as string | null) ?? null })),
    })),
    individuals: members.filter((m) => m.team_id === null).map((m) => ({ id: m.member_id as string, employeeNo: (m.employee_no as string | null) ?? null, name: (m.name as string | null) ?? null })),
  };
}

// ---------------------------------------------------------------------------------------------
// Rankings

export interface ComputedRanking {
  version: string;
  contest: ContestRow;
  ranking: ContestRanking;
  teamNames: Map<string, string>;
  rounds: { id: string; title: string; kind: 'exam' | 'live'; liveContestId: string | null }[];
  people: Map<string, { employeeNo: string }>;
}

/** app.contest_standing_rows → the eligible people (once each) and their finished attempts. */
export function splitStandingRows(rows: readonly Record<string, unknown>[]): { eligible: (EligiblePerson & { employeeNo: string })[]; attempts: RankAttempt[] } {
  const eligible: (EligiblePerson & { employeeNo: string })[] = [];
  const attempts: RankAttempt[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const memberId = r.member_id as string;
    if (!seen.has(memberId)) {
      seen.add(memberId);
      eligible.push({ memberId, employeeNo: (r.employee_no as string | null) ?? '', name: r.name as string, orgName: r.org_name as string, teamId: (r.team_id as string | null) ?? null });
    }
    if (r.round_id === null) continue;
    attempts.push({
      memberId, roundId: r.round_id as string, gradingMethod: r.grading_method as GradingMethod,
      state: r.state as AttemptState, startedAt: r.started_at as Date, finishedAt: (r.finished_at as Date | null) ?? null,
      score: r.score === null ? null : Number(r.score), maxScore: r.max_score === null ? null : Number(r.max_score),
    });
  }
  return { eligible, attempts };
}

/** The version of everything a contest's ranking depends on (app.contest_version). */
export async function contestVersion(tx: Tx, id: string): Promise<string> {
  const [v] = await tx`select app.contest_version(${id}::uuid) as v`;
  return v!.v as string;
}

// Rankings per contest and version, kept per function instance: a board polled by many screens
// costs one computation per change. Correctness comes from the version read on every request.
const rankingCache = new Map<string, ComputedRanking>();
const RANKING_CACHE_MAX = 50;

export async function computeRanking(tx: Tx, c: ContestRow, version?: string): Promise<ComputedRanking> {
  const v = version ?? await contestVersion(tx, c.id);
  // Managers' rows carry employee numbers, participants' do not (app.contest_eligible): cached apart.
  const key = `${c.id}|${c.manages ? 'manager' : 'participant'}`;
  const hit = rankingCache.get(key);
  if (hit && hit.version === v) return { ...hit, contest: c };
  const [teams, rounds, rows, liveRows] = await Promise.all([
    tx`select id, name from app.contest_teams where contest_id = ${c.id} order by position`,
    tx`select id, title, exam_id, live_contest_id from app.contest_rounds where contest_id = ${c.id} order by position`,
    tx`select * from app.contest_standing_rows(${c.id}::uuid)`,
    // Live rounds: the results recorded when each live contest ended (app.live_results).
    tx`select * from app.contest_live_rows(${c.id}::uuid)`,
  ]);
  const { eligible, attempts } = splitStandingRows(rows);
  const ranking = contestRanking({
    rules: { teamMethod: c.teamMethod, bestN: c.bestN, participationWeight: c.participationWeight },
    teams: teams.map((t) => ({ id: t.id as string, name: t.name as string })),
    eligible,
    attempts,
    roundIds: rounds.map((r) => r.id as string),
    live: liveRows.map((l) => ({
      memberId: l.member_id as string, roundId: l.round_id as string, score: Number(l.score), maxScore: Number(l.max_score),
      timeUsedSec: Number(l.time_used_sec), submittedAt: l.finished_at as Date,
    })),
  });
  const out: ComputedRanking = {
    version: v, contest: c, ranking,
    teamNames: new Map(teams.map((t) => [t.id as string, t.name as string])),
    rounds: rounds.map((r) => ({ id: r.id as string, title: r.title as string, kind: r.exam_id ? 'exam' as const : 'live' as const, liveContestId: (r.live_contest_id as string | null) ?? null })),
    people: new Map(eligible.map((e) => [e.memberId, { employeeNo: e.employeeNo }])),
  };
  if (rankingCache.size >= RANKING_CACHE_MAX) rankingCache.delete(rankingCache.keys().next().value!);
  rankingCache.delete(key);
  rankingCache.set(key, out);
  return out;
}

/** A strong ETag from a version text. */
export function etagOf(kind: string, version: string): string {
  let h = 2166136261;
  for (let i = 0; i < version.length; i += 1) h = Math.imul(h ^ version.charCodeAt(i), 16777619) >>> 0;
  return `"${kind}-${h.toString(36)}-${version.length.toString(36)}"`;
}

/** The projector board's state: the same for every viewer, so it carries no employee numbers. */
export function boardState(r: ComputedRanking) {
  const c = r.contest;
  const { ranking } = r;
  const team = (id: string | null) => (id ? r.teamNames.get(id) ?? null : null);
  const person = (p: ContestRanking['individuals'][number]) => ({
    rank: p.rank, name: p.name, orgName: p.orgName, team: team(p.teamId), score: p.score, timeUsedSec: p.timeUsedSec,
  });
  const closed = c.status === 'closed';
  return {
    id: c.id, code: c.code, title: c.title, status: c.status, closedAt: c.closedAt, ownerName: c.ownerName,
    teamMethod: c.teamMethod, bestN: c.bestN, participationWeight: c.participationWeight,
    rounds: r.rounds.map((x) => ({ title: x.title, kind: x.kind, liveContestId: x.liveContestId })),
    maxScore: ranking.maxScore,
    eligible: ranking.eligible,
    participants: ranking.participants,
    participationRate: ranking.eligible ? Math.round((ranking.participants / ranking.eligible) * 10000) / 10000 : 0,
    individuals: ranking.individuals.slice(0, c.boardTop).map(person),
    teams: ranking.teams,
    warnings: ranking.warnings,
    podium: closed ? {
      individuals: ranking.individuals.filter((p) => p.rank <= 3).map(person),
      teams: ranking.teams.filter((t) => t.rank <= 3),
    } : null,
  };
}

/** The full ranking for managers (print page, export): every person with employee number and award. */
export function fullRanking(r: ComputedRanking) {
  const awards = assignAwards(r.ranking.individuals, r.contest.awards ?? DEFAULT_AWARDS);
  return {
    ...boardState(r),
    awards: r.contest.awards,
    individuals: r.ranking.individuals.map((p, i) => ({
      rank: p.rank, memberId: p.memberId, employeeNo: r.people.get(p.memberId)?.employeeNo ?? '', name: p.name, orgName: p.orgName,
      team: p.teamId ? r.teamNames.get(p.teamId) ?? null : null, score: p.score, timeUsedSec: p.timeUsedSec,
      submittedAt: new Date(p.submittedAtMs).toISOString(), roundsTaken: p.roundsTaken, award: awards[i] ?? null,
    })),
  };
}
