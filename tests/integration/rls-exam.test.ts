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
  it('insert: only my own, only for exams offered to me, never with a score', async () => {
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec)
      values (${examJn}, ${ids.E1001!}, 1, 1, 60)`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec)
      values (${examHq}, ${ids.E1002!}, 9, 1, 60)`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, score)
      values (${examHq}, ${ids.E1001!}, 9, 1, 60, 100)`)).toBe('denied');
  });
  it('update: scores and state never; focus_losses only on my live attempt; no delete', async () => {
    expect(await attempt('E1001', (tx) => tx`update app.attempts set score = 100 where id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.attempts set passed = true where id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.attempts set deadline = now() + interval '1 year' where id = ${attemptE1001}`)).toBe('denied');
    expect((await as('E1002', (tx) => tx`update app.attempts set focus_losses = 0 where id = ${attemptE1001}`)).count).toBe(0);
    expect((await as('E1001', (tx) => tx`update app.attempts set focus_losses = focus_losses where id = ${attemptE1001}`)).count).toBe(1);
    expect(await attempt('E1001', (tx) => tx`delete from app.attempts where id = ${attemptE1001}`)).toBe('denied');
  });
});

describe('attempt_slots', () => {
  it.each([['E1001', 6], ['E1002', 0], ['T2002', 6], ['H3002', 0], ['OUTSIDER', 0]])('select as %s sees %i', async (who, n) => {
    expect(await count(who, (tx) => tx`select 1 from app.attempt_slots where attempt_id = ${attemptE1001}`)).toBe(n);
  });
  it('update: my responses while the attempt accepts them; never marks; nobody else', async () => {
    expect((await as('E1001', (tx) => tx`update app.attempt_slots set flagged = true where attempt_id = ${attemptE1001} and slot = 1`)).count).toBe(1);
    expect((await as('E1002', (tx) => tx`update app.attempt_slots set flagged = true where attempt_id = ${attemptE1001}`)).count).toBe(0);
    expect((await as('T2002', (tx) => tx`update app.attempt_slots set response = '"B"' where attempt_id = ${attemptE1001}`)).count).toBe(0);
    expect(await attempt('E1001', (tx) => tx`update app.attempt_slots set mark = 10 where attempt_id = ${attemptE1001}`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`update app.attempt_slots set points = 100 where attempt_id = ${attemptE1001}`)).toBe('denied');
    const [qv] = await h.sql`select id from app.question_versions limit 1`;
    expect(await attempt('E1002', (tx) => tx`insert into app.attempt_slots (attempt_id, slot, question_version_id, points)
      values (${attemptE1001}, 99, ${qv!.id as string}, 1)`)).toBe('denied');
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
    expect((await as('E1001', (tx) => tx`update app.attempt_slots set response = '"B"' where attempt_id = ${attemptE1001} and slot = 1`)).count).toBe(0);
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
