// Runs after the web server is up (Playwright starts config.webServer BEFORE globalSetup, which is
// why the data reset lives in the webServer command instead). The functions are loaded when the
// server starts; one call to each endpoint every test needs also brings the database connection,
// the JWKS cache and the page cache of the first queries up before the first test's timeouts run.
import type { FullConfig } from '@playwright/test';

const WARM_PATHS = ['/api/health', '/api/me'];

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL ?? 'http://127.0.0.1:4390';
  for (const path of WARM_PATHS) {
    // Any answer will do (/api/me answers 401 without a token).
    await fetch(new URL(path, baseURL), { signal: AbortSignal.timeout(120_000) }).catch(() => undefined);
  }
}
