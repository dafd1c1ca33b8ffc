// Proves properties of the BUILT site (dist/): no answer key anywhere, every citation lands on an
// existing anchor, lesson pages carry no JavaScript but their islands, and the Pagefind index
// answers Chinese queries with article-level links.
//
// Build policy (keeps `npm test` fast): reuse dist/ when its build stamp matches the current inputs
// (src/server/site-build.ts — the same check `npm start` uses); otherwise build once here.
import { beforeAll, describe, expect, it } from 'vitest';
import { AUTH_HINT_SCRIPT } from '../../src/components/csp.ts';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { buildSiteIfNeeded } from '../../src/server/site-build.ts';
import { loadContent } from '../../src/content/load.ts';
import { questionSchema, type Question } from '../../src/content/schemas.ts';
import { loadPagefind, type NodePagefind } from './pagefind-node.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'dist');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...walk(abs));
    else out.push(abs);
  }
  return out;
}

/**
 * File text. Pagefind's index/fragment files are gzip'd, so they are unpacked first, and its
 * segmenter joins Chinese words with zero-width spaces (U+200B), which are removed so a leaked
 * sentence still matches as a plain substring.
 */
function readText(file: string): string {
  return rawText(file).replace(/\u200b/g, '');
}

function rawText(file: string): string {
  const buf = readFileSync(file);
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf).toString('utf8');
    } catch {
      /* not actually gzip */
    }
  }
  // Pagefind prefixes its gzip'd payloads with a signature in some versions; look for the magic.
  const magic = buf.indexOf(Buffer.from([0x1f, 0x8b, 0x08]));
  if (magic > 0 && magic < 64) {
    try {
      return gunzipSync(buf.subarray(magic)).toString('utf8');
    } catch {
      /* fall through */
    }
  }
  return buf.toString('utf8');
}

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const pageFile = (urlPath: string) => path.join(dist, urlPath.replace(/^\//, ''), urlPath.endsWith('.html') ? '' : 'index.html');

let files: Array<{ file: string; rel: string; text: string }> = [];
let questions: Question[] = [];
let lessonCount = 0;
let instrumentCount = 0;
let pf: NodePagefind;

beforeAll(async () => {
  buildSiteIfNeeded(root, (line) => console.log(`[site-build test] ${line}`));
  files = walk(dist)
    .filter((f) => !/\.(png|jpe?g|webp|avif|ico|woff2?|wasm)$/i.test(f) && !f.endsWith('.build-stamp'))
    .map((file) => ({ file, rel: path.relative(dist, file), text: readText(file) }));
  const content = loadContent({ root });
  questions = content.questions.flatMap((q) => {
    const r = questionSchema.safeParse(q.data);
    return r.success ? [r.data] : [];
  });
  lessonCount = content.lessons.length;
  instrumentCount = content.instruments.length;
  pf = await loadPagefind(dist);
}, 300_000);

describe('answer keys never reach the static site', () => {
  it('scans a plausible site and the whole bank', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.rel.startsWith('pagefind/') && f.rel.includes('fragment'))).toBe(true);
    expect(questions.length).toBeGreaterThanOrEqual(300);
  });

  it('the probe sees through the packed search index (a lesson sentence is found in a fragment)', () => {
    // Guards the leak scan below against passing vacuously on gzip'd / segmented index files.
    const sentence = '首问负责：谁先接到客户，谁负责接待、登记和跟进到有人处理，不推诿、不让客户来回跑。';
    expect(files.some((f) => f.rel.startsWith('pagefind/fragment/') && f.text.includes(sentence))).toBe(true);
  });

  it('no explanation, model answer or rubric text of the bank appears in any file of dist/', () => {
    // Explanations are long, unique sentences: a precise probe for leaked keys in HTML, JS, JSON and
    // the (unpacked) search index alike.
    const probes = new Map<string, string>();
    for (const q of questions) {
      probes.set(q.explanation.trim(), `${q.id} explanation`);
      if (q.type === 'short') {
        probes.set(q.modelAnswer.trim(), `${q.id} modelAnswer`);
        for (const r of q.rubric) if (r.trim().length >= 12) probes.set(r.trim(), `${q.id} rubric`);
      }
    }
    // A marking point may be the law's own words, which the regulation pages and lessons publish on
    // purpose (a rubric of "the four duties in 第十六条" quotes them): such a line is not a key.
    const published = [
      ...readdirSync(path.join(root, 'content/instruments/texts')).map((f) => readFileSync(path.join(root, 'content/instruments/texts', f), 'utf8')),
      ...readdirSync(path.join(root, 'content/lessons')).map((f) => readFileSync(path.join(root, 'content/lessons', f), 'utf8')),
    ].join('\n');
    for (const [text, what] of probes) if (what.endsWith('rubric') && published.includes(text)) probes.delete(text);
    const leaks: string[] = [];
    for (const f of files) {
      for (const [text, what] of probes) if (f.text.includes(text)) leaks.push(`${what} in ${f.rel}`);
    }
    expect(leaks, leaks.join('\n')).toEqual([]);
  });

  it('no island prop and no HTML page carries a key field (answer, blanks, explanation, modelAnswer, rubric)', () => {
    const forbidden = new Set(['answer', 'answers', 'blanks', 'explanation', 'modelAnswer', 'rubric', 'orderInsensitive', 'key']);
    const found: string[] = [];
    const visit = (v: unknown, where: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (forbidden.has(k)) found.push(`${where}.${k}`);
          visit(x, `${where}.${k}`);
        }
      }
    };
    for (const f of files.filter((x) => x.rel.endsWith('.html'))) {
      for (const m of f.text.matchAll(/<astro-island\b[^>]*\sprops="([^"]*)"/g)) visit(JSON.parse(decode(m[1]!)), f.rel);
      // The key fields in any serialised form: "answer": / &quot;answer&quot; / answer: in a data blob.
      for (const field of forbidden) {
        if (f.text.includes(`&quot;${field}&quot;`) || f.text.includes(`"${field}":`)) found.push(`${f.rel}: "${field}"`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the knowledge checks do render their questions (public shape: stem and options)', () => {
    const html = readFileSync(pageFile('/lessons/complaint-handling/'), 'utf8');
    const q = questions.find((x) => x.id === 'complaint-handling-001')!;
    expect(html).toContain(q.stem);
    expect(html).toContain('data-question="complaint-handling-001"');
  });
});

describe('citations', () => {
  const lessonPages = () => files.filter((f) => /^(en\/)?lessons\/[^/]+\/index\.html$/.test(f.rel));

  it('every <Cite> link and every cited-by / source link points to an anchor that exists', () => {
    const broken: string[] = [];
    let checked = 0;
    const idsCache = new Map<string, Set<string>>();
    const idsOf = (urlPath: string) => {
      let ids = idsCache.get(urlPath);
      if (!ids) {
        const file = pageFile(urlPath);
        ids = existsSync(file) ? new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)) : new Set();
        idsCache.set(urlPath, ids);
      }
      return existsSync(pageFile(urlPath)) ? ids : null;
    };
    const check = (href: string, from: string) => {
      const [p, hash] = href.split('#') as [string, string | undefined];
      const ids = idsOf(p);
      checked++;
      if (!ids) broken.push(`${from}: ${href} (no page)`);
      else if (hash && !ids.has(decodeURIComponent(hash))) broken.push(`${from}: ${href} (no #${hash})`);
    };
    const pages = lessonPages();
    expect(pages.length).toBe(lessonCount * 2); // every lesson in both locales
    for (const f of pages) {
      const cites = [...f.text.matchAll(/<a class="cite-link" href="([^"]+)"/g)].map((m) => m[1]!);
      expect(cites.length, `${f.rel} has citations`).toBeGreaterThan(0);
      for (const href of cites) check(href, f.rel);
      for (const m of f.text.matchAll(/<astro-island\b[^>]*\sprops="([^"]*)"/g)) {
        for (const s of decode(m[1]!).matchAll(/"href":\[0,"([^"]+)"\]/g)) check(s[1]!, `${f.rel} (question source)`);
      }
    }
    for (const f of files.filter((x) => /^(en\/)?regulations\/[^/]+\/index\.html$/.test(x.rel))) {
      for (const m of f.text.matchAll(/<aside class="cited-by"[\s\S]*?<\/aside>/g)) {
        for (const a of m[0].matchAll(/href="([^"]+)"/g)) check(decode(a[1]!), f.rel);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });

  it('the complaint-handling lesson cites 《消费者权益保护法》第三十九条 with its text in the popover', () => {
    const html = readFileSync(pageFile('/lessons/complaint-handling/'), 'utf8');
    expect(html).toContain('href="/regulations/consumer-rights-law/#article-39"');
    expect(html).toMatch(/《消费者权益保护法》第三十九条/);
    expect(html).toContain('消费者和经营者发生消费者权益争议的');
    const en = readFileSync(pageFile('/en/lessons/complaint-handling/'), 'utf8');
    expect(en).toContain('href="/en/regulations/consumer-rights-law/#article-39"');
  });

  it('regulation pages have #chapter-N and #article-N anchors for every article; summary pages show labels', () => {
    const crl = readFileSync(pageFile('/regulations/consumer-rights-law/'), 'utf8');
    for (let n = 1; n <= 63; n++) expect(crl).toContain(`id="article-${n}"`);
    for (let n = 1; n <= 8; n++) expect(crl).toContain(`id="chapter-${n}"`);
    const summary = readFileSync(pageFile('/regulations/cbirc-complaint-measures/'), 'utf8');
    expect(summary).toContain('id="article-13"');
    expect(summary).toContain('fact-SECONDARY');
    expect(summary).toContain('fact-UNVERIFIED');
    expect(summary).toContain('国家金融监督管理总局');
    expect(summary).toContain('reform-note');
  });
});

describe('JavaScript budget', () => {
  it('lesson and regulation pages run no script except island bootstraps and the auth hint', () => {
    const allowedIslands: Record<string, RegExp> = {
      lessons: /\/_astro\/(UserMenu|Search|KnowledgeCheck|MarkRead|LessonBadges)\.[\w-]+\.js$/,
      regulations: /\/_astro\/(UserMenu|Search)\.[\w-]+\.js$/,
    };
    const problems: string[] = [];
    for (const f of files.filter((x) => /^(en\/)?(lessons|regulations)\/.*index\.html$/.test(x.rel))) {
      const kind = f.rel.includes('lessons/') ? 'lessons' : 'regulations';
      for (const m of f.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        const attrs = m[1] ?? '';
        const body = m[2] ?? '';
        if (/\bsrc=/.test(attrs)) problems.push(`${f.rel}: external script ${attrs.trim()}`);
        else if (/type="application\/(ld\+)?json"/.test(attrs)) continue;
        else if (body === AUTH_HINT_SCRIPT) continue; // Base.astro: auth state before paint (hashed in the CSP)
        else if (body.includes('astro-island') || /self\.Astro\|\|\(self\.Astro=\{\}\)/.test(body)) continue; // Astro island runtime
        else if (body.startsWith('window._$HY||')) continue; // Solid hydration bootstrap
        else problems.push(`${f.rel}: inline script ${body.slice(0, 60)}`);
      }
      for (const m of f.text.matchAll(/component-url="([^"]+)"/g)) {
        if (!allowedIslands[kind]!.test(m[1]!)) problems.push(`${f.rel}: unexpected island ${m[1]}`);
      }
      if (/<link[^>]+rel="modulepreload"/.test(f.text)) problems.push(`${f.rel}: modulepreload`);
    }
    expect(problems).toEqual([]);
  });
});

describe('Chinese search (Pagefind)', () => {
  const pathOf = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');

  it.each(['首问负责', '格式条款', '个人信息'])('%s returns hits', async (q) => {
    const hits = await pf.search(q);
    expect(hits.length).toBeGreaterThan(0);
  });

  it('首问负责 finds the complaint-handling lesson at its 首问负责制 section', async () => {
    const hits = await pf.search('首问负责');
    const lesson = hits.find((h) => pathOf(h.url) === '/lessons/complaint-handling/');
    expect(lesson).toBeDefined();
    expect(lesson!.subResults.map((s) => pathOf(s.url))).toContain('/lessons/complaint-handling/#first-contact');
    expect(hits.map((h) => pathOf(h.url))).toContain('/regulations/cbirc-complaint-notice-2022/');
  });

  it('regulation hits come with one sub-result per article (#article-N)', async () => {
    const hits = await pf.search('个人信息');
    const pipl = hits.find((h) => pathOf(h.url) === '/regulations/pipl/');
    expect(pipl).toBeDefined();
    expect(pipl!.subResults.some((s) => /#article-\d+$/.test(s.url))).toBe(true);
    const terms = await pf.search('格式条款');
    expect(terms.some((h) => h.subResults.some((s) => /\/regulations\/consumer-rights-law\/#article-26$/.test(s.url)))).toBe(true);
  });

  it('only zh-CN pages are indexed (the /en/ pages hold the same Chinese content)', () => {
    const entry = JSON.parse(readFileSync(path.join(dist, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.keys(entry.languages)).toEqual(['zh-cn']);
    expect(entry.languages['zh-cn']!.page_count).toBe(lessonCount + instrumentCount); // zh-CN lessons + regulation pages
  });
});
