// Browser-side findings of the penetration test (issue 8): the open redirect after sign-in (1),
// the Content-Security-Policy and HSTS headers (10), an employee on a trainer page and the
// header search on a phone (13).
import { test, expect, type Page } from '@playwright/test';
import { signIn } from './helpers.ts';

/** Collects CSP violations the page reports (a blocked script, style or fetch). */
async function watchCsp(page: Page) {
  const violations: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return violations;
}

test.describe('sign-in ?next= (finding 1)', () => {
  for (const next of ['/\t/evil.example/x', '//evil.example/x', '/\\evil.example/', 'https://evil.example/']) {
    test(`stays on this site for next=${JSON.stringify(next)}`, async ({ page, baseURL }) => {
      // Requests to other origins are answered here, so a redirect would be seen, not followed.
      const offsite: string[] = [];
      await page.route((url) => url.origin !== new URL(baseURL!).origin, (route) => {
        offsite.push(route.request().url());
        return route.fulfill({ status: 200, body: 'offsite' });
      });
      await signIn(page, 'employee', { next });
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
      await expect(page).toHaveURL('/');
      expect(offsite).toEqual([]);
    });
  }

  test('still returns to a page of the site', async ({ page }) => {
    await signIn(page, 'employee', { next: '/exams/?tab=all' });
    await expect(page).toHaveURL('/exams/?tab=all');
  });
});

test.describe('Content-Security-Policy and HSTS (finding 10)', () => {
  test('pages send frame-ancestors and HSTS headers and carry a hashed script policy', async ({ page }) => {
    const res = await page.goto('/');
    const headers = res!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    const meta = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
    expect(meta).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    expect(meta).not.toContain("'unsafe-inline' 'sha");
    expect(meta).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(meta).toMatch(/connect-src 'self'/);
  });

  test('the site works under the policy and an injected inline script does not run', async ({ page }) => {
    const violations = await watchCsp(page);
    await page.goto('/lessons/');
    // Search (Pagefind compiles WebAssembly), sign-in, the dashboard and the exam list.
    await expect(page.locator('astro-island:has(#site-search-input)')).not.toHaveAttribute('ssr', '');
    const input = page.locator('#site-search-input');
    await input.click();
    await input.fill('首问负责');
    await expect(page.locator('.site-search-results a').first()).toBeVisible();
    await signIn(page, 'employee');
    await expect(page.locator('.dashboard h1')).toBeVisible();
    await page.goto('/exams/');
    await expect(page.locator('.app-page')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.dataset.auth)).toBe('in');
    expect(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toEqual([]);
    expect(violations).toEqual([]);

    // What an XSS would try: an inline script and an inline event handler.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __injected?: boolean; __handler?: boolean };
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.append(s);
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__handler = true');
      img.src = 'data:,x';
      document.body.append(img);
      await new Promise((r) => setTimeout(r, 300));
      return { script: Boolean(w.__injected), handler: Boolean(w.__handler) };
    });
    expect(ran).toEqual({ script: false, handler: false });
  });
});

test.describe('employee on a trainer page (finding 13)', () => {
  test('results overview: "no access" with a way back, not a loading skeleton', async ({ page }) => {
    await signIn(page, 'employee');
    await page.goto('/manage/results/');
    const box = page.getByTestId('no-access');
    await expect(box).toBeVisible();
    await expect(box.getByRole('heading')).toHaveText('您没有访问此页面的权限');
    await expect(page.locator('.skeleton')).toHaveCount(0);
    await box.getByRole('link', { name: '返回首页' }).click();
    await expect(page).toHaveURL('/');
  });

  test('attempt details in English', async ({ page }) => {
    await signIn(page, 'employee', { locale: 'en' });
    await page.goto('/en/manage/attempt/?id=00000000-0000-4000-8000-000000000000');
    const box = page.getByTestId('no-access');
    await expect(box.getByRole('heading')).toHaveText('You don’t have access to this page');
    await expect(box.getByRole('link', { name: 'My results' })).toHaveAttribute('href', '/en/results/');
    await expect(page.locator('.runner-loading')).toHaveCount(0);
  });
});

test('a page whose first request fails shows the error and a retry, not a skeleton', async ({ page }) => {
  await signIn(page, 'employee');
  let fail = true;
  await page.route('**/api/results', (route) => (fail
    ? route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Internal Server Error', status: 500, detail: '服务器暂时出错。' }) })
    : route.continue()));
  await page.goto('/results/');
  const alert = page.locator('.app-page .alert-error');
  await expect(alert).toContainText('服务器暂时出错。');
  await expect(page.locator('.app-page .skeleton')).toHaveCount(0);
  fail = false;
  await alert.getByRole('button').click();
  await expect(alert).toHaveCount(0);
});

test.describe('phone header search (finding 13)', () => {
  for (const width of [360, 390]) {
    test(`${width} px: the open search box leaves the logo and the sign-in button whole`, async ({ page }) => {
      await page.setViewportSize({ width, height: 780 });
      await page.goto('/lessons/');
      await expect(page.locator('astro-island:has(#site-search-input)')).not.toHaveAttribute('ssr', '');
      const brand = page.locator('.site-header .brand');
      const signInLink = page.locator('.site-header').getByRole('link', { name: '登录' });
      await expect(signInLink).toBeVisible();
      const input = page.locator('#site-search-input');
      await input.click();
      await input.fill('投诉');
      await expect(page.locator('.site-search-results a').first()).toBeVisible();
      await page.screenshot({ path: `/tmp/security-phone-search-${width}.png` });

      const box = (await input.boundingBox())!;
      for (const [name, el] of [['logo', brand], ['sign-in', signInLink]] as const) {
        await expect(el, name).toBeVisible();
        const b = (await el.boundingBox())!;
        const overlaps = box.x < b.x + b.width && b.x < box.x + box.width && box.y < b.y + b.height && b.y < box.y + box.height;
        expect(overlaps, `${name} is covered by the search box`).toBe(false);
        // Whatever is on top at the element's centre is the element itself (not cut by an overlay).
        const onTop = await el.evaluate((node) => {
          const r = node.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return !!hit && (node === hit || node.contains(hit));
        });
        expect(onTop, `${name} is under another element`).toBe(true);
        expect(b.x).toBeGreaterThanOrEqual(0);
        expect(b.x + b.width).toBeLessThanOrEqual(width);
      }
      const results = (await page.locator('.site-search-panel').boundingBox())!;
      expect(results.x).toBeGreaterThanOrEqual(0);
      expect(results.x + results.width).toBeLessThanOrEqual(width);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  }
});
