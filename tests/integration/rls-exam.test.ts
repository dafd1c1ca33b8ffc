// RLS matrix for the exam-engine tables: table × role × operation, allowed and denied. Runs as the
// API does (one transaction, role `authenticated`, the caller's JWT claims) — no function in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createExam, start } from './exam-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
const ids: Record<string, string> = {};
let examHq = '';      // assigned to 总行, owned by HQ
let examJn = '';      // assigned to 济南分行 only, owned by JN
let attemptE1001 = '';

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'E1002', 'E1008', 'T2001', 'T2002', 'H3001', 'H3002', 'A4001']) {
    subs.set(no, await h.userIdFor(no));
    const [m] = await h.sql`select id from app.members where employee_no = ${no}`;
    ids[no] = m!.id as string;
  }
  const [u] = await h.sql`insert into auth.users (email) values ('outsider-exam@demo.xiaobao.local') returning id`;
  subs.set('OUTSIDER', u!.id as string);
  for (const code of ['HQ', 'QD', 'QD-SN', 'JN', 'JN-LX']) {
    const [o] = await h.sql`select id from app.org_units where code = ${code}`;
    ids[code] = o!.id as string;
  }
  examHq = (await createExam(h, { title: 'RLS 总行考试' })).id;
  examJn = (await createExam(h, { title: 'RLS 济南考试', ownerOrgUnit: 'JN', assignments: [{ orgUnit: 'JN' }] })).id;
  attemptE1001 = (await start(h, examHq)).body.attempt.id;
  await h.sql`insert into app.attempt_events (attempt_id, kind) values (${attemptE1001}, 'focus_loss')`;
  await h.sql`insert into app.response_events (attempt_id, slot, seq, response) values (${attemptE1001}, 1, 1, '"A"'::jsonb)`;
  const [qv] = await h.sql`select id, question_id from app.question_versions where question_id = 'personal-info-001'`;
  await h.sql`insert into app.practice_answers (member_id, question_id, question_version_id, response, correct)
    values (${ids.E1001!}, ${qv!.question_id as string}, ${qv!.id as string}, '"A"'::jsonb, false)`;
  await h.sql`insert into app.practice_cards (member_id, question_id, card, due_at, last_correct, in_wrong_book, wrong_count)
    values (${ids.E1001!}, 'personal-info-001', '{}'::jsonb, now(), false, true, 1)`;
  await h.sql`insert into app.exam_overrides (exam_id, member_id, extra_time_sec) values (${examHq}, ${ids.E1001!}, 60)`;
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

describe('exams', () => {
  it.each([
    ['E1001', true, false], ['E1008', true, true], ['T2002', true, false], ['H3002', true, true], ['A4001', true, true], ['OUTSIDER', false, false],
  ])('select as %s: HQ exam %s, JN-only exam %s', async (who, hq, jn) => {
    const rows = await as(who, (tx) => tx`select id from app.exams where id in (${examHq}, ${examJn})`);
    expect(rows.some((r) => r.id === examHq)).toBe(hq);
    expect(rows.some((r) => r.id === examJn)).toBe(jn);
  });

  const insertExam = (owner: string) => (tx: Tx) => tx`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint)
    values ('x', 'exam', ${ids[owner]!}, '{}'::jsonb, '{}'::jsonb) returning id`;
  it.each([['E1001', 'QD'], ['H3001', 'HQ'], ['T2002', 'JN'], ['T2002', 'HQ'], ['OUTSIDER', 'HQ']])('insert as %s owned by %s is denied', async (who, owner) => {
    expect(await attempt(who, insertExam(owner))).toBe('denied');
  });
  it.each([['T2002', 'QD'], ['T2001', 'JN'], ['A4001', 'JN']])('insert as %s owned by %s is allowed', async (who, owner) => {
    expect(((await as(who, insertExam(owner))) as unknown[]).length).toBe(1);
  });

  it('update: only trainers/admins in scope of the owner', async () => {
    expect((await as('E1001', (tx) => tx`update app.exams set title = 'hacked' where id = ${examHq}`)).count).toBe(0);
    expect((await as('T2002', (tx) => tx`update app.exams set title = 'hacked' where id = ${examHq}`)).count).toBe(0);
    expect((await as('H3001', (tx) => tx`update app.exams set title = 'hacked' where id = ${examHq}`)).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.exams set description = 'ok' where id = ${examHq}`)).count).toBe(1);
    expect(await attempt('T2001', (tx) => tx`delete from app.exams where id = ${examHq}`)).toBe('denied');
  });
});

describe('exam_assignments', () => {
  it('insert: employees denied; trainers/HR only for exams they manage and units inside their scope', async () => {
    const add = (unit: string, exam = examHq) => (tx: Tx) => tx`insert into app.exam_assignments (exam_id, org_unit_id) values (${exam}, ${ids[unit]!})`;
    expect(await attempt('E1001', add('QD-SN'))).toBe('denied');
    expect(await attempt('T2002', add('JN'))).toBe('denied');
    expect(await attempt('H3002', add('QD'))).toBe('denied');
    // 青岛's trainer may not assign an exam owned by 总行, even to a unit of 青岛.
    expect(await attempt('T2002', add('QD-SN'))).toBe('denied');
    expect(await attempt('T2001', add('QD-SN'))).not.toBe('denied');
    expect(await attempt('H3002', add('JN-LX', examJn))).not.toBe('denied');
  });
});

describe('exam_overrides', () => {
  it('select: own and managers in scope', async () => {
    expect(await count('E1001', (tx) => tx`select 1 from app.exam_overrides where exam_id = ${examHq}`)).toBe(1);
    expect(await count('E1002', (tx) => tx`select 1 from app.exam_overrides where exam_id = ${examHq}`)).toBe(0);
    expect(await count('T2002', (tx) => tx`select 1 from app.exam_overrides where exam_id = ${examHq}`)).toBe(1);
    expect(await count('H3002', (tx) => tx`select 1 from app.exam_overrides where exam_id = ${examHq}`)).toBe(0);
  });
  it('insert/update: trainers/admins for members in scope, never for themselves', async () => {
    const add = (member: string) => (tx: Tx) => tx`insert into app.exam_overrides (exam_id, member_id, extra_attempts) values (${examHq}, ${ids[member]!}, 1)`;
    expect(await attempt('E1001', add('E1002'))).toBe('denied');
    expect(await attempt('T2002', add('T2002'))).toBe('denied');
    expect(await attempt('T2002', add('E1008'))).toBe('denied');
    expect(await attempt('H3001', add('E1002'))).toBe('denied');
    // Only trainers who manage the exam (owned by 总行 here) may set overrides on it.
    expect(await attempt('T2002', add('E1002'))).toBe('denied');
    expect(await attempt('T2001', add('E1002'))).not.toBe('denied');
    expect((await as('E1001', (tx) => tx`update app.exam_overrides set extra_time_sec = 9999 where member_id = ${ids.E1001!}`)).count).toBe(0);
  });
});

describe('attempts', () => {
  it.each([['E1001', 1], ['E1002', 0], ['T2002', 1], ['H3001', 1], ['H3002', 0], ['A4001', 1], ['OUTSIDER', 0]])('select as %s sees %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select 1 from app.attempts where id = ${attemptE1001}`)).toBe(n);
  });
  // A well-formed paper (the one E1001 got), so that a denial below is RLS's and not the paper check's.
  const paper = async () => ((await h.sql`select paper from app.attempts where id = ${attemptE1001}`)[0]!.paper) as unknown[];
  it('insert: only my own, only for exams offered to me, never with a score or a slot count', async () => {
    const p = h.sql.json((await paper()) as never);
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper)
      values (${examJn}, ${ids.E1001!}, 1, 1, 60, ${p})`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper)
      values (${examHq}, ${ids.E1002!}, 9, 1, 60, ${p})`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, score)
      values (${examHq}, ${ids.E1001!}, 9, 1, 60, ${p}, 100)`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper, slot_count)
      values (${examHq}, ${ids.E1001!}, 9, 1, 60, ${p}, 1)`)).toBe('denied');
  });
  it('insert: the paper must be well formed (slots 1..n, existing versions, points with 2 decimals)', async () => {
    const good = (await paper()) as { slot: number; vid: string; points: number; oo: unknown }[];
    const bad = [
      good.map((s, i) => (i === 1 ? { ...s, slot: 5 } : s)),
      good.map((s, i) => (i === 0 ? { ...s, vid: '00000000-0000-4000-8000-000000000000' } : s)),
      good.map((s, i) => (i === 0 ? { ...s, points: 0 } : s)),
      good.map((s, i) => (i === 0 ? { ...s, points: 1.005 } : s)),
      [],
    ];
    for (const p of bad) {
      await expect(as('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, paper)
        values (${examHq}, app_private.current_member_id(), 9, 1, 60, ${tx.json(p as never)})`)).rejects.toMatchObject({ code: '23514' });
    }
  });
  it('update: scores and state never; focus_losses only on my live attempt; no delete', async () => {
    expect(await attempt('E1001', (tx) => tx`update app.attempts set score = 100 where id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.attempts set passed = true where id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.attempts set deadline = now() + interval '1 year' where id = ${attemptE1001}`)).toBe('denied');
    expect((await as('E1002', (tx) => tx`update app.attempts set focus_losses = 0 where id = ${attemptE1001}`)).count).toBe(0);
    expect((await as('E1001', (tx) => tx`update app.attempts set focus_losses = focus_losses where id = ${attemptE1001}`)).count).toBe(1);
    expect(await attempt('E1001', (tx) => tx`delete from app.attempts where id = ${attemptE1001}`)).toBe('denied');
  });
  it('the paper: readable like the attempt, never writable by the taker, immutable even for the service role', async () => {
    for (const [who, n] of [['E1001', 1], ['E1002', 0], ['T2002', 1], ['H3002', 0], ['OUTSIDER', 0]] as const) {
      expect(await count(who, (tx) => tx`select paper from app.attempts where id = ${attemptE1001}`)).toBe(n);
    }
    expect(await attempt('E1001', (tx) => tx`update app.attempts set paper = '[]' where id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.attempts set slot_count = 1 where id = ${attemptE1001}`)).toBe('denied');
    await expect(h.sql`update app.attempts set paper = paper - 0 where id = ${attemptE1001}`).rejects.toMatchObject({ code: '23514' });
  });
});

// app.attempt_slots is a read-only view (paper on the attempt ⟕ attempt_responses) with the
// caller's RLS; the writable per-slot rows are app.attempt_responses.
describe('attempt_slots (view) and attempt_responses', () => {
  it.each([['E1001', 6], ['E1002', 0], ['T2002', 6], ['H3001', 6], ['H3002', 0], ['A4001', 6], ['OUTSIDER', 0]])('select slots as %s sees %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select 1 from app.attempt_slots where attempt_id = ${attemptE1001}`)).toBe(n);
  });
  it('the view cannot be written by anyone but is not a way around RLS', async () => {
    for (const who of ['E1001', 'T2001', 'A4001']) {
      await expect(as(who, (tx) => tx`update app.attempt_slots set flagged = true where attempt_id = ${attemptE1001}`)).rejects.toThrow();
      await expect(as(who, (tx) => tx`insert into app.attempt_slots (attempt_id, slot) values (${attemptE1001}, 1)`)).rejects.toThrow();
    }
  });
  it('insert/update: my responses while the attempt accepts them; never marks; nobody else', async () => {
    // The first write to a slot creates its row, later writes update it.
    expect((await as('E1001', (tx) => tx`insert into app.attempt_responses (attempt_id, slot, flagged) values (${attemptE1001}, 1, true)`)).count).toBe(1);
    expect((await as('E1001', (tx) => tx`update app.attempt_responses set flagged = false where attempt_id = ${attemptE1001} and slot = 1`)).count).toBe(1);
    for (const who of ['E1002', 'T2002', 'A4001']) {
      expect(await attempt(who, (tx) => tx`insert into app.attempt_responses (attempt_id, slot, response) values (${attemptE1001}, 2, '"B"')`)).toBe('denied');
      expect((await as(who, (tx) => tx`update app.attempt_responses set response = '"B"' where attempt_id = ${attemptE1001}`)).count).toBe(0);
    }
    expect(await attempt('E1001', (tx) => tx`update app.attempt_responses set mark = 10 where attempt_id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.attempt_responses set comment = 'x', graded_by = null where attempt_id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempt_responses (attempt_id, slot, state) values (${attemptE1001}, 3, 'correct')`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`delete from app.attempt_responses where attempt_id = ${attemptE1001}`)).toBe('denied');
  });
  it('a response row belongs to a slot of the paper', async () => {
    await expect(as('E1001', (tx) => tx`insert into app.attempt_responses (attempt_id, slot, response) values (${attemptE1001}, 7, '"A"')`))
      .rejects.toMatchObject({ code: '23503' });
  });
  it.each([['E1001', 1], ['E1002', 0], ['T2002', 1], ['H3002', 0], ['OUTSIDER', 0]])('select responses as %s sees %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select 1 from app.attempt_responses where attempt_id = ${attemptE1001}`)).toBe(n);
  });
});

describe('response_events and attempt_events', () => {
  it('select: the taker and managers in scope', async () => {
    for (const [who, n] of [['E1001', 1], ['E1002', 0], ['T2002', 1], ['H3002', 0]] as const) {
      expect(await count(who, (tx) => tx`select 1 from app.response_events where attempt_id = ${attemptE1001}`)).toBe(n);
      expect(await count(who, (tx) => tx`select 1 from app.attempt_events where attempt_id = ${attemptE1001}`)).toBe(n);
    }
  });
  it('insert: only into my own attempt; append-only for everyone', async () => {
    expect(await attempt('E1002', (tx) => tx`insert into app.response_events (attempt_id, slot, seq, response) values (${attemptE1001}, 1, 50, '"B"')`)).toBe('denied');
    expect(await attempt('E1002', (tx) => tx`insert into app.attempt_events (attempt_id, kind) values (${attemptE1001}, 'copy')`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`insert into app.attempt_events (attempt_id, kind) values (${attemptE1001}, 'copy')`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempt_events (attempt_id, kind) values (${attemptE1001}, 'copy')`)).not.toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.response_events set response = '"C"' where attempt_id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`delete from app.attempt_events where attempt_id = ${attemptE1001}`)).toBe('denied');
  });
  it('after deadline + grace the taker can no longer write responses', async () => {
    await h.sql`update app.attempts set deadline = now() - interval '61 seconds', started_at = now() - interval '700 seconds' where id = ${attemptE1001}`;
    expect((await as('E1001', (tx) => tx`update app.attempt_responses set response = '"B"' where attempt_id = ${attemptE1001} and slot = 1`)).count).toBe(0);
    expect(await attempt('E1001', (tx) => tx`insert into app.attempt_responses (attempt_id, slot, response) values (${attemptE1001}, 2, '"B"')`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.response_events (attempt_id, slot, seq, response) values (${attemptE1001}, 1, 60, '"B"')`)).toBe('denied');
    await h.sql`update app.attempts set deadline = now() + interval '10 minutes' where id = ${attemptE1001}`;
  });
});

describe('practice_answers and practice_cards', () => {
  it('answers: insert only my own; read by me and managers in scope', async () => {
    const [qv] = await h.sql`select id from app.question_versions where question_id = 'personal-info-001'`;
    expect(await attempt('E1001', (tx) => tx`insert into app.practice_answers (member_id, question_id, question_version_id, response, correct)
      values (${ids.E1002!}, 'personal-info-001', ${qv!.id as string}, '"A"', true)`)).toBe('denied');
    for (const [who, n] of [['E1001', 1], ['E1002', 0], ['T2002', 1], ['H3002', 0]] as const) {
      expect(await count(who, (tx) => tx`select 1 from app.practice_answers where member_id = ${ids.E1001!}`)).toBe(n);
    }
    expect(await attempt('E1001', (tx) => tx`update app.practice_answers set correct = true`)).toBe('denied');
  });
  it('cards: only my own, for everyone (trainers included)', async () => {
    for (const [who, n] of [['E1001', 1], ['E1002', 0], ['T2002', 0], ['A4001', 0]] as const) {
      expect(await count(who, (tx) => tx`select 1 from app.practice_cards where member_id = ${ids.E1001!}`)).toBe(n);
    }
    expect((await as('E1002', (tx) => tx`update app.practice_cards set in_wrong_book = false where member_id = ${ids.E1001!}`)).count).toBe(0);
    expect((await as('E1002', (tx) => tx`delete from app.practice_cards where member_id = ${ids.E1001!}`)).count).toBe(0);
    expect(await attempt('E1002', (tx) => tx`insert into app.practice_cards (member_id, question_id, card, due_at, last_correct)
      values (${ids.E1001!}, 'personal-info-002', '{}', now(), true)`)).toBe('denied');
    expect((await as('E1001', (tx) => tx`update app.practice_cards set in_wrong_book = false where member_id = ${ids.E1001!}`)).count).toBe(1);
  });
});

describe('question_keys', () => {
  it.each(['E1001', 'T2001', 'A4001'])('select as %s is denied', async (who) => {
    expect(await attempt(who, (tx) => tx`select key from app.question_keys limit 1`)).toBe('denied');
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 8 (findings 2, 3, 7): banks and their visibility, the review release, and the one scope
// rule for administering an exam's papers (migration 20261130000200).
describe('banks (visibility open | closed)', () => {
  beforeAll(async () => {
    await h.sql`insert into app.banks (id, name, org_unit_id, visibility) values
      ('rls-hq-closed', '总行闭卷库', ${ids.HQ!}, 'closed'), ('rls-qd-closed', '青岛闭卷库', ${ids.QD!}, 'closed'),
      ('rls-jn-open', '济南公开库', ${ids.JN!}, 'open')`;
    await h.sql`insert into app.questions (id, bank, topic) values ('rls-hq-q1', 'rls-hq-closed', 'rls'), ('rls-qd-q1', 'rls-qd-closed', 'rls')`;
  });
  const visible = async (who: string) => (await as(who, (tx) => tx`select id from app.banks where id in ('official', 'rls-hq-closed', 'rls-qd-closed', 'rls-jn-open') order by id`)).map((r) => r.id as string);

  it.each([
    ['E1001', ['official', 'rls-jn-open']],
    ['H3001', ['official', 'rls-jn-open']],
    ['T2002', ['official', 'rls-jn-open', 'rls-qd-closed']],
    ['T2001', ['official', 'rls-hq-closed', 'rls-jn-open', 'rls-qd-closed']],
    ['A4001', ['official', 'rls-hq-closed', 'rls-jn-open', 'rls-qd-closed']],
    ['OUTSIDER', ['official', 'rls-jn-open']],
  ])('select as %s: open banks, and closed banks only for trainers/admins of their unit', async (who, expected) => {
    expect(await visible(who)).toEqual(expected);
  });

  const insertBank = (id: string, unit: string, readOnly = false) => (tx: Tx) =>
    tx`insert into app.banks (id, name, org_unit_id, read_only) values (${id}, ${id}, ${ids[unit]!}, ${readOnly}) returning visibility`;
  it.each([['E1001', 'QD'], ['H3001', 'HQ'], ['T2002', 'HQ'], ['T2002', 'JN'], ['OUTSIDER', 'HQ']])('insert as %s for %s is denied', async (who, unit) => {
    expect(await attempt(who, insertBank(`rls-deny-${who.toLowerCase()}-${unit.toLowerCase()}`, unit))).toBe('denied');
  });
  it('insert: trainers/admins for units in their subtree, closed by default, never read-only', async () => {
    expect(await as('T2002', insertBank('rls-t2002-qdsn', 'QD-SN'))).toEqual([{ visibility: 'closed' }]);
    expect(await as('A4001', insertBank('rls-a4001-jn', 'JN'))).toEqual([{ visibility: 'closed' }]);
    expect(await attempt('T2001', insertBank('rls-t2001-ro', 'HQ', true))).toBe('denied');
  });
  it('update: only banks of units in the caller\'s subtree; the official bank never; no deletes', async () => {
    const open = (bank: string) => (tx: Tx) => tx`update app.banks set visibility = 'open' where id = ${bank}`;
    expect((await as('E1001', open('rls-hq-closed'))).count).toBe(0);
    expect((await as('H3001', open('rls-hq-closed'))).count).toBe(0);
    expect((await as('T2002', open('rls-hq-closed'))).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.banks set visibility = 'closed' where id = 'official'`)).count).toBe(0);
    expect((await as('A4001', (tx) => tx`update app.banks set visibility = 'closed' where id = 'official'`)).count).toBe(0);
    // Moving a bank out of one's subtree is refused by WITH CHECK.
    // Moving a bank to another unit is refused outright (banks_fixed_columns, 20261201000100).
    await expect(as('T2002', (tx) => tx`update app.banks set org_unit_id = ${ids.JN!} where id = 'rls-qd-closed'`)).rejects.toThrow(/cannot be changed/);
    expect((await as('T2002', (tx) => tx`update app.banks set name = '青岛闭卷库（新）' where id = 'rls-qd-closed'`)).count).toBe(1);
    expect(await attempt('T2001', (tx) => tx`delete from app.banks where id = 'rls-qd-closed'`)).toBe('denied');
    const [official] = await h.sql`select visibility, read_only from app.banks where id = 'official'`;
    expect(official).toEqual({ visibility: 'open', read_only: true });
  });
  it('questions: visibility only, only by trainers/admins who manage the bank, never in the official bank', async () => {
    const close = (q: string) => (tx: Tx) => tx`update app.questions set visibility = 'closed' where id = ${q}`;
    expect((await as('E1001', close('rls-hq-q1'))).count).toBe(0);
    expect((await as('H3001', close('rls-hq-q1'))).count).toBe(0);
    expect((await as('T2002', close('rls-hq-q1'))).count).toBe(0);
    expect((await as('T2001', close('personal-info-001'))).count).toBe(0);
    expect((await as('T2001', close('rls-hq-q1'))).count).toBe(1);
    expect((await as('T2002', close('rls-qd-q1'))).count).toBe(1);
    // Other columns are not granted; moving a question to another bank is not possible.
    expect(await attempt('T2001', (tx) => tx`update app.questions set bank = 'official' where id = 'rls-hq-q1'`)).toBe('denied');
    // Retiring is the bank workspace's action (20261201000100): only for a bank one manages, audited.
    expect((await as('T2002', (tx) => tx`update app.questions set retired_at = now() where id = 'rls-hq-q1'`)).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.questions set retired_at = now() where id = 'rls-hq-q1'`)).count).toBe(1);
    expect(await h.sql`select actor_label from app.audit_log where entity = 'question' and entity_id = 'rls-hq-q1' and action = 'question.retire'`).toEqual([{ actor_label: 'member' }]);
    await h.sql`update app.questions set retired_at = null where id = 'rls-hq-q1'`;
    expect(await attempt('T2001', (tx) => tx`insert into app.questions (id, bank, topic) values ('rls-new', 'rls-hq-closed', 'rls')`)).toBe('denied');
    await h.sql`update app.questions set visibility = 'open' where id in ('rls-hq-q1', 'rls-qd-q1')`;
  });
});

describe('review release (exams.review_released_at)', () => {
  const release = (exam: string, by?: string) => (tx: Tx) =>
    by ? tx`update app.exams set review_released_at = now(), review_released_by = ${by} where id = ${exam}` : tx`update app.exams set review_released_at = now() where id = ${exam}`;
  it('only trainers/admins who manage the exam can release it; every release is audited with its real author', async () => {
    expect((await as('E1001', release(examHq))).count).toBe(0);
    expect((await as('H3001', release(examHq))).count).toBe(0);
    expect((await as('T2002', release(examHq))).count).toBe(0);
    // (Other exam changes are audited too — exam.status, exam.settings; this test is about the review.)
    expect(await h.sql`select 1 from app.audit_log where entity = 'exam' and entity_id = ${examHq} and action like 'exam.review%'`).toHaveLength(0);
    // T2001 releases, trying to name T2002 as the author: the trigger records T2001.
    expect((await as('T2001', release(examHq, ids.T2002))).count).toBe(1);
    const [row] = await h.sql`select review_released_by from app.exams where id = ${examHq}`;
    expect(row!.review_released_by).toBe(ids.T2001);
    const logs = await as('T2001', (tx) => tx`select actor_member_id, action, before, after from app.audit_log where entity = 'exam' and entity_id = ${examHq} and action like 'exam.review%'`);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ actor_member_id: ids.T2001, action: 'exam.review_release', before: { reviewReleasedAt: null } });
    // Rewriting only the author is ignored (it always names who released).
    await as('T2001', (tx) => tx`update app.exams set review_released_by = ${ids.T2002!} where id = ${examHq}`);
    const [still] = await h.sql`select review_released_by from app.exams where id = ${examHq}`;
    expect(still!.review_released_by).toBe(ids.T2001);
    await as('T2001', (tx) => tx`update app.exams set review_released_at = null where id = ${examHq}`);
    expect(await count('T2001', (tx) => tx`select 1 from app.audit_log where entity = 'exam' and entity_id = ${examHq} and action = 'exam.review_withdraw'`)).toBe(1);
  });
});

describe('scope rule: administering an exam\'s papers (grade, regrade, overrides, papers, release)', () => {
  const helper = (sqlText: 'exam' | 'attempt' | 'for', exam: string, member?: string) => (tx: Tx) =>
    sqlText === 'exam' ? tx`select app_private.administers_exam(${exam}::uuid) as ok`
      : sqlText === 'attempt' ? tx`select app_private.administers_attempt(${exam}::uuid) as ok`
        : tx`select app_private.administers_exam_for(${exam}::uuid, ${member!}::uuid) as ok`;
  const ok = async (who: string, fn: (tx: Tx) => Promise<readonly { ok?: unknown }[]>) => Boolean((await as(who, fn))[0]?.ok);

  it.each([
    // who, HQ exam, JN exam, E1001's attempt at the HQ exam
    ['E1001', false, false, false],
    ['E1008', false, false, false],
    ['H3001', false, false, false],  // HR reads results; it does not administer papers
    ['H3002', false, false, false],
    ['T2002', false, false, false],  // manages E1001 (QD-SN) but not the head-office exam
    ['T2001', true, true, true],
    ['A4001', true, true, true],
    ['OUTSIDER', false, false, false],
  ])('%s: administers HQ exam %s, JN exam %s, E1001\'s HQ attempt %s', async (who, hq, jn, att) => {
    expect(await ok(who, helper('exam', examHq))).toBe(hq);
    expect(await ok(who, helper('exam', examJn))).toBe(jn);
    expect(await ok(who, helper('attempt', attemptE1001))).toBe(att);
  });
  it('acting for a person needs the person in scope too, and never oneself', async () => {
    const [examQd] = await h.sql`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint)
      values ('RLS 青岛考试', 'exam', ${ids.QD!}, '{}'::jsonb, '{}'::jsonb) returning id`;
    const qd = examQd!.id as string;
    expect(await ok('T2002', helper('for', qd, ids.E1001))).toBe(true);
    expect(await ok('T2002', helper('for', qd, ids.E1008))).toBe(false); // 济南's employee
    expect(await ok('T2002', helper('for', qd, ids.T2002))).toBe(false); // herself
    expect(await ok('T2001', helper('for', qd, ids.E1008))).toBe(true);
    // The override policies say the same: T2002 may set one on 青岛's exam, not on 总行's.
    const add = (exam: string) => (tx: Tx) => tx`insert into app.exam_overrides (exam_id, member_id, extra_attempts) values (${exam}, ${ids.E1002!}, 1)`;
    expect(await attempt('T2002', add(qd))).not.toBe('denied');
    expect(await attempt('T2002', add(examHq))).toBe('denied');
    expect((await as('T2002', (tx) => tx`delete from app.exam_overrides where exam_id = ${examHq}`)).count).toBe(0);
    expect((await as('T2002', (tx) => tx`update app.exam_overrides set extra_time_sec = 0 where exam_id = ${examHq}`)).count).toBe(0);
  });
});
