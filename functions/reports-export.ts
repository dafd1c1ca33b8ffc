// GET /api/reports/export?period=2026Q4&org=QD&basis=period_end&assignmentId=&format=xlsx|csv&rows=detail|person   HR/admin
//   The appraisal export: one row per person and assignment (+ a per-person sheet and a cover sheet in
//   xlsx). CSV with rows=person is the per-person sheet alone (人员汇总: a whole bank in 100,000 rows).
//   Scope and checks are settled first (problem+json on any error); the file follows.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { badRequest, handle, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser, asUserOnOneSnapshot } from './_lib/db.ts';
import { requireHr } from './_lib/assignments.ts';
import { ReportQuerySchema, reportUnit } from './_lib/reports.ts';
import { exportCsvStream, exportFileName, exportXlsx, XLSX_MAX_ROWS, type ExportMeta } from './_lib/export.ts';

const ExportSchema = ReportQuerySchema.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx'), rows: z.enum(['detail', 'person']).default('detail') });

const disposition = (name: string) => `attachment; filename="export.${name.split('.').pop()}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const { format, rows, ...query } = parseWith(ExportSchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const meta: ExportMeta = await asUser(claims, async (tx) => {
      const me = await requireHr(tx);
      const { unit } = await reportUnit(tx, me, query.org);
      return { me, unit, query, generatedAt: new Date() };
    });
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (format === 'csv') {
      return new Response(exportCsvStream((workers, fn) => asUserOnOneSnapshot(claims, workers, fn), meta, rows), {
        headers: { ...headers, 'content-type': 'text/csv; charset=utf-8', 'content-disposition': disposition(exportFileName(meta, 'csv', rows)) },
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = await asUser(claims, (tx) => exportXlsx(tx, meta));
    } catch (err) {
      if (err instanceof RangeError) {
        throw badRequest(`More than ${XLSX_MAX_ROWS} rows: export CSV or narrow the scope.`, {
          code: 'xlsx_too_many_rows', params: { max: XLSX_MAX_ROWS },
          errors: { format: 'too many rows for xlsx' }, fieldCodes: { format: { code: 'xlsx_too_many_rows', params: { max: XLSX_MAX_ROWS } } },
        });
      }
      throw err;
    }
    return new Response(bytes as BodyInit, {
      headers: { ...headers, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'content-disposition': disposition(exportFileName(meta, 'xlsx')) },
    });
  },
});

export const config: Config = { path: '/api/reports/export' };
