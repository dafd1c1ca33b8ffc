// The appraisal export (绩效考核导出): one row per person and assignment (明细), and one row per person
// (人员汇总), as .xlsx through src/interop/spreadsheet.ts writeWorkbook (streamed row by row; formatted, frozen header,
// widths, Chinese sheet names, cover sheet; no cell is ever a formula) or as CSV (UTF-8 with BOM,
// formula-guarded by src/core/csv.ts), streamed page by page so a large scope never sits in memory.
import { literal, type Tx } from './db.ts';
import type { Me } from './members.ts';
import { exportRows, type Basis, type PersonRow, type ReportQuery, type Unit } from './reports.ts';
import { formatCst, GRADING_METHOD_LABELS, STATUS_LABELS } from '../../src/core/completion.ts';
import { csvField, type CsvCell } from '../../src/core/csv.ts';
import { writeWorkbook, type ColumnSpec } from '../../src/interop/spreadsheet.ts';

/** An .xlsx sheet holds at most 1,048,576 rows; beyond this HR exports CSV or narrows the scope. */
export const XLSX_MAX_ROWS = 1_000_000;

const unitHeader: Record<Basis, string> = { period_end: '机构（期末）', current: '机构（当前）', assigned: '机构（布置时）' };

export function detailColumns(basis: Basis): ColumnSpec[] {
  return [
    { header: '工号', width: 12 }, { header: '姓名', width: 10 }, { header: unitHeader[basis], width: 22 }, { header: '当前机构', width: 22 },
    { header: '岗位', width: 14 }, { header: '期间', width: 9 }, { header: '任务', width: 30 }, { header: '考试/课程', width: 30 },
    { header: '状态', width: 11 }, { header: '成绩', width: 8, numFmt: '0.00' }, { header: '是否通过', width: 9 }, { header: '完成时间', width: 17 },
    { header: '完成时机构', width: 22 }, { header: '尝试次数', width: 9 }, { header: '计分方式', width: 11 }, { header: '截止时间', width: 17 },
    { header: '豁免原因', width: 24 }, { header: '人员状态', width: 9 },
  ];
}

const yesNo = (v: boolean | null) => (v === null ? '' : v ? '是' : '否');

export function detailCells(r: PersonRow): CsvCell[] {
  const what = [r.examTitle, r.lessonsTotal ? `课程 ${r.lessonsRead}/${r.lessonsTotal}` : null].filter(Boolean).join('；');
  return [
    r.employeeNo, r.name, r.unit.name, r.currentUnit, r.position ?? '', r.period, r.assignmentTitle, what,
    STATUS_LABELS.zh[r.status], r.score, yesNo(r.passed), formatCst(r.completedAt), r.completedUnit ?? '', r.attempts,
    r.gradingMethod ? GRADING_METHOD_LABELS.zh[r.gradingMethod] : '', formatCst(r.dueAt), r.exemptReason ?? '', r.active ? '在职' : '已停用',
  ];
}

const SUMMARY_COLUMNS: ColumnSpec[] = [
  { header: '工号', width: 12 }, { header: '姓名', width: 10 }, { header: '机构', width: 22 }, { header: '岗位', width: 14 },
  { header: '应完成', width: 8 }, { header: '已完成', width: 8 }, { header: '其中逾期完成', width: 12 }, { header: '逾期未完成', width: 11 },
  { header: '进行中/未开始', width: 13 }, { header: '豁免', width: 7 }, { header: '平均成绩', width: 10, numFmt: '0.00' },
];

interface PersonSummary { cells: [string, string, string, string]; assigned: number; done: number; late: number; overdue: number; open: number; exempt: number; scoreSum: number; scoreN: number }

function summarise(into: Map<string, PersonSummary>, r: PersonRow) {
  let s = into.get(r.memberId);
  if (!s) {
    s = { cells: [r.employeeNo, r.name, r.unit.name, r.position ?? ''], assigned: 0, done: 0, late: 0, overdue: 0, open: 0, exempt: 0, scoreSum: 0, scoreN: 0 };
    into.set(r.memberId, s);
  }
  s.assigned += 1;
  if (r.status === 'completed' || r.status === 'completed_late') s.done += 1;
  if (r.status === 'completed_late') s.late += 1;
  if (r.status === 'overdue') s.overdue += 1;
  if (r.status === 'in_progress' || r.status === 'not_started') s.open += 1;
  if (r.status === 'exempt') s.exempt += 1;
  else if (r.score !== null) { s.scoreSum += r.score; s.scoreN += 1; }
}

export interface ExportMeta { me: Me; unit: Unit; query: ReportQuery; generatedAt: Date }

const basisLabel: Record<Basis, string> = { period_end: '按期末所在机构', current: '按当前所在机构', assigned: '按布置时所在机构' };

export function exportFileName(meta: ExportMeta, ext: 'xlsx' | 'csv'): string {
  return `考核导出-${meta.query.period}-${meta.unit.name}-${formatCst(meta.generatedAt).slice(0, 10)}.${ext}`;
}

export async function exportXlsx(tx: Tx, meta: ExportMeta): Promise<Uint8Array> {
  // Rows go from the database cursor straight into the streaming xlsx writer, page by page; only the
  // per-person totals are kept (the summary sheet and the cover's counts come after the detail).
  let details = 0;
  const people = new Map<string, PersonSummary>();
  async function* detail(): AsyncGenerator<CsvCell[]> {
    for await (const page of exportRows(tx, meta.me, meta.query, meta.generatedAt)) {
      details += page.length;
      if (details > XLSX_MAX_ROWS) throw new RangeError('too many rows for xlsx');
      for (const r of page) {
        summarise(people, r);
        yield detailCells(r);
      }
    }
  }
  function* summary(): Generator<(string | number | null)[]> {
    for (const s of people.values()) {
      yield [...s.cells, s.assigned, s.done, s.late, s.overdue, s.open, s.exempt, s.scoreN ? Math.round((s.scoreSum / s.scoreN) * 100) / 100 : null];
    }
  }
  return writeWorkbook({
    cover: () => ({
      title: '必修培训与考试完成情况（绩效考核）',
      period: meta.query.period,
      scope: `${meta.unit.name}（${basisLabel[meta.query.basis]}）`,
      generatedAt: formatCst(meta.generatedAt),
      generatedBy: `${meta.me.name}（${meta.me.employeeNo}）`,
      notes: [
        '状态：已完成＝截止前完成；逾期完成＝截止后完成；逾期未完成＝已过截止时间仍未完成；豁免须填写原因并记入审计日志。',
        '成绩为考试按计分方式（取最高分/首次/最后一次/平均分）计算的百分制成绩；只计任务开始后的作答。',
        `共 ${details} 条明细，${people.size} 人。`,
      ],
    }),
    sheets: [
      { name: '考核明细', columns: detailColumns(meta.query.basis), rows: detail() as never, freezeColumns: 2 },
      // A generator: iterated only once the detail sheet is written and `people` is complete.
      { name: '人员汇总', columns: SUMMARY_COLUMNS, rows: summary() as never, freezeColumns: 2 },
    ],
  });
}

const sqlCase = (expr: string, labels: Record<string, string>) =>
  `case ${expr} ${Object.entries(labels).map(([k, v]) => `when ${literal(k)} then ${literal(v)}`).join(' ')} end`;
const cst = (expr: string) => `to_char((${expr} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI')`;

/**
 * The CSV rows as PostgreSQL writes them (COPY … TO STDOUT, CSV format): the same columns and values
 * as `detailCells` (labels from src/core/completion.ts, CST times, the formula guard as
 * app_private.csv_safe, the twin of neutraliseFormula), under the caller's RLS, in the same order as
 * the xlsx. COPY takes no parameters, so every value is a literal built by `literal()`. Rows end with
 * LF (Excel and WPS read it; COPY cannot write CRLF); empty values are NULLs, written unquoted.
 */
export function csvCopySql(meta: ExportMeta): string {
  const q = meta.query;
  const now = literal(meta.generatedAt.toISOString());
  const org = q.basis === 'current' ? 'ap.current_org_unit_id' : q.basis === 'assigned' ? 'ap.assigned_org_unit_id' : 'ap.period_end_org_unit_id';
  return `copy (
    with x as materialized (
      select a.id, a.title, a.period, a.due_at, cardinality(a.lesson_ids) as lessons, e.title as exam_title, e.grading_method
      from app.assignments a left join app.exams e on e.id = a.exam_id
      where a.period = ${literal(q.period)} and a.status = 'active' ${q.assignmentId ? `and a.id = ${literal(q.assignmentId)}::uuid` : ''}
    ), ou as materialized (select id, name, path from app_private.managed_units())
    select app_private.csv_safe(m.employee_no), app_private.csv_safe(m.name), app_private.csv_safe(u.name), app_private.csv_safe(cu.name),
           app_private.csv_safe(m.position), x.period, app_private.csv_safe(x.title),
           app_private.csv_safe(nullif(concat_ws('；', x.exam_title, case when x.lessons > 0 then '课程 ' || ap.lessons_read || '/' || x.lessons end), '')),
           ${sqlCase(`app_private.assignment_status(x.due_at, ap.completed_at, ap.started_at, ap.exempt_reason is not null, ${now}::timestamptz)`, STATUS_LABELS.zh)},
           trim_scale(ap.score), case ap.passed when true then '是' when false then '否' end, ${cst('ap.completed_at')},
           app_private.csv_safe(co.name), ap.attempts_counted, ${sqlCase('x.grading_method', GRADING_METHOD_LABELS.zh)}, ${cst('x.due_at')},
           app_private.csv_safe(ap.exempt_reason), case when m.active then '在职' else '已停用' end
    from app.assignment_people ap
    join x on x.id = ap.assignment_id
    join app.members m on m.id = ap.member_id
    join ou u on u.id = ${org}
    left join ou cu on cu.id = m.org_unit_id
    left join ou co on co.id = ap.completed_org_unit_id
    where u.path like ${literal(meta.unit.path)} || '%'
    order by u.path, m.employee_no, x.due_at, x.id
  ) to stdout with (format csv)`;
}

/**
 * CSV as a stream: the BOM and header from here, then PostgreSQL's COPY output chunk by chunk — a
 * bank-wide scope (1.2 million rows) never sits in memory and never passes through JavaScript row objects.
 */
export function exportCsvStream(run: (fn: (tx: Tx) => Promise<void>) => Promise<void>, meta: ExportMeta): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(enc.encode('\uFEFF' + detailColumns(meta.query.basis).map((c) => csvField(c.header)).join(',') + '\n'));
        await run(async (tx) => {
          const stream = await tx.unsafe(csvCopySql(meta)).readable();
          for await (const chunk of stream as AsyncIterable<Uint8Array>) controller.enqueue(new Uint8Array(chunk));
        });
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
}
