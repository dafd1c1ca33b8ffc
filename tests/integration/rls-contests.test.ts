// RLS matrix for the contest and season tables: table × role × operation, allowed and denied, as
// the API runs (one transaction, role `authenticated`, the caller's claims) — no function between.
// Roles: the owning trainer (T2001, 总行), an admin (A4001), HR of 总行 (H3001), a trainer of 青岛
// (T2002, who takes part through 青岛分行), an employee of 青岛 (E1001, org-unit team), a hand-made
// team member (E1013), an individual entrant (E1014), HR of 济南 (H3002, not taking part), an account
// with no member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createContest, mockContestExam, setContestStatus } from './contest-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
const ids: Record<string, string> = {};
let published = '';
let draft = '';
let season = '';
let exam = '';

const PEOPLE = ['T2001', 'A4001', 'H3001', 'T2002', 'E1001', 'E1013', 'E1014', 'H3002'];

beforeAll(async () => {
  h = await startHarness();
  for (const no of PEOPLE) {
    subs.set(no, await h.userIdFor(no));
    ids[no] = (await h.sql`select id from app.members where employee_no = ${no}`)[0]!.id as string;
  }
  const [u] = await h.sql`insert into auth.users (email) values ('outsider-contest@demo.xiaobao.local') returning id`;
  subs.set('OUTSIDER', u!.id as string);
  for (const code of ['HQ', 'QD', 'JN', 'QD-SN']) ids[code] = (await h.sql`select id from app.org_units where code = ${code}`)[0]!.id as string;
  exam = (await mockContestExam(h)).id;
  const p = await createContest(h, {
    title: '矩阵赛', rounds: [{ examId: exam }],
    teams: [{ orgUnit: 'QD' }, { name: '总行手工队', members: ['E1013'] }], individuals: ['E1014'],
  });
  published = p.body.id;
  expect((await setContestStatus(h, published, 'published')).status).toBe(200);
  draft = (await createContest(h, { title: '草稿赛', teams: [{ orgUnit: 'QD' }], individuals: ['E1014'] })).body.id;
  season = (await h.sql`insert into app.seasons (title, owner_org_id, created_by) values ('年度赛季', ${ids.HQ!}, ${ids.T2001!}) returning id`)[0]!.id as string;
  await h.sql`insert into app.season_items (season_id, position, exam_id, weight) values (${season}, 1, ${exam}, 1)`;
});
afterAll(async () => { await h?.stop(); });

const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) => asUser({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' }, fn);
async function attempt(who: string, fn: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    return await as(who, fn);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42501') return 'denied';
    throw err;
  }
}
const count = async (who: string, fn: (tx: Tx) => Promise<readonly unknown[]>) => (await as(who, fn)).length;

describe('contests', () => {
  it.each([
    // who, sees published, sees draft
    ['T2001', 1, 1], ['A4001', 1, 1], ['H3001', 1, 1], ['T2002', 1, 0], ['E1001', 1, 0], ['E1013', 1, 0], ['E1014', 1, 0],
    ['H3002', 0, 0], ['OUTSIDER', 0, 0],
  ])('select as %s: published %i, draft %i', async (who, pub, dr) => {
    expect(await count(who, (tx) => tx`select id from app.contests where id = ${published}`)).toBe(pub);
    expect(await count(who, (tx) => tx`select id from app.contests where id = ${draft}`)).toBe(dr);
  });

  const insert = (owner: string, by: string) => (tx: Tx) => tx`insert into app.contests (title, owner_org_id, created_by, code)
    values ('x', ${ids[owner]!}, ${ids[by]!}, ${'Q' + Math.random().toString(36).slice(2, 7).toUpperCase().replace(/[^2-9A-HJKMNP-Z]/g, 'X')})`;
  it.each([
    ['T2001', 'HQ', 'T2001', 'allowed'], ['A4001', 'JN', 'A4001', 'allowed'], ['T2002', 'QD', 'T2002', 'allowed'],
    ['T2002', 'JN', 'T2002', 'denied'], ['T2001', 'HQ', 'T2002', 'denied'], ['H3001', 'HQ', 'H3001', 'denied'],
    ['E1001', 'QD-SN', 'E1001', 'denied'], ['OUTSIDER', 'HQ', 'T2001', 'denied'],
  ])('insert as %s owned by %s in the name of %s: %s', async (who, owner, by, outcome) => {
    const r = await attempt(who, insert(owner, by));
    expect(r === 'denied' ? 'denied' : 'allowed').toBe(outcome);
  });

  it.each([
    ['T2001', 1], ['A4001', 1], ['H3001', 0], ['T2002', 0], ['E1001', 0], ['E1014', 0], ['OUTSIDER', 0],
  ])('update as %s changes %i row', async (who, n) => {
    const r = await as(who, (tx) => tx`update app.contests set description = ${'by ' + who} where id = ${published} returning id`);
    expect(r.length).toBe(n);
  });

  it('an editor cannot move a contest out of their subtree', async () => {
    const id = (await h.sql`insert into app.contests (title, owner_org_id, created_by, code) values ('青岛赛', ${ids.QD!}, ${ids.T2002!}, 'QQQQQQ') returning id`)[0]!.id as string;
    expect(await attempt('T2002', (tx) => tx`update app.contests set owner_org_id = ${ids.JN!} where id = ${id}`)).toBe('denied');
    expect((await as('T2002', (tx) => tx`update app.contests set title = '青岛赛 2' where id = ${id} returning id`)).length).toBe(1);
  });

  it('scores and revision are not the caller\'s to write; only drafts are deleted', async () => {
    expect(await attempt('T2001', (tx) => tx`update app.contests set rev = 0 where id = ${published}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.contests set code = 'ZZZZZZ' where id = ${published}`)).toBe('denied');
    expect((await as('T2001', (tx) => tx`delete from app.contests where id = ${published} returning id`)).length).toBe(0);
    expect((await as('E1014', (tx) => tx`delete from app.contests where id = ${draft} returning id`)).length).toBe(0);
    expect((await as('H3001', (tx) => tx`delete from app.contests where id = ${draft} returning id`)).length).toBe(0);
  });
});

describe('contest_rounds and contest_teams', () => {
  it.each([
    ['T2001', 1], ['H3001', 1], ['T2002', 1], ['E1001', 1], ['E1013', 1], ['E1014', 1], ['H3002', 0], ['OUTSIDER', 0],
  ])('select rounds as %s: %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select id from app.contest_rounds where contest_id = ${published}`)).toBe(n);
    expect(await count(who, (tx) => tx`select id from app.contest_teams where contest_id = ${published}`)).toBe(n * 2);
  });

  it.each([['T2001', 'allowed'], ['A4001', 'allowed'], ['H3001', 'denied'], ['T2002', 'denied'], ['E1001', 'denied']])(
    'insert a round / team as %s: %s', async (who, outcome) => {
      const r = await attempt(who, (tx) => tx`insert into app.contest_teams (contest_id, position, name) values (${published}, ${10 + PEOPLE.indexOf(who)}, ${'队' + who})`);
      expect(r === 'denied' ? 'denied' : 'allowed').toBe(outcome);
      const r2 = await attempt(who, (tx) => tx`update app.contest_rounds set title = 'x' where contest_id = ${published} returning id`);
      expect(r2 === 'denied' || (r2 as unknown[]).length === 0 ? 'denied' : 'allowed').toBe(outcome);
    });

  it('an org-unit team must be in the editor\'s subtree and of a team kind; a round must be a mock contest', async () => {
    const qdContest = (await h.sql`insert into app.contests (title, owner_org_id, created_by, code) values ('青岛赛', ${ids.QD!}, ${ids.T2002!}, 'RRRRRR') returning id`)[0]!.id as string;
    expect(await attempt('T2002', (tx) => tx`insert into app.contest_teams (contest_id, position, name, org_unit_id) values (${qdContest}, 1, '济南', ${ids.JN!})`)).toBe('denied');
    await expect(as('T2001', (tx) => tx`insert into app.contest_teams (contest_id, position, name, org_unit_id) values (${published}, 30, '总行', ${ids.HQ!})`))
      .rejects.toMatchObject({ code: '23514' });
    const [other] = await h.sql`select id from app.exams where kind <> 'mock_contest' limit 1`;
    await expect(as('T2001', (tx) => tx`insert into app.contest_rounds (contest_id, position, title, exam_id) values (${published}, 9, 'x', ${other!.id as string})`))
      .rejects.toMatchObject({ code: '23514' });
  });
});

describe('contest_members', () => {
  it.each([
    // Managers see the whole list; a listed person only their own row; others nothing.
    ['T2001', 2], ['A4001', 2], ['H3001', 2], ['T2002', 0], ['E1001', 0], ['E1013', 1], ['E1014', 1], ['OUTSIDER', 0],
  ])('select as %s: %i rows', async (who, n) => {
    expect(await count(who, (tx) => tx`select member_id from app.contest_members where contest_id = ${published}`)).toBe(n);
  });

  it.each([
    ['T2001', 'E1006', 'allowed'], ['T2002', 'E1006', 'denied'], ['E1013', 'E1013', 'denied'], ['H3001', 'E1006', 'denied'],
  ])('insert as %s of %s: %s', async (who, member, outcome) => {
    const [m] = await h.sql`select id from app.members where employee_no = ${member}`;
    const r = await attempt(who, (tx) => tx`insert into app.contest_members (contest_id, member_id) values (${draft}, ${m!.id as string})`);
    expect(r === 'denied' ? 'denied' : 'allowed').toBe(outcome);
  });

  it('a person sits in a hand-made team of the same contest only', async () => {
    const [t] = await h.sql`select id from app.contest_teams where contest_id = ${published} and org_unit_id is not null limit 1`;
    await expect(as('T2001', (tx) => tx`insert into app.contest_members (contest_id, member_id, team_id) values (${published}, ${ids.E1001!}, ${t!.id as string})`))
      .rejects.toMatchObject({ code: '23514' });
  });
});

describe('contest functions', () => {
  it.each([
    ['T2001', 'allowed'], ['E1001', 'allowed'], ['E1014', 'allowed'], ['H3002', 'denied'], ['OUTSIDER', 'denied'],
  ])('contest_eligible / standing rows / live rows / version as %s: %s', async (who, outcome) => {
    for (const fn of ['contest_eligible', 'contest_standing_rows', 'contest_live_rows']) {
      const r = await attempt(who, (tx) => tx.unsafe(`select * from app.${fn}($1::uuid)`, [published]));
      expect(r === 'denied' ? 'denied' : 'allowed').toBe(outcome);
    }
    const v = await attempt(who, (tx) => tx`select app.contest_version(${published}::uuid)`);
    expect(v === 'denied' ? 'denied' : 'allowed').toBe(outcome);
  });

  it('eligible people: the org-unit subtree, the hand-made team and the individual, each once', async () => {
    const rows = await as('T2001', (tx) => tx`select e.employee_no, e.team_id is null as alone from app.contest_eligible(${published}::uuid) e order by e.employee_no`);
    const nos = rows.map((r) => r.employee_no);
    expect(nos).toEqual(expect.arrayContaining(['E1001', 'E1013', 'E1014', 'T2002']));
    expect(nos).not.toContain('E1008');
    expect(new Set(nos).size).toBe(nos.length);
    expect(rows.find((r) => r.employee_no === 'E1014')!.alone).toBe(true);
  });
});

describe('seasons and season_items', () => {
  it.each([['T2001', 1], ['A4001', 1], ['H3001', 1], ['T2002', 0], ['E1001', 0], ['OUTSIDER', 0]])('select as %s: %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select id from app.seasons where id = ${season}`)).toBe(n);
    expect(await count(who, (tx) => tx`select id from app.season_items where season_id = ${season}`)).toBe(n);
  });

  it.each([
    ['T2001', 'HQ', 'allowed'], ['T2002', 'QD', 'allowed'], ['T2002', 'HQ', 'denied'], ['H3001', 'HQ', 'denied'], ['E1001', 'QD-SN', 'denied'],
  ])('insert as %s owned by %s: %s', async (who, owner, outcome) => {
    const r = await attempt(who, (tx) => tx`insert into app.seasons (title, owner_org_id, created_by) values ('s', ${ids[owner]!}, ${ids[who]!})`);
    expect(r === 'denied' ? 'denied' : 'allowed').toBe(outcome);
  });

  it.each([['T2001', 1], ['A4001', 1], ['H3001', 0], ['T2002', 0], ['E1001', 0]])('update/delete items as %s: %i', async (who, n) => {
    expect((await as(who, (tx) => tx`update app.season_items set weight = 2 where season_id = ${season} returning id`)).length).toBe(n);
    expect((await as(who, (tx) => tx`update app.seasons set title = 'y' where id = ${season} returning id`)).length).toBe(n);
  });

  it('insert items only into a season one edits', async () => {
    expect(await attempt('T2002', (tx) => tx`insert into app.season_items (season_id, position, exam_id, weight) values (${season}, 5, ${exam}, 1)`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.season_items (season_id, position, contest_id, weight) values (${season}, 5, ${published}, 3)`)).not.toBe('denied');
    expect((await as('E1001', (tx) => tx`delete from app.seasons where id = ${season} returning id`)).length).toBe(0);
  });
});

describe('audit', () => {
  it('status changes are in app.audit_log, which nobody rewrites', async () => {
    const [row] = await h.sql`select id, action from app.audit_log where entity = 'contest' and entity_id = ${published} and action = 'contest.published'`;
    expect(row).toBeDefined();
    await expect(h.sql`update app.audit_log set action = 'x' where id = ${row!.id as string}`).rejects.toMatchObject({ code: '42501' });
  });
});

describe('review R1: scope of the security-definer readers and of what an editor may attach', () => {
  it('a participant reads the eligible list without other people\'s employee numbers; managers with them', async () => {
    for (const fn of ['contest_eligible', 'contest_standing_rows']) {
      const mine = await as('E1001', (tx) => tx.unsafe(`select member_id, employee_no from app.${fn}($1::uuid)`, [published]));
      expect(mine.length).toBeGreaterThan(3);
      expect(mine.filter((r) => r.employee_no !== null).map((r) => r.member_id)).toEqual([...new Set(mine.filter((r) => r.employee_no !== null).map((r) => r.member_id))].filter((m) => m === ids.E1001));
      expect(mine.find((r) => r.member_id === ids.E1001)?.employee_no).toBe('E1001');
      expect(mine.find((r) => r.member_id === ids.E1013)?.employee_no).toBeNull();
      const managed = await as('H3001', (tx) => tx.unsafe(`select employee_no from app.${fn}($1::uuid)`, [published]));
      expect(managed.every((r) => typeof r.employee_no === 'string')).toBe(true);
    }
  });

  it('a round is an exam the editor manages or a live contest they host', async () => {
    const qdContest = (await h.sql`insert into app.contests (title, owner_org_id, created_by, code) values ('青岛轮次赛', ${ids.QD!}, ${ids.T2002!}, 'SSSSSS') returning id`)[0]!.id as string;
    // `exam` belongs to 总行: T2002 (青岛) edits the contest but does not manage the exam.
    expect(await attempt('T2002', (tx) => tx`insert into app.contest_rounds (contest_id, position, title, exam_id) values (${qdContest}, 1, 'x', ${exam})`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.contest_rounds (contest_id, position, title, exam_id) values (${qdContest}, 1, 'x', ${exam})`)).not.toBe('denied');
  });

  it('a season item is a contest its editor manages', async () => {
    const qdSeason = (await h.sql`insert into app.seasons (title, owner_org_id, created_by) values ('青岛赛季', ${ids.QD!}, ${ids.T2002!}) returning id`)[0]!.id as string;
    // T2002 takes part in `published` (总行's) but does not manage it: its full ranking is not theirs to read.
    expect(await attempt('T2002', (tx) => tx`insert into app.season_items (season_id, position, contest_id, weight) values (${qdSeason}, 1, ${published}, 1)`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.season_items (season_id, position, contest_id, weight) values (${qdSeason}, 1, ${published}, 1)`)).not.toBe('denied');
  });
});

describe('review R1: participants lie inside the owning unit\'s subtree', () => {
  it('even an editor whose scope is wider cannot put a team or person from elsewhere into a branch contest', async () => {
    const qdContest = (await h.sql`insert into app.contests (title, owner_org_id, created_by, code) values ('青岛内部赛', ${ids.QD!}, ${ids.T2002!}, 'TTTTTT') returning id`)[0]!.id as string;
    // T2001 (总行) edits it and manages 济南, but 青岛's managers would read 济南 people's results.
    expect(await attempt('T2001', (tx) => tx`insert into app.contest_teams (contest_id, position, name, org_unit_id) values (${qdContest}, 1, '济南', ${ids.JN!})`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.contest_members (contest_id, member_id) values (${qdContest}, ${ids.H3002!})`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.contest_teams (contest_id, position, name, org_unit_id) values (${qdContest}, 1, '市南', ${ids['QD-SN']!})`)).not.toBe('denied');
    expect(await attempt('T2001', (tx) => tx`insert into app.contest_members (contest_id, member_id) values (${qdContest}, ${ids.T2002!})`)).not.toBe('denied');
  });
});
