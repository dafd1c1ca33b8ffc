// Runs after the web server is up (Playwright starts config.webServer BEFORE globalSetup, which is
// why the data reset lives in the webServer command instead). Netlify's local emulation bundles
// each function on its first call, which can take many seconds on a busy machine; call the
// endpoints every test needs once here, so that cost is not charged to the first test's timeouts.
import type { FullConfig } from '@playwright/test';

const WARM_PATHS = ['/api/health', '/api/me'];

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL ?? 'http://127.0.0.1:4390';
  for (const path of WARM_PATHS) {
    // Any answer will do (/api/me answers 401 without a token): the function is loaded.
    await fetch(new URL(path, baseURL), { signal: AbortSignal.timeout(120_000) }).catch(() => undefined);
  }
}
