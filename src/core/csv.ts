/**
 * CSV export that is safe to open in Excel/WPS. Used by the results table (trainer/HR) and the HR
 * appraisal export, so the escaping rule lives here once.
 *
 * Formula injection (CSV injection, OWASP): a spreadsheet treats a cell beginning with `=`, `+`,
 * `-`, `@`, tab or carriage return as a formula, so a name such as `=HYPERLINK(…)` typed into a
 * roster would run when HR opens the export. Such cells get a leading `'`, which spreadsheets show
 * as text and do not display. Numbers are written as numbers (a negative number is data, not a
 * formula), so only strings are guarded.
 *
 * Quoting follows RFC 4180: a field containing `"`, `,`, CR or LF is wrapped in quotes with
 * quotes doubled. Rows end with CRLF. `toCsv` can prepend a UTF-8 BOM, without which Excel opens
 * Chinese text as mojibake.
 */

export type CsvCell = string | number | boolean | null | undefined | Date;

const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell's text with formula-looking strings neutralised (no CSV quoting yet). */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field: guarded against formula injection, then quoted when needed. */
export function csvField(value: CsvCell): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? '' : value.toISOString();
  else text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface ToCsvOptions {
  /** Prepend U+FEFF so Excel detects UTF-8 (default true). */
  bom?: boolean;
}

/** The whole document: a header row, then data rows, CRLF-separated. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], options: ToCsvOptions = {}): string {
  const lines = [header, ...rows].map((row) => row.map(csvField).join(','));
  return (options.bom === false ? '' : '\uFEFF') + lines.join('\r\n') + '\r\n';
}
