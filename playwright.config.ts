// End-to-end tests in Chromium against the real local server (static site + functions + local
// auth + embedded PGlite), started from a fresh database for every run.
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const PORT = 4390;
const baseURL = `http://127.0.0.1:${PORT}`;
// Debian's Chromium where present (CI installs it; no browser download needed), else Playwright's.
const systemChromium = '/usr/bin/chromium';

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
        launchOptions: existsSync(systemChromium)
          ? {
              executablePath: systemChromium,
              args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
            }
          : {},
      },
    },
  ],
  webServer: {
    // `node` directly (not `npm start`): one process fewer to clean up. reset-data.ts deletes
    // .data-e2e first — here, not in a globalSetup, because Playwright starts the web server before
    // globalSetup runs. start.ts rebuilds the site if its inputs changed.
    command: 'node tests/e2e/reset-data.ts && node scripts/start.ts',
    url: `${baseURL}/api/health`,
    // Also accept the launcher's ready line: start.ts listens before its request handler is attached,
    // so a health probe that lands in that window never gets an answer and Playwright would wait on
    // it forever. Whichever signal comes first wins.
    wait: { stdout: /is running at http:\/\/127\.0\.0\.1:4390\// },
    // SIGTERM lets start.ts stop PGlite and Netlify's emulation cleanly.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    env: { PORT: String(PORT), DATA_DIR: '.data-e2e' },
    reuseExistingServer: false,
    // Generous: a cold start builds the site, migrates and syncs content before listening.
    timeout: 480_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
