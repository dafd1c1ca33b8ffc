// The appraisal export (绩效考核导出): one row per person and assignment (明细), and one row per person
// (人员汇总), as .xlsx through src/interop/spreadsheet.ts writeWorkbook (streamed row by row; formatted, frozen header,
// widths, Chinese sheet names, cover sheet; no cell is ever a formula) or as CSV (UTF-8 with BOM,
// formula-guarded by src/core/csv.ts), streamed page by page so a large scope never sits in memory.
import { literal, type Tx } from './db.ts';
import type { Me } from './members.ts';
import type { Basis, ReportQuery, Unit } from './reports.ts';
import { formatCst, GRADING_METHOD_LABELS, STATUS_LABELS, type AssignmentStatus } from '../../src/core/completion.ts';
import { csvField, type CsvCell } from '../../src/core/csv.ts';
import { writeWorkbook, type ColumnSpec } from '../../src/interop/spreadsheet.ts';

/** An .xlsx sheet holds at most 1,048,576 rows; beyond this HR exports CSV or narrows the scope. */
export const XLSX_MAX_ROWS = 1_000_000;

const unitHeader: Record<Basis, string> = { period_end: '机构（期末）', current: '机构（当前）', assigned: '机构（布置时）' };

export function detailColumns(basis: Basis): ColumnSpec[] {
  return [
    { header: '工号', width: 12 }, { header: '姓名', width: 10 }, { header: unitHeader[basis], width: 22 },
    // Under the "current unit" basis the unit column already is the current unit: no second copy.
    ...(basis === 'current' ? [] : [{ header: '当前机构', width: 22 }]),
    { header: '岗位', width: 14 }, { header: '期间', width: 9 }, { header: '任务', width: 30 }, { header: '考试/课程', width: 30 },
    { header: '状态', width: 11 }, { header: '成绩', width: 8, numFmt: '0.00' }, { header: '是否通过', width: 9 }, { header: '完成时间', width: 17 },
    { header: '完成时机构', width: 22 }, { header: '尝试次数', width: 9 }, { header: '计分方式', width: 11 }, { header: '截止时间', width: 17 },
    { header: '豁免原因', width: 24 }, { header: '人员状态', width: 9 },
  ];
}

const SUMMARY_COLUMNS: ColumnSpec[] = [
  { header: '工号', width: 12 }, { header: '姓名', width: 10 }, { header: '机构', width: 22 }, { header: '岗位', width: 14 },
  { header: '应完成', width: 8 }, { header: '已完成', width: 8 }, { header: '其中逾期完成', width: 12 }, { header: '逾期未完成', width: 11 },
  { header: '进行中/未开始', width: 13 }, { header: '豁免', width: 7 }, { header: '平均成绩', width: 10, numFmt: '0.00' },
];

interface PersonSummary { cells: [string, string, string, string]; assigned: number; done: number; late: number; overdue: number; open: number; exempt: number; scoreSum: number; scoreN: number }

/** What the summary needs of one detail row (the xlsx query's extra columns). */
interface SummaryFacts { unitId: string; memberId: string; cells: [string, string, string, string]; status: AssignmentStatus; score: number | null }

// Keyed by unit and person: under the "when assigned" basis one person can belong to two units of the
// scope (assignments made before and after a move); each unit then has its own row, as in the CSV.
function summarise(into: Map<string, PersonSummary>, r: SummaryFacts) {
  const key = `${r.unitId}|${r.memberId}`;
  let s = into.get(key);
  if (!s) {
    s = { cells: r.cells, assigned: 0, done: 0, late: 0, overdue: 0, open: 0, exempt: 0, scoreSum: 0, scoreN: 0 };
    into.set(key, s);
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

/** CSV rows: one per person and assignment (考核明细), or one per person (人员汇总). */
export type CsvRows = 'detail' | 'person';

export function exportFileName(meta: ExportMeta, ext: 'xlsx' | 'csv', rows: CsvRows = 'detail'): string {
  return `考核导出-${rows === 'person' ? '人员汇总-' : ''}${meta.query.period}-${meta.unit.name}-${formatCst(meta.generatedAt).slice(0, 10)}.${ext}`;
}

export async function exportXlsx(tx: Tx, meta: ExportMeta, pieceRows = PIECE_ROWS): Promise<Uint8Array> {
  // The same rows as the CSV — the same statement (detailSelectSql), so both files say the same
  // thing in the same words — read through a cursor straight into the streaming xlsx writer, page by
  // page; only the per-person totals are kept (the summary sheet and the cover's counts come after
  // the detail). Strings arrive formula-guarded (app_private.csv_safe); the writer guards again,
  // which changes nothing (a guarded value starts with ').
  const units = await csvUnits(tx, meta);
  await exportSettings(tx);
  // A cursor is planned for its first tenth of rows by default (cursor_tuple_fraction 0.1); every row
  // is read here, so plan for all of them, as COPY does.
  await tx.unsafe(`set local cursor_tuple_fraction = 1`);
  const headers = detailColumns(meta.query.basis).map((c) => c.header);
  const width = headers.length;
  // The numeric columns (written as numbers) and 岗位 for the summary, by header.
  const scoreAt = headers.indexOf('成绩');
  const attemptsAt = headers.indexOf('尝试次数');
  const positionAt = headers.indexOf('岗位');
  let details = 0;
  const people = new Map<string, PersonSummary>();
  const persons = new Set<string>();
  // The per-person sheet is left out for a single assignment (see below): no totals to keep then.
  const withSummary = !meta.query.assignmentId;
  async function* detail(): AsyncGenerator<CsvCell[]> {
    for (const piece of exportPieces(units, 1, pieceRows)) {
      // Rows as arrays (values()): columns c0… in order, then unit id, member id, status key.
      const cursor = tx.unsafe(detailSelectSql(meta, { all: units.all, scope: piece }, true)).values().cursor(5_000);
      for await (const page of cursor as AsyncIterable<unknown[][]>) {
        details += page.length;
        if (details > XLSX_MAX_ROWS) throw new RangeError('too many rows for xlsx');
        for (const r of page) {
          const cells = r.slice(0, width) as CsvCell[];
          for (let i = 0; i < width; i++) if (cells[i] === null) cells[i] = '';
          const score = r[scoreAt] === null ? null : Number(r[scoreAt]);
          cells[scoreAt] = score;
          cells[attemptsAt] = Number(r[attemptsAt]);
          const memberId = r[width + 1] as string;
          if (withSummary) {
            summarise(people, {
              unitId: r[width] as string, memberId, status: r[width + 2] as AssignmentStatus, score,
              cells: [cells[0] as string, cells[1] as string, cells[2] as string, cells[positionAt] as string],
            });
          }
          persons.add(memberId);
          yield cells;
        }
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
        `共 ${details} 条明细，${persons.size} 人。`,
        ...(meta.query.assignmentId ? ['单个任务的导出每人一行，人员汇总与明细相同，故不另附。'] : []),
      ],
    }),
    sheets: [
      { name: '考核明细', columns: detailColumns(meta.query.basis), rows: detail() as never, freezeColumns: 2, autoFilter: true },
      // A generator: iterated only once the detail sheet is written and `people` is complete. Not for
      // a single assignment: each person then has exactly one detail row, and the summary would repeat
      // it (应完成 1, the same status, 平均成绩 = 成绩) — for a bank-wide assignment that is 100,000 more
      // rows, about a third of the writing time, and nothing HR signs that the detail does not show.
      ...(!withSummary ? [] : [{ name: '人员汇总', columns: SUMMARY_COLUMNS, rows: summary() as never, freezeColumns: 2, autoFilter: true }]),
    ],
  });
}

const sqlCase = (expr: string, labels: Record<string, string>) =>
  `case ${expr} ${Object.entries(labels).map(([k, v]) => `when ${literal(k)} then ${literal(v)}`).join(' ')} end`;
const cst = (expr: string) => `to_char((${expr} at time zone 'UTC') + interval '8 hours', 'YYYY-MM-DD HH24:MI')`;

/** The caller's managed units for the export, read once (under the scope check of managed_units()). */
export interface CsvUnits {
  /** Every unit the caller manages (names for 当前机构 / 完成时机构), formula-guarded. */
  all: { id: string; name: string }[];
  /** The units of the selected subtree, in path order (the file's order), with their number of
   *  detail rows (from app.assignment_counts: how the CSV is split between connections). */
  scope: ScopeUnit[];
}
export interface ScopeUnit { id: string; name: string; rows: number }

export async function csvUnits(tx: Tx, meta: ExportMeta): Promise<CsvUnits> {
  const q = meta.query;
  const rows = await tx`
    select u.id, app_private.csv_safe(u.name) as name, u.path like ${meta.unit.path} || '%' as in_scope, coalesce(c.rows, 0)::int as rows
    from app_private.managed_units() u
    left join (select c.org_unit_id, sum(c.people) as rows
               from app.assignment_counts c join app.assignments a on a.id = c.assignment_id
               where c.basis = ${q.basis} and a.period = ${q.period} and a.status = 'active'
                 and (${q.assignmentId ?? null}::uuid is null or a.id = ${q.assignmentId ?? null}::uuid)
               group by c.org_unit_id) c on c.org_unit_id = u.id
    order by u.path`;
  const all = rows.map((r) => ({ id: r.id as string, name: r.name as string }));
  return { all, scope: rows.filter((r) => r.in_scope).map((r) => ({ id: r.id as string, name: r.name as string, rows: Number(r.rows) })) };
}

/**
 * Cuts the scope's units (in file order) into at most `pieces` runs of about the same number of
 * rows, so connections can each write some runs of the CSV at once. Runs stay in order and never
 * split a unit (a unit's rows are sorted together); empty runs are dropped.
 */
export function splitUnits(units: ScopeUnit[], pieces: number): ScopeUnit[][] {
  const total = units.reduce((n, u) => n + u.rows, 0);
  if (pieces <= 1 || total === 0) return units.length ? [units] : [];
  const out: ScopeUnit[][] = [[]];
  let sum = 0;
  for (const u of units) {
    // Start a new run when this one has reached its share (the last run takes the rest).
    if (out.length < pieces && out.at(-1)!.length && sum >= (total * out.length) / pieces) out.push([]);
    out.at(-1)!.push(u);
    sum += u.rows;
  }
  return out;
}

const uuidArray = (ids: string[]) => `'{${ids.map((id) => { if (!/^[0-9a-f-]{36}$/i.test(id)) throw new TypeError('not a uuid'); return id; }).join(',')}}'::uuid[]`;
const textArray = (values: string[]) => `array[${values.map(literal).join(',')}]::text[]`;
const unitsRelation = (units: { id: string; name: string }[]) => `unnest(${uuidArray(units.map((u) => u.id))}, ${textArray(units.map((u) => u.name))})`;

/**
 * The detail rows as PostgreSQL writes them (COPY … TO STDOUT, CSV format; the xlsx reads the same
 * SELECT through a cursor): the `detailColumns` with the labels of src/core/completion.ts, CST
 * times, the formula guard as app_private.csv_safe (the twin of neutraliseFormula), under the
 * caller's RLS on person and member rows, ordered by unit path, 工号, due date. COPY takes no parameters, so every
 * value is a literal built by `literal()`. Rows end with LF (Excel and WPS read it; COPY cannot write
 * CRLF); empty values are NULLs, written unquoted.
 *
 * Shaped for 1.2 million rows (bench/RESULTS.md "hr-report", export sections):
 * - The units come in as literal arrays (`csvUnits`, read once before): the planner then knows there
 *   are N units, not "1000 rows of a function filtered by LIKE".
 * - One statement reads at most about PIECE_ROWS rows: a larger scope is cut into runs of units
 *   (`exportPieces`), each read in one pass (a sequential scan of the period's rows is cheaper than
 *   fetching them unit by unit from scattered pages), hashed to its units and the members, and
 *   sorted once in memory (work_mem 128 MB: a run of 250,000 rows sorts in ~85 MB). A single
 *   ORDER BY over 1.2 million rows was an external merge sort of ~270 MB; a LATERAL read per unit
 *   sorted in memory too, but its plan depended on the planner's guess of rows per unit — with one
 *   assignment (250 rows per unit) it re-read all 100,000 members once per unit: 87 s for 99,000 rows.
 * - Per-member values (formula guard, current unit, 在职/已停用, the 工号 order as an integer) are
 *   computed once per member in the hashed members subquery, per-unit and per-assignment ones once per
 *   unit / assignment; a person row only adds its own facts.
 * - No JIT: compiling ~200 functions costs more than it saves for this single pass.
 */
export function csvCopySql(meta: ExportMeta, units: CsvUnits): string {
  return `copy (${detailSelectSql(meta, units)}) to stdout with (format csv)`;
}

/**
 * The detail rows as one SELECT (columns c0…, formatted as the files show them). `forXlsx` adds
 * what the xlsx's per-person sheet needs: the unit's id, the member id and the status key. Two
 * shapes of the same rows in the same order (see LATERAL_MIN_ROWS_PER_UNIT); `shape` picks one for tests.
 */
export function detailSelectSql(meta: ExportMeta, units: CsvUnits, forXlsx = false, shape: 'auto' | 'one-pass' | 'per-unit' = 'auto'): string {
  const q = meta.query;
  const now = literal(meta.generatedAt.toISOString());
  const org = q.basis === 'current' ? 'ap.current_org_unit_id' : q.basis === 'assigned' ? 'ap.assigned_org_unit_id' : 'ap.period_end_org_unit_id';
  const status = `app_private.assignment_status(x.due_at, ap.completed_at, ap.started_at, ap.exempt_reason is not null, ${now}::timestamptz)`;
  const cols = [
    'm.employee_no', 'm.name', 'u.name', ...(q.basis === 'current' ? [] : ['m.current_unit']), 'm.position', 'x.period', 'x.title',
    `case when x.lessons > 0 then concat_ws('；', x.exam_title, '课程 ' || ap.lessons_read || '/' || x.lessons) else x.exam_title end`,
    sqlCase(status, STATUS_LABELS.zh),
    'trim_scale(ap.score)', `case ap.passed when true then '是' when false then '否' end`, cst('ap.completed_at'),
    'co.name', 'ap.attempts_counted', 'x.method', 'x.due_text', 'app_private.csv_safe(ap.exempt_reason)', 'm.active',
  ];
  const extra = forXlsx ? `, ap.member_id, ${status} as st` : '';
  const members = `(select m.id, row_number() over (order by m.employee_no) as k,
                   app_private.csv_safe(m.employee_no) as employee_no, app_private.csv_safe(m.name) as name, cu.name as current_unit,
                   app_private.csv_safe(m.position) as position, case when m.active then '在职' else '已停用' end as active
            from app.members m left join ou cu on cu.id = m.org_unit_id offset 0) m`;
  const head = `
    with x as materialized (
      select a.id, a.period, a.due_at, row_number() over (order by a.due_at, a.id) as xo,
             app_private.csv_safe(a.title) as title, app_private.csv_safe(nullif(e.title, '')) as exam_title,
             cardinality(a.lesson_ids) as lessons, ${sqlCase('e.grading_method', GRADING_METHOD_LABELS.zh)} as method, ${cst('a.due_at')} as due_text
      from app.assignments a left join app.exams e on e.id = a.exam_id
      where a.period = ${literal(q.period)} and a.status = 'active' ${q.assignmentId ? `and a.id = ${literal(q.assignmentId)}::uuid` : ''}
    ), ou as (select * from ${unitsRelation(units.all)} as ou(id, name)),
    u as not materialized (select * from ${unitsRelation(units.scope)} with ordinality as u(id, name, uo))`;
  const rows = units.scope.reduce((n, unit) => n + unit.rows, 0);
  const onePass = shape === 'auto' ? units.scope.length === 0 || rows / units.scope.length < LATERAL_MIN_ROWS_PER_UNIT : shape === 'one-pass';
  if (onePass) {
    return `${head}
    select ${cols.map((c, i) => `${c} as c${i}`).join(', ')}${forXlsx ? ', u.id as unit_id' : ''}${extra}
    from x join app.assignment_people ap on ap.assignment_id = x.id
    join u on u.id = ${org}
    join ${members} on m.id = ap.member_id
    left join ou co on co.id = ap.completed_org_unit_id
    order by u.uo, m.k, x.xo`;
  }
  return `${head}
    select ${cols.map((_, i) => `r.c${i}`).join(', ')}${forXlsx ? ', u.id as unit_id, r.member_id, r.st' : ''}
    from u cross join lateral (
      select ${cols.map((c, i) => `${c} as c${i}`).join(', ')}, m.k, x.xo${extra}
      from app.assignment_people ap
      join x on x.id = ap.assignment_id
      join ${members} on m.id = ap.member_id
      left join ou co on co.id = ap.completed_org_unit_id
      where ${org} = u.id
      offset 0
    ) r
    order by u.uo, r.k, r.xo`;
}

/**
 * From this many rows per unit on, a run is read unit by unit (LATERAL, index on the basis column)
 * and sorted per unit (Incremental Sort): no pass over rows of other runs, no sort of the whole run —
 * 9.4 s instead of 15 s of database CPU for 1.2 million rows. Below it the planner may turn that plan
 * around and read all members once per unit (87 s for one assignment of 250 rows per unit; seen at
 * 750 rows per unit, not at 1,500), so smaller runs are read in one pass.
 */
const LATERAL_MIN_ROWS_PER_UNIT = 2_000;

/** About this many detail rows at most per statement (see csvCopySql). */
export const PIECE_ROWS = 250_000;

/** Settings for the export's statements (see csvCopySql). */
export async function exportSettings(tx: Tx): Promise<void> {
  await tx.unsafe(`set local work_mem = '128MB'`);
  await tx.unsafe(`set local jit = off`);
}

/** The runs of units the detail is read in: at most ~`pieceRows` rows each, and at least `atLeast`. */
export function exportPieces(units: CsvUnits, atLeast = 1, pieceRows = PIECE_ROWS): ScopeUnit[][] {
  const total = units.scope.reduce((n, u) => n + u.rows, 0);
  return splitUnits(units.scope, Math.max(atLeast, Math.ceil(total / pieceRows)));
}

/**
 * The per-person CSV (人员汇总, the xlsx's second sheet as a file): one row per person and unit of the
 * scope under the basis, with the counts the summary sheet has — what an appraisal system imports for
 * a whole bank (100,000 rows instead of 1.2 million). Same scope, RLS, formula guard, order (unit path,
 * 工号) and status rule (app_private.assignment_status, at the generation time) as the detail.
 */
export function csvSummarySql(meta: ExportMeta, units: CsvUnits): string {
  const q = meta.query;
  const now = literal(meta.generatedAt.toISOString());
  const org = q.basis === 'current' ? 'ap.current_org_unit_id' : q.basis === 'assigned' ? 'ap.assigned_org_unit_id' : 'ap.period_end_org_unit_id';
  const st = `app_private.assignment_status(x.due_at, ap.completed_at, ap.started_at, ap.exempt_reason is not null, ${now}::timestamptz)`;
  return `copy (
    with x as materialized (
      select a.id, a.due_at from app.assignments a
      where a.period = ${literal(q.period)} and a.status = 'active' ${q.assignmentId ? `and a.id = ${literal(q.assignmentId)}::uuid` : ''}
    ),
    u as not materialized (select * from ${unitsRelation(units.scope)} with ordinality as u(id, name, uo)),
    -- The status once per person row (OFFSET 0 keeps the planner from pasting the expression into
    -- each count), then one group per unit and person.
    t as (
      select u.uo, ap.member_id, ap.score, ap.exempt_reason is not null as exempt, ${st} as st
      from app.assignment_people ap
      join x on x.id = ap.assignment_id
      join u on u.id = ${org}
      offset 0
    ),
    s as (
      select t.uo, t.member_id, count(*) as assigned,
             count(*) filter (where t.st in ('completed', 'completed_late')) as done,
             count(*) filter (where t.st = 'completed_late') as late,
             count(*) filter (where t.st = 'overdue') as overdue,
             count(*) filter (where t.st in ('in_progress', 'not_started')) as open,
             count(*) filter (where t.exempt) as exempt,
             trim_scale(round(avg(t.score) filter (where not t.exempt), 2)) as avg_score
      from t group by t.uo, t.member_id
    )
    select app_private.csv_safe(m.employee_no), app_private.csv_safe(m.name), u.name, app_private.csv_safe(m.position),
           s.assigned, s.done, s.late, s.overdue, s.open, s.exempt, s.avg_score
    from s join u on u.uo = s.uo join app.members m on m.id = s.member_id
    order by s.uo, m.employee_no
  ) to stdout with (format csv)`;
}

/** Opens up to `workers` transactions as the caller, all on one snapshot (db.ts asUserOnOneSnapshot). */
export type SnapshotRun = (workers: number, fn: (txs: Tx[]) => Promise<void>) => Promise<void>;

/**
 * How a large detail CSV is shared out: from `minRows` rows on, the runs of units (exportPieces, at
 * least 2 × `workers` of them) are written by `workers` connections, each taking every `workers`-th
 * run, so the database works with that many cores. At least two runs per connection: the runs must
 * reach the file in order, so a run finished early waits in memory — with two per connection that is
 * about a quarter of the file, not a half. Each run costs one more hash of the members (~0.3 s of
 * CPU for 100,000).
 */
export interface CsvSplit { workers: number; minRows: number; pieceRows: number }
export const CSV_SPLIT: CsvSplit = { workers: 2, minRows: 200_000, pieceRows: PIECE_ROWS };

/**
 * CSV as a stream: the BOM and header from here, then PostgreSQL's COPY output chunk by chunk — a
 * bank-wide scope (1.2 million rows) never sits whole in memory and never passes through JavaScript
 * row objects. A large detail export is written by several connections at once (CsvSplit).
 */
export function exportCsvStream(run: SnapshotRun, meta: ExportMeta, rows: CsvRows = 'detail', split: CsvSplit = CSV_SPLIT): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const columns = rows === 'person' ? SUMMARY_COLUMNS : detailColumns(meta.query.basis);
        controller.enqueue(enc.encode('\uFEFF' + columns.map((c) => csvField(c.header)).join(',') + '\n'));
        await run(rows === 'person' ? 1 : split.workers, async (txs) => {
          const units = await csvUnits(txs[0]!, meta);
          const total = units.scope.reduce((n, u) => n + u.rows, 0);
          const workers = rows === 'detail' && total >= split.minRows ? txs.length : 1;
          const pieces = exportPieces(units, workers === 1 ? 1 : workers * 2, split.pieceRows);
          const copy = async (tx: Tx, statement: string, chunk: (c: Uint8Array) => void) => {
            await exportSettings(tx);
            const stream = await tx.unsafe(statement).readable();
            for await (const c of stream as AsyncIterable<Uint8Array>) chunk(new Uint8Array(c));
          };
          if (rows === 'person') return copy(txs[0]!, csvSummarySql(meta, units), (c) => controller.enqueue(c));
          // Runs reach the file in order: the current run's chunks go straight out; a later run's wait
          // in `held` until every run before it is complete.
          const held: Uint8Array[][] = pieces.map(() => []);
          const complete = pieces.map(() => false);
          let current = 0;
          const advance = () => {
            while (current < pieces.length) {
              for (const c of held[current]!) controller.enqueue(c);
              held[current] = [];
              if (!complete[current]) return;
              current += 1;
            }
          };
          const work = async (w: number) => {
            for (let p = w; p < pieces.length; p += workers) {
              await copy(txs[w]!, csvCopySql(meta, { all: units.all, scope: pieces[p]! }), (c) => {
                if (p === current) controller.enqueue(c);
                else held[p]!.push(c);
              });
              complete[p] = true;
              advance();
            }
          };
          // allSettled: a failing connection must not leave the others' COPY running in a transaction
          // that is being rolled back; the first error is the export's.
          const results = await Promise.allSettled(Array.from({ length: workers }, (_, w) => work(w)));
          const failed = results.find((r) => r.status === 'rejected');
          if (failed) throw (failed as PromiseRejectedResult).reason;
        });
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
}
