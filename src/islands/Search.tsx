// Header search over lessons and regulations (client:idle). Pagefind's runtime (/pagefind/pagefind.js,
// written by `pagefind --site dist` after the Astro build) is imported only when the visitor first
// focuses the box, so pages pay a few hundred bytes until then. Results link to the best-matching
// sub-result — on regulation pages that is one article (#article-N), on lessons a section heading.
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';

type Labels = Record<'search.label' | 'search.placeholder' | 'search.loading' | 'search.none' | 'search.results' | 'search.error' | 'search.kind.regulation' | 'search.kind.lesson', string>;

interface Props {
  locale: 'zh-cn' | 'en';
  labels: Labels;
}

interface PfSub { title: string; url: string; excerpt: string; locations?: number[] }
interface PfData { url: string; excerpt: string; meta: Record<string, string>; sub_results?: PfSub[] }
interface PfResult { id: string; data(): Promise<PfData> }
interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(q: string, o?: Record<string, unknown>, ms?: number): Promise<{ results: PfResult[] } | null>;
}

interface Hit { href: string; title: string; section: string | null; excerpt: string; kind: string }

const MAX_RESULTS = 8;
let runtime: Promise<Pagefind> | null = null;

function loadPagefind(): Promise<Pagefind> {
  const url = '/pagefind/pagefind.js';
  runtime ??= (import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (pf) => {
    await pf.options({ excerptLength: 28 });
    await pf.init();
    return pf;
  });
  return runtime;
}

const fmt = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

/** The sub-result with the most matches, so a hit in 第二十六条 links to #article-26. */
function bestSub(d: PfData): PfSub | null {
  let best: PfSub | null = null;
  for (const s of d.sub_results ?? []) {
    if (!s.url.includes('#')) continue;
    if (!best || (s.locations?.length ?? 0) > (best.locations?.length ?? 0)) best = s;
  }
  return best;
}

export default function Search(props: Props) {
  const L = props.labels;
  const [query, setQuery] = createSignal('');
  const [hits, setHits] = createSignal<Hit[]>([]);
  const [status, setStatus] = createSignal<'idle' | 'loading' | 'done' | 'error'>('idle');
  const [open, setOpen] = createSignal(false);
  let root: HTMLDivElement | undefined;
  let input: HTMLInputElement | undefined;
  const localise = (url: string) => (props.locale === 'en' && url.startsWith('/') && !url.startsWith('/en/') ? `/en${url}` : url);

  const run = async (q: string) => {
    if (!q.trim()) {
      setHits([]);
      setStatus('idle');
      return;
    }
    setStatus('loading');
    try {
      const pf = await loadPagefind();
      const res = await pf.debouncedSearch(q, {}, 180);
      if (!res) return; // superseded by a newer query
      const data = await Promise.all(res.results.slice(0, MAX_RESULTS).map((r) => r.data()));
      if (q !== query()) return;
      setHits(
        data.map((d) => {
          const sub = bestSub(d);
          return {
            href: localise(sub?.url ?? d.url),
            title: d.meta.title ?? d.url,
            section: sub && sub.title !== d.meta.title ? sub.title : null,
            excerpt: sub?.excerpt ?? d.excerpt,
            kind: d.meta.kind === 'lesson' ? L['search.kind.lesson'] : L['search.kind.regulation'],
          };
        }),
      );
      setStatus('done');
    } catch {
      setStatus('error');
    }
  };

  onMount(() => {
    const onDoc = (e: MouseEvent) => {
      if (root && !root.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', onDoc);
    onCleanup(() => document.removeEventListener('click', onDoc));
  });

  return (
    <div class="site-search" ref={root} role="search" onKeyDown={(e) => {
      if (e.key === 'Escape') {
        setOpen(false);
        input?.focus();
      }
    }}>
      <label class="visually-hidden" for="site-search-input">{L['search.label']}</label>
      <svg class="site-search-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><circle cx="11" cy="11" r="7" /><path d="M20 20l-3.5-3.5" /></svg>
      <input
        ref={input}
        id="site-search-input"
        class="site-search-input"
        type="search"
        autocomplete="off"
        enterkeyhint="search"
        placeholder={L['search.placeholder']}
        // A search box with a panel of result links (not a listbox), so no combobox semantics:
        // aria-expanded is not allowed on role=searchbox; the panel's role=status announces results.
        aria-controls="site-search-results"
        onFocus={() => {
          void loadPagefind().catch(() => setStatus('error'));
          setOpen(true);
        }}
        onInput={(e) => {
          const q = e.currentTarget.value;
          setQuery(q);
          setOpen(true);
          void run(q);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            root?.querySelector<HTMLAnchorElement>('.site-search-results a')?.focus();
          }
        }}
      />
      <div id="site-search-results" class="site-search-panel" hidden={!open() || status() === 'idle'}>
        <p class="site-search-status" role="status">
          {status() === 'loading' ? L['search.loading'] : status() === 'error' ? L['search.error'] : status() === 'done' ? (hits().length ? fmt(L['search.results'], { n: hits().length }) : fmt(L['search.none'], { q: query() })) : ''}
        </p>
        <Show when={hits().length > 0}>
          <ul class="site-search-results" role="list">
            <For each={hits()}>
              {(h) => (
                <li>
                  <a href={h.href} onKeyDown={(e) => {
                    const li = e.currentTarget.parentElement;
                    if (e.key === 'ArrowDown') { e.preventDefault(); (li?.nextElementSibling?.querySelector('a') as HTMLElement | null)?.focus(); }
                    if (e.key === 'ArrowUp') { e.preventDefault(); const prev = li?.previousElementSibling?.querySelector('a') as HTMLElement | null; (prev ?? input)?.focus(); }
                  }}>
                    <span class="ssr-head"><span class="ssr-kind">{h.kind}</span><span class="ssr-title">{h.title}</span></span>
                    <Show when={h.section}><span class="ssr-section">{h.section}</span></Show>
                    {/* Pagefind excerpts are our own indexed text, escaped, with <mark> around matches. */}
                    <span class="ssr-excerpt" innerHTML={h.excerpt} />
                  </a>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </div>
  );
}
