// Helpers for the live-contest integration tests: create and run a contest through the real
// functions, read keys straight from the database (superuser) to answer right or wrong on purpose.
import { randomUUID } from 'node:crypto';
import type { Harness } from './harness.ts';
import live from '../../functions/live.ts';
import liveState from '../../functions/live-state.ts';
import liveMe from '../../functions/live-me.ts';
import liveJoin from '../../functions/live-join.ts';
import liveHost from '../../functions/live-host.ts';
import livePlay from '../../functions/live-play.ts';
import livePin from '../../functions/live-pin.ts';
import liveExport from '../../functions/live-export.ts';

export { live, liveState, liveMe, liveJoin, liveHost, livePlay, livePin, liveExport };

/** The four demo departments and who plays for them (the host, T2001, is left out of 总行消保部). */
export const DEPARTMENTS = ['HQ-CP', 'HQ-HR', 'QD-OPS', 'JN-OPS'] as const;
export const PLAYERS: Record<(typeof DEPARTMENTS)[number], string[]> = {
  'HQ-CP': ['E1013', 'E1018'],
  'HQ-HR': ['H3001', 'E1014'],
  'QD-OPS': ['T2002', 'E1006', 'E1007'],
  'JN-OPS': ['E1016', 'E1017'],
};

export async function questionIds(h: Harness, type: string, n: number, offset = 0): Promise<string[]> {
  const rows = await h.sql`select q.id from app.questions q join app.question_versions v on v.id = q.current_version_id
    where q.bank = 'official' and q.retired_at is null and v.type = ${type} order by q.id limit ${n} offset ${offset}`;
  if (rows.length < n) throw new Error(`only ${rows.length} ${type} questions in the official bank`);
  return rows.map((r) => r.id as string);
}

export async function createContest(h: Harness, who = 'T2001', title = '消保知识现场赛（测试）') {
  const r = await h.call(live, { method: 'POST', path: '/api/live', token: await h.tokenFor(who), body: { title } });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
  return r.body as { id: string; pin: string };
}

/** A full run sheet: 必答 ×4, 抢答 ×2, 风险 ×4, 全员答 ×1, 加赛 ×1, four department teams. */
export async function standardSetup(h: Harness) {
  const singles = await questionIds(h, 'single', 10);
  const tf = await questionIds(h, 'truefalse', 3);
  return {
    teams: DEPARTMENTS.map((code, i) => ({ name: `第${i + 1}队`, orgUnit: code })),
    rounds: [
      { kind: 'required', title: '必答题', questions: singles.slice(0, 4).map((questionId) => ({ questionId })) },
      { kind: 'buzz', title: '抢答题', questions: tf.slice(0, 2).map((questionId) => ({ questionId })) },
      { kind: 'risk', title: '风险题', questions: singles.slice(4, 8).map((questionId) => ({ questionId })) },
      { kind: 'all', title: '个人全员答', questions: [{ questionId: singles[8]! }] },
      { kind: 'sudden_death', title: '加赛', questions: [{ questionId: singles[9]! }] },
    ],
  };
}

export async function putSetup(h: Harness, id: string, body: unknown, who = 'T2001') {
  return h.call(live, { method: 'PUT', path: `/api/live/${id}`, token: await h.tokenFor(who), params: { id }, body });
}

export async function host(h: Harness, id: string, action: string, extra: Record<string, unknown> = {}, who = 'T2001') {
  return h.call(liveHost, {
    method: 'POST', path: `/api/live/${id}/host`, token: await h.tokenFor(who), params: { id },
    body: { requestId: randomUUID(), action, ...extra },
  });
}

export const deviceOf = (who: string, n = 1) => `device-${who.toLowerCase()}-${n}-abcdefgh`;

export async function join(h: Harness, id: string, who: string, device = deviceOf(who)) {
  return h.call(liveJoin, { method: 'POST', path: `/api/live/${id}/join`, token: await h.tokenFor(who), params: { id }, body: { device } });
}

export async function play(h: Harness, id: string, who: string, body: Record<string, unknown>, device = deviceOf(who)) {
  return h.call(livePlay, {
    method: 'POST', path: `/api/live/${id}/play`, token: await h.tokenFor(who), params: { id },
    body: { requestId: randomUUID(), device, ...body },
  });
}

export async function state(h: Harness, id: string, headers: Record<string, string> = {}) {
  return h.call(liveState, { path: `/api/live/${id}/state`, params: { id }, headers });
}

export async function me(h: Harness, id: string, who: string, device = deviceOf(who)) {
  return h.call(liveMe, { path: `/api/live/${id}/me?device=${device}`, token: await h.tokenFor(who), params: { id } });
}

/** The key of a run-sheet question and a wrong answer for it. */
export async function answersFor(h: Harness, ref: string): Promise<{ right: unknown; wrong: unknown; key: unknown; explanation: string }> {
  const [r] = await h.sql`select v.type, v.options, k.key, k.explanation from app.live_round_questions q
    join app.question_versions v on v.id = q.question_version_id join app.question_keys k on k.question_version_id = v.id
    where q.id = ${ref}`;
  const key = r!.key as { answer: unknown };
  const type = r!.type as string;
  const options = (r!.options as { id: string }[] | null) ?? [];
  if (type === 'truefalse') return { right: key.answer, wrong: !key.answer, key, explanation: r!.explanation as string };
  if (type === 'single') return { right: key.answer, wrong: options.find((o) => o.id !== key.answer)!.id, key, explanation: r!.explanation as string };
  throw new Error(`no answers for ${type}`);
}

export async function teamIdOf(h: Harness, contestId: string, employeeNo: string): Promise<string> {
  const [r] = await h.sql`select tm.team_id from app.live_team_members tm join app.members m on m.id = tm.member_id
    where tm.contest_id = ${contestId} and m.employee_no = ${employeeNo}`;
  return r!.team_id as string;
}
