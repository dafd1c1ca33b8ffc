// The audit trail HR reads and the appraisal export (issue 11 "Trust" and "Reports"):
//   * app.audit_log is append-only for every role — authenticated, service_role and the table owner
//     (the migration's superuser) — for UPDATE, DELETE and TRUNCATE;
//   * the audit page's API: who, when, what, before/after, filtered by person, exam and period, HR
//     reading their subtree's entries only, a trainer's regrade and HR's exemption among them;
//   * the export opens with exceljs: Chinese sheet names and text, a cover sheet, a frozen header,
//     and no formula anywhere even when names look like formulas; the CSV has a BOM and the same guard.
// PGlite by default; PostgreSQL with TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { neutraliseFormula } from '../../src/core/csv.ts';
import { startHarness, type Harness } from './harness.ts';
import assignments from '../../functions/assignments.ts';
import exemption from '../../functions/assignment-exemption.ts';
import audit from '../../functions/audit.ts';
import exportFn from '../../functions/reports-export.ts';
import regrade from '../../functions/attempt-regrade.ts';
import { asUser, asUserOnOneSnapshot } from '../../functions/_lib/db.ts';
import type { Claims } from '../../functions/_lib/auth.ts';
import { loadMe } from '../../functions/_lib/members.ts';
import { reportUnit } from '../../functions/_lib/reports.ts';
import { csvUnits, detailSelectSql, exportCsvStream, exportXlsx, type ExportMeta } from '../../functions/_lib/export.ts';
import { keysOf, responseFor, save, start, submit } from './exam-helpers.ts';

let h: Harness;
let demoExam = '';
let assignmentId = '';
let attemptId = '';

// Names a roster could carry that a spreadsheet would run as formulas.
const NASTY: Record<string, string> = {
  E1002: '=HYPERLINK("http://evil.example","点我")',
  E1003: '+1',
  E1004: '-2',
  E1005: '@x',
  E1006: '\t制表',
  E1007: '\r回车',
};

beforeAll(async () => {
  h = await startHarness();
  const [e] = await h.sql`select id from app.exams where title = '消保知识月度测试（演示）'`;
  demoExam = e!.id as string;
  const r = await h.call(assignments, {
    method: 'POST', path: '/api/assignments', token: await h.tokenFor('H3001'),
    body: { title: '2026Q4 消保必考', period: '2026Q4', examId: demoExam, targets: { orgUnits: [{ unit: 'QD' }] }, startsAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-12-31T23:59:59+08:00' },
  });
  expect(r.status, r.text).toBe(201);
  assignmentId = r.body.id;
  // E1002 sits the exam for real (start → answers → submit), so a trainer can regrade it.
  const s = await start(h, demoExam, 'E1002');
  expect(s.status, s.text).toBeLessThan(300);
  attemptId = s.body.attempt.id;
  const keys = await keysOf(h, attemptId);
  // Every third answer wrong — except a multiple-choice question whose options are all correct (the
  // paper is drawn at random from the bank, and such questions exist): there is no wrong option to pick.
  const canMiss = (k: (typeof keys)[number]) => k.type !== 'multiple' || k.options!.some((o) => !k.key.answer.includes(o.id));
  for (const k of keys) await save(h, attemptId, k.slot, { response: responseFor(k, k.slot % 3 !== 0 || !canMiss(k)), seq: 1 }, 'E1002');
  expect((await submit(h, attemptId, 'E1002')).status).toBe(200);
  const rg = await h.call(regrade, { method: 'POST', path: `/api/attempts/${attemptId}/regrade`, token: await h.tokenFor('T2001'), params: { attemptId }, body: { reason: '更正第3题答案后重新评分' } });
  expect(rg.status, rg.text).toBe(200);
  const ex = await h.call(exemption, {
    method: 'PUT', path: `/api/assignments/${assignmentId}/people/E1003/exemption`, token: await h.tokenFor('H3001'),
    params: { assignmentId, member: 'E1003' }, body: { reason: '长期病假' },
  });
  expect(ex.status, ex.text).toBe(200);
  for (const [no, name] of Object.entries(NASTY)) await h.sql`update app.members set name = ${name} where employee_no = ${no}`;
}, 180_000);
afterAll(async () => { await h?.stop(); });

const auditAs = async (who: string, query = '') => h.call(audit, { path: `/api/audit?${query}`, token: await h.tokenFor(who) });

describe('audit_log is append-only for every role', () => {
  async function as(role: 'authenticated' | 'service_role', who: string | null, statement: string) {
    const sub = who ? await h.userIdFor(who) : null;
    return h.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(sub ? { sub, role } : { role })}, true), set_config('role', ${role}, true)`;
      return tx.unsafe(statement);
    });
  }
  const statements = ['update app.audit_log set reason = \'rewritten\'', 'delete from app.audit_log', 'truncate app.audit_log'];

  it.each(statements)('HR, admin and an employee are refused: %s', async (statement) => {
    for (const who of ['H3001', 'A4001', 'E1001']) {
      await expect(as('authenticated', who, statement)).rejects.toMatchObject({ code: '42501' });
    }
  });
  it.each(statements)('service_role is refused: %s', async (statement) => {
    await expect(as('service_role', null, statement)).rejects.toMatchObject({ code: '42501' });
  });
  it.each(statements)('the table owner (the migration role) is refused by the trigger: %s', async (statement) => {
    await expect(h.sql.unsafe(statement)).rejects.toMatchObject({ code: '42501', message: 'audit_log is append-only' });
  });
  it('entries are still there, and a member may append only in their own name', async () => {
    const [n] = await h.sql`select count(*)::int as n from app.audit_log`;
    expect(n!.n).toBeGreaterThanOrEqual(3);
    const other = (await h.sql`select id from app.members where employee_no = 'A4001'`)[0]!.id as string;
    const hr = await h.userIdFor('H3001');
    await expect(h.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: hr, role: 'authenticated' })}, true), set_config('role', 'authenticated', true)`;
      await tx`insert into app.audit_log (actor_member_id, actor_label, action, entity, entity_id) values (${other}, 'member', 'forged', 'x', 'y')`;
    })).rejects.toMatchObject({ code: '42501' });
  });
});

describe('the audit page API', () => {
  it('HR of the head office sees the exemption and the trainer\'s regrade with before and after', async () => {
    const r = await auditAs('H3001');
    expect(r.status, r.text).toBe(200);
    const ex = r.body.entries.find((e: { action: string }) => e.action === 'assignment.exempt');
    expect(ex).toMatchObject({ actor: { name: '王芳', employeeNo: 'H3001' }, subject: { employeeNo: 'E1003', org: '市南支行' }, period: '2026Q4', examId: demoExam, reason: '长期病假' });
    expect(ex.before).toMatchObject({ exempt: false });
    expect(ex.after).toMatchObject({ exempt: true, reason: '长期病假' });
    const rg = r.body.entries.find((e: { action: string }) => e.action === 'attempt.regrade');
    expect(rg).toMatchObject({ actor: { employeeNo: 'T2001' }, subject: { employeeNo: 'E1002' }, examId: demoExam, period: '2026Q4', reason: '更正第3题答案后重新评分' });
    expect(rg.before).toBeTruthy();
    expect(rg.after).toBeTruthy();
  });

  it('filters by person, exam and period', async () => {
    // (member.* entries: the roster's own audit of the name changes this fixture made.)
    const byPerson = await auditAs('H3001', 'person=E1003');
    expect(byPerson.body.entries.map((e: { action: string }) => e.action).filter((a: string) => !a.startsWith('member.'))).toEqual(['assignment.exempt']);
    expect(byPerson.body.entries.every((e: { subject: { employeeNo: string } | null; actor: { employeeNo: string } }) =>
      e.subject?.employeeNo === 'E1003' || e.actor.employeeNo === 'E1003')).toBe(true);
    const byExam = await auditAs('H3001', `examId=${demoExam}&period=2026Q4`);
    expect(byExam.body.entries.map((e: { action: string }) => e.action).sort()).toEqual(['assignment.create', 'assignment.exempt', 'attempt.regrade']);
    expect((await auditAs('H3001', 'period=2026Q1')).body.entries).toEqual([]);
    const page = await auditAs('H3001', 'limit=1');
    expect(page.body.entries).toHaveLength(1);
    expect(page.body.nextBefore).toBe(page.body.entries[0].id);
    const next = await auditAs('H3001', `limit=1&before=${page.body.nextBefore}`);
    expect(next.body.entries[0].id).toBeLessThan(page.body.nextBefore);
  });

  it('HR of 济南 sees none of 青岛\'s entries; employees and trainers get 403; bad filters are field errors', async () => {
    const jn = await auditAs('H3002');
    expect(jn.status).toBe(200);
    const qdPeople = new Set(['E1001', 'E1002', 'E1003', 'E1004', 'E1005', 'E1006', 'E1007', 'E1015', 'T2002']);
    expect(jn.body.entries.length).toBeGreaterThan(0);   // 济南's own people (the roster's member.create entries)
    expect(jn.body.entries.filter((e: { subject: { employeeNo: string } | null; action: string }) =>
      (e.subject && qdPeople.has(e.subject.employeeNo)) || e.action.startsWith('assignment.') || e.action.startsWith('attempt.'))).toEqual([]);
    expect((await auditAs('E1001')).status).toBe(403);
    expect((await auditAs('T2001')).status).toBe(403);
    const bad = await auditAs('H3001', 'examId=nope&period=Q4');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['examId', 'period']);
  });
});

function expectNoFormula(wb: ExcelJS.Workbook) {
  let cells = 0;
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => {
    cells += 1;
    expect(cell.type, `${ws.name}!${cell.address}`).not.toBe(ExcelJS.ValueType.Formula);
    expect((cell as { formula?: string }).formula, `${ws.name}!${cell.address}`).toBeUndefined();
    if (typeof cell.value === 'string') expect(cell.value, `${ws.name}!${cell.address}`).not.toMatch(/^[=+\-@\t\r]/);
  })));
  return cells;
}

describe('the appraisal export', () => {
  const get = async (who: string, query: string) => {
    const req = new Request(`http://127.0.0.1/api/reports/export?${query}`, { headers: { authorization: `Bearer ${await h.tokenFor(who)}` } });
    return exportFn(req, { params: {} });
  };

  it('xlsx: cover sheet, Chinese sheets and headers, frozen header, no formulas though names look like them', async () => {
    const res = await get('H3001', 'period=2026Q4&org=QD&basis=period_end&format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain('考核导出-2026Q4-青岛分行');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '考核明细', '人员汇总']);
    const cover = wb.getWorksheet('封面')!;
    const coverText = cover.getSheetValues().flat().join(' ');
    expect(coverText).toContain('2026Q4');
    expect(coverText).toContain('青岛分行（按期末所在机构）');
    expect(coverText).toContain('王芳（H3001）');
    const detail = wb.getWorksheet('考核明细')!;
    expect(detail.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // Filter buttons over the header row, every column (R = the 18th, 人员状态).
    expect(detail.autoFilter).toBe('A1:R1');
    expect(wb.getWorksheet('人员汇总')!.autoFilter).toBe('A1:K1');
    expect(detail.getRow(1).getCell(1).value).toBe('工号');
    expect(detail.getRow(1).getCell(3).value).toBe('机构（期末）');
    expect(detail.rowCount).toBe(1 + 9);
    const rows = new Map<string, ExcelJS.Row>();
    detail.eachRow((row, i) => { if (i > 1) rows.set(String(row.getCell(1).value), row); });
    expect(rows.get('E1002')!.getCell(2).value).toBe(`'${NASTY.E1002}`);
    expect(rows.get('E1002')!.getCell(9).value).toMatch(/已完成|进行中/);
    expect(rows.get('E1003')!.getCell(9).value).toBe('豁免');
    expect(rows.get('E1003')!.getCell(17).value).toBe('长期病假');
    expect(rows.get('E1001')!.getCell(9).value).toBe('未开始');
    expect(rows.get('E1001')!.getCell(15).value).toBe('取最高分');
    expect(expectNoFormula(wb)).toBeGreaterThan(100);
  });

  it('csv: UTF-8 with BOM, the same rows, formula-looking names neutralised', async () => {
    const res = await get('H3001', 'period=2026Q4&org=QD&format=csv');
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);   // (the decoder drops the BOM)
    const lines = text.split('\n').filter((l) => l && !l.startsWith('"\r'));
    expect(text.startsWith('工号,姓名,机构（期末）')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(text).toContain(`,'+1,`);
    expect(text).toContain(`,'-2,`);
    expect(text).toContain(`,'@x,`);
    expect(text).toContain(`,'\t制表,`);
    expect(text).toContain(`"'\r回车"`);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    // The same values as the xlsx's detail sheet for one person (statuses, labels, CST times).
    const e1003 = lines.find((l) => l.startsWith('E1003,'))!;
    expect(e1003).toBe("E1003,'+1,市南支行,市南支行,,2026Q4,2026Q4 消保必考,消保知识月度测试（演示）,豁免,,,,,0,取最高分,2026-12-31 23:59,长期病假,在职");
  });

  // The CSV is written by PostgreSQL (COPY, functions/_lib/export.ts csvCopySql), the xlsx from the
  // same SELECT through a cursor and exceljs: both must say the same thing, row for row, in order.
  // Line breaks inside a cell do not survive either reader the same way (XML turns CR into LF,
  // the CSV parser drops a quoted CR): compare without them; the CR case itself is checked above.
  const flat = (v: string) => v.replace(/[\r\n]/g, '');
  const xlsxDetail = async (query: string) => {
    const res = await get('H3001', `${query}&format=xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const rows: string[][] = [];
    const sheet = wb.getWorksheet('考核明细')!;
    // As many columns as the header has (the "current unit" basis has no separate 当前机构 column).
    const width = sheet.getRow(1).cellCount;
    sheet.eachRow((row) => {
      rows.push(Array.from({ length: width }, (_, i) => { const v = row.getCell(i + 1).value; return v === null || v === undefined ? '' : flat(String(v)); }));
    });
    return { rows, sheets: wb.worksheets.map((w) => w.name) };
  };
  const csvDetail = async (query: string) => {
    const res = await get('H3001', `${query}&format=csv`);
    expect(res.status).toBe(200);
    const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    return parsed.data.map((r) => r.map(flat));
  };

  it.each(['period_end', 'current', 'assigned'])('csv and xlsx carry the same rows in the same order (basis %s)', async (basis) => {
    const query = `period=2026Q4&org=QD&basis=${basis}`;
    const csv = await csvDetail(query);
    const xlsx = await xlsxDetail(query);
    expect(csv.length).toBe(1 + 9);
    expect(csv).toEqual(xlsx.rows);
    // Unit by unit (path order), 工号 ascending within a unit: each unit is one run of rows.
    const runs: string[][] = [];
    csv.slice(1).forEach((r, i, all) => { if (i === 0 || all[i - 1]![2] !== r[2]) runs.push([]); runs.at(-1)!.push(r[0]!); });
    expect(new Set(csv.slice(1).map((r) => r[2])).size).toBe(runs.length);
    for (const nos of runs) expect(nos).toEqual([...nos].sort());
  });

  it('one assignment: the same rows in both files, and no per-person sheet (it would repeat the detail)', async () => {
    const query = `period=2026Q4&org=QD&assignmentId=${assignmentId}`;
    const csv = await csvDetail(query);
    const xlsx = await xlsxDetail(query);
    expect(xlsx.sheets).toEqual(['封面', '考核明细']);
    expect(csv.length).toBe(1 + 9);
    expect(csv).toEqual(xlsx.rows);
  });

  it('csv rows=person: the per-person sheet as a file, the same rows as the xlsx 人员汇总', async () => {
    for (const basis of ['period_end', 'assigned']) {
      const query = `period=2026Q4&org=QD&basis=${basis}`;
      const res = await get('H3001', `${query}&format=csv&rows=person`);
      expect(res.status).toBe(200);
      expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain('考核导出-人员汇总-2026Q4-青岛分行');
      const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
      const csv = Papa.parse<string[]>(text, { skipEmptyLines: true }).data.map((r) => r.map(flat));
      const x = await get('H3001', `${query}&format=xlsx`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as never);
      const sheet: string[][] = [];
      wb.getWorksheet('人员汇总')!.eachRow((row) => {
        sheet.push(Array.from({ length: 11 }, (_, i) => { const v = row.getCell(i + 1).value; return v === null || v === undefined ? '' : flat(String(v)); }));
      });
      expect(csv[0]).toEqual(['工号', '姓名', '机构', '岗位', '应完成', '已完成', '其中逾期完成', '逾期未完成', '进行中/未开始', '豁免', '平均成绩']);
      expect(csv.length).toBe(1 + 9);
      expect(csv).toEqual(sheet);
      expect(csv.find((r) => r[0] === 'E1003')!.slice(4)).toEqual(['1', '0', '0', '0', '0', '1', '']);
      expect(csv.find((r) => r[0] === 'E1002')![1]).toBe(`'${NASTY.E1002}`);
    }
    expect((await get('H3001', 'period=2026Q4&org=QD&format=csv&rows=everyone')).status).toBe(400);
  });

  it('the SQL formula guard says what neutraliseFormula says', async () => {
    const samples = ['=1+1', '+1', '-2', '@x', '\t制表', '\r回车', '', ' =1', '\n换行', '１', '＝全角', "'已加", '王芳', '-', 'a=b'];
    const rows = await h.sql`select t, app_private.csv_safe(t) as safe from jsonb_array_elements_text(${h.sql.json(samples)}) as s(t)`;
    expect(rows.map((r) => r.safe)).toEqual(samples.map(neutraliseFormula));
    const [n] = await h.sql`select app_private.csv_safe(null) as safe`;
    expect(n!.safe).toBeNull();
  });

  it('refuses employees, and HR outside the unit, before any file is written', async () => {
    expect((await get('E1001', 'period=2026Q4&format=csv')).status).toBe(403);
    const r = await get('H3002', 'period=2026Q4&org=QD&format=xlsx');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('problem+json');
    expect((await get('H3001', 'period=2026Q4&format=pdf')).status).toBe(400);
  });
});

// A whole bank's detail CSV is written by two connections at once (functions/_lib/export.ts
// CsvSplit): the scope's units cut into runs, each connection writing every other run, all on one
// exported snapshot (db.ts asUserOnOneSnapshot). The file must be the one a single connection writes.
describe('the detail CSV written by several connections', () => {
  const claimsOf = async (who: string) => ({ sub: await h.userIdFor(who), role: 'authenticated' }) as unknown as Claims;
  const text = async (stream: ReadableStream<Uint8Array>) => new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer()));

  const metaFor = (claims: Claims, basis: 'period_end' | 'current' | 'assigned'): Promise<ExportMeta> => asUser(claims, async (tx) => {
    const me = (await loadMe(tx))!;
    return { me, unit: (await reportUnit(tx, me, undefined)).unit, query: { period: '2026Q4', basis }, generatedAt: new Date() };
  });

  it('gives the same bytes as one statement, runs in order, on as many connections as the mode allows', async () => {
    const claims = await claimsOf('H3001');
    for (const basis of ['period_end', 'current', 'assigned'] as const) {
      const meta = await metaFor(claims, basis);
      const opened: number[] = [];
      const run = (n: number, fn: (txs: never[]) => Promise<void>) => asUserOnOneSnapshot(claims, n, async (txs) => { opened.push(txs.length); await fn(txs as never[]); });
      const whole = await text(exportCsvStream(run as never, meta, 'detail', { workers: 1, minRows: 0, pieceRows: 1e9 }));
      // One unit per run (pieceRows 1), on one connection, and on two.
      const runs = await text(exportCsvStream(run as never, meta, 'detail', { workers: 1, minRows: 0, pieceRows: 1 }));
      const split = await text(exportCsvStream(run as never, meta, 'detail', { workers: 2, minRows: 0, pieceRows: 1 }));
      // PostgreSQL: two connections; the embedded database has one session, so one.
      expect(opened).toEqual([1, 1, h.kind === 'postgres' ? 2 : 1]);
      expect(whole.split('\n').length).toBeGreaterThan(10);
      expect(new Set(whole.split('\n').slice(1).map((l) => l.split(',')[2])).size).toBeGreaterThan(2);
      expect(runs).toBe(whole);
      expect(split).toBe(whole);
    }
  });

  it('both shapes of the detail statement (one pass; unit by unit) give the same rows in the same order', async () => {
    const claims = await claimsOf('H3001');
    for (const basis of ['period_end', 'current', 'assigned'] as const) {
      const meta = await metaFor(claims, basis);
      const [onePass, perUnit] = await asUser(claims, async (tx) => {
        const units = await csvUnits(tx, meta);
        return Promise.all((['one-pass', 'per-unit'] as const).map(async (shape) => tx.unsafe(detailSelectSql(meta, units, true, shape)).values()));
      });
      expect(onePass!.length).toBeGreaterThanOrEqual(9);
      expect(perUnit).toEqual(onePass);
    }
  });

  it('the xlsx read in runs of units is the xlsx read at once (per-person totals kept across runs)', async () => {
    const claims = await claimsOf('H3001');
    const sheets = async (bytes: Uint8Array) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(bytes) as never);
      return wb.worksheets.filter((w) => w.name !== '封面').map((w) => {
        const rows: unknown[][] = [];
        w.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
        return { name: w.name, rows };
      });
    };
    for (const basis of ['period_end', 'assigned'] as const) {
      const meta = await metaFor(claims, basis);
      const whole = await sheets(await asUser(claims, (tx) => exportXlsx(tx, meta)));
      const runs = await sheets(await asUser(claims, (tx) => exportXlsx(tx, meta, 1)));
      expect(whole.map((s) => s.name)).toEqual(['考核明细', '人员汇总']);
      expect(whole[1]!.rows.length).toBeGreaterThan(5);
      expect(runs).toEqual(whole);
    }
  });

  // PostgreSQL only: the embedded database has one session, so a second connection's commit would wait
  // for the open transaction (and asUserOnOneSnapshot gives a single transaction there anyway).
  it.skipIf(!process.env.TEST_DATABASE_URL)('every connection reads the snapshot of the first: a change committed meanwhile is in none of them', async () => {
    const claims = await claimsOf('H3001');
    const [member] = await h.sql`select id, position from app.members where employee_no = 'E1001'`;
    const seen = await asUserOnOneSnapshot(claims, 2, async (txs) => {
      // Committed by another connection after the snapshot was taken.
      await h.sql`update app.members set position = '快照之后' where id = ${member!.id as string}`;
      return Promise.all(txs.map(async (tx) => (await tx`select position from app.members where id = ${member!.id as string}`)[0]!.position));
    }).finally(() => h.sql`update app.members set position = ${member!.position as string | null} where id = ${member!.id as string}`);
    expect(seen.length).toBe(2);
    for (const p of seen) expect(p).toBe(member!.position);
  });
});

