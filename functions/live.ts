// GET  /api/live              live contests I host or play in
// POST /api/live              trainer/admin: create a live contest {title, ownerOrgUnit?, rules?} → {id, pin}
// GET  /api/live/:id          host: the run sheet (teams with members, rounds with questions and keys)
// PUT  /api/live/:id          host: replace the run sheet before the contest starts
// docs/decisions/contests.md (live part).
import type { Config } from '@netlify/functions';
import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { badRequest, conflict, fieldCodes, FieldIssues, forbidden, handle, json, notFound, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asService, asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { loadMe } from './_lib/members.ts';
import { refresh, stateAt } from './_lib/live.ts';
import { LiveRulesSchema, LiveRoundKindSchema, TURN_KINDS, LIVE_QUESTION_TYPES, rankTeams, type LiveRoundKind } from '../src/core/live-contest.ts';
import { assemblePaper, BlueprintError } from '../src/core/assembly.ts';
import { candidateFromStored, rightAnswerOf } from '../src/core/paper.ts';
import { singleLine } from '../src/core/text.ts';
import { storedVersionFromRow } from './_lib/exams.ts';

const text = (max: number) => z.string().trim().min(1, 'This must not be empty.').max(max, `At most ${max} characters.`).superRefine(singleLine);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Not an id.');

const CreateSchema = z.strictObject({
  title: text(200),
  ownerOrgUnit: z.string().min(1).max(64).superRefine(singleLine).optional(),
  rules: z.unknown().optional(),
});

const TeamSchema = z.strictObject({
  id: uuid.optional(),
  name: text(60),
  /** An org unit (id or code): its members (the whole subtree) make up the team. */
  orgUnit: z.string().min(1).max(64).superRefine(singleLine).nullable().optional(),
  /** Employee numbers: a hand-made team, or the team's members instead of the whole unit. */
  members: z.array(z.string().min(1).max(32).superRefine(singleLine)).max(500).optional(),
});

const DrawSchema = z.strictObject({
  type: z.enum(LIVE_QUESTION_TYPES),
  topic: z.string().min(1).max(80).nullable().optional(),
  difficulty: z.tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)]).nullable().optional(),
  count: z.number().int().min(1, 'Draw at least 1 question.').max(100),
});

const RoundSchema = z.strictObject({
  id: uuid.optional(),
  kind: LiveRoundKindSchema,
  title: text(60),
  countdownSec: z.number().int().min(3).max(600).nullable().optional(),
  questions: z.array(z.strictObject({
    questionId: z.string().min(1).max(80),
    points: z.number().int().min(0).max(1000).nullable().optional(),
    /** 0-based index into teams (必答/风险); absent = the teams in turn. */
    team: z.number().int().min(0).max(50).nullable().optional(),
  })).max(100).default([]),
  /** Questions drawn from the bank by type/topic/difficulty (added after any picked ones). */
  draw: z.array(DrawSchema).max(10).optional(),
});

const SetupSchema = z.strictObject({
  title: text(200).optional(),
  rules: z.unknown().optional(),
  teams: z.array(TeamSchema).min(2, 'A contest needs at least two teams.').max(20, 'At most 20 teams.'),
  rounds: z.array(RoundSchema).max(20, 'At most 20 rounds.'),
});

function parseRules(raw: unknown) {
  const r = LiveRulesSchema.safeParse(raw ?? {});
  if (!r.success) {
    const errors: Record<string, string> = {};
    for (const i of r.error.issues) errors[`rules.${i.path.join('.')}`] ??= i.message;
    // The same fields' codes, which the page says in its language (src/core/field-codes.ts).
    const codes = Object.fromEntries(Object.entries(fieldCodes(r.error, raw ?? {})).map(([k, v]) => [k === '(body)' ? 'rules' : `rules.${k}`, v]));
    throw badRequest('The contest rules have invalid fields.', { code: 'invalid_fields', errors, fieldCodes: codes });
  }
  return r.data;
}

async function newPin(tx: Parameters<Parameters<typeof asUser>[1]>[0]): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const [taken] = await tx`select app_private.live_pin_taken(${pin}) as taken`;
    if (!taken?.taken) return pin;
  }
  throw conflict('Could not find a free PIN; try again.', { code: 'pin_exhausted' });
}

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    if (params.id === undefined) {
      const rows = await asUser(claims, (tx) => tx`
        select c.id, c.title, c.pin, c.created_at, c.version, c.setup_rev, o.name as owner_name,
               app_private.hosts_live_contest(c.id) as hosts, app_private.current_member_id() as me,
               exists (select 1 from app.live_team_members t where t.contest_id = c.id and t.member_id = app_private.current_member_id()) as plays
        from app.live_contests c left join app.org_units o on o.id = c.owner_org_id
        order by c.created_at desc limit 200`);
      const contests = [];
      for (const r of rows) {
        // A player's own record of the contests they played: team, its place, their 全员答 points.
        let mine = null;
        let finished = false;
        if ((r.plays || r.hosts) && Number(r.version) > 0) {
          const entry = await stateAt(r.id as string, Number(r.version), Number(r.setup_rev));
          // A finish can be undone, so "finished" is the derived state's, not "a finish event exists".
          finished = entry.state.finished;
          const seat = r.plays ? entry.state.seats[r.me as string] : undefined;
          if (seat) {
            const team = rankTeams(entry.loaded.setup, entry.state).find((t) => t.id === seat.teamId);
            mine = { teamName: team?.name ?? '', teamRank: team?.rank ?? null, teamScore: team?.score ?? null, myPoints: entry.state.memberTotals[r.me as string] ?? 0, finished: entry.state.finished };
          }
        }
        contests.push({
          id: r.id, title: r.title, pin: r.hosts ? r.pin : undefined, createdAt: (r.created_at as Date).toISOString(),
          started: Number(r.version) > 0, finished, ownerName: r.owner_name ?? null, hosts: Boolean(r.hosts), plays: Boolean(r.plays), mine,
        });
      }
      return json({ contests });
    }
    const id = idParam(params, 'id', 'live contest');
    const head = await asUser(claims, async (tx) => {
      const [c] = await tx`select c.version, c.setup_rev, app_private.hosts_live_contest(c.id) as hosts,
          exists (select 1 from app.live_events e where e.contest_id = c.id and e.host) as started
        from app.live_contests c where c.id = ${id}`;
      if (!c) return null;
      if (!c.hosts) throw forbidden('Only the hosts of this contest (trainers of its unit) can see its run sheet.', { code: 'not_host' });
      const teams = await tx`select t.id, t.name, t.org_unit_id, o.code as org_code, o.name as org_name from app.live_teams t
        left join app.org_units o on o.id = t.org_unit_id where t.contest_id = ${id} order by t.position`;
      const members = await tx`select tm.team_id, m.id, m.employee_no, m.name from app.live_team_members tm
        join app.members m on m.id = tm.member_id where tm.contest_id = ${id} order by m.employee_no`;
      const qs = await tx`select q.id, q.question_version_id, v.question_id from app.live_round_questions q
        join app.question_versions v on v.id = q.question_version_id where q.contest_id = ${id}`;
      return { c, teams, members, qs };
    });
    if (!head) throw notFound('There is no live contest with this id, or you are not one of its hosts.', { code: 'live_not_found' });
    const entry = await stateAt(id, Number(head.c.version), Number(head.c.setup_rev));
    const l = entry.loaded;
    const qid = new Map(head.qs.map((q) => [q.id as string, q.question_id as string]));
    return json({
      id, title: l.title, pin: l.pin, ownerOrgId: l.ownerOrgId, rules: l.setup.rules, started: Boolean(head.c.started),
      version: entry.state.version,
      teams: head.teams.map((t) => ({
        id: t.id, name: t.name, orgUnit: t.org_unit_id ? { id: t.org_unit_id, code: t.org_code, name: t.org_name } : null,
        members: head.members.filter((m) => m.team_id === t.id).map((m) => ({ id: m.id, employeeNo: m.employee_no, name: m.name })),
      })),
      rounds: l.setup.rounds.map((r) => ({
        id: r.id, kind: r.kind, title: r.title, countdownSec: r.countdownSec ?? null,
        questions: r.questions.map((q) => {
          const v = l.versions.get(q.id)!;
          return {
            id: q.id, questionId: qid.get(q.id) ?? v.id, type: q.type, points: q.points ?? null, teamId: q.teamId ?? null,
            stem: v.stem, options: l.content.get(q.id)?.options ?? [], answer: rightAnswerOf(v), explanation: v.explanation,
          };
        }),
      })),
    });
  },

  async POST(req, { params }) {
    if (params.id !== undefined) throw badRequest('Use PUT to change a run sheet.');
    const claims = await requireUser(req);
    const body = await readJson(req, CreateSchema);
    const rules = parseRules(body.rules);
    const created = await asUser(claims, async (tx) => {
      const me = await loadMe(tx);
      if (!me || !me.roles.some((r) => r === 'trainer' || r === 'admin')) throw forbidden('Only trainers and administrators can create a live contest.', { code: 'role_required', params: { roles: 'trainer,admin' } });
      let owner = me.scope?.id ?? me.orgUnit.id;
      if (body.ownerOrgUnit) {
        const [u] = await tx`select id, app_private.in_scope(id) as ok from app.org_units where id::text = ${body.ownerOrgUnit} or code = ${body.ownerOrgUnit}`;
        if (!u || !u.ok) {
          throw badRequest('The owning unit is not one you manage.', { code: 'owner_not_managed', errors: { ownerOrgUnit: 'Choose a unit in your scope.' }, fieldCodes: { ownerOrgUnit: { code: 'owner_not_managed', params: {} } } });
        }
        owner = u.id as string;
      }
      const pin = await newPin(tx);
      // No RETURNING: the select policy's helper looks the new row up and cannot see it yet.
      const id = randomUUID();
      await tx`insert into app.live_contests (id, title, owner_org_id, created_by, pin, rules)
        values (${id}, ${body.title}, ${owner}, ${me.memberId}, ${pin}, ${tx.json(rules as never)})`;
      return { id, pin };
    });
    return json(created, 201);
  },

  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'live contest');
    const body = await readJson(req, SetupSchema);
    const rules = body.rules === undefined ? undefined : parseRules(body.rules);
    // Every problem of the run sheet at once: English for API clients, a code for the page (src/i18n/live.ts err.*).
    const f = new FieldIssues();
    await asUser(claims, async (tx) => {
      const [c] = await tx`select c.id, app_private.hosts_live_contest(c.id) as hosts,
          exists (select 1 from app.live_events e where e.contest_id = c.id and e.host) as started
        from app.live_contests c where c.id = ${id} for update`;
      if (!c) throw notFound('There is no live contest with this id, or you are not one of its hosts.', { code: 'live_not_found' });
      if (!c.hosts) throw forbidden('Only the hosts of this contest (trainers of its unit) can change its run sheet.', { code: 'not_host' });
      if (c.started) throw conflict('The contest has started: its run sheet can no longer change. Adjust scores with a reason instead.', { code: 'setup_started' });
      const me = await loadMe(tx);

      // Teams and their members.
      const teamRows: { id: string | null; name: string; orgUnitId: string | null; members: string[] }[] = [];
      const seen = new Map<string, number>();
      for (const [i, t] of body.teams.entries()) {
        let orgUnitId: string | null = null;
        let members: { id: string; name: string }[] = [];
        if (t.orgUnit) {
          const [u] = await tx`select id, path from app.org_units where (id::text = ${t.orgUnit} or code = ${t.orgUnit}) and app_private.in_scope(id)`;
          if (!u) { f.add(`teams.${i}.orgUnit`, 'team_org_unknown', `"${t.orgUnit}" is not an org unit in your scope.`, { ref: t.orgUnit }); continue; }
          orgUnitId = u.id as string;
          if (!t.members) {
            members = (await tx`select m.id, m.name from app.members m join app.org_units o on o.id = m.org_unit_id
              where m.active and o.path like ${u.path as string} || '%' order by m.employee_no`) as unknown as { id: string; name: string }[];
          }
        }
        if (t.members) {
          const rows = await tx`select id, employee_no, name from app.members
            where active and employee_no in (select jsonb_array_elements_text(${tx.json(t.members)}))`;
          const found = new Set(rows.map((r) => r.employee_no as string));
          const missing = t.members.filter((n) => !found.has(n));
          if (missing.length) { f.add(`teams.${i}.members`, 'team_members_unknown', `No staff in your scope with the employee number(s) ${missing.join(', ')}.`, { refs: missing.join(', ') }); continue; }
          members = rows.map((r) => ({ id: r.id as string, name: r.name as string }));
        }
        // The host runs the contest; they do not also play in it.
        members = members.filter((m) => m.id !== me?.memberId);
        if (!members.length) { f.add(`teams.${i}`, 'team_empty', `Team "${t.name}" has no members: choose an org unit with staff, or list employee numbers.`, { team: t.name }); continue; }
        for (const m of members) {
          if (seen.has(m.id)) f.add(`teams.${i}.members`, 'team_member_twice', `${m.name} is already in team ${seen.get(m.id)! + 1}; a person plays in one team only.`, { name: m.name, team: seen.get(m.id)! + 1 });
          seen.set(m.id, i);
        }
        teamRows.push({ id: t.id ?? null, name: t.name, orgUnitId, members: members.map((m) => m.id) });
      }
      if (new Set(body.teams.map((t) => t.name)).size !== body.teams.length) f.add('teams', 'team_names_repeat', 'Give every team a different name.');

      // Rounds and their questions: picked by id, and/or drawn from the banks the host can see.
      const bankRows = await tx`select q.id as question_id, q.bank, q.variant_family, v.id as version_id, v.type, v.topic, v.difficulty, v.stem, v.options, v.blank_count
        from app.questions q join app.question_versions v on v.id = q.current_version_id
        where q.retired_at is null and q.bank in (select b.id from app.banks b)
          and v.type in ('single', 'multiple', 'truefalse', 'fill')`;
      const stored = bankRows.map(storedVersionFromRow);
      const byQuestion = new Map(stored.map((s) => [s.questionId, s]));
      const used = new Set<string>();
      const roundRows: { id: string | null; kind: LiveRoundKind; title: string; countdownSec: number | null; questions: { versionId: string; points: number | null; team: number | null }[] }[] = [];
      for (const [ri, r] of body.rounds.entries()) {
        const questions: { versionId: string; points: number | null; team: number | null }[] = [];
        for (const [qi, q] of r.questions.entries()) {
          const s = byQuestion.get(q.questionId);
          if (!s) {
            f.add(`rounds.${ri}.questions.${qi}`, 'question_unusable', `Question "${q.questionId}" is not in a bank you can use, or it is a short-answer question (live contests need questions that can be judged at once).`, { ref: q.questionId });
            continue;
          }
          if (q.team !== undefined && q.team !== null && q.team >= body.teams.length) { f.add(`rounds.${ri}.questions.${qi}.team`, 'no_such_team', 'There is no such team.'); continue; }
          used.add(s.questionId);
          questions.push({ versionId: s.versionId, points: q.points ?? null, team: q.team ?? null });
        }
        if (r.draw?.length) {
          // Questions flagged for review after a rule change are not drawn (as for exam papers).
          const flagged = new Set((await tx`select id from app.questions where review_flagged_at is not null`).map((r) => r.id as string));
          // Nor is a variant of a question already in the contest (variant_family: the same fact).
          const usedFamilies = new Set([...used].map((id) => byQuestion.get(id)?.family ?? id));
          const pool = stored.filter((s) => !used.has(s.questionId) && !flagged.has(s.questionId) && !usedFamilies.has(s.family ?? s.questionId)).map(candidateFromStored);
          try {
            const paper = assemblePaper({
              blueprint: { sections: r.draw.map((d) => ({ ...d, points: 1 })), shuffleQuestions: true, shuffleOptions: false },
              candidates: pool, seen: [], seed: randomInt(0, 2 ** 31 - 1),
            });
            for (const slot of paper) {
              used.add(slot.questionId);
              questions.push({ versionId: slot.questionVersionId, points: null, team: null });
            }
          } catch (err) {
            if (!(err instanceof BlueprintError)) throw err;
            const issue = err.issues[0];
            f.add(`rounds.${ri}.draw`, 'draw_short', err.message, { asked: issue?.asked ?? 0, available: issue?.available ?? 0 });
          }
        }
        if (!r.questions.length && !r.draw?.length) f.add(`rounds.${ri}.questions`, 'round_empty', `Round "${r.title}" has no questions: pick some or draw them from the bank.`, { round: r.title });
        roundRows.push({ id: r.id ?? null, kind: r.kind, title: r.title, countdownSec: r.countdownSec ?? null, questions });
      }
      if (f.any) throw f.problem('The run sheet has problems; fix the marked fields.', 'setup_invalid');

      // Replace the run sheet, keeping the ids of teams and rounds that stay (seats name team ids).
      const oldTeams = new Set((await tx`select id from app.live_teams where contest_id = ${id}`).map((r) => r.id as string));
      const oldRounds = new Set((await tx`select id from app.live_rounds where contest_id = ${id}`).map((r) => r.id as string));
      await tx`delete from app.live_round_questions where contest_id = ${id}`;
      await tx`delete from app.live_rounds where contest_id = ${id}`;
      await tx`delete from app.live_team_members where contest_id = ${id}`;
      await tx`delete from app.live_teams where contest_id = ${id}`;
      const teamIds: string[] = [];
      for (const [i, t] of teamRows.entries()) {
        const keep = t.id && oldTeams.has(t.id) ? t.id : null;
        const [row] = keep
          ? await tx`insert into app.live_teams (id, contest_id, position, name, org_unit_id) values (${keep}, ${id}, ${i + 1}, ${t.name}, ${t.orgUnitId}) returning id`
          : await tx`insert into app.live_teams (contest_id, position, name, org_unit_id) values (${id}, ${i + 1}, ${t.name}, ${t.orgUnitId}) returning id`;
        teamIds.push(row!.id as string);
        await tx`insert into app.live_team_members (contest_id, member_id, team_id)
          select ${id}, m::uuid, ${row!.id as string} from jsonb_array_elements_text(${tx.json(t.members)}) m`;
      }
      for (const [ri, r] of roundRows.entries()) {
        const keep = r.id && oldRounds.has(r.id) ? r.id : null;
        const [row] = keep
          ? await tx`insert into app.live_rounds (id, contest_id, position, kind, title, countdown_sec) values (${keep}, ${id}, ${ri + 1}, ${r.kind}, ${r.title}, ${r.countdownSec}) returning id`
          : await tx`insert into app.live_rounds (contest_id, position, kind, title, countdown_sec) values (${id}, ${ri + 1}, ${r.kind}, ${r.title}, ${r.countdownSec}) returning id`;
        const turn = TURN_KINDS.includes(r.kind);
        for (const [qi, q] of r.questions.entries()) {
          // 必答/风险: each team answers its own questions in turn unless the host chose the team.
          const team = turn ? teamIds[q.team ?? qi % teamIds.length]! : null;
          await tx`insert into app.live_round_questions (contest_id, round_id, position, question_version_id, team_id, points)
            values (${id}, ${row!.id as string}, ${qi + 1}, ${q.versionId}, ${team}, ${q.points})`;
        }
      }
      await tx`update app.live_contests set setup_rev = setup_rev + 1, updated_at = now()
        ${body.title ? tx`, title = ${body.title}` : tx``} ${rules ? tx`, rules = ${tx.json(rules as never)}` : tx``}
        where id = ${id}`;
    });
    await asService((tx) => refresh(tx, id));
    return json({ id, saved: true });
  },
});

export const config: Config = { path: ['/api/live', '/api/live/:id'] };
