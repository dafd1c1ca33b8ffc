// GET /api/manage/question-export?bank=&format=xlsx|gift|moodle-xml[&ids=a,b,c | &q=&type=&topic=&difficulty=&instrument=&article=&tag=&status=&review=]
//       → the file (attachment): the whole bank, a filtered selection, or the listed questions
// GET /api/manage/question-export?template=1   → the xlsx import template (instructions sheet, one example per type)
// Answer keys leave the server here: only for banks the caller manages, or open banks.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireTrainer } from './_lib/banks/banks.ts';
import { ListQuerySchema } from './_lib/banks/questions.ts';
import { attachment, EXPORT_FORMATS, exportQuestions, templateWorkbook } from './_lib/banks/exports.ts';

const ExportQuery = ListQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(EXPORT_FORMATS).default('xlsx'),
  ids: z.string().max(100_000).optional(),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const params = Object.fromEntries(new URL(req.url).searchParams);
    if (params.template) {
      await asUser(claims, (tx) => requireTrainer(tx));
      const body = await templateWorkbook();
      return new Response(body as BodyInit, { headers: { 'content-type': XLSX, 'content-disposition': attachment('题库导入模板.xlsx'), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } });
    }
    const q = parseWith(ExportQuery, params, 'The query has invalid parameters.');
    const { format, ids, ...filter } = q;
    const list = ids ? [...new Set(ids.split(',').map((s) => s.trim()).filter(Boolean))] : null;
    const out = await asUser(claims, async (tx) => { await requireTrainer(tx); return exportQuestions(tx, filter, list, format); });
    return new Response(out.body as BodyInit, {
      headers: { 'content-type': out.mime, 'content-disposition': attachment(out.fileName), 'x-question-count': String(out.count), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
    });
  },
});

export const config: Config = { path: '/api/manage/question-export' };
