// Builds roster files for tests and benchmarks: real .xlsx files written with exceljs (formula and
// merged cells included when asked), and uploads them to the roster function as browsers do.
import ExcelJS from 'exceljs';
import type { Harness } from './harness.ts';
import rosterImports from '../../functions/roster-imports.ts';

export const ROSTER_HEADER = ['工号', '姓名', '机构', '岗位', '邮箱', '手机', '角色'];

export type Cell = string | { formula: string } | null;

export async function rosterXlsx(rows: Cell[][], opts: { merges?: string[]; header?: string[]; title?: string } = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  if (opts.title) ws.addRow([opts.title]);
  ws.addRow(opts.header ?? ROSTER_HEADER);
  for (const r of rows) {
    const row = ws.addRow(r.map((c) => (c && typeof c === 'object' ? { formula: c.formula, result: 1 } : c)));
    // 工号 as a text cell, as HR's sheets keep them (leading zeros).
    row.getCell(1).numFmt = '@';
  }
  for (const m of opts.merges ?? []) ws.mergeCells(m);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export function rosterCsv(rows: string[][], header = ROSTER_HEADER): Uint8Array {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return new TextEncoder().encode([header, ...rows].map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n');
}

export async function upload(h: Harness, token: string, bytes: Uint8Array, query: Record<string, string> = {}) {
  const qs = new URLSearchParams({ name: 'roster.xlsx', ...query });
  const req = new Request(`http://127.0.0.1/api/roster-imports?${qs}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  const res = await rosterImports(req, { params: {} });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export function rows(h: Harness, token: string, id: string, query: Record<string, string> = {}) {
  return h.call(rosterImports, { path: `/api/roster-imports/${id}/rows?${new URLSearchParams({ limit: '1000', ...query })}`, token, params: { id, action: 'rows' } });
}

export function commit(h: Harness, token: string, id: string, body: Record<string, unknown> = {}) {
  return h.call(rosterImports, { method: 'POST', path: `/api/roster-imports/${id}/commit`, token, body, params: { id, action: 'commit' } });
}
