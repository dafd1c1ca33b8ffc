// RLS matrix for the live-contest tables: table × role × operation, allowed and denied, as the API
// runs (one transaction, role `authenticated`, the caller's claims) — no function in between.
// Roles: the host (T2001, 总行), an admin, a trainer of another branch who plays in a team (T2002),
// players (E1006, E1013), a member in no team (E1001), HR of 济南 (H3002), an account with no member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createContest, host, join, play, putSetup, standardSetup, state } from './live-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
const ids: Record<string, string> = {};
let contest = '';

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'E1006', 'E1007', 'E1013', 'T2001', 'T2002', 'H3002', 'A4001']) {
    subs.set(no, await h.userIdFor(no));
    const [m] = await h.sql`select id from app.members where employee_no = ${no}`;
    ids[no] = m!.id as string;
  }
  const [u] = await h.sql`insert into auth.users (email) values ('outsider-live@demo.xiaobao.local') returning id`;
  subs.set('OUTSIDER', u!.id as string);
  for (const code of ['HQ', 'QD', 'JN']) ids[code] = (await h.sql`select id from app.org_units where code = ${code}`)[0]!.id as string;
  contest = (await createContest(h)).id;
  const setup = await standardSetup(h);
  // 个人全员答 first, so several players have answers in the log.
  setup.rounds.unshift({ kind: 'all', title: '全员答', questions: setup.rounds[3]!.questions });
  setup.rounds.splice(4, 1);
  expect((await putSetup(h, contest, setup)).status).toBe(200);
  for (const who of ['E1006', 'E1007', 'E1013', 'T2002']) expect((await join(h, contest, who)).status).toBe(200);
  await host(h, contest, 'next');
  await host(h, contest, 'open');
  const ref = (await state(h, contest)).body.question.ref as string;
  for (const who of ['E1006', 'E1013']) expect((await play(h, contest, who, { kind: 'answer', ref, response: 'A' })).status).toBe(200);
});
afterAll(async () => { await h?.stop(); });

const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) => asUser({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' }, fn);
async function attempt(who: string, fn: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    return await as(who, fn);
  } catch (err) {
    if ((err as { code?: string }).code === '42501') return 'denied';
    throw err;
  }
}
const count = async (who: string, fn: (tx: Tx) => Promise<readonly unknown[]>) => (await as(who, fn)).length;

const EVERYONE = ['T2001', 'A4001', 'T2002', 'E1006', 'E1013', 'E1001', 'H3002', 'OUTSIDER'];

describe('live_contests', () => {
  it.each([
    ['T2001', 1], ['A4001', 1], ['T2002', 1], ['E1006', 1], ['E1013', 1], ['E1001', 0], ['H3002', 0], ['OUTSIDER', 0],
  ])('select as %s sees %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select id from app.live_contests where id = ${contest}`)).toBe(n);
  });

  const insert = (owner: string, by: string) => (tx: Tx) => tx`insert into app.live_contests (title, owner_org_id, created_by, pin)
    values ('x', ${ids[owner]!}, ${ids[by]!}, lpad((floor(random() * 1000000))::int::text, 6, '0'))`;
  it.each([['E1001', 'HQ', 'E1001'], ['H3002', 'JN', 'H3002'], ['T2002', 'HQ', 'T2002'], ['T2001', 'HQ', 'T2002'], ['OUTSIDER', 'HQ', 'E1001']])(
    'insert as %s owned by %s in the name of %s is denied', async (who, owner, by) => {
      expect(await attempt(who, insert(owner, by))).toBe('denied');
    });
  it.each([['T2002', 'QD'], ['T2001', 'JN'], ['A4001', 'JN']])('insert as %s owned by %s is allowed', async (who, owner) => {
    expect(await attempt(who, insert(owner, who))).not.toBe('denied');
  });

  it('update: hosts only; the version is the database’s; nobody deletes', async () => {
    for (const who of ['T2002', 'E1006', 'E1001', 'H3002']) {
      expect((await as(who, (tx) => tx`update app.live_contests set title = 'hacked' where id = ${contest}`)).count).toBe(0);
    }
    expect((await as('T2001', (tx) => tx`update app.live_contests set title = '改名' where id = ${contest}`)).count).toBe(1);
    for (const who of ['T2001', 'A4001', 'E1006']) {
      expect(await attempt(who, (tx) => tx`update app.live_contests set version = 0 where id = ${contest}`)).toBe('denied');
      expect(await attempt(who, (tx) => tx`delete from app.live_contests where id = ${contest}`)).toBe('denied');
    }
  });
});

describe('teams, members, rounds, questions', () => {
  it.each([
    ['T2001', 4, 9, 5, 12], ['A4001', 4, 9, 5, 12], ['T2002', 4, 1, 0, 0], ['E1006', 4, 1, 0, 0],
    ['E1001', 0, 0, 0, 0], ['H3002', 0, 0, 0, 0], ['OUTSIDER', 0, 0, 0, 0],
  ])('select as %s: teams %i, members %i, rounds %i, questions %i', async (who, teams, members, rounds, questions) => {
    expect(await count(who, (tx) => tx`select id from app.live_teams where contest_id = ${contest}`)).toBe(teams);
    expect(await count(who, (tx) => tx`select member_id from app.live_team_members where contest_id = ${contest}`)).toBe(members);
    expect(await count(who, (tx) => tx`select id from app.live_rounds where contest_id = ${contest}`)).toBe(rounds);
    expect(await count(who, (tx) => tx`select id from app.live_round_questions where contest_id = ${contest}`)).toBe(questions);
  });

  it('a player sees only their own team membership, never the roster', async () => {
    const rows = await as('E1006', (tx) => tx`select member_id from app.live_team_members where contest_id = ${contest}`);
    expect(rows.map((r) => r.member_id)).toEqual([ids.E1006]);
  });

  it('only hosts write them', async () => {
    const [t] = await h.sql`select id from app.live_teams where contest_id = ${contest} order by position limit 1`;
    const teamId = t!.id as string;
    for (const who of ['T2002', 'E1006', 'E1001', 'OUTSIDER']) {
      expect(await attempt(who, (tx) => tx`insert into app.live_teams (contest_id, position, name) values (${contest}, 99, 'x')`)).toBe('denied');
      expect(await attempt(who, (tx) => tx`insert into app.live_team_members (contest_id, member_id, team_id) values (${contest}, ${ids.E1001!}, ${teamId})`)).toBe('denied');
      expect(await attempt(who, (tx) => tx`insert into app.live_rounds (contest_id, position, kind, title) values (${contest}, 99, 'buzz', 'x')`)).toBe('denied');
      expect((await as(who, (tx) => tx`update app.live_teams set name = 'hacked' where id = ${teamId}`)).count).toBe(0);
      expect((await as(who, (tx) => tx`delete from app.live_round_questions where contest_id = ${contest}`)).count).toBe(0);
      expect((await as(who, (tx) => tx`delete from app.live_team_members where contest_id = ${contest}`)).count).toBe(0);
    }
    expect((await as('T2001', (tx) => tx`update app.live_teams set name = '第一队' where id = ${teamId}`)).count).toBe(1);
    expect(await attempt('T2001', (tx) => tx`insert into app.live_rounds (contest_id, position, kind, title) values (${contest}, 99, 'buzz', 'x') returning id`)).not.toBe('denied');
  });
});

describe('live_events', () => {
  it.each([
    ['T2001', 'all'], ['A4001', 'all'], ['E1006', 'own'], ['E1013', 'own'], ['T2002', 'own'], ['E1001', 'none'], ['H3002', 'none'], ['OUTSIDER', 'none'],
  ])('select as %s: %s', async (who, what) => {
    const rows = await as(who, (tx) => tx`select actor_member_id from app.live_events where contest_id = ${contest}`);
    const [{ n }] = (await h.sql`select count(*)::int as n from app.live_events where contest_id = ${contest}`) as unknown as [{ n: number }];
    if (what === 'all') expect(rows.length).toBe(n);
    if (what === 'none') expect(rows.length).toBe(0);
    if (what === 'own') {
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.actor_member_id === ids[who])).toBe(true);
    }
  });

  it('employees never read other people’s answers', async () => {
    const rows = await as('E1006', (tx) => tx`select data from app.live_events where contest_id = ${contest} and kind = 'answer'`);
    expect(rows).toHaveLength(1);
    expect((rows[0]!.data as { memberId: string }).memberId).toBe(ids.E1006);
  });

  const ev = (kind: string, host: boolean, actor: string) => (tx: Tx) =>
    tx`insert into app.live_events (contest_id, kind, host, actor_member_id, data) values (${contest}, ${kind}, ${host}, ${ids[actor]!}, '{}'::jsonb)`;
  it.each([
    ['E1006', 'open', true, 'E1006'],   // a player cannot append host actions
    ['E1006', 'buzz', false, 'E1013'],  // nor act in someone else's name
    ['E1001', 'join', false, 'E1001'],  // nor can someone outside the teams
    ['T2002', 'next', true, 'T2002'],   // a trainer of another branch is not a host
    ['T2001', 'buzz', true, 'T2001'],   // host events are host kinds only
    ['T2001', 'next', true, 'E1006'],   // hosts act in their own name
    ['H3002', 'join', false, 'H3002'],
  ])('insert as %s of %s (host=%s) in the name of %s is denied', async (who, kind, isHost, actor) => {
    expect(await attempt(who, ev(kind, isHost, actor))).toBe('denied');
  });

  it('seq and receive time are the server’s, whatever the caller sends', async () => {
    const before = Number((await h.sql`select version from app.live_contests where id = ${contest}`)[0]!.version);
    expect(await attempt('E1006', (tx) => tx`insert into app.live_events (contest_id, seq, kind, host, actor_member_id) values (${contest}, 1, 'buzz', false, ${ids.E1006!})`)).toBe('denied');
    expect(await attempt('E1006', (tx) => tx`insert into app.live_events (contest_id, kind, host, actor_member_id, received_at) values (${contest}, 'buzz', false, ${ids.E1006!}, now() - interval '1 hour')`)).toBe('denied');
    await as('E1006', (tx) => tx`insert into app.live_events (contest_id, kind, host, actor_member_id, data) values (${contest}, 'buzz', false, ${ids.E1006!}, '{}'::jsonb)`);
    const [row] = await h.sql`select seq, received_at from app.live_events where contest_id = ${contest} order by seq desc limit 1`;
    expect(Number(row!.seq)).toBe(before + 1);
    expect(Math.abs((row!.received_at as Date).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it.each(EVERYONE)('nobody (%s) updates or deletes an event', async (who) => {
    expect(await attempt(who, (tx) => tx`update app.live_events set data = '{}'::jsonb where contest_id = ${contest}`)).toBe('denied');
    expect(await attempt(who, (tx) => tx`delete from app.live_events where contest_id = ${contest}`)).toBe('denied');
  });

  it('the lock that orders appends is for hosts and players only', async () => {
    expect(await attempt('E1001', (tx) => tx`select * from app.live_begin(${contest}::uuid)`)).toBe('denied');
    expect(await attempt('OUTSIDER', (tx) => tx`select * from app.live_begin(${contest}::uuid)`)).toBe('denied');
    expect(await count('E1006', (tx) => tx`select * from app.live_begin(${contest}::uuid)`)).toBe(1);
    expect(await count('T2001', (tx) => tx`select * from app.live_begin(${contest}::uuid)`)).toBe(1);
  });
});

describe('live_results (the records written when the host ends the contest)', () => {
  // Seated: E1006, E1007 and T2002 (青岛分行营业部), E1013 (总行消保部). Ending records them.
  beforeAll(async () => {
    for (const action of ['lock', 'reveal', 'finish']) expect((await host(h, contest, action)).status).toBe(200);
    const [{ n }] = (await h.sql`select count(*)::int as n from app.live_results where contest_id = ${contest}`) as unknown as [{ n: number }];
    expect(n).toBe(4);
  });

  it.each([
    // who, rows seen: hosts and admins all; the 青岛 trainer their own unit's three; players their own; others none.
    ['T2001', 4], ['A4001', 4], ['T2002', 3], ['E1006', 1], ['E1013', 1], ['E1001', 0], ['H3002', 0], ['OUTSIDER', 0],
  ])('select as %s sees %i', async (who, n) => {
    const rows = await as(who, (tx) => tx`select member_id from app.live_results where contest_id = ${contest}`);
    expect(rows.length).toBe(n);
    if (who === 'E1006' || who === 'E1013') expect(rows[0]!.member_id).toBe(ids[who]);
  });

  it.each(EVERYONE)('nobody (%s) inserts, updates or deletes records directly', async (who) => {
    expect(await attempt(who, (tx) => tx`insert into app.live_results (contest_id, member_id, team_id, contest_title, team_name, team_rank, teams_count, team_score,
        answered, correct, personal_points, all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq)
      select contest_id, ${ids.E1001!}, team_id, contest_title, team_name, team_rank, teams_count, team_score, answered, correct, personal_points,
        all_questions, team_points, round_score, round_max, time_used_sec, finished_at, event_seq
      from app.live_results where contest_id = ${contest} limit 1`)).toBe('denied');
    expect(await attempt(who, (tx) => tx`update app.live_results set round_score = 999 where contest_id = ${contest}`)).toBe('denied');
    expect(await attempt(who, (tx) => tx`delete from app.live_results where contest_id = ${contest}`)).toBe('denied');
  });

  it.each(['A4001', 'T2002', 'E1006', 'E1001', 'H3002', 'OUTSIDER'])('app.live_results_sync as %s: only the contest’s hosts (admins in scope are hosts)', async (who) => {
    const r = await attempt(who, (tx) => tx`select app.live_results_sync(${contest}::uuid, '[]'::jsonb, 'sync', null)`);
    // Admins in scope host every contest of their subtree; everyone else is refused.
    expect(r === 'denied').toBe(who !== 'A4001');
    if (who === 'A4001') {
      // It emptied the records (as an undone finish would): put them back by ending the contest again through the host.
      expect((await host(h, contest, 'undo')).status).toBe(200);
      expect((await host(h, contest, 'finish')).status).toBe(200);
    }
    const [{ n }] = (await h.sql`select count(*)::int as n from app.live_results where contest_id = ${contest}`) as unknown as [{ n: number }];
    expect(n).toBe(4);
  });
});
