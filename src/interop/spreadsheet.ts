/**
 * Spreadsheet input and output for imports (question banks, rosters) and exports (results, HR,
 * contests). Pure: bytes in, bytes out — no file system, no network — so functions (server) and
 * islands (browser) share it. Built on exceljs (xlsx) and papaparse (CSV); nothing here unzips or
 * parses XML by hand.
 *
 * Public API (stable; other areas import it):
 *
 *   readSheetRows(data: Uint8Array, opts?: ReadSheetOptions): Promise<SheetData>
 *     Cells as the text a person sees: numbers as shown (number formats such as 000123 keep their
 *     leading zeros; text cells are untouched), dates as ISO text (`2024-01-05`, or
 *     `2024-01-05T09:30:00` when there is a time of day), booleans as TRUE/FALSE, rich text as its
 *     plain text. Nothing is evaluated. `issues` lists, row-located (1-based row, column letter,
 *     header name), every formula cell (its value is '' unless `formulaValues: 'cached'`), merged
 *     cell (with `lastRow`), cell containing HTML/script markup, and error cell (#N/A…). The CALLER
 *     decides what an issue means (the question importer rejects the row). Throws
 *     `SpreadsheetError` for files it cannot read at all: empty, over `maxBytes` (checked before
 *     parsing), not a zip / a zip without a workbook / old .xls, inflating past
 *     `maxUncompressedBytes` (zip bombs, checked while inflating, before exceljs), unreadable, no
 *     sheet, empty sheet, too many rows or columns. Options: sheet (name, index or preferred
 *     names), headerRow or findHeader, maxBytes, maxUncompressedBytes, maxRows, formulaValues.
 *   readCsvRows(data: Uint8Array, opts?: ReadCsvOptions): Promise<SheetData & { encoding }>
 *     Same result shape. Decodes UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030
 *     (what Excel/WPS on Chinese Windows save as "CSV"); `encoding` says which was used.
 *   writeWorkbook(spec: WorkbookSpec): Promise<Uint8Array>
 *     An xlsx: optional cover sheet, then one sheet per spec with a bold, filled, frozen header
 *     row and column widths. Streamed (exceljs WorkbookWriter): rows may be an async iterable. Every string is neutralised against formula injection
 *     (`neutraliseFormula` from src/core/csv.ts) and written as a string; no cell is a formula.
 *   SpreadsheetError { code: SpreadsheetErrorCode, message_zh, message_en }  (message = English)
 *   columnLetter(index0: number): string   — 0 → A, 26 → AA
 *   looksLikeMarkup(text: string): boolean — the HTML/script test used for `issues`
 *
 * For CSV output use `toCsv` from src/core/csv.ts (BOM + formula guard); it is not duplicated here.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import Papa from 'papaparse';
import { neutraliseFormula } from '../core/csv.ts';
import { looksLikeMarkup } from './text.ts';

// ---------------------------------------------------------------------------------------------
// Errors

export type SpreadsheetErrorCode =
  | 'empty_file'
  | 'too_large'
  | 'not_xlsx'
  | 'legacy_xls'
  | 'corrupt'
  | 'empty_workbook'
  | 'sheet_not_found'
  | 'empty_sheet'
  | 'too_many_rows'
  | 'too_many_columns'
  | 'missing_columns'
  | 'not_text';

export class SpreadsheetError extends Error {
  readonly code: SpreadsheetErrorCode;
  readonly message_zh: string;
  readonly message_en: string;
  constructor(code: SpreadsheetErrorCode, message_zh: string, message_en: string) {
    super(message_en);
    this.name = 'SpreadsheetError';
    this.code = code;
    this.message_zh = message_zh;
    this.message_en = message_en;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared result shape

export type CellIssueKind = 'formula' | 'merged' | 'html' | 'error';

export interface CellIssue {
  kind: CellIssueKind;
  /** 1-based row number as the spreadsheet shows it. */
  row: number;
  /** Column letter (A, B, … AA). */
  column: string;
  /** The header text of that column ('' when the column has no header). */
  header: string;
  /** Merged cells: the last row the range covers (rows row…lastRow are affected). */
  lastRow?: number;
  message_zh: string;
  message_en: string;
}

export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it (CSV: record number, header = 1). */
  row: number;
  /** Cell texts by column position (A = 0); trailing empty cells may be absent. */
  values: string[];
}

export interface SheetData {
  sheetName: string;
  sheetNames: string[];
  /** Row number of the header row (0 when `headerRow: 0`, i.e. no header). */
  headerRow: number;
  /** Header texts (trimmed) by column position. */
  header: string[];
  /** Data rows after the header; rows whose cells are all empty are skipped. */
  rows: SheetRow[];
  issues: CellIssue[];
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Uncompressed size of all parts of an xlsx together (a 20,000-row sheet is ~20 MB of XML). */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 20_000;
export const MAX_COLUMNS = 200;

const mb = (n: number): string => (n / 1024 / 1024).toFixed(n >= 1024 * 1024 ? 1 : 2);

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index0: number): string {
  let n = index0 + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export { looksLikeMarkup };

function checkSize(data: Uint8Array, maxBytes: number, what: string): void {
  if (data.byteLength === 0) {
    throw new SpreadsheetError('empty_file', '文件是空的（0 字节），请选择填好内容的文件。', `The ${what} file is empty (0 bytes); choose the file with your data.`);
  }
  if (data.byteLength > maxBytes) {
    throw new SpreadsheetError(
      'too_large',
      `文件太大（${mb(data.byteLength)} MB），上限为 ${mb(maxBytes)} MB。请拆分成几个文件分别导入。`,
      `The file is too large (${mb(data.byteLength)} MB); the limit is ${mb(maxBytes)} MB. Split it into several files and import them one by one.`,
    );
  }
}

function issue(kind: CellIssueKind, row: number, col0: number, header: string, extra = ''): CellIssue {
  const column = columnLetter(col0);
  const where_zh = `第 ${row} 行 ${column} 列${header ? `（${header}）` : ''}`;
  const where_en = `Row ${row}, column ${column}${header ? ` (${header})` : ''}`;
  switch (kind) {
    case 'formula':
      return {
        kind, row, column, header,
        message_zh: `${where_zh}是公式（${extra}）。导入只读取值、不计算公式：请复制该列并“选择性粘贴 → 数值”后再导入。`,
        message_en: `${where_en} holds a formula (${extra}). Imports read values and never evaluate formulas: copy the column and use Paste Special → Values, then import again.`,
      };
    case 'merged':
      return {
        kind, row, column, header,
        message_zh: `${where_zh}属于合并单元格（${extra}）。请取消合并，并在每一行填入完整内容。`,
        message_en: `${where_en} is part of merged cells (${extra}). Unmerge them and fill in every row.`,
      };
    case 'html':
      return {
        kind, row, column, header,
        message_zh: `${where_zh}含有 HTML 或脚本标记。这里只接受纯文本：请删除尖括号标签（如 <b>、<script>）后再导入。`,
        message_en: `${where_en} contains HTML or script markup. Only plain text is accepted: remove the angle-bracket tags (such as <b> or <script>) and import again.`,
      };
    case 'error':
      return {
        kind, row, column, header,
        message_zh: `${where_zh}是错误值 ${extra}。请改为正确的内容。`,
        message_en: `${where_en} holds the error value ${extra}. Replace it with the intended content.`,
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Reading xlsx

export interface ReadSheetOptions {
  /**
   * Sheet name or 0-based index; or a list of preferred names (the first that exists, else the
   * first worksheet). Default: the first worksheet.
   */
  sheet?: string | number | readonly string[];
  /** Byte limit checked before anything is parsed (default 5 MB). */
  maxBytes?: number;
  /** Limit on the inflated size of the parts, checked before exceljs reads them (default 100 MB). */
  maxUncompressedBytes?: number;
  /** Data-row limit (default 20,000). */
  maxRows?: number;
  /** 1-based header row; 0 = no header (default 1). Ignored when `findHeader` is given. */
  headerRow?: number;
  /** Picks the header as the first of the first 20 non-empty rows for which this returns true. */
  findHeader?: (cells: string[]) => boolean;
  /** The headers the "no header row found" hint names (default: the question import's 题型, 题干). */
  headerExample?: HeaderExample;
  /** What a formula cell's value is: '' (default) or its cached result as last saved by Excel. */
  formulaValues?: 'empty' | 'cached';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Excel dates carry no zone; exceljs hands them over as UTC instants of the wall-clock time. */
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours(), m = d.getUTCMinutes(), s = d.getUTCSeconds();
  return h === 0 && m === 0 && s === 0 ? date : `${date}T${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/**
 * A number as the cell shows it, for the formats people use in import files: General, text (@),
 * zero-padded codes (000123), fixed decimals (0.00, #,##0.00) and percentages. Other formats fall
 * back to General. General drops binary noise (0.1+0.2 → 0.3) as Excel does.
 */
export function formatNumber(n: number, numFmt: string | undefined): string {
  if (!Number.isFinite(n)) return '';
  const general = (): string => (Number.isSafeInteger(n) ? String(n) : String(Number.parseFloat(n.toPrecision(15))));
  // A [section] also ends at the next "[": `[^\]]*` was quadratic on a crafted format (review R1).
  const fmt = (numFmt ?? '').split(';')[0]?.replace(/"[^"]*"|\[[^[\]]*\]|\\./g, '') ?? '';
  if (fmt === '' || /^general$/i.test(fmt) || fmt === '@') return general();
  const m = /^(#,##)?(0+)(?:\.(0+))?(%)?$/.exec(fmt.trim());
  if (!m) return general();
  const [, thousands, intZeros = '0', decimals = '', percent] = m;
  const value = percent ? n * 100 : n;
  let text = value.toFixed(decimals.length);
  const neg = text.startsWith('-');
  if (neg) text = text.slice(1);
  let [int = '0', frac] = text.split('.');
  int = int.padStart(intZeros.length, '0');
  if (thousands) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${int}${frac !== undefined ? `.${frac}` : ''}${percent ? '%' : ''}`;
}

interface CellRead {
  text: string;
  formula?: string;
  error?: string;
}

function readCell(cell: ExcelJS.Cell, formulaValues: 'empty' | 'cached'): CellRead {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') return { text: formatNumber(v, cell.numFmt) };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { text: isoDate(v) };
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      const formula = String(o.formula ?? o.sharedFormula ?? '');
      if (formulaValues === 'empty') return { text: '', formula };
      const r = o.result;
      let text = '';
      if (typeof r === 'number') text = formatNumber(r, cell.numFmt);
      else if (typeof r === 'string') text = r;
      else if (typeof r === 'boolean') text = r ? 'TRUE' : 'FALSE';
      else if (r instanceof Date) text = isoDate(r);
      return { text, formula };
    }
    if (Array.isArray(o.richText)) return { text: (o.richText as { text?: string }[]).map((p) => p.text ?? '').join('') };
    if ('error' in o) return { text: '', error: String(o.error) };
    if ('text' in o) {
      const t = o.text;
      if (typeof t === 'string') return { text: t };
      if (t && typeof t === 'object' && Array.isArray((t as { richText?: unknown }).richText)) {
        return { text: ((t as { richText: { text?: string }[] }).richText).map((p) => p.text ?? '').join('') };
      }
    }
  }
  return { text: String(v) };
}

function sniffXlsx(data: Uint8Array): void {
  const b = data;
  // OLE2 compound file: Excel 97–2003 .xls (or .et/.doc) — a different format exceljs cannot read.
  if (b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0) {
    throw new SpreadsheetError(
      'legacy_xls',
      '这是旧版 Excel 97-2003（.xls）文件。请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再导入。',
      'This is an old Excel 97–2003 (.xls) file. Open it in Excel or WPS, save it as an Excel Workbook (.xlsx), and import that.',
    );
  }
  // Every xlsx is a zip archive, which starts with a local file header "PK\3\4".
  if (!(b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)) {
    throw new SpreadsheetError(
      'not_xlsx',
      '这不是 Excel 工作簿（.xlsx）文件（可能是改了扩展名的文本或其他格式）。请上传用 Excel 或 WPS 保存的 .xlsx 文件，或使用下载的模板。',
      'This is not an Excel workbook (.xlsx) — perhaps a text or other file renamed to .xlsx. Upload a .xlsx saved by Excel or WPS, or start from the downloadable template.',
    );
  }
}

const notReadable = (): SpreadsheetError =>
  new SpreadsheetError(
    'corrupt',
    '无法读取这个 .xlsx 文件：文件已损坏或不是 Excel 工作簿。请在 Excel 或 WPS 中打开并重新保存为 .xlsx 后再试。',
    'This .xlsx file cannot be read: it is damaged or not an Excel workbook. Open it in Excel or WPS, save it again as .xlsx, and retry.',
  );

function tooManyRows(n: number, max: number): SpreadsheetError {
  return new SpreadsheetError(
    'too_many_rows',
    `表格有 ${n} 行数据，单次导入上限为 ${max} 行。请拆分成几个文件分别导入。`,
    `The sheet has ${n} data rows; one import takes at most ${max}. Split it into several files.`,
  );
}

/** Header detection shared by xlsx and CSV. Returns the index in `grid` (or -1 for "no header"). */
function pickHeader(grid: { row: number; values: string[] }[], opts: { headerRow?: number; findHeader?: (cells: string[]) => boolean }): number {
  if (opts.findHeader) {
    const limit = Math.min(grid.length, 20);
    for (let i = 0; i < limit; i++) if (opts.findHeader((grid[i] as SheetRow).values)) return i;
    return -2; // not found: caller reports
  }
  const headerRow = opts.headerRow ?? 1;
  if (headerRow === 0) return -1;
  return grid.findIndex((r) => r.row === headerRow);
}

/** Header names a "no header row" hint gives as examples, as each language lists them. */
export interface HeaderExample { zh: string; en: string }
const QUESTION_HEADERS: HeaderExample = { zh: '“题型”“题干”', en: '题型, 题干' };

/** The hint names the headers of the file being read (a roster's 工号, 姓名 … not a question's 题型). */
function headerNotFound(example: HeaderExample = QUESTION_HEADERS): SpreadsheetError {
  return new SpreadsheetError(
    'empty_sheet',
    `在前 20 行中没有找到表头行。请使用下载的模板，表头（如${example.zh}）放在第一行。`,
    `No header row was found in the first 20 rows. Use the downloadable template, with the header (e.g. ${example.en}) in the first row.`,
  );
}

/** JSZip's streaming reader of one entry (documented API, absent from its type declarations). */
interface EntryStream {
  on(event: 'data', cb: (chunk: Uint8Array) => void): EntryStream;
  on(event: 'end', cb: () => void): EntryStream;
  on(event: 'error', cb: (e: unknown) => void): EntryStream;
  pause(): EntryStream;
  resume(): EntryStream;
}

/**
 * Zip bombs: a few MB of deflate can inflate to gigabytes, and exceljs inflates every part into
 * one string. The parts are first inflated chunk by chunk with JSZip (the zip library exceljs
 * itself uses) and counted; past the limit the stream stops and the file is refused. Costs one
 * extra inflate pass (~50 ms for a 5,000-row sheet).
 */
async function checkInflatedSize(data: Uint8Array, limit: number): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(data);
  } catch {
    throw notReadable();
  }
  // A .docx/.pptx/.zip renamed to .xlsx is a zip too; a workbook has xl/workbook.xml.
  if (!Object.keys(zip.files).some((n) => n.replace(/^\//, '').toLowerCase() === 'xl/workbook.xml')) {
    throw new SpreadsheetError(
      'not_xlsx',
      '这不是 Excel 工作簿（.xlsx）：文件是压缩包，但里面没有工作簿（可能是 Word/PowerPoint 文件或改了扩展名的 zip）。请上传 .xlsx 文件。',
      'This is not an Excel workbook (.xlsx): it is a zip archive without a workbook inside (perhaps a Word or PowerPoint file, or a renamed zip). Upload an .xlsx file.',
    );
  }
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    await new Promise<void>((resolve, reject) => {
      const stream = (entry as unknown as { internalStream(type: 'uint8array'): EntryStream }).internalStream('uint8array');
      let stopped = false;
      stream
        .on('data', (chunk) => {
          total += chunk.byteLength;
          if (total > limit && !stopped) {
            stopped = true;
            stream.pause();
            reject(
              new SpreadsheetError(
                'too_large',
                `文件解压后超过 ${mb(limit)} MB，无法处理（可能含有大量空白格式或不是正常的工作簿）。请删除多余的行列或拆分后再导入。`,
                `The file inflates to more than ${mb(limit)} MB, which is refused (it may hold masses of formatted empty cells, or not be a normal workbook). Delete unused rows and columns, or split it.`,
              ),
            );
          }
        })
        .on('error', () => reject(notReadable()))
        .on('end', () => resolve())
        .resume();
    });
  }
}

/**
 * Merged ranges ("A3:B4"). exceljs keeps them in `_merges` (master address → Range); the public
 * `worksheet.model` getter would serialise every row of the sheet just to list them, which costs
 * seconds on a 5,000-row sheet, so the internal map is read when present.
 */
function mergedRanges(ws: ExcelJS.Worksheet): string[] {
  const internal = (ws as unknown as { _merges?: Record<string, { tl?: string; br?: string }> })._merges;
  if (internal && typeof internal === 'object') {
    return Object.values(internal).flatMap((r) => (r && r.tl && r.br ? [`${r.tl}:${r.br}`] : []));
  }
  return ws.model.merges ?? [];
}

export async function readSheetRows(data: Uint8Array, opts: ReadSheetOptions = {}): Promise<SheetData> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  checkSize(data, maxBytes, '.xlsx');
  sniffXlsx(data);

  await checkInflatedSize(data, opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES);

  const wb = new ExcelJS.Workbook();
  try {
    // exceljs accepts a Buffer/ArrayBuffer; hand it an exact ArrayBuffer copy (works in Node and browsers).
    const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    await wb.xlsx.load(ab);
  } catch {
    throw notReadable();
  }
  const sheets = wb.worksheets;
  const sheetNames = sheets.map((s) => s.name);
  if (sheets.length === 0) {
    throw new SpreadsheetError('empty_workbook', '工作簿里没有工作表。', 'The workbook has no worksheets.');
  }
  let ws: ExcelJS.Worksheet | undefined;
  const want = opts.sheet;
  if (typeof want === 'string') ws = sheets.find((s) => s.name === want);
  else if (Array.isArray(want)) ws = want.map((n) => sheets.find((s) => s.name === n)).find((s) => s !== undefined) ?? sheets[0];
  else ws = sheets[(want as number | undefined) ?? 0];
  if (!ws) {
    throw new SpreadsheetError(
      'sheet_not_found',
      `找不到工作表“${String(opts.sheet)}”。工作簿中的工作表：${sheetNames.join('、')}。`,
      `There is no worksheet "${String(opts.sheet)}". The workbook has: ${sheetNames.join(', ')}.`,
    );
  }
  // rowCount is the last used row number: a cheap bound before reading any cell.
  if (ws.actualRowCount - 1 > maxRows) throw tooManyRows(ws.actualRowCount - 1, maxRows);
  if (ws.columnCount > MAX_COLUMNS) {
    throw new SpreadsheetError(
      'too_many_columns',
      `工作表有 ${ws.columnCount} 列，超过 ${MAX_COLUMNS} 列的上限。请删除多余的列。`,
      `The sheet has ${ws.columnCount} columns, more than the limit of ${MAX_COLUMNS}. Delete the unused columns.`,
    );
  }

  const formulaValues = opts.formulaValues ?? 'empty';
  const grid: SheetRow[] = [];
  // Per cell: raw findings, located once the header is known.
  const pending: { kind: CellIssueKind; row: number; col0: number; extra: string }[] = [];
  ws.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const values: string[] = [];
    let any = false;
    r.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      const col0 = colNumber - 1;
      // A merged range reports its value in every cell; only the top-left (master) holds it.
      if (cell.isMerged && cell.master !== cell) return;
      const read = readCell(cell, formulaValues);
      if (read.formula !== undefined) pending.push({ kind: 'formula', row: rowNumber, col0, extra: `=${read.formula}` });
      if (read.error !== undefined) pending.push({ kind: 'error', row: rowNumber, col0, extra: read.error });
      if (read.text !== '' && looksLikeMarkup(read.text)) pending.push({ kind: 'html', row: rowNumber, col0, extra: '' });
      values[col0] = read.text;
      if (read.text.trim() !== '' || read.formula !== undefined) any = true;
    });
    for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
    if (any) grid.push({ row: rowNumber, values });
  });
  // Merged ranges: one issue per range, at its top-left cell, naming the range.
  for (const range of mergedRanges(ws)) {
    const m = /^([A-Z]+)(\d+)/.exec(range);
    if (!m) continue;
    const col0 = [...(m[1] as string)].reduce((acc, ch) => acc * 26 + (ch.charCodeAt(0) - 64), 0) - 1;
    pending.push({ kind: 'merged', row: Number(m[2]), col0, extra: range });
  }

  if (grid.length === 0) {
    throw new SpreadsheetError('empty_sheet', `工作表“${ws.name}”是空的。`, `The worksheet "${ws.name}" is empty.`);
  }
  const h = pickHeader(grid, opts);
  if (h === -2) throw headerNotFound(opts.headerExample);
  const header = h >= 0 ? (grid[h] as SheetRow).values.map((v) => v.trim()) : [];
  const headerRow = h >= 0 ? (grid[h] as SheetRow).row : 0;
  const rows = grid.filter((r) => r.row > headerRow);
  if (rows.length > maxRows) throw tooManyRows(rows.length, maxRows);
  pending.sort((a, b) => a.row - b.row || a.col0 - b.col0);
  const issues = pending.map((p) => {
    const i = issue(p.kind, p.row, p.col0, header[p.col0] ?? '', p.extra);
    const last = p.kind === 'merged' ? /:[A-Z]+(\d+)$/.exec(p.extra) : null;
    if (last) i.lastRow = Number(last[1]);
    return i;
  });
  return { sheetName: ws.name, sheetNames, headerRow, header, rows, issues };
}

// ---------------------------------------------------------------------------------------------
// Reading CSV

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gbk';

export interface ReadCsvOptions {
  maxBytes?: number;
  maxRows?: number;
  headerRow?: number;
  findHeader?: (cells: string[]) => boolean;
  headerExample?: HeaderExample;
}

/** Decodes CSV bytes: BOMs first, then strict UTF-8, then GBK (GB18030 decoder, a superset). */
export function decodeText(data: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(data.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (data[0] === 0xff && data[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(data.subarray(2)), encoding: 'utf-16le' };
  if (data[0] === 0xfe && data[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(data.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(data), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gbk').decode(data), encoding: 'gbk' };
  }
}

export async function readCsvRows(data: Uint8Array, opts: ReadCsvOptions = {}): Promise<SheetData & { encoding: CsvEncoding }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  checkSize(data, maxBytes, 'CSV');
  // A zip (xlsx) or OLE file sent as CSV would decode into garbage rows; say what it is instead.
  if ((data[0] === 0x50 && data[1] === 0x4b) || (data[0] === 0xd0 && data[1] === 0xcf)) {
    throw new SpreadsheetError(
      'not_text',
      '这是 Excel 文件，不是 CSV。请按 Excel（.xlsx）格式上传。',
      'This is an Excel file, not CSV. Upload it as an Excel (.xlsx) file instead.',
    );
  }
  const { text, encoding } = decodeText(data);
  if (text.includes('\u0000')) {
    throw new SpreadsheetError('not_text', '这不是文本（CSV）文件。', 'This is not a text (CSV) file.');
  }
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const grid: SheetRow[] = [];
  parsed.data.forEach((cells, i) => {
    if (!Array.isArray(cells) || cells.every((c) => String(c).trim() === '')) return;
    grid.push({ row: i + 1, values: cells.map((c) => String(c)) });
  });
  if (grid.length === 0) throw new SpreadsheetError('empty_sheet', 'CSV 文件里没有内容。', 'The CSV file has no content.');
  const h = pickHeader(grid, opts);
  if (h === -2) throw headerNotFound(opts.headerExample);
  const header = h >= 0 ? (grid[h] as SheetRow).values.map((v) => v.trim()) : [];
  const headerRow = h >= 0 ? (grid[h] as SheetRow).row : 0;
  const rows = grid.filter((r) => r.row > headerRow);
  if (rows.length > maxRows) throw tooManyRows(rows.length, maxRows);
  const issues: CellIssue[] = [];
  for (const r of rows) {
    r.values.forEach((v, c) => {
      if (looksLikeMarkup(v)) issues.push(issue('html', r.row, c, header[c] ?? ''));
    });
  }
  return { sheetName: 'CSV', sheetNames: ['CSV'], headerRow, header, rows, issues, encoding };
}

// ---------------------------------------------------------------------------------------------
// Writing xlsx

export type WriteCell = string | number | boolean | Date | null | undefined;

export interface ColumnSpec {
  header: string;
  /** Width in characters (a CJK character counts about 2); default from the header length. */
  width?: number;
  /** Excel number format for numbers/dates in this column, e.g. '0.00', 'yyyy-mm-dd hh:mm'. */
  numFmt?: string;
}

export interface SheetSpec {
  /** Sheet name (Chinese is fine); characters Excel forbids are replaced, cut to 31 characters. */
  name: string;
  columns: ColumnSpec[];
  /** An array, any iterable, or an async iterable (rows are written as they come). */
  rows: readonly (readonly WriteCell[])[] | SheetRows;
  /** Freeze the header row (default true). */
  freezeHeader?: boolean;
  /** Also freeze this many leading columns (e.g. 1 for a name column). */
  freezeColumns?: number;
  /** Filter buttons on the header row (Excel's 筛选), over every column. */
  autoFilter?: boolean;
}

export interface CoverSpec {
  title: string;
  period?: string;
  scope?: string;
  generatedAt: Date | string;
  generatedBy?: string;
  /** Extra lines (e.g. what the figures mean). */
  notes?: string[];
  /** Sheet name, default 封面. */
  sheetName?: string;
  /** Label language, default zh. */
  locale?: 'zh' | 'en';
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  /** A function is called after the sheets are written (so it can state totals); the cover is still the first sheet. */
  cover?: CoverSpec | (() => CoverSpec);
  /** Workbook metadata (File → Properties). */
  creator?: string;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } };

/** Text for a cell: formula-looking strings get a leading apostrophe (see src/core/csv.ts). */
function safeText(s: string): string {
  return neutraliseFormula(s);
}

function sheetName(name: string, used: Set<string>): string {
  // Excel forbids : \ / ? * [ ] in sheet names, a leading/trailing apostrophe, and > 31 characters.
  let base = name.replace(/[:\\/?*[\]]/g, '_').replace(/^'+|'+$/g, '').trim() || 'Sheet';
  base = [...base].slice(0, 31).join('');
  let out = base;
  for (let i = 2; used.has(out.toLowerCase()); i++) {
    const suffix = `(${i})`;
    out = [...base].slice(0, 31 - suffix.length).join('') + suffix;
  }
  used.add(out.toLowerCase());
  return out;
}

/** Display width of a string: CJK and full-width characters count as 2. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

function setValue(cell: ExcelJS.Cell, v: WriteCell, numFmt: string | undefined): void {
  if (v === null || v === undefined) return;
  if (typeof v === 'string') {
    // A plain string value is stored as a string cell; exceljs only writes formulas for { formula } objects.
    cell.value = safeText(v);
    return;
  }
  if (typeof v === 'number') {
    if (Number.isFinite(v)) {
      cell.value = v;
      if (numFmt) cell.numFmt = numFmt;
    }
    return;
  }
  if (typeof v === 'boolean') {
    cell.value = v;
    return;
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return;
    cell.value = v;
    cell.numFmt = numFmt ?? 'yyyy-mm-dd hh:mm';
  }
}

/** Rows of a sheet: an array, any iterable, or an async iterable (e.g. pages from a database cursor). */
export type SheetRows = Iterable<readonly WriteCell[]> | AsyncIterable<readonly WriteCell[]>;

function headerStyle(cell: ExcelJS.Cell, text: string): void {
  cell.value = safeText(text);
  cell.font = { bold: true };
  cell.fill = HEADER_FILL;
  cell.alignment = { vertical: 'middle', wrapText: true };
  cell.border = { bottom: { style: 'thin', color: { argb: 'FF8EA9C8' } } };
}

function sheetViews(s: SheetSpec): Partial<ExcelJS.WorksheetView>[] {
  const freeze = s.freezeHeader ?? true;
  return freeze || s.freezeColumns ? [{ state: 'frozen', xSplit: s.freezeColumns ?? 0, ySplit: freeze ? 1 : 0 }] : [];
}

function fillCover(ws: ExcelJS.Worksheet, c: CoverSpec): void {
  const zh = (c.locale ?? 'zh') === 'zh';
  ws.getColumn(1).width = 14;
  ws.getColumn(2).width = 60;
  const title = ws.getCell('A1');
  title.value = safeText(c.title);
  title.font = { bold: true, size: 16 };
  ws.mergeCells('A1:B1');
  const at = typeof c.generatedAt === 'string' ? c.generatedAt : isoDate(c.generatedAt).replace('T', ' ') || c.generatedAt.toISOString();
  const lines: [string, string | undefined][] = [
    [zh ? '统计期间' : 'Period', c.period],
    [zh ? '范围' : 'Scope', c.scope],
    [zh ? '生成时间' : 'Generated at', at],
    [zh ? '生成人' : 'Generated by', c.generatedBy],
  ];
  let r = 3;
  for (const [label, value] of lines) {
    if (value === undefined || value === '') continue;
    ws.getCell(r, 1).value = label;
    ws.getCell(r, 1).font = { bold: true };
    ws.getCell(r, 2).value = safeText(value);
    r++;
  }
  if (c.notes?.length) {
    r++;
    for (const note of c.notes) {
      ws.getCell(r, 1).value = safeText(note);
      ws.mergeCells(r, 1, r, 2);
      ws.getCell(r, 1).alignment = { wrapText: true, vertical: 'top' };
      r++;
    }
  }
}

const coverName = (c: CoverSpec) => c.sheetName ?? ((c.locale ?? 'zh') === 'zh' ? '封面' : 'Cover');

/**
 * Writes the xlsx with exceljs's streaming writer (`stream.xlsx.WorkbookWriter`): each row is
 * committed (serialised and handed to the zip) as soon as it is produced, strings are written inline
 * (`useSharedStrings: false`, so no string table is held), and no cell model of the whole workbook
 * is kept — the in-memory `Workbook` took ~100 s for 100,000 rows × 18 columns. Rows may come from
 * an async iterable, so a caller can feed pages straight from a database cursor. A cover given as a
 * function is evaluated after every sheet has been written (for totals), but stays the first sheet:
 * sheet order is the order of `addWorksheet`, and a sheet's zip entry opens only on its first write.
 * In a browser bundle exceljs has no streaming writer; there the in-memory workbook is used.
 */
export async function writeWorkbook(spec: WorkbookSpec): Promise<Uint8Array> {
  const Writer = (ExcelJS as unknown as { stream?: { xlsx?: { WorkbookWriter?: typeof ExcelJS.stream.xlsx.WorkbookWriter } } }).stream?.xlsx?.WorkbookWriter;
  if (!Writer) return writeWorkbookInMemory(spec);
  const { Writable } = await import('node:stream');
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  const wb = new Writer({ stream: sink, useStyles: true, useSharedStrings: false });
  wb.creator = spec.creator ?? '消保学堂';
  wb.created = new Date();
  const used = new Set<string>();
  const coverWs = spec.cover ? wb.addWorksheet(sheetName(coverName(typeof spec.cover === 'function' ? spec.cover() : spec.cover), used)) : null;
  for (const s of spec.sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used), { views: sheetViews(s) });
    if (s.autoFilter && s.columns.length) ws.autoFilter = `A1:${columnLetter(s.columns.length - 1)}1`;
    // Column widths are written with the sheet's opening XML, i.e. before the first row is committed.
    s.columns.forEach((col, i) => {
      ws.getColumn(i + 1).width = col.width ?? Math.min(60, Math.max(8, displayWidth(col.header) + 4));
    });
    const headerRow = ws.getRow(1);
    s.columns.forEach((col, i) => headerStyle(headerRow.getCell(i + 1), col.header));
    headerRow.commit();
    // exceljs gives every new cell its own style object and, on commit, renders each one to find its
    // style id unless it has seen that very object before (a WeakMap): one shared object per column
    // and kind makes that lookup a hit (a third of the writing time for 100,000 rows otherwise).
    const plain: Partial<ExcelJS.Style> = {};
    const numStyles = s.columns.map((c) => (c.numFmt ? { numFmt: c.numFmt } : plain));
    const dateStyles = s.columns.map((c) => ({ numFmt: c.numFmt ?? 'yyyy-mm-dd hh:mm' }));
    let r = 2;
    for await (const values of s.rows as SheetRows) {
      const row = ws.getRow(r++);
      values.forEach((v, ci) => {
        const cell = row.getCell(ci + 1);
        setValue(cell, v, undefined);
        cell.style = (v instanceof Date ? dateStyles[ci] : typeof v === 'number' ? numStyles[ci] : plain) ?? plain;
      });
      row.commit();
    }
    ws.commit();
  }
  if (coverWs && spec.cover) {
    fillCover(coverWs as unknown as ExcelJS.Worksheet, typeof spec.cover === 'function' ? spec.cover() : spec.cover);
    coverWs.commit();
  }
  const done = new Promise<void>((resolve, reject) => { sink.on('finish', resolve); sink.on('error', reject); });
  await wb.commit();
  await done;
  const buf = Buffer.concat(chunks);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The in-memory workbook (browsers, where exceljs has no streaming writer). */
async function writeWorkbookInMemory(spec: WorkbookSpec): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = spec.creator ?? '消保学堂';
  wb.created = new Date();
  const used = new Set<string>();
  const coverWs = spec.cover ? wb.addWorksheet(sheetName(coverName(typeof spec.cover === 'function' ? spec.cover() : spec.cover), used)) : null;
  for (const s of spec.sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used), { views: sheetViews(s) });
    if (s.autoFilter && s.columns.length) ws.autoFilter = `A1:${columnLetter(s.columns.length - 1)}1`;
    s.columns.forEach((col, i) => {
      ws.getColumn(i + 1).width = col.width ?? Math.min(60, Math.max(8, displayWidth(col.header) + 4));
    });
    const headerRow = ws.getRow(1);
    s.columns.forEach((col, i) => headerStyle(headerRow.getCell(i + 1), col.header));
    let r = 2;
    for await (const values of s.rows as SheetRows) {
      const row = ws.getRow(r++);
      values.forEach((v, ci) => setValue(row.getCell(ci + 1), v, s.columns[ci]?.numFmt));
    }
  }
  if (coverWs && spec.cover) fillCover(coverWs, typeof spec.cover === 'function' ? spec.cover() : spec.cover);
  // Node gives a Buffer (a Uint8Array), browsers an ArrayBuffer.
  const buf = (await wb.xlsx.writeBuffer()) as unknown as ArrayBuffer | Uint8Array;
  return buf instanceof Uint8Array ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(buf as ArrayBuffer);
}
