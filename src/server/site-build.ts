// "Build the site if needed": the static site is rebuilt when its inputs or its public
// configuration changed since the last build (a content hash stored next to the output).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const inputs = ['src', 'content', 'public', 'astro.config.mjs', 'package-lock.json', '.env', '.env.production'];

function hashTree(root: string, rel: string, h: ReturnType<typeof createHash>) {
  const full = path.join(root, rel);
  if (!existsSync(full)) return;
  const st = statSync(full);
  if (st.isDirectory()) {
    for (const name of readdirSync(full).sort()) hashTree(root, path.join(rel, name), h);
  } else {
    h.update(rel);
    h.update(readFileSync(full));
  }
}

export function siteInputsHash(root: string): string {
  const h = createHash('sha256');
  for (const rel of inputs) hashTree(root, rel, h);
  h.update(`PUBLIC_SUPABASE_URL=${process.env.PUBLIC_SUPABASE_URL ?? ''};PUBLIC_SUPABASE_ANON_KEY=${process.env.PUBLIC_SUPABASE_ANON_KEY ?? ''}`);
  return h.digest('hex');
}

export function buildSiteIfNeeded(root: string, log: (s: string) => void): void {
  const stampFile = path.join(root, 'dist', '.build-stamp');
  const hash = siteInputsHash(root);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    log('site is up to date (dist/)');
    return;
  }
  log('building the site (astro build + pagefind) …');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) throw new Error('The site build failed; see the output above.');
  writeFileSync(stampFile, hash);
}
