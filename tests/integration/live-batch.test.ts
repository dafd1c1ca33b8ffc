// Group commit of players' actions (functions/_lib/live-batch.ts) on a real database: a room
// answering at once is recorded exactly once per seat; inside one batch a duplicate, a second
// request of the same id and an answer after the countdown are decided as they would be one at a
// time; a lock appended behind the instance's back refuses the whole batch; the receive time taken
// on arrival is the event's time; a failing batch acknowledges nobody, and a caller whose own row
// fails does not take the others down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';
import { startHarness, type Harness } from './harness.ts';
import { createContest, host, liveJoin, liveMe, livePlay, putSetup, questionIds, state } from './live-helpers.ts';
import { DEMO_PASSWORD } from '../../src/server/seed.ts';
import { hashPassword } from '../../src/server/local-auth.ts';
import { SESSION_CHECK_TTL_MS, verifyToken, type Claims } from '../../functions/_lib/auth.ts';
import { submitPlay, batchIdle, type PlayRequest } from '../../functions/_lib/live-batch.ts';
import { pollState } from '../../functions/_lib/live.ts';

const UNITS = ['HQ-CP', 'HQ-HR', 'QD-OPS', 'JN-OPS'];
const SEATS = 30;

let h: Harness;
let id = '';
interface Player { no: string; token: string; claims: Claims; memberId: string; device: string }
const players: Player[] = [];

beforeAll(async () => {
  h = await startHarness();
  // Thirty more people in the four departments, signed in through local auth like anyone else.
  const hash = await hashPassword(DEMO_PASSWORD);
  const rows = await h.sql`
    with units as (select array_agg(id order by code) as ids from app.org_units where code in ${h.sql(UNITS)}),
    g as (select i, gen_random_uuid() as uid, 'B' || lpad(i::text, 4, '0') as no from generate_series(1, ${SEATS}::int) i),
    u as (insert into auth.users (id, email, encrypted_password, email_confirmed_at)
          select uid, lower(no) || '@batch.xiaobao.local', ${hash}, now() from g returning id)
    insert into app.members (user_id, employee_no, name, org_unit_id, roles)
    select g.uid, g.no, '批量' || g.i, units.ids[1 + g.i % cardinality(units.ids)], '{employee}'::text[] from g, units
    where exists (select 1 from u where u.id = g.uid)
    returning id, employee_no`;
  const auth = createClient(h.authUrl, 'local-anon-key', { auth: { persistSession: false, autoRefreshToken: false } });
  for (const r of rows) {
    const no = r.employee_no as string;
    const { data, error } = await auth.auth.signInWithPassword({ email: `${no.toLowerCase()}@batch.xiaobao.local`, password: DEMO_PASSWORD });
    if (error || !data.session) throw new Error(`sign-in failed for ${no}: ${error?.message}`);
    const token = data.session.access_token;
    players.push({ no, token, claims: await verifyToken(token), memberId: r.id as string, device: `device-${no.toLowerCase()}-batch-0001` });
  }
  id = (await createContest(h)).id;
  const singles = await questionIds(h, 'single', 6);
  const tf = await questionIds(h, 'truefalse', 1);
  const put = await putSetup(h, id, {
    teams: UNITS.map((orgUnit, i) => ({ name: `第${i + 1}队`, orgUnit })),
    rounds: [
      { kind: 'all', title: '全员答', countdownSec: 60, questions: singles.slice(0, 2).map((questionId) => ({ questionId })) },
      { kind: 'all', title: '快答', countdownSec: 3, questions: [{ questionId: singles[5]! }] },
      { kind: 'buzz', title: '抢答', questions: [{ questionId: tf[0]! }] },
    ],
  });
  expect(put.status).toBe(200);
  for (const p of players) {
    const r = await h.call(liveJoin, { method: 'POST', path: `/api/live/${id}/join`, token: p.token, params: { id }, body: { device: p.device } });
    expect(r.status).toBe(200);
  }
}, 120_000);
afterAll(async () => { await h?.stop(); });

async function nextOpen(): Promise<string> {
  expect((await host(h, id, 'next')).status).toBe(200);
  expect((await host(h, id, 'open')).status).toBe(200);
  return (await state(h, id)).body.question.ref as string;
}
async function closeQuestion() {
  await host(h, id, 'lock');
  expect((await host(h, id, 'reveal')).status).toBe(200);
}

const answer = (p: Player, ref: string, extra: Partial<PlayRequest> = {}): PlayRequest => ({
  claims: p.claims, memberId: p.memberId, requestId: randomUUID(), device: p.device, ref, kind: 'answer', response: 'A', receivedAt: Date.now(), ...extra,
});
/** Settles every promise; what each caller was told. */
const outcomes = (ps: Promise<unknown>[]) => Promise.allSettled(ps);
const answersIn = (ref: string) => h.sql`select seq, actor_member_id, idem_key, data from app.live_events
  where contest_id = ${id} and kind = 'answer' and data ->> 'ref' = ${ref} order by seq`;

describe('a room answering at once', () => {
  it('30 seats answering concurrently through the function are each recorded exactly once, in batches', async () => {
    const ref = await nextOpen();
    const before = Number((await h.sql`select version from app.live_contests where id = ${id}`)[0]!.version);
    const replies = await Promise.all(players.map((p) => h.call(livePlay, {
      method: 'POST', path: `/api/live/${id}/play`, token: p.token, params: { id },
      body: { requestId: randomUUID(), device: p.device, ref, kind: 'answer', response: 'A' },
    })));
    expect(replies.map((r) => r.status)).toEqual(players.map(() => 200));
    const batches = replies.map((r) => Number(/batch;desc="(\d+)"/.exec(r.headers.get('server-timing') ?? '')?.[1]));
    // Concurrent requests share transactions (at least one held more than one answer).
    expect(Math.max(...batches)).toBeGreaterThan(1);
    const rows = await answersIn(ref);
    expect(rows.map((r) => r.actor_member_id).sort()).toEqual(players.map((p) => p.memberId).sort());
    // Gap-free, one per answer: nothing else was appended.
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => before + 1 + i));
    expect((await state(h, id)).body.question.answered).toBe(SEATS);
    for (const r of replies) expect(r.body.personal.mine.answered).toBe(true);
    await closeQuestion();
  });
});

describe('inside one batch', () => {
  it('a second answer of the same seat is refused; the same request twice is one event and a replay', async () => {
    const ref = await nextOpen();
    const [a, b, c] = players;
    const same = answer(c!, ref);
    // Submitted in the same tick: the batch window collects them into one transaction.
    const all = outcomes([
      submitPlay(id, answer(a!, ref, { receivedAt: Date.now() - 5 })),
      submitPlay(id, answer(a!, ref, { response: 'B' })),
      submitPlay(id, answer(b!, ref)),
      submitPlay(id, same),
      submitPlay(id, { ...same }),
    ]);
    const [first, dup, other, once, again] = (await all) as PromiseSettledResult<Awaited<ReturnType<typeof submitPlay>>>[];
    expect(first!.status).toBe('fulfilled');
    expect(dup!.status).toBe('rejected');
    expect((dup as PromiseRejectedResult).reason.extra.code).toBe('already_answered');
    expect(other!.status).toBe('fulfilled');
    const o = (once as PromiseFulfilledResult<Awaited<ReturnType<typeof submitPlay>>>).value;
    const r = (again as PromiseFulfilledResult<Awaited<ReturnType<typeof submitPlay>>>).value;
    expect(o.timing.batch).toBe(3);
    expect([o.reply.replay, r.reply.replay].sort()).toEqual([false, true]);
    const rows = await answersIn(ref);
    expect(rows.map((x) => x.actor_member_id).sort()).toEqual([a!.memberId, b!.memberId, c!.memberId].sort());
    // The earlier arrival is the one that counts, whatever order the requests were queued in.
    expect(rows.find((x) => x.actor_member_id === a!.memberId)!.data.response).toBe('A');
    expect(batchIdle(id)).toBe(true);
  });

  it('a lock appended behind this instance’s back refuses every answer of the batch; nothing is appended', async () => {
    const ref = (await state(h, id)).body.question.ref as string;
    const [trainer] = await h.sql`select id from app.members where employee_no = 'T2001'`;
    await h.sql`insert into app.live_events (contest_id, kind, host, actor_member_id, data) values (${id}, 'lock', true, ${trainer!.id as string}, '{}'::jsonb)`;
    const results = await outcomes(players.slice(3, 8).map((p) => submitPlay(id, answer(p, ref))));
    for (const x of results) {
      expect(x.status).toBe('rejected');
      expect((x as PromiseRejectedResult).reason.extra.code).toBe('closed');
    }
    expect((await answersIn(ref)).length).toBe(3);
    expect((await host(h, id, 'reveal')).status).toBe(200);
  });

  it('the time the request arrived decides: in time before the countdown ends counts, after it is refused', async () => {
    // The 3-second round.
    expect((await host(h, id, 'next')).status).toBe(200);
    expect((await host(h, id, 'open')).status).toBe(200);
    const q = (await state(h, id)).body.question as { ref: string; closesAt: number; openedAt: number };
    const [a, b] = players;
    const inTime = q.closesAt - 1;
    const late = q.closesAt + 1;
    await new Promise((r) => setTimeout(r, Math.max(0, q.closesAt - Date.now()) + 50));
    // Both are decided after the countdown ran out, in one batch; only the arrival time differs.
    const [ok, refused] = await outcomes([submitPlay(id, answer(a!, q.ref, { receivedAt: inTime })), submitPlay(id, answer(b!, q.ref, { receivedAt: late }))]);
    expect(ok!.status).toBe('fulfilled');
    expect((refused as PromiseRejectedResult).reason.extra.code).toBe('closed');
    const rows = await answersIn(q.ref);
    expect(rows.length).toBe(1);
    expect(rows[0]!.data.receivedAt).toBe(inTime);
    // The warm copy and a cold re-derivation agree: the answer stands, with its arrival time.
    const entry = await pollState(id);
    expect(entry!.state.current!.answers[a!.memberId]!.at).toBe(inTime);
    const { forget } = await import('../../functions/_lib/live.ts');
    forget(id);
    const cold = await pollState(id);
    expect(cold!.state.current!.answers[a!.memberId]!.at).toBe(inTime);
    expect(Object.keys(cold!.state.current!.answers)).toEqual([a!.memberId]);
    await closeQuestion();
  }, 20_000);
});

describe('failures', () => {
  it('a failing batch fails every caller and acknowledges none; the same requests succeed afterwards', async () => {
    expect((await host(h, id, 'next')).status).toBe(200); // the 抢答 question
    expect((await host(h, id, 'open')).status).toBe(200);
    const ref = (await state(h, id)).body.question.ref as string;
    // A database that refuses every append (as a full disk would), for this test only.
    await h.sql.unsafe(`create function public.refuse_live_append() returns trigger language plpgsql as $$
      begin raise exception 'the disk is full (test)' using errcode = '53100'; end $$`);
    await h.sql.unsafe('create trigger refuse_live_append before insert on app.live_events for each row execute function public.refuse_live_append()');
    const reqs = players.slice(0, 6).map((p) => ({ claims: p.claims, memberId: p.memberId, requestId: randomUUID(), device: p.device, ref, kind: 'buzz' as const, receivedAt: Date.now() }));
    try {
      const results = await outcomes(reqs.map((r) => submitPlay(id, r)));
      for (const x of results) {
        expect(x.status).toBe('rejected');
        expect((x as PromiseRejectedResult).reason.code).toBe('53100');
      }
      expect((await h.sql`select count(*)::int as n from app.live_events where contest_id = ${id} and kind = 'buzz'`)[0]!.n).toBe(0);
    } finally {
      await h.sql.unsafe('drop trigger refuse_live_append on app.live_events');
      await h.sql.unsafe('drop function public.refuse_live_append()');
    }
    // Retried with the same request ids: recorded now (one buzz per team, the rest refused by the rules).
    const again = await outcomes(reqs.map((r) => submitPlay(id, { ...r })));
    const accepted = again.filter((x) => x.status === 'fulfilled').length;
    const buzzes = await h.sql`select actor_member_id from app.live_events where contest_id = ${id} and kind = 'buzz'`;
    expect(buzzes.length).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
    for (const x of again) if (x.status === 'rejected') expect(x.reason.extra.code).toBe('already_buzzed');
  });

  it('a caller whose own row the database refuses fails alone; the rest of the batch is recorded', async () => {
    // The question opened afresh (undoing the open voids the buzzes made while it was open).
    expect((await host(h, id, 'undo')).status).toBe(200);
    expect((await host(h, id, 'open')).status).toBe(200);
    const ref = (await state(h, id)).body.question.ref as string;
    // One player is taken off the roster behind the function's back: RLS refuses their insert.
    const gone = players[10]!;
    await h.sql`delete from app.live_team_members where contest_id = ${id} and member_id = ${gone.memberId}`;
    const teams = await h.sql`select tm.member_id, tm.team_id from app.live_team_members tm where tm.contest_id = ${id}`;
    const teamOf = new Map(teams.map((t) => [t.member_id as string, t.team_id as string]));
    // One buzzer per team (different teams), plus the removed player.
    const picked: Player[] = [];
    const seenTeams = new Set<string>();
    for (const p of players) {
      const t = teamOf.get(p.memberId);
      if (t && !seenTeams.has(t) && p !== gone) { seenTeams.add(t); picked.push(p); }
    }
    const reqs = [gone, ...picked].map((p) => ({ claims: p.claims, memberId: p.memberId, requestId: randomUUID(), device: p.device, ref, kind: 'buzz' as const, receivedAt: Date.now() }));
    const results = await outcomes(reqs.map((r) => submitPlay(id, r)));
    expect(results[0]!.status).toBe('rejected');
    expect((results[0] as PromiseRejectedResult).reason.status).toBe(403);
    expect(results.slice(1).every((x) => x.status === 'fulfilled')).toBe(true);
    const buzzes = await h.sql`select actor_member_id from app.live_events where contest_id = ${id} and kind = 'buzz' and (data ->> 'openSeq')::bigint = (select max(seq) from app.live_events where contest_id = ${id} and kind = 'open')`;
    expect(buzzes.map((b) => b.actor_member_id).sort()).toEqual(picked.map((p) => p.memberId).sort());
  });
});

describe('sessions', () => {
  it('a phone whose session has ended is refused, although its membership was looked up a moment ago', async () => {
    const p = players[12]!;
    const meOf = () => h.call(liveMe, { path: `/api/live/${id}/me?device=${p.device}`, token: p.token, params: { id } });
    expect((await meOf()).status).toBe(200);
    // Sign-out: the session row goes (as Supabase Auth does); this instance trusts its last answer
    // about the session for SESSION_CHECK_TTL_MS, then asks again together with the membership.
    await h.sql`delete from auth.sessions where id = ${String(p.claims.session_id)}::uuid`;
    await new Promise((r) => setTimeout(r, SESSION_CHECK_TTL_MS + 100));
    const [me, played] = await Promise.all([
      meOf(),
      h.call(livePlay, { method: 'POST', path: `/api/live/${id}/play`, token: p.token, params: { id }, body: { requestId: randomUUID(), device: p.device, ref: randomUUID(), kind: 'buzz' } }),
    ]);
    expect(me.status).toBe(401);
    expect(played.status).toBe(401);
    // Everyone else's lookups in the same moment are unaffected.
    const other = players[13]!;
    expect((await h.call(liveMe, { path: `/api/live/${id}/me?device=${other.device}`, token: other.token, params: { id } })).status).toBe(200);
  }, 20_000);
});
