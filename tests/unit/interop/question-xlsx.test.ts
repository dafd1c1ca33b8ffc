import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SpreadsheetError, readSheetRows, writeWorkbook, type WriteCell } from '../../../src/interop/spreadsheet.ts';
import { TEMPLATE_EXAMPLES, matchInstrument, parseQuestionWorkbook, questionTemplate, questionsToWorkbook } from '../../../src/interop/question-xlsx.ts';
import { normaliseStem, validateDraft, parseArticle, articleText, draftToVersion, versionToDraft, type QuestionDraft, type RowOutcome } from '../../../src/interop/question-draft.ts';

const REGISTER = [
  { id: 'consumer-rights-law', title: '中华人民共和国消费者权益保护法', short: '消费者权益保护法' },
  { id: 'cbirc-complaint-measures', title: '银行业保险业消费投诉处理管理办法', short: '投诉处理管理办法' },
];

const HEADER = ['题型', '题干', '选项A', '选项B', '选项C', '选项D', '答案', '解析', '难度', '知识点/分类', '出处', '条款', '标签', '评分要点', '题号'];

async function sheet(rows: WriteCell[][], header: string[] = HEADER): Promise<Uint8Array> {
  return writeWorkbook({ sheets: [{ name: '题目', columns: header.map((h) => ({ header: h })), rows }] });
}

const byRow = (outcomes: RowOutcome[], row: number): RowOutcome => {
  const o = outcomes.find((x) => x.row === row);
  if (!o) throw new Error(`no outcome for row ${row}`);
  return o;
};

describe('normaliseStem / articles / validateDraft', () => {
  it('collides stems that differ only in width, spaces and punctuation', () => {
    expect(normaliseStem('下列说法正确的是（  ）。')).toBe(normaliseStem('下列说法 正确的是()'));
    expect(normaliseStem('ＡＢＣ银行，“首问负责”')).toBe(normaliseStem('abc银行首问负责'));
    expect(normaliseStem('自____起施行')).toBe(normaliseStem('自 起施行'));
    expect(normaliseStem('15日')).not.toBe(normaliseStem('30日'));
    expect(normaliseStem('金额≥5万元')).not.toBe(normaliseStem('金额≤5万元'));
    expect(normaliseStem('利率15%')).not.toBe(normaliseStem('利率15'));
    expect(normaliseStem('利率15％')).toBe(normaliseStem('利率 15%'));
  });
  it('articles', () => {
    expect(['15', '第15条', '第十五条', '第一百零二条', '十条', '第三章', '附件一', ''].map(parseArticle)).toEqual([15, 15, 15, 102, 10, null, null, null]);
    expect([1, 10, 15, 20, 102, 110, 1005].map(articleText)).toEqual(['第一条', '第十条', '第十五条', '第二十条', '第一百零二条', '第一百一十条', '第一千零五条']);
    for (const n of [1, 9, 10, 11, 19, 20, 99, 100, 101, 110, 111, 999, 1000, 1001, 1010, 1100]) expect(parseArticle(articleText(n))).toBe(n);
  });
  it('validateDraft uses the engine rules', () => {
    const base: QuestionDraft = { type: 'single', stem: '题', options: [{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }], key: { answer: 'C' }, explanation: '', difficulty: 3, topic: 't', tags: [], source: null };
    expect(validateDraft(base, 7).map((p) => [p.row, p.column])).toEqual([[7, '答案']]);
    expect(validateDraft({ ...base, key: { answer: 'A' } })).toEqual([]);
    expect(validateDraft({ ...base, type: 'multiple', key: { answer: ['A'] } })[0]?.message_zh).toContain('至少要有两个');
    expect(validateDraft({ ...base, type: 'short', options: [], key: { modelAnswer: '答', rubric: [] } })[0]?.message_zh).toContain('评分要点');
    expect(validateDraft({ ...base, type: 'fill', stem: '自____起____', options: [], key: { blanks: [['a']], orderInsensitive: false } })[0]?.message_zh).toContain('2 个空');
    expect(validateDraft({ ...base, key: { answer: 'A' }, stem: '<script>x</script>' })[0]?.column).toBe('题干');
    expect(validateDraft({ ...base, key: { answer: 'A' }, difficulty: 6 })[0]?.column).toBe('难度');
    const multi: QuestionDraft = { ...base, type: 'multiple', options: [...base.options, { id: 'C', text: '丙' }], key: { answer: ['A', 'B'] } };
    expect(validateDraft({ ...multi, partialFractions: { A: 0.5, B: 0.5 } })).toEqual([]);
    expect(validateDraft({ ...multi, partialFractions: { A: 0.5, C: 0.5 } })[0]?.message_en).toContain('one fraction in (0, 1] per correct option');
    expect(validateDraft({ ...base, key: { answer: 'A' }, partialFractions: { A: 1 } })).toHaveLength(1);
    // What a client might send: missing lists are problems, never exceptions.
    expect(validateDraft({ type: 'single', key: { answer: 'A' } } as unknown as QuestionDraft).length).toBeGreaterThan(0);
    const v = draftToVersion({ ...base, key: { answer: 'A' }, source: { instrument: 'pipl', article: 13 } }, 'q1');
    expect(versionToDraft(v)).toEqual({ ...base, id: 'q1', key: { answer: 'A' }, source: { instrument: 'pipl', article: 13 } });
  });
});

describe('parseQuestionWorkbook', () => {
  it('accepts the spellings trainers use and records each normalisation', async () => {
    const rows: WriteCell[][] = [
      ['单项选择', '投诉处理时限是？', '7日', '15日', '30日', '60日', 'Ｂ', '15日', '2', '投诉处理', '投诉处理管理办法', '第十五条', '投诉，时限', '', ''],
      ['多选题', '哪些是法定权利？', '知情权', '选择权', '保本', '公平交易', 'A、B、D', '', '较难', '', '《消费者权益保护法》', '8', '', '', ''],
      ['多项选择', '哪些正确？', '甲', '乙', '丙', '', 'c;a', '', '', '', '', '', '', '', ''],
      ['判断', '银行可以拒绝说明收费依据。', '', '', '', '', '×', '', '1', '', '', '', '', '', ''],
      ['判断题', '应当告知救济途径。', '正确', '错误', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['填空题', '投诉人可在（　）日内申请核查，方式为（ ）。', '', '', '', '', '30;三十｜书面', '', '', '', '', '', '', '', ''],
      ['问答', '简述首问负责制。', '', '', '', '', '首个接待的人负责到底。', '', '5', '', '某内部规定', '', '', '1. 首问\n2、负责到底', 'my-q-7'],
      ['不定项选择', '只有一个正确项的不定项', '对', '错', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['单选', '编号保留前导零？', '007', '7', '', '', 'A', '', '3.0', '', '', '', '', '', ''],
    ];
    const out = await parseQuestionWorkbook(await sheet(rows), { instruments: REGISTER });
    expect(out.format).toBe('xlsx');
    expect(out.sheetName).toBe('题目');
    expect(out.filter((o) => o.problems.length > 0).map((o) => [o.row, o.problems.map((p) => p.message_en)])).toEqual([]);
    expect(out.map((o) => o.draft?.type)).toEqual(['single', 'multiple', 'multiple', 'truefalse', 'truefalse', 'fill', 'short', 'single', 'single']);

    const r2 = byRow(out, 2);
    expect(r2.draft).toMatchObject({ key: { answer: 'B' }, difficulty: 2, topic: '投诉处理', tags: ['投诉', '时限'], source: { instrument: 'cbirc-complaint-measures', article: 15 } });
    expect(r2.normalisations).toEqual(expect.arrayContaining([
      { column: 'A（题型）', from: '单项选择', to: '单选题' },
      { column: 'G（答案）', from: 'Ｂ', to: 'B' },
      { column: 'K（出处）', from: '投诉处理管理办法', to: 'cbirc-complaint-measures' },
      { column: 'L（条款）', from: '第十五条', to: '15' },
    ]));
    expect(byRow(out, 3).draft).toMatchObject({ key: { answer: ['A', 'B', 'D'] }, difficulty: 4, topic: '未分类', source: { instrument: 'consumer-rights-law', article: 8 } });
    expect(byRow(out, 3).normalisations).toContainEqual({ column: 'G（答案）', from: 'A、B、D', to: 'ABD' });
    expect(byRow(out, 4).draft?.key).toEqual({ answer: ['A', 'C'] });
    expect(byRow(out, 5).draft?.key).toEqual({ answer: false });
    expect(byRow(out, 5).normalisations).toContainEqual({ column: 'G（答案）', from: '×', to: '错' });
    expect(byRow(out, 6).draft?.key).toEqual({ answer: true });
    expect(byRow(out, 6).warnings).toEqual([]);
    const fill = byRow(out, 7);
    expect(fill.draft?.stem).toBe('投诉人可在____日内申请核查，方式为____。');
    expect(fill.draft?.key).toEqual({ blanks: [['30', '三十'], ['书面']], orderInsensitive: false });
    const short = byRow(out, 8);
    expect(short.draft).toMatchObject({ id: 'my-q-7', difficulty: 5, key: { modelAnswer: '首个接待的人负责到底。', rubric: ['首问', '负责到底'] }, source: { text: '某内部规定' } });
    expect(short.warnings[0]?.message_zh).toContain('不在法规登记簿中');
    expect(byRow(out, 9).draft?.type).toBe('single');
    expect(byRow(out, 10).draft?.options.map((o) => o.text)).toEqual(['007', '7']);
  });

  it('locates every problem by row and column with a fix, and keeps the good rows', async () => {
    const rows: WriteCell[][] = [
      ['单选', '正常的一题', '甲', '乙', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['选择', '题型不对', '甲', '乙', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['单选', '答案不在选项中', '甲', '乙', '', '', 'E', '', '', '', '', '', '', '', ''],
      ['单选', '单选多个答案', '甲', '乙', '', '', 'AB', '', '', '', '', '', '', '', ''],
      ['多选', '多选只有一个', '甲', '乙', '丙', '', 'A', '', '', '', '', '', '', '', ''],
      ['单选', '选项跳列', '甲', '', '丙', '', 'A', '', '', '', '', '', '', '', ''],
      ['判断', '判断答案无效', '', '', '', '', '也许', '', '', '', '', '', '', '', ''],
      ['填空', '两个空____和____', '', '', '', '', '只有一个', '', '', '', '', '', '', '', ''],
      ['简答', '没有评分要点', '', '', '', '', '参考答案', '', '', '', '', '', '', '', ''],
      ['单选', '难度无效', '甲', '乙', '', '', 'A', '', '很难很难', '', '', '', '', '', ''],
      ['单选', '<b>加粗</b>题干', '甲', '乙', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['单选', '没有答案', '甲', '乙', '', '', '', '', '', '', '', '', '', '', ''],
      ['单选', '正常的一题。', '甲', '乙', '', '', 'A', '', '', '', '', '', '', '', ''],
      ['单选', '有条款没出处', '甲', '乙', '', '', 'A', '', '', '', '', '第3条', '', '', ''],
    ];
    const out = await parseQuestionWorkbook(await sheet(rows), { instruments: REGISTER });
    const summary = out.map((o) => [o.row, o.draft ? 'ok' : o.problems.map((p) => p.column).join(' + ')]);
    expect(summary).toEqual([
      [2, 'ok'],
      [3, 'A（题型）'],
      [4, 'G（答案）'],
      [5, 'G（答案）'],
      [6, 'G（答案）'],
      [7, 'E（选项C）'],
      [8, 'G（答案）'],
      [9, 'G（答案）'],
      [10, 'N（评分要点）'],
      [11, 'I（难度）'],
      [12, 'B（题干）'],
      [13, 'G（答案）'],
      [14, 'B（题干）'], // same stem as row 2 after normalisation
      [15, 'L（条款）'],
    ]);
    for (const o of out) {
      for (const p of o.problems) {
        expect(p.row).toBe(o.row);
        for (const f of [p.message_zh, p.message_en, p.fix_zh, p.fix_en]) expect(f.length).toBeGreaterThan(2);
      }
    }
    expect(byRow(out, 14).problems[0]?.message_zh).toContain('第 2 行');
  });

  it('rejects formula, merged and HTML cells row by row; nothing is evaluated', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('题目');
    ws.addRow(['题型', '题干', '选项A', '选项B', '答案']);
    ws.addRow(['单选', { formula: 'CONCAT("=1","+1")', result: '算出来的题干' }, '甲', '乙', 'A']);
    ws.addRow(['单选', '合并的题干', '甲', '乙', 'A']);
    ws.addRow(['单选', null, '甲', '乙', 'A']);
    ws.mergeCells('B3:B4');
    ws.addRow(['单选', '<script>alert(1)</script>', '甲', '乙', 'A']);
    ws.addRow(['单选', '好的题', '甲', '乙', 'A']);
    const out = await parseQuestionWorkbook(new Uint8Array((await wb.xlsx.writeBuffer()) as unknown as ArrayBuffer));
    expect(out.map((o) => [o.row, o.draft ? 'ok' : o.problems[0]?.message_en.split(' ').slice(5, 9).join(' ')])).toEqual([
      [2, 'holds a formula (=CONCAT("=1","+1")).'],
      [3, 'is part of merged'],
      [4, 'is part of merged'],
      [5, 'contains HTML or script'],
      [6, 'ok'],
    ]);
    expect(byRow(out, 2).problems[0]?.column).toBe('B（题干）');
  });

  it('reads the same layout from CSV, in GBK too', async () => {
    const out = await parseQuestionWorkbook(new Uint8Array(readFileSync(new URL('./fixtures/questions-gbk.csv', import.meta.url))), { fileName: '题库.CSV' });
    expect(out.format).toBe('csv');
    expect(out.encoding).toBe('gbk');
    expect(out.fileWarnings.map((w) => w.message_en)).toEqual(['The CSV file was read as GBK.']);
    expect(out.map((o) => [o.row, o.draft?.type])).toEqual([[2, 'single'], [3, 'truefalse'], [5, 'fill']]);
    expect(byRow(out, 5).draft?.key).toEqual({ blanks: [['2021年11月1日']], orderInsensitive: false });
  });

  it('file-level failures throw bilingual errors', async () => {
    const err = async (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: unknown) => (e instanceof SpreadsheetError ? e.code : String(e)));
    expect(await err(parseQuestionWorkbook(await sheet([['x']], ['题型', '题干'])))).toBe('missing_columns');
    expect(await err(parseQuestionWorkbook(await sheet([['x']], ['名称', '说明'])))).toBe('missing_columns');
    expect(await err(parseQuestionWorkbook(await sheet([])))).toBe('empty_sheet');
    expect(await err(parseQuestionWorkbook(new TextEncoder().encode('题型,题干\n')))).toBe('not_xlsx');
    expect(await err(parseQuestionWorkbook(new Uint8Array()))).toBe('empty_file');
    const big = new Uint8Array(50 * 1024 * 1024);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    expect(await err(parseQuestionWorkbook(big))).toBe('too_large');
  });

  it('ignores unknown columns with a warning and finds the header under a title row', async () => {
    const bytes = await writeWorkbook({
      sheets: [{ name: 'Sheet1', columns: [{ header: '2024 年合规题库' }], rows: [['序号', '题型', '题干（必填）', 'A', 'B', '正确答案', '备注'], ['1', '单选', '题', '甲', '乙', 'b', 'x']] }],
    });
    const out = await parseQuestionWorkbook(bytes);
    expect(out.fileWarnings[0]?.message_zh).toContain('序号、备注');
    expect(out[0]?.row).toBe(3);
    expect(out[0]?.draft?.key).toEqual({ answer: 'B' });
  });
});

describe('template and export', () => {
  it('the template has 题目 (an example per type) and 说明; its examples import cleanly', async () => {
    const bytes = await questionTemplate();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['题目', '说明']);
    const out = await parseQuestionWorkbook(bytes);
    expect(out.map((o) => o.draft?.type)).toEqual(['single', 'multiple', 'truefalse', 'fill', 'short']);
    expect(out.every((o) => o.problems.length === 0)).toBe(true);
    expect(out.map((o) => o.draft)).toEqual(TEMPLATE_EXAMPLES);
    const instructions = await readSheetRows(bytes, { sheet: '说明' });
    expect(instructions.rows.map((r) => r.values[0])).toContain('答案');
  });

  it('export → import gives the same drafts (ids, sources, tags, rubric, order-insensitive blanks), formula-safe', async () => {
    const drafts: QuestionDraft[] = [
      { id: 'q-1', type: 'single', stem: '=HYPERLINK("http://evil")', options: [{ id: 'x1', text: '-1' }, { id: 'x2', text: '+2' }], key: { answer: 'x2' }, explanation: '@解析', difficulty: 1, topic: '消保/投诉', tags: ['a', 'b'], source: { instrument: 'cbirc-complaint-measures', article: 15 } },
      { id: 'q-2', type: 'multiple', stem: '多选\n第二行', options: ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬'].map((t, i) => ({ id: String.fromCharCode(65 + i), text: t })), key: { answer: ['A', 'I'] }, explanation: '', difficulty: 3, topic: '未分类', tags: [], source: { instrument: 'consumer-rights-law' } },
      { id: 'q-3', type: 'truefalse', stem: '判断', options: [], key: { answer: true }, explanation: '', difficulty: 2, topic: 't', tags: [], source: { text: '内部制度 第3章' } },
      { id: 'q-4', type: 'fill', stem: '____和____', options: [], key: { blanks: [['知情权', '知悉权'], ['选择权']], orderInsensitive: true }, explanation: '', difficulty: 3, topic: 't', tags: [], source: null },
      { id: 'q-5', type: 'short', stem: '简答', options: [], key: { modelAnswer: '答案', rubric: ['要点一', '要点二'] }, explanation: '解', difficulty: 5, topic: 't', tags: [], source: null },
    ];
    const bytes = await questionsToWorkbook(drafts, { instruments: REGISTER });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const ws = wb.getWorksheet('题目') as ExcelJS.Worksheet;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toContain('选项I');
    ws.eachRow((row) => row.eachCell((c) => expect(c.formula).toBeFalsy()));
    expect(ws.getCell('B2').value).toBe(`'=HYPERLINK("http://evil")`);

    const back = await parseQuestionWorkbook(bytes, { instruments: REGISTER });
    expect(back.flatMap((o) => o.problems)).toEqual([]);
    // Option ids become display letters (A, B…) — the only change.
    const expected = structuredClone(drafts);
    (expected[0] as QuestionDraft).options = [{ id: 'A', text: '-1' }, { id: 'B', text: '+2' }];
    (expected[0] as QuestionDraft).key = { answer: 'B' };
    expect(back.map((o) => o.draft)).toEqual(expected);
    // Re-exporting the re-imported drafts gives the same file content.
    const again = await readSheetRows(await questionsToWorkbook(back.map((o) => o.draft as QuestionDraft), { instruments: REGISTER }));
    expect(again.rows).toEqual((await readSheetRows(bytes)).rows);
  });

  it('matchInstrument by id, short title, full title, with or without 《》 and 中华人民共和国', () => {
    expect(matchInstrument('consumer-rights-law', REGISTER)?.id).toBe('consumer-rights-law');
    expect(matchInstrument('《消费者权益保护法》', REGISTER)?.id).toBe('consumer-rights-law');
    expect(matchInstrument('中华人民共和国消费者权益保护法', REGISTER)?.id).toBe('consumer-rights-law');
    expect(matchInstrument('银行业保险业消费投诉处理管理办法', REGISTER)?.id).toBe('cbirc-complaint-measures');
    expect(matchInstrument('商业银行法', REGISTER)).toBeNull();
  });
});

describe('hostile header cells (review R1)', () => {
  it('a header search over cells full of opening brackets takes linear time', async () => {
    const cell = '('.repeat(30_000);
    const csv = new TextEncoder().encode(`${Array.from({ length: 6 }, () => cell).join(',')}\n题型,题干\n单选,x\n`);
    const t0 = performance.now();
    const out = await parseQuestionWorkbook(csv, { fileName: 'hostile.csv' }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(out).toBeDefined();
  }, 120_000);
});
