/**
 * Node-side content loader, independent of Astro. Used by the content check (tests), the content sync
 * and the server. Reads everything under content/ as raw, unvalidated data plus where it came from;
 * `checkContent` (check.ts) validates it, and `validContent` gives typed entries for the sync/server.
 *
 * Lessons are read from MDX source with simple regexes (no MDX compile): frontmatter, <Cite …/> usages,
 * <KnowledgeCheck questions={[…]} /> usages and explicit heading ids (<h2 id="…">, <h3 id="…">).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { parseLawText } from './law-text.ts';
import type { LawText } from './law-text.ts';
import { parseQuestionBank, QUESTION_FILE_RE } from './question-banks.ts';
import {
  instrumentSchema,
  lessonFrontmatterSchema,
  questionSchema,
} from './schemas.ts';
import type { Instrument, LessonFrontmatter, Question } from './schemas.ts';

// ─────────────────────────────── types ───────────────────────────────

export interface RawInstrumentEntry {
  /** File it came from, relative to the repo root (content/instruments/register.yaml). */
  file: string;
  index: number;
  /** The `id` field when it is a string, else null. */
  id: string | null;
  data: unknown;
}

export interface LoadedText {
  /** File name without .md — the instrument id it should belong to. */
  id: string;
  file: string;
  markdown: string;
  parsed: LawText;
}

export interface CiteUsage {
  /** The `law` attribute, or null when missing. */
  law: string | null;
  /** The `article` attribute as a number, or null when absent. */
  article: number | null;
  /** Problem with how the tag is written (e.g. article="26" instead of article={26}), else null. */
  syntaxError: string | null;
  /** 1-based line in the .mdx file. */
  line: number;
  raw: string;
}

export interface KnowledgeCheckUsage {
  ids: string[];
  syntaxError: string | null;
  line: number;
  raw: string;
}

export interface LoadedLesson {
  /** Id derived from the file name (content/lessons/<id>.mdx). */
  fileId: string;
  file: string;
  /** Parsed frontmatter (unvalidated), or null when missing/unparseable. */
  frontmatter: unknown;
  frontmatterError: string | null;
  /** MDX body after the frontmatter. */
  body: string;
  cites: CiteUsage[];
  knowledgeChecks: KnowledgeCheckUsage[];
  /** Explicit heading ids (<h2 id="…">/<h3 id="…">) in order. */
  anchors: string[];
  /** Texts of markdown `## ` headings in order (for the section-order check). */
  h2: string[];
}

export interface RawQuestionEntry {
  file: string;
  index: number;
  id: string | null;
  data: unknown;
}

export interface LoadError {
  file: string;
  message: string;
}

export interface LoadedContent {
  /** Absolute path of the repo root the content was read from. */
  root: string;
  instruments: RawInstrumentEntry[];
  /** Full texts by file id (content/instruments/texts/<id>.md). */
  texts: Record<string, LoadedText>;
  lessons: LoadedLesson[];
  questions: RawQuestionEntry[];
  /** Files that could not be read or parsed at all. */
  loadErrors: LoadError[];
}

export interface LoadOptions {
  /** Repo root (the folder holding content/). Defaults to this repo. */
  root?: string;
}

// ─────────────────────────────── paths ───────────────────────────────

export const REGISTER_FILE = 'content/instruments/register.yaml';
export const TEXTS_DIR = 'content/instruments/texts';
export const LESSONS_DIR = 'content/lessons';
export const QUESTIONS_DIR = 'content/questions';

export function defaultRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

function listFiles(dir: string, test: (name: string) => boolean, recursive = false): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) {
      if (recursive) out.push(...listFiles(abs, test, true));
    } else if (test(name)) {
      out.push(abs);
    }
  }
  return out;
}

// ─────────────────────────────── loading ───────────────────────────────

/** Reads all content under `<root>/content`. Never throws on bad content: problems go to loadErrors. */
export function loadContent(options: LoadOptions = {}): LoadedContent {
  const root = path.resolve(options.root ?? defaultRoot());
  const content: LoadedContent = { root, instruments: [], texts: {}, lessons: [], questions: [], loadErrors: [] };

  // Register.
  const registerPath = path.join(root, REGISTER_FILE);
  if (!existsSync(registerPath)) {
    content.loadErrors.push({ file: REGISTER_FILE, message: 'the instrument register is missing' });
  } else {
    try {
      const doc: unknown = parseYaml(readFileSync(registerPath, 'utf8'));
      if (!Array.isArray(doc)) {
        content.loadErrors.push({ file: REGISTER_FILE, message: 'the register must be a YAML list of instruments' });
      } else {
        content.instruments = doc.map((data: unknown, index) => ({
          file: REGISTER_FILE,
          index,
          id: idOf(data),
          data,
        }));
      }
    } catch (e) {
      content.loadErrors.push({ file: REGISTER_FILE, message: `YAML syntax error: ${errorMessage(e)}` });
    }
  }

  // Full texts.
  for (const abs of listFiles(path.join(root, TEXTS_DIR), (n) => n.endsWith('.md'))) {
    const id = path.basename(abs, '.md');
    const markdown = readFileSync(abs, 'utf8');
    content.texts[id] = { id, file: rel(root, abs), markdown, parsed: parseLawText(markdown) };
  }

  // Lessons.
  for (const abs of listFiles(path.join(root, LESSONS_DIR), (n) => n.endsWith('.mdx'), true)) {
    content.lessons.push(parseLessonSource(readFileSync(abs, 'utf8'), rel(root, abs)));
  }

  // Question banks.
  for (const abs of listFiles(path.join(root, QUESTIONS_DIR), (n) => QUESTION_FILE_RE.test(n))) {
    const file = rel(root, abs);
    const bank = parseQuestionBank(readFileSync(abs, 'utf8'));
    for (const message of bank.errors) content.loadErrors.push({ file, message });
    for (const e of bank.entries) content.questions.push({ file, index: e.index, id: e.id, data: e.data });
  }

  return content;
}

function idOf(data: unknown): string | null {
  if (data && typeof data === 'object' && typeof (data as { id?: unknown }).id === 'string') {
    return (data as { id: string }).id.trim() || null;
  }
  return null;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ─────────────────────────────── MDX source scanning ───────────────────────────────

const FRONTMATTER_RE = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Parses one lesson's MDX source. `file` is the repo-relative path used in messages. */
export function parseLessonSource(source: string, file: string): LoadedLesson {
  const fileId = path.basename(file).replace(/\.mdx$/, '');
  let frontmatter: unknown = null;
  let frontmatterError: string | null = null;
  let body = source;
  let bodyLineOffset = 0;
  const fm = FRONTMATTER_RE.exec(source);
  if (!fm) {
    frontmatterError = 'no frontmatter: the file must start with a --- block (id, title, module, …)';
  } else {
    body = source.slice(fm[0].length);
    bodyLineOffset = fm[0].split('\n').length - 1;
    try {
      frontmatter = parseYaml(fm[1] as string);
      if (frontmatter === null || typeof frontmatter !== 'object' || Array.isArray(frontmatter)) {
        frontmatterError = 'frontmatter must be a YAML mapping (key: value lines)';
        frontmatter = null;
      }
    } catch (e) {
      frontmatterError = `frontmatter YAML syntax error: ${errorMessage(e)}`;
    }
  }
  const scan = stripNonContent(body);
  return {
    fileId,
    file,
    frontmatter,
    frontmatterError,
    body,
    cites: extractCites(scan, bodyLineOffset),
    knowledgeChecks: extractKnowledgeChecks(scan, bodyLineOffset),
    anchors: extractAnchors(scan),
    h2: extractH2(scan),
  };
}

/**
 * Blanks out fenced code blocks, inline code, JSX comments {/* … *\/} and HTML comments, keeping
 * line structure (newlines survive) so reported line numbers stay right.
 */
export function stripNonContent(mdx: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return mdx
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/`[^`\n]+`/g, blank);
}

function lineAt(text: string, index: number, offset: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n + offset;
}

/** Matches an opening <Cite …> / <Cite …/> tag; attribute values may contain `>` only inside braces. */
const CITE_RE = /<Cite\b((?:[^>{}]|\{[^}]*\})*)\/?>/g;
const ATTR_RE = /([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{([^}]*)\})/g;

function parseAttributes(attrs: string): Map<string, { kind: 'string' | 'expr'; value: string }> {
  const out = new Map<string, { kind: 'string' | 'expr'; value: string }>();
  for (const m of attrs.matchAll(ATTR_RE)) {
    const name = m[1] as string;
    if (m[4] !== undefined) out.set(name, { kind: 'expr', value: m[4].trim() });
    else out.set(name, { kind: 'string', value: m[2] ?? m[3] ?? '' });
  }
  return out;
}

export function extractCites(mdx: string, lineOffset = 0): CiteUsage[] {
  const out: CiteUsage[] = [];
  for (const m of mdx.matchAll(CITE_RE)) {
    const attrs = parseAttributes(m[1] ?? '');
    let law: string | null = null;
    let article: number | null = null;
    const errors: string[] = [];
    const lawAttr = attrs.get('law');
    if (!lawAttr) errors.push('<Cite> needs law="<instrument id>"');
    else if (lawAttr.kind === 'string') law = lawAttr.value.trim();
    else {
      const lit = /^(["'`])(.*)\1$/.exec(lawAttr.value);
      if (lit) law = (lit[2] as string).trim();
      else errors.push(`write the law as a plain string, law="…" (got law={${lawAttr.value}})`);
    }
    const art = attrs.get('article');
    if (art) {
      if (art.kind === 'expr' && /^\d+$/.test(art.value)) article = Number(art.value);
      else if (art.kind === 'string' && /^\d+$/.test(art.value.trim())) {
        article = Number(art.value.trim());
        errors.push(`write the article as a number, article={${art.value.trim()}} (got article="${art.value}")`);
      } else errors.push(`article must be an Arabic number like article={26} (got ${art.kind === 'expr' ? `{${art.value}}` : `"${art.value}"`})`);
    }
    out.push({
      law,
      article,
      syntaxError: errors.length ? errors.join('; ') : null,
      line: lineAt(mdx, m.index ?? 0, lineOffset),
      raw: m[0],
    });
  }
  return out;
}

const KC_RE = /<KnowledgeCheck\b((?:[^>{}]|\{(?:[^{}]|\{[^}]*\})*\})*)\/?>/g;

export function extractKnowledgeChecks(mdx: string, lineOffset = 0): KnowledgeCheckUsage[] {
  const out: KnowledgeCheckUsage[] = [];
  for (const m of mdx.matchAll(KC_RE)) {
    const attrs = m[1] ?? '';
    const q = /questions\s*=\s*\{\s*\[([\s\S]*?)\]\s*\}/.exec(attrs);
    let ids: string[] = [];
    let syntaxError: string | null = null;
    if (!q) {
      syntaxError = '<KnowledgeCheck> needs questions={["<id>", …]}';
    } else {
      const inner = q[1] as string;
      ids = [...inner.matchAll(/["']([^"']*)["']/g)].map((x) => (x[1] as string).trim());
      const leftover = inner.replace(/["'][^"']*["']/g, '').replace(/[\s,]/g, '');
      if (leftover) syntaxError = `questions must be a list of quoted ids (unexpected: ${leftover})`;
    }
    out.push({ ids, syntaxError, line: lineAt(mdx, m.index ?? 0, lineOffset), raw: m[0] });
  }
  return out;
}

export function extractAnchors(mdx: string): string[] {
  return [...mdx.matchAll(/<h[1-6]\b[^>]*?\bid\s*=\s*(?:"([^"]*)"|'([^']*)'|\{\s*["']([^"']*)["']\s*\})/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3] ?? '').trim(),
  );
}

export function extractH2(mdx: string): string[] {
  const out: string[] = [];
  for (const m of mdx.matchAll(/^##[ \t]+(.+?)[ \t#]*$/gm)) out.push((m[1] as string).trim());
  for (const m of mdx.matchAll(/<h2\b[^>]*>([\s\S]*?)<\/h2>/g)) out.push((m[1] as string).replace(/<[^>]+>/g, '').trim());
  return out;
}

// ─────────────────────────────── typed access ───────────────────────────────

export interface ValidLesson {
  id: string;
  file: string;
  data: LessonFrontmatter;
  body: string;
  cites: CiteUsage[];
  knowledgeChecks: KnowledgeCheckUsage[];
  anchors: string[];
}

export interface ValidQuestion {
  file: string;
  data: Question;
}

export interface ValidContent {
  instruments: Instrument[];
  /** Parsed full texts by instrument id (only for instruments whose `text` file exists). */
  texts: Record<string, LawText>;
  lessons: ValidLesson[];
  questions: ValidQuestion[];
}

/**
 * The entries that pass their schema, typed. Entries that fail are left out silently — run
 * checkContent() first when you need to know (the content sync refuses to run on problems).
 */
export function validContent(content: LoadedContent): ValidContent {
  const instruments: Instrument[] = [];
  for (const e of content.instruments) {
    const r = instrumentSchema.safeParse(e.data);
    if (r.success) instruments.push(r.data);
  }
  const texts: Record<string, LawText> = {};
  for (const i of instruments) {
    const t = i.text ? content.texts[i.text.replace(/\.md$/, '')] : undefined;
    if (t) texts[i.id] = t.parsed;
  }
  const lessons: ValidLesson[] = [];
  for (const l of content.lessons) {
    const r = lessonFrontmatterSchema.safeParse(l.frontmatter);
    if (r.success) {
      lessons.push({
        id: r.data.id,
        file: l.file,
        data: r.data,
        body: l.body,
        cites: l.cites,
        knowledgeChecks: l.knowledgeChecks,
        anchors: l.anchors,
      });
    }
  }
  const questions: ValidQuestion[] = [];
  for (const q of content.questions) {
    const r = questionSchema.safeParse(q.data);
    if (r.success) questions.push({ file: q.file, data: r.data });
  }
  return { instruments, texts, lessons, questions };
}

/** Deep copy of loaded content, for tests that mutate it. */
export function cloneContent(content: LoadedContent): LoadedContent {
  return structuredClone(content);
}
