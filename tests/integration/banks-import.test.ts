// Import: upload → stored preview → commit of the valid rows → re-import changes nothing. Bad files
// get a clear message and change nothing. The preview and the commit are the same stored data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import manageImports from '../../functions/manage-imports.ts';
import questionExport from '../../functions/manage-question-export.ts';
import { commit, counts, createBank, unitId, upload, workbook, type Row } from './banks-helpers.ts';

let h: Harness;
let bank = '';

const GOOD: Row[] = [
  { 题型: '单选', 题干: '导入测试：投诉处理的一般时限是？', 选项A: '7日', 选项B: '15日', 选项C: '30日', 答案: 'Ｂ', 解析: '十五日。', 难度: '2', '知识点/分类': '投诉处理' },
  { 题型: '多选题', 题干: '导入测试：下列哪些属于消费者权利？', 选项A: '知情权', 选项B: '自主选择权', 选项C: '保证收益', 选项D: '公平交易权', 答案: 'A、B、D', 解析: '保证收益不是权利。', '知识点/分类': '消费者权利', 标签: '重点' },
  { 题型: '判断', 题干: '导入测试：银行可以随意收集个人信息。', 答案: '×', 解析: '必须合法正当必要。', 出处: 'pipl', 条款: '第十条' },
  { 题型: '填空', 题干: '导入测试：投诉人可在____日内申请核查。', 答案: '30;三十', 解析: '三十日。' },
  { 题型: '简答', 题干: '导入测试：简述投诉处理告知事项。', 答案: '处理结果、依据、救济途径。', 评分要点: '处理结果|依据|救济途径' },
];
const BROKEN: Row[] = [
  { 题型: '单选', 题干: '导入测试：答案不是选项？', 选项A: '甲', 选项B: '乙', 答案: 'E' },
  { 题型: '论述', 题干: '导入测试：未知题型？', 答案: '随便' },
  { 题型: '单选', 题干: '', 选项A: '甲', 选项B: '乙', 答案: 'A' },
];

beforeAll(async () => {
  h = await startHarness();
  const b = await createBank(h, 'T2001', { name: '导入题库', orgUnitId: await unitId(h, 'HQ') });
  bank = b.body.bank.id;
});
afterAll(async () => { await h?.stop(); });

describe('import: preview, commit, re-import', () => {
  let file: Uint8Array;
  let importId = '';

  it('previews every row with its outcome and writes nothing to the bank', async () => {
    file = await workbook([...GOOD, ...BROKEN]);
    const before = await counts(h, bank);
    const r = await upload(h, 'T2001', bank, file, '题库.xlsx');
    expect(r.status).toBe(201);
    importId = r.body.import.id;
    expect(r.body.import.counts).toMatchObject({ rows: 8, add: 5, update: 0, same: 0, problem: 3 });
    const broken = r.body.rows.filter((x: { outcome: string }) => x.outcome === 'problem');
    expect(broken.map((x: { row: number }) => x.row)).toEqual([7, 8, 9]);
    for (const b of broken) {
      expect(b.problems.length).toBeGreaterThan(0);
      expect(b.problems[0]).toEqual(expect.objectContaining({ row: b.row, column: expect.any(String), message_zh: expect.any(String), fix_zh: expect.any(String) }));
    }
    // The answer Ｂ (full width) was normalised, and the preview says so.
    const first = r.body.rows.find((x: { row: number }) => x.row === 2);
    expect(JSON.stringify(first.normalisations)).toMatch(/Ｂ/);
    expect(await counts(h, bank)).toEqual(before);
    // The stored preview reads back the same.
    const again = await h.call(manageImports, { path: `/api/manage/imports/${importId}`, token: await h.tokenFor('T2001'), params: { importId } });
    expect(again.body.rows).toEqual(r.body.rows);
  });

  it('commits exactly the valid rows; committing twice changes nothing', async () => {
    const r = await commit(h, 'T2001', importId);
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ added: 5, updated: 0, unchanged: 0, skippedProblems: 3 });
    expect(r.body.import.status).toBe('committed');
    expect(await counts(h, bank)).toEqual({ questions: 5, versions: 5 });
    const twice = await commit(h, 'T2001', importId);
    expect(twice.body.result).toMatchObject({ added: 5, alreadyCommitted: true });
    expect(await counts(h, bank)).toEqual({ questions: 5, versions: 5 });
    const [src] = await h.sql`select v.source from app.questions q join app.question_versions v on v.id = q.current_version_id where q.bank = ${bank} and v.type = 'truefalse'`;
    expect(src!.source).toEqual({ instrument: 'pipl', article: 10 });
    const [audit] = await h.sql`select action, after from app.audit_log where entity = 'import' and entity_id = ${importId}`;
    expect(audit!.action).toBe('bank.import');
  });

  it('re-importing the same file changes nothing', async () => {
    const r = await upload(h, 'T2001', bank, file, '题库.xlsx');
    expect(r.body.import.counts).toMatchObject({ add: 0, update: 0, same: 5, problem: 3 });
    const c = await commit(h, 'T2001', r.body.import.id);
    expect(c.body.result).toMatchObject({ added: 0, updated: 0, unchanged: 5 });
    expect(await counts(h, bank)).toEqual({ questions: 5, versions: 5 });
  });

  it('a changed row of an exported file updates that question (a new version), matched by id', async () => {
    const token = await h.tokenFor('T2001');
    const res = await questionExport(new Request(`http://127.0.0.1/api/manage/question-export?bank=${bank}&format=xlsx`, { headers: { authorization: `Bearer ${token}` } }));
    expect(res.status).toBe(200);
    const exported = new Uint8Array(await res.arrayBuffer());
    const same = await upload(h, 'T2001', bank, exported, 'export.xlsx');
    expect(same.body.import.counts).toMatchObject({ rows: 5, same: 5 });
    // Edit one stem in the exported workbook: same id → update.
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.buffer as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).map(String);
    const stemCol = headers.indexOf('题干');
    sheet.getRow(2).getCell(stemCol).value = `${String(sheet.getRow(2).getCell(stemCol).value)}（修订）`;
    const changed = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await upload(h, 'T2001', bank, changed, 'export.xlsx');
    expect(r.body.import.counts).toMatchObject({ update: 1, same: 4 });
    const c = await commit(h, 'T2001', r.body.import.id);
    expect(c.body.result).toMatchObject({ updated: 1, added: 0 });
    expect(await counts(h, bank)).toEqual({ questions: 5, versions: 6 });
  });

  it('only the uploader (managing the bank) sees or commits an import', async () => {
    const r = await upload(h, 'T2001', bank, await workbook([{ 题型: '判断', 题干: '导入测试：只有上传人能提交。', 答案: '对' }]));
    const id = r.body.import.id;
    for (const who of ['T2002', 'A4001', 'E1001', 'H3001']) {
      const c = await commit(h, who, id);
      expect([403, 404]).toContain(c.status);
      const g = await h.call(manageImports, { path: `/api/manage/imports/${id}`, token: await h.tokenFor(who), params: { importId: id } });
      expect([403, 404]).toContain(g.status);
    }
    expect((await upload(h, 'T2002', bank, await workbook(GOOD))).status).toBe(404);
    expect((await upload(h, 'E1001', bank, await workbook(GOOD))).status).toBe(403);
    expect((await upload(h, 'T2001', 'official', await workbook(GOOD))).status).toBe(403);
  });
});

describe('bad files change nothing', () => {
  const cases: [string, () => Promise<Uint8Array> | Uint8Array, string, number][] = [
    ['an empty file', () => new Uint8Array(), 'empty.xlsx', 400],
    ['text renamed to .xlsx', () => new TextEncoder().encode('题型,题干\n单选,你好'), 'fake.xlsx', 400],
    ['a file over 6 MB', () => new Uint8Array(7 * 1024 * 1024), 'big.xlsx', 413],
    ['an unknown extension', () => new TextEncoder().encode('x'), 'bank.docx', 400],
    ['a workbook without the template columns', () => workbook([]).then(() => import('../../src/interop/spreadsheet.ts')).then((m) => m.writeWorkbook({ sheets: [{ name: 'x', columns: [{ header: '姓名' }], rows: [['张三']] }] })), 'other.xlsx', 400],
  ];
  it.each(cases)('%s → a clear message, no import, no question', async (_label, make, name, status) => {
    const before = await counts(h, bank);
    const [{ n: importsBefore }] = (await h.sql`select count(*)::int as n from app.imports`) as unknown as [{ n: number }];
    const r = await upload(h, 'T2001', bank, await make(), name);
    expect(r.status).toBe(status);
    expect(r.body.detail).toEqual(expect.any(String));
    expect(r.body.detail.length).toBeGreaterThan(10);
    expect(await counts(h, bank)).toEqual(before);
    const [{ n: importsAfter }] = (await h.sql`select count(*)::int as n from app.imports`) as unknown as [{ n: number }];
    expect(importsAfter).toBe(importsBefore);
  });

  it('a formula cell and a script in a cell are row problems, never evaluated or stored', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('题目');
    ws.addRow(['题型', '题干', '选项A', '选项B', '答案']);
    ws.addRow(['单选', { formula: 'HYPERLINK("http://evil","点我")', result: '点我' }, '甲', '乙', 'A']);
    ws.addRow(['单选', '<script>alert(1)</script>哪个对？', '甲', '乙', 'A']);
    ws.addRow(['单选', '导入测试：正常的一行？', '甲', '乙', 'A']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const r = await upload(h, 'T2001', bank, bytes, 'formula.xlsx');
    expect(r.status).toBe(201);
    expect(r.body.rows.map((x: { outcome: string }) => x.outcome)).toEqual(['problem', 'problem', 'add']);
    const c = await commit(h, 'T2001', r.body.import.id);
    expect(c.body.result.added).toBe(1);
    const stems = await h.sql`select v.stem from app.questions q join app.question_versions v on v.question_id = q.id where q.bank = ${bank}`;
    expect(stems.map((s) => s.stem).join('\n')).not.toMatch(/script|HYPERLINK|点我/);
  });
});

describe('GIFT, Moodle XML and Aiken through the API', () => {
  const exportBytes = async (format: string) => {
    const token = await h.tokenFor('T2001');
    const res = await questionExport(new Request(`http://127.0.0.1/api/manage/question-export?bank=${bank}&format=${format}`, { headers: { authorization: `Bearer ${token}` } }));
    expect(res.status).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  };
  it.each([['gift', 'bank.gift'], ['moodle-xml', 'bank.xml']])('a bank exported as %s imports into another bank unchanged, and again as "same"', async (format, name) => {
    const bytes = await exportBytes(format);
    const target = (await createBank(h, 'T2001', { name: `往返 ${format}`, orgUnitId: await unitId(h, 'HQ') })).body.bank.id;
    const source = await h.sql`select q.id, v.content_hash from app.questions q join app.question_versions v on v.id = q.current_version_id where q.bank = ${bank} and q.retired_at is null order by v.stem`;
    const r = await upload(h, 'T2001', target, bytes, name);
    expect(r.status).toBe(201);
    expect(r.body.import.counts).toMatchObject({ add: source.length, problem: 0 });
    await commit(h, 'T2001', r.body.import.id);
    // Every supported field survives: the stored content hashes are the same as the source bank's.
    const copied = await h.sql`select v.content_hash from app.questions q join app.question_versions v on v.id = q.current_version_id where q.bank = ${target} order by v.stem`;
    expect(copied.map((c) => c.content_hash).sort()).toEqual(source.map((c) => c.content_hash).sort());
    const again = await upload(h, 'T2001', target, bytes, name);
    expect(again.body.import.counts).toMatchObject({ same: source.length, add: 0, update: 0 });
  });
  it('an Aiken file imports its multiple-choice questions', async () => {
    const aiken = new TextEncoder().encode('Aiken 测试：投诉处理时限是多少日？\nA. 7日\nB. 15日\nC. 30日\nANSWER: B\n\nAiken 测试：坏题没有答案？\nA. 甲\nB. 乙\n');
    const r = await upload(h, 'T2001', bank, aiken, 'bank.txt', 'aiken');
    expect(r.status).toBe(201);
    expect(r.body.rows.map((x: { outcome: string }) => x.outcome)).toEqual(['add', 'problem']);
  });
  it('a GIFT file that is not GIFT gets a clear message', async () => {
    const r = await upload(h, 'T2001', bank, new TextEncoder().encode('<html>not a quiz</html>'), 'x.xml', 'moodle-xml');
    expect(r.status).toBe(400);
    expect(r.body.detail.length).toBeGreaterThan(10);
  });
});
