import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  SpreadsheetError,
  columnLetter,
  decodeText,
  formatNumber,
  looksLikeMarkup,
  readCsvRows,
  readSheetRows,
  writeWorkbook,
} from '../../../src/interop/spreadsheet.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

async function expectError(p: Promise<unknown>, code: string): Promise<SpreadsheetError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SpreadsheetError);
    const err = e as SpreadsheetError;
    expect(err.code).toBe(code);
    expect(err.message_zh).toMatch(/[\u4e00-\u9fff]/);
    expect(err.message_en.length).toBeGreaterThan(10);
    return err;
  }
  throw new Error(`expected SpreadsheetError ${code}`);
}

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return wb;
}

describe('columnLetter / formatNumber / looksLikeMarkup', () => {
  it('letters', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
  it('numbers as shown', () => {
    expect(formatNumber(123, '000000')).toBe('000123');
    expect(formatNumber(0.1 + 0.2, undefined)).toBe('0.3');
    expect(formatNumber(1234.5, '#,##0.00')).toBe('1,234.50');
    expect(formatNumber(0.125, '0.0%')).toBe('12.5%');
    expect(formatNumber(-3, '00')).toBe('-03');
    expect(formatNumber(42, '@')).toBe('42');
    expect(formatNumber(12345678901, 'General')).toBe('12345678901');
  });
  it('markup vs comparisons', () => {
    expect(looksLikeMarkup('<script>alert(1)</script>')).toBe(true);
    expect(looksLikeMarkup('<b>粗体</b>')).toBe(true);
    expect(looksLikeMarkup('<img src=x onerror=alert(1)>')).toBe(true);
    expect(looksLikeMarkup('链接 javascript:alert(1)')).toBe(true);
    expect(looksLikeMarkup('金额<5万元且>1万元')).toBe(false);
    expect(looksLikeMarkup('a < b > c')).toBe(false);
  });
});

describe('readSheetRows', () => {
  it('reads a workbook written by another tool: values, not formulas; issues located by row, column and header', async () => {
    const data = await readSheetRows(fixture('formula-merged.xlsx'));
    expect(data.sheetName).toBe('题库');
    expect(data.header).toEqual(['题型', '题干', '编号', '日期', '答案']);
    const byRow = new Map(data.rows.map((r) => [r.row, r.values]));
    // Formula cell: empty value (not evaluated, cached result not used by default).
    expect(byRow.get(2)).toEqual(['单选', '', '000123', '2024-01-01', 'Ｂ']);
    expect(byRow.get(3)?.slice(0, 3)).toEqual(['判断', '<script>alert(1)</script>金额<5万元', '0.3']);
    expect(byRow.get(3)?.[4]).toBe('TRUE');
    // Merged B4:B5: the value appears once, in the top-left cell; text "007" stays text.
    expect(byRow.get(4)).toEqual(['合并', '跨两行']);
    expect(byRow.get(5)?.[1] ?? '').toBe('');
    expect(byRow.get(5)?.[2]).toBe('007');
    expect(byRow.get(5)?.[3]).toBe('');
    const kinds = data.issues.map((i) => `${i.kind}@${i.column}${i.row}:${i.header}`);
    expect(kinds).toEqual(['formula@B2:题干', 'html@B3:题干', 'merged@B4:题干', 'error@D5:日期']);
    const formula = data.issues[0];
    expect(formula?.message_zh).toContain('第 2 行 B 列（题干）');
    expect(formula?.message_zh).toContain('CONCATENATE');
    expect(formula?.message_en).toContain('Row 2, column B (题干)');
  });

  it('can return the cached result of a formula when asked', async () => {
    const data = await readSheetRows(fixture('formula-merged.xlsx'), { formulaValues: 'cached' });
    expect(data.rows[0]?.values[1]).toBe('ab');
    expect(data.issues[0]?.kind).toBe('formula');
  });

  it('finds a header below a title row', async () => {
    const bytes = await writeWorkbook({
      sheets: [{ name: 'x', columns: [{ header: '2024 年题库' }], rows: [[''], ['题型', '题干'], ['单选', '题目']], freezeHeader: false }],
    });
    const data = await readSheetRows(bytes, { findHeader: (cells) => cells.includes('题干') });
    expect(data.headerRow).toBe(3);
    expect(data.rows).toEqual([{ row: 4, values: ['单选', '题目'] }]);
    await expectError(readSheetRows(bytes, { findHeader: (cells) => cells.includes('不存在') }), 'empty_sheet');
  });

  it('rejects bad files with typed, bilingual errors', async () => {
    await expectError(readSheetRows(fixture('empty.xlsx')), 'empty_file');
    await expectError(readSheetRows(fixture('fake.xlsx')), 'not_xlsx');
    await expectError(readSheetRows(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])), 'legacy_xls');
    // A zip without a workbook inside (a .docx renamed), and a truncated xlsx.
    const JSZip = (await import('jszip')).default;
    const docx = new JSZip();
    docx.file('word/document.xml', '<w:document/>');
    await expectError(readSheetRows(await docx.generateAsync({ type: 'uint8array' })), 'not_xlsx');
    const good = fixture('formula-merged.xlsx');
    await expectError(readSheetRows(good.subarray(0, 200)), 'corrupt');
    // Size is checked before parsing: 50 MB of zeros never reaches the zip reader.
    const big = new Uint8Array(50 * 1024 * 1024);
    big.set([0x50, 0x4b, 0x03, 0x04]);
    const t0 = performance.now();
    const err = await expectError(readSheetRows(big), 'too_large');
    expect(performance.now() - t0).toBeLessThan(100);
    expect(err.message_zh).toContain('50.0 MB');
    await expectError(readSheetRows(good, { maxBytes: 1000 }), 'too_large');
    // A 150 KB zip bomb (150 MB of XML) is refused while inflating, never handed to exceljs whole.
    const t1 = performance.now();
    const bomb = await expectError(readSheetRows(fixture('bomb.xlsx'), { maxUncompressedBytes: 20 * 1024 * 1024 }), 'too_large');
    expect(bomb.message_en).toContain('inflates to more than 20.0 MB');
    expect(performance.now() - t1).toBeLessThan(3000);
    await expectError(readSheetRows(good, { sheet: '不存在' }), 'sheet_not_found');
    await expectError(readSheetRows(good, { maxRows: 2 }), 'too_many_rows');
  });

  it('an empty worksheet is an error', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('空');
    const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as unknown as ArrayBuffer);
    await expectError(readSheetRows(bytes), 'empty_sheet');
  });
});

describe('readCsvRows', () => {
  it('decodes GBK, keeps record numbers, skips blank lines and unquotes', async () => {
    const data = await readCsvRows(fixture('questions-gbk.csv'));
    expect(data.encoding).toBe('gbk');
    expect(data.header).toEqual(['题型', '题干', '选项A', '选项B', '答案', '难度']);
    expect(data.rows.map((r) => r.row)).toEqual([2, 3, 5]);
    expect(data.rows[1]?.values[1]).toBe('消费者享有知情权，"对"还是错？');
    expect(data.rows[2]?.values[4]).toBe('2021年11月1日');
  });

  it('UTF-8 with and without BOM; UTF-16 with BOM', async () => {
    const text = '题型,题干\r\n单选,"含,逗号"\r\n';
    const plain = new TextEncoder().encode(text);
    expect((await readCsvRows(plain)).encoding).toBe('utf-8');
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...plain]);
    const withBom = await readCsvRows(bom);
    expect(withBom.encoding).toBe('utf-8-bom');
    expect(withBom.header[0]).toBe('题型');
    expect(withBom.rows[0]?.values).toEqual(['单选', '含,逗号']);
    const u16 = new Uint8Array(2 + text.length * 2);
    u16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      u16[2 + i * 2] = c & 0xff;
      u16[3 + i * 2] = c >> 8;
    }
    expect(decodeText(u16)).toEqual({ text, encoding: 'utf-16le' });
  });

  it('flags markup and rejects non-CSV', async () => {
    const data = await readCsvRows(new TextEncoder().encode('题干\n<img src=x onerror=alert(1)>\n'));
    expect(data.issues).toHaveLength(1);
    expect(data.issues[0]).toMatchObject({ kind: 'html', row: 2, column: 'A', header: '题干' });
    await expectError(readCsvRows(fixture('formula-merged.xlsx')), 'not_text');
    await expectError(readCsvRows(new Uint8Array()), 'empty_file');
    await expectError(readCsvRows(new TextEncoder().encode('\r\n ,\r\n')), 'empty_sheet');
  });
});

describe('writeWorkbook', () => {
  it('streams rows from an async iterable and evaluates a cover function after the sheets, cover still first', async () => {
    let n = 0;
    async function* rows() {
      for (let i = 0; i < 3; i++) { n++; yield [`=x${i}`, i + 0.5, new Date(Date.UTC(2026, 0, 1))]; }
    }
    const bytes = await writeWorkbook({
      cover: () => ({ title: `共 ${n} 行`, generatedAt: '2026-01-01 08:00' }),
      sheets: [{ name: '明细', columns: [{ header: '姓名' }, { header: '分数', numFmt: '0.00' }, { header: '时间' }], rows: rows() }],
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '明细']);
    expect(wb.worksheets[0]!.getCell('A1').value).toBe('共 3 行');
    const ws = wb.worksheets[1]!;
    expect(ws.getCell('A2').value).toBe("'=x0");
    expect(ws.getCell('A2').formula).toBeUndefined();
    expect(ws.getCell('B4').value).toBe(2.5);
    expect(ws.getCell('B4').numFmt).toBe('0.00');
    expect(ws.getCell('C3').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ws.getCell('A1').font?.bold).toBe(true);
  });
  it('writes Chinese sheets with frozen bold headers, a cover, and no formulas even for hostile strings', async () => {
    const hostile = ['=HYPERLINK("http://x","点我")', '+1+2', '-3', '@SUM(A1)', '\tx', '\rx', '张三'];
    const bytes = await writeWorkbook({
      cover: { title: '2024 年合规培训成绩', period: '2024-01-01 至 2024-03-31', scope: '杭州分行', generatedAt: new Date(Date.UTC(2024, 3, 1, 8, 0)), generatedBy: '=evil()' },
      sheets: [
        {
          name: '成绩/明细',
          columns: [{ header: '姓名', width: 12 }, { header: '分数', numFmt: '0.00' }, { header: '提交时间' }, { header: '通过' }],
          rows: hostile.map((h, i) => [h, 90 + i, new Date(Date.UTC(2024, 0, i + 1)), i % 2 === 0]),
          freezeColumns: 1,
        },
        { name: '成绩/明细', columns: [{ header: '=cmd' }], rows: [[-5]] },
      ],
    });
    const wb = await load(bytes);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '成绩_明细', '成绩_明细(2)']);
    const cover = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(cover.getCell('A1').value).toBe('2024 年合规培训成绩');
    expect(cover.getCell('B5').value).toBe('2024-04-01 08:00:00');
    expect(cover.getCell('B6').value).toBe("'=evil()");

    const ws = wb.worksheets[1] as ExcelJS.Worksheet;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, xSplit: 1 });
    expect(ws.getCell('A1').value).toBe('姓名');
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect((ws.getCell('A1').fill as ExcelJS.FillPattern).pattern).toBe('solid');
    expect(ws.getColumn(1).width).toBe(12);
    expect(ws.getCell('B2').value).toBe(90);
    expect(ws.getCell('B2').numFmt).toBe('0.00');
    expect(ws.getCell('D2').value).toBe(true);
    expect(ws.getCell('C2').value).toBeInstanceOf(Date);
    expect(hostile.map((_, i) => ws.getCell(i + 2, 1).value)).toEqual([
      `'=HYPERLINK("http://x","点我")`, "'+1+2", "'-3", "'@SUM(A1)", "'\tx",
      "'\nx", // XML normalises a stored CR to LF; the guard apostrophe is what matters
      '张三',
    ]);
    const second = wb.worksheets[2] as ExcelJS.Worksheet;
    expect(second.getCell('A1').value).toBe("'=cmd");
    expect(second.getCell('A2').value).toBe(-5); // a negative number is data

    for (const sheet of wb.worksheets) {
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          expect(cell.formula).toBeFalsy();
        }),
      );
    }
  });

  it('round-trips through readSheetRows', async () => {
    const bytes = await writeWorkbook({
      sheets: [{ name: '名单', columns: [{ header: '工号' }, { header: '姓名' }], rows: [['000123', '李四'], ['=1+1', '王五']] }],
    });
    const data = await readSheetRows(bytes);
    expect(data.header).toEqual(['工号', '姓名']);
    expect(data.rows.map((r) => r.values)).toEqual([['000123', '李四'], ["'=1+1", '王五']]);
    expect(data.issues).toEqual([]);
  });
});

describe('number formats from a hostile workbook (review R1)', () => {
  it('a format of thousands of unclosed [ is read in linear time', async () => {
    const { formatNumber } = await import('../../../src/interop/spreadsheet.ts');
    const t0 = performance.now();
    expect(formatNumber(1.5, '['.repeat(100_000))).toBe('1.5');
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(formatNumber(0.125, '[Red]0.00%')).toBe('12.50%');
  }, 120_000);
});
