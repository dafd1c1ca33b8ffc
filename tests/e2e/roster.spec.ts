// Roster import as HR would do it: the demo HR account uploads a sheet with good and bad rows, sees
// each bad row explained (row, column, reason, fix), commits the good ones, gets the new person's
// initial password once — and that person signs in with their employee number and must choose
// their own password first.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import { signIn } from './helpers.ts';

async function rosterSheet(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('花名册');
  ws.addRow(['工号', '姓名', '机构', '岗位', '邮箱', '手机', '角色']);
  const rows = [
    ['007001', '测试新员工', '青岛分行/市南支行', '柜员', '', '13800138011', '员工'],
    ['E1002', '刘洋', 'QD-SN', '大堂经理', '', '', ''],
    ['007002', '未知机构', '青岛分行/不存在支行', '', '', '', ''],
    ['007003', '邮箱有误', 'QD-SN', '', 'not-an-email', '', ''],
    ['007004', '重复甲', 'QD-SN', '', '', '', ''],
    ['007004', '重复乙', 'QD-SN', '', '', '', ''],
  ];
  for (const r of rows) ws.addRow(r).getCell(1).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test('HR imports a roster, sees bad rows explained, commits the good ones; the new person signs in with 工号', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await signIn(page, 'hr');
  await page.goto('/admin/roster-import/');
  await expect(page.getByRole('heading', { level: 1, name: '花名册导入' })).toBeVisible();
  await page.getByLabel('花名册文件').setInputFiles({
    name: '青岛花名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await rosterSheet(),
  });
  await page.getByRole('button', { name: '上传并预览' }).click();

  const preview = page.getByTestId('roster-preview');
  await expect(preview).toBeVisible({ timeout: 30_000 });
  await expect(preview.getByText('以下为预览，尚未写入任何数据。')).toBeVisible();
  await expect(preview.getByTestId('count-new')).toHaveText('1');
  await expect(preview.getByTestId('count-update')).toHaveText('1');
  await expect(preview.getByTestId('count-problem')).toHaveText('4');
  // Problems are shown first, each with its place, reason and fix.
  const unknownOrg = preview.locator('tr[data-row="4"]');
  await expect(unknownOrg).toContainText('C列（机构）');
  await expect(unknownOrg).toContainText('找不到这个机构。');
  await expect(unknownOrg).toContainText('修改建议：');
  await expect(preview.locator('tr[data-row="5"]')).toContainText('邮箱格式不正确。');
  await expect(preview.locator('tr[data-row="6"]')).toContainText('另见第 7 行');
  await expect(preview.locator('tr[data-row="7"]')).toContainText('另见第 6 行');
  // A problem row whose 机构 cell resolved shows the unit's name, not the raw code.
  await expect(preview.locator('tr[data-row="5"] td').nth(3)).toHaveText('市南支行');
  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await preview.locator('button[data-outcome="update"]').click();
  await expect(preview.locator('tr[data-outcome="update"]')).toContainText('岗位：— → 大堂经理');
  await expect(preview.locator('tr[data-outcome="update"]')).toContainText('角色：员工');
  await preview.locator('button[data-outcome="new"]').click();
  await expect(preview.locator('tr[data-outcome="new"]').getByTestId('row-roles')).toHaveText('角色：员工');

  await page.getByTestId('roster-commit').click();
  const done = page.getByTestId('roster-done');
  await expect(done).toContainText('导入完成：新增 1 人，更新 1 人，停用 0 人。', { timeout: 60_000 });
  // The one-time passwords replace the preview and are brought into view, their heading focused.
  await expect(page.getByTestId('roster-preview')).toHaveCount(0);
  await expect(done.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(done.getByTestId('initial-password')).toBeInViewport();
  const password = (await done.getByTestId('initial-password').textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z2-9]{12}$/);
  // They sign in with their 工号; the generated placeholder address is never shown.
  await expect(done.getByTestId('account-sign-in')).toHaveText('007001');
  await expect(done.getByTestId('roster-accounts').locator('th')).toHaveText(['登录账号（工号）', '姓名', '初始密码']);
  await expect(done).not.toContainText('xiaobao.invalid');

  // The new person signs in with 工号 (leading zeros kept) in a fresh browser.
  const context = await browser.newContext();
  const newcomer = await context.newPage();
  await newcomer.goto('/sign-in/');
  await newcomer.getByLabel('工号或邮箱').fill('007001');
  await newcomer.getByLabel('密码', { exact: true }).fill(password);
  await newcomer.getByRole('button', { name: '登录', exact: true }).click();
  // An initial password: the person must choose their own before anything else.
  await newcomer.waitForURL((url) => url.pathname === '/account/password/');
  await expect(newcomer.getByTestId('password-required')).toContainText('请先设置自己的新密码');
  await newcomer.getByLabel('当前密码').fill(password);
  await newcomer.getByLabel('新密码', { exact: true }).fill('123');
  await newcomer.getByLabel('再次输入新密码').fill('123');
  await newcomer.getByRole('button', { name: '保存新密码' }).click();
  await expect(newcomer.locator('[data-field-error="newPassword"]')).toHaveText('新密码至少 10 个字符。');
  await newcomer.getByLabel('新密码', { exact: true }).fill('Qd-harbour-2026');
  await newcomer.getByLabel('再次输入新密码').fill('Qd-harbour-2026');
  await newcomer.getByRole('button', { name: '保存新密码' }).click();
  await newcomer.waitForURL((url) => url.pathname === '/');
  await expect(newcomer.locator('.user-trigger')).toContainText('测试新员工', { timeout: 30_000 });
  await context.close();
});

test('a wrong 工号 or password gets one message', async ({ page }) => {
  await page.goto('/sign-in/');
  await page.getByLabel('工号或邮箱').fill('NOSUCH99');
  await page.getByLabel('密码', { exact: true }).fill('whatever-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('工号/邮箱或密码不正确');
});

test('the admin sees the org tree and is told why a unit with people cannot close', async ({ page }) => {
  await signIn(page, 'admin');
  await page.goto('/admin/org/');
  await page.locator('.org-node', { hasText: '崂山支行' }).click();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: '撤销此机构' }).click();
  await expect(page.getByTestId('org-message')).toContainText(/“崂山支行”还有 \d+ 名在岗人员/);

  // 青岛分行: its own parent is offered and chosen, head counts say what they count, a new child is a 支行
  // by default, and a second 市南支行 is refused next to the name field, in Chinese.
  await page.locator('.org-node', { hasText: '青岛分行' }).first().click();
  await expect(page.locator('#org-parent')).toHaveValue(await page.locator('#org-parent option', { hasText: '总行（HQ）' }).getAttribute('value') ?? 'missing');
  await expect(page.getByTestId('org-counts')).toHaveText(/^本级 \d+ 人 · 含下级共 \d+ 人$/);
  await expect(page.locator('#org-new-kind')).toHaveValue('sub_branch');
  await page.locator('#org-new-code').fill('QD-SN9');
  await page.locator('#org-new-name').fill('市南支行');
  await page.getByRole('button', { name: '新增', exact: true }).click();
  await expect(page.locator('#org-new-name').locator('xpath=..').locator('.field-error')).toHaveText('“青岛分行”下已有未撤销的机构叫“市南支行”。请换一个名称，或先把那个机构改名或撤销。');
  await expect(page.locator('#org-new-name')).toHaveAttribute('aria-invalid', 'true');
  // A malformed code gets the site's message, not the browser's tooltip.
  await page.locator('#org-new-code').fill('QD SN!');
  await page.locator('#org-new-name').fill('格式测试');
  await page.getByRole('button', { name: '新增', exact: true }).click();
  await expect(page.locator('#org-new-code').locator('xpath=..').locator('.field-error')).toHaveText('机构代码为 1–32 位字母、数字或“-”，如 QD-SN。');
});

test('refusals are shown in Chinese next to the field they concern', async ({ page }) => {
  await signIn(page, 'admin');
  // A domain refusal (a unit code that is taken): coded by the server, said by the page in Chinese.
  await page.goto('/admin/org/');
  await page.locator('.org-node', { hasText: '崂山支行' }).click();
  await page.locator('#org-new-code').fill('QD');
  await page.locator('#org-new-name').fill('重复代码测试');
  await page.getByRole('button', { name: '新增', exact: true }).click();
  await expect(page.locator('#org-new-code').locator('xpath=..').locator('.field-error')).toHaveText('已有机构使用这个代码，请换一个。');
  // A schema refusal (a malformed mobile number): the generic code, in Chinese, next to the input.
  await page.goto('/admin/people/');
  await page.getByRole('button', { name: '新增人员' }).click();
  await page.locator('#person-employeeNo').fill('0099');
  await page.locator('#person-name').fill('字段提示测试');
  await page.locator('#person-mobile').fill('12345');
  await page.locator('#person-form').getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#person-mobile-error')).toHaveText('手机号为以 1 开头的 11 位数字。');
  await expect(page.locator('#person-form')).not.toContainText(/[A-Za-z]{4,} [a-z]{3,}/); // no English sentence anywhere in the form
});
