// HR's quarter, end to end (issue 11 "Done when"): the demo HR account assigns the demo exam to 青岛分行
// for 2026Q4; an employee sees it first on the dashboard and takes it; HR exempts one person; a
// trainer regrades an attempt; then the quarter plays out — one person completes on time, one late,
// one moves to another 支行 mid-quarter, and after the quarter one moves to 济南 (the spec's database
// helper sets those times and moves, as only a calendar could). The report shows completion by unit
// with a drill-down to people, as of the period end and as of today; the xlsx export downloads and
// opens with Chinese and no formulas; the audit log shows the exemption and the regrade.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { test, expect, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { openSql, type Sql } from '../../src/server/sql.ts';
import { signIn } from './helpers.ts';

const DEMO_EXAM = '消保知识月度测试（演示）';
const QUARTER_EXAM = '消保知识季度必考（演示）';
const TITLE = '2026Q4 消保知识必考';
const PORT = Number(process.env.E2E_PORT ?? 4390);
const DATA_DIR = path.resolve(import.meta.dirname, '../..', process.env.DATA_DIR ?? '.data-e2e');

/**
 * The server's database, for the scenario's clock and moves. PostgreSQL mode: the e2e database on
 * TEST_DATABASE_URL (tests/e2e/server.ts names it). Embedded mode: the PGlite gate's URL, which the
 * server keeps owner-only next to its data (`<DATA_DIR>/pglite.url`) while it runs. The gate shares
 * PGlite's one session between the server's pool and this client at transaction boundaries, so the
 * fixture neither waits for the server's connection to close nor disturbs its transactions.
 */
async function withDb<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  let url: string;
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL);
    u.pathname = `/xb_e2e_${PORT}`;
    url = u.toString();
  } else {
    url = readFileSync(path.join(DATA_DIR, 'pglite.url'), 'utf8').trim();
  }
  const sql = openSql(url, { max: 1, idleTimeoutSeconds: 0.05 });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A finished attempt `daysAgo` days ago at `percent`, as the exam engine would have recorded it. */
async function attemptAt(sql: Sql, employeeNo: string, examId: string, daysAgo: number, percent: number) {
  const [m] = await sql`select id from app.members where employee_no = ${employeeNo}`;
  const [v] = await sql`select id from app.question_versions limit 1`;
  const [n] = await sql`select count(*)::int as n from app.attempts where member_id = ${m!.id as string} and exam_id = ${examId}`;
  const [a] = await sql`
    insert into app.attempts (exam_id, member_id, attempt_no, seed, started_at, deadline, grace_sec, paper)
    values (${examId}, ${m!.id as string}, ${Number(n!.n) + 1}, 7, now() - make_interval(days => ${daysAgo}), null, 60,
            ${sql.json([{ slot: 1, vid: v!.id as string, points: 100, oo: null }])}) returning id`;
  await sql`update app.attempts set state = 'submitted', finished_at = started_at + interval '12 minutes', score = ${percent},
            max_score = 100, percent = ${percent}, passed = ${percent >= 60}, graded_at = now() where id = ${a!.id as string}`;
}

async function apiAs(page: Page, pathname: string, init: { method?: string; body?: unknown } = {}) {
  return page.evaluate(async ({ pathname, init }) => {
    const session = JSON.parse(localStorage.getItem('xiaobao.auth') ?? '{}') as { access_token?: string };
    const res = await fetch(pathname, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${session.access_token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    return { status: res.status, body: await res.json() };
  }, { pathname, init });
}

const unitRow = (page: Page, code: string) => page.getByTestId('rp-table').locator(`tbody tr[data-unit="${code}"]`);
const cell = (page: Page, code: string, column: number) => unitRow(page, code).locator('td').nth(column);

test('HR assigns the demo exam for 2026Q4; the quarter plays out; report, export and audit log agree', async ({ browser }) => {
  test.setTimeout(420_000);
  // exam.spec.ts (same server, earlier in the run) has the demo employee take the demo exam, and
  // attempts are never deleted (the audit log points at them). This quarter uses its own copy of the
  // demo exam, with the same settings, so it starts with nobody having taken it.
  await withDb((sql) => sql`insert into app.exams (title, description, kind, status, owner_org_id, created_by, window_open, window_close,
      time_limit_sec, grace_sec, attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options,
      focus_loss_limit, review_policy, blueprint)
    select ${QUARTER_EXAM}, description, kind, status, owner_org_id, created_by, window_open, window_close,
      time_limit_sec, grace_sec, attempts_allowed, grading_method, pass_percent, multiple_rule, shuffle_questions, shuffle_options,
      focus_loss_limit, review_policy, blueprint
    from app.exams where title = ${DEMO_EXAM} and not exists (select 1 from app.exams where title = ${QUARTER_EXAM})`);

  // 1. HR assigns the demo exam to 青岛分行 for 2026Q4.
  const hrContext = await browser.newContext();
  const hr = await hrContext.newPage();
  await signIn(hr, 'hr', { next: '/manage/assignments/' });
  await hr.goto('/manage/assignments/');
  await hr.getByTestId('as-new').click();
  const form = hr.getByTestId('as-form');
  await form.locator('input[name="title"]').fill(TITLE);
  await form.locator('input[name="period"]').fill('2026Q4');
  await form.locator('select[name="examId"]').selectOption({ label: QUARTER_EXAM });
  await form.getByTestId('as-units').selectOption({ label: '\u3000青岛分行（QD）' });
  await form.locator('input[name="startsAt"]').fill('2026-10-01T00:00');
  // A due date already past (after the start) is warned about; the server refuses it until the box is ticked.
  await form.getByTestId('as-due').fill('2026-11-20T23:59');
  await expect(form.getByTestId('as-past-due')).toContainText('已经过去');
  await form.getByTestId('as-submit').click();
  await expect(form.locator('.field-error')).toContainText('截止时间已经过去');
  await expect(hr.locator('.alert-success')).toHaveCount(0);
  await form.getByTestId('as-due').fill('2026-12-31T23:59');
  await expect(form.getByTestId('as-past-due')).toHaveCount(0);
  await expect(form).toContainText('发布后截止时间不能修改');
  // A mistake first: nothing to assign to → the field says so, nothing is created.
  await form.getByTestId('as-units').selectOption([]);
  await form.getByTestId('as-submit').click();
  await expect(form.locator('.field-error').first()).toContainText('请至少选择一个机构、岗位或人员');
  await form.getByTestId('as-units').selectOption({ label: '\u3000青岛分行（QD）' });
  await form.getByTestId('as-submit').click();
  await expect(hr.locator('.alert-success')).toContainText('已布置给 9 人');
  const listRow = hr.getByTestId('as-table').locator('tbody tr', { hasText: TITLE });
  await expect(listRow).toContainText('2026Q4');
  await expect(listRow).toContainText('青岛分行');

  // 2. The demo employee (市南支行) sees it first on the dashboard, takes the exam and hands it in.
  const empContext = await browser.newContext();
  const emp = await empContext.newPage();
  await signIn(emp, 'employee');
  await emp.goto('/');
  const mine = emp.getByTestId('my-assignments');
  await expect(mine).toContainText(TITLE);
  await expect(mine.locator('.badge[data-status="not_started"]')).toHaveText('未开始');
  // Required training comes before the link cards.
  const order = await emp.evaluate(() => {
    const req = document.querySelector('[data-testid="my-assignments"]');
    const start = document.querySelector('.dash-start');
    return req && start ? req.compareDocumentPosition(start) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  expect(order).toBeTruthy();
  await mine.getByRole('link', { name: '去考试' }).click();
  await expect(emp.getByRole('heading', { level: 1, name: QUARTER_EXAM })).toBeVisible();
  // The start page names the assignment's due date (the dashboard's), not only the exam window.
  await expect(emp.getByTestId('assignment-due')).toContainText('任务截止');
  await expect(emp.getByTestId('assignment-note')).toContainText(TITLE);
  await emp.getByRole('button', { name: '开始答题' }).click();
  await expect(emp.locator('.runner-main')).toBeVisible();
  await emp.locator('.runner-main .q-option').first().click();
  await expect(emp.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 45_000 });
  await emp.locator('.runner-bar').getByRole('button', { name: '交卷' }).click();
  await emp.getByRole('dialog', { name: '确认交卷？' }).getByRole('button', { name: '确认交卷' }).click();
  await expect(emp.getByTestId('result-score')).toBeVisible({ timeout: 30_000 });
  await emp.goto('/');
  await expect(emp.getByTestId('my-assignments').locator('.badge[data-status="in_progress"]')).toHaveText('进行中');

  // 3. HR exempts 陈静 (E1003, long sick leave) from the assignment's page; the reason is required.
  await listRow.getByRole('link', { name: '查看' }).click();
  await expect(hr.getByTestId('as-due-fixed')).toHaveText('截止时间发布后不能修改；如需调整，请取消此任务后重新布置。');
  const person = hr.getByTestId('as-people').locator('tr[data-member="E1003"]');
  await person.getByTestId('exempt-E1003').click();
  await person.getByTestId('exempt-save').click();
  await expect(person.locator('.field-error')).toHaveText('请填写豁免原因（至少 2 个字）。');
  await expect(person.locator('.exempt-form .hint')).toHaveCount(0);
  await person.getByTestId('exempt-reason').fill('长期病假');
  await person.getByTestId('exempt-save').click();
  await expect(person.locator('[data-status="exempt"]')).toHaveText('豁免');
  await expect(person).toContainText('长期病假');

  // 4. The trainer regrades the employee's attempt (after a key correction), with a reason.
  const trContext = await browser.newContext();
  const trainer = await trContext.newPage();
  await signIn(trainer, 'trainer');
  const results = await apiAs(trainer, '/api/manage/results');
  const attempt = (results.body.rows as { attemptId: string; employeeNo: string; examTitle: string }[]).find((r) => r.employeeNo === 'E1001' && r.examTitle === QUARTER_EXAM);
  expect(attempt).toBeTruthy();
  const regrade = await apiAs(trainer, `/api/attempts/${attempt!.attemptId}/regrade`, { method: 'POST', body: { reason: '第3题答案更正后重新评分' } });
  expect(regrade.status).toBe(200);

  // 5. The quarter plays out (times and moves set in the database).
  await withDb(async (sql) => {
    const [a] = await sql`select id, exam_id from app.assignments where title = ${TITLE}`;
    const examId = a!.exam_id as string;
    await sql`update app.assignments set due_at = now() - interval '5 days' where id = ${a!.id as string}`;
    await attemptAt(sql, 'E1002', examId, 20, 85);                     // 刘洋: on time
    await sql`update app.members set org_unit_id = (select id from app.org_units where code = 'QD-SN') where employee_no = 'E1007'`;
    await attemptAt(sql, 'E1007', examId, 15, 90);                     // 徐婷: moved 营业部 → 市南支行 mid-quarter, on time
    await attemptAt(sql, 'E1004', examId, 2, 70);                      // 杨帆: after the due date: late
    await sql`update app.assignments set period_end = now() - interval '1 day' where id = ${a!.id as string}`;   // the quarter is over
    await sql`update app.members set org_unit_id = (select id from app.org_units where code = 'JN-LX') where employee_no = 'E1005'`; // 黄敏 → 济南, after it
  });

  // 6. The report: by unit at the period end, drilled down to people; then as of today.
  await hr.goto('/manage/reports/?period=2026Q4');
  await expect(hr.getByTestId('rp-meta')).toContainText('期间 2026Q4');
  await expect(hr.getByTestId('rp-meta')).toContainText('王芳（H3001）');
  const total = hr.getByTestId('rp-table').locator('tfoot tr');
  // assigned 9, completed 3 (one late), overdue 5, exempt 1; completion 3/8.
  await expect(total.locator('td').nth(0)).toHaveText('9');
  await expect(total.locator('td').nth(1)).toHaveText('3');
  await expect(total.locator('td').nth(2)).toHaveText('1');
  await expect(total.locator('td').nth(3)).toHaveText('5');
  await expect(total.locator('td').nth(6)).toHaveText('1');
  await expect(total.locator('td').nth(8)).toHaveText('37.5%');
  await expect(hr.getByTestId('chart-completion')).toBeVisible();
  // Scores counted: 0–9 (the employee's one answer), 70, 85, 90 — the chart's table says so.
  await expect(hr.getByTestId('chart-scores-table').locator('tr', { hasText: '80–89' }).locator('td')).toHaveText('1');
  await expect(hr.getByTestId('chart-scores-table').locator('tr', { hasText: '90–100' }).locator('td')).toHaveText('1');
  await unitRow(hr, 'QD').getByRole('link', { name: '青岛分行' }).click();
  await expect(hr.locator('.report-trail')).toContainText('青岛分行');
  await expect(cell(hr, 'QD-SN', 0)).toHaveText('5');     // 张晓梅 刘洋 陈静 罗倩 + 徐婷 (moved in)
  await expect(cell(hr, 'QD-SN', 1)).toHaveText('2');
  await expect(cell(hr, 'QD-LS', 0)).toHaveText('2');     // 杨帆 (late) and 黄敏 (in 崂山 at the period end)
  await expect(cell(hr, 'QD-LS', 2)).toHaveText('1');
  await expect(cell(hr, 'QD-OPS', 0)).toHaveText('2');
  await hr.getByTestId('rp-people-QD-LS').click();
  const people = hr.getByTestId('rp-people');
  await expect(people.locator('tr[data-member="E1004"] [data-status]')).toHaveText('逾期完成');
  // The people list is in the address: a reload (or a shared link) shows it again, breadcrumb and all.
  await expect(hr).toHaveURL(/[?&]people=QD-LS(&|$)/);
  await hr.reload();
  await expect(people.locator('tr[data-member="E1005"]')).toContainText('历下支行');
  await expect(hr.getByTestId('rp-trail')).toHaveText(/总行\s*›?\s*青岛分行\s*›?\s*崂山支行\s*›?\s*人员明细/);
  await people.locator('tr[data-member="E1004"]').getByRole('link', { name: '杨帆' }).click();
  const attempts = hr.getByTestId('rp-attempts');
  await expect(attempts).toBeVisible();
  await expect(attempts.locator('tbody tr')).toHaveCount(1);
  await expect(attempts).toContainText('计入成绩');
  await expect(hr.getByTestId('rp-trail').locator('[aria-current="page"]')).toHaveText('杨帆');
  // Back returns to the list the person was opened from.
  await hr.goBack();
  await expect(people.locator('tr[data-member="E1004"]')).toBeVisible();

  // As of today: 黄敏 now counts in 济南, so 崂山支行 has one person and 青岛分行 eight.
  await hr.getByTestId('rp-basis-current').check();
  await expect(cell(hr, 'QD-LS', 0)).toHaveText('1');
  await expect(total.locator('td').nth(0)).toHaveText('8');
  await hr.locator('.report-trail').getByRole('link', { name: '总行' }).click();
  await expect(cell(hr, 'JN', 0)).toHaveText('1');
  await expect(cell(hr, 'QD', 0)).toHaveText('8');
  await hr.getByTestId('rp-basis-period_end').check();
  await expect(unitRow(hr, 'JN')).toHaveCount(0);
  await expect(cell(hr, 'QD', 0)).toHaveText('9');

  // 7. The xlsx export downloads and opens: Chinese sheets and text, a cover sheet, no formulas.
  const [download] = await Promise.all([hr.waitForEvent('download'), hr.getByTestId('rp-export-xlsx').click()]);
  expect(download.suggestedFilename()).toMatch(/^考核导出-2026Q4-总行-.*\.xlsx$/);
  const file = path.join(os.tmpdir(), `hr-e2e-${Date.now()}.xlsx`);
  await download.saveAs(file);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['封面', '考核明细', '人员汇总']);
  const detail = wb.getWorksheet('考核明细')!;
  expect(detail.getRow(1).getCell(1).value).toBe('工号');
  const names: string[] = [];
  let formulas = 0;
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c, col) => {
    if (c.type === ExcelJS.ValueType.Formula) formulas += 1;
    if (ws.name === '考核明细' && col === 2) names.push(String(c.value));
  })));
  expect(formulas).toBe(0);
  expect(names).toContain('张晓梅');
  expect(detail.rowCount).toBe(10);

  // 8. The audit log: HR's exemption and the trainer's regrade, with who, what and why.
  await hr.goto('/manage/audit/');
  const log = hr.getByTestId('au-table');
  await expect(log.locator('tr[data-action="assignment.exempt"]')).toContainText('长期病假');
  await expect(log.locator('tr[data-action="assignment.exempt"]')).toContainText('王芳（H3001）');
  await expect(log.locator('tr[data-action="attempt.regrade"]')).toContainText('李建国（T2001）');
  await expect(log.locator('tr[data-action="attempt.regrade"]')).toContainText('第3题答案更正后重新评分');
  await hr.getByTestId('au-filters').locator('input[name="person"]').fill('E1003');
  await hr.getByTestId('au-filters').getByRole('button', { name: '筛选' }).click();
  await expect(log.locator('tr[data-action="attempt.regrade"]')).toHaveCount(0);
  await expect(log.locator('tr[data-action="assignment.exempt"]')).toHaveCount(1);

  // An attempt page opened without ?id= says where attempts are found instead of staying blank.
  await hr.goto('/manage/attempt/');
  await expect(hr.getByTestId('attempt-no-id')).toContainText('请先选择一份答卷');
  await expect(hr.getByTestId('attempt-no-id').getByRole('link', { name: '去成绩总览选择考试和答卷' })).toHaveAttribute('href', '/manage/results/');

  await Promise.all([hrContext.close(), empContext.close(), trContext.close()]);
});
