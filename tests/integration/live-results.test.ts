// A finished live contest in people's training records, through the real functions on a real
// database: ending it records each seated person once (not the spectators or the host), the
// records re-derive from the log, re-ending/replaying changes nothing, an adjustment or undo after
// the end is audited, each reader sees what RLS allows, the export lists the records, and an online
// contest takes the live contest as a round into its rankings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from './harness.ts';
import { answersFor, createContest, host, join, liveExport, liveHost, play, putSetup, questionIds, state } from './live-helpers.ts';
import { createContest as createOnlineContest, getContest, putContest, ranking, setContestStatus } from './contest-helpers.ts';
import liveResults from '../../functions/live-results.ts';
import { asUser } from '../../functions/_lib/db.ts';
import { forget, stateAt } from '../../functions/_lib/live.ts';
import { recordRows } from '../../functions/_lib/live-results.ts';
import { readSheetRows } from '../../src/interop/spreadsheet.ts';

let h: Harness;
let id = '';
const ids: Record<string, string> = {};
/** Seated players; E1018, E1014, E1007 and E1017 are in the teams but never join. */
const SEATED = ['E1013', 'H3001', 'E1006', 'T2002', 'E1016'];

const records = async () => h.sql`select * from app.live_results where contest_id = ${id} order by member_id`;
const mine = async (who: string, member?: string) =>
  h.call(liveResults, { path: `/api/live-results${member ? `?member=${encodeURIComponent(member)}` : ''}`, token: await h.tokenFor(who) });
const audits = async (action: string) => h.sql`select * from app.audit_log where entity = 'live_contest' and entity_id = ${id} and action = ${action} order by at`;

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1013', 'E1018', 'H3001', 'E1006', 'T2002', 'E1016', 'T2001', 'H3002']) {
    ids[no] = (await h.sql`select id from app.members where employee_no = ${no}`)[0]!.id as string;
  }
  id = (await createContest(h, 'T2001', '消保知识现场赛（记录）')).id;
  const singles = await questionIds(h, 'single', 5, 20);
  const r = await putSetup(h, id, {
    teams: ['HQ-CP', 'HQ-HR', 'QD-OPS', 'JN-OPS'].map((code, i) => ({ name: `第${i + 1}队`, orgUnit: code })),
    rounds: [
      { kind: 'required', title: '必答题', questions: singles.slice(0, 4).map((questionId) => ({ questionId })) },
      { kind: 'all', title: '个人全员答', questions: [{ questionId: singles[4]! }] },
    ],
  });
  expect(r.status).toBe(200);
  for (const who of SEATED) expect((await join(h, id, who)).status).toBe(200);
});
afterAll(async () => { await h?.stop(); });

describe('ending a live contest', () => {
  it('nothing is recorded while it runs', async () => {
    // 必答: the first team's player answers right, the second's wrong, the other two do not answer.
    for (let i = 0; i < 4; i += 1) {
      expect((await host(h, id, 'next')).status).toBe(200);
      await host(h, id, 'open');
      const q = (await state(h, id)).body.question as { ref: string };
      const { right, wrong } = await answersFor(h, q.ref);
      if (i === 0) expect((await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right })).status).toBe(200);
      if (i === 1) expect((await play(h, id, 'H3001', { kind: 'answer', ref: q.ref, response: wrong })).status).toBe(200);
      await host(h, id, 'lock');
      await host(h, id, 'reveal');
    }
    await host(h, id, 'next');
    await host(h, id, 'open');
    const q = (await state(h, id)).body.question as { ref: string };
    const { right, wrong } = await answersFor(h, q.ref);
    for (const who of ['E1013', 'H3001', 'E1006']) expect((await play(h, id, who, { kind: 'answer', ref: q.ref, response: right })).status).toBe(200);
    expect((await play(h, id, 'T2002', { kind: 'answer', ref: q.ref, response: wrong })).status).toBe(200);
    await host(h, id, 'lock');
    await host(h, id, 'reveal');
    expect(await records()).toHaveLength(0);
  });

  it('the finish records every seated person exactly once — not the unseated members, not the host', async () => {
    const requestId = randomUUID();
    const token = await h.tokenFor('T2001');
    const first = await h.call(liveHost, { method: 'POST', path: `/api/live/${id}/host`, token, params: { id }, body: { requestId, action: 'finish' } });
    expect(first.status).toBe(200);
    const rows = await records();
    expect(rows.map((r) => r.member_id).sort()).toEqual(SEATED.map((no) => ids[no]).sort());
    const by = Object.fromEntries(rows.map((r) => [r.member_id as string, r]));
    const e1013 = by[ids.E1013!]!;
    // E1013 answered the 必答 question for 第1队 (right, +10) and the 全员答 one (right, 10 + bonus).
    expect(e1013).toMatchObject({ contest_title: '消保知识现场赛（记录）', team_name: '第1队', teams_count: 4, answered: 2, correct: 2, all_questions: 1 });
    expect(Number(e1013.team_points)).toBe(10);
    expect(Number(e1013.personal_points)).toBeGreaterThan(10);
    expect(Number(e1013.round_score)).toBeCloseTo(Number(e1013.team_points) + Number(e1013.personal_points), 2);
    // H3001 answered twice, right once; T2002 once, wrong; E1016 never answered (the whole countdown counts).
    expect(by[ids.H3001!]).toMatchObject({ answered: 2, correct: 1 });
    expect(by[ids.T2002!]).toMatchObject({ answered: 1, correct: 0 });
    expect(by[ids.E1016!]).toMatchObject({ answered: 0, correct: 0, time_used_sec: 20 });
    expect(Number(by[ids.E1016!]!.personal_points)).toBe(0);
    // Team places agree with the public scoreboard.
    const board = (await state(h, id)).body.teams as { name: string; rank: number; score: number }[];
    for (const r of rows) {
      const t = board.find((x) => x.name === r.team_name)!;
      expect([Number(r.team_rank), Number(r.team_score)]).toEqual([t.rank, t.score]);
    }
    // Replaying the finish request appends nothing and changes no record.
    const stamp = rows.map((r) => (r.updated_at as Date).getTime());
    const again = await h.call(liveHost, { method: 'POST', path: `/api/live/${id}/host`, token, params: { id }, body: { requestId, action: 'finish' } });
    expect(again.status).toBe(200);
    expect(again.body.replay).toBe(true);
    // A second finish is refused (the contest has finished).
    expect((await host(h, id, 'finish')).body.code).toBe('finished');
    expect((await records()).map((r) => (r.updated_at as Date).getTime())).toEqual(stamp);
  });

  it('the records re-derive from the event log alone (a cold server computes the same rows)', async () => {
    forget(id);
    const [c] = await h.sql`select version, setup_rev from app.live_contests where id = ${id}`;
    const entry = await stateAt(id, Number(c!.version), Number(c!.setup_rev));
    const derived: Record<string, unknown>[] = recordRows(entry).map((r) => ({ ...r, finished_at: new Date(r.finished_at as string).getTime() }));
    const stored = (await records()).map((r) => ({
      member_id: r.member_id, team_id: r.team_id, contest_title: r.contest_title, team_name: r.team_name, team_rank: r.team_rank,
      teams_count: r.teams_count, team_score: Number(r.team_score), answered: r.answered, correct: r.correct,
      personal_points: Number(r.personal_points), all_questions: r.all_questions, team_points: Number(r.team_points),
      round_score: Number(r.round_score), round_max: Number(r.round_max), time_used_sec: r.time_used_sec,
      finished_at: (r.finished_at as Date).getTime(),
    }));
    const key = (x: Record<string, unknown>) => String(x.member_id);
    expect(stored.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      derived.map(({ event_seq: _seq, ...r }) => r).sort((a, b) => key(a).localeCompare(key(b))));
    // Each row names the event it was derived at: the finish (nothing after it changed them).
    const [fin] = await h.sql`select max(seq)::int as seq from app.live_events where contest_id = ${id} and kind = 'finish'`;
    expect(new Set((await records()).map((r) => Number(r.event_seq)))).toEqual(new Set([fin!.seq]));
  });

  it('an adjustment after the end changes that team’s records, audited with the reason', async () => {
    const before = Object.fromEntries((await records()).map((r) => [r.member_id as string, r]));
    const jn = before[ids.E1016!]!.team_id as string;
    expect((await host(h, id, 'adjust', { teamId: jn, delta: 5, reason: '赛后复核：第4队第2题改判' })).status).toBe(200);
    const after = Object.fromEntries((await records()).map((r) => [r.member_id as string, r]));
    expect(Number(after[ids.E1016!]!.team_score)).toBeCloseTo(Number(before[ids.E1016!]!.team_score) + 5, 2);
    expect(Number(after[ids.E1016!]!.team_points)).toBeCloseTo(Number(before[ids.E1016!]!.team_points) + 5, 2);
    expect(Number(after[ids.E1013!]!.team_points)).toBe(Number(before[ids.E1013!]!.team_points));
    const [a] = await audits('live.results.adjust');
    expect(a).toBeDefined();
    expect(a!.reason).toBe('赛后复核：第4队第2题改判');
    expect(a!.actor_member_id).toBe(ids.T2001);
    expect(Object.keys(a!.before as object)).toContain(ids.E1016);
    expect(Object.keys(a!.before as object)).not.toContain(ids.E1006); // untouched records are not listed
    expect(Number((a!.after as Record<string, { team_score: number }>)[ids.E1016!]!.team_score)).toBe(Number(after[ids.E1016!]!.team_score));
  });

  it('undoing the finish takes the records back (audited); ending again records them once more', async () => {
    expect((await host(h, id, 'undo')).status).toBe(200); // the adjustment
    expect((await host(h, id, 'undo')).status).toBe(200); // the finish
    expect((await state(h, id)).body.status).not.toBe('finished');
    expect(await records()).toHaveLength(0);
    const undos = await audits('live.results.undo');
    expect(undos).toHaveLength(2);
    expect(Object.keys(undos[1]!.before as object).sort()).toEqual(SEATED.map((no) => ids[no]).sort());
    expect(undos[1]!.after).toEqual({});
    expect((await host(h, id, 'finish')).status).toBe(200);
    const rows = await records();
    expect(rows).toHaveLength(SEATED.length);
    expect(new Set(rows.map((r) => r.member_id)).size).toBe(SEATED.length);
  });
});

describe('who reads the records', () => {
  it('an employee reads only their own; an unseated member has none', async () => {
    const r = await mine('E1013');
    expect(r.status).toBe(200);
    expect(r.body.records).toHaveLength(1);
    expect(r.body.records[0]).toMatchObject({ contestId: id, teamName: '第1队', answered: 2, correct: 2 });
    expect((await mine('E1018')).body.records).toEqual([]);
    const other = await mine('E1006', 'E1013');
    expect(other.status).toBe(403);
    const rows = await asUser({ sub: await h.userIdFor('E1013'), role: 'authenticated', aud: 'authenticated' }, (tx) => tx`select member_id from app.live_results`);
    expect(rows.map((x) => x.member_id)).toEqual([ids.E1013]);
  });

  it('HR and trainers read the people of their own unit only; out of scope is refused', async () => {
    const jn = await mine('H3002', 'E1016');
    expect(jn.status).toBe(200);
    expect(jn.body.person).toMatchObject({ employeeNo: 'E1016' });
    expect(jn.body.records).toHaveLength(1);
    expect((await mine('H3002', 'E1013')).status).toBe(404);
    // T2002 (青岛 trainer) plays in the contest but does not manage 总行's people.
    expect((await mine('T2002', 'E1013')).status).toBe(404);
    expect((await mine('T2002', 'E1006')).body.records).toHaveLength(1);
    expect((await mine('H3001', 'E1016')).body.records).toHaveLength(1); // 总行 HR: the whole bank
    expect((await mine('H3001', 'bad\nref')).status).toBe(400);
  });

  it('nobody writes the table directly; the sync is for the contest’s hosts, for its team members only', async () => {
    const sub = await h.userIdFor('T2001');
    const as = (fn: Parameters<typeof asUser>[1]) => asUser({ sub, role: 'authenticated', aud: 'authenticated' }, fn);
    const code = async (fn: Parameters<typeof asUser>[1]) => { try { await as(fn); return 'ok'; } catch (e) { return (e as { code?: string }).code; } };
    expect(await code((tx) => tx`update app.live_results set personal_points = 99 where contest_id = ${id}`)).toBe('42501');
    expect(await code((tx) => tx`delete from app.live_results where contest_id = ${id}`)).toBe('42501');
    // E1018 is listed in 第1队 but never sat down: the host cannot give them a record.
    const row = (await records()).find((r) => r.member_id === ids.E1013)!;
    const forged = [{ ...row, member_id: ids.E1018, finished_at: (row.finished_at as Date).toISOString() }];
    expect(await code((tx) => tx`select app.live_results_sync(${id}::uuid, ${tx.json(forged as never)}, 'sync', null)`)).toBe('23514');
    // Nor a seated person in another team than theirs.
    const wrongTeam = [{ ...row, member_id: ids.E1016, finished_at: (row.finished_at as Date).toISOString() }];
    expect(await code((tx) => tx`select app.live_results_sync(${id}::uuid, ${tx.json(wrongTeam as never)}, 'sync', null)`)).toBe('23514');
    const e1006 = await h.userIdFor('E1006');
    const asPlayer = await asUser({ sub: e1006, role: 'authenticated', aud: 'authenticated' }, (tx) => tx`select app.live_results_sync(${id}::uuid, '[]'::jsonb, 'sync', null)`)
      .then(() => 'ok', (e) => (e as { code?: string }).code);
    expect(asPlayer).toBe('42501');
    expect(await records()).toHaveLength(SEATED.length);
  });

  it('the host’s export lists every seated person’s recorded result', async () => {
    const req = new Request(`http://127.0.0.1/api/live/${id}/export`, { headers: { authorization: `Bearer ${await h.tokenFor('T2001')}` } });
    const bytes = new Uint8Array(await (await liveExport(req, { params: { id } })).arrayBuffer());
    const sheet = await readSheetRows(bytes, { sheet: '个人成绩' });
    expect(sheet.rows.map((r) => r.values[0]).sort()).toEqual([...SEATED].sort());
  });
});

describe('a live contest as a round of an online contest', () => {
  let contestId = '';

  it('only a host of the live contest can add it as a round', async () => {
    const body = { title: '消保知识竞赛（含现场赛）', rounds: [{ liveContestId: id }], teams: [{ orgUnit: 'QD' }, { orgUnit: 'JN' }, { orgUnit: 'HQ-CP' }] };
    const out = await createOnlineContest(h, { ...body, ownerOrgUnit: 'QD', teams: [{ orgUnit: 'QD' }] }, 'T2002');
    expect(out.status).toBe(400);
    expect(out.body.errors['rounds.0.liveContestId']).toMatch(/host/);
    const r = await createOnlineContest(h, body);
    expect(r.status).toBe(201);
    expect(r.body.rounds[0]).toMatchObject({ kind: 'live', liveContestId: id });
    contestId = r.body.id;
  });

  it('its recorded results enter the individual and team rankings', async () => {
    const r = await ranking(h, contestId, 'T2001');
    expect(r.status).toBe(200);
    const stored = Object.fromEntries((await records()).map((x) => [x.member_id as string, x]));
    const people = r.body.individuals as { memberId: string; score: number; timeUsedSec: number; roundsTaken: number; submittedAt: string }[];
    // Eligible and seated: E1013 (HQ-CP), E1006 and T2002 (QD), E1016 (JN); H3001 (HQ-HR) is not in any team here.
    expect(people.map((p) => p.memberId).sort()).toEqual([ids.E1013, ids.E1006, ids.T2002, ids.E1016].sort());
    for (const p of people) {
      const s = stored[p.memberId]!;
      expect([p.score, p.timeUsedSec, p.roundsTaken]).toEqual([Number(s.round_score), Number(s.time_used_sec), 1]);
      expect(p.submittedAt).toBe((s.finished_at as Date).toISOString());
    }
    expect(r.body.maxScore).toBe(Math.max(...Object.values(stored).map((s) => Number(s.round_max))));
    const qd = (r.body.teams as { name: string; participants: number; score: number }[]).find((t) => t.name === '青岛分行')!;
    expect(qd.participants).toBe(2);
    expect(qd.score).toBeCloseTo(Math.round(((Number(stored[ids.E1006!]!.round_score) + Number(stored[ids.T2002!]!.round_score)) / 2) * 100) / 100, 2);
  });

  it('an adjustment on stage moves the online ranking too', async () => {
    const before = (await ranking(h, contestId, 'T2001')).body.individuals.find((p: { memberId: string }) => p.memberId === ids.E1016).score as number;
    const jn = (await records()).find((x) => x.member_id === ids.E1016)!.team_id as string;
    expect((await host(h, id, 'adjust', { teamId: jn, delta: -3, reason: '赛后复核：犯规' })).status).toBe(200);
    const after = (await ranking(h, contestId, 'T2001')).body.individuals.find((p: { memberId: string }) => p.memberId === ids.E1016).score as number;
    expect(after).toBeCloseTo(before - 3, 2);
  });

  it('a participant sees their own live result on the contest page once it is published', async () => {
    expect((await setContestStatus(h, contestId, 'published')).status).toBe(200);
    const page = await getContest(h, contestId, 'E1006');
    expect(page.status).toBe(200);
    const rec = (await records()).find((x) => x.member_id === ids.E1006)!;
    expect(page.body.rounds[0].mine).toMatchObject({ attempts: 1, score: Number(rec.round_score), maxScore: Number(rec.round_max) });
    // Eligible through 济南分行 but never seated in the live contest: no result in that round.
    const e1017 = await getContest(h, contestId, 'E1017');
    expect(e1017.body.rounds[0].mine).toMatchObject({ attempts: 0, score: null });
  });

  it('the contest keeps its live round when its editor saves it again', async () => {
    const r = await putContest(h, contestId, { title: '消保知识竞赛（含现场赛）', rounds: [{ liveContestId: id, title: '现场决赛' }], teams: [{ orgUnit: 'QD' }, { orgUnit: 'JN' }, { orgUnit: 'HQ-CP' }] });
    expect(r.status).toBe(200);
    expect(r.body.rounds).toEqual([expect.objectContaining({ kind: 'live', liveContestId: id, title: '现场决赛' })]);
  });
});
