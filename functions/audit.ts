// GET /api/audit?person=&examId=&period=&action=&before=&limit=   HR/admin: who changed what, when, before and after.
//   → {entries, nextBefore, names: {id: name}}
// RLS decides which entries: admins all, HR the entries about people and units of their subtree, everyone their own.
import type { Config } from '@netlify/functions';
import { handle, json, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireHr } from './_lib/assignments.ts';
import { auditEntries, AuditQuerySchema } from './_lib/reports.ts';
import { auditNames } from './_lib/audit-view.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const q = parseWith(AuditQuerySchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    return json(await asUser(claims, async (tx) => {
      await requireHr(tx);
      const page = await auditEntries(tx, q);
      // names: id → name for the ids in the entries (entity, before/after, reason) the caller may read.
      return { ...page, names: await auditNames(tx, page.entries) };
    }));
  },
});

export const config: Config = { path: '/api/audit' };
