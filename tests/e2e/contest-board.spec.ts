// Online mock contest between the two demo branches (青岛分行, 济南分行): the trainer builds it in
// the contest editor and publishes it; the projector board (1920×1080, opened at the address
// /contests/<id>/board) shows individual and branch rankings with participation rates; employees of
// both branches take the round in their own browser contexts at the same time, and the board picks
// up each submission without a reload. Then the trainer closes it: the podium appears; the printable
// results list the award winners.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { signIn } from './helpers.ts';

const accountsFile = path.resolve(import.meta.dirname, '../..', process.env.DATA_DIR ?? '.data-e2e', 'demo-accounts.json');
const password = () => (JSON.parse(readFileSync(accountsFile, 'utf8')) as { accounts: { password: string }[] }).accounts[0]!.password;

/** Signs in a demo employee with their employee number (every demo account shares the demo password). */
async function signInAs(page: Page, employeeNo: string): Promise<void> {
  await page.goto('/sign-in/');
  const form = page.locator('form.signin-form');
  await form.locator('input[name="email"]').fill(employeeNo);
  await form.locator('input[name="password"]').fill(password());
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in/'));
  await expect(page.locator('.user-trigger')).toBeVisible({ timeout: 30_000 });
}

async function tokenOf(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('xiaobao.auth') ?? '{}') as { access_token: string }).access_token);
}

/** An employee opens the contest from their contest list, starts the round, answers, submits. */
async function takeRound(browser: Browser, employeeNo: string, contestTitle: string, teamName: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signInAs(page, employeeNo);
  await page.goto('/contests/');
  await page.getByTestId('contest-list').getByRole('link', { name: contestTitle }).first().click();
  await expect(page.getByTestId('my-team')).toHaveText(`我的队伍：${teamName}`);
  await page.getByTestId('start-round').click();
  await page.getByRole('button', { name: '开始答题' }).click();
  await expect(page.locator('.runner-main')).toBeVisible();
  const total = await page.locator('.qnav-btn').count();
  for (let i = 0; i < total; i++) {
    await page.locator('.qnav-btn').nth(i).click();
    await page.locator('.runner-main .q-option').first().click();
  }
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 45_000 });
  await page.locator('.runner-bar').getByRole('button', { name: '交卷' }).click();
  await page.getByRole('dialog', { name: '确认交卷？' }).getByRole('button', { name: '确认交卷' }).click();
  await expect(page.getByTestId('result-score')).toBeVisible({ timeout: 30_000 });
  await context.close();
}

test('an online mock contest between 青岛分行 and 济南分行 on the projector board updates while employees submit', async ({ browser }) => {
  test.setTimeout(480_000);
  const title = `两行消保知识线上赛 ${Date.now().toString(36)}`;

  // The trainer: a mock-contest paper (through the exam API), then the contest through the editor.
  const trainerContext = await browser.newContext();
  const trainer = await trainerContext.newPage();
  await signIn(trainer, 'trainer');
  const exam = await trainer.request.post('/api/exams', {
    headers: { authorization: `Bearer ${await tokenOf(trainer)}` },
    data: {
      title: `${title} 第一轮`, kind: 'mock_contest', timeLimitSec: 900, attemptsAllowed: 1,
      reviewPolicy: {
        during: { score: false, correctness: false, rightAnswers: false, explanations: false },
        immediately: { score: true, correctness: true, rightAnswers: false, explanations: false },
        afterClose: { score: true, correctness: true, rightAnswers: true, explanations: true },
      },
      blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 3, points: 10 }] },
      assignments: [],
    },
  });
  expect(exam.status()).toBe(201);

  await trainer.goto('/contests/');
  await trainer.getByTestId('new-contest').click();
  await trainer.locator('input[name="title"]').fill(title);
  await trainer.locator('select[name="round-0"]').selectOption({ label: `${title} 第一轮` });
  await trainer.getByRole('button', { name: '添加机构队伍' }).click();
  await trainer.locator('select[name="team-0-org"]').selectOption('QD');
  await trainer.getByRole('button', { name: '添加机构队伍' }).click();
  await trainer.locator('select[name="team-1-org"]').selectOption('JN');
  await trainer.getByTestId('save-contest').click();
  await expect(trainer.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await trainer.getByTestId('publish').click();
  await expect(trainer.locator('.badge.status-published')).toBeVisible();
  const contestId = new URL(trainer.url()).searchParams.get('id')!;

  // The board on a projector-sized screen, at the address from the issue (served by a rewrite).
  const boardContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const board = await boardContext.newPage();
  await signIn(board, 'trainer');
  await board.goto(`/contests/${contestId}/board`);
  await expect(board.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(board.getByTestId('board-teams').locator('tbody tr')).toHaveCount(2);
  await expect(board.getByTestId('board-participants')).toHaveText(/已参赛 0 \/ \d+ 人/);
  await expect(board.locator('.board-join img')).toBeVisible();
  await expect(board.getByTestId('board-short-link')).toHaveText(/\/c\/[2-9A-HJKMNP-Z]{6}$/);
  // The header chrome is out of the way on the board.
  await expect(board.locator('.site-header')).toBeHidden();
  // Mark the document: a reload would lose this property.
  await board.evaluate(() => { (window as unknown as { __noReload: boolean }).__noReload = true; });
  // Polling with ETags: unchanged state comes back as 304s.
  await expect.poll(async () => Number(await board.getByTestId('contest-board').getAttribute('data-polls-304')), { timeout: 20_000 }).toBeGreaterThan(0);

  // Two employees, one per branch, take the round at the same time in their own contexts.
  await Promise.all([
    takeRound(browser, 'E1001', title, '青岛分行'),
    takeRound(browser, 'E1008', title, '济南分行'),
  ]);

  // The board shows both without a reload: two individuals, each branch with one participant.
  const individuals = board.getByTestId('board-individuals').locator('tbody tr');
  await expect(individuals).toHaveCount(2, { timeout: 30_000 });
  await expect(board.getByTestId('board-individuals')).toContainText('张晓梅');
  await expect(board.getByTestId('board-individuals')).toContainText('马超');
  const qd = board.getByTestId('board-teams').locator('tr[data-team="青岛分行"]');
  const jn = board.getByTestId('board-teams').locator('tr[data-team="济南分行"]');
  await expect(qd.getByTestId('team-rate')).toHaveText(/^(?!0%)\d+(\.\d)?%$/);
  await expect(jn.getByTestId('team-rate')).toHaveText(/^(?!0%)\d+(\.\d)?%$/);
  await expect(board.getByTestId('board-participants')).toHaveText(/已参赛 2 \/ \d+ 人/);
  expect(await board.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await board.screenshot({ path: 'test-results/contest-board-1920.png' });

  // Closing shows the podium on the board, still without a reload.
  trainer.once('dialog', (d) => void d.accept());
  await trainer.getByTestId('close').click();
  await expect(trainer.locator('.badge.status-closed')).toBeVisible();
  await expect(board.getByTestId('podium')).toBeVisible({ timeout: 30_000 });
  expect(await board.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);

  // The printable results carry the award list (default: 1 first prize, 2 second, 3 third).
  await trainer.goto(`/contests/print/?id=${contestId}`);
  await expect(trainer.getByTestId('award-list')).toContainText('一等奖');
  await expect(trainer.getByTestId('award-list')).toContainText('二等奖');
  await trainerContext.close();
  await boardContext.close();
});
