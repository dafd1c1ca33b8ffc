// Site build benchmark: full build time (astro build + pagefind), pages per second, and the
// JavaScript each page type loads. `node bench/site-build.ts` (npm script: bench:site).
//
// JS per page type is what a visitor downloads before interacting: inline scripts + every island's
// component and renderer module with their STATIC import graph (dynamic import() chunks — the API
// client with supabase-js, Pagefind — load on first use and are reported separately).
// Options: --runs N (default 3 builds; the median is reported), --no-write (print only).
import { spawnSync, execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { appendResults, arg, flag, fmt, machineLine, median, table } from './_lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const runs = Number(arg('runs', 'BENCH_RUNS', '3'));

function run(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr.toString().slice(-2000)}`);
  return performance.now() - t0;
}

function htmlPages(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) {
      if (name !== 'pagefind' && name !== '_astro') out.push(...htmlPages(abs));
    } else if (name.endsWith('.html')) out.push(abs);
  }
  return out;
}

// ── builds ──
const astroMs: number[] = [];
const pagefindMs: number[] = [];
for (let i = 0; i < runs; i++) {
  astroMs.push(run('npx', ['astro', 'build', '--silent']));
  pagefindMs.push(run('npx', ['pagefind', '--site', 'dist', '--silent']));
  console.log(`build ${i + 1}/${runs}: astro ${(astroMs[i]! / 1000).toFixed(1)} s, pagefind ${(pagefindMs[i]! / 1000).toFixed(1)} s`);
}
const pages = htmlPages(dist);
const byArea = (re: RegExp) => pages.filter((p) => re.test(path.relative(dist, p))).length;
const totalMs = astroMs.map((a, i) => a + pagefindMs[i]!);

// ── JS per page type ──
interface Js { raw: number; gz: number; files: number }
const size = (file: string) => {
  const buf = readFileSync(file);
  return { raw: buf.length, gz: gzipSync(buf, { level: 9 }).length };
};
/** A module and its static imports (`import … from "./x.js"` / `import "./x.js"`), transitively. */
function staticGraph(url: string, seen: Set<string>): void {
  if (seen.has(url)) return;
  seen.add(url);
  const file = path.join(dist, url);
  if (!existsSync(file)) return;
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:^|[;\s}])import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
    staticGraph(path.posix.join(path.posix.dirname(url), m[1]!), seen);
  }
}
function dynamicChunks(urls: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const url of urls) {
    const file = path.join(dist, url);
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/import\([`"'](\.\/[^`"']+\.js)[`"']\)/g)) {
      const seen = new Set<string>();
      staticGraph(path.posix.join(path.posix.dirname(url), m[1]!), seen);
      for (const s of seen) if (!urls.has(s)) out.add(s);
    }
  }
  return out;
}
function jsOf(pagePath: string): { initial: Js; islands: string[]; later: Js } {
  const html = readFileSync(path.join(dist, pagePath, 'index.html'), 'utf8');
  let raw = 0;
  let gz = 0;
  let inline = 0;
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)(?![^>]*type="application\/(?:ld\+)?json")[^>]*>([\s\S]*?)<\/script>/g)) {
    const b = Buffer.from(m[1] ?? '');
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
    inline++;
  }
  const modules = new Set<string>();
  const islands = new Set<string>();
  for (const m of html.matchAll(/(component-url|renderer-url)="([^"]+)"/g)) {
    if (m[1] === 'component-url') islands.add(path.posix.basename(m[2]!).replace(/\.[\w-]+\.js$/, ''));
    staticGraph(m[2]!, modules);
  }
  for (const m of html.matchAll(/<script[^>]+src="(\/_astro\/[^"]+)"/g)) staticGraph(m[1]!, modules);
  for (const u of modules) {
    const s = size(path.join(dist, u));
    raw += s.raw;
    gz += s.gz;
  }
  const later = { raw: 0, gz: 0, files: 0 };
  for (const u of dynamicChunks(modules)) {
    const s = size(path.join(dist, u));
    later.raw += s.raw;
    later.gz += s.gz;
    later.files++;
  }
  return { initial: { raw, gz, files: modules.size + inline }, islands: [...islands].sort(), later };
}
const pageTypes: Array<[string, string]> = [
  ['lesson', 'lessons/complaint-handling'],
  ['lesson list', 'lessons'],
  ['regulation (full text)', 'regulations/consumer-rights-law'],
  ['regulation (summary)', 'regulations/cbirc-complaint-measures'],
  ['regulation library', 'regulations'],
  ['home', ''],
  ['sign-in', 'sign-in'],
];
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const jsRows = pageTypes
  .filter(([, p]) => existsSync(path.join(dist, p, 'index.html')))
  .map(([name, p]) => {
    const j = jsOf(p);
    return [name, `/${p}${p ? '/' : ''}`, kb(j.initial.raw), kb(j.initial.gz), String(j.initial.files), j.islands.join(', ') || '—', j.later.files ? `${kb(j.later.raw)} (${kb(j.later.gz)} gz)` : '—'];
  });
const pfDir = path.join(dist, 'pagefind');
const pfSearch = ['pagefind.js', 'pagefind-entry.json', ...readdirSync(pfDir).filter((n) => n.endsWith('.pf_meta') || n === 'wasm.unknown.pagefind')]
  .map((n) => size(path.join(pfDir, n)).raw)
  .reduce((a, b) => a + b, 0);
const pageBytes = (p: string) => statSync(path.join(dist, p, 'index.html')).size;

let free = '';
try {
  free = execSync('free -g', { encoding: 'utf8' }).trim().split('\n').slice(0, 2).map((l) => l.trim().replace(/\s+/g, ' ')).join(' / ');
} catch { /* not Linux */ }

const s = (msArr: number[]) => `${(median(msArr) / 1000).toFixed(2)} s`;
const astroMed = median(astroMs);
const md = `## Site build — ${new Date().toISOString().slice(0, 10)}

${machineLine({ 'free -g': free ? `\`${free}\`` : 'n/a' })}

Command: \`node bench/site-build.ts\` (npm script \`bench:site\`). ${runs} full builds (\`astro build\` then \`pagefind --site dist\`), median (range).
Content: 28 instruments (21 full texts), 12 lessons, 350 questions. ${pages.length} HTML pages: ${byArea(/^(en\/)?regulations\//)} regulation pages, ${byArea(/^(en\/)?lessons\//)} lesson pages (both locales); Pagefind indexed the 40 zh-CN lesson + regulation pages.

${table(['step', 'median', 'range'], [
  ['astro build', s(astroMs), `${(Math.min(...astroMs) / 1000).toFixed(2)} – ${(Math.max(...astroMs) / 1000).toFixed(2)} s`],
  ['pagefind', s(pagefindMs), `${(Math.min(...pagefindMs) / 1000).toFixed(2)} – ${(Math.max(...pagefindMs) / 1000).toFixed(2)} s`],
  ['full build', s(totalMs), `${(Math.min(...totalMs) / 1000).toFixed(2)} – ${(Math.max(...totalMs) / 1000).toFixed(2)} s`],
  ['pages per second (astro build)', fmt(pages.length / (astroMed / 1000), 1), ''],
  ['pages per second (full build)', fmt(pages.length / (median(totalMs) / 1000), 1), ''],
])}

JavaScript per page type (before any interaction; islands' component + renderer modules and their static imports, plus inline scripts). "On first use" = chunks those islands import dynamically (API client + supabase-js on the first answer / progress call).

${table(['page type', 'example', 'JS', 'gzip', 'files', 'islands', 'on first use'], jsRows)}

Search: the header island loads Pagefind on first focus — ${kb(pfSearch)} (pagefind.js + entry + index meta + wasm), then index chunks/fragments per query.
HTML size: lesson ${kb(pageBytes('lessons/complaint-handling'))}, regulation (consumer-rights-law) ${kb(pageBytes('regulations/consumer-rights-law'))}, largest regulation (insurance-law) ${existsSync(path.join(dist, 'regulations/insurance-law/index.html')) ? kb(pageBytes('regulations/insurance-law')) : 'n/a'}.
`;
console.log(`\n${md}`);
if (!flag('no-write')) appendResults(md);
