// Org tree: 总行 → 分行 → 支行/部门/网点. HR (and trainers) read their subtree; administrators edit.
//   GET   /api/org-units                 → {units: [{id, code, name, kind, parentId, path, closedAt, people}]}
//   POST  /api/org-units {code, name, kind, parentId}                       admin: add
//   PATCH /api/org-units/:id {name?, kind?, parentId?, closed?: boolean}     admin: rename, move, close/reopen
// Moving rewrites the whole subtree's paths (database trigger); closing keeps the unit as history
// and is refused while active people or open sub-units remain (409 with the numbers).
// Open units under one parent have distinct names (adding, renaming, moving and reopening are
// refused with 409 org_name_taken; the unique index org_units_open_sibling_name_uq backs it up).
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson, HttpProblem } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser, type Tx } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireRole } from './_lib/manage.ts';

const KINDS = ['head_office', 'branch', 'sub_branch', 'outlet', 'department'] as const;
const Name = z.string().trim().min(1, 'Enter a name.').max(100, 'At most 100 characters.');

const CreateBody = z.strictObject({
  // Refinements carry a code the page says in its language (src/core/field-codes.ts, src/i18n/org.ts err.*).
  code: z.string().trim().refine((c) => /^[A-Za-z0-9-]{1,32}$/.test(c), { message: 'A code has 1–32 letters, digits or "-" (for example QD-SN).', params: { code: 'bad_org_code' } }),
  name: Name,
  kind: z.enum(KINDS),
  parentId: z.uuid('Choose the parent unit.'),
});

const UpdateBody = z.strictObject({
  name: Name.optional(),
  kind: z.enum(KINDS).optional(),
  parentId: z.uuid('Choose the new parent unit.').optional(),
  closed: z.boolean().optional(),
}).refine((b) => Object.keys(b).length > 0, { message: 'Send at least one of name, kind, parentId, closed.', params: { code: 'nothing_to_change' } });

function orgProblem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return new HttpProblem(status, status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : 'Bad Request', detail, { code, ...extra },
    `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

const unitView = (u: Record<string, unknown>) => ({
  id: u.id as string, code: u.code as string, name: u.name as string, kind: u.kind as string,
  parentId: (u.parent_id as string | null) ?? null, path: u.path as string,
  closedAt: u.closed_at ? (u.closed_at as Date).toISOString() : null,
  people: Number(u.people ?? 0),
});

async function loadUnit(tx: Tx, id: string) {
  const [u] = await tx`select id, code, name, kind, parent_id, path, closed_at from app.org_units where id = ${id}::uuid`;
  if (!u) throw orgProblem(404, 'org_not_found', 'There is no org unit with this id in your scope.');
  return u;
}

/** One field's error: the English for API clients and the code the page translates (src/i18n/org.ts err.*). */
const fieldError = (field: string, code: string, english: string, params: Record<string, string> = {}) =>
  ({ errors: { [field]: english }, fieldCodes: { [field]: { code, params } } });

/** Where a sibling-name clash is shown: the name field when adding or renaming, the parent select when moving. */
interface NameCheck { field: 'name' | 'parentId' | null; name: string; parentName: string; other?: string }

function nameTaken(c: NameCheck): HttpProblem {
  const params = { name: c.name, parent: c.parentName, ...(c.other ? { other: c.other } : {}) };
  const english = `${c.parentName} already has an open unit called ${c.name}${c.other ? ` (${c.other})` : ''}. Choose another name, or close or rename that unit first.`;
  return orgProblem(409, 'org_name_taken', english, { params, ...(c.field ? fieldError(c.field, 'org_name_taken', english, params) : {}) });
}

/**
 * The open unit under `parentId` (other than `selfId`) whose name reads the same as `name`, compared as
 * the unique index does (NFKC, white space collapsed, trimmed): null when there is none. Its parent's
 * name comes back too, for the message.
 */
async function siblingNamed(tx: Tx, parentId: string, name: string, selfId: string | null) {
  const [r] = await tx`
    select p.name as parent_name, s.code as other
    from app.org_units p
    left join app.org_units s on s.parent_id = p.id and s.closed_at is null
      and s.id is distinct from ${selfId}::uuid
      and btrim(regexp_replace(normalize(s.name, NFKC), '\\s+', ' ', 'g')) = btrim(regexp_replace(normalize(${name}::text, NFKC), '\\s+', ' ', 'g'))
    where p.id = ${parentId}::uuid
    limit 1`;
  return { parentName: (r?.parent_name as string | undefined) ?? '', other: (r?.other as string | null | undefined) ?? null };
}

/** Database refusals from the path/close triggers and unique indexes, as field errors a person can act on. */
function mapTriggerError(err: unknown, names?: NameCheck): never {
  const e = err as { code?: string; hint?: string; message?: string; constraint_name?: string; constraint?: string };
  // A concurrent add/rename won the race past siblingNamed(): the index says the same thing.
  if (e.code === '23505' && names && (e.constraint_name ?? e.constraint ?? e.message ?? '').includes('org_units_open_sibling_name_uq')) throw nameTaken(names);
  if (e.hint === 'org_move_cycle') throw orgProblem(400, 'org_move_cycle', e.message!, fieldError('parentId', 'org_move_cycle', e.message!));
  if (e.hint === 'org_parent_closed') throw orgProblem(400, 'org_parent_closed', e.message!, fieldError('parentId', 'org_parent_closed', e.message!));
  if (e.hint === 'org_close_not_empty') throw orgProblem(409, 'org_close_not_empty', e.message!);
  if (e.code === '23505') throw orgProblem(409, 'org_code_taken', 'Another unit already has this code.', fieldError('code', 'org_code_taken', 'Another unit already has this code.'));
  throw err;
}

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const units = await asUser(claims, async (tx) => {
      await requireRole(tx, ['trainer', 'hr', 'admin'], 'trainers, HR and administrators');
      return tx`
        select o.id, o.code, o.name, o.kind, o.parent_id, o.path, o.closed_at, coalesce(c.n, 0)::int as people
        from app.org_units o
        left join (select org_unit_id, count(*) as n from app.members where active group by org_unit_id) c on c.org_unit_id = o.id
        order by o.path`;
    });
    return json({ units: units.map(unitView) });
  },

  async POST(req, { params }) {
    const claims = await requireUser(req);
    if (params.id) throw orgProblem(404, 'org_not_found', 'POST a new unit to /api/org-units.');
    const body = await readJson(req, CreateBody);
    const unit = await asUser(claims, async (tx) => {
      await requireRole(tx, ['admin'], 'administrators');
      await loadUnit(tx, body.parentId);
      const sib = await siblingNamed(tx, body.parentId, body.name, null);
      const names: NameCheck = { field: 'name', name: body.name, parentName: sib.parentName };
      if (sib.other) throw nameTaken({ ...names, other: sib.other });
      try {
        const [u] = await tx`
          insert into app.org_units (code, name, kind, parent_id) values (${body.code}, ${body.name}, ${body.kind}, ${body.parentId}::uuid)
          returning id, code, name, kind, parent_id, path, closed_at`;
        return u!;
      } catch (err) {
        return mapTriggerError(err, names);
      }
    });
    return json(unitView(unit), 201);
  },

  async PATCH(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'org unit');
    const body = await readJson(req, UpdateBody);
    const unit = await asUser(claims, async (tx) => {
      await requireRole(tx, ['admin'], 'administrators');
      const before = await loadUnit(tx, id);
      if (body.parentId !== undefined && before.parent_id === null) {
        throw orgProblem(400, 'org_move_root', 'The head office is the root of the tree and cannot be moved.', fieldError('parentId', 'org_move_root', 'The root cannot be moved.'));
      }
      if (body.closed === true && before.closed_at === null) {
        // Checked here to answer with the numbers; the database trigger enforces the same rule.
        const [left] = await tx`
          select (select count(*)::int from app.members m join app.org_units o on o.id = m.org_unit_id
                  where m.active and o.path like ${before.path as string} || '%') as people,
                 (select count(*)::int from app.org_units where parent_id = ${id}::uuid and closed_at is null) as units`;
        const people = left!.people as number;
        const units = left!.units as number;
        if (people > 0 || units > 0) {
          throw orgProblem(409, 'org_close_not_empty',
            `${before.name as string} still has ${people} active ${people === 1 ? 'person' : 'people'} and ${units} open sub-unit${units === 1 ? '' : 's'}. Move them to another unit first, then close it.`,
            { people, units, params: { name: before.name as string, people, units } });
        }
      }
      // The unit as it will be: open under its (new) parent with its (new) name must not repeat a sibling's name.
      const parentAfter = body.parentId ?? (before.parent_id as string | null);
      const openAfter = body.closed === undefined ? before.closed_at === null : !body.closed;
      let names: NameCheck | undefined;
      if (parentAfter && openAfter && (body.name !== undefined || body.parentId !== undefined || body.closed === false)) {
        const nameAfter = body.name ?? (before.name as string);
        const sib = await siblingNamed(tx, parentAfter, nameAfter, id);
        names = { field: body.name !== undefined ? 'name' : body.parentId !== undefined ? 'parentId' : null, name: nameAfter, parentName: sib.parentName };
        if (sib.other) throw nameTaken({ ...names, other: sib.other });
      }
      try {
        const [u] = await tx`
          update app.org_units set
            name = coalesce(${body.name ?? null}, name),
            kind = coalesce(${body.kind ?? null}, kind),
            parent_id = coalesce(${body.parentId ?? null}::uuid, parent_id),
            closed_at = case when ${body.closed ?? null}::boolean is null then closed_at
                             when ${body.closed ?? null}::boolean then coalesce(closed_at, now()) else null end
          where id = ${id}::uuid
          returning id, code, name, kind, parent_id, path, closed_at`;
        return u!;
      } catch (err) {
        return mapTriggerError(err, names);
      }
    });
    return json(unitView(unit));
  },
});

export const config: Config = { path: ['/api/org-units', '/api/org-units/:id'] };
