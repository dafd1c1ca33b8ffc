// Online mock contests through the real functions: create/edit by the owning unit's trainers only,
// validation with field errors, publishing offers the round exams, employees see only their own
// contests, the board's ETag/304, rankings from real and fixture attempts, the xlsx export (read
// back with exceljs: no formulas), and the audit of status changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startHarness, type Harness } from './harness.ts';
import { keysOf, responseFor, save, start, submit } from './exam-helpers.ts';
import {
  board, createContest, exportXlsx, finishedAttempt, getContest, listContests, mockContestExam, putContest, ranking, setContestStatus,
} from './contest-helpers.ts';
import contest from '../../functions/contest.ts';
import seasons from '../../functions/seasons.ts';

let h: Harness;
let examA = '';
let examB = '';
let contestId = '';

const definition = (extra: Record<string, unknown> = {}) => ({
  title: '两行消保知识模拟竞赛',
  rounds: [{ examId: examA, title: '第一轮 理论' }],
  teams: [{ orgUnit: 'QD' }, { orgUnit: 'JN' }],
  ...extra,
});

beforeAll(async () => {
  h = await startHarness();
  examA = (await mockContestExam(h)).id;
  examB = (await mockContestExam(h)).id;
});
afterAll(async () => { await h?.stop(); });

describe('creating and editing', () => {
  it('a trainer creates a draft contest with org-unit teams; it gets a short code', async () => {
    const r = await createContest(h, definition());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', teamMethod: 'average', edits: true });
    expect(r.body.code).toMatch(/^[2-9A-HJKMNP-Z]{6}$/);
    expect(r.body.teams.map((t: { name: string }) => t.name)).toEqual(['青岛分行', '济南分行']);
    expect(r.body.rounds[0]).toMatchObject({ kind: 'exam', examId: examA, title: '第一轮 理论' });
    contestId = r.body.id;
  });

  it('employees and HR cannot create; HR sees the draft, employees do not', async () => {
    expect((await createContest(h, definition(), 'E1001')).status).toBe(403);
    const hr = await createContest(h, definition(), 'H3001');
    expect(hr.status).toBe(403);
    expect(hr.body.detail).toMatch(/HR can read/);
    expect((await getContest(h, contestId, 'H3001')).status).toBe(200);
    expect((await getContest(h, contestId, 'E1001')).status).toBe(404);
    expect((await listContests(h, 'E1001')).body.contests).toEqual([]);
  });

  it('a trainer of another branch cannot edit (not their unit) and cannot even see it', async () => {
    const r = await putContest(h, contestId, definition({ title: '改名' }), 'T2002');
    expect(r.status).toBe(404);
    // Owned by 青岛分行: T2002 (青岛 trainer) edits; T2001 (总行) edits too — the unit above.
    const qd = await createContest(h, { ...definition(), ownerOrgUnit: 'QD', rounds: [], teams: [{ orgUnit: 'QD-SN' }, { orgUnit: 'QD-LS' }] }, 'T2002');
    expect(qd.status).toBe(201);
    expect((await putContest(h, qd.body.id, { title: '青岛内部赛', teams: [{ orgUnit: 'QD-OPS' }] }, 'T2001')).status).toBe(200);
    // …but T2002 cannot give it to 济南 or team up 济南 units, nor own a contest at 总行.
    const moved = await putContest(h, qd.body.id, { title: 'x', ownerOrgUnit: 'JN' }, 'T2002');
    expect(moved.status).toBe(400);
    expect(moved.body.errors.ownerOrgUnit).toMatch(/you manage/);
    const outside = await putContest(h, qd.body.id, { title: 'x', teams: [{ orgUnit: 'JN' }] }, 'T2002');
    expect(outside.body.errors['teams.0.orgUnit']).toMatch(/you manage/);
  });

  it('reports every problem of a definition at once, by field', async () => {
    const [practice] = await h.sql`select id from app.exams where kind <> 'mock_contest' limit 1`;
    const r = await createContest(h, {
      title: '坏定义',
      rounds: [{ examId: practice!.id }, { examId: examA }, { examId: examA }, { examId: '00000000-0000-4000-8000-000000000000' }],
      teams: [{ orgUnit: 'QD' }, { orgUnit: 'QD-SN' }, { orgUnit: 'NOPE' }, { orgUnit: 'HQ' }, { name: '手工队', members: ['E1008', 'E1002', 'X999'] }, { name: '手工队', members: ['E1008'] }],
      individuals: ['E1009', 'E1009'],
      teamMethod: 'best_n',
      bestN: 3,
    });
    expect(r.status).toBe(400);
    const e = r.body.errors;
    expect(e['rounds.0.examId']).toMatch(/not a mock contest/);
    expect(e['rounds.2.examId']).toMatch(/already a round/);
    expect(e['rounds.3.examId']).toMatch(/no exam/);
    expect(e['teams.1.orgUnit']).toMatch(/overlaps team 1/);
    expect(e['teams.2.orgUnit']).toMatch(/no org unit/);
    expect(e['teams.3.orgUnit']).toMatch(/not a department, sub-branch or branch/);
    expect(e['teams.4.members.1']).toMatch(/through their unit/);
    expect(e['teams.4.members.2']).toMatch(/no active employee/);
    expect(e['teams.5.name']).toMatch(/already called/);
    expect(e['teams.5.members.0']).toMatch(/already in team 5/);
    expect(e['individuals.1']).toMatch(/takes part once/);
    // Each error also has a code and its values, which the editor shows in the reader's language.
    const codes = r.body.fieldCodes;
    expect(codes['rounds.0.examId']).toMatchObject({ code: 'exam_not_mock' });
    expect(codes['teams.2.orgUnit']).toEqual({ code: 'org_unknown', params: { ref: 'NOPE' } });
    expect(codes['teams.5.name']).toEqual({ code: 'team_name_taken', params: { name: '手工队' } });
    expect(codes['individuals.1']).toEqual({ code: 'person_twice', params: { ref: 'E1009' } });
    expect(Object.keys(codes).sort()).toEqual(Object.keys(e).sort());
    // Malformed bodies: zod field errors.
    const bad = await createContest(h, { title: '', teamMethod: 'best_n', participationWeight: 2, awards: { mode: 'share', first: 50, second: 40, third: 30 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(expect.arrayContaining(['title', 'participationWeight', 'awards.third', 'bestN']));
  });

  it('teams whose units do not resolve are not reported as duplicates of each other (both nameless)', async () => {
    // A unit typed by its name instead of picked: the unit error only, with the typed text to show.
    const r = await createContest(h, { title: '名称当代码', teams: [{ orgUnit: '青岛分行' }, { orgUnit: '济南分行' }] });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual({
      'teams.0.orgUnit': expect.stringMatching(/no org unit "青岛分行"/),
      'teams.1.orgUnit': expect.stringMatching(/no org unit "济南分行"/),
    });
    expect(r.body.fieldCodes['teams.1.orgUnit']).toEqual({ code: 'org_unknown', params: { ref: '济南分行' } });
    // The owner field too.
    const owner = await createContest(h, { title: '坏主办', ownerOrgUnit: '青岛' });
    expect(owner.body.fieldCodes.ownerOrgUnit).toEqual({ code: 'org_unknown', params: { ref: '青岛' } });
  });
});

describe('publishing and taking part', () => {
  it('publishing needs the round exams published, then offers them to the teams', async () => {
    await h.sql`update app.exams set status = 'draft' where id = ${examA}`;
    const refused = await setContestStatus(h, contestId, 'published');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('round_exam_not_published');
    await h.sql`update app.exams set status = 'published' where id = ${examA}`;
    const ok = await setContestStatus(h, contestId, 'published');
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('published');
    const units = await h.sql`select o.code from app.exam_assignments a join app.org_units o on o.id = a.org_unit_id where a.exam_id = ${examA} order by o.code`;
    expect(units.map((u) => u.code)).toEqual(['JN', 'QD']);
    const [audit] = await h.sql`select action, before, after from app.audit_log where entity = 'contest' and entity_id = ${contestId} order by id desc limit 1`;
    expect(audit).toMatchObject({ action: 'contest.published', before: { status: 'draft' }, after: { status: 'published' } });
  });

  it('employees see the contests they take part in, with their team; others do not', async () => {
    const mine = await listContests(h, 'E1001');
    expect(mine.body.contests.map((c: { id: string }) => c.id)).toEqual([contestId]);
    const view = await getContest(h, contestId, 'E1001');
    expect(view.body).toMatchObject({ takesPart: true, myTeam: { name: '青岛分行' }, edits: false });
    expect(view.body.rounds[0].mine).toMatchObject({ attempts: 0 });
    // 总行 staff are in neither branch.
    expect((await getContest(h, contestId, 'E1013')).status).toBe(404);
    expect((await listContests(h, 'E1013')).body.contests).toEqual([]);
    // The short code finds it for a participant only.
    const code = view.body.code as string;
    expect((await listContests(h, 'E1008', `?code=${code.toLowerCase()}`)).body.id).toBe(contestId);
    expect((await listContests(h, 'E1013', `?code=${code}`)).status).toBe(404);
    expect((await listContests(h, 'E1013', '?code=0O1IL0')).status).toBe(400);
  });

  it('a draft cannot be closed; a published contest cannot be deleted', async () => {
    const d = await createContest(h, { title: '草稿' });
    expect((await setContestStatus(h, d.body.id, 'closed')).status).toBe(409);
    const nothing = await setContestStatus(h, d.body.id, 'published');
    expect(nothing.status).toBe(400);
    expect(Object.keys(nothing.body.errors)).toEqual(['rounds', 'teams']);
    const del = await h.call(contest, { method: 'DELETE', path: `/api/contests/${contestId}`, token: await h.tokenFor('T2001'), params: { id: contestId } });
    expect(del.status).toBe(409);
    const delDraft = await h.call(contest, { method: 'DELETE', path: `/api/contests/${d.body.id}`, token: await h.tokenFor('T2001'), params: { id: d.body.id } });
    expect(delDraft.status).toBe(204);
  });
});

describe('board and rankings', () => {
  let etag = '';

  it('the board answers with an ETag and 304 while nothing changed', async () => {
    const first = await board(h, contestId, 'E1001');
    expect(first.status).toBe(200);
    etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"board-/);
    expect(first.headers.get('cache-control')).toBe('private, max-age=2');
    expect(first.body).toMatchObject({ status: 'published', eligible: 17, participants: 0, individuals: [], podium: null });
    expect(first.body.teams.map((t: { name: string; eligible: number }) => [t.name, t.eligible]).sort()).toEqual([['济南分行', 8], ['青岛分行', 9]]);
    expect(first.body.warnings[0]).toMatchObject({ code: 'team_sizes_differ', min: 8, max: 9 });
    const again = await board(h, contestId, 'T2001', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    // Outsiders: not found, whatever ETag they send.
    expect((await board(h, contestId, 'E1013', etag)).status).toBe(404);
  });

  it('a real submission changes the ETag and enters the ranking', async () => {
    const s = await start(h, examA, 'E1001');
    expect(s.status).toBe(201);
    const attemptId = s.body.attempt.id as string;
    const keys = await keysOf(h, attemptId);
    for (const k of keys) expect((await save(h, attemptId, k.slot, { response: responseFor(k, true), seq: 1 }, 'E1001')).status).toBe(200);
    // Starting alone moves the version (the board shows who is taking part).
    const during = await board(h, contestId, 'E1001', etag);
    expect(during.status).toBe(200);
    expect((await submit(h, attemptId, 'E1001')).status).toBe(200);
    const after = await board(h, contestId, 'E1001', during.headers.get('etag')!);
    expect(after.status).toBe(200);
    expect(after.body.individuals[0]).toMatchObject({ rank: 1, name: '张晓梅', team: '青岛分行', score: 100 });
    expect(after.body.individuals[0].employeeNo).toBeUndefined();
    expect(after.body.teams[0]).toMatchObject({ name: '青岛分行', participants: 1, eligible: 9, participationRate: 0.1111 });
    etag = after.headers.get('etag')!;
  });

  it('ranks by score, time used, submission, with shared ranks; teams by average with participation', async () => {
    await finishedAttempt(h, examA, 'E1008', { score: 100, startSecAgo: 5000, usedSec: 100 });   // 100 in 100 s: first
    await finishedAttempt(h, examA, 'E1009', { score: 50, startSecAgo: 4000, usedSec: 300 });
    await finishedAttempt(h, examA, 'E1010', { score: 50, startSecAgo: 4000, usedSec: 300 });    // exact tie with E1009
    await finishedAttempt(h, examA, 'E1002', { score: 40, startSecAgo: 9000, usedSec: 60 });
    await finishedAttempt(h, examA, 'E1002', { score: 90, startSecAgo: 8000, usedSec: 600, no: 2 }); // highest counts: 90
    await finishedAttempt(h, examA, 'E1013', { score: 100, startSecAgo: 3000, usedSec: 10 });    // not eligible (总行)
    const r = await ranking(h, contestId, 'T2001');
    expect(r.status).toBe(200);
    const rows = r.body.individuals.map((p: { employeeNo: string; rank: number; score: number }) => [p.employeeNo, p.rank, p.score]);
    // E1001 submitted a full score in about a second; E1008 took 100 s.
    expect(rows[0]).toEqual(['E1001', 1, 100]);
    expect(rows[1]).toEqual(['E1008', 2, 100]);
    expect(rows[2]).toEqual(['E1002', 3, 90]);
    expect(rows.slice(3).map((x: unknown[]) => x[1])).toEqual([4, 4]);
    expect(rows.map((x: unknown[]) => x[0])).not.toContain('E1013');
    // Awards by count 1/2/3: first, then 2 seconds, then the tie shares third.
    expect(r.body.individuals.map((p: { award: string | null }) => p.award)).toEqual(['first', 'second', 'second', 'third', 'third']);
    const teams = Object.fromEntries(r.body.teams.map((t: { name: string }) => [t.name, t]));
    expect(teams['济南分行']).toMatchObject({ participants: 3, eligible: 8, score: 66.67, participationRate: 0.375 });
    expect(teams['青岛分行']).toMatchObject({ participants: 2, eligible: 9, score: 95 });
    // Board ETag moved with the fixture attempts.
    expect((await board(h, contestId, 'E1001', etag)).status).toBe(200);
  });

  it('a participant’s contest page gives their own place and their team’s, not only the board’s top', async () => {
    const me = await getContest(h, contestId, 'E1002');
    expect(me.status).toBe(200);
    expect(me.body.standing).toEqual({ rank: 3, score: 90, ranked: 5, maxScore: expect.any(Number), team: { name: '青岛分行', rank: 1, score: 95, teams: 2 } });
    // Someone of a team who has not finished a round: no place of their own yet, their team's still.
    const [idle] = await h.sql`select m.employee_no from app.members m join app.org_units o on o.id = m.org_unit_id
      where m.active and o.path like '/HQ/QD/%' and m.employee_no not in ('E1001', 'E1002', 'E1008') and m.employee_no like 'E%' order by m.employee_no limit 1`;
    const other = await getContest(h, contestId, idle!.employee_no as string);
    expect(other.status).toBe(200);
    expect(other.body.standing).toMatchObject({ rank: null, score: null, team: { name: '青岛分行', rank: 1 } });
    // Managers who do not take part get no standing.
    expect((await getContest(h, contestId, 'T2001')).body.standing).toBeNull();
  });

  it('participation weighting changes the team order; settings edits are audited', async () => {
    const r = await putContest(h, contestId, definition({ participationWeight: 1 }));
    expect(r.status).toBe(200);
    const b = (await board(h, contestId, 'T2001')).body;
    // 济南 66.67 × 0.375 = 25; 青岛 95 × 2/9 = 21.11.
    expect(b.teams.map((t: { name: string; score: number }) => [t.name, t.score])).toEqual([['济南分行', 25], ['青岛分行', 21.11]]);
    const [audit] = await h.sql`select action, before, after from app.audit_log where entity = 'contest' and entity_id = ${contestId} order by id desc limit 1`;
    expect(audit).toMatchObject({ action: 'contest.settings', before: { participation_weight: 0 }, after: { participation_weight: 1 } });
    expect(Object.keys(audit!.after as object)).toEqual(['participation_weight']);
  });

  it('only managers read the full ranking and the export', async () => {
    expect((await ranking(h, contestId, 'E1001')).status).toBe(403);
    expect((await exportXlsx(h, contestId, 'E1001')).status).toBe(403);
    expect((await ranking(h, contestId, 'H3001')).status).toBe(200);
    // T2002 takes part (青岛分行) but manages nothing above 总行's contest: the board only.
    expect((await ranking(h, contestId, 'T2002')).status).toBe(403);
    expect((await ranking(h, contestId, 'E1013')).status).toBe(404);
  });

  it('the xlsx export is formatted and holds values only, formula-looking names neutralised', async () => {
    await h.sql`update app.members set name = '=HYPERLINK("http://x","点我")' where employee_no = 'E1009'`;
    const x = await exportXlsx(h, contestId, 'T2001');
    await h.sql`update app.members set name = '朱琳' where employee_no = 'E1009'`;
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(x.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes.buffer as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '个人排名', '团队排名']);
    let formulas = 0;
    for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((cell) => { if (cell.type === ExcelJS.ValueType.Formula || cell.formula) formulas += 1; }));
    expect(formulas).toBe(0);
    const people = wb.getWorksheet('个人排名')!;
    expect(people.getRow(1).values).toEqual([undefined, '名次', '工号', '姓名', '机构', '队伍', '成绩', '用时', '用时（秒）', '交卷时间', '参加轮次', '奖项']);
    expect(people.getCell('A1').font?.bold).toBe(true);
    expect(people.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(people.getRow(2).values).toEqual(expect.arrayContaining([1, 'E1001', 100, '一等奖']));
    const names = people.getColumn(3).values.filter((v) => typeof v === 'string') as string[];
    expect(names.find((n) => n.includes('HYPERLINK'))).toMatch(/^'=/);
    const teams = wb.getWorksheet('团队排名')!;
    expect(teams.getRow(2).getCell(2).value).toBe('济南分行');
    expect(teams.getRow(2).getCell(7).value).toBe(37.5);
  });

  it('closing shows the podium and makes the contest read-only until reopened', async () => {
    const closed = await setContestStatus(h, contestId, 'closed');
    expect(closed.body.status).toBe('closed');
    const b = (await board(h, contestId, 'E1008')).body;
    expect(b.podium.individuals.map((p: { name: string; rank: number }) => p.rank)).toEqual([1, 2, 3]);
    expect(b.podium.teams).toHaveLength(2);
    expect((await putContest(h, contestId, definition())).status).toBe(409);
    expect((await setContestStatus(h, contestId, 'published')).body.closedAt).toBeNull();
  });

  it('a second round adds up per person and follows its own grading method', async () => {
    await putContest(h, contestId, definition({ rounds: [{ examId: examA }, { examId: examB }] }));
    await h.sql`update app.exams set grading_method = 'latest' where id = ${examB}`;
    await finishedAttempt(h, examB, 'E1009', { score: 80, startSecAgo: 2000, usedSec: 100 });
    await finishedAttempt(h, examB, 'E1009', { score: 20, startSecAgo: 1000, usedSec: 100, no: 2 });
    const r = await ranking(h, contestId, 'T2001');
    const e1009 = r.body.individuals.find((p: { employeeNo: string }) => p.employeeNo === 'E1009');
    expect(e1009).toMatchObject({ score: 70, roundsTaken: 2, timeUsedSec: 400 });
    expect(r.body.maxScore).toBe(200);
    // examB was offered to the teams when the published contest gained the round.
    const [n] = await h.sql`select count(*)::int as n from app.exam_assignments where exam_id = ${examB}`;
    expect(n!.n).toBe(2);
  });
});

describe('seasons', () => {
  it('combine exams with weights into one ranking per person and per branch', async () => {
    const examC = (await mockContestExam(h)).id;
    await finishedAttempt(h, examC, 'E1008', { score: 50, startSecAgo: 900, usedSec: 100 });
    const token = await h.tokenFor('T2001');
    const created = await h.call(seasons, { method: 'POST', path: '/api/seasons', token, body: {
      title: '2026 年度消保知识赛季', unitKind: 'branch', items: [{ examId: examA, weight: 1 }, { examId: examC, weight: 3 }, { contestId, weight: 2 }],
    } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Only the two exams count in this check: drop the contest item again (PUT replaces the items).
    const put = await h.call(seasons, { method: 'PUT', path: `/api/seasons/${id}`, token, params: { id }, body: {
      title: '2026 年度消保知识赛季', unitKind: 'branch', items: [{ examId: examA, weight: 1 }, { examId: examC, weight: 3 }],
    } });
    expect(put.status).toBe(200);
    const s = await h.call(seasons, { path: `/api/seasons/${id}`, token, params: { id } });
    expect(s.status).toBe(200);
    const people = Object.fromEntries(s.body.ranking.people.map((p: { employeeNo: string; score: number; rank: number }) => [p.employeeNo, [p.score, p.rank]]));
    // E1008: (100 + 3 × 50) / 4 = 62.5, first; E1001: 100 / 4 = 25 (tied with E1013); E1002: 90 / 4 = 22.5.
    expect(people.E1008).toEqual([62.5, 1]);
    expect(people.E1001).toEqual([25, 2]);
    expect(people.E1013).toEqual([25, 2]);
    expect(people.E1002).toEqual([22.5, 4]);
    const units = s.body.ranking.units.map((u: { unitName: string; score: number; people: number }) => [u.unitName, u.score, u.people]);
    // 济南: E1008 62.5, E1009 12.5, E1010 12.5 → 29.17; 青岛: E1001 25, E1002 22.5 → 23.75; 总行 staff have no branch.
    expect(units).toEqual([['济南分行', 29.17, 3], ['青岛分行', 23.75, 2]]);
  });

  it('is for managers: employees are refused, trainers of another unit cannot change it; bad items are field errors', async () => {
    expect((await h.call(seasons, { path: '/api/seasons', token: await h.tokenFor('E1001') })).status).toBe(403);
    const list = await h.call(seasons, { path: '/api/seasons', token: await h.tokenFor('H3001') });
    expect(list.body.seasons.length).toBeGreaterThan(0);
    const id = list.body.seasons[0].id as string;
    expect((await h.call(seasons, { method: 'PUT', path: `/api/seasons/${id}`, token: await h.tokenFor('T2002'), params: { id }, body: { title: 'x' } })).status).toBe(404);
    const bad = await h.call(seasons, { method: 'POST', path: '/api/seasons', token: await h.tokenFor('T2001'), body: {
      title: 'x', items: [{ examId: examA, weight: 0 }, { contestId: '00000000-0000-4000-8000-000000000000', weight: 1 }],
    } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors['items.0.weight']).toMatch(/above 0/);
    const bad2 = await h.call(seasons, { method: 'POST', path: '/api/seasons', token: await h.tokenFor('T2001'), body: {
      title: 'x', items: [{ examId: examA, weight: 1 }, { examId: examA, weight: 2 }, { contestId: '00000000-0000-4000-8000-000000000000', weight: 1 }],
    } });
    expect(bad2.body.errors).toMatchObject({ 'items.1': expect.stringMatching(/already/), 'items.2.contestId': expect.stringMatching(/no contest/) });
  });
});

describe('review R1: audit of what feeds appraisal', () => {
  const audits = (entity: string, id: string) => h.sql`select action, actor_member_id, before, after from app.audit_log where entity = ${entity} and entity_id = ${id} order by id`;

  it('changing the rounds or participants of a published contest is audited with before and after', async () => {
    const [c] = await h.sql`select status from app.contests where id = ${contestId}`;
    expect(c!.status).toBe('published');
    const before = (await audits('contest', contestId)).length;
    const r = await putContest(h, contestId, definition({ rounds: [{ examId: examA }, { examId: examB }], teams: [{ orgUnit: 'QD' }] }));
    expect(r.status).toBe(200);
    const after = await audits('contest', contestId);
    expect(after.length).toBe(before + 1);
    const last = after[after.length - 1]!;
    expect(last.action).toBe('contest.definition');
    expect(last.actor_member_id).not.toBeNull();
    expect((last.before as { teams: { name: string }[] }).teams.map((t) => t.name)).toEqual(['青岛分行', '济南分行']);
    expect((last.after as { teams: { name: string }[] }).teams.map((t) => t.name)).toEqual(['青岛分行']);
    // Saving the same definition again changes nothing and writes nothing.
    expect((await putContest(h, contestId, definition({ rounds: [{ examId: examA }, { examId: examB }], teams: [{ orgUnit: 'QD' }] }))).status).toBe(200);
    expect((await audits('contest', contestId)).length).toBe(before + 1);
  });

  it('changing a season\'s items or weights, or deleting it, is audited', async () => {
    const token = await h.tokenFor('T2001');
    const created = await h.call(seasons, { method: 'POST', path: '/api/seasons', token, body: { title: '审计赛季', items: [{ examId: examA, weight: 1 }] } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const put = await h.call(seasons, { method: 'PUT', path: `/api/seasons/${id}`, token, params: { id }, body: { title: '审计赛季', items: [{ examId: examA, weight: 5 }] } });
    expect(put.status).toBe(200);
    let rows = await audits('season', id);
    expect(rows.map((r) => r.action)).toEqual(['season.update']);
    expect(rows[0]!.before).toMatchObject({ items: [{ examId: examA, weight: 1 }] });
    expect(rows[0]!.after).toMatchObject({ items: [{ examId: examA, weight: 5 }] });
    expect((await h.call(seasons, { method: 'DELETE', path: `/api/seasons/${id}`, token, params: { id } })).status).toBe(204);
    rows = await audits('season', id);
    expect(rows.map((r) => r.action)).toEqual(['season.update', 'season.delete']);
  });

  it('a definition lists at most 10,000 people by name in all (hand-made teams and individuals together)', async () => {
    const names = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const teams = Array.from({ length: 6 }, (_, i) => ({ name: `队${i}`, members: names(2000, `T${i}-`) }));
    const r = await createContest(h, { title: '超大名单', teams });
    expect(r.status).toBe(400);
    expect(r.body.errors.teams).toMatch(/10,000/);
  });

  it('teams and people stay inside the owning unit\'s subtree, whose managers read all their results', async () => {
    const r = await createContest(h, { title: '青岛赛', ownerOrgUnit: 'QD', teams: [{ orgUnit: 'QD-SN' }, { orgUnit: 'JN' }], individuals: ['E1008', 'E1002'] });
    expect(r.status).toBe(400);
    expect(r.body.errors['teams.1.orgUnit']).toMatch(/outside 青岛分行/);
    expect(r.body.errors['individuals.0']).toMatch(/outside 青岛分行/);
    expect(r.body.errors['individuals.1'] ?? '').not.toMatch(/outside/);
    expect(r.body.errors['teams.0.orgUnit']).toBeUndefined();
  });
});
