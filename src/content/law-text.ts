/**
 * Pure parser for the official full texts in content/instruments/texts/*.md.
 *
 * Input format (LawRefBook/Laws, as copied verbatim from shared/reference/laws/):
 *
 *   # 中华人民共和国消费者权益保护法          ← title
 *   1993年10月31日 …通过                      ← preamble (promulgation history)
 *   <!-- INFO END -->
 *   ## 第一章 总 则                            ← chapter (optional; some texts have none)
 *   ### 第一节 一般规定                        ← section (optional)
 *   第一条 为保护消费者的合法权益，…           ← article: paragraph starting 第X条 + space
 *   （一）…                                   ← further paragraphs belong to the previous article
 *
 * No I/O here: the caller passes the markdown string.
 */

export interface LawArticle {
  /** Arabic article number, e.g. 26. */
  number: number;
  /** Chinese label as printed in the text, e.g. 第二十六条. */
  label: string;
  /** Stable anchor, e.g. article-26. */
  anchor: string;
  /** Paragraphs (款/项) in order; the first one without its 第X条 label. */
  paragraphs: string[];
  /** Number of the chapter the article sits in, or null for texts without chapters. */
  chapter: number | null;
  /** Number of the section (节) inside the chapter, or null. */
  section: number | null;
}

export interface LawSection {
  number: number;
  /** Title without the 第X节 label, internal spaces removed (一般规定). */
  title: string;
  /** Heading as printed, e.g. 第一节 一般规定. */
  heading: string;
  /** chapter-2-section-1 */
  anchor: string;
  /** Article numbers in this section, in text order. */
  articles: number[];
}

export interface LawChapter {
  number: number;
  /** Title without the 第X章 label, internal spaces removed (总则 for 总 则). */
  title: string;
  /** Heading as printed, e.g. 第一章 总 则. */
  heading: string;
  /** chapter-1 */
  anchor: string;
  /** Article numbers in this chapter, in text order. */
  articles: number[];
  sections: LawSection[];
}

export interface LawText {
  /** Text of the `# ` heading. */
  title: string;
  /** Non-empty lines before `<!-- INFO END -->`, without the title heading. */
  preamble: string[];
  /** Paragraphs after the marker and before the first article (preface of judicial interpretations). */
  intro: string[];
  chapters: LawChapter[];
  articles: LawArticle[];
}

export interface ArticleSequenceReport {
  /** True when the article numbers are exactly 1..N in text order. */
  consecutive: boolean;
  count: number;
  max: number;
  /** Numbers in 1..max that do not occur. */
  missing: number[];
  /** Numbers that occur more than once. */
  duplicates: number[];
  /** Positions (0-based) where a number is not greater than the one before. */
  outOfOrder: number[];
}

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

const NUMERAL_CLASS = '零〇一二两三四五六七八九十百千';
const ARTICLE_RE = new RegExp(`^第([${NUMERAL_CLASS}]+)条(?:[ \\t\\u3000]+|$)(.*)$`);
const CHAPTER_RE = new RegExp(`^第([${NUMERAL_CLASS}]+)章(?:[ \\t\\u3000]+(.*))?$`);
const SECTION_RE = new RegExp(`^第([${NUMERAL_CLASS}]+)节(?:[ \\t\\u3000]+(.*))?$`);
const INFO_END = '<!-- INFO END -->';

/**
 * Chinese numeral → number. Handles 一…九, 十, 十一, 二十, 一百零五, 一百一十, 一百十, 二百, 一千零一,
 * and digit strings such as 一〇五. Throws on anything that is not a well-formed numeral.
 */
export function chineseToNumber(input: string): number {
  const s = input.trim();
  if (s.length === 0) throw new Error('empty Chinese numeral');
  // Pure digit string (一〇五 = 105).
  if ([...s].every((ch) => ch in DIGITS)) {
    if (s.length === 1) return DIGITS[s] as number;
    if (DIGITS[s[0] as string] === 0) throw new Error(`malformed Chinese numeral: ${input}`);
    return Number([...s].map((ch) => DIGITS[ch]).join(''));
  }
  let total = 0;
  let pending = -1; // digit waiting for a unit; -1 = none
  let lastUnit = Infinity;
  let prevWasZero = false;
  for (const ch of s) {
    if (ch in DIGITS) {
      const d = DIGITS[ch] as number;
      if (pending !== -1 && !(pending === 0 && d !== 0)) {
        throw new Error(`malformed Chinese numeral: ${input}`);
      }
      if (d === 0) {
        if (prevWasZero) throw new Error(`malformed Chinese numeral: ${input}`);
        prevWasZero = true;
        pending = 0;
      } else {
        pending = d;
        prevWasZero = false;
      }
    } else if (ch in UNITS) {
      const u = UNITS[ch] as number;
      if (u >= lastUnit) throw new Error(`malformed Chinese numeral: ${input}`);
      if (pending === 0) throw new Error(`malformed Chinese numeral: ${input}`);
      // 十 alone at the start means 一十; after 百/千 (一百十) also 一十.
      const d = pending === -1 ? 1 : pending;
      if (pending === -1 && u !== 10) throw new Error(`malformed Chinese numeral: ${input}`);
      total += d * u;
      lastUnit = u;
      pending = -1;
      prevWasZero = false;
    } else {
      throw new Error(`not a Chinese numeral: ${input}`);
    }
  }
  if (pending === 0) throw new Error(`malformed Chinese numeral (trailing 零): ${input}`);
  if (pending > 0) {
    // A bare trailing digit directly after 百/千 (一百五) is colloquial shorthand, ambiguous in legal text.
    const beforeLast = [...s].at(-2);
    if (beforeLast === '百' || beforeLast === '千') throw new Error(`ambiguous Chinese numeral: ${input}`);
    total += pending;
  }
  return total;
}

/** number → Chinese numeral as used in article labels (1 → 一, 10 → 十, 110 → 一百一十, 105 → 一百零五). */
export function numberToChinese(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) throw new Error(`cannot write ${n} in Chinese numerals`);
  const digits = '零一二三四五六七八九';
  if (n === 0) return '零';
  const parts: Array<[number, string]> = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
    [1, ''],
  ];
  let out = '';
  let rest = n;
  let zeroPending = false;
  for (const [value, unit] of parts) {
    const d = Math.floor(rest / value);
    rest %= value;
    if (d === 0) {
      if (out !== '') zeroPending = true;
      continue;
    }
    if (zeroPending) out += '零';
    zeroPending = false;
    // 十 at the very start is written without 一 (十一, not 一十一).
    if (!(value === 10 && d === 1 && out === '')) out += digits[d];
    out += unit;
  }
  return out;
}

export function articleLabel(n: number): string {
  return `第${numberToChinese(n)}条`;
}
export function articleAnchor(n: number): string {
  return `article-${n}`;
}
export function chapterAnchor(n: number): string {
  return `chapter-${n}`;
}
export function sectionAnchor(chapter: number, section: number): string {
  return `chapter-${chapter}-section-${section}`;
}

/** Removes the typographic spaces in short headings (总 则 → 总则) and trims. */
function compactTitle(s: string): string {
  return s.replace(/[ \t\u3000]+/g, '').trim();
}

function stripHeading(line: string): { level: number; text: string } | null {
  const m = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line);
  if (!m) return null;
  return { level: (m[1] as string).length, text: (m[2] as string).trim() };
}

/** Parses one full text. Never throws on content; unparseable lines become paragraphs. */
export function parseLawText(markdown: string): LawText {
  const lines = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  let title = '';
  const preamble: string[] = [];
  const intro: string[] = [];
  const chapters: LawChapter[] = [];
  const articles: LawArticle[] = [];

  const markerIndex = lines.findIndex((l) => l.trim() === INFO_END);
  let start = 0;
  if (markerIndex >= 0) {
    for (const raw of lines.slice(0, markerIndex)) {
      const line = raw.trim();
      if (!line) continue;
      const h = stripHeading(line);
      if (h && h.level === 1 && !title) {
        title = h.text;
        continue;
      }
      preamble.push(line);
    }
    start = markerIndex + 1;
  }

  let chapter: LawChapter | null = null;
  let section: LawSection | null = null;
  let article: LawArticle | null = null;

  for (const raw of lines.slice(start)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('<!--') && line.endsWith('-->')) continue;
    const h = stripHeading(line);
    if (h) {
      if (h.level === 1 && !title) {
        title = h.text;
        continue;
      }
      const cm = CHAPTER_RE.exec(h.text);
      if (cm) {
        const number = safeNumber(cm[1] as string);
        if (number !== null) {
          chapter = {
            number,
            title: compactTitle(cm[2] ?? ''),
            heading: h.text,
            anchor: chapterAnchor(number),
            articles: [],
            sections: [],
          };
          chapters.push(chapter);
          section = null;
          article = null;
          continue;
        }
      }
      const sm = SECTION_RE.exec(h.text);
      if (sm && chapter) {
        const number = safeNumber(sm[1] as string);
        if (number !== null) {
          section = {
            number,
            title: compactTitle(sm[2] ?? ''),
            heading: h.text,
            anchor: sectionAnchor(chapter.number, number),
            articles: [],
          };
          chapter.sections.push(section);
          article = null;
          continue;
        }
      }
      // Any other heading: keep its text as a paragraph so nothing is lost.
    }
    const text = h ? h.text : line;
    const am = ARTICLE_RE.exec(text);
    const number = am ? safeNumber(am[1] as string) : null;
    if (am && number !== null) {
      const first = (am[2] ?? '').trim();
      article = {
        number,
        label: `第${am[1]}条`,
        anchor: articleAnchor(number),
        paragraphs: first ? [first] : [],
        chapter: chapter ? chapter.number : null,
        section: section ? section.number : null,
      };
      articles.push(article);
      chapter?.articles.push(number);
      section?.articles.push(number);
      continue;
    }
    if (article) article.paragraphs.push(text);
    else intro.push(text);
  }

  return { title, preamble, intro, chapters, articles };
}

function safeNumber(numeral: string): number | null {
  try {
    return chineseToNumber(numeral);
  } catch {
    return null;
  }
}

/** Checks that article numbers run 1..N in text order. */
export function checkArticleSequence(text: Pick<LawText, 'articles'>): ArticleSequenceReport {
  const numbers = text.articles.map((a) => a.number);
  const seen = new Map<number, number>();
  for (const n of numbers) seen.set(n, (seen.get(n) ?? 0) + 1);
  const max = numbers.length ? Math.max(...numbers) : 0;
  const missing: number[] = [];
  for (let i = 1; i <= max; i++) if (!seen.has(i)) missing.push(i);
  const duplicates = [...seen.entries()].filter(([, c]) => c > 1).map(([n]) => n);
  const outOfOrder: number[] = [];
  numbers.forEach((n, i) => {
    if (i > 0 && n <= (numbers[i - 1] as number)) outOfOrder.push(i);
  });
  const consecutive =
    missing.length === 0 && duplicates.length === 0 && outOfOrder.length === 0 && numbers[0] === 1;
  return { consecutive: consecutive || numbers.length === 0, count: numbers.length, max, missing, duplicates, outOfOrder };
}

/** Finds an article by number (first occurrence). */
export function findArticle(text: Pick<LawText, 'articles'>, n: number): LawArticle | undefined {
  return text.articles.find((a) => a.number === n);
}
