// Which Chromium the end-to-end tests drive, so that `npm install && npm test` works on a machine
// that has only Node and npm. In order:
//   1. the browser the user installed for Playwright (`npx playwright install chromium`);
//   2. a system Chromium (Debian's /usr/bin/chromium, which CI installs);
//   3. the Chromium inside the npm package @sparticuz/chromium (a dev dependency, so `npm install`
//      brings it; it unpacks itself to the OS temp folder on first use). It ships no CJK fonts:
//      Chinese renders from the system's fonts if any (fonts-noto-cjk), else as boxes — fine for
//      assertions, not for screenshots a person looks at.
// PLAYWRIGHT_CHROMIUM=/path/to/chrome overrides all three.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export interface ResolvedChromium {
  source: 'env' | 'playwright' | 'system' | 'npm-package';
  executablePath?: string;
  args: string[];
}

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

// Flags for a headless run on a closed network as root: no sandbox (root), and no background
// connections (this machine refuses them, many at a time, and Chromium logs each).
const QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function resolveChromium(): Promise<ResolvedChromium> {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`PLAYWRIGHT_CHROMIUM=${fromEnv} does not exist.`);
    return { source: 'env', executablePath: fromEnv, args: QUIET_ARGS };
  }
  // Playwright's own download, if the user made one; executablePath() names it even when absent.
  let own = '';
  try {
    own = chromium.executablePath();
  } catch {
    own = '';
  }
  if (own && existsSync(own)) return { source: 'playwright', args: [] };
  const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
  if (system) return { source: 'system', executablePath: system, args: QUIET_ARGS };
  try {
    const { default: packaged } = await import('@sparticuz/chromium');
    // Headless shell only: no GPU process, no window; software WebGL is not needed by our pages.
    packaged.setGraphicsMode = false;
    return { source: 'npm-package', executablePath: await packaged.executablePath(), args: QUIET_ARGS };
  } catch (err) {
    throw new Error(
      'No Chromium found for the end-to-end tests: none installed for Playwright, no /usr/bin/chromium, ' +
        `and the npm package @sparticuz/chromium could not be unpacked (${(err as Error).message}). ` +
        'Run `npm install` again, or install Debian\'s chromium (apt-get install chromium), or set PLAYWRIGHT_CHROMIUM.',
    );
  }
}
