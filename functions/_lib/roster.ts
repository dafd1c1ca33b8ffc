// Roster import on the server: parse the uploaded file (src/interop/spreadsheet.ts), map rows
// (src/interop/roster.ts), compare with the members on record, store the preview
// (app.roster_imports + app.roster_import_rows), and commit exactly that preview
// (app.commit_roster_import: one transaction). Decisions: docs/decisions/org-and-roster.md.
import { createHash, randomUUID } from 'node:crypto';
import type { Claims } from './auth.ts';
import { asUser, type Tx } from './db.ts';
import { HttpProblem, forbidden, notFound } from './http.ts';
import { loadMe, type Me } from './members.ts';
import { readCsvRows, readSheetRows, SpreadsheetError, type SheetData } from '../../src/interop/spreadsheet.ts';
import {
  ROSTER_MAX_BYTES, ROSTER_MAX_ROWS, isRosterHeader, ROSTER_HEADER_EXAMPLE, mapRosterSheet, planRoster,
  type MemberRecord, type Role, type RosterUnit,
} from '../../src/interop/roster.ts';
import { initialPassword, passwordSha256 } from '../../src/server/password-hash.ts';

/**
 * Sign-in email for someone imported without one (Supabase Auth accounts need an email). Internal:
 * people sign in with their 工号, so this address is never shown or handed out (see `realEmail`).
 */
export const syntheticEmail = (employeeNo: string) => `${employeeNo.toLowerCase()}@staff.xiaobao.invalid`;

/** The address a person may be told about: theirs, or null for the generated one. */
export const realEmail = (email: string | null | undefined): string | null =>
  email && !email.endsWith('@staff.xiaobao.invalid') ? email : null;

export function rosterProblem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem(status, status === 413 ? 'Content Too Large' : status === 409 ? 'Conflict' : status === 403 ? 'Forbidden' : 'Bad Request',
    detail, { code, ...extra }, `https://xiaobao.academy/problems/${code.replace(/_/g, '-')}`);
}

export async function requireImporter(tx: Tx): Promise<Me> {
  const me = await loadMe(tx);
  if (!me || !me.roles.some((r) => r === 'hr' || r === 'admin')) {
    throw rosterProblem(403, 'roster_forbidden', 'Only HR and administrators can import a roster.');
  }
  return me;
}

/** The unit by id or code, as the caller sees it. */
export async function findUnit(tx: Tx, idOrCode: string) {
  const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrCode);
  const [u] = isId
    ? await tx`select id, code, name, path, closed_at from app.org_units where id = ${idOrCode}::uuid`
    : await tx`select id, code, name, path, closed_at from app.org_units where upper(code) = upper(${idOrCode})`;
  return u ? { id: u.id as string, code: u.code as string, name: u.name as string, path: u.path as string, closed: u.closed_at !== null } : null;
}

export async function loadUnits(tx: Tx): Promise<RosterUnit[]> {
  const rows = await tx`select id, code, name, parent_id, path, closed_at from app.org_units order by path`;
  return rows.map((u) => ({
    id: u.id as string, code: u.code as string, name: u.name as string, parentId: (u.parent_id as string | null) ?? null,
    path: u.path as string, closed: u.closed_at !== null,
  }));
}

export type FileFormat = 'xlsx' | 'csv';

/** xlsx by its zip signature, else CSV; the name only breaks ties for an empty file. */
export function detectFormat(bytes: Uint8Array, fileName: string): FileFormat {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf) return 'xlsx'; // legacy .xls: readSheetRows explains it
  return /\.xlsx?$/i.test(fileName) && bytes.length === 0 ? 'xlsx' : 'csv';
}

export async function readRosterFile(bytes: Uint8Array, fileName: string): Promise<{ sheet: SheetData; format: FileFormat; encoding: string | null }> {
  if (bytes.length > ROSTER_MAX_BYTES) {
    throw rosterProblem(413, 'file_too_large',
      `The file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; a roster may be at most ${ROSTER_MAX_BYTES / 1024 / 1024} MB. Delete unused sheets, columns and formatting, or split the roster by branch.`,
      { message_zh: `文件大小为 ${(bytes.length / 1024 / 1024).toFixed(1)} MB，花名册最大 ${ROSTER_MAX_BYTES / 1024 / 1024} MB。请删除多余的工作表、列和格式，或按分行拆分后分别导入。` });
  }
  const format = detectFormat(bytes, fileName);
  const opts = { maxBytes: ROSTER_MAX_BYTES, maxRows: ROSTER_MAX_ROWS, findHeader: isRosterHeader, headerExample: ROSTER_HEADER_EXAMPLE };
  try {
    if (format === 'xlsx') return { sheet: await readSheetRows(bytes, opts), format, encoding: null };
    const csv = await readCsvRows(bytes, opts);
    return { sheet: csv, format, encoding: csv.encoding };
  } catch (err) {
    if (err instanceof SpreadsheetError) {
      throw rosterProblem(err.code === 'too_large' ? 413 : 400, 'file_unreadable', err.message_en,
        { spreadsheetCode: err.code, message_zh: err.message_zh, message_en: err.message_en });
    }
    throw err;
  }
}

const json = (tx: Tx, v: unknown) => tx.json(v as never);

export interface PreviewInput {
  bytes: Uint8Array;
  fileName: string;
  fullRoster: boolean;
  /** Org unit id or code whose subtree the import covers (default: the caller's scope; admins: the root). */
  scope?: string | null;
}

/**
 * The last preview's steps in this process (read, map, compare, store): wall-clock and this
 * process's CPU milliseconds (with PGlite that includes the database's), for bench/roster-import.ts's
 * breakdown; diagnostics only.
 */
export const lastPreviewPhases: Record<string, { ms: number; cpuMs: number }> = {};

/** Parses, plans and stores a preview. Nothing but the preview is written. */
export async function previewRoster(claims: Claims, input: PreviewInput) {
  let mark = performance.now();
  let cpuMark = process.cpuUsage();
  const phase = (name: string) => {
    const now = performance.now();
    const cpu = process.cpuUsage(cpuMark);
    lastPreviewPhases[name] = { ms: Math.round(now - mark), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
    mark = now;
    cpuMark = process.cpuUsage();
  };
  for (const k of Object.keys(lastPreviewPhases)) delete lastPreviewPhases[k];
  const { sheet, format, encoding } = await readRosterFile(input.bytes, input.fileName);
  phase('read');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  return asUser(claims, async (tx) => {
    const me = await requireImporter(tx);
    const admin = me.roles.includes('admin');
    let scope = input.scope ? await findUnit(tx, input.scope) : null;
    if (input.scope && !scope) throw rosterProblem(400, 'scope_unknown', `There is no org unit "${input.scope}" in your scope.`, { params: { ref: input.scope }, errors: { scope: 'Unknown org unit.' }, fieldCodes: { scope: { code: 'scope_unknown', params: { ref: input.scope } } } });
    if (!scope) {
      const [root] = admin
        ? await tx`select id from app.org_units where parent_id is null order by path limit 1`
        : [{ id: me.scope?.id ?? me.orgUnit.id }];
      scope = await findUnit(tx, root!.id as string);
    }
    const [can] = await tx`select app_private.can_import_roster(${scope!.id}::uuid) as ok`;
    if (!can?.ok) throw rosterProblem(403, 'scope_forbidden', `You may import people only within your own scope; ${scope!.name} is outside it.`, { params: { unit: scope!.name } });
    if (scope!.closed) throw rosterProblem(400, 'scope_closed', `${scope!.name} is closed.`, { params: { unit: scope!.name } });

    const units = await loadUnits(tx);
    const mapping = mapRosterSheet(sheet, { units, scopePath: scope!.path, importerIsAdmin: admin });
    if (mapping.fileProblems.length) {
      throw rosterProblem(400, 'roster_columns', 'The header row lacks required columns (工号, 姓名, 机构). Nothing was imported.', { problems: mapping.fileProblems });
    }
    phase('map');

    const nos = [...new Set(mapping.rows.map((r) => r.draft?.employeeNo).filter((v): v is string => Boolean(v)))];
    const existing = await tx`
      select m.id, m.employee_no, m.name, m.org_unit_id, m.position, m.email, m.mobile, array_to_string(m.roles, ',') as roles, m.active,
             m.updated_at::text as version
      from app.members m join app.org_units o on o.id = m.org_unit_id
      where m.employee_no in (select jsonb_array_elements_text(${json(tx, nos)}))
        and o.path like ${scope!.path} || '%'`;
    const versions = new Map<string, string>();
    const members = new Map<string, MemberRecord>();
    for (const m of existing) {
      versions.set(m.id as string, m.version as string);
      members.set(m.employee_no as string, {
        id: m.id as string, employeeNo: m.employee_no as string, name: m.name as string, orgUnitId: m.org_unit_id as string,
        position: (m.position as string | null) ?? null, email: (m.email as string | null) ?? null, mobile: (m.mobile as string | null) ?? null,
        roles: (m.roles as string).split(',') as Role[], active: m.active as boolean,
      });
    }
    // What only the database can tell, asked only where it can matter (a monthly re-upload asks
    // nothing): whether a 工号 not found in the scope belongs to someone outside it (a 工号 found in
    // the scope cannot: it is unique), and who holds each email a row names — except an email the
    // row's own member already has, which that member holds (members.email is unique), so it is
    // never someone else's.
    const unknownNos = nos.filter((no) => !members.has(no));
    const emails = mapping.rows.flatMap((r) =>
      r.draft?.email && members.get(r.draft.employeeNo)?.email !== r.draft.email ? [[r.draft.employeeNo, r.draft.email]] : []);
    const c = unknownNos.length || emails.length
      ? (await tx`select app.roster_preview_facts(${scope!.id}::uuid, ${json(tx, unknownNos)}, ${json(tx, emails)}) as c`)[0]!.c as
        { outside: string[]; emailsTaken: { email: string; employeeNo: string }[] }
      : { outside: [], emailsTaken: [] };
    const emailOwners = new Map<string, Set<string>>();
    for (const t of c.emailsTaken) {
      const set = emailOwners.get(t.email) ?? new Set<string>();
      set.add(t.employeeNo);
      emailOwners.set(t.email, set);
    }
    const planned = planRoster(mapping, {
      members, outside: new Set(c.outside), emailOwners, importerIsAdmin: admin, importerEmployeeNo: me.employeeNo,
    });
    phase('compare');

    // A full roster deactivates the active people of the scope missing from the file — never the
    // importer, and (for HR) never an administrator. Rows with problems still name their person.
    let deactivations: { id: string; employee_no: string; name: string; org_unit_id: string; version: string }[] = [];
    const kept = { self: false, admins: 0 };
    if (input.fullRoster) {
      const inFile = [...new Set(sheet.rows.map((r) => r.values[colIndexOf(mapping.columns.employeeNo!)] ?? '').map((v) => v.normalize('NFKC').replace(/\s+/g, '')).filter(Boolean))];
      const missing = await tx`
        select m.id, m.employee_no, m.name, m.org_unit_id, m.updated_at::text as version, 'admin' = any (m.roles) as admin
        from app.members m join app.org_units o on o.id = m.org_unit_id
        where m.active and o.path like ${scope!.path} || '%'
          and m.employee_no not in (select jsonb_array_elements_text(${json(tx, inFile)}))
        order by o.path, m.employee_no`;
      for (const m of missing) {
        if (m.id === me.memberId) { kept.self = true; continue; }
        if (m.admin && !admin) { kept.admins++; continue; }
        deactivations.push(m as never);
      }
    }

    const counts = { new: 0, update: 0, unchanged: 0, problem: 0, deactivate: deactivations.length, total: planned.length, problems: 0 };
    for (const p of planned) {
      counts[p.outcome]++;
      counts.problems += p.problems.length;
    }
    const summary = {
      counts, kept, columns: mapping.columns, sheetName: sheet.sheetName, headerRow: sheet.headerRow,
      scope: { id: scope!.id, code: scope!.code, name: scope!.name },
    };
    const [imp] = await tx`
      insert into app.roster_imports (created_by, scope_org_id, file_name, file_sha256, file_format, encoding, full_roster, summary)
      values (${me.memberId}, ${scope!.id}, ${input.fileName}, ${sha256}, ${format}, ${encoding}, ${input.fullRoster}, ${json(tx, summary)})
      returning id, created_at`;
    // Stored compactly, since on the embedded database a 20,000-row preview's cost is mostly the
    // size of what is sent and the number of rows inserted (bench/RESULTS.md, roster section).
    // New, update, problem and deactivate rows: one row each in app.roster_import_rows, sent as one
    // JSON parameter with one-letter keys and no null fields. Unchanged rows — every row of a
    // monthly re-upload — go into ONE row of app.roster_import_unchanged as four arrays: the commit
    // writes nothing for them and only checks that their people did not change since, and the
    // preview list shows the member's own name and unit (equal to the file's, or the commit is
    // refused as stale).
    const compact = (p: (typeof planned)[number]) => {
      // A row with problems keeps what it said, so the preview can show whose row it is.
      // Its unit too when the 机构 cell resolved, so the preview names the unit instead of the raw cell.
      if (!p.record) return dropNulls({ name: p.raw.name, orgText: p.raw.org, orgUnitId: p.raw.orgUnitId ?? null });
      return Object.fromEntries(Object.entries(p.record).filter(([k, v]) => v !== null && k !== 'employeeNo'));
    };
    const rows: Record<string, unknown>[] = [];
    const same = { seqs: [] as number[], rowNos: [] as number[], ids: [] as string[], versions: [] as string[] };
    planned.forEach((p, i) => {
      if (p.outcome === 'unchanged') {
        same.seqs.push(i + 1);
        same.rowNos.push(p.row);
        same.ids.push(p.memberId!);
        same.versions.push(versions.get(p.memberId!)!);
        return;
      }
      const employeeNo = p.employeeNo ?? (p.raw.employeeNo || null);
      rows.push(dropNulls({
        s: i + 1, r: p.row, o: p.outcome, e: employeeNo, m: p.memberId,
        v: p.memberId ? versions.get(p.memberId) ?? null : null,
        d: compact(p), c: p.changes, p: p.problems.length ? p.problems : null,
      }));
    });
    deactivations.forEach((m, i) => {
      rows.push({ s: planned.length + i + 1, o: 'deactivate', e: m.employee_no, m: m.id, v: m.version, d: { name: m.name, orgUnitId: m.org_unit_id } });
    });
    if (rows.length) {
      await tx`
        insert into app.roster_import_rows (import_id, seq, row_no, outcome, employee_no, member_id, member_version, draft, changes, problems)
        select ${imp!.id as string}::uuid, x.s, x.r, x.o, x.e, x.m, x.v, x.d, x.c, x.p
        from jsonb_to_recordset(${json(tx, rows)}) as x(s int, r int, o text, e text, m uuid, v timestamptz, d jsonb, c jsonb, p jsonb)`;
    }
    if (same.seqs.length) {
      // Array literals built here from numbers, database uuids and database timestamps (quoted).
      await tx`
        insert into app.roster_import_unchanged (import_id, seqs, row_nos, member_ids, member_versions)
        values (${imp!.id as string}::uuid, ${`{${same.seqs.join(',')}}`}::text::int[], ${`{${same.rowNos.join(',')}}`}::text::int[],
                ${`{${same.ids.join(',')}}`}::text::uuid[], ${`{${same.versions.map((v) => `"${v}"`).join(',')}}`}::text::timestamptz[])`;
    }
    phase('store');
    return importView({ id: imp!.id, file_name: input.fileName, file_format: format, encoding, full_roster: input.fullRoster,
      status: 'previewed', summary, created_at: imp!.created_at, committed_at: null, result: null });
  });
}

function dropNulls(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
}

function colIndexOf(letter: string): number {
  return [...letter].reduce((acc, ch) => acc * 26 + (ch.charCodeAt(0) - 64), 0) - 1;
}

/**
 * A preview nobody confirmed within this many hours is shown as expired (已过期) and can no longer
 * be committed: the people it compared with have likely changed, and an abandoned preview should
 * not read 待确认 for ever. Derived from created_at, so no job has to expire it.
 */
export const ROSTER_PREVIEW_TTL_HOURS = 24;

export const isExpiredPreview = (status: unknown, createdAt: unknown, now = Date.now()) =>
  status === 'previewed' && createdAt instanceof Date && now - createdAt.getTime() > ROSTER_PREVIEW_TTL_HOURS * 3_600_000;

export function importView(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    fileName: r.file_name as string,
    format: r.file_format as string,
    encoding: (r.encoding as string | null) ?? null,
    fullRoster: Boolean(r.full_roster),
    status: isExpiredPreview(r.status, r.created_at) ? 'expired' : (r.status as string),
    summary: r.summary as Record<string, unknown>,
    createdAt: (r.created_at as Date).toISOString(),
    committedAt: r.committed_at ? (r.committed_at as Date).toISOString() : null,
    result: (r.result as Record<string, unknown> | null) ?? null,
    createdBy: (r.created_by_name as string | undefined) ?? null,
  };
}

export async function loadImport(tx: Tx, id: string) {
  const [r] = await tx`
    select i.*, m.name as created_by_name from app.roster_imports i left join app.members m on m.id = i.created_by
    where i.id = ${id}::uuid`;
  if (!r) throw notFound('There is no roster import with this id in your scope.');
  return r;
}

/** A new person's account as shown once: they sign in with `employeeNo`; `email` only when the roster gave one. */
export interface NewAccount { employeeNo: string; name: string; email: string | null; password: string }

/**
 * Commits a previewed import: an initial password for each new person (kept only as a SHA-256
 * until its first use, app.initial_passwords), then app.commit_roster_import in one transaction.
 * The passwords are returned once and stored nowhere.
 */
export async function commitRoster(claims: Claims, id: string, confirmDeactivate: number | null) {
  const pending = await asUser(claims, async (tx) => {
    await requireImporter(tx);
    const imp = await loadImport(tx, id);
    if (imp.status !== 'previewed') {
      throw rosterProblem(409, 'roster_import_not_open', `This import was already ${imp.status}. Upload the file again for a new preview.`, { status: imp.status });
    }
    if (isExpiredPreview(imp.status, imp.created_at)) {
      throw rosterProblem(409, 'roster_import_expired',
        `This preview is more than ${ROSTER_PREVIEW_TTL_HOURS} hours old and has expired. Upload the file again for a fresh preview.`,
        { params: { hours: ROSTER_PREVIEW_TTL_HOURS } });
    }
    return tx`
      select seq, employee_no, draft ->> 'name' as name, draft ->> 'email' as email
      from app.roster_import_rows where import_id = ${id}::uuid and outcome = 'new' order by seq`;
  });
  const passwords = pending.map(() => initialPassword());
  const accounts = pending.map((p, i) => ({
    seq: Number(p.seq), userId: randomUUID(), email: (p.email as string | null) ?? syntheticEmail(p.employee_no as string), sha256: passwordSha256(passwords[i]!),
  }));
  let result: Record<string, number>;
  try {
    result = await asUser(claims, async (tx) => {
      const [r] = await tx`select app.commit_roster_import(${id}::uuid, ${confirmDeactivate}, ${tx.json(accounts as never)}) as r`;
      return r!.r as Record<string, number>;
    });
  } catch (err) {
    const e = err as { code?: string; hint?: string; message?: string };
    if (e.hint === 'roster_confirm_deactivate') throw rosterProblem(409, 'roster_confirm_deactivate', e.message ?? '', { errors: { confirmDeactivate: e.message } });
    if (e.hint === 'roster_import_stale' || e.code === '40001') throw rosterProblem(409, 'roster_import_stale', e.message ?? 'The roster changed since the preview.');
    if (e.hint === 'roster_import_not_open') throw rosterProblem(409, 'roster_import_not_open', e.message ?? '');
    if (e.code === '23505') throw rosterProblem(409, 'roster_conflict', 'Someone else created one of these people or sign-in emails since the preview. Upload the file again for a fresh preview.');
    if (e.code === '42501') throw forbidden('You may not commit this import.');
    throw err;
  }
  const newAccounts: NewAccount[] = pending.map((p, i) => ({
    employeeNo: p.employee_no as string, name: p.name as string, email: realEmail(p.email as string | null), password: passwords[i]!,
  }));
  return { result, accounts: newAccounts };
}

