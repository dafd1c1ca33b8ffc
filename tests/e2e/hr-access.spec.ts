// Who may use HR's and the admin pages, decided on load (the page reads the roles of /api/me): a
// trainer opening the roster import, the report or the audit log sees one NoAccess box with one
// sentence naming who may use the page — no upload form, no second sentence saying otherwise; an
// employee on the assignments page likewise. A report for a unit outside the reader's scope says so
// in one sentence with the way back to their own scope's report.
import { test, expect } from '@playwright/test';
import { signIn } from './helpers.ts';

const HR_ONLY = '此页面仅供人力/考核和系统管理员使用。如工作需要，请联系系统管理员开通相应角色。';

test('a trainer is told once, on load, who may use the HR and admin pages', async ({ page }) => {
  await signIn(page, 'trainer');
  for (const path of ['/admin/roster-import/', '/admin/people/', '/manage/reports/', '/manage/audit/']) {
    await page.goto(path);
    // The hidden island may render its own box too (it got a 403); the reader sees one.
    const box = page.locator('[data-testid="no-access"]:visible');
    await expect(box, path).toBeVisible();
    await expect(box.locator('p')).toHaveText([HR_ONLY]);
    // The page's own island stays hidden (display: none): no upload form, no second box.
    await expect(page.locator('#admin-gated, #hr-gated')).toBeHidden();
    await expect(page.locator('input[type="file"]:visible')).toHaveCount(0);
    await expect(page.locator('[data-testid="no-access"]:visible')).toHaveCount(1);
  }
  // The org tree is the trainer's to read: no NoAccess box.
  await page.goto('/admin/org/');
  await expect(page.locator('.org-tree').first()).toBeVisible();
  await expect(page.locator('[data-testid="no-access"]:visible')).toHaveCount(0);
});

test('an employee on the assignments page, in English', async ({ page }) => {
  await signIn(page, 'employee', { locale: 'en' });
  await page.goto('/en/manage/assignments/');
  await expect(page.getByTestId('no-access').locator('p')).toHaveText([
    'Only these roles can use this page: Trainer, HR / appraisal, Administrator. If you need it for your work, ask your administrator for the role.',
  ]);
  await expect(page.getByTestId('as-new')).toHaveCount(0);
});

test('HR: the roster form is there; a report for a unit outside the scope says so, with the way back', async ({ page }) => {
  await signIn(page, 'hr');
  await page.goto('/admin/roster-import/');
  await expect(page.locator('input[type="file"]')).toHaveCount(1);
  await expect(page.getByTestId('no-access')).toHaveCount(0);
  await page.goto('/manage/reports/?period=2026Q4&org=NOPE');
  const alert = page.getByTestId('rp-out-of-scope');
  await expect(alert).toHaveText('机构“NOPE”不在您的管理范围内：查看您管理范围的报表。');
  await alert.getByRole('link').click();
  await expect(alert).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('org') ?? '').not.toBe('NOPE');
  await page.goto('/en/manage/reports/?period=2026Q4&org=NOPE');
  await expect(page.getByTestId('rp-out-of-scope')).toHaveText('The org unit "NOPE" is not in your scope: see the report of your own scope.');
});
