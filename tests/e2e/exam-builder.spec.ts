// The trainer's exam workspace end to end: the demo trainer builds a mock contest for two branches
// from a blueprint (a short answer included), previews it and publishes it; the demo employee takes
// it; the trainer marks the short answer from the grading queue (anonymous until marked) and opens
// the item statistics page, which shows facility and discrimination per question.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn } from './helpers.ts';

const TITLE = `分行模拟竞赛 ${Date.now().toString(36)}`;

async function answerCurrent(page: Page): Promise<void> {
  const main = page.locator('.runner-main');
  const options = main.locator('.q-option');
  if (await options.count()) return options.first().click();
  const blanks = main.locator('.q-blank');
  const b = await blanks.count();
  for (let i = 0; i < b; i++) await blanks.nth(i).fill('十五日');
  if (b === 0) await main.locator('textarea').fill('应当在十五日内作出处理决定并告知投诉人，说明理由与救济途径。');
}

test('a trainer builds, previews and publishes a mock contest; an employee takes it; the trainer marks it and reads the statistics', async ({ browser }) => {
  test.setTimeout(300_000);

  // --- The trainer builds the contest from a blueprint.
  const trainerContext = await browser.newContext();
  const trainer = await trainerContext.newPage();
  await signIn(trainer, 'trainer');
  await trainer.goto('/manage/exams/');
  await trainer.getByTestId('new-exam').click();
  await expect(trainer.getByTestId('exam-builder')).toBeVisible();
  await trainer.locator('input[name="title"]').fill(TITLE);
  await trainer.locator('select[name="kind"]').selectOption('mock_contest');
  await trainer.locator('input[name="timeLimit"]').fill('30');
  await trainer.locator('input[name="attempts"]').fill('1');

  const row0 = trainer.getByTestId('blueprint-row-0');
  await row0.locator('select[name="row-0-type"]').selectOption('single');
  await row0.locator('select[name="row-0-topic"]').selectOption('complaint-handling');
  // Asking for more than the bank has shows the problem on the row…
  await row0.locator('input[name="row-0-count"]').fill('99');
  // (in Chinese on a Chinese page: the server's row code, docs/decisions/refusal-codes.md)
  await expect(trainer.getByTestId('row-error-0')).toContainText('第 1 行要抽 99 题');
  // …and a count the bank can fill shows what is available.
  await row0.locator('input[name="row-0-count"]').fill('4');
  await row0.locator('input[name="row-0-points"]').fill('5');
  await expect(trainer.getByTestId('available-0')).toContainText('题库中可用');

  await trainer.getByRole('button', { name: '添加一行' }).click();
  const row1 = trainer.getByTestId('blueprint-row-1');
  await row1.locator('select[name="row-1-type"]').selectOption('short');
  await row1.locator('select[name="row-1-topic"]').selectOption('complaint-handling');
  await row1.locator('input[name="row-1-count"]').fill('1');
  await row1.locator('input[name="row-1-points"]').fill('10');
  await expect(trainer.getByTestId('available-1')).toHaveText(/题库中可用 \d+ 题/);
  await expect(trainer.getByTestId('blueprint-total')).toHaveText('共 5 题，满分 30 分');

  // Two branches.
  await trainer.locator('input[name="unit-QD"]').check();
  await trainer.locator('input[name="unit-JN"]').check();

  await trainer.getByTestId('save-exam').click();
  await expect(trainer.getByTestId('builder-message')).toHaveText('已保存。');
  await expect(trainer.getByTestId('exam-status')).toHaveText('草稿');
  await expect(trainer).toHaveURL(/\/manage\/exams\/edit\/\?id=/);

  // Preview: the paper as an employee sees it, no answers.
  await trainer.getByTestId('preview-exam').click();
  const preview = trainer.getByTestId('exam-preview');
  await expect(preview).toBeVisible();
  await expect(preview.locator('.preview-q')).toHaveCount(5);
  await expect(preview.locator('.right-answer, .explain')).toHaveCount(0);

  const axe = await new AxeBuilder({ page: trainer }).include('[data-testid="exam-builder"]').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await trainer.getByTestId('publish-exam').click();
  await expect(trainer.getByTestId('exam-status')).toHaveText('已发布');

  await trainer.goto('/manage/exams/');
  await expect(trainer.getByTestId('my-exams').locator('tbody tr', { hasText: TITLE })).toContainText('青岛分行');

  // --- The demo employee (市南支行, 青岛分行) takes it.
  const employeeContext = await browser.newContext();
  const employee = await employeeContext.newPage();
  await signIn(employee, 'employee');
  await employee.goto('/exams/');
  await employee.getByTestId('exam-card').filter({ hasText: TITLE }).getByTestId('exam-start').click();
  await employee.getByRole('button', { name: '开始答题' }).click();
  await expect(employee.locator('.runner-main')).toBeVisible();
  for (let i = 0; i < 5; i++) {
    await answerCurrent(employee);
    if (i < 4) await employee.getByRole('button', { name: /下一题/ }).click();
  }
  await expect(employee.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 45_000 });
  await employee.locator('.runner-bar').getByRole('button', { name: '交卷' }).click();
  await employee.getByRole('dialog', { name: '确认交卷？' }).getByRole('button', { name: '确认交卷' }).click();
  await expect(employee.getByTestId('result-score')).toBeVisible({ timeout: 30_000 });
  await employeeContext.close();

  // --- The trainer marks the short answer from the queue: anonymous until marked.
  await trainer.goto('/manage/grading/');
  const queue = trainer.getByTestId('grading-queue');
  await expect(queue.getByTestId('grading-response')).toContainText('十五日内');
  await expect(queue).toContainText('匿名');
  await expect(queue).not.toContainText('张晓梅');
  await queue.getByTestId('grading-mark').fill('8');
  await trainer.keyboard.press('Enter');
  await expect(queue).toContainText('已评分：8 分');
  await expect(queue).toContainText('张晓梅');
  await expect(queue.getByTestId('pending-count')).toHaveText(/待阅 0 份/);

  // --- Results: the exam is listed with who has not started; a name search that finds nobody says so.
  await trainer.goto('/manage/results/');
  await trainer.getByTestId('manage-exam').selectOption({ label: TITLE });
  await expect(trainer.getByTestId('manage-table').locator('tbody tr', { hasText: '张晓梅' })).toHaveCount(1);
  await expect(trainer.getByTestId('not-started')).toContainText('刘洋');
  await trainer.locator('.manage-controls input[type="search"]').fill('查无此人');
  await expect(trainer.getByTestId('results-empty')).toHaveText('没有人符合“查无此人”。');

  // --- Item statistics: facility and discrimination for each question.
  await trainer.goto('/manage/exams/');
  await trainer.getByTestId('my-exams').locator('tbody tr', { hasText: TITLE }).getByRole('link', { name: '题目分析' }).click();
  const stats = trainer.getByTestId('item-stats');
  await expect(stats.getByTestId('exam-summary')).toContainText('人数');
  await expect(stats.getByTestId('small-sample')).toBeVisible();
  await expect(stats.getByTestId('item-row')).toHaveCount(5);
  await expect(stats.getByTestId('item-table').locator('thead')).toContainText('难度（得分率）');
  await expect(stats.getByTestId('item-table').locator('thead')).toContainText('区分度（27%）');
  await expect(stats.getByTestId('facility').first()).toHaveText(/^\d\.\d\d$/);
  await trainerContext.close();
});
