/**
 * Roster import: spreadsheet rows (src/interop/spreadsheet.ts) → member drafts with row-located
 * problems, and the comparison of a draft with the member on record. Pure — no I/O — so the
 * functions (which parse, preview and commit) and the island (which explains problems) share it.
 *
 *   ROSTER_COLUMNS                        the columns HR has: 工号, 姓名, 机构, 岗位, 邮箱, 手机, 角色
 *   isRosterHeader(cells)                 the header-row test for readSheetRows/readCsvRows
 *   mapRosterSheet(sheet, ctx)            → { columns, fileProblems, rows: [{ row, draft | null, problems }] }
 *   mergeWithMember(draft, member)        → the record the commit writes + the changed fields
 *   rosterProblemText(problem, locale)    → { reason, fix } in Chinese or English
 *
 * Rules (docs/decisions/org-and-roster.md): 工号 is text (leading zeros kept; full-width digits
 * folded); 机构 is a unit code or a path of names (青岛分行/市南支行, with or without 总行); an empty
 * optional cell keeps what is on record; 角色 lists roles in Chinese or English, and everyone is
 * also an employee; a duplicate 工号 or email in the file marks every row that has it.
 */
import type { CellIssue, SheetData } from './spreadsheet.ts';

export const ROSTER_MAX_BYTES = 6 * 1024 * 1024;
export const ROSTER_MAX_ROWS = 100_000;

export type RosterField = 'employeeNo' | 'name' | 'org' | 'position' | 'email' | 'mobile' | 'roles';
export type Role = 'employee' | 'trainer' | 'hr' | 'admin';

/** Header spellings accepted per column (compared after trimming, NFKC and lower-casing). */
export const ROSTER_COLUMNS: Record<RosterField, { label: string; required: boolean; aliases: string[] }> = {
  employeeNo: { label: '工号', required: true, aliases: ['工号', '员工号', '员工编号', '职工号', '人员编号', 'employee no', 'employee number', 'employeeno'] },
  name: { label: '姓名', required: true, aliases: ['姓名', '名字', '员工姓名', 'name'] },
  org: { label: '机构', required: true, aliases: ['机构', '所属机构', '机构代码', '部门', '所属部门', 'org', 'org unit', 'organisation', 'organization'] },
  position: { label: '岗位', required: false, aliases: ['岗位', '职位', '职务', 'position', 'title'] },
  email: { label: '邮箱', required: false, aliases: ['邮箱', '电子邮箱', '邮件', 'email', 'e-mail'] },
  mobile: { label: '手机', required: false, aliases: ['手机', '手机号', '手机号码', '移动电话', 'mobile', 'phone'] },
  roles: { label: '角色', required: false, aliases: ['角色', '权限', 'roles', 'role'] },
};
const FIELDS = Object.keys(ROSTER_COLUMNS) as RosterField[];

export const EMPLOYEE_NO_RE = /^[A-Za-z0-9_-]{1,32}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE_RE = /^1[3-9]\d{9}$/;

const ROLE_WORDS: Record<string, Role> = {
  员工: 'employee', 普通员工: 'employee', 职员: 'employee', employee: 'employee',
  培训管理员: 'trainer', 培训师: 'trainer', 培训员: 'trainer', 讲师: 'trainer', 内训师: 'trainer', trainer: 'trainer',
  人力: 'hr', 人力资源: 'hr', 人力资源管理员: 'hr', 考核管理员: 'hr', 考核: 'hr', hr: 'hr',
  管理员: 'admin', 系统管理员: 'admin', admin: 'admin', administrator: 'admin',
};
const ROLE_ORDER: Role[] = ['employee', 'trainer', 'hr', 'admin'];

export type RosterProblemCode =
  | 'missing_column' | 'formula' | 'merged' | 'html' | 'error_cell'
  | 'employee_no_missing' | 'employee_no_invalid' | 'employee_no_duplicate' | 'employee_no_outside_scope'
  | 'name_missing' | 'name_too_long'
  | 'org_missing' | 'org_unknown' | 'org_ambiguous' | 'org_closed' | 'org_out_of_scope'
  | 'position_too_long'
  | 'email_invalid' | 'email_duplicate' | 'email_taken'
  | 'mobile_invalid'
  | 'role_unknown' | 'role_not_allowed' | 'admin_record' | 'self_change';

export interface RosterProblem {
  /** 1-based spreadsheet row. */
  row: number;
  /** Column letter ('' for the whole row). */
  column: string;
  /** The column's header as in the file (or the expected one). */
  header: string;
  code: RosterProblemCode;
  /** The offending cell text, cut to 80 characters. */
  value?: string;
  params?: Record<string, string | number>;
}

/** What a row asks for. null in an optional field: the cell was empty (keep what is on record). */
export interface RosterDraft {
  employeeNo: string;
  name: string;
  orgUnitId: string;
  position: string | null;
  email: string | null;
  mobile: string | null;
  roles: Role[] | null;
}

export interface RosterUnit {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  path: string;
  closed: boolean;
}

export interface RosterContext {
  units: RosterUnit[];
  /** Path of the subtree this import may touch ('/HQ/…/'). */
  scopePath: string;
  /** Only administrators may grant the admin role. */
  importerIsAdmin: boolean;
}

export interface RosterRow {
  row: number;
  draft: RosterDraft | null;
  problems: RosterProblem[];
  /**
   * The row's 工号, 姓名 and 机构 as written (trimmed), to show a row that has problems — with the
   * unit the 机构 cell names when it resolved (open, in scope), so such a row shows the unit's name
   * like the good rows do.
   */
  raw: { employeeNo: string; name: string; org: string; orgUnitId?: string };
}

export interface RosterMapping {
  /** Column letter by field, for the fields found in the header. */
  columns: Partial<Record<RosterField, string>>;
  /** Problems that stop the whole file (a required column is missing). */
  fileProblems: RosterProblem[];
  rows: RosterRow[];
}

/** The member on record, as a draft is compared with it. */
export interface MemberRecord {
  id: string;
  employeeNo: string;
  name: string;
  orgUnitId: string;
  position: string | null;
  email: string | null;
  mobile: string | null;
  roles: Role[];
  active: boolean;
}

/** The full record a row writes (optional fields resolved against the member on record). */
export interface RosterRecord {
  employeeNo: string;
  name: string;
  orgUnitId: string;
  position: string | null;
  email: string | null;
  mobile: string | null;
  roles: Role[];
}

export type ChangedField = 'name' | 'orgUnitId' | 'position' | 'email' | 'mobile' | 'roles' | 'active';
export type Changes = Partial<Record<ChangedField, { from: unknown; to: unknown }>>;

// ---------------------------------------------------------------------------------------------

const norm = (s: string): string => s.normalize('NFKC').replace(/[\s\u3000]+/g, ' ').trim();
// `[^()（）]*`, not `.*?`: the lazy form was quadratic on a cell of thousands of "(" (review R1).
const headerKey = (s: string): string => norm(s).toLowerCase().replace(/[（(][^()（）]*[)）]/g, '').replace(/[*＊:：]/g, '').trim();
const cut = (s: string): string => ([...s].length > 80 ? `${[...s].slice(0, 80).join('')}…` : s);

function columnLetter(index0: number): string {
  let n = index0 + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function fieldOfHeader(cell: string): RosterField | null {
  const k = headerKey(cell);
  if (!k) return null;
  for (const f of FIELDS) if (ROSTER_COLUMNS[f].aliases.includes(k)) return f;
  return null;
}

/** The roster headers a "no header row found" hint names (readSheetRows' `headerExample`). */
export const ROSTER_HEADER_EXAMPLE = { zh: '“工号”“姓名”“机构”', en: '工号, 姓名, 机构' } as const;

/** A header row names at least 工号 and 姓名 (so title rows above the table are skipped). */
export function isRosterHeader(cells: string[]): boolean {
  const found = new Set(cells.map(fieldOfHeader));
  return found.has('employeeNo') && found.has('name');
}

/** 工号 as text: NFKC folds full-width digits/letters; spaces are dropped; zeros stay. */
export function normaliseEmployeeNo(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s\u3000]+/g, '');
}

/** A mainland mobile number without spaces, dashes or a +86/86/0086 prefix; null when it is not one. */
export function normaliseMobile(raw: string): string | null {
  let s = raw.normalize('NFKC').replace(/[\s\u3000\-()（）]/g, '');
  s = s.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  return MOBILE_RE.test(s) ? s : null;
}

export function normaliseEmail(raw: string): string | null {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  return s.length <= 254 && EMAIL_RE.test(s) ? s : null;
}

/** Roles from a cell: '培训管理员、人力' → ['employee','trainer','hr']; unknown words are returned apart. */
export function parseRoles(raw: string): { roles: Role[]; unknown: string[] } {
  const words = raw.normalize('NFKC').split(/[、,，;；/|\s]+/).map((w) => w.trim()).filter(Boolean);
  const set = new Set<Role>(['employee']);
  const unknown: string[] = [];
  for (const w of words) {
    const r = ROLE_WORDS[w.toLowerCase()] ?? ROLE_WORDS[w];
    if (r) set.add(r);
    else unknown.push(w);
  }
  return { roles: ROLE_ORDER.filter((r) => set.has(r)), unknown };
}

/** Resolves 机构 cells: unit codes (any case) and name paths matched from the tail. */
export function createOrgResolver(units: RosterUnit[]) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const byCode = new Map(units.map((u) => [u.code.toUpperCase(), u]));
  // Every tail of every unit's name path, joined with '/': '市南支行', '青岛分行/市南支行', '总行/青岛分行/市南支行'.
  const byNames = new Map<string, RosterUnit[]>();
  for (const u of units) {
    const names: string[] = [];
    for (let x: RosterUnit | undefined = u; x; x = x.parentId ? byId.get(x.parentId) : undefined) names.unshift(norm(x.name));
    for (let i = 0; i < names.length; i++) {
      const key = names.slice(i).join('/');
      const list = byNames.get(key) ?? [];
      list.push(u);
      byNames.set(key, list);
    }
  }
  return (raw: string): { unit: RosterUnit } | { error: 'org_unknown' } | { error: 'org_ambiguous'; candidates: RosterUnit[] } => {
    const text = norm(raw);
    const code = byCode.get(text.toUpperCase());
    if (code) return { unit: code };
    const key = text.split(/\s*[/／>＞›\\]\s*/).filter(Boolean).join('/');
    const found = byNames.get(key) ?? [];
    // Prefer an open unit when a closed one has the same name path (a unit re-created after closing).
    const open = found.filter((u) => !u.closed);
    const pick = open.length ? open : found;
    if (pick.length === 1) return { unit: pick[0]! };
    if (pick.length > 1) return { error: 'org_ambiguous', candidates: pick };
    return { error: 'org_unknown' };
  };
}

const ISSUE_CODE: Record<CellIssue['kind'], RosterProblemCode> = { formula: 'formula', merged: 'merged', html: 'html', error: 'error_cell' };

export function mapRosterSheet(sheet: SheetData, ctx: RosterContext): RosterMapping {
  const colIndex: Partial<Record<RosterField, number>> = {};
  sheet.header.forEach((h, i) => {
    const f = fieldOfHeader(h);
    if (f && colIndex[f] === undefined) colIndex[f] = i;
  });
  const columns: Partial<Record<RosterField, string>> = {};
  for (const f of FIELDS) if (colIndex[f] !== undefined) columns[f] = columnLetter(colIndex[f]!);
  const fileProblems: RosterProblem[] = FIELDS.filter((f) => ROSTER_COLUMNS[f].required && colIndex[f] === undefined).map((f) => ({
    row: sheet.headerRow, column: '', header: ROSTER_COLUMNS[f].label, code: 'missing_column' as const, params: { column: ROSTER_COLUMNS[f].label },
  }));
  if (fileProblems.length) return { columns, fileProblems, rows: [] };

  const resolveOrg = createOrgResolver(ctx.units);
  const headerOf = (f: RosterField) => sheet.header[colIndex[f]!] ?? ROSTER_COLUMNS[f].label;
  const issuesByRow = new Map<number, CellIssue[]>();
  for (const issue of sheet.issues) {
    const list = issuesByRow.get(issue.row) ?? [];
    list.push(issue);
    issuesByRow.set(issue.row, list);
  }

  const rows: RosterRow[] = sheet.rows.map((r) => {
    const problems: RosterProblem[] = [];
    const cell = (f: RosterField) => (colIndex[f] === undefined ? '' : (r.values[colIndex[f]!] ?? ''));
    const problem = (f: RosterField, code: RosterProblemCode, value?: string, params?: Record<string, string | number>) =>
      flagged.has(columns[f]!) ? 0 : problems.push({ row: r.row, column: columns[f]!, header: headerOf(f), code, ...(value !== undefined ? { value: cut(value) } : {}), ...(params ? { params } : {}) });

    // A cell the reader flagged (formula, merged, markup, error) is explained once, by that issue,
    // not again as "empty" or "invalid".
    const flagged = new Set<string>();
    for (const issue of issuesByRow.get(r.row) ?? []) {
      problems.push({ row: issue.row, column: issue.column, header: issue.header, code: ISSUE_CODE[issue.kind] });
      flagged.add(issue.column);
    }

    const employeeNo = normaliseEmployeeNo(cell('employeeNo'));
    if (!employeeNo) problem('employeeNo', 'employee_no_missing');
    else if (!EMPLOYEE_NO_RE.test(employeeNo)) problem('employeeNo', 'employee_no_invalid', cell('employeeNo'));

    const name = norm(cell('name'));
    if (!name) problem('name', 'name_missing');
    else if ([...name].length > 64) problem('name', 'name_too_long', name);

    let orgUnitId = '';
    const orgText = norm(cell('org'));
    if (!orgText) problem('org', 'org_missing');
    else {
      const found = resolveOrg(orgText);
      if ('error' in found) {
        if (found.error === 'org_ambiguous') problem('org', 'org_ambiguous', orgText, { codes: found.candidates.map((u) => u.code).join('、') });
        else problem('org', 'org_unknown', orgText);
      } else if (found.unit.closed) problem('org', 'org_closed', orgText, { code: found.unit.code });
      else if (!found.unit.path.startsWith(ctx.scopePath)) problem('org', 'org_out_of_scope', orgText);
      else orgUnitId = found.unit.id;
    }

    const positionText = norm(cell('position'));
    if ([...positionText].length > 64) problem('position', 'position_too_long', positionText);

    let email: string | null = null;
    const emailText = norm(cell('email'));
    if (emailText) {
      email = normaliseEmail(emailText);
      if (!email) problem('email', 'email_invalid', emailText);
    }

    let mobile: string | null = null;
    const mobileText = norm(cell('mobile'));
    if (mobileText) {
      mobile = normaliseMobile(mobileText);
      if (!mobile) problem('mobile', 'mobile_invalid', mobileText);
    }

    let roles: Role[] | null = null;
    const rolesText = norm(cell('roles'));
    if (rolesText) {
      const parsed = parseRoles(rolesText);
      if (parsed.unknown.length) problem('roles', 'role_unknown', rolesText, { words: parsed.unknown.join('、') });
      else if (parsed.roles.includes('admin') && !ctx.importerIsAdmin) problem('roles', 'role_not_allowed', rolesText);
      else roles = parsed.roles;
    }

    const draft: RosterDraft | null = problems.length
      ? null
      : { employeeNo, name, orgUnitId, position: positionText || null, email, mobile, roles };
    return {
      row: r.row, draft, problems,
      raw: { employeeNo: cut(norm(cell('employeeNo'))), name: cut(name), org: cut(orgText), ...(orgUnitId ? { orgUnitId } : {}) },
    };
  });

  // Duplicates in the file: every row that shares a 工号 (or an email) is a problem, naming the others.
  markDuplicates(sheet, rows, colIndex.employeeNo!, columns.employeeNo!, headerOf('employeeNo'), (v) => normaliseEmployeeNo(v).toUpperCase(), 'employee_no_duplicate');
  if (colIndex.email !== undefined) {
    markDuplicates(sheet, rows, colIndex.email, columns.email!, headerOf('email'), (v) => normaliseEmail(norm(v)) ?? '', 'email_duplicate');
  }
  return { columns, fileProblems, rows };
}

function markDuplicates(sheet: SheetData, rows: RosterRow[], col: number, letter: string, header: string,
  key: (v: string) => string, code: RosterProblemCode): void {
  const seen = new Map<string, number[]>();
  sheet.rows.forEach((r, i) => {
    const k = key(r.values[col] ?? '');
    if (!k) return;
    const list = seen.get(k) ?? [];
    list.push(i);
    seen.set(k, list);
  });
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    for (const i of list) {
      const row = rows[i]!;
      const others = list.filter((j) => j !== i).map((j) => rows[j]!.row);
      row.problems.push({ row: row.row, column: letter, header, code, value: cut(sheet.rows[i]!.values[col] ?? ''), params: { rows: others.join('、') } });
      row.draft = null;
    }
  }
}

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/**
 * The record a draft writes and what changes. Empty optional cells keep the member's values; a
 * member who was deactivated and is back in the file is reactivated.
 */
export function mergeWithMember(draft: RosterDraft, member: MemberRecord | null): { record: RosterRecord; changes: Changes } {
  const record: RosterRecord = {
    employeeNo: member?.employeeNo ?? draft.employeeNo,
    name: draft.name,
    orgUnitId: draft.orgUnitId,
    position: draft.position ?? member?.position ?? null,
    email: draft.email ?? member?.email ?? null,
    mobile: draft.mobile ?? member?.mobile ?? null,
    roles: draft.roles ?? member?.roles ?? ['employee'],
  };
  const changes: Changes = {};
  if (!member) return { record, changes };
  if (record.name !== member.name) changes.name = { from: member.name, to: record.name };
  if (record.orgUnitId !== member.orgUnitId) changes.orgUnitId = { from: member.orgUnitId, to: record.orgUnitId };
  if (record.position !== member.position) changes.position = { from: member.position, to: record.position };
  if (record.email !== member.email) changes.email = { from: member.email, to: record.email };
  if (record.mobile !== member.mobile) changes.mobile = { from: member.mobile, to: record.mobile };
  if (!sameRoles(record.roles, member.roles)) changes.roles = { from: member.roles, to: record.roles };
  if (!member.active) changes.active = { from: false, to: true };
  return { record, changes };
}

export type RowOutcome = 'new' | 'update' | 'unchanged' | 'problem';

export interface PlannedRow {
  row: number;
  outcome: RowOutcome;
  employeeNo: string | null;
  memberId: string | null;
  record: RosterRecord | null;
  changes: Changes | null;
  problems: RosterProblem[];
  raw: RosterRow['raw'];
}

export interface PlanContext {
  /** Members on record in the import's scope, by 工号. */
  members: Map<string, MemberRecord & { admin?: boolean }>;
  /** 工号 held by members outside the import's scope. */
  outside: Set<string>;
  /** Who holds each email already (by 工号; '' for an account without a member). */
  emailOwners: Map<string, Set<string>>;
  importerIsAdmin: boolean;
  importerEmployeeNo: string;
}

/**
 * Each mapped row's outcome against the members on record: new, update (with the changed
 * fields), unchanged, or a problem (the row's own, or one only the database can tell: a 工号 of
 * someone outside the scope, an email someone else uses, an administrator's record changed by HR,
 * the importer's own roles).
 */
export function planRoster(mapping: RosterMapping, ctx: PlanContext): PlannedRow[] {
  return mapping.rows.map((r) => {
    const base = { row: r.row, employeeNo: r.draft?.employeeNo ?? null, memberId: null, record: null, changes: null, raw: r.raw };
    if (!r.draft) return { ...base, outcome: 'problem' as const, problems: r.problems };
    const d = r.draft;
    const problems: RosterProblem[] = [];
    const at = (field: RosterField, code: RosterProblemCode, value?: string, params?: Record<string, string | number>): RosterProblem => ({
      row: r.row, column: mapping.columns[field] ?? '', header: ROSTER_COLUMNS[field].label, code,
      ...(value !== undefined ? { value } : {}), ...(params ? { params } : {}),
    });
    if (ctx.outside.has(d.employeeNo)) problems.push(at('employeeNo', 'employee_no_outside_scope', d.employeeNo));
    const member = ctx.members.get(d.employeeNo) ?? null;
    const { record, changes } = mergeWithMember(d, member);
    const changed = Object.keys(changes).length > 0;
    if (record.email) {
      const owners = ctx.emailOwners.get(record.email);
      if (owners && [...owners].some((o) => o !== d.employeeNo)) {
        problems.push(at('email', 'email_taken', record.email, { owner: [...owners].filter((o) => o !== d.employeeNo).join('、') || '—' }));
      }
    }
    if (member && changed && member.roles.includes('admin') && !ctx.importerIsAdmin) problems.push(at('roles', 'admin_record'));
    if (member && d.employeeNo === ctx.importerEmployeeNo && changes.roles) problems.push(at('roles', 'self_change'));
    if (problems.length) return { ...base, outcome: 'problem' as const, problems };
    return {
      row: r.row,
      outcome: !member ? ('new' as const) : changed ? ('update' as const) : ('unchanged' as const),
      employeeNo: d.employeeNo,
      memberId: member?.id ?? null,
      record,
      changes: member && changed ? changes : null,
      problems: [],
      raw: r.raw,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Problem texts

type Texts = { reason: string; fix: string };
const fill = (s: string, p: Record<string, string | number> = {}) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(p[k] ?? ''));

const ZH: Record<RosterProblemCode, Texts> = {
  missing_column: { reason: '缺少“{column}”列。', fix: '在表头行加上“{column}”列（表头须包含 工号、姓名、机构），或下载模板对照。' },
  formula: { reason: '单元格是公式，导入不计算公式。', fix: '复制该列后“选择性粘贴 → 数值”，再上传。' },
  merged: { reason: '这里有合并单元格。', fix: '取消合并单元格，每行填写完整后再上传。' },
  html: { reason: '单元格含有网页代码或脚本。', fix: '删除尖括号标签，只保留纯文字。' },
  error_cell: { reason: '单元格是错误值（如 #N/A）。', fix: '修正该单元格的内容后再上传。' },
  employee_no_missing: { reason: '工号为空。', fix: '填写员工的工号。' },
  employee_no_invalid: { reason: '工号只能包含字母、数字、“-”和“_”，最多32位。', fix: '检查是否误填了空格、汉字或其他符号。' },
  employee_no_duplicate: { reason: '同一工号在文件中出现多次（另见第 {rows} 行）。', fix: '每个工号只保留一行。' },
  employee_no_outside_scope: { reason: '该工号已属于您管理范围以外的员工。', fix: '请核对工号；如员工调入本机构，请联系系统管理员调整。' },
  name_missing: { reason: '姓名为空。', fix: '填写员工姓名。' },
  name_too_long: { reason: '姓名超过64个字。', fix: '核对姓名是否填错列。' },
  org_missing: { reason: '机构为空。', fix: '填写机构代码，或名称路径如“青岛分行/市南支行”。' },
  org_unknown: { reason: '找不到这个机构。', fix: '使用机构管理页上的机构代码，或完整的名称路径如“青岛分行/市南支行”。' },
  org_ambiguous: { reason: '有多个机构叫这个名称（代码：{codes}）。', fix: '写上上级机构，如“青岛分行/市南支行”，或直接填机构代码。' },
  org_closed: { reason: '该机构（{code}）已撤销。', fix: '把员工填到现有机构。' },
  org_out_of_scope: { reason: '该机构不在您的管理范围内。', fix: '只导入本机构及下级机构的员工，或请系统管理员导入。' },
  position_too_long: { reason: '岗位超过64个字。', fix: '缩短岗位名称。' },
  email_invalid: { reason: '邮箱格式不正确。', fix: '填写形如 name@bank.com 的邮箱，或留空。' },
  email_duplicate: { reason: '同一邮箱在文件中出现多次（另见第 {rows} 行）。', fix: '每人使用自己的邮箱。' },
  email_taken: { reason: '该邮箱已被其他员工（{owner}）使用。', fix: '核对邮箱，或留空。' },
  mobile_invalid: { reason: '手机号码应为11位，以1开头。', fix: '填写11位手机号码（可带+86），或留空。' },
  role_unknown: { reason: '无法识别的角色：{words}。', fix: '角色可填：员工、培训管理员、人力、管理员，多个用顿号分隔；留空表示普通员工（已有员工保持不变）。' },
  role_not_allowed: { reason: '只有系统管理员可以授予“管理员”角色。', fix: '删去“管理员”，或请系统管理员导入。' },
  admin_record: { reason: '该员工是系统管理员，人力不能修改其信息。', fix: '请系统管理员在人员管理页修改。' },
  self_change: { reason: '不能通过导入修改自己的角色或停用自己。', fix: '请另一位管理员处理。' },
};

const EN: Record<RosterProblemCode, Texts> = {
  missing_column: { reason: 'The "{column}" column is missing.', fix: 'Add a "{column}" column to the header row (工号, 姓名 and 机构 are required), or compare with the template.' },
  formula: { reason: 'The cell is a formula; imports never evaluate formulas.', fix: 'Copy the column and Paste Special → Values, then upload again.' },
  merged: { reason: 'There are merged cells here.', fix: 'Unmerge the cells and fill every row completely.' },
  html: { reason: 'The cell contains web markup or script.', fix: 'Remove the angle-bracket tags and keep plain text.' },
  error_cell: { reason: 'The cell holds an error value (such as #N/A).', fix: 'Correct the cell and upload again.' },
  employee_no_missing: { reason: 'The employee number is empty.', fix: 'Fill in the employee number.' },
  employee_no_invalid: { reason: 'An employee number may contain only letters, digits, "-" and "_", up to 32 characters.', fix: 'Check for spaces, Chinese characters or other symbols.' },
  employee_no_duplicate: { reason: 'This employee number appears more than once in the file (see also row {rows}).', fix: 'Keep one row per employee number.' },
  employee_no_outside_scope: { reason: 'This employee number belongs to someone outside your scope.', fix: 'Check the number; if the person moved to your unit, ask an administrator.' },
  name_missing: { reason: 'The name is empty.', fix: 'Fill in the name.' },
  name_too_long: { reason: 'The name is longer than 64 characters.', fix: 'Check that the name is in the right column.' },
  org_missing: { reason: 'The org unit is empty.', fix: 'Fill in a unit code or a name path such as 青岛分行/市南支行.' },
  org_unknown: { reason: 'No org unit matches this.', fix: 'Use the unit code from the org page, or the full name path such as 青岛分行/市南支行.' },
  org_ambiguous: { reason: 'Several units have this name (codes: {codes}).', fix: 'Add the parent unit (青岛分行/市南支行) or use the unit code.' },
  org_closed: { reason: 'The unit ({code}) is closed.', fix: 'Put the person in an open unit.' },
  org_out_of_scope: { reason: 'This unit is outside your scope.', fix: 'Import only people of your own subtree, or ask an administrator.' },
  position_too_long: { reason: 'The position is longer than 64 characters.', fix: 'Shorten the position.' },
  email_invalid: { reason: 'The email address is not valid.', fix: 'Write an address like name@bank.com, or leave it empty.' },
  email_duplicate: { reason: 'This email appears more than once in the file (see also row {rows}).', fix: 'Give each person their own email.' },
  email_taken: { reason: 'This email is already used by another person ({owner}).', fix: 'Check the email, or leave it empty.' },
  mobile_invalid: { reason: 'A mobile number has 11 digits starting with 1.', fix: 'Write the 11-digit number (+86 allowed), or leave it empty.' },
  role_unknown: { reason: 'Unknown role: {words}.', fix: 'Roles: 员工, 培训管理员, 人力, 管理员 (or employee, trainer, hr, admin), separated by 、; empty means employee (existing people keep theirs).' },
  role_not_allowed: { reason: 'Only administrators can grant the admin role.', fix: 'Remove 管理员, or ask an administrator to import.' },
  admin_record: { reason: 'This person is an administrator; HR cannot change their record.', fix: 'Ask an administrator to change it on the people page.' },
  self_change: { reason: 'You cannot change your own roles or deactivate yourself by import.', fix: 'Ask another administrator.' },
};

export function rosterProblemText(p: Pick<RosterProblem, 'code' | 'params'>, locale: 'zh-cn' | 'en' = 'zh-cn'): Texts {
  const t = (locale === 'en' ? EN : ZH)[p.code];
  return { reason: fill(t.reason, p.params), fix: fill(t.fix, p.params) };
}
