// End-to-end tests in Chromium against the real local server (static site + functions + local
// auth + embedded PGlite), started from a fresh database for every run.
import { defineConfig, devices } from '@playwright/test';
import { resolveChromium } from './tests/e2e/browser.ts';

// E2E_PORT lets a second checkout (or a second engineer) run the suite beside the first.
const PORT = Number(process.env.E2E_PORT ?? 4390);
const baseURL = `http://127.0.0.1:${PORT}`;
// Playwright's own browser if installed, else /usr/bin/chromium, else the Chromium inside the npm
// package @sparticuz/chromium (see tests/e2e/browser.ts): no download at test time.
const browser = await resolveChromium();
if (!process.env.E2E_BROWSER_LOGGED) {
  process.env.E2E_BROWSER_LOGGED = '1';
  console.log(`e2e: Chromium from ${browser.source}${browser.executablePath ? ` (${browser.executablePath})` : ''}`);
}

export default defineConfig({
  testDir: 'tests/e2e',
  // Warms up the functions once the server is up (see the file for why it does not reset data).
  globalSetup: './tests/e2e/global-setup.ts',
  // One server, one embedded single-session database: run tests one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: browser.executablePath ? { executablePath: browser.executablePath, args: browser.args } : {},
      },
    },
  ],
  webServer: {
    // `node` directly (not `npm start`): one process fewer to clean up. tests/e2e/server.ts starts
    // from a fresh database (embedded, or on TEST_DATABASE_URL) and then runs scripts/start.ts,
    // which rebuilds the site if its inputs changed. The server answers 503 until it is ready.
    command: 'node tests/e2e/server.ts',
    url: `${baseURL}/api/health`,
    // SIGTERM lets start.ts stop PGlite and Netlify's emulation cleanly.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: { PORT: String(PORT), DATA_DIR: process.env.DATA_DIR ?? '.data-e2e' },
    reuseExistingServer: false,
    // Generous: a cold start builds the site, migrates and syncs content before listening.
    timeout: 480_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
