// Members (people): HR reads their subtree, administrators edit. Every change is audited by the
// database (app.members triggers); deactivating keeps every record and ends the person's sessions.
//   GET   /api/people?q=&org=&status=active|inactive|all&offset=&limit=
//         → {total, offset, limit, rows: [{id, employeeNo, name, orgUnit, position, email, mobile, roles, scope, active, hasAccount}]}
//   POST  /api/people {employeeNo, name, orgUnitId, position?, email?, mobile?, roles, scopeOrgId?}
//         → {person, account: {email, password}}   (the initial password is shown once; email null unless the person has one)
//   PATCH /api/people/:id {name?, orgUnitId?, position?, email?, mobile?, roles?, scopeOrgId?, active?}
//   POST  /api/people/:id/password   → {email, password}   new initial password (email null unless real); ends the person's sessions
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson, parseWith, HttpProblem, methodNotAllowed } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser, type Tx } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { requireRole } from './_lib/manage.ts';
import { realEmail, syntheticEmail } from './_lib/roster.ts';
import { EMPLOYEE_NO_RE, normaliseEmail, normaliseMobile } from '../src/interop/roster.ts';
import { initialPassword, passwordSha256 } from '../src/server/password-hash.ts';

const ROLES = ['employee', 'trainer', 'hr', 'admin'] as const;

const ListQuery = z.strictObject({
  q: z.string().trim().max(64).optional(),
  org: z.string().trim().max(64).optional(),
  status: z.enum(['active', 'inactive', 'all']).default('active'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const optionalText = (max: number, message: string) =>
  z.string().trim().max(max, message).nullable().optional().transform((v) => (v === '' ? null : v));
const Email = z.string().trim().nullable().optional().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  const e = normaliseEmail(v);
  if (!e) ctx.addIssue({ code: 'custom', message: 'Write an address like name@bank.com, or leave it empty.', params: { code: 'bad_email' } });
  return e;
});
const Mobile = z.string().trim().nullable().optional().transform((v, ctx) => {
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  const m = normaliseMobile(v);
  if (!m) ctx.addIssue({ code: 'custom', message: 'A mobile number has 11 digits starting with 1.', params: { code: 'bad_mobile' } });
  return m;
});
const Roles = z.array(z.enum(ROLES)).min(1, 'Choose at least one role.').transform((r) => [...new Set<string>(['employee', ...r])]);

const CreateBody = z.strictObject({
  // A refinement, not .regex(): its code lets the page say the rule in its language (src/core/field-codes.ts).
  employeeNo: z.string().normalize('NFKC').trim().refine((s) => EMPLOYEE_NO_RE.test(s), {
    message: 'Letters, digits, "-" and "_" only, up to 32 characters (leading zeros are kept).', params: { code: 'bad_employee_no' },
  }),
  name: z.string().trim().min(1, 'Enter the name.').max(64),
  orgUnitId: z.uuid('Choose the org unit.'),
  position: optionalText(64, 'At most 64 characters.'),
  email: Email,
  mobile: Mobile,
  roles: Roles.default(['employee']),
  scopeOrgId: z.uuid().nullable().optional(),
});

const UpdateBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter the name.').max(64).optional(),
  orgUnitId: z.uuid('Choose the org unit.').optional(),
  position: optionalText(64, 'At most 64 characters.'),
  email: Email,
  mobile: Mobile,
  roles: Roles.optional(),
  scopeOrgId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
}).refine((b) => Object.keys(b).length > 0, { message: 'Send at least one field to change.', params: { code: 'nothing_to_change' } });

function peopleProblem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  return new HttpProblem(status, status === 409 ? 'Conflict' : status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : 'Bad Request',
    detail, { code, ...extra }, `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

/** One field's error: the English for API clients and the code the page translates (src/i18n/org.ts err.*). */
const fieldError = (field: string, code: string, english: string) => ({ errors: { [field]: english }, fieldCodes: { [field]: { code, params: {} } } });

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const SELECT = (tx: Tx) => tx`
  m.id, m.employee_no, m.name, m.position, m.email, m.mobile, to_jsonb(m.roles) as roles, m.active, m.deactivated_at,
  m.user_id is not null as has_account, m.updated_at,
  o.id as org_id, o.code as org_code, o.name as org_name, o.path as org_path,
  s.id as scope_id, s.code as scope_code, s.name as scope_name`;

const personView = (r: Record<string, unknown>) => ({
  id: r.id as string,
  employeeNo: r.employee_no as string,
  name: r.name as string,
  orgUnit: { id: r.org_id as string, code: r.org_code as string, name: r.org_name as string, path: r.org_path as string },
  position: (r.position as string | null) ?? null,
  email: (r.email as string | null) ?? null,
  mobile: (r.mobile as string | null) ?? null,
  roles: r.roles as string[],
  scope: r.scope_id ? { id: r.scope_id as string, code: r.scope_code as string, name: r.scope_name as string } : null,
  active: Boolean(r.active),
  deactivatedAt: r.deactivated_at ? (r.deactivated_at as Date).toISOString() : null,
  hasAccount: Boolean(r.has_account),
});

async function loadPerson(tx: Tx, id: string) {
  const [r] = await tx`
    select ${SELECT(tx)} from app.members m
    join app.org_units o on o.id = m.org_unit_id left join app.org_units s on s.id = m.scope_org_id
    where m.id = ${id}::uuid`;
  if (!r) throw peopleProblem(404, 'person_not_found', 'There is no person with this id in your scope.');
  return r;
}

function mapWriteError(err: unknown): never {
  const e = err as { code?: string; hint?: string; message?: string; constraint_name?: string };
  if (e.code === '23505' && /employee_no/.test(e.constraint_name ?? '')) {
    throw peopleProblem(409, 'employee_no_taken', 'Another person already has this employee number.', fieldError('employeeNo', 'employee_no_taken', 'Another person already has this employee number.'));
  }
  if (e.code === '23505' && /email/.test(e.constraint_name ?? '')) {
    throw peopleProblem(409, 'email_taken', 'Another person already uses this email.', fieldError('email', 'email_taken', 'Another person already uses this email.'));
  }
  if (e.hint === 'org_unit_closed') throw peopleProblem(400, 'org_unit_closed', e.message!, fieldError('orgUnitId', 'org_unit_closed', e.message!));
  throw err;
}

/** A new initial password and what the database keeps of it (its SHA-256 until first use). */
function newPassword() {
  const password = initialPassword();
  return { password, hash: passwordSha256(password) };
}

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    if (params.id) {
      const id = idParam(params, 'id', 'person');
      const r = await asUser(claims, async (tx) => {
        await requireRole(tx, ['hr', 'admin'], 'HR and administrators');
        return loadPerson(tx, id);
      });
      return json(personView(r));
    }
    const q = parseWith(ListQuery, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    const out = await asUser(claims, async (tx) => {
      await requireRole(tx, ['hr', 'admin'], 'HR and administrators');
      const term = q.q ? likeEscape(q.q) : null;
      let orgPath: string | null = null;
      if (q.org) {
        const [u] = await tx`select path from app.org_units where id::text = ${q.org} or upper(code) = upper(${q.org})`;
        if (!u) {
          throw peopleProblem(400, 'org_unknown', `There is no org unit "${q.org}" in your scope.`,
            { params: { ref: q.org }, errors: { org: 'Unknown org unit.' }, fieldCodes: { org: { code: 'org_unknown', params: { ref: q.org } } } });
        }
        orgPath = u.path as string;
      }
      const rows = await tx`
        select ${SELECT(tx)}, count(*) over () as total
        from app.members m
        join app.org_units o on o.id = m.org_unit_id
        left join app.org_units s on s.id = m.scope_org_id
        where (${orgPath}::text is null or o.path like ${orgPath} || '%')
          and (${q.status} = 'all' or m.active = (${q.status} = 'active'))
          and (${term}::text is null
               or m.employee_no like ${term} || '%' or upper(m.employee_no) = upper(${q.q ?? ''})
               or m.name like '%' || ${term} || '%'
               or m.email like lower(${term}) || '%' or m.mobile like ${term} || '%')
        order by m.employee_no
        offset ${q.offset} limit ${q.limit}`;
      let total = rows.length ? Number(rows[0]!.total) : 0;
      if (!rows.length && q.offset > 0) {
        const [c] = await tx`
          select count(*)::int as n from app.members m join app.org_units o on o.id = m.org_unit_id
          where (${orgPath}::text is null or o.path like ${orgPath} || '%')
            and (${q.status} = 'all' or m.active = (${q.status} = 'active'))
            and (${term}::text is null or m.employee_no like ${term} || '%' or m.name like '%' || ${term} || '%'
                 or m.email like lower(${term}) || '%' or m.mobile like ${term} || '%')`;
        total = c!.n as number;
      }
      return { total, rows: rows.map(personView) };
    });
    return json({ offset: q.offset, limit: q.limit, ...out });
  },

  async POST(req, { params }) {
    const claims = await requireUser(req);
    if (params.id) {
      if (params.action !== 'password') throw methodNotAllowed(['PATCH']);
      const id = idParam(params, 'id', 'person');
      const { password, hash } = newPassword();
      const email = await asUser(claims, async (tx) => {
        await requireRole(tx, ['admin'], 'administrators');
        const r = await loadPerson(tx, id);
        const [u] = await tx`select app.set_member_password(${id}::uuid, ${(r.email as string | null) ?? syntheticEmail(r.employee_no as string)}, ${hash}) as user_id`;
        const [acct] = await tx`select m.email, m.employee_no from app.members m where m.id = ${id}::uuid`;
        void u;
        // The generated address stays internal: people sign in with their 工号.
        return realEmail(acct!.email as string | null);
      });
      return json({ email, password });
    }
    const body = await readJson(req, CreateBody);
    const { password, hash } = newPassword();
    const out = await asUser(claims, async (tx) => {
      const me = await requireRole(tx, ['admin'], 'administrators');
      void me;
      let row;
      try {
        [row] = await tx`
          insert into app.members (employee_no, name, org_unit_id, position, email, mobile, roles, scope_org_id)
          values (${body.employeeNo}, ${body.name}, ${body.orgUnitId}::uuid, ${body.position ?? null}, ${body.email ?? null},
                  ${body.mobile ?? null}, array(select jsonb_array_elements_text(${tx.json(body.roles)})), ${body.scopeOrgId ?? null}::uuid)
          returning id`;
      } catch (err) {
        mapWriteError(err);
      }
      const email = body.email ?? syntheticEmail(body.employeeNo);
      try {
        await tx`select app.set_member_password(${row!.id as string}::uuid, ${email}, ${hash})`;
      } catch (err) {
        const e = err as { code?: string };
        if (e.code === '23505') throw peopleProblem(409, 'email_taken', 'A sign-in account already uses this email.', fieldError('email', 'email_taken', 'A sign-in account already uses this email.'));
        throw err;
      }
      return { person: personView(await loadPerson(tx, row!.id as string)), account: { email: realEmail(email), password } };
    });
    return json(out, 201);
  },

  async PATCH(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'id', 'person');
    const body = await readJson(req, UpdateBody);
    const person = await asUser(claims, async (tx) => {
      const me = await requireRole(tx, ['admin'], 'administrators');
      const before = await loadPerson(tx, id);
      if (id === me.memberId && (body.active === false || (body.roles && !body.roles.includes('admin')))) {
        throw peopleProblem(400, 'self_change', 'You cannot deactivate yourself or remove your own administrator role; ask another administrator.');
      }
      const has = (k: keyof typeof body) => body[k] !== undefined;
      try {
        await tx`
          update app.members set
            name = case when ${has('name')} then ${body.name ?? null} else name end,
            org_unit_id = case when ${has('orgUnitId')} then ${body.orgUnitId ?? null}::uuid else org_unit_id end,
            position = case when ${has('position')} then ${body.position ?? null} else position end,
            email = case when ${has('email')} then ${body.email ?? null} else email end,
            mobile = case when ${has('mobile')} then ${body.mobile ?? null} else mobile end,
            roles = case when ${has('roles')} then array(select jsonb_array_elements_text(${tx.json(body.roles ?? [])})) else roles end,
            scope_org_id = case when ${has('scopeOrgId')} then ${body.scopeOrgId ?? null}::uuid else scope_org_id end,
            active = case when ${has('active')} then ${body.active ?? null}::boolean else active end
          where id = ${id}::uuid`;
      } catch (err) {
        mapWriteError(err);
      }
      void before;
      return loadPerson(tx, id);
    });
    return json(personView(person));
  },
});

export const config: Config = { path: ['/api/people', '/api/people/:id', '/api/people/:id/:action'] };
