// Build-time view of the content for the regulation library, lessons, <Cite> and <KnowledgeCheck>:
// the register with parsed full texts, lessons in module order, the public shape of every question,
// and a reverse index "which lessons and questions cite this article". Computed once per build
// (memoised) because every lesson and regulation page needs it.
//
// Answer keys: this module reads the questions collection (which holds keys) but only ever hands
// out toPublicQuestion() shapes; pages never see a key.
import { getCollection, type CollectionEntry } from 'astro:content';
import { articleLabel, parseLawText, type LawArticle, type LawText } from '../content/law-text.ts';
import { extractCites, stripNonContent } from '../content/load.ts';
import {
  MODULES,
  MODULE_TITLES,
  toPublicQuestion,
  type Citation,
  type Instrument,
  type PublicQuestion,
} from '../content/schemas.ts';
import { localePath, type Locale } from '../i18n/index.ts';

export type ModuleId = (typeof MODULES)[number];
export type LessonEntry = CollectionEntry<'lessons'>;

export interface InstrumentView {
  data: Instrument;
  /** Parsed full text, or null for summary-only instruments. */
  text: LawText | null;
  /** Articles by number (first occurrence), full-text instruments only. */
  articles: Map<number, LawArticle>;
}

export interface LessonRef {
  id: string;
  title: string;
  /** Heading id of the lesson section the citation sits in, if any. */
  anchor: string | null;
  anchorTitle: string | null;
}

export interface QuestionRef {
  id: string;
  stem: string;
  type: PublicQuestion['type'];
}

export interface CitedBy {
  lessons: LessonRef[];
  questions: QuestionRef[];
}

export interface Library {
  instruments: InstrumentView[];
  byId: Map<string, InstrumentView>;
  /** Lessons sorted by module (MODULES order), then `order`. */
  lessons: LessonEntry[];
  lessonById: Map<string, LessonEntry>;
  questions: Map<string, PublicQuestion>;
  /** instrument id → article number (0 = the instrument as a whole) → who cites it. */
  citedBy: Map<string, Map<number, CitedBy>>;
  /** lesson id → instruments it cites, in first-cited order (for the lesson's "cited regulations"). */
  lessonCites: Map<string, Array<{ instrument: string; articles: number[] }>>;
}

// Vite inlines the texts at build time; no file-system paths that break once bundled.
const rawTexts = import.meta.glob('../../content/instruments/texts/*.md', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function textFor(file: string): string | null {
  for (const [p, body] of Object.entries(rawTexts)) if (p.endsWith(`/${file}`)) return body;
  return null;
}

// The register's own order (curated: the consumer-protection law first), which the file loader does
// not keep.
const registerRaw = Object.values(
  import.meta.glob('../../content/instruments/register.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>,
)[0] ?? '';
const registerOrder = [...registerRaw.matchAll(/^- id:\s*(\S+)/gm)].map((m) => m[1] as string);
const registerRank = (id: string) => {
  const i = registerOrder.indexOf(id);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
};

let cached: Promise<Library> | null = null;

export function getLibrary(): Promise<Library> {
  cached ??= buildLibrary();
  return cached;
}

async function buildLibrary(): Promise<Library> {
  const [instrumentEntries, lessonEntries, questionEntries] = await Promise.all([
    getCollection('instruments'),
    getCollection('lessons'),
    getCollection('questions'),
  ]);

  const instruments: InstrumentView[] = [...instrumentEntries].sort((a, b) => registerRank(a.id) - registerRank(b.id)).map((e) => {
    const data = e.data as Instrument;
    const raw = data.text ? textFor(data.text) : null;
    const text = raw ? parseLawText(raw) : null;
    const articles = new Map<number, LawArticle>();
    for (const a of text?.articles ?? []) if (!articles.has(a.number)) articles.set(a.number, a);
    return { data, text, articles };
  });
  const byId = new Map(instruments.map((i) => [i.data.id, i]));

  const moduleRank = (m: string) => MODULES.indexOf(m as ModuleId);
  const lessons = [...lessonEntries].sort(
    (a, b) => moduleRank(a.data.module) - moduleRank(b.data.module) || a.data.order - b.data.order || a.id.localeCompare(b.id),
  );
  const lessonById = new Map(lessons.map((l) => [l.data.id, l]));

  const questions = new Map<string, PublicQuestion>();
  for (const q of [...questionEntries].sort((a, b) => a.id.localeCompare(b.id))) {
    questions.set(q.id, toPublicQuestion(q.data));
  }

  const citedBy = new Map<string, Map<number, CitedBy>>();
  const slot = (instrument: string, article: number): CitedBy => {
    let perArticle = citedBy.get(instrument);
    if (!perArticle) citedBy.set(instrument, (perArticle = new Map()));
    let entry = perArticle.get(article);
    if (!entry) perArticle.set(article, (entry = { lessons: [], questions: [] }));
    return entry;
  };

  const lessonCites = new Map<string, Array<{ instrument: string; articles: number[] }>>();
  for (const lesson of lessons) {
    const body = stripNonContent(lesson.body ?? '');
    const sections = headingsByLine(body);
    const list: Array<{ instrument: string; articles: number[] }> = [];
    for (const cite of extractCites(body)) {
      if (!cite.law || !byId.has(cite.law)) continue;
      const article = cite.article ?? 0;
      const section = sections.at(cite.line);
      const entry = slot(cite.law, article);
      if (!entry.lessons.some((l) => l.id === lesson.data.id && l.anchor === (section?.id ?? null))) {
        entry.lessons.push({ id: lesson.data.id, title: lesson.data.title, anchor: section?.id ?? null, anchorTitle: section?.title ?? null });
      }
      let item = list.find((x) => x.instrument === cite.law);
      if (!item) list.push((item = { instrument: cite.law, articles: [] }));
      if (article && !item.articles.includes(article)) item.articles.push(article);
    }
    for (const item of list) item.articles.sort((a, b) => a - b);
    lessonCites.set(lesson.data.id, list);
  }
  for (const q of questions.values()) {
    if (!('instrument' in q.source) || !byId.has(q.source.instrument)) continue;
    slot(q.source.instrument, q.source.article ?? 0).questions.push({ id: q.id, stem: q.stem, type: q.type });
  }

  return { instruments, byId, lessons, lessonById, questions, citedBy, lessonCites };
}

/** For each 1-based line of an MDX body: the closest preceding `<h2|h3 id="…">` heading. */
function headingsByLine(body: string): { at(line: number): { id: string; title: string } | undefined } {
  const lines = body.split('\n');
  const current: Array<{ id: string; title: string } | undefined> = [undefined];
  let last: { id: string; title: string } | undefined;
  const re = /<h[23]\s+id="([A-Za-z][\w-]*)"[^>]*>([^<]*)<\/h[23]>/;
  for (const line of lines) {
    const m = re.exec(line);
    if (m) last = { id: m[1] as string, title: (m[2] as string).trim() };
    else if (/^##\s/.test(line)) last = undefined; // a new h2 section without an id ends the previous one
    current.push(last);
  }
  return { at: (line) => current[line] };
}

// ─────────────────────────────── citations ───────────────────────────────

export interface ResolvedCitation {
  /** 《消费者权益保护法》第二十六条 */
  label: string;
  href: string;
  /** The article's text (full-text instruments) or the fact-sheet summary (summary-only). */
  paragraphs: string[];
  /** Verification label when the text comes from the fact sheet; null for official full text. */
  factLabel: Instrument['facts'][number]['label'] | null;
  /** False when the instrument or article is unknown (the content check normally prevents this). */
  found: boolean;
}

export function regulationHref(locale: Locale, instrument: string, article?: number | null): string {
  return localePath(locale, `/regulations/${instrument}/${article ? `#article-${article}` : ''}`);
}

export function lessonHref(locale: Locale, lesson: string, anchor?: string | null): string {
  return localePath(locale, `/lessons/${lesson}/${anchor ? `#${anchor}` : ''}`);
}

export function resolveCitation(lib: Library, locale: Locale, law: string, article?: number | null): ResolvedCitation {
  const inst = lib.byId.get(law);
  if (!inst) return { label: law, href: localePath(locale, '/regulations/'), paragraphs: [], factLabel: null, found: false };
  const title = `《${inst.data.short}》`;
  if (inst.text) {
    const a = article ? inst.articles.get(article) : undefined;
    if (!article || !a) {
      return { label: title, href: regulationHref(locale, law), paragraphs: [inst.data.title], factLabel: null, found: !article };
    }
    return { label: `${title}${a.label}`, href: regulationHref(locale, law, article), paragraphs: a.paragraphs, factLabel: null, found: true };
  }
  // Summary-only: the confirmed article's summary, or the instrument's first facts.
  if (article) {
    const a = inst.data.articles?.find((x) => x.number === article);
    return {
      label: `${title}${articleLabel(article)}`,
      href: regulationHref(locale, law, a ? article : null),
      paragraphs: a ? [a.summary] : [],
      factLabel: a?.label ?? null,
      found: Boolean(a),
    };
  }
  const facts = inst.data.facts.filter((f) => f.label !== 'UNVERIFIED').slice(0, 2);
  return {
    label: title,
    href: regulationHref(locale, law),
    paragraphs: facts.map((f) => f.text),
    factLabel: facts[0]?.label ?? null,
    found: true,
  };
}

/** A question's source as a link: label + href. */
export function citationLink(lib: Library, locale: Locale, source: Citation): { label: string; href: string } {
  if ('instrument' in source) {
    const r = resolveCitation(lib, locale, source.instrument, source.article);
    return { label: r.label, href: r.href };
  }
  const lesson = lib.lessonById.get(source.lesson);
  return { label: lesson ? `「${lesson.data.title}」` : source.lesson, href: lessonHref(locale, source.lesson, source.anchor) };
}

// ─────────────────────────────── lessons ───────────────────────────────

export const moduleTitle = (m: string): string => MODULE_TITLES[m as ModuleId] ?? m;

/**
 * Reading time in whole minutes. Lessons are Chinese prose: count Han characters and read them at
 * 300 characters per minute (a common planning figure for attentive reading of Chinese study text,
 * slower than the ~400–500/min of casual reading, since staff are learning rules); Latin words (rare
 * here: numbers, 12378) count at 200 words per minute. Markup and component tags are stripped first.
 */
export function readingMinutes(mdxBody: string): { minutes: number; chars: number } {
  const text = stripNonContent(mdxBody)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\{[^}]*\}/g, ' ');
  const chars = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const words = (text.match(/[A-Za-z0-9]+/g) ?? []).length;
  const minutes = Math.max(1, Math.round(chars / 300 + words / 200));
  return { minutes, chars };
}

export function modulesWithLessons(lib: Library): Array<{ id: ModuleId; title: string; lessons: LessonEntry[] }> {
  return MODULES.map((id) => ({ id, title: MODULE_TITLES[id], lessons: lib.lessons.filter((l) => l.data.module === id) }));
}

/** Full-text instruments first grouped by kind; the kind is read from the title (法/条例/办法/解释/…). */
export function instrumentKind(inst: Instrument): 'law' | 'regulation' | 'rule' | 'judicial' | 'normative' {
  const t = inst.title;
  if (inst.issuer.includes('最高人民法院')) return 'judicial';
  if (/法$/.test(t) && inst.issuer.includes('全国人民代表大会')) return 'law';
  if (inst.issuer === '国务院' || /条例$/.test(t)) return 'regulation';
  if (/办法|规定|规则/.test(t) && !/指导意见|通知/.test(t)) return 'rule';
  return 'normative';
}

let idCounter = 0;
/** Element ids unique within a page (and across the build); deterministic because pages render in order. */
export function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter.toString(36)}`;
}
