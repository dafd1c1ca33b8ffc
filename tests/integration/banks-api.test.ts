// The bank workspace API end to end: banks, the question editor (validation, sanitising, duplicates,
// immutable versions), the table (filters, keyset paging), bulk actions, exports, and who may do
// what (employee, HR, a trainer outside the subtree). Real functions, real database, no mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startHarness, type Harness } from './harness.ts';
import manageBanks from '../../functions/manage-banks.ts';
import manageQuestions from '../../functions/manage-questions.ts';
import questionActions from '../../functions/manage-question-actions.ts';
import questionExport from '../../functions/manage-question-export.ts';
import { createBank, createQuestion, getQuestion, listQuestions, single, unitId } from './banks-helpers.ts';

let h: Harness;
let hqBank = '';
let qdBank = '';
let hqUnit = '';
let qdUnit = '';

beforeAll(async () => {
  h = await startHarness();
  hqUnit = await unitId(h, 'HQ');
  qdUnit = await unitId(h, 'QD');
  const a = await createBank(h, 'T2001', { name: '总行题库', orgUnitId: hqUnit });
  expect(a.status).toBe(201);
  hqBank = a.body.bank.id;
  const b = await createBank(h, 'T2002', { name: '青岛题库', orgUnitId: qdUnit, visibility: 'open' });
  expect(b.status).toBe(201);
  qdBank = b.body.bank.id;
});
afterAll(async () => { await h?.stop(); });

describe('banks', () => {
  it('a new bank is closed unless the trainer says otherwise, and its creation is audited', async () => {
    const list = await h.call(manageBanks, { path: '/api/manage/banks', token: await h.tokenFor('T2001') });
    expect(list.status).toBe(200);
    const mine = list.body.banks.find((b: { id: string }) => b.id === hqBank);
    expect(mine).toMatchObject({ name: '总行题库', visibility: 'closed', readOnly: false, canEdit: true });
    const official = list.body.banks.find((b: { id: string }) => b.id === 'official');
    expect(official).toMatchObject({ readOnly: true, visibility: 'open' });
    expect(official.counts.active).toBeGreaterThan(0);
    expect(list.body.units.map((u: { code: string }) => u.code)).toContain('QD');
    const [audit] = await h.sql`select action, after from app.audit_log where entity = 'bank' and entity_id = ${hqBank}`;
    expect(audit).toMatchObject({ action: 'bank.create' });
  });

  it('trainers see their subtree only: the QD trainer does not see the HQ bank, the HQ trainer sees the QD bank', async () => {
    const qd = await h.call(manageBanks, { path: '/api/manage/banks', token: await h.tokenFor('T2002') });
    expect(qd.body.banks.map((b: { id: string }) => b.id)).not.toContain(hqBank);
    expect(qd.body.units.map((u: { code: string }) => u.code)).not.toContain('HQ');
    const one = await h.call(manageBanks, { path: `/api/manage/banks/${hqBank}`, token: await h.tokenFor('T2002'), params: { bankId: hqBank } });
    expect(one.status).toBe(404);
    const hq = await h.call(manageBanks, { path: '/api/manage/banks', token: await h.tokenFor('T2001') });
    expect(hq.body.banks.find((b: { id: string }) => b.id === qdBank)?.canEdit).toBe(true);
  });

  it.each(['E1001', 'H3001'])('%s (employee / HR) gets 403 on every bank endpoint', async (who) => {
    const token = await h.tokenFor(who);
    expect((await h.call(manageBanks, { path: '/api/manage/banks', token })).status).toBe(403);
    expect((await createBank(h, who, { name: 'x', orgUnitId: hqUnit })).status).toBe(403);
    expect((await listQuestions(h, who, { bank: 'official' })).status).toBe(403);
    expect((await getQuestion(h, who, 'personal-info-001')).status).toBe(403);
    expect((await h.call(questionActions, { method: 'POST', path: '/api/manage/question-actions', token, body: { action: 'retire', ids: ['personal-info-001'] } })).status).toBe(403);
  });

  it('refuses a bank for a unit outside the subtree, malformed bodies and unauthenticated calls', async () => {
    const out = await createBank(h, 'T2002', { name: '越权', orgUnitId: hqUnit });
    expect(out.status).toBe(403);
    expect(out.body.code).toBe('unit_out_of_scope');
    const bad = await createBank(h, 'T2001', { name: '', orgUnitId: 'nope', extra: 1 });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toEqual(expect.arrayContaining(['name', 'orgUnitId']));
    expect((await h.call(manageBanks, { path: '/api/manage/banks' })).status).toBe(401);
  });

  it('renames and opens/closes a bank with audit entries; the official bank and other subtrees are refused', async () => {
    const token = await h.tokenFor('T2001');
    const r = await h.call(manageBanks, { method: 'PATCH', path: `/api/manage/banks/${hqBank}`, token, params: { bankId: hqBank }, body: { name: '总行题库（2026）', visibility: 'open', reason: '发布学习' } });
    expect(r.status).toBe(200);
    expect(r.body.bank).toMatchObject({ name: '总行题库（2026）', visibility: 'open' });
    const actions = (await h.sql`select action, reason from app.audit_log where entity = 'bank' and entity_id = ${hqBank} order by id`).map((x) => x.action);
    expect(actions).toEqual(expect.arrayContaining(['bank.create', 'bank.rename', 'bank.visibility']));
    const back = await h.call(manageBanks, { method: 'PATCH', path: `/api/manage/banks/${hqBank}`, token, params: { bankId: hqBank }, body: { visibility: 'closed' } });
    expect(back.body.bank.visibility).toBe('closed');
    const official = await h.call(manageBanks, { method: 'PATCH', path: '/api/manage/banks/official', token, params: { bankId: 'official' }, body: { name: 'mine' } });
    expect(official.status).toBe(403);
    expect(official.body.code).toBe('bank_read_only');
    const foreign = await h.call(manageBanks, { method: 'PATCH', path: `/api/manage/banks/${hqBank}`, token: await h.tokenFor('T2002'), params: { bankId: hqBank }, body: { name: 'x' } });
    expect(foreign.status).toBe(404);
    const empty = await h.call(manageBanks, { method: 'PATCH', path: `/api/manage/banks/${hqBank}`, token, params: { bankId: hqBank }, body: {} });
    expect(empty.status).toBe(400);
  });
});

describe('the question editor', () => {
  it('validates like the content check: the key must be an option, short answers need marking points', async () => {
    const bad = await createQuestion(h, 'T2001', hqBank, single('答案不在选项中的题目？', { key: { answer: 'E' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_question');
    expect(bad.body.problems[0]).toMatchObject({ column: '答案' });
    expect(bad.body.problems[0].message_zh).toMatch(/答案/);
    const short = await createQuestion(h, 'T2001', hqBank, { type: 'short', stem: '简述投诉处理流程。', options: [], key: { modelAnswer: '受理、调查、答复。', rubric: [] }, explanation: '', difficulty: 3, topic: '投诉', tags: [], source: null });
    expect(short.status).toBe(400);
    expect(short.body.problems.map((p: { message_en: string }) => p.message_en).join(' ')).toMatch(/marking points/);
    const malformed = await h.call(manageQuestions, { method: 'POST', path: '/api/manage/questions', token: await h.tokenFor('T2001'), body: { bankId: hqBank, draft: { type: 'essay', stem: 1 } } });
    expect(malformed.status).toBe(400);
    const unknownSource = await createQuestion(h, 'T2001', hqBank, single('出处不在登记簿的题目？', { source: { instrument: 'no-such-law' } }));
    expect(unknownSource.status).toBe(400);
    expect(unknownSource.body.problems[0].column).toBe('出处');
  });

  it('stores plain text: markup is removed on the server, emphasis keeps its words', async () => {
    const r = await createQuestion(h, 'T2001', hqBank, single('<b>银行</b>处理投诉的<script>alert(1)</script>时限是？<br>请选择', { explanation: '<p>十五日</p><img src=x onerror=alert(1)>' }));
    expect(r.status).toBe(201);
    const d = r.body.question.draft;
    expect(d.stem).toBe('银行处理投诉的时限是？\n请选择');
    expect(d.explanation).toBe('十五日');
    expect(JSON.stringify(r.body.question)).not.toMatch(/<script|onerror/);
  });

  it('flags a duplicate stem (after normalisation) with a link to the existing question, saves on confirmation', async () => {
    const first = await createQuestion(h, 'T2001', hqBank, single('消费者投诉后，银行应在多少日内答复？'));
    expect(first.status).toBe(201);
    // Full-width punctuation, spaces and a different question mark: the same stem.
    const dup = await createQuestion(h, 'T2001', hqBank, single('消费者投诉后 ，银行应在多少日内答复?'));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('duplicate_stem');
    expect(dup.body.duplicates[0]).toMatchObject({ id: first.body.question.id, bankId: hqBank });
    const confirmed = await createQuestion(h, 'T2001', hqBank, single('消费者投诉后 ，银行应在多少日内答复?'), true);
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.question.duplicates.map((x: { id: string }) => x.id)).toContain(first.body.question.id);
  });

  it('a duplicate of an official question is found too', async () => {
    const [o] = await h.sql`select v.stem from app.questions q join app.question_versions v on v.id = q.current_version_id where q.id = 'personal-info-001'`;
    const r = await createQuestion(h, 'T2001', hqBank, single(`${o!.stem as string}  `));
    expect(r.status).toBe(409);
    expect(r.body.duplicates[0]).toMatchObject({ id: 'personal-info-001', bankId: 'official' });
  });

  it('every save is a new immutable version; saving the same content changes nothing', async () => {
    const token = await h.tokenFor('T2001');
    const created = await createQuestion(h, 'T2001', hqBank, single('版本测试：投诉处理时限？'));
    const id = created.body.question.id as string;
    const v1 = created.body.question.versionId as string;
    const saved = await h.call(manageQuestions, { method: 'PUT', path: `/api/manage/questions/${id}`, token, params: { questionId: id }, body: { draft: single('版本测试：投诉处理时限是多少日？') } });
    expect(saved.status).toBe(200);
    expect(saved.body.question.version).toBe(2);
    expect(saved.body.question.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(saved.body.question.versions[1].draft.stem).toBe('版本测试：投诉处理时限？');
    const again = await h.call(manageQuestions, { method: 'PUT', path: `/api/manage/questions/${id}`, token, params: { questionId: id }, body: { draft: single('版本测试：投诉处理时限是多少日？') } });
    expect(again.body.question.outcome).toBe('same');
    expect(again.body.question.versions).toHaveLength(2);
    // The old version and its key cannot be changed, not even by the superuser.
    await expect(h.sql`update app.question_versions set stem = 'x' where id = ${v1}`).rejects.toThrow(/immutable/);
    await expect(h.sql`update app.question_keys set explanation = 'x' where question_version_id = ${v1}`).rejects.toThrow(/immutable/);
    const audits = await h.sql`select action from app.audit_log where entity = 'question' and entity_id = ${id} order by id`;
    expect(audits.map((a) => a.action)).toEqual(['question.create', 'question.save']);
  });

  it('outside the subtree, a closed bank and its keys are invisible; the official bank cannot be edited', async () => {
    const created = await createQuestion(h, 'T2001', hqBank, single('范围测试：这道题在总行题库？'));
    const id = created.body.question.id as string;
    const seen = await getQuestion(h, 'T2002', id);
    expect(seen.status).toBe(404);
    expect(seen.text).not.toMatch(/"answer"/);
    const put = await h.call(manageQuestions, { method: 'PUT', path: `/api/manage/questions/${id}`, token: await h.tokenFor('T2002'), params: { questionId: id }, body: { draft: single('改掉') } });
    expect(put.status).toBe(404);
    const official = await getQuestion(h, 'T2001', 'personal-info-001');
    expect(official.status).toBe(200);
    expect(official.body.question.canEdit).toBe(false);
    const edit = await h.call(manageQuestions, { method: 'PUT', path: '/api/manage/questions/personal-info-001', token: await h.tokenFor('T2001'), params: { questionId: 'personal-info-001' }, body: { draft: single('改官方题') } });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('bank_read_only');
    const post = await createQuestion(h, 'T2002', hqBank, single('往别人的题库里加题？'));
    expect(post.status).toBe(404);
  });

  it('retires and restores a question (audited)', async () => {
    const token = await h.tokenFor('T2001');
    const created = await createQuestion(h, 'T2001', hqBank, single('停用测试：这道题会被停用？'));
    const id = created.body.question.id as string;
    const r = await h.call(manageQuestions, { method: 'PATCH', path: `/api/manage/questions/${id}`, token, params: { questionId: id }, body: { status: 'retired', reason: '过时' } });
    expect(r.body.question.status).toBe('retired');
    const back = await h.call(manageQuestions, { method: 'PATCH', path: `/api/manage/questions/${id}`, token, params: { questionId: id }, body: { status: 'active' } });
    expect(back.body.question.status).toBe('active');
    const audits = await h.sql`select action, reason from app.audit_log where entity = 'question' and entity_id = ${id} order by id`;
    expect(audits.map((a) => a.action)).toEqual(['question.create', 'question.retire', 'question.restore']);
    expect(audits[1]!.reason).toBe('过时');
  });
});

describe('the table', () => {
  let bank = '';
  beforeAll(async () => {
    const b = await createBank(h, 'T2001', { name: '分页题库', orgUnitId: hqUnit });
    bank = b.body.bank.id;
    for (let i = 1; i <= 7; i++) {
      const r = await createQuestion(h, 'T2001', bank, single(`分页第${i}题：选择正确的时限？`, { difficulty: (i % 3) + 1, topic: i <= 4 ? '投诉处理' : '个人信息', tags: i % 2 ? ['重点'] : [], source: i === 7 ? { instrument: 'pipl', article: 10 } : null }));
      expect(r.status).toBe(201);
    }
    await createQuestion(h, 'T2001', bank, { type: 'truefalse', stem: '判断：银行可以随意收集个人信息。', options: [], key: { answer: false }, explanation: '不可以。', difficulty: 1, topic: '个人信息', tags: [], source: null });
  });

  it('pages with a keyset cursor, newest first, without repeats or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await listQuestions(h, 'T2001', { bank, limit: '3', ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(8);
      seen.push(...r.body.rows.map((x: { id: string }) => x.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(8);
    const bad = await listQuestions(h, 'T2001', { bank, cursor: 'garbage' });
    expect(bad.status).toBe(400);
  });

  it('filters by stem text, type, topic, difficulty, instrument + article, tag and status', async () => {
    const q = async (extra: Record<string, string>) => (await listQuestions(h, 'T2001', { bank, ...extra })).body;
    expect((await q({ q: '分页第3题' })).total).toBe(1);
    expect((await q({ q: '100%' })).total).toBe(0); // LIKE wildcards are literal
    expect((await q({ type: 'truefalse' })).total).toBe(1);
    expect((await q({ topic: '投诉处理' })).total).toBe(4);
    expect((await q({ difficulty: '2' })).total).toBe(3);
    expect((await q({ instrument: 'pipl', article: '10' })).total).toBe(1);
    expect((await q({ tag: '重点' })).total).toBe(4);
    const body = await q({});
    expect(body.facets.topics).toEqual(['个人信息', '投诉处理']);
    expect(body.rows[0]).toMatchObject({ timesUsed: 0, facility: null, status: 'active', needsReview: false });
    expect(JSON.stringify(body)).not.toMatch(/"answer"|"key"/); // the table never carries keys
    expect((await listQuestions(h, 'T2001', { bank, type: 'essay' })).status).toBe(400);
  });

  it('bulk: tag, untag, retire, restore and move between banks the trainer manages', async () => {
    const token = await h.tokenFor('T2001');
    const ids = (await listQuestions(h, 'T2001', { bank, topic: '个人信息' })).body.rows.map((r: { id: string }) => r.id);
    const act = (body: unknown, who = token) => h.call(questionActions, { method: 'POST', path: '/api/manage/question-actions', token: who, body });
    expect((await act({ action: 'tag', ids, tags: ['2026复习'] })).body.changed).toBe(ids.length);
    expect((await listQuestions(h, 'T2001', { bank, tag: '2026复习' })).body.total).toBe(ids.length);
    expect((await act({ action: 'untag', ids, tags: ['2026复习'] })).body.changed).toBe(ids.length);
    expect((await act({ action: 'retire', ids: ids.slice(0, 2), reason: '批量停用' })).body.changed).toBe(2);
    expect((await listQuestions(h, 'T2001', { bank, status: 'retired' })).body.total).toBe(2);
    expect((await act({ action: 'restore', ids: ids.slice(0, 2) })).body.changed).toBe(2);
    expect((await act({ action: 'move', ids: ids.slice(0, 1), targetBankId: qdBank })).body.changed).toBe(1);
    const [moved] = await h.sql`select bank from app.questions where id = ${ids[0]}`;
    expect(moved!.bank).toBe(qdBank);
    // The QD trainer cannot act on HQ questions; nobody moves into the official bank.
    const foreign = await act({ action: 'retire', ids: ids.slice(1) }, await h.tokenFor('T2002'));
    expect(foreign.status).toBe(403);
    expect((await act({ action: 'move', ids: ids.slice(1, 2), targetBankId: 'official' })).status).toBe(403);
    expect((await act({ action: 'retire', ids: ['no-such-question'] })).status).toBe(404);
    expect((await act({ action: 'explode', ids })).status).toBe(400);
  });

  it('copies official questions into a bank; copying again changes nothing', async () => {
    const token = await h.tokenFor('T2001');
    const act = (body: unknown) => h.call(questionActions, { method: 'POST', path: '/api/manage/question-actions', token, body });
    const r = await act({ action: 'copy', ids: ['personal-info-001', 'complaint-handling-001'], targetBankId: bank });
    expect(r.status).toBe(200);
    expect(r.body.changed).toBe(2);
    const again = await act({ action: 'copy', ids: ['personal-info-001'], targetBankId: bank });
    expect(again.body.changed).toBe(0);
    const [k] = await h.sql`
      select k.key from app.questions q join app.question_keys k on k.question_version_id = q.current_version_id
      where q.bank = ${bank} and q.stem_key = (select stem_key from app.questions where id = 'personal-info-001')`;
    const [ok] = await h.sql`select k.key from app.questions q join app.question_keys k on k.question_version_id = q.current_version_id where q.id = 'personal-info-001'`;
    expect(k!.key).toEqual(ok!.key);
    const into = await h.call(questionActions, { method: 'POST', path: '/api/manage/question-actions', token: await h.tokenFor('T2002'), body: { action: 'copy', ids: ['personal-info-001'], targetBankId: bank } });
    expect(into.status).toBe(404);
  });

  it('exports the bank (and a filtered selection) as xlsx in the template layout; others cannot export a closed bank', async () => {
    const token = await h.tokenFor('T2001');
    const r = await h.call(questionExport, { path: `/api/manage/question-export?bank=${bank}&format=xlsx&topic=${encodeURIComponent('投诉处理')}`, token });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/attachment/);
    const res = await questionExport(new Request(`http://127.0.0.1/api/manage/question-export?bank=${bank}&format=xlsx`, { headers: { authorization: `Bearer ${token}` } }));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('题型');
    expect(Number(res.headers.get('x-question-count'))).toBeGreaterThanOrEqual(8);
    const tpl = await h.call(questionExport, { path: '/api/manage/question-export?template=1', token });
    expect(tpl.status).toBe(200);
    const denied = await h.call(questionExport, { path: `/api/manage/question-export?bank=${bank}&format=xlsx`, token: await h.tokenFor('T2002') });
    expect(denied.status).toBe(404);
    const employee = await h.call(questionExport, { path: '/api/manage/question-export?template=1', token: await h.tokenFor('E1001') });
    expect(employee.status).toBe(403);
  });
});
