// The exam runner end to end: a timed exam survives going offline and a reload, is submitted with
// a confirm dialog, shows the result the review policy allows, and the score reaches the trainer
// and HR; a short exam left to run out is auto-submitted with its saved answer.
import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { demoAccount, signIn, type DemoRole } from './helpers.ts';

const DEMO_EXAM = '消保知识月度测试（演示）';

/** Answers the question on screen (choice: the `pick`-th option; fill/short: some text). */
async function answerCurrent(page: Page, pick = 0): Promise<void> {
  const main = page.locator('.runner-main');
  const options = main.locator('.q-option');
  const n = await options.count();
  if (n > 0) {
    await options.nth(pick % n).click();
    return;
  }
  const blanks = main.locator('.q-blank');
  const b = await blanks.count();
  if (b > 0) {
    for (let i = 0; i < b; i++) await blanks.nth(i).fill('测试答案');
    return;
  }
  await main.locator('textarea').fill('测试答案');
}

/** Indices (0-based) of navigator buttons marked answered. */
async function answeredInNavigator(page: Page): Promise<number[]> {
  const classes = await page.locator('.qnav-btn').evaluateAll((els) => els.map((e) => e.className));
  return classes.flatMap((c, i) => (c.includes('is-answered') ? [i] : []));
}

/** What the current question shows as chosen/typed, to compare after a reload. */
async function shownAnswer(page: Page): Promise<string> {
  const main = page.locator('.runner-main');
  if (await main.locator('.q-option').count()) return (await main.locator('.q-option.is-chosen').allInnerTexts()).join('|');
  if (await main.locator('.q-blank').count()) return (await main.locator('.q-blank').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).join('|');
  return main.locator('textarea').inputValue();
}

async function expectSaved(page: Page): Promise<void> {
  // The embedded server answers in ~1–2 s per request on a busy machine; allow for a queue.
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved', { timeout: 45_000 });
}

async function managerSeesScore(browser: Browser, role: DemoRole, employeeName: string, score: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  await page.goto('/manage/results/');
  await page.getByTestId('manage-exam').selectOption({ label: DEMO_EXAM });
  const row = page.getByTestId('manage-table').locator('tbody tr', { hasText: employeeName });
  await expect(row).toHaveCount(1);
  await expect(row.locator('td').nth(5)).toHaveText(new RegExp(`^${score.replace('.', '\\.')}\\s*/`));
  await expect(row).toContainText('已交卷');
  await context.close();
}

test('the demo employee takes the timed exam through an outage and a reload; trainer and HR see the score', async ({ page, context, browser }) => {
  test.setTimeout(240_000);
  const employee = await signIn(page, 'employee');

  await page.goto('/exams/');
  const card = page.getByTestId('exam-card').filter({ hasText: DEMO_EXAM });
  await card.getByTestId('exam-start').click();
  await expect(page.getByRole('heading', { level: 1, name: DEMO_EXAM })).toBeVisible();
  await page.getByRole('button', { name: '开始答题' }).click();
  await expect(page.locator('.runner-main')).toBeVisible();
  await expect(page.getByTestId('timer')).toHaveText(/^\s*(29|30):\d\d\s*$/);

  // Online: answer 1–3 (and flag 2), using the keyboard for one of them.
  await answerCurrent(page, 0);
  await page.getByRole('button', { name: /下一题/ }).click();
  await answerCurrent(page, 1);
  await page.getByRole('button', { name: '标记', exact: true }).click();
  await page.keyboard.press('n');
  await expect(page.locator('#q-heading')).toHaveText('第 3 题 / 共 20 题');
  await answerCurrent(page, 2);
  await expectSaved(page);

  // Offline: answer 4 and 5; the indicator says the answers are kept on this device.
  await context.setOffline(true);
  await page.getByRole('button', { name: /下一题/ }).click();
  await answerCurrent(page, 1);
  await page.getByRole('button', { name: /下一题/ }).click();
  await answerCurrent(page, 0);
  const fifthBefore = await shownAnswer(page);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'offline');
  await expect(page.getByTestId('save-status')).toHaveText('离线，答案已暂存本机');
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  expect(await answeredInNavigator(page)).toEqual([0, 1, 2, 3, 4]);

  // Back online: the queue drains; reload shows every answer and the flag.
  await context.setOffline(false);
  await expectSaved(page);
  await page.reload();
  await expect(page.locator('.runner-main')).toBeVisible();
  expect(await answeredInNavigator(page)).toEqual([0, 1, 2, 3, 4]);
  await expect(page.locator('.qnav-btn').nth(1)).toHaveClass(/is-flagged/);
  await page.locator('.qnav-btn').nth(4).click();
  expect(await shownAnswer(page)).toBe(fifthBefore);

  // The runner passes axe (serious/critical) mid-exam.
  const axe = await new AxeBuilder({ page }).include('.runner').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // Submit: the dialog lists the 15 unanswered questions and the flagged one.
  await page.locator('.runner-bar').getByRole('button', { name: '交卷' }).click();
  const dialog = page.getByRole('dialog', { name: '确认交卷？' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-unanswered')).toContainText('还有 15 题未作答');
  await expect(dialog.getByTestId('confirm-unanswered').getByRole('button')).toHaveCount(15);
  await expect(dialog.getByRole('button', { name: '第 6 题' })).toBeVisible();
  await dialog.getByRole('button', { name: '确认交卷' }).click();

  // The demo exam's policy right after submitting: score and correctness, no keys or explanations.
  const score = page.getByTestId('result-score');
  await expect(score).toBeVisible({ timeout: 30_000 });
  const scoreText = ((await score.innerText()).split('/')[0] ?? '').trim();
  expect(scoreText).toMatch(/^\d+(\.\d+)?$/);
  await expect(page.getByTestId('result-outcome')).toHaveText(/通过|未通过/);
  await expect(page.getByTestId('review-item')).toHaveCount(20);
  await expect(page.locator('.mark-unanswered')).toHaveCount(15);
  await expect(page.locator('.right-answer')).toHaveCount(0);
  await expect(page.locator('.explain')).toHaveCount(0);

  // My results lists it.
  await page.goto('/results/');
  await expect(page.getByTestId('my-results').locator('tbody tr', { hasText: DEMO_EXAM })).toContainText(scoreText);

  await managerSeesScore(browser, 'trainer', employee.name, scoreText);
  await managerSeesScore(browser, 'hr', employee.name, scoreText);
});

test('a one-minute exam left open past its deadline is auto-submitted with its saved answer', async ({ page, browser }) => {
  test.setTimeout(180_000);

  // The trainer creates a 1-minute exam for 总行 (the whole bank) with no grace period.
  const trainerContext = await browser.newContext();
  const trainerPage = await trainerContext.newPage();
  await signIn(trainerPage, 'trainer');
  const token = await trainerPage.evaluate(() => (JSON.parse(localStorage.getItem('xiaobao.auth') ?? '{}') as { access_token?: string }).access_token);
  expect(token).toBeTruthy();
  const title = `一分钟限时测验 ${Date.now()}`;
  const created = await trainerPage.request.post('/api/exams', {
    headers: { authorization: `Bearer ${token}` },
    data: {
      title,
      kind: 'exam',
      timeLimitSec: 60,
      graceSec: 0,
      attemptsAllowed: 1,
      reviewPolicy: {
        during: { score: false, correctness: false, rightAnswers: false, explanations: false },
        immediately: { score: true, correctness: true, rightAnswers: false, explanations: false },
        afterClose: { score: true, correctness: true, rightAnswers: true, explanations: true },
      },
      blueprint: { sections: [{ type: 'single', count: 3, points: 10 }, { type: 'truefalse', count: 2, points: 10 }] },
      assignments: [{ orgUnit: 'HQ' }],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const exam = (await created.json()) as { id: string };
  await trainerContext.close();

  await signIn(page, 'employee');
  await page.goto(`/exams/take/?id=${exam.id}`);
  await page.getByRole('button', { name: '开始答题' }).click();
  await expect(page.locator('.runner-main')).toBeVisible();
  await answerCurrent(page, 0);
  await expectSaved(page);
  // The one-minute warning is up from the start.
  await expect(page.getByTestId('time-warning')).toContainText('1 分钟');

  // Wait out the clock: the runner submits by itself and shows the result.
  await expect(page.getByTestId('result-score')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('.result-head')).toContainText('到时自动交卷');
  await expect(page.getByTestId('review-item')).toHaveCount(5);
  await expect(page.locator('.mark-unanswered')).toHaveCount(4);
  // Reloading shows the result, never a fresh attempt.
  await page.reload();
  await expect(page.getByTestId('result-score')).toBeVisible();
  await expect(page.locator('.result-head')).toContainText('到时自动交卷');
});
