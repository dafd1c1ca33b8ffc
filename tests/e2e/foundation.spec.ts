// The site shell: sign-in/out, the dashboard, locales, accessibility and the phone layout.
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoAccount, signIn } from './helpers.ts';

async function expectNoSeriousA11yViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
  expect(serious, `${label}: axe found serious/critical violations:\n${summary}`).toEqual([]);
}

test('signed-out home is the product landing with a sign-in button', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/消保学堂/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.landing').getByRole('link', { name: '登录开始学习' })).toBeVisible();
  await expect(page.locator('.site-header').getByRole('link', { name: '登录' })).toBeVisible();
  // Role-only links stay hidden for visitors.
  await expect(page.locator('[data-roles]').first()).toBeHidden();
});

test('employee signs in and sees the dashboard with name and org path', async ({ page }) => {
  const account = await signIn(page, 'employee');
  await expect(page).toHaveURL('/');
  const dashboard = page.locator('.dashboard');
  await expect(dashboard.getByRole('heading', { level: 1 })).toContainText('张晓梅');
  await expect(dashboard).toContainText(account.employeeNo);
  await expect(dashboard.locator('.path')).toContainText('总行');
  await expect(dashboard.locator('.path')).toContainText('青岛分行');
  await expect(dashboard.locator('.path')).toContainText('市南支行');
  await expect(dashboard.locator('.badge')).toContainText(['员工']);
  await expect(dashboard.locator('a[data-card="lessons"]')).toHaveAttribute('href', '/lessons/');
  await expect(dashboard.locator('a[data-card="practice"]')).toBeVisible();
  await expect(dashboard.locator('a[data-card="exams"]')).toBeVisible();
  // An employee does not get the managers' results overview.
  await expect(dashboard.locator('a[data-card="manageResults"]')).toHaveCount(0);
  await expect(page.locator('.nav-desktop li[data-roles]')).toBeHidden();
  // The landing is not shown to a signed-in member.
  await expect(page.locator('.landing')).toBeHidden();
});

test('a trainer sees the role-only 管理 link, and the hub shows trainer tools but not admin ones', async ({ page }) => {
  await signIn(page, 'trainer');
  await expect(page.locator('.nav-desktop').getByRole('link', { name: '管理' })).toBeVisible();
  await expect(page.locator('.dashboard a[data-card="manageResults"]')).toBeVisible();
  await page.locator('.nav-desktop').getByRole('link', { name: '管理' }).click();
  await expect(page.getByRole('link', { name: /题库/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /组织架构/ })).toBeHidden();
});

test('an employee has no 管理 link, and the hub says they have no management role', async ({ page }) => {
  await signIn(page, 'employee');
  await expect(page.locator('.nav-desktop').getByRole('link', { name: '管理' })).toBeHidden();
  await page.goto('/manage/');
  await expect(page.getByText('您的账号没有管理权限')).toBeVisible();
  await expect(page.getByRole('link', { name: /题库/ })).toBeHidden();
});

test('wrong password shows a clear message and stays on sign-in', async ({ page }) => {
  const account = demoAccount('employee');
  await page.goto('/sign-in/');
  await page.getByLabel('邮箱').fill(account.email);
  await page.getByLabel('密码', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('工号/邮箱或密码不正确');
  await expect(page).toHaveURL(/\/sign-in\/$/);
});

test('sign-in returns to ?next=', async ({ page }) => {
  await signIn(page, 'employee', { next: '/en/' });
  await expect(page).toHaveURL('/en/');
  await expect(page.locator('.dashboard h1')).toContainText('Hello, 张晓梅');
});

test('signing out returns to the signed-out home', async ({ page }) => {
  await signIn(page, 'employee');
  await page.locator('.user-trigger').click();
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.locator('.landing')).toBeVisible();
  await expect(page.locator('.dashboard')).toBeHidden();
  await expect(page.locator('.site-header').getByRole('link', { name: '登录' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('xiaobao.auth'))).toBeNull();
  // A reload stays signed out.
  await page.reload();
  await expect(page.locator('.landing')).toBeVisible();
});

test('/en/ renders English chrome', async ({ page }) => {
  await page.goto('/en/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const nav = page.locator('.nav-desktop');
  for (const label of ['Home', 'Lessons', 'Regulations', 'Practice', 'Exams', 'My results']) {
    await expect(nav.getByRole('link', { name: label, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Lessons', exact: true })).toHaveAttribute('href', '/en/lessons/');
  await expect(page.locator('.site-header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  // The language switch goes to the same page in Chinese.
  await page.locator('.lang-desktop').click();
  await expect(page).toHaveURL('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('English sign-in shows English errors', async ({ page }) => {
  await page.goto('/en/sign-in/');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('Enter your employee number or email, and your password.');
});

test('unknown pages get the localised 404 page, with HTTP status 404', async ({ page }) => {
  const zh = await page.goto('/no-such-page/');
  expect(zh?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('找不到这个页面');
  const en = await page.goto('/en/no-such-page/');
  expect(en?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find this page');
  // Real pages keep 200.
  expect((await page.goto('/lessons/'))?.status()).toBe(200);
});

test.describe('accessibility (axe)', () => {
  test('home (signed out)', async ({ page }) => {
    await page.goto('/');
    await expectNoSeriousA11yViolations(page, 'home');
  });

  test('sign-in, with an error shown', async ({ page }) => {
    await page.goto('/sign-in/');
    await expectNoSeriousA11yViolations(page, 'sign-in');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'sign-in with error');
  });

  test('dashboard and open user menu', async ({ page }) => {
    await signIn(page, 'hr');
    await expect(page.locator('.dashboard h1')).toContainText('王芳');
    await expectNoSeriousA11yViolations(page, 'dashboard');
    await page.locator('.user-trigger').click();
    await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'dashboard with user menu');
  });
});

test.describe('phone (375×812)', () => {
  test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });

  test('the nav menu opens and sign-in works', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('.nav-desktop')).toBeHidden();
    const menu = page.locator('.mobile-menu');
    await menu.locator('summary').click();
    const panelNav = menu.getByRole('navigation');
    await expect(panelNav.getByRole('link', { name: '课程' })).toBeVisible();
    await expect(panelNav.getByRole('link', { name: '考试' })).toBeVisible();
    await expect(menu.getByRole('link', { name: 'English' })).toBeVisible();
    // Nothing overflows the phone width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await signIn(page, 'employee');
    await expect(page.locator('.dashboard h1')).toContainText('张晓梅');
    await expect(page.locator('.dashboard .path')).toContainText('市南支行');
    const overflowSignedIn = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflowSignedIn).toBeLessThanOrEqual(0);
  });
});
