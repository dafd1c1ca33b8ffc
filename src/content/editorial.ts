/**
 * The editorial rules of the content check (docs/content-format.md, "Editorial rules"), applied to
 * content that has passed its schema. Called by checkContent (check.ts); pure.
 *
 *  authoring-term   learner-facing text (question fields, lesson title/summary/objectives/body, register
 *                   facts) contains authoring vocabulary (种子材料, 事实表, LRB-…, PRIMARY, 尚待核实 …)
 *  stem-needs-law   a stem mentions 第X条 but names no instrument of the register in 《…》
 *  same-fact        two questions of one knowledge check cite the same article and share the key or a
 *                   near-identical stem
 *  near-duplicate   two stems anywhere in the bank are near-identical (see quality.ts thresholds) and are
 *                   not marked as variants of each other (variantOf)
 *  rubric-count     a short answer's rubric has more points than the stem asks for (四个方面, 三点 …)
 *  quote-mismatch   a passage quoted in an explanation as the article's words is not in that article
 *  variant          variantOf names a question that does not exist, or the question itself
 */
import type { LawText } from './law-text.ts';
import type { LoadedLesson } from './load.ts';
import { stripNonContent } from './load.ts';
import {
  AUTHORING_TERMS,
  answerKey,
  articleMentions,
  articleText,
  askedCount,
  attributedQuotations,
  bookTitles,
  diceOf,
  findAuthoringTerm,
  learnerTexts,
  NEAR_DUPLICATE_THRESHOLD,
  quoteOccursIn,
  SAME_FACT_STEM_THRESHOLD,
  sourceKey,
  stemProfile,
  stemSimilarity,
  titleIndex,
} from './quality.ts';
import type { Instrument, LessonFrontmatter, Question } from './schemas.ts';

export type EditorialCode = 'authoring-term' | 'stem-needs-law' | 'same-fact' | 'near-duplicate' | 'rubric-count' | 'quote-mismatch' | 'variant';

export interface EditorialProblem {
  code: EditorialCode;
  file: string;
  id: string | null;
  message: string;
  line?: number;
}

export interface EditorialInput {
  instruments: ReadonlyArray<{ data: Instrument; file: string; text: LawText | null }>;
  questions: ReadonlyArray<{ q: Question; file: string }>;
  lessons: ReadonlyArray<{ lesson: LoadedLesson; data: LessonFrontmatter }>;
}

/**
 * Two stems citing the same source are near-duplicates from this similarity of their ASKING text (law
 * names and article references removed) on. Measured on the first edition (719 same-source pairs): every
 * pair at or above 0.6 restated one fact (mostly a single choice and its fill-in twin); below 0.55 the
 * pairs ask different things about the same article (docs/content-format.md).
 */
export const SAME_SOURCE_DUPLICATE_THRESHOLD = 0.6;

export function checkEditorial(input: EditorialInput): EditorialProblem[] {
  const out: EditorialProblem[] = [];
  const byId = new Map(input.questions.map((x) => [x.q.id, x] as const));
  const titles = titleIndex(input.instruments.map((i) => i.data));
  const instById = new Map(input.instruments.map((i) => [i.data.id, i] as const));

  // ── register facts shown on the regulation pages ──
  for (const inst of input.instruments) {
    const texts: Array<[string, string]> = [
      ...inst.data.facts.map((f, i) => [`facts[${i}]`, f.text] as [string, string]),
      ...(inst.data.articles ?? []).map((a) => [`article ${a.number} summary`, a.summary] as [string, string]),
    ];
    for (const [field, text] of texts) {
      const hit = findRegisterTerm(text);
      if (hit) out.push({ code: 'authoring-term', file: inst.file, id: inst.data.id, message: `${field} says "${hit.match}": ${hit.advice}` });
    }
  }

  // ── per question ──
  for (const { q, file } of input.questions) {
    for (const [field, text] of learnerTexts(q)) {
      const hit = findAuthoringTerm(text);
      if (hit) out.push({ code: 'authoring-term', file, id: q.id, message: `${field} says "${hit.match}": ${hit.advice}` });
    }

    const vague = VAGUE_REFERENCE_RE.exec(q.stem);
    if (articleMentions(q.stem).length > 0 || vague) {
      const named = bookTitles(q.stem).filter((t) => titles.has(t));
      const docNumber = /[〔［\[]\d{4}[〕］\]]\d+号/.test(q.stem);
      if (named.length === 0 && !docNumber) {
        const cited = 'instrument' in q.source ? instById.get(q.source.instrument)?.data.short : undefined;
        out.push({
          code: 'stem-needs-law',
          file,
          id: q.id,
          message: `the stem ${vague ? `refers to "${vague[0]}"` : 'quotes an article (第…条)'} but names no law: the exam does not show the source, so write ${cited ? `《${cited}》` : '《<title>》'} (titles as in the register)`,
        });
      }
    }

    if (q.type === 'short') {
      const asked = askedCount(q.stem);
      if (asked !== null && q.rubric.length > asked) {
        out.push({
          code: 'rubric-count',
          file,
          id: q.id,
          message: `the stem asks for ${asked} point(s) but the rubric lists ${q.rubric.length}; merge or drop points, or change the stem`,
        });
      }
    }

    if (q.variantOf !== undefined) {
      if (q.variantOf === q.id) out.push({ code: 'variant', file, id: q.id, message: 'variantOf names the question itself' });
      else if (!byId.has(q.variantOf)) out.push({ code: 'variant', file, id: q.id, message: `variantOf: ${q.variantOf} does not exist` });
    }

    for (const quote of attributedQuotations(q.explanation)) {
      let inst = 'instrument' in q.source ? instById.get(q.source.instrument) : undefined;
      if (quote.title !== null) {
        const id = titles.get(quote.title);
        inst = id ? instById.get(id) : undefined;
      }
      const article = quote.article ?? ('instrument' in q.source ? q.source.article : undefined);
      // Only full texts can be checked word for word; summary-only instruments have no wording to match.
      if (!inst?.text || article === undefined) continue;
      const body = articleText(inst.text, article);
      if (body === null) {
        out.push({ code: 'quote-mismatch', file, id: q.id, message: `the explanation quotes 《${inst.data.short}》 article ${article}, which does not exist` });
      } else if (!quoteOccursIn(quote.text, body)) {
        out.push({
          code: 'quote-mismatch',
          file,
          id: q.id,
          message: `the explanation quotes “${quote.text}” as 《${inst.data.short}》 article ${article}, but the article does not say that; quote it word for word (… for omissions) or paraphrase without quotation marks`,
        });
      }
    }
  }

  // ── near-duplicates across the bank ──
  const root = variantRoots(input.questions.map((x) => x.q));
  const list = input.questions;
  const profiles = list.map((x) => stemProfile(x.q.stem));
  const asking = list.map((x) => stemProfile(x.q.stem, true));
  const sources = list.map((x) => sourceKey(x.q));
  const roots = list.map((x) => root(x.q.id));
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!.q;
    for (let j = i + 1; j < list.length; j++) {
      const b = list[j]!.q;
      if (roots[i] === roots[j]) continue;
      const sameSource = sources[i] === sources[j];
      const s = sameSource
        ? diceOf(asking[i]!, asking[j]!, SAME_SOURCE_DUPLICATE_THRESHOLD)
        : diceOf(profiles[i]!, profiles[j]!, NEAR_DUPLICATE_THRESHOLD);
      if (s >= (sameSource ? SAME_SOURCE_DUPLICATE_THRESHOLD : NEAR_DUPLICATE_THRESHOLD)) {
        out.push({
          code: 'near-duplicate',
          file: list[j]!.file,
          id: b.id,
          message: `stem is ${Math.round(s * 100)}% similar to ${a.id}${sameSource ? ' (same source)' : ''}: retire one, rewrite it to test something else, or mark the intended variant with variantOf: ${a.id}`,
        });
      }
    }
  }

  // ── same fact twice in one knowledge check ──
  for (const { lesson, data } of input.lessons) {
    for (const kc of lesson.knowledgeChecks) {
      const qs = kc.ids.map((id) => byId.get(id)?.q).filter((q): q is Question => Boolean(q));
      for (let i = 0; i < qs.length; i++) {
        for (let j = i + 1; j < qs.length; j++) {
          const a = qs[i]!;
          const b = qs[j]!;
          if (sourceKey(a) !== sourceKey(b)) continue;
          const ka = answerKey(a);
          const sameKey = ka !== null && ka !== '' && ka === answerKey(b);
          const s = stemSimilarity(a.stem, b.stem, true);
          if (sameKey || s >= SAME_FACT_STEM_THRESHOLD || root(a.id) === root(b.id)) {
            out.push({
              code: 'same-fact',
              file: lesson.file,
              id: data.id,
              line: kc.line,
              message: `${a.id} and ${b.id} cite the same source and ${sameKey ? 'have the same key' : root(a.id) === root(b.id) ? 'are variants of one question' : `their stems are ${Math.round(s * 100)}% similar`}: a knowledge check should not test one fact twice; swap one for a question on another point`,
            });
          }
        }
      }
    }
  }

  // ── lessons ──
  for (const { lesson, data } of input.lessons) {
    const head: Array<[string, string]> = [
      ['title', data.title],
      ['summary', data.summary],
      ...data.objectives.map((o, i) => [`objective ${i + 1}`, o] as [string, string]),
    ];
    for (const [field, text] of head) {
      const hit = findAuthoringTerm(text);
      if (hit) out.push({ code: 'authoring-term', file: lesson.file, id: data.id, message: `frontmatter ${field} says "${hit.match}": ${hit.advice}` });
    }
    const body = stripNonContent(lesson.body);
    const offset = bodyLineOffset(lesson);
    body.split('\n').forEach((line, i) => {
      const hit = findAuthoringTerm(line.replace(/<[^>]*>/g, ' '));
      if (hit) out.push({ code: 'authoring-term', file: lesson.file, id: data.id, line: offset + i + 1, message: `the lesson says "${hit.match}": ${hit.advice}` });
    });
  }

  return out;
}

/** Line number (0-based count) of the body's first line in the .mdx file. */
function bodyLineOffset(lesson: LoadedLesson): number {
  // parseLessonSource keeps the body only; cites carry absolute lines, so recover the offset from one when
  // possible, else count frontmatter lines from the frontmatter object (good enough for messages).
  const c = lesson.cites[0];
  if (c) {
    const idx = lesson.body.indexOf(c.raw);
    if (idx >= 0) return c.line - (lesson.body.slice(0, idx).split('\n').length);
  }
  return 0;
}

/**
 * A stem that points at a law without naming it: "条例规定", "根据司法解释", "本法", "81号文", "9号令".
 * The exam does not show the source, so such a stem cannot be answered on its own.
 */
const VAGUE_REFERENCE_RE = /本法|该法|本条例|该条例|条例(?:所称|规定|第|要求)|司法解释|本办法|该办法|暂行规定|双录规定|\d+号文|\d+号令/;

/**
 * Register facts are about sources by nature ("未核实" is an honest, readable status there), so only the
 * vocabulary an employee cannot read is banned: codes, file references, labels in English, seed talk.
 */
const REGISTER_TERMS = AUTHORING_TERMS.filter((t) => !/待核实|不作考查|本课只引用/.test(t.pattern.source));
function findRegisterTerm(text: string): { match: string; advice: string } | null {
  for (const t of REGISTER_TERMS) {
    const m = t.pattern.exec(text);
    if (m) return { match: m[0], advice: t.advice };
  }
  return null;
}

/** variantOf links grouped: questions with the same root are variants of one another. */
function variantRoots(questions: readonly Question[]): (id: string) => string {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let cur = id;
    const seen = new Set<string>();
    while (parent.has(cur) && !seen.has(cur)) {
      seen.add(cur);
      cur = parent.get(cur) as string;
    }
    return cur;
  };
  const ids = new Set(questions.map((q) => q.id));
  for (const q of questions) {
    if (q.variantOf && ids.has(q.variantOf) && q.variantOf !== q.id) {
      const a = find(q.id);
      const b = find(q.variantOf);
      if (a !== b) parent.set(a, b);
    }
  }
  return find;
}
