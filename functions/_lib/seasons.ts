// Seasons (issue 10): several exams and contests combined with weights into one ranking per person
// and per org unit (src/core/rankings.ts seasonRanking). Managers only; everything is read under
// the caller's RLS, so a season ranks the people the reader may see (their subtree).
import { z } from 'zod';
import type { Tx } from './db.ts';
import { FieldIssues, forbidden, notFound } from './http.ts';
import type { Me } from './members.ts';
import { singleLine } from '../../src/core/text.ts';
import { countedResult, seasonRanking, type RankAttempt, type SeasonResult } from '../../src/core/rankings.ts';
import type { AttemptState, GradingMethod } from '../../src/core/attempt.ts';
import { computeRanking, loadContest } from './contests.ts';

const ItemSchema = z.union([
  z.strictObject({ examId: z.uuid('Choose an exam.'), weight: z.number().positive('A weight is above 0.').max(1000) }),
  z.strictObject({ contestId: z.uuid('Choose a contest.'), weight: z.number().positive('A weight is above 0.').max(1000) }),
], 'An item is an exam ({examId, weight}) or a contest ({contestId, weight}).');

export const SeasonSchema = z.strictObject({
  title: z.string().trim().min(1, 'Give it a title.').max(200).superRefine(singleLine),
  ownerOrgUnit: z.string().trim().min(1).max(64).superRefine(singleLine).optional(),
  unitKind: z.enum(['branch', 'sub_branch', 'department'], 'Rank units as branches, sub-branches or departments.').default('branch'),
  items: z.array(ItemSchema).max(100, 'At most 100 items.').default([]),
});
export type SeasonInput = z.infer<typeof SeasonSchema>;

export async function loadSeason(tx: Tx, id: string) {
  const [s] = await tx`select s.*, o.name as owner_name, app_private.edits_season(s.id) as edits
    from app.seasons s join app.org_units o on o.id = s.owner_org_id where s.id = ${id}`;
  if (!s) throw notFound('There is no season with this id that you can see.', { code: 'season_not_found' });
  const items = await tx`
    select i.id, i.position, i.exam_id, i.contest_id, i.weight, coalesce(e.title, c.title) as title
    from app.season_items i left join app.exams e on e.id = i.exam_id left join app.contests c on c.id = i.contest_id
    where i.season_id = ${id} order by i.position`;
  return {
    id: s.id as string, title: s.title as string, ownerOrgId: s.owner_org_id as string, ownerName: s.owner_name as string,
    unitKind: s.unit_kind as 'branch' | 'sub_branch' | 'department', edits: Boolean(s.edits),
    items: items.map((i) => ({
      id: i.id as string, kind: i.exam_id ? 'exam' as const : 'contest' as const, examId: (i.exam_id as string | null) ?? null,
      contestId: (i.contest_id as string | null) ?? null, title: (i.title as string | null) ?? '', weight: Number(i.weight),
    })),
  };
}
export type Season = Awaited<ReturnType<typeof loadSeason>>;

/** Validates the items against what the caller may see, then writes the season (replacing items). */
export async function saveSeason(tx: Tx, me: Me, input: SeasonInput, existing: Season | null): Promise<string> {
  // Each problem has its English text and a stable code the page says in its language
  // (src/i18n/contests.ts err.*), as contest definitions do.
  const f = new FieldIssues();
  let ownerId = existing?.ownerOrgId ?? me.scope?.id ?? me.orgUnit.id;
  if (input.ownerOrgUnit) {
    const [u] = await tx`select id, app_private.in_scope(id) as in_scope from app.org_units where id::text = ${input.ownerOrgUnit} or code = ${input.ownerOrgUnit}`;
    if (!u || !u.in_scope) f.add('ownerOrgUnit', 'org_unknown', `There is no org unit "${input.ownerOrgUnit}" in the part of the organisation you manage.`, { ref: input.ownerOrgUnit });
    else ownerId = u.id as string;
  }
  const seen = new Set<string>();
  for (const [i, it] of input.items.entries()) {
    const ref = 'examId' in it ? it.examId : it.contestId;
    if (seen.has(ref)) f.add(`items.${i}`, 'item_repeated', 'This is already an item of the season.');
    seen.add(ref);
    if ('examId' in it) {
      // As the season_items_write policy: an exam offered to the caller or managed by them (one that
      // merely reaches their people is theirs to report on, not to rank).
      const [e] = await tx`select app_private.may_use_exam(id) as usable from app.exams where id = ${it.examId}`;
      if (!e) f.add(`items.${i}.examId`, 'exam_unknown', 'There is no exam with this id that you can see.');
      else if (!e.usable) f.add(`items.${i}.examId`, 'exam_not_usable', 'This exam is neither offered to you nor managed by you, so it cannot be an item of your season.');
    } else {
      const c = await loadContest(tx, it.contestId);
      if (!c || !c.manages) f.add(`items.${i}.contestId`, 'contest_unknown', 'There is no contest with this id that you manage.');
    }
  }
  if (f.any) throw f.problem('Some parts of the season need fixing.', 'season_invalid');
  let id: string;
  if (existing) {
    id = existing.id;
    // A season's items and weights decide a ranking that feeds appraisal: changes are audited.
    const before = seasonAuditValue(existing.title, existing.unitKind, existing.items);
    const after = seasonAuditValue(input.title, input.unitKind, input.items.map((it) => ({
      examId: 'examId' in it ? it.examId : null, contestId: 'contestId' in it ? it.contestId : null, weight: it.weight,
    })));
    if (JSON.stringify(before) !== JSON.stringify(after)) await auditSeason(tx, me.memberId, 'season.update', id, before, after);
    const r = await tx`update app.seasons set title = ${input.title}, unit_kind = ${input.unitKind}, updated_at = now() where id = ${id} returning id`;
    if (!r.length) throw forbidden('Only trainers of the owning unit can change this season.', { code: 'season_not_editor', params: { owner: existing.ownerName } });
    await tx`delete from app.season_items where season_id = ${id}`;
  } else {
    const [row] = await tx`insert into app.seasons (title, owner_org_id, created_by, unit_kind)
      values (${input.title}, ${ownerId}::uuid, ${me.memberId}::uuid, ${input.unitKind}) returning id`;
    id = row!.id as string;
  }
  if (input.items.length) {
    await tx`insert into app.season_items (season_id, position, exam_id, contest_id, weight)
      select ${id}::uuid, (x->>'position')::int, (x->>'examId')::uuid, (x->>'contestId')::uuid, (x->>'weight')::numeric
      from jsonb_array_elements(${tx.json(input.items.map((it, i) => ({ ...it, position: i + 1 })))}) x`;
  }
  return id;
}

export function seasonAuditValue(title: string, unitKind: string, items: readonly { examId: string | null; contestId: string | null; weight: number }[]) {
  return { title, unitKind, items: items.map((i) => ({ examId: i.examId, contestId: i.contestId, weight: i.weight })) };
}

export async function auditSeason(tx: Tx, memberId: string, action: 'season.update' | 'season.delete', id: string, before: unknown, after: unknown): Promise<void> {
  await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id, before, after)
    values (${memberId}::uuid, 'member', ${action}, 'season', ${id}, ${tx.json(before as never)}, ${after === null ? null : tx.json(after as never)})`;
}

/** The season ranking: per item each person's percent, combined by weight (src/core). */
export async function seasonStandings(tx: Tx, s: Season) {
  const results: SeasonResult[] = [];
  const examItems = s.items.filter((i) => i.examId);
  if (examItems.length) {
    // RLS: attempts of the people the reader may see.
    const rows = await tx`
      select a.exam_id, a.member_id, e.grading_method, a.state, a.started_at, a.finished_at, a.score, a.max_score
      from app.attempts a join app.exams e on e.id = a.exam_id
      where a.exam_id in (select (jsonb_array_elements_text(${tx.json(examItems.map((i) => i.examId))}))::uuid)
        and a.state in ('submitted', 'auto_submitted')`;
    const groups = new Map<string, RankAttempt[]>();
    for (const r of rows) {
      const key = `${r.exam_id}|${r.member_id}`;
      const a: RankAttempt = {
        memberId: r.member_id as string, roundId: r.exam_id as string, gradingMethod: r.grading_method as GradingMethod, state: r.state as AttemptState,
        startedAt: r.started_at as Date, finishedAt: (r.finished_at as Date | null) ?? null,
        score: r.score === null ? null : Number(r.score), maxScore: r.max_score === null ? null : Number(r.max_score),
      };
      const list = groups.get(key);
      if (list) list.push(a); else groups.set(key, [a]);
    }
    for (const item of examItems) {
      for (const [key, list] of groups) {
        if (!key.startsWith(`${item.examId}|`)) continue;
        const res = countedResult(list, list[0]!.gradingMethod);
        if (res && res.maxScore) results.push({ memberId: list[0]!.memberId, itemId: item.id, percent: Math.round((res.score / res.maxScore) * 10000) / 100 });
      }
    }
  }
  for (const item of s.items.filter((i) => i.contestId)) {
    const c = await loadContest(tx, item.contestId!);
    // Only a contest the reader manages: a participant of it may not read its whole ranking.
    if (!c || !c.manages) continue;
    const r = await computeRanking(tx, c);
    const max = r.ranking.maxScore;
    if (!max) continue;
    for (const p of r.ranking.individuals) results.push({ memberId: p.memberId, itemId: item.id, percent: Math.round((p.score / max) * 10000) / 100 });
  }
  const memberIds = [...new Set(results.map((r) => r.memberId))];
  const people = memberIds.length ? await tx`
    select m.id, m.employee_no, m.name, u.id as unit_id, u.name as unit_name
    from app.members m join app.org_units own on own.id = m.org_unit_id
    left join lateral (select a.id, a.name from app.org_units a where own.path like a.path || '%' and a.kind = ${s.unitKind}
                       order by length(a.path) desc limit 1) u on true
    where m.id in (select (jsonb_array_elements_text(${tx.json(memberIds)}))::uuid)` : [];
  const employeeNo = new Map(people.map((p) => [p.id as string, p.employee_no as string]));
  const ranked = seasonRanking(
    s.items.map((i) => ({ id: i.id, weight: i.weight })),
    people.map((p) => ({ memberId: p.id as string, name: p.name as string, unitId: (p.unit_id as string | null) ?? null, unitName: (p.unit_name as string | null) ?? '' })),
    results,
  );
  return {
    people: ranked.people.map((p) => ({ ...p, employeeNo: employeeNo.get(p.memberId) ?? '' })),
    units: ranked.units,
  };
}
