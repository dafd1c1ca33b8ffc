// POST /api/manage/imports?bank=&format=&name=    body: the file's bytes (application/octet-stream), at most 6 MB
//        → 201 {import, rows}   parsed and stored; nothing is written to the bank yet (the preview)
// GET  /api/manage/imports/:importId              → {import, rows}   the stored preview
// POST /api/manage/imports/:importId/commit       → {result, import}  writes exactly the stored valid rows; idempotent
// Formats: xlsx (the template) or csv in the same layout, gift, moodle-xml, aiken. Only the uploader, for a bank they manage.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { badRequest, handle, json, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireTrainer } from './_lib/banks/banks.ts';
import { commitImport, createImport, formatOf, loadImport, MAX_UPLOAD_BYTES, tooLarge } from './_lib/banks/imports.ts';

const UploadQuery = z.strictObject({
  bank: z.string().min(1).max(80),
  format: z.enum(['xlsx', 'csv', 'gift', 'moodle-xml', 'aiken']).optional(),
  name: z.string().min(1).max(255).default('upload'),
});

/** The body, refusing more than the limit without holding it all (Content-Length first, then as it streams). */
async function readFile(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) throw tooLarge(declared);
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_UPLOAD_BYTES) throw tooLarge(null);
    chunks.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

export default handle({
  async POST(req, { params }) {
    const claims = await requireUser(req);
    if (params.importId) {
      if (!new URL(req.url).pathname.endsWith('/commit')) throw badRequest('POST …/imports/:importId/commit to commit an import.');
      const id = idParam(params, 'importId', 'import');
      return json(await asUser(claims, async (tx) => {
        await requireTrainer(tx);
        const result = await commitImport(tx, id);
        return { result, ...(await loadImport(tx, id)) };
      }));
    }
    const q = parseWith(UploadQuery, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const format = formatOf(q.format ?? null, q.name);
    const bytes = await readFile(req);
    const preview = await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      return createImport(tx, { bankId: q.bank, fileName: q.name, format, bytes });
    });
    return json(preview, 201);
  },
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'importId', 'import');
    return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return loadImport(tx, id); }));
  },
});

export const config: Config = { path: ['/api/manage/imports', '/api/manage/imports/:importId', '/api/manage/imports/:importId/commit'] };
