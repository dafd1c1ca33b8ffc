// RLS matrix for the bank workspace tables and owner-rights functions: table × role × operation,
// allowed and denied, run as the API runs (one transaction, role `authenticated`, the caller's JWT
// claims) with no function in between.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createBank, createQuestion, single, unitId, upload, workbook } from './banks-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
const member: Record<string, string> = {};
let hqBank = '';
let qdBank = '';
let hqQuestion = '';
let qdQuestion = '';
let importId = '';

const ROW = { d: { type: 'truefalse', topic: 't', difficulty: 1, stem: 'RLS 直接写入？', options: null, blankCount: 0, source: {}, key: { answer: true }, explanation: '', feedback: null }, hash: 'h-rls', stem_key: 'k-rls', tags: [] };

beforeAll(async () => {
  h = await startHarness();
  for (const no of ['E1001', 'T2001', 'T2002', 'H3001', 'A4001']) {
    subs.set(no, await h.userIdFor(no));
    const [m] = await h.sql`select id from app.members where employee_no = ${no}`;
    member[no] = m!.id as string;
  }
  hqBank = (await createBank(h, 'T2001', { name: 'RLS 总行', orgUnitId: await unitId(h, 'HQ') })).body.bank.id;
  qdBank = (await createBank(h, 'T2002', { name: 'RLS 青岛', orgUnitId: await unitId(h, 'QD') })).body.bank.id;
  hqQuestion = (await createQuestion(h, 'T2001', hqBank, single('RLS：总行题库的题？'))).body.question.id;
  qdQuestion = (await createQuestion(h, 'T2002', qdBank, single('RLS：青岛题库的题？'))).body.question.id;
  importId = (await upload(h, 'T2001', hqBank, await workbook([{ 题型: '判断', 题干: 'RLS：导入预览？', 答案: '对' }]))).body.import.id;
  await h.sql`insert into app.instruments (id, title, short_title, gloss, status, has_full_text, content_hash)
              values ('rls-fixture', 'RLS', 'RLS', 'x', 'in_force', false, 'x') on conflict do nothing`;
});
afterAll(async () => { await h?.stop(); });

const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) => asUser({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' }, fn);
async function attempt(who: string, fn: (tx: Tx) => Promise<unknown>): Promise<unknown> {
  try {
    return await as(who, fn);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '42501') return 'denied';
    if (code === 'P0002') return 'not found';
    throw err;
  }
}

describe('app.banks', () => {
  it.each([
    ['E1001', false, false], ['H3001', false, false], ['T2001', true, true], ['T2002', false, true], ['A4001', true, true],
  ])('select as %s: HQ closed bank %s, QD closed bank %s', async (who, hq, qd) => {
    const rows = await as(who, (tx) => tx`select id from app.banks where id in (${hqBank}, ${qdBank})`);
    expect(rows.some((r) => r.id === hqBank)).toBe(hq);
    expect(rows.some((r) => r.id === qdBank)).toBe(qd);
  });
  it('everyone sees the open official bank', async () => {
    for (const who of ['E1001', 'H3001', 'T2002']) expect((await as(who, (tx) => tx`select id from app.banks where id = 'official'`)).length).toBe(1);
  });
  const ins = (unit: string, readOnly = false) => async (tx: Tx) => tx`insert into app.banks (id, name, org_unit_id, read_only)
    values (${`rls-${Math.random().toString(36).slice(2, 10)}`}, 'x', (select id from app.org_units where code = ${unit}), ${readOnly}) returning id`;
  it.each([['E1001', 'QD'], ['H3001', 'HQ'], ['T2002', 'HQ'], ['T2001', 'HQ', true]] as [string, string, boolean?][])('insert as %s for %s is denied', async (who, unit, ro) => {
    expect(await attempt(who, ins(unit, ro))).toBe('denied');
  });
  it.each([['T2002', 'QD'], ['T2001', 'QD'], ['A4001', 'JN']])('insert as %s for %s is allowed', async (who, unit) => {
    expect(((await as(who, ins(unit))) as unknown[]).length).toBe(1);
  });
  it('update: trainers of the subtree only; never the official bank; no delete; the unit is fixed', async () => {
    expect((await as('T2002', (tx) => tx`update app.banks set name = 'x' where id = ${hqBank}`)).count).toBe(0);
    expect((await as('H3001', (tx) => tx`update app.banks set name = 'x' where id = ${hqBank}`)).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.banks set name = 'x' where id = 'official'`)).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.banks set name = 'RLS 总行 2' where id = ${hqBank}`)).count).toBe(1);
    await expect(as('T2001', (tx) => tx`update app.banks set org_unit_id = (select id from app.org_units where code = 'QD') where id = ${hqBank}`)).rejects.toThrow(/unit and read-only/);
    expect(await attempt('T2001', (tx) => tx`delete from app.banks where id = ${hqBank}`)).toBe('denied');
  });
});

describe('app.questions, versions and keys', () => {
  it('trainers change tags/retirement of questions in banks they manage only', async () => {
    expect((await as('T2002', (tx) => tx`update app.questions set tags = '{x}' where id = ${hqQuestion}`)).count).toBe(0);
    expect((await as('E1001', (tx) => tx`update app.questions set tags = '{x}' where id = ${hqQuestion}`)).count).toBe(0);
    expect((await as('T2001', (tx) => tx`update app.questions set tags = '{x}' where id = ${qdQuestion}`)).count).toBe(1); // HQ manages QD
    expect((await as('T2001', (tx) => tx`update app.questions set retired_at = now() where id = 'personal-info-001'`)).count).toBe(0);
    // Columns outside the grant (current version, stem key, review flag) are refused outright.
    expect(await attempt('T2001', (tx) => tx`update app.questions set review_flagged_at = null where id = ${hqQuestion}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.questions set current_version_id = null where id = ${hqQuestion}`)).toBe('denied');
    // Moving into a bank one does not manage fails the policy's check.
    await expect(as('T2002', (tx) => tx`update app.questions set bank = ${hqBank} where id = ${qdQuestion}`)).rejects.toThrow(/row-level security/);
  });
  it('nobody inserts questions, versions or keys directly, nor reads keys', async () => {
    for (const who of ['E1001', 'T2001', 'A4001']) {
      expect(await attempt(who, (tx) => tx`insert into app.questions (id, bank, topic) values ('rls-direct', ${hqBank}, 't')`)).toBe('denied');
      expect(await attempt(who, (tx) => tx`select key from app.question_keys limit 1`)).toBe('denied');
      expect(await attempt(who, (tx) => tx`insert into app.question_versions (question_id, version, content_hash, type, topic, difficulty, stem, source)
        values (${hqQuestion}, 99, 'x', 'truefalse', 't', 1, 's', '{}')`)).toBe('denied');
    }
  });
  it('app.questions_with_keys: trainers of the bank and open banks; nobody else', async () => {
    const keys = (who: string, id: string) => as(who, (tx) => tx`select key from app.questions_with_keys(array[${id}::text], false)`);
    expect(await attempt('E1001', (tx) => tx`select * from app.questions_with_keys(array['personal-info-001'], false)`)).toBe('denied');
    expect(await attempt('H3001', (tx) => tx`select * from app.questions_with_keys(array[${hqQuestion}::text], false)`)).toBe('denied');
    expect((await keys('T2002', hqQuestion)).length).toBe(0);
    expect((await keys('T2001', hqQuestion)).length).toBe(1);
    expect((await keys('T2002', 'personal-info-001')).length).toBe(1); // open bank: keys are published
  });
  it('app.save_question / copy / move check the bank', async () => {
    expect(await attempt('T2002', (tx) => tx`select app.save_question(${hqBank}, null, ${tx.json(ROW)}, false)`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`select app.save_question(${qdBank}, null, ${tx.json(ROW)}, false)`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`select app.save_question('official', null, ${tx.json(ROW)}, false)`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`select app.save_question(${qdBank}, ${hqQuestion}, ${tx.json(ROW)}, false)`)).toBe('not found');
    // A closed bank's question cannot be copied out by someone who does not manage it (keys stay put).
    await expect(as('T2002', (tx) => tx`select app.copy_questions(array[${hqQuestion}::text], ${qdBank})`)).rejects.toThrow(/cannot be copied/);
    expect(await attempt('T2002', (tx) => tx`select app.copy_questions(array['personal-info-001'], ${hqBank})`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`select app.move_questions(array[${hqQuestion}::text], ${qdBank})`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`select app.move_questions(array[${qdQuestion}::text], ${hqBank})`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`select app_internal.write_questions(${qdBank}, '[]'::jsonb, false)`)).toBe('denied');
  });
});

describe('app.imports and app.import_rows', () => {
  it('only the uploader who manages the bank reads them', async () => {
    for (const [who, n] of [['T2001', 1], ['T2002', 0], ['A4001', 0], ['E1001', 0], ['H3001', 0]] as const) {
      expect((await as(who, (tx) => tx`select id from app.imports where id = ${importId}`)).length).toBe(n);
      expect((await as(who, (tx) => tx`select row_no from app.import_rows where import_id = ${importId}`)).length).toBe(n);
    }
  });
  it('inserts: own name, a bank one manages, status previewed; rows only into one own previewed import; no updates or deletes', async () => {
    const imp = (by: string, bank: string, status = 'previewed') => (tx: Tx) => tx`
      insert into app.imports (bank_id, created_by, file_name, format, file_hash, row_count, valid_count, problem_count, status)
      values (${bank}, ${by}, 'f.xlsx', 'xlsx', 'h', 0, 0, 0, ${status}) returning id`;
    expect(await attempt('T2002', imp(member.T2002!, hqBank))).toBe('denied');
    expect(await attempt('T2002', imp(member.T2001!, qdBank))).toBe('denied');
    expect(await attempt('T2002', imp(member.T2002!, qdBank, 'committed'))).toBe('denied');
    expect(await attempt('E1001', imp(member.E1001!, qdBank))).toBe('denied');
    expect(((await as('T2002', imp(member.T2002!, qdBank))) as unknown[]).length).toBe(1);
    expect(await attempt('T2002', (tx) => tx`insert into app.import_rows (import_id, row_no, outcome, problems) values (${importId}, 99, 'problem', '[]')`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.imports set status = 'committed' where id = ${importId}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.import_rows set outcome = 'add' where import_id = ${importId}`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`delete from app.imports where id = ${importId}`)).toBe('denied');
  });
  it('app.commit_import: only the uploader', async () => {
    expect(await attempt('T2002', (tx) => tx`select app.commit_import(${importId}::uuid)`)).toBe('not found');
    expect(await attempt('A4001', (tx) => tx`select app.commit_import(${importId}::uuid)`)).toBe('not found');
    expect(await attempt('E1001', (tx) => tx`select app.commit_import(${importId}::uuid)`)).toBe('not found');
  });
});

describe('app.rule_changes and reviews', () => {
  const rc = (by: string, origin = 'trainer') => (tx: Tx) => tx`
    insert into app.rule_changes (instrument_id, change, origin, created_by) values ('rls-fixture', 'amended', ${origin}, ${by}) returning id`;
  it('select: trainers and admins', async () => {
    for (const [who, ok] of [['T2002', true], ['A4001', true], ['E1001', false], ['H3001', false]] as const) {
      await h.sql`insert into app.rule_changes (instrument_id, change, origin) values ('rls-fixture', 'amended', 'content')`;
      expect((await as(who, (tx) => tx`select id from app.rule_changes`)).length > 0).toBe(ok);
    }
  });
  it('insert: trainers/admins in their own name as origin trainer; employees and HR never', async () => {
    expect(await attempt('E1001', rc(member.E1001!))).toBe('denied');
    expect(await attempt('H3001', rc(member.H3001!))).toBe('denied');
    expect(await attempt('T2002', rc(member.T2001!))).toBe('denied');
    await expect(as('T2002', rc(member.T2002!, 'content'))).rejects.toThrow(); // content changes come from the sync
    expect(((await as('T2002', rc(member.T2002!))) as unknown[]).length).toBe(1);
    expect(await attempt('T2002', (tx) => tx`update app.rule_changes set note = 'x'`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`delete from app.rule_changes`)).toBe('denied');
  });
  it('reviews: questions of banks one manages; lessons by trainers/admins; flags are not writable directly', async () => {
    await h.sql`update app.questions set review_flagged_at = now() where id in (${hqQuestion}, ${qdQuestion})`;
    expect(await attempt('T2002', (tx) => tx`select app.review_question(${hqQuestion}, 'keep', '')`)).toBe('denied');
    expect(await attempt('E1001', (tx) => tx`select app.review_question(${qdQuestion}, 'keep', '')`)).toBe('denied');
    expect(await attempt('T2002', (tx) => tx`select app.review_question(${qdQuestion}, 'keep', '')`)).not.toBe('denied');
    expect(await attempt('E1001', (tx) => tx`select app.review_lesson('x', '')`)).toBe('denied');
    expect(await attempt('T2001', (tx) => tx`update app.lessons set review_flagged_at = null`)).toBe('denied');
  });
});
