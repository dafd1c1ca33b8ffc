// Live on-site contests through the real functions on a real database: the run sheet, seats and
// takeover, host-only actions, and the fairness rules — buzzing early, answering twice, after lock,
// for another team, replays — plus keys kept off phones until the reveal, audited adjustments, the
// ETag, sudden death and the export. The steps build on each other, as a contest does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startHarness, type Harness } from './harness.ts';
import audit from '../../functions/audit.ts';
import {
  answersFor, createContest, deviceOf, host, join, live, liveExport, livePin, me, play, PLAYERS, putSetup, standardSetup, state, teamIdOf,
} from './live-helpers.ts';
import { readSheetRows } from '../../src/interop/spreadsheet.ts';

let h: Harness;
let id = '';
let pin = '';
const team: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => { await h?.stop(); });

const current = async () => (await state(h, id)).body.question as { ref: string; phase: string; turnTeamId: string | null; content: { type: string } };
const scoreOf = async (teamId: string) => ((await state(h, id)).body.teams as { id: string; score: number }[]).find((t) => t.id === teamId)!.score;
const version = async () => Number((await h.sql`select version from app.live_contests where id = ${id}`)[0]!.version);

describe('creating and building a contest', () => {
  it('employees and HR cannot create one; a trainer can, with a six-digit PIN', async () => {
    for (const who of ['E1001', 'H3001']) {
      const r = await h.call(live, { method: 'POST', path: '/api/live', token: await h.tokenFor(who), body: { title: 'x' } });
      expect(r.status).toBe(403);
    }
    const bad = await h.call(live, { method: 'POST', path: '/api/live', token: await h.tokenFor('T2001'), body: { title: 'x', rules: { allPoints: 5, speedBonusMax: 6 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors['rules.speedBonusMax']).toMatch(/speed bonus/);
    const c = await createContest(h);
    id = c.id;
    pin = c.pin;
    expect(pin).toMatch(/^[0-9]{6}$/);
  });

  it('the run sheet is checked field by field', async () => {
    const r = await putSetup(h, id, {
      teams: [{ name: 'A', orgUnit: 'NOPE' }, { name: 'B', members: ['E1001', 'X9999'] }, { name: 'C', orgUnit: 'HQ-CP', members: ['E1002'] }, { name: 'D', members: ['E1002'] }],
      rounds: [
        { kind: 'required', title: '必答', questions: [{ questionId: 'no-such-question' }] },
        { kind: 'buzz', title: '抢答', questions: [], draw: [{ type: 'single', topic: 'no-such-topic', count: 3 }] },
        { kind: 'all', title: '空', questions: [] },
      ],
    });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors).sort()).toEqual(['rounds.0.questions.0', 'rounds.1.draw', 'rounds.2.questions', 'teams.0.orgUnit', 'teams.1.members', 'teams.3.members']);
    expect(r.body.errors['teams.3.members']).toMatch(/already in team 3/);
    expect(r.body.errors['teams.1.members']).toContain('X9999');
  });

  it('short-answer questions are refused; a trainer of another unit cannot edit it', async () => {
    const [short] = await h.sql`select q.id from app.questions q join app.question_versions v on v.id = q.current_version_id where v.type = 'short' limit 1`;
    const body = await standardSetup(h);
    if (short) {
      const r = await putSetup(h, id, { ...body, rounds: [{ kind: 'required', title: '必答', questions: [{ questionId: short.id }] }] });
      expect(r.status).toBe(400);
      expect(r.body.errors['rounds.0.questions.0']).toMatch(/short-answer/);
    }
    // Neither a trainer of another branch nor an employee (not yet in a team) can even see it.
    expect((await putSetup(h, id, body, 'T2002')).status).toBe(404);
    expect((await putSetup(h, id, body, 'E1013')).status).toBe(404);
  });

  it('four department teams with their members; 必答 questions go to the teams in turn', async () => {
    const r = await putSetup(h, id, await standardSetup(h));
    expect(r.status).toBe(200);
    const g = await h.call(live, { path: `/api/live/${id}`, token: await h.tokenFor('T2001'), params: { id } });
    expect(g.status).toBe(200);
    expect(g.body.teams.map((t: { members: unknown[] }) => t.members.length)).toEqual([2, 2, 3, 2]);
    expect(g.body.teams[0].members.map((m: { employeeNo: string }) => m.employeeNo)).not.toContain('T2001');
    const teamIds = g.body.teams.map((t: { id: string }) => t.id);
    expect(g.body.rounds[0].questions.map((q: { teamId: string }) => q.teamId)).toEqual(teamIds);
    expect(g.body.rounds[0].questions[0].answer).toBeDefined(); // the host sees keys
    for (const [dept, people] of Object.entries(PLAYERS)) team[dept] = await teamIdOf(h, id, people[0]!);
    // Players cannot read the run sheet (it would show the questions ahead).
    expect((await h.call(live, { path: `/api/live/${id}`, token: await h.tokenFor('E1013'), params: { id } })).status).toBe(403);
  });
});

describe('joining', () => {
  it('a PIN finds the contest only for its members', async () => {
    const ok = await h.call(livePin, { path: `/api/live/pin/${pin}`, token: await h.tokenFor('E1016'), params: { pin } });
    expect(ok.body).toEqual({ id, title: '消保知识现场赛（测试）' });
    const stranger = await h.call(livePin, { path: `/api/live/pin/${pin}`, token: await h.tokenFor('E1001'), params: { pin } });
    expect(stranger.status).toBe(404);
    // Coded, so the join page says it in the reader's language.
    expect(stranger.body.code).toBe('pin_unknown');
    const malformed = await h.call(livePin, { path: '/api/live/pin/12ab', token: await h.tokenFor('E1016'), params: { pin: '12ab' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('pin_malformed');
  });

  it('members are seated in their own team; others are refused', async () => {
    expect((await join(h, id, 'E1001')).status).toBe(403);
    for (const people of Object.values(PLAYERS)) for (const who of people) {
      const r = await join(h, id, who);
      expect(r.status).toBe(200);
      expect(r.body.seat.thisDevice).toBe(true);
    }
    const s = (await state(h, id)).body;
    expect(s.teams.map((t: { seated: number }) => t.seated).sort()).toEqual([2, 2, 2, 3]);
    expect(s.status).toBe('lobby');
  });

  it('rejoining from the same device (a reload) changes nothing', async () => {
    const before = await version();
    const r = await join(h, id, 'E1013');
    expect(r.status).toBe(200);
    expect(await version()).toBe(before);
  });

  it('a second device of the same person takes the seat over; the first is told so', async () => {
    const r = await join(h, id, 'E1014', deviceOf('E1014', 2));
    expect(r.body.seat).toMatchObject({ thisDevice: true, teamId: team['HQ-HR'] });
    const old = await me(h, id, 'E1014');
    expect(old.body.seat.thisDevice).toBe(false);
    expect((await state(h, id)).body.teams.find((t: { id: string }) => t.id === team['HQ-HR']).seated).toBe(2);
    // Back to the first device for the rest of the test.
    await join(h, id, 'E1014');
  });

  it('the run sheet cannot change once the host has started', async () => {
    expect((await host(h, id, 'next')).status).toBe(200);
    expect((await putSetup(h, id, await standardSetup(h))).status).toBe(409);
  });
});

describe('必答', () => {
  it('only hosts drive the contest', async () => {
    for (const who of ['E1013', 'T2002', 'H3001']) {
      const r = await host(h, id, 'open', {}, who);
      expect(r.status).toBe(403);
    }
  });

  it('answers before the question opens, for another team, twice, or after lock are refused', async () => {
    const q = await current();
    expect(q.turnTeamId).toBe(team['HQ-CP']);
    const { right, wrong } = await answersFor(h, q.ref);
    const early = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('not_open');
    await host(h, id, 'open');
    const other = await play(h, id, 'E1014', { kind: 'answer', ref: q.ref, response: right });
    expect(other.body.code).toBe('not_your_turn');
    const malformed = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: ['A', 'B'] });
    expect(malformed.status).toBe(400);
    const takenOver = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right }, deviceOf('E1013', 9));
    expect(takenOver.body.code).toBe('seat_taken_over');
    const first = await play(h, id, 'E1018', { kind: 'answer', ref: q.ref, response: wrong });
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(true);
    expect(JSON.stringify(first.body)).not.toMatch(/"correct":(true|false)/);
    const twice = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right });
    expect(twice.body.code).toBe('already_answered');
  });

  it('keys and explanations are absent from phone payloads until the reveal', async () => {
    const q = await current();
    const { key, explanation } = await answersFor(h, q.ref);
    const pub = (await state(h, id)).text;
    const mine = (await me(h, id, 'E1018')).text;
    expect(pub).not.toContain(explanation);
    expect(pub).not.toContain('"reveal":{');
    expect(mine).not.toContain(explanation);
    expect(mine).toContain('"correct":null');
    await host(h, id, 'lock');
    const late = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: 'A' });
    expect(late.body.code).toMatch(/closed|already_answered/);
    expect((await host(h, id, 'reveal')).status).toBe(200);
    const after = (await state(h, id)).body.question;
    expect(after.reveal.explanation).toBe(explanation);
    expect(after.reveal.answer).toEqual((key as { answer: unknown }).answer);
    expect((await me(h, id, 'E1018')).body.mine.correct).toBe(false);
    expect(await scoreOf(team['HQ-CP']!)).toBe(100); // wrong: no deduction in 必答
  });

  it('a right phone answer scores the question’s points at the reveal; a host verdict overrides', async () => {
    await host(h, id, 'next');
    let q = await current();
    await host(h, id, 'open');
    const { right } = await answersFor(h, q.ref);
    expect((await play(h, id, 'E1014', { kind: 'answer', ref: q.ref, response: right })).status).toBe(200);
    expect(await scoreOf(team['HQ-HR']!)).toBe(100); // nothing shows before the reveal
    await host(h, id, 'lock');
    await host(h, id, 'reveal');
    expect(await scoreOf(team['HQ-HR']!)).toBe(110);
    // Questions 3 and 4 answered on stage and judged by the host.
    for (const dept of ['QD-OPS', 'JN-OPS']) {
      await host(h, id, 'next');
      q = await current();
      expect(q.turnTeamId).toBe(team[dept]);
      await host(h, id, 'open');
      expect((await host(h, id, 'judge', { correct: true })).status).toBe(200);
      await host(h, id, 'reveal');
    }
    expect(await scoreOf(team['QD-OPS']!)).toBe(110);
    expect(await scoreOf(team['JN-OPS']!)).toBe(110);
  });
});

describe('抢答', () => {
  it('buzzing before the question opens is a foul', async () => {
    await host(h, id, 'next');
    const q = await current();
    const foul = await play(h, id, 'E1016', { kind: 'buzz', ref: q.ref });
    expect(foul.status).toBe(200);
    expect(foul.body.foul).toBe(true);
    expect(await scoreOf(team['JN-OPS']!)).toBe(100);
    expect((await state(h, id)).body.question.fouls).toEqual([{ teamId: team['JN-OPS'], name: '宋佳' }]);
  });

  it('the earliest buzz by server time wins; a replayed request changes nothing', async () => {
    const q = await current();
    await host(h, id, 'open');
    const requestId = randomUUID();
    const first = await play(h, id, 'E1006', { kind: 'buzz', ref: q.ref, requestId });
    expect(first.body).toMatchObject({ accepted: true, foul: false, replay: false });
    const v = await version();
    const again = await play(h, id, 'E1006', { kind: 'buzz', ref: q.ref, requestId });
    expect(again.body).toMatchObject({ accepted: true, replay: true });
    expect(await version()).toBe(v);
    const second = await play(h, id, 'E1013', { kind: 'buzz', ref: q.ref });
    expect(second.status).toBe(200);
    const fouled = await play(h, id, 'E1017', { kind: 'buzz', ref: q.ref });
    expect(fouled.body.code).toBe('fouled');
    const s = (await state(h, id)).body.question;
    expect(s.winner).toMatchObject({ teamId: team['QD-OPS'], name: '吴昊' });
    expect(s.buzzes.map((b: { teamId: string }) => b.teamId)).toEqual([team['QD-OPS'], team['HQ-CP']]);
    expect((await me(h, id, 'E1006')).body.mine.buzz).toBe('won');
    expect((await me(h, id, 'E1013')).body.mine.buzz).toBe('later');
    // Only the winner's team answers.
    const { right } = await answersFor(h, q.ref);
    expect((await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right })).body.code).toBe('not_your_turn');
    expect((await play(h, id, 'E1007', { kind: 'answer', ref: q.ref, response: right })).status).toBe(200);
    await host(h, id, 'lock');
    await host(h, id, 'reveal');
    expect(await scoreOf(team['QD-OPS']!)).toBe(120);
  });

  it('a replayed request for an old question is refused, not counted', async () => {
    const old = await current();
    await host(h, id, 'next');
    await host(h, id, 'open');
    const r = await play(h, id, 'E1006', { kind: 'buzz', ref: old.ref });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('not_current');
    const q = await current();
    await play(h, id, 'E1014', { kind: 'buzz', ref: q.ref });
    await host(h, id, 'judge', { correct: false });
    await host(h, id, 'reveal');
    expect(await scoreOf(team['HQ-HR']!)).toBe(100);
  });
});

describe('风险, adjust, undo, pause', () => {
  it('the turn team picks a stake; right +stake, wrong −stake', async () => {
    await host(h, id, 'next');
    const q = await current();
    expect(q.turnTeamId).toBe(team['HQ-CP']);
    expect((await host(h, id, 'open')).body.code).toBe('no_stake');
    expect((await play(h, id, 'E1014', { kind: 'stake', ref: q.ref, stake: 30 })).body.code).toBe('not_your_turn');
    expect((await play(h, id, 'E1013', { kind: 'stake', ref: q.ref, stake: 25 })).body.code).toBe('bad_stake');
    expect((await play(h, id, 'E1013', { kind: 'stake', ref: q.ref, stake: 30 })).status).toBe(200);
    await host(h, id, 'open');
    await host(h, id, 'judge', { correct: true });
    await host(h, id, 'reveal');
    expect(await scoreOf(team['HQ-CP']!)).toBe(130);
  });

  it('undo takes back the last host action', async () => {
    await host(h, id, 'next');
    await host(h, id, 'stake', { stake: 20 });
    await host(h, id, 'open');
    await host(h, id, 'judge', { correct: false });
    expect(await scoreOf(team['HQ-HR']!)).toBe(80);
    expect((await host(h, id, 'undo')).status).toBe(200);
    expect(await scoreOf(team['HQ-HR']!)).toBe(100);
    await host(h, id, 'judge', { correct: true });
    await host(h, id, 'reveal');
    expect(await scoreOf(team['HQ-HR']!)).toBe(120);
  });

  it('pausing refuses answers; adjusting needs a reason and is audited', async () => {
    await host(h, id, 'next');
    await host(h, id, 'stake', { stake: 10 });
    await host(h, id, 'open');
    await host(h, id, 'pause');
    const q = await current();
    expect((await play(h, id, 'E1006', { kind: 'answer', ref: q.ref, response: 'A' })).body.code).toBe('paused');
    expect((await host(h, id, 'adjust', { teamId: team['JN-OPS'], delta: 5 })).body.code).toBe('no_reason');
    const adj = await host(h, id, 'adjust', { teamId: team['JN-OPS'], delta: 5, reason: '抢答犯规判罚有误，予以更正' });
    expect(adj.status).toBe(200);
    expect(await scoreOf(team['JN-OPS']!)).toBe(105);
    const [a] = await h.sql`select a.action, a.reason, a.before, a.after, m.employee_no from app.audit_log a join app.members m on m.id = a.actor_member_id
      where a.entity = 'live_contest' and a.entity_id = ${id}`;
    expect(a).toMatchObject({ action: 'live.adjust', reason: '抢答犯规判罚有误，予以更正', employee_no: 'T2001' });
    expect(a!.before).toEqual({ teamId: team['JN-OPS'], score: 100 });
    expect(a!.after).toMatchObject({ score: 105, delta: 5 });
    // Filed under the contest's unit, so HR of that subtree reads it in the audit log; employees do not.
    const hrLog = await h.call(audit, { path: '/api/audit?action=live.adjust', token: await h.tokenFor('H3001') });
    expect(hrLog.status).toBe(200);
    expect(JSON.stringify(hrLog.body)).toContain('抢答犯规判罚有误，予以更正');
    const staffLog = await h.call(audit, { path: '/api/audit?action=live.adjust', token: await h.tokenFor('E1006') });
    expect(JSON.stringify(staffLog.body)).not.toContain('抢答犯规判罚有误，予以更正');
    await host(h, id, 'resume');
    await host(h, id, 'judge', { correct: false });
    await host(h, id, 'reveal');
    expect(await scoreOf(team['QD-OPS']!)).toBe(110);
    await host(h, id, 'next');
    await host(h, id, 'stake', { stake: 10 });
    await host(h, id, 'open');
    await host(h, id, 'judge', { correct: false });
    await host(h, id, 'reveal');
    expect(await scoreOf(team['JN-OPS']!)).toBe(95);
  });
});

describe('个人全员答, ties, sudden death, export', () => {
  it('everyone answers once on the phone; the team gets its players’ average', async () => {
    await host(h, id, 'next');
    const q = await current();
    await host(h, id, 'open');
    const { right, wrong } = await answersFor(h, q.ref);
    // The database decides, not the warm copy: a lock appended behind this instance's back (as by
    // another function instance) refuses the next answer although the copy still shows the question open.
    const [trainer] = await h.sql`select id from app.members where employee_no = 'T2001'`;
    await h.sql`insert into app.live_events (contest_id, kind, host, actor_member_id, data) values (${id}, 'lock', true, ${trainer!.id as string}, '{}'::jsonb)`;
    const behind = await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right });
    expect(behind.status).toBe(409);
    expect(behind.body.code).toBe('closed');
    expect((await host(h, id, 'undo')).status).toBe(200);
    for (const who of ['E1013', 'E1018', 'H3001', 'E1014', 'T2002', 'E1006', 'E1007', 'E1016', 'E1017']) {
      const r = await play(h, id, who, { kind: 'answer', ref: q.ref, response: who === 'E1018' ? wrong : right });
      expect(r.status).toBe(200);
    }
    expect((await play(h, id, 'E1013', { kind: 'answer', ref: q.ref, response: right })).body.code).toBe('already_answered');
    const s = (await state(h, id)).body.question;
    expect(s.answered).toBe(9);
    expect(s.reveal).toBeNull();
    await host(h, id, 'lock');
    await host(h, id, 'reveal');
    const after = (await state(h, id)).body;
    expect(after.question.correctCount).toBe(8);
    const mine = (await me(h, id, 'E1013')).body;
    expect(mine.mine.correct).toBe(true);
    expect(mine.myPoints).toBeGreaterThan(10);
    expect(mine.myPoints).toBeLessThanOrEqual(15);
    expect((await me(h, id, 'E1018')).body.myPoints).toBe(0);
  });

  it('a tie for first place is broken by sudden death between the tied teams only', async () => {
    const teams = (await state(h, id)).body.teams as { id: string; score: number; rank: number }[];
    // Make HQ-CP and QD-OPS level on top, as a slip of the host might, with a reason.
    const top = Math.max(...teams.map((t) => t.score)) + 10;
    for (const dept of ['HQ-CP', 'QD-OPS']) {
      const t = teams.find((x) => x.id === team[dept])!;
      await host(h, id, 'adjust', { teamId: t.id, delta: Math.round((top - t.score) * 100) / 100, reason: '测试：制造并列' });
    }
    const ranked = (await state(h, id)).body.teams as { id: string; rank: number }[];
    expect(ranked.filter((t) => t.rank === 1).map((t) => t.id).sort()).toEqual([team['HQ-CP'], team['QD-OPS']].sort());
    await host(h, id, 'next');
    const q = (await state(h, id)).body.question;
    expect(q.eligibleTeamIds.sort()).toEqual([team['HQ-CP'], team['QD-OPS']].sort());
    await host(h, id, 'open');
    expect((await play(h, id, 'E1016', { kind: 'buzz', ref: q.ref })).body.code).toBe('not_eligible');
    expect((await play(h, id, 'E1007', { kind: 'buzz', ref: q.ref })).status).toBe(200);
    await host(h, id, 'judge', { correct: true });
    await host(h, id, 'reveal');
    const final = (await state(h, id)).body.teams as { id: string; rank: number }[];
    expect(final[0]).toMatchObject({ id: team['QD-OPS'], rank: 1 });
    expect((await host(h, id, 'next')).body.code).toMatch(/no_more_questions|no_tie/);
    expect((await host(h, id, 'finish')).status).toBe(200);
    expect((await state(h, id)).body.status).toBe('finished');
    expect((await host(h, id, 'next')).body.code).toBe('finished');
  });

  it('each player finds the contest in their own record: team, place, their points', async () => {
    const r = await h.call(live, { path: '/api/live', token: await h.tokenFor('E1006') });
    const mine = r.body.contests.find((c: { id: string }) => c.id === id);
    expect(mine).toMatchObject({ plays: true, hosts: false, mine: { teamRank: 1, finished: true } });
    expect(mine.pin).toBeUndefined();
    expect(mine.mine.myPoints).toBeGreaterThan(10);
    const outsider = await h.call(live, { path: '/api/live', token: await h.tokenFor('E1001') });
    expect(outsider.body.contests.some((c: { id: string }) => c.id === id)).toBe(false);
  });

  it('the host’s list marks it finished (not merely started); the phone knows it had a 全员答 round', async () => {
    const list = await h.call(live, { path: '/api/live', token: await h.tokenFor('T2001') });
    expect(list.body.contests.find((c: { id: string }) => c.id === id)).toMatchObject({ hosts: true, started: true, finished: true });
    expect((await me(h, id, 'E1006')).body.hasAllRound).toBe(true);
  });

  it('the state is versioned: ETag, 304, one-second caching', async () => {
    const a = await state(h, id);
    expect(a.headers.get('cache-control')).toBe('public, max-age=1');
    const etag = a.headers.get('etag')!;
    expect(etag).toMatch(/^"\d+\.\d+"$/);
    const b = await state(h, id, { 'if-none-match': etag });
    expect(b.status).toBe(304);
    expect(Number(b.headers.get('x-server-now'))).toBeGreaterThan(0);
    await host(h, id, 'adjust', { teamId: team['JN-OPS'], delta: 1, reason: '赛后复核' });
    expect((await state(h, id, { 'if-none-match': etag })).status).toBe(200);
  });

  it('scores re-derive from the log alone: a cold server computes the same board', async () => {
    const warm = (await state(h, id)).body.teams;
    const { forget } = await import('../../functions/_lib/live.ts');
    forget(id);
    expect((await state(h, id)).body.teams).toEqual(warm);
  });

  it('the final scoreboard exports to xlsx for the host only', async () => {
    expect((await h.call(liveExport, { path: `/api/live/${id}/export`, token: await h.tokenFor('E1013'), params: { id } })).status).toBe(403);
    const res = await h.call(liveExport, { path: `/api/live/${id}/export`, token: await h.tokenFor('T2001'), params: { id } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const req = new Request(`http://127.0.0.1/api/live/${id}/export`, { headers: { authorization: `Bearer ${await h.tokenFor('T2001')}` } });
    const bytes = new Uint8Array(await (await liveExport(req, { params: { id } })).arrayBuffer());
    const sheet = await readSheetRows(bytes, { sheet: '队伍排名' });
    const firstRow = sheet.rows[0]!.values;
    expect(firstRow.slice(0, 2)).toEqual(['1', '第3队']);
    // The cover's time is China Standard Time wall-clock text, as the HR export's.
    const cover = await readSheetRows(bytes, { sheet: '封面' });
    const at = cover.rows.map((r) => r.values).find((v) => v[0] === '生成时间')![1]!;
    const cst = new Date(Date.now() + 8 * 3600_000).toISOString();
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(at.slice(0, 13)).toBe(`${cst.slice(0, 10)} ${cst.slice(11, 13)}`);
    // A 个人全员答 round was played: its sheet is there.
    expect((await readSheetRows(bytes, { sheet: '个人全员答得分' })).rows.length).toBeGreaterThan(0);
  });

  it('a contest without a 个人全员答 round exports no all-zero personal sheet, and the phone hides those points', async () => {
    const c = await createContest(h, 'T2001', '只有必答题');
    const singles = (await standardSetup(h)).rounds[0]!.questions;
    expect((await putSetup(h, c.id, {
      teams: [{ name: '甲队', orgUnit: 'HQ-CP' }, { name: '乙队', orgUnit: 'QD-OPS' }],
      rounds: [{ kind: 'required', title: '必答题', questions: singles.slice(0, 2) }],
    })).status).toBe(200);
    expect((await join(h, c.id, 'E1006')).status).toBe(200);
    expect((await host(h, c.id, 'next')).status).toBe(200);
    expect((await host(h, c.id, 'finish')).status).toBe(200);
    expect((await me(h, c.id, 'E1006')).body.hasAllRound).toBe(false);
    const req = new Request(`http://127.0.0.1/api/live/${c.id}/export`, { headers: { authorization: `Bearer ${await h.tokenFor('T2001')}` } });
    const bytes = new Uint8Array(await (await liveExport(req, { params: { id: c.id } })).arrayBuffer());
    await expect(readSheetRows(bytes, { sheet: '个人全员答得分' })).rejects.toThrow();
    const people = await readSheetRows(bytes, { sheet: '个人成绩' });
    expect(people.header).not.toContain('全员答得分');
    expect(people.header).toContain('满分（全部答对时）');
  });

  it('the event log is append-only for every role, the superuser included', async () => {
    await expect(h.sql`update app.live_events set data = '{}'::jsonb where contest_id = ${id}`).rejects.toThrow(/append-only/);
    await expect(h.sql`delete from app.live_events where contest_id = ${id}`).rejects.toThrow(/append-only/);
  });
});
