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
    // `node` directly (not `npm start`): one process fewer to clean up. tests/e2e/server.ts starts
    // from a fresh database (embedded, or on TEST_DATABASE_URL) and then runs scripts/start.ts,
    // which rebuilds the site if its inputs changed. The server answers 503 until it is ready.
    command: 'node tests/e2e/server.ts',
    url: `${baseURL}/api/health`,
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
