// Practice end to end: the demo employee practises the complaint-handling topic, gets two answers
// wrong (the browser never knows the key: pick, read the feedback, carry on), and finds both in the
// wrong-answer book with the right answer, the explanation and the source link.
import { test, expect, type Page } from '@playwright/test';
import { signIn } from './helpers.ts';

/** Answers the question on screen in a way that is often wrong; returns nothing (feedback decides). */
async function answerSomehow(page: Page, attempt: number): Promise<void> {
  const card = page.getByTestId('practice-question');
  const options = card.locator('.q-option');
  const n = await options.count();
  if (n > 0) {
    // Vary the pick so a run of right answers does not repeat the same option.
    await options.nth((attempt * 3 + 1) % n).click();
    return;
  }
  const blanks = card.locator('.q-blank');
  for (let i = 0; i < (await blanks.count()); i++) await blanks.nth(i).fill('不知道');
}

test('practising complaint handling: two wrong answers land in the wrong-answer book', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, 'employee');
  await page.goto('/practice/');
  await page.locator('[data-topic="complaint-handling"]').getByRole('link').click();
  await expect(page).toHaveURL(/\/practice\/session\/\?mode=topic&topic=complaint-handling/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('投诉处理');

  const wrong: string[] = [];
  for (let i = 0; i < 30 && wrong.length < 2; i++) {
    const question = page.getByTestId('practice-question');
    await expect(question).toBeVisible();
    const id = (await question.getAttribute('data-question')) as string;
    await answerSomehow(page, i);
    await page.getByTestId('practice-check').click();
    const feedback = page.getByTestId('practice-feedback');
    await expect(feedback).toBeVisible();
    // Instant feedback always explains and cites.
    await expect(feedback).toContainText('解析');
    await expect(feedback.locator('.source-line a')).toHaveAttribute('href', /^\/(regulations|lessons)\//);
    if ((await feedback.getAttribute('data-correct')) === 'false') {
      await expect(feedback).toContainText('正确答案');
      wrong.push(id);
    }
    await page.getByTestId('practice-next').click();
    if (await page.getByTestId('practice-summary').isVisible()) {
      if (wrong.length >= 2) break;
      await page.getByRole('button', { name: '再练一组' }).click();
    }
  }
  expect(wrong).toHaveLength(2);

  await page.goto('/practice/wrong-book/');
  for (const id of wrong) {
    const item = page.locator(`[data-testid="wrong-book-item"][data-question="${id}"]`);
    await expect(item).toBeVisible();
    await expect(item).toContainText('我上次的答案');
    await expect(item.locator('.right-answer')).not.toBeEmpty();
    await expect(item.locator('.source-line a')).toHaveAttribute('href', /^\/(regulations|lessons)\//);
  }

  // The practice home counts them.
  await page.goto('/practice/');
  await expect(page.getByTestId('wrong-book-link')).toContainText(/[2-9]\d* 题|\d{2,} 题/);
});
