// Runs the built Pagefind index in Node (no browser): pagefind.js fetches its index files with
// fetch(); we answer those requests from dist/pagefind/ on disk. Used by the site-build test and
// the bench; the same runtime file the browser loads, so what passes here works on the site.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface SearchHit {
  url: string;
  title: string;
  excerpt: string;
  subResults: Array<{ url: string; title: string; excerpt: string; locations: number[] }>;
}

export interface NodePagefind {
  search(query: string, limit?: number): Promise<SearchHit[]>;
}

export async function loadPagefind(distDir: string): Promise<NodePagefind> {
  const root = path.join(distDir, 'pagefind');
  const base = 'http://pagefind.local/pagefind/';
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, base);
    if (url.host !== 'pagefind.local') return realFetch(input, init);
    const rel = decodeURIComponent(url.pathname.replace(/^\/pagefind\//, ''));
    try {
      return new Response(await readFile(path.join(root, rel)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
  const pf = (await import(pathToFileURL(path.join(root, 'pagefind.js')).href)) as {
    options(o: Record<string, unknown>): Promise<void>;
    init(): Promise<void>;
    search(q: string): Promise<{ results: Array<{ data(): Promise<{ url: string; excerpt: string; meta: Record<string, string>; sub_results: SearchHit['subResults'] }> }> }>;
  };
  await pf.options({ basePath: base });
  await pf.init();
  return {
    async search(query, limit = 10) {
      const r = await pf.search(query);
      const data = await Promise.all(r.results.slice(0, limit).map((x) => x.data()));
      return data.map((d) => ({ url: d.url, title: d.meta.title ?? '', excerpt: d.excerpt, subResults: d.sub_results ?? [] }));
    },
  };
}
