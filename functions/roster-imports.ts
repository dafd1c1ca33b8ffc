// Roster import (HR within their scope, administrators anywhere): parse → stored preview → commit.
//   GET  /api/roster-imports                          recent imports I may see
//   POST /api/roster-imports?name=&fullRoster=&scope=  body: the .xlsx or .csv file (raw bytes)
//                                                     → the stored preview: counts by outcome
//   GET  /api/roster-imports/:id                      one import (summary, status, result)
//   GET  /api/roster-imports/:id/rows?outcome=&offset=&limit=
//                                                     → preview rows: row, outcome, record, changes, problems
//   POST /api/roster-imports/:id/commit {confirmDeactivate?}
//                                                     → {result, accounts: [{employeeNo, name, email, password}]} (shown once)
//   POST /api/roster-imports/:id/cancel
// Nothing but the preview is written until the commit, which applies exactly the stored rows.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, methodNotAllowed, notFound, parseWith, readJson, badRequest } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { commitRoster, importView, loadImport, loadUnits, previewRoster, requireImporter } from './_lib/roster.ts';

const UploadQuery = z.strictObject({
  name: z.string().trim().min(1, 'Give the file name (?name=…).').max(255),
  fullRoster: z.enum(['true', 'false', '1', '0']).optional(),
  scope: z.string().trim().min(1).max(64).optional(),
});

const RowsQuery = z.strictObject({
  outcome: z.enum(['new', 'update', 'unchanged', 'problem', 'deactivate']).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const CommitBody = z.strictObject({
  confirmDeactivate: z.number().int().min(0).max(1_000_000).nullable().optional(),
});

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const url = new URL(req.url);
    if (!params.id) {
      const rows = await asUser(claims, async (tx) => {
        await requireImporter(tx);
        return tx`
          select i.id, i.file_name, i.file_format, i.encoding, i.full_roster, i.status, i.summary, i.created_at, i.committed_at, i.result,
                 m.name as created_by_name
          from app.roster_imports i left join app.members m on m.id = i.created_by
          order by i.created_at desc limit 20`;
      });
      return json({ imports: rows.map(importView) });
    }
    const id = idParam(params, 'id', 'roster import');
    if (params.action === 'rows') {
      const q = parseWith(RowsQuery, Object.fromEntries(url.searchParams), 'The query has invalid parameters.');
      const out = await asUser(claims, async (tx) => {
        await requireImporter(tx);
        await loadImport(tx, id);
        const units = new Map((await loadUnits(tx)).map((u) => [u.id, u]));
        const outcome = q.outcome ?? null;
        // Unchanged rows are kept as arrays (app.roster_import_unchanged, one row per import): the
        // page is cut from both sources by seq first, then its unchanged rows are shown with the
        // member's name and unit (what the file said, or the commit is refused as stale).
        const wantUnchanged = outcome === null || outcome === 'unchanged';
        const [count] = await tx`
          select (select count(*)::int from app.roster_import_rows
                  where import_id = ${id}::uuid and (${outcome}::text is null or outcome = ${outcome}))
               + coalesce((select cardinality(seqs) from app.roster_import_unchanged
                           where import_id = ${id}::uuid and ${wantUnchanged}), 0) as n`;
        const rows = await tx`
          select p.seq, p.row_no, p.outcome, coalesce(p.employee_no, m.employee_no) as employee_no, p.member_id,
                 coalesce(p.draft, case when m.id is not null then jsonb_build_object('name', m.name, 'orgUnitId', m.org_unit_id) end) as draft,
                 p.changes, p.problems
          from (
            select seq, row_no, outcome, employee_no, member_id, draft, changes, problems from app.roster_import_rows
            where import_id = ${id}::uuid and (${outcome}::text is null or outcome = ${outcome})
            union all
            select u.seq, u.row_no, 'unchanged', null, u.member_id, null, null, null
            from app.roster_import_unchanged c
            cross join lateral unnest(c.seqs, c.row_nos, c.member_ids) as u(seq, row_no, member_id)
            where c.import_id = ${id}::uuid and ${wantUnchanged}
            order by seq offset ${q.offset} limit ${q.limit}
          ) p
          left join app.members m on p.outcome = 'unchanged' and p.draft is null and m.id = p.member_id
          order by p.seq`;
        const unitLabel = (unitId: unknown) => {
          const u = typeof unitId === 'string' ? units.get(unitId) : undefined;
          return u ? { id: u.id, code: u.code, name: u.name } : null;
        };
        return {
          total: count!.n as number,
          rows: rows.map((r) => {
            const draft = r.draft as Record<string, unknown> | null;
            const changes = r.changes as Record<string, { from: unknown; to: unknown }> | null;
            if (changes?.orgUnitId) changes.orgUnitId = { from: unitLabel(changes.orgUnitId.from), to: unitLabel(changes.orgUnitId.to) };
            return {
              seq: r.seq as number, row: (r.row_no as number | null) ?? null, outcome: r.outcome as string,
              employeeNo: (r.employee_no as string | null) ?? null, memberId: (r.member_id as string | null) ?? null,
              record: draft ? { employeeNo: r.employee_no as string, position: null, email: null, mobile: null, ...draft, orgUnit: unitLabel(draft.orgUnitId) } : null,
              changes, problems: (r.problems as unknown[] | null) ?? [],
            };
          }),
        };
      });
      return json({ offset: q.offset, limit: q.limit, ...out });
    }
    if (params.action) throw notFound(`Unknown roster import resource "${params.action}".`);
    const imp = await asUser(claims, async (tx) => {
      await requireImporter(tx);
      return loadImport(tx, id);
    });
    return json(importView(imp));
  },

  async POST(req, { params }) {
    const claims = await requireUser(req);
    if (!params.id) {
      const q = parseWith(UploadQuery, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
      const bytes = new Uint8Array(await req.arrayBuffer());
      if (bytes.length === 0) throw badRequest('The request body is empty: send the roster file (.xlsx or .csv) as the body.', { code: 'file_empty' });
      const view = await previewRoster(claims, {
        bytes, fileName: q.name, fullRoster: q.fullRoster === 'true' || q.fullRoster === '1', scope: q.scope ?? null,
      });
      return json(view, 201);
    }
    const id = idParam(params, 'id', 'roster import');
    if (params.action === 'commit') {
      const body = await readJson(req, CommitBody);
      return json(await commitRoster(claims, id, body.confirmDeactivate ?? null));
    }
    if (params.action === 'cancel') {
      await asUser(claims, async (tx) => {
        await requireImporter(tx);
        await loadImport(tx, id);
        await tx`select app.cancel_roster_import(${id}::uuid)`;
      });
      return json({ id, status: 'cancelled' });
    }
    throw methodNotAllowed(['GET']);
  },
});

export const config: Config = { path: ['/api/roster-imports', '/api/roster-imports/:id', '/api/roster-imports/:id/:action'] };
