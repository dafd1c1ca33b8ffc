// The trainer's question bank, as a new trainer would use it: create a bank, download the Excel
// template, fill it with good and broken rows, see exactly which rows are wrong and why, import the
// good ones, and edit one question (a new version). Real server, real database, real files.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { signIn } from './helpers.ts';

test('a trainer builds a bank from the Excel template, sees the broken rows, imports the good ones and edits one', async ({ page }) => {
  test.setTimeout(180_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signIn(page, 'trainer', { next: '/manage/banks/' });
  await page.goto('/manage/banks/');

  // 1. A new bank (closed by default, with the explanation of what that means).
  const bankName = `E2E 导入题库 ${Date.now().toString(36)}`;
  await page.getByRole('button', { name: '新建题库' }).click();
  await expect(page.getByText('封闭：题目只用于考试')).toBeVisible();
  await page.getByLabel('题库名称').fill(bankName);
  await page.getByRole('button', { name: '创建', exact: true }).click();
  await expect(page.getByText(`已创建题库“${bankName}”。`)).toBeVisible();
  const row = page.locator('tr', { hasText: bankName });
  await expect(row.getByText('封闭')).toBeVisible();
  await row.getByRole('link', { name: '打开' }).click();
  await expect(page.getByRole('heading', { name: bankName })).toBeVisible();
  const bankId = new URL(page.url()).searchParams.get('id')!;

  // 2. The template, downloaded as a trainer would.
  await page.getByRole('link', { name: '导入', exact: true }).click();
  await expect(page).toHaveURL(/\/manage\/import\/\?bank=/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 Excel 模板' }).click()]);
  const templatePath = await dl.path();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(readFileSync(templatePath!)).buffer as ArrayBuffer);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['题目', '说明']);
  const sheet = wb.getWorksheet('题目')!;
  const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const col = (name: string) => headers.indexOf(name) + 1;
  // Keep the examples (good rows), add one more good row and two broken ones.
  const add = (cells: Record<string, string>) => {
    const r = sheet.addRow([]);
    for (const [k, v] of Object.entries(cells)) r.getCell(col(k)).value = v;
  };
  add({ 题型: '单选题', 题干: 'E2E：银行收到投诉后应当在多少个工作日内告知受理情况？', 选项A: '1个', 选项B: '3个', 选项C: '7个', 答案: 'Ｂ', 解析: '示例。', 难度: '2', '知识点/分类': '投诉处理' });
  add({ 题型: '单选', 题干: 'E2E：答案写成了不存在的选项？', 选项A: '甲', 选项B: '乙', 答案: 'F' });
  add({ 题型: '判断', 题干: 'E2E：判断题的答案写成了“也许”？', 答案: '也许' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xb-banks-e2e-'));
  const file = path.join(dir, '我的题库.xlsx');
  writeFileSync(file, new Uint8Array(await wb.xlsx.writeBuffer()));

  // 3. Upload → preview: which rows are wrong and why; nothing is imported yet.
  await expect(page.locator('#imp-bank')).toHaveValue(bankId);
  await page.getByLabel('选择文件').setInputFiles(file);
  await page.getByRole('button', { name: '上传并预览' }).click();
  const summary = page.getByTestId('import-summary');
  await expect(summary).toContainText('有问题 2');
  await expect(summary).toContainText('新增 6');
  const badRows = page.locator('tr.import-problem');
  await expect(badRows).toHaveCount(2);
  await expect(badRows.first()).toContainText('答案）”列');
  await expect(badRows.first()).toContainText('修改方法');
  await expect(badRows.nth(1)).toContainText('答案）”列');
  await expect(badRows.nth(1)).toContainText('无法识别');
  await expect(page.locator('tr', { hasText: 'E2E：银行收到投诉后' })).toContainText('Ｂ → B');
  expect((await new AxeBuilder({ page }).include('.import-table').analyze()).violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

  // 4. Import the good rows.
  await page.getByTestId('commit').click();
  await expect(page.getByTestId('import-result')).toContainText('新增 6');
  await page.getByRole('link', { name: '打开题库' }).click();
  await expect(page.getByText('共 6 道题')).toBeVisible();

  // 5. Edit one question: a new version.
  await page.getByRole('link', { name: /E2E：银行收到投诉后/ }).click();
  await expect(page.getByRole('heading', { name: '编辑题目' })).toBeVisible();
  await expect(page.locator('.q-preview .q-stem')).toContainText('E2E：银行收到投诉后');
  const stem = page.getByLabel('题干');
  await stem.fill('E2E：银行收到投诉后，应当在多少个工作日内告知投诉人受理情况？');
  await expect(page.locator('.q-preview .q-stem')).toContainText('告知投诉人受理情况');
  await page.getByRole('button', { name: '保存（生成新版本）' }).click();
  await expect(page.getByTestId('editor-message')).toHaveText('已保存为第 2 版。');
  await expect(page.locator('.version-list li')).toHaveCount(2);
  expect(pageErrors).toEqual([]);
});
