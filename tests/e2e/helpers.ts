// Shared e2e helpers. Demo credentials come from the file the server writes on start
// (.data-e2e/demo-accounts.json), so tests never hard-code a password.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';

export type DemoRole = 'employee' | 'trainer' | 'hr' | 'admin';

export interface DemoAccount {
  role: DemoRole;
  name: string;
  employeeNo: string;
  org: string;
  email: string;
  password: string;
}

const accountsFile = path.resolve(import.meta.dirname, '../..', process.env.DATA_DIR ?? '.data-e2e', 'demo-accounts.json');

export function demoAccount(role: DemoRole): DemoAccount {
  const { accounts } = JSON.parse(readFileSync(accountsFile, 'utf8')) as { accounts: DemoAccount[] };
  const account = accounts.find((a) => a.role === role);
  if (!account) throw new Error(`No demo account with role "${role}" in ${accountsFile}`);
  return account;
}

/**
 * Signs in through the real sign-in page and waits until the app has loaded the member.
 * `next` (optional) is where the app should land afterwards.
 */
export async function signIn(page: Page, role: DemoRole, options: { locale?: 'zh-cn' | 'en'; next?: string } = {}): Promise<DemoAccount> {
  const account = demoAccount(role);
  const prefix = options.locale === 'en' ? '/en' : '';
  const query = options.next ? `?next=${encodeURIComponent(options.next)}` : '';
  await page.goto(`${prefix}/sign-in/${query}`);
  const form = page.locator('form.signin-form');
  await form.locator('input[name="email"]').fill(account.email);
  await form.locator('input[name="password"]').fill(account.password);
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in/'));
  // The header shows the member once /api/me has answered.
  await expect(page.locator('.user-trigger')).toBeVisible({ timeout: 30_000 });
  return account;
}
