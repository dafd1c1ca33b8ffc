// Roster mapping (src/interop/roster.ts): header spellings, 工号 as text, org paths and codes,
// roles, contact fields, duplicates, cell issues from the spreadsheet reader, and the plan against
// members on record (new / update with changed fields / unchanged / problem).
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSheetRows, type SheetData } from '../../../src/interop/spreadsheet.ts';
import {
  createOrgResolver, isRosterHeader, mapRosterSheet, mergeWithMember, normaliseMobile, parseRoles, planRoster,
  rosterProblemText, type MemberRecord, type RosterContext, type RosterUnit, type RosterProblemCode,
} from '../../../src/interop/roster.ts';

const units: RosterUnit[] = [
  { id: 'hq', code: 'HQ', name: '总行', parentId: null, path: '/HQ/', closed: false },
  { id: 'qd', code: 'QD', name: '青岛分行', parentId: 'hq', path: '/HQ/QD/', closed: false },
  { id: 'qd-sn', code: 'QD-SN', name: '市南支行', parentId: 'qd', path: '/HQ/QD/QD-SN/', closed: false },
  { id: 'qd-ops', code: 'QD-OPS', name: '营业部', parentId: 'qd', path: '/HQ/QD/QD-OPS/', closed: false },
  { id: 'jn', code: 'JN', name: '济南分行', parentId: 'hq', path: '/HQ/JN/', closed: false },
  { id: 'jn-ops', code: 'JN-OPS', name: '营业部', parentId: 'jn', path: '/HQ/JN/JN-OPS/', closed: false },
  { id: 'jn-old', code: 'JN-OLD', name: '老城支行', parentId: 'jn', path: '/HQ/JN/JN-OLD/', closed: true },
];
const ctx: RosterContext = { units, scopePath: '/HQ/', importerIsAdmin: false };

function sheet(rows: string[][], header = ['工号', '姓名', '机构', '岗位', '邮箱', '手机', '角色'], issues: SheetData['issues'] = []): SheetData {
  return { sheetName: 'S', sheetNames: ['S'], headerRow: 1, header, rows: rows.map((values, i) => ({ row: i + 2, values })), issues };
}
const codes = (m: ReturnType<typeof mapRosterSheet>, i: number) => m.rows[i]!.problems.map((p) => p.code);

describe('headers', () => {
  it('accepts the usual spellings and finds the header below a title row', () => {
    expect(isRosterHeader(['员工编号', '姓名', '所属机构'])).toBe(true);
    expect(isRosterHeader(['工号（必填）', '姓名*'])).toBe(true);
    expect(isRosterHeader(['青岛分行员工花名册'])).toBe(false);
    const m = mapRosterSheet(sheet([['1', '甲', 'QD']], ['Employee No', 'Name', '所属部门']), ctx);
    expect(m.columns).toEqual({ employeeNo: 'A', name: 'B', org: 'C' });
    expect(m.rows[0]!.draft).toMatchObject({ employeeNo: '1', orgUnitId: 'qd', roles: null, email: null });
  });

  it('a missing required column stops the file with one problem per column', () => {
    const m = mapRosterSheet(sheet([['1', '甲']], ['工号', '姓名']), ctx);
    expect(m.rows).toEqual([]);
    expect(m.fileProblems.map((p) => [p.code, p.params])).toEqual([['missing_column', { column: '机构' }]]);
  });
});

describe('cells', () => {
  it('keeps 工号 as text with leading zeros, folds full-width characters', () => {
    const m = mapRosterSheet(sheet([['000123', '甲', 'QD'], ['０００１２４', '乙', 'QD'], ['QD 001', '丙', 'QD']]), ctx);
    expect(m.rows.map((r) => r.draft?.employeeNo)).toEqual(['000123', '000124', 'QD001']);
  });

  it.each<[string, string[], RosterProblemCode]>([
    ['empty 工号', ['', '甲', 'QD'], 'employee_no_missing'],
    ['工号 with a Chinese character', ['A12号', '甲', 'QD'], 'employee_no_invalid'],
    ['empty name', ['1', '', 'QD'], 'name_missing'],
    ['empty org', ['1', '甲', ''], 'org_missing'],
    ['unknown org', ['1', '甲', '青岛分行/不存在支行'], 'org_unknown'],
    ['ambiguous org name', ['1', '甲', '营业部'], 'org_ambiguous'],
    ['closed org', ['1', '甲', 'JN-OLD'], 'org_closed'],
    ['bad email', ['1', '甲', 'QD', '', 'a@b'], 'email_invalid'],
    ['bad mobile', ['1', '甲', 'QD', '', '', '1380013800'], 'mobile_invalid'],
    ['unknown role', ['1', '甲', 'QD', '', '', '', '经理'], 'role_unknown'],
    ['admin granted by HR', ['1', '甲', 'QD', '', '', '', '管理员'], 'role_not_allowed'],
  ])('%s is a located problem', (_name, row, code) => {
    const m = mapRosterSheet(sheet([row]), ctx);
    expect(m.rows[0]!.draft).toBeNull();
    expect(m.rows[0]!.problems).toEqual([expect.objectContaining({ row: 2, code })]);
    expect(m.rows[0]!.problems[0]!.column).toMatch(/^[A-G]$/);
  });

  it('an org out of the importer’s scope is refused', () => {
    const m = mapRosterSheet(sheet([['1', '甲', 'JN']]), { ...ctx, scopePath: '/HQ/QD/' });
    expect(codes(m, 0)).toEqual(['org_out_of_scope']);
  });

  it('a row with problems keeps the unit its 机构 cell names, only when that unit is usable', () => {
    const m = mapRosterSheet(sheet([['1', '甲', 'qd-sn', '', 'bad@'], ['2', '乙', '青岛分行/不存在', '', 'bad@'], ['3', '丙', 'JN-OLD', '', 'bad@']]), ctx);
    expect(m.rows.map((r) => r.draft)).toEqual([null, null, null]);
    expect(m.rows.map((r) => r.raw.orgUnitId)).toEqual(['qd-sn', undefined, undefined]);
    expect(m.rows[0]!.raw).toEqual({ employeeNo: '1', name: '甲', org: 'qd-sn', orgUnitId: 'qd-sn' });
  });

  it('resolves org codes in any case and name paths with or without the root', () => {
    const resolve = createOrgResolver(units);
    for (const text of ['qd-sn', '市南支行', '青岛分行/市南支行', '总行／青岛分行／市南支行', '青岛分行 > 市南支行']) {
      expect(resolve(text)).toEqual({ unit: units[2] });
    }
    expect(resolve('青岛分行/营业部')).toEqual({ unit: units[3] });
  });

  it('normalises mobiles and parses roles', () => {
    expect(normaliseMobile('+86 138-0013-8000')).toBe('13800138000');
    expect(normaliseMobile('008613800138000')).toBe('13800138000');
    expect(normaliseMobile('12800138000')).toBeNull();
    expect(parseRoles('培训管理员、人力')).toEqual({ roles: ['employee', 'trainer', 'hr'], unknown: [] });
    expect(parseRoles('Trainer, admin')).toEqual({ roles: ['employee', 'trainer', 'admin'], unknown: [] });
  });

  it('marks every row of a duplicate 工号 or email, naming the other rows', () => {
    const m = mapRosterSheet(sheet([
      ['7', '甲', 'QD', '', 'x@bank.cn'], ['8', '乙', 'QD', '', 'X@Bank.cn'], ['7', '丙', 'QD'], ['9', '丁', 'QD'],
    ]), ctx);
    expect(codes(m, 0).sort()).toEqual(['email_duplicate', 'employee_no_duplicate']);
    expect(m.rows[0]!.problems.find((p) => p.code === 'employee_no_duplicate')!.params).toEqual({ rows: '4' });
    expect(codes(m, 1)).toEqual(['email_duplicate']);
    expect(codes(m, 2)).toEqual(['employee_no_duplicate']);
    expect(m.rows[3]!.draft).not.toBeNull();
  });

  it('turns the reader’s cell issues (formula, merged, html) into row problems', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['工号', '姓名', '机构', '岗位']);
    ws.addRow(['1', { formula: '"甲"&""', result: '甲' }, 'QD', '']);
    ws.addRow(['2', '乙', 'QD', '<b>柜员</b>']);
    ws.addRow(['3', '丙', 'QD', '']);
    ws.addRow(['4', '丁', 'QD', '']);
    ws.mergeCells('D4:D5');
    const data = await readSheetRows(new Uint8Array(await wb.xlsx.writeBuffer()), { findHeader: isRosterHeader });
    const m = mapRosterSheet(data, ctx);
    expect(m.rows.map((r) => r.problems.map((p) => `${p.code}@${p.column}${p.row}`))).toEqual([
      ['formula@B2'], ['html@D3'], ['merged@D4'], [],
    ]);
  });
});

describe('plan against members on record', () => {
  const member: MemberRecord = {
    id: 'm1', employeeNo: '7', name: '甲', orgUnitId: 'qd', position: '柜员', email: 'a@bank.cn', mobile: null, roles: ['employee'], active: true,
  };
  const plan = (rows: string[][], extra: Partial<Parameters<typeof planRoster>[1]> = {}) => planRoster(mapRosterSheet(sheet(rows), ctx), {
    members: new Map([['7', member]]), outside: new Set(), emailOwners: new Map([['a@bank.cn', new Set(['7'])]]),
    importerIsAdmin: false, importerEmployeeNo: 'H1', ...extra,
  });

  it('empty optional cells keep what is on record; equal rows are unchanged', () => {
    expect(plan([['7', '甲', 'QD']])[0]).toMatchObject({ outcome: 'unchanged', memberId: 'm1', changes: null });
    expect(plan([['7', '甲', 'QD', '柜员', 'A@bank.cn', '', '员工']])[0]!.outcome).toBe('unchanged');
  });

  it('an update lists exactly the changed fields', () => {
    const [r] = plan([['7', '甲', 'QD-SN', '大堂经理', '', '13800138000', '培训管理员']]);
    expect(r!.outcome).toBe('update');
    expect(r!.changes).toEqual({
      orgUnitId: { from: 'qd', to: 'qd-sn' }, position: { from: '柜员', to: '大堂经理' },
      mobile: { from: null, to: '13800138000' }, roles: { from: ['employee'], to: ['employee', 'trainer'] },
    });
    expect(r!.record).toMatchObject({ email: 'a@bank.cn', orgUnitId: 'qd-sn' });
  });

  it('a deactivated member in the file is reactivated', () => {
    const [r] = planRoster(mapRosterSheet(sheet([['7', '甲', 'QD']]), ctx), {
      members: new Map([['7', { ...member, active: false }]]), outside: new Set(), emailOwners: new Map(), importerIsAdmin: true, importerEmployeeNo: 'A1',
    });
    expect(r!.changes).toEqual({ active: { from: false, to: true } });
  });

  it('problems only the database can tell', () => {
    expect(plan([['8', '乙', 'QD', '', 'a@bank.cn']])[0]!.problems.map((p) => p.code)).toEqual(['email_taken']);
    expect(plan([['8', '乙', 'QD']], { outside: new Set(['8']) })[0]!.problems.map((p) => p.code)).toEqual(['employee_no_outside_scope']);
    const admin = new Map([['7', { ...member, roles: ['employee', 'admin'] as MemberRecord['roles'] }]]);
    expect(plan([['7', '甲乙', 'QD']], { members: admin })[0]!.problems.map((p) => p.code)).toEqual(['admin_record']);
    expect(plan([['7', '甲', 'QD', '', '', '', '人力']], { importerEmployeeNo: '7' })[0]!.problems.map((p) => p.code)).toEqual(['self_change']);
    expect(plan([['9', '丙', 'QD']])[0]).toMatchObject({ outcome: 'new', record: { roles: ['employee'] } });
  });

  it('mergeWithMember without a member is a new record with the employee role', () => {
    expect(mergeWithMember({ employeeNo: '1', name: '甲', orgUnitId: 'qd', position: null, email: null, mobile: null, roles: null }, null))
      .toEqual({ record: { employeeNo: '1', name: '甲', orgUnitId: 'qd', position: null, email: null, mobile: null, roles: ['employee'] }, changes: {} });
  });
});

describe('problem texts', () => {
  it('every problem has a reason and a fix in both languages, with its parameters filled in', () => {
    const all: RosterProblemCode[] = ['missing_column', 'formula', 'merged', 'html', 'error_cell', 'employee_no_missing', 'employee_no_invalid',
      'employee_no_duplicate', 'employee_no_outside_scope', 'name_missing', 'name_too_long', 'org_missing', 'org_unknown', 'org_ambiguous',
      'org_closed', 'org_out_of_scope', 'position_too_long', 'email_invalid', 'email_duplicate', 'email_taken', 'mobile_invalid',
      'role_unknown', 'role_not_allowed', 'admin_record', 'self_change'];
    for (const code of all) {
      for (const locale of ['zh-cn', 'en'] as const) {
        const t = rosterProblemText({ code, params: { column: '机构', rows: '3', codes: 'A、B', code: 'X', owner: 'E1', words: '经理' } }, locale);
        expect(t.reason.length).toBeGreaterThan(3);
        expect(t.fix.length).toBeGreaterThan(3);
        expect(t.reason + t.fix).not.toMatch(/\{\w+\}/);
      }
    }
    expect(rosterProblemText({ code: 'employee_no_duplicate', params: { rows: '4、9' } }).reason).toContain('第 4、9 行');
  });
});

describe('hostile header cells (review R1)', () => {
  it('recognising the header over cells full of opening brackets takes linear time', async () => {
    const { isRosterHeader } = await import('../../../src/interop/roster.ts');
    const cells = Array.from({ length: 6 }, () => '('.repeat(30_000));
    const t0 = performance.now();
    expect(isRosterHeader(cells)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(isRosterHeader(['工号（必填）', '姓名', '机构'])).toBe(true);
  }, 120_000);
});
