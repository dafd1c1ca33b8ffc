// A live on-site contest end to end, as a new user would try it: the demo trainer builds a contest
// between four departments of the demo bank (必答, 抢答, 风险 and a sudden-death round), four staff
// join from 375-px phones through the big screen's QR link, the host runs it from the console to
// the end — a foul, a buzz, stakes, a tie broken by sudden death — while the screen (at its
// /live/<id>/screen address) shows the scoreboard throughout; the final ranking exports to xlsx.
import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoAccount, signIn } from './helpers.ts';

const DEPARTMENTS = ['HQ-CP', 'HQ-HR', 'QD-OPS', 'JN-OPS'];
/** One player per department team (the host, 李建国, does not play). */
const PLAYERS = [
  { no: 'E1013', name: '高雪' },
  { no: 'E1014', name: '林峰' },
  { no: 'E1006', name: '吴昊' },
  { no: 'E1016', name: '宋佳' },
];

async function phoneFor(browser: Browser, employeeNo: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 720 }, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  await page.goto('/sign-in/');
  const form = page.locator('form.signin-form');
  await form.locator('input[name="email"]').fill(`${employeeNo.toLowerCase()}@demo.xiaobao.local`);
  await form.locator('input[name="password"]').fill(demoAccount('employee').password);
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in/'));
  return page;
}

/** The scores on the big screen, by team name. */
async function board(screen: Page): Promise<Record<string, number>> {
  const rows = screen.locator('[data-testid=screen-board] li');
  const out: Record<string, number> = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const name = (await rows.nth(i).locator('.ls-name').innerText()).split('\n')[0]!.trim();
    out[name] = Number(await rows.nth(i).locator('.ls-score').innerText());
  }
  return out;
}

async function expectBoard(screen: Page, want: Record<string, number>) {
  await expect.poll(() => board(screen), { timeout: 10_000 }).toEqual(want);
}

test('a live contest between four departments, run to the end on phones and a big screen', async ({ page: host, browser }) => {
  test.setTimeout(300_000);
  await host.setViewportSize({ width: 1366, height: 768 });
  await signIn(host, 'trainer');

  // --- The run sheet ------------------------------------------------------------------------
  await host.goto('/live/host/');
  await host.locator('[data-testid=live-create] input[name=title]').fill('消保知识竞赛（部门赛）');
  await host.locator('[data-testid=live-create] button[type=submit]').click();
  await host.waitForURL(/\/live\/host\/\?id=/);
  const id = new URL(host.url()).searchParams.get('id')!;
  const teams = host.locator('[data-testid=team-row]');
  await expect(teams).toHaveCount(4);
  for (const [i, code] of DEPARTMENTS.entries()) {
    await teams.nth(i).locator('[data-testid=team-unit]').selectOption(code);
    // Picking a unit names the team after it; the host may still type a name of their own.
    await expect(teams.nth(i).locator('input').first()).not.toHaveValue(`第${i + 1}队`);
    await teams.nth(i).locator('input').first().fill(`第${i + 1}队`);
  }
  // Default rounds: 必答 4 · 抢答 4 · 风险 4 · 加赛 2; two 抢答 questions are enough here.
  const rounds = host.locator('[data-testid=round-row]');
  await expect(rounds).toHaveCount(4);
  await rounds.nth(1).locator('[data-testid=round-draw-count]').fill('2');
  await host.locator('[data-testid=save-setup]').click();
  await expect(host.locator('[data-testid=setup-message]')).toHaveText('赛程已保存。');
  await expect(host.locator('.lh-qlist li')).toHaveCount(4 + 2 + 4 + 2);
  const pin = (await host.locator('[data-testid=host-pin]').innerText()).trim();
  expect(pin).toMatch(/^\d{6}$/);

  // --- The big screen, at the address from the issue ----------------------------------------
  const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const screen = await screenCtx.newPage();
  const res = await screen.goto(`/live/${id}/screen`);
  expect(res?.status()).toBe(200);
  await expect(screen.locator('[data-testid=screen-pin]')).toHaveText(pin);
  await expectBoard(screen, { 第1队: 100, 第2队: 100, 第3队: 100, 第4队: 100 });
  const joinLink = await screen.locator('img.ls-qr').getAttribute('alt');
  expect(joinLink).toContain(`/live/join/?pin=${pin}`);
  const axe = await new AxeBuilder({ page: screen }).include('.live-screen').analyze();
  expect(axe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

  // --- Four phones join through the QR link ---------------------------------------------------
  const phones: Page[] = [];
  for (const p of PLAYERS) {
    const phone = await phoneFor(browser, p.no);
    await phone.goto(joinLink!.replace(/^https?:\/\/[^/]+/, ''));
    await phone.waitForURL(/\/live\/play\/\?id=/);
    await expect(phone.locator('[data-testid=play-team]')).toContainText(`第${phones.length + 1}队`);
    phones.push(phone);
  }
  // A reload keeps the seat (same device), no second seat.
  await phones[0]!.reload();
  await expect(phones[0]!.locator('[data-testid=play-team]')).toContainText('第1队');
  await expect(screen.locator('[data-testid=screen-board] li').filter({ hasText: '第3队' })).toContainText('1 人在线');
  const phoneAxe = await new AxeBuilder({ page: phones[0]! }).include('.live-play').analyze();
  expect(phoneAxe.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')).toEqual([]);

  await host.locator('[data-testid=tab-console]').click();
  const click = async (what: string) => {
    const b = host.locator(`[data-testid=host-${what}]`);
    await expect(b).toBeEnabled();
    await b.click();
  };
  const phase = (p: string) => expect(host.locator('[data-testid=console-phase]')).toHaveText(p);

  // --- 必答: team 1 answers right on the phone; 2 judged right; 3 and 4 judged wrong ---------
  await click('next');
  await phase('请看题');
  await click('open');
  await phase('作答中');
  const rightIndex = await host.locator('.lh-options li').evaluateAll((els) => els.findIndex((e) => e.classList.contains('lh-right')));
  expect(rightIndex).toBeGreaterThanOrEqual(0);
  await phones[0]!.locator('[data-testid=play-option]').nth(rightIndex).click();
  await phones[0]!.locator('[data-testid=play-submit]').click();
  await expect(phones[0]!.locator('[data-testid=play-submitted]')).toBeVisible();
  // Another team's phone has no answer pad for this question.
  await expect(phones[1]!.locator('.lp-note')).toContainText('第1队');
  await expect(phones[1]!.locator('[data-testid=play-submit]')).toHaveCount(0);
  await expect(host.locator('[data-testid=console-phone-answer]')).toContainText('高雪');
  await click('lock');
  await click('reveal');
  await expect(screen.locator('[data-testid=screen-reveal]')).toBeVisible();
  await expect(phones[0]!.locator('[data-testid=play-reveal]')).toContainText('回答正确');
  await expectBoard(screen, { 第1队: 110, 第2队: 100, 第3队: 100, 第4队: 100 });
  for (const correct of [true, false, false]) {
    await click('next');
    await click('open');
    await click(correct ? 'right' : 'wrong');
    await click('reveal');
  }
  await expectBoard(screen, { 第1队: 110, 第2队: 110, 第3队: 100, 第4队: 100 });

  // --- 抢答: team 3 buzzes first and is right; team 4 buzzes early (foul), team 1 is wrong ----
  await click('next');
  await click('open');
  await phones[2]!.locator('[data-testid=play-buzz]').click();
  await expect(screen.locator('[data-testid=screen-winner]')).toContainText('第3队 · 吴昊');
  await expect(phones[2]!.locator('[data-testid=play-buzz-state]')).toContainText('抢答成功');
  await click('right');
  await click('reveal');
  await click('next');
  await phase('请看题');
  // The phone polls (≤ 1 s): until it has the new question it may still offer a later buzz on the
  // last one (refused as not current). Wait for the new question before pressing early.
  await expect(phones[3]!.locator('main')).toContainText('第 2 题');
  await expect(phones[3]!.locator('main')).toContainText('请看题');
  await expect(phones[3]!.locator('[data-testid=play-buzz]')).toBeVisible();
  await phones[3]!.locator('[data-testid=play-buzz]').click();
  await expect(phones[3]!.locator('[data-testid=play-buzz-state]')).toContainText('犯规');
  await expect(screen.locator('.ls-foul')).toContainText('第4队');
  await click('open');
  await phones[0]!.locator('[data-testid=play-buzz]').click();
  await expect(screen.locator('[data-testid=screen-winner]')).toContainText('第1队');
  await click('wrong');
  await click('reveal');
  await expectBoard(screen, { 第1队: 100, 第2队: 110, 第3队: 110, 第4队: 90 });

  // --- 风险: team 1 picks 10 on its phone and is wrong; 2 and 3 stake 20 and are right --------
  await click('next');
  await expect(phones[0]!.locator('.lp-stake').first()).toBeVisible();
  await phones[0]!.locator('.lp-stake', { hasText: '10' }).click();
  await expect(screen.locator('.ls-stake')).toContainText('10');
  await click('open');
  await click('wrong');
  await click('reveal');
  for (const [stake, correct] of [[20, true], [20, true], [10, false]] as const) {
    await click('next');
    await host.locator(`[data-testid=stake-${stake}]`).click();
    await expect(host.locator('.lh-turn')).toContainText(`分值 ${stake}`);
    await click('open');
    await click(correct ? 'right' : 'wrong');
    await click('reveal');
  }
  await expectBoard(screen, { 第1队: 90, 第2队: 130, 第3队: 130, 第4队: 80 });

  // --- A tie for first: sudden death between teams 2 and 3 only ------------------------------
  await click('next');
  await expect(screen.locator('.ls-eligible')).toContainText('第2队、第3队');
  await click('open');
  await expect(phones[0]!.locator('[data-testid=play-buzz]')).toHaveCount(0);
  await phones[2]!.locator('[data-testid=play-buzz]').click();
  await expect(screen.locator('[data-testid=screen-winner]')).toContainText('第3队');
  await click('right');
  await click('reveal');
  await expectBoard(screen, { 第3队: 140, 第2队: 130, 第1队: 90, 第4队: 80 });
  host.once('dialog', (d) => void d.accept());
  await click('finish');
  await expect(screen.locator('[data-testid=screen-final]')).toBeVisible();
  await expect(screen.locator('.ls-podium-1')).toContainText('第3队');
  await expect(phones[2]!.locator('[data-testid=play-final]')).toContainText('第3队');

  // --- The final ranking exports --------------------------------------------------------------
  const [download] = await Promise.all([host.waitForEvent('download'), host.locator('[data-testid=export]').click()]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 2).toString()).toBe('PK');

  // --- The result is in each player's training record (their dashboard) -----------------------
  await phones[2]!.goto('/');
  const record = phones[2]!.locator('[data-testid=my-live-results]');
  await expect(record).toContainText('消保知识竞赛（部门赛）');
  await expect(record).toContainText('第3队');
  await expect(record).toContainText('第 1 名 / 共 4 队');

  await screenCtx.close();
  for (const p of phones) await p.context().close();
});
