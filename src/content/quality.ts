/**
 * Editorial rules over learner-facing content, run by checkContent (check.ts) after the schema and
 * citation checks. Pure: takes validated questions, lessons and the register, returns problems.
 *
 * What an employee reads must stand on its own: no authoring vocabulary, stems that name the law they
 * quote, no two questions that test the same fact side by side, no near-duplicates across the bank
 * unless marked `variantOf`, rubrics that ask no more than the stem does, and quotations that really
 * are in the article they claim to quote. The thresholds are justified in docs/content-format.md
 * ("Editorial rules"), with the numbers measured on the bank.
 */
import { chineseToNumber } from './law-text.ts';
import type { LawText } from './law-text.ts';
import type { Instrument, Question } from './schemas.ts';

// ─────────────────────────────── authoring vocabulary ───────────────────────────────

export interface AuthoringTerm {
  pattern: RegExp;
  /** What to write instead, shown in the problem message. */
  advice: string;
}

/**
 * Words that belong to the people writing the content, never to the people learning from it.
 * Built from what the first edition actually leaked (see docs/content-format.md).
 */
export const AUTHORING_TERMS: readonly AuthoringTerm[] = [
  { pattern: /种子材料|种子案例|种子文件|种子/, advice: 'write the situation as a case ("某银行网点……") without saying where it came from' },
  // Narrow on purpose: "申请材料中的签名" or "征信资料显示" are ordinary case wording.
  { pattern: /原始材料|素材|据材料|材料中(?:的|某)?(?:银行|某行|该行)/, advice: 'write the situation as a case ("某银行……") without saying where it came from' },
  { pattern: /事实表|事实摘要/, advice: 'say what the rule is; where a text comes from is shown on the regulation page' },
  { pattern: /参考资料|法规库元数据|元数据/, advice: 'name the official text (e.g. 依据官方公布文本) or leave the sourcing to the regulation page' },
  { pattern: /LawRefBook|LRB-[A-Z]+|§\s*\d/, advice: 'internal provenance codes never reach learners' },
  { pattern: /\b(?:PRIMARY|SECONDARY|UNVERIFIED)\b/, advice: 'verification labels are shown as words on the regulation page, not in lessons or questions' },
  { pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b/, advice: 'a commit hash is not something a learner can use' },
  { pattern: /(?:尚|仍|有)?待核实|未核实|待确认|待查证|二手来源/, advice: 'state only what is established; uncertain points are not taught or examined (say 以正式文本为准 if a caution is needed)' },
  { pattern: /不作考查|不予考查|出题|命题|题库作者|编写说明|作者注/, advice: 'this is a note to authors; remove it from learner-facing text' },
  { pattern: /本课只引用|不引用条号|条文序号/, advice: 'this is a note about sourcing; remove it or say 以正式文本为准' },
];

/** Returns the first authoring term found in `text`, or null. */
export function findAuthoringTerm(text: string): { match: string; advice: string } | null {
  for (const t of AUTHORING_TERMS) {
    const m = t.pattern.exec(text);
    if (m) return { match: m[0], advice: t.advice };
  }
  return null;
}

/** The learner-facing text fields of a question, labelled for messages. */
export function learnerTexts(q: Question): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['stem', q.stem],
    ['explanation', q.explanation],
  ];
  if (q.type === 'single' || q.type === 'multiple') for (const o of q.options) out.push([`option ${o.id}`, o.text]);
  if (q.type === 'fill') q.blanks.forEach((b, i) => out.push([`blank ${i + 1}`, b.join(' / ')]));
  if (q.type === 'short') {
    out.push(['modelAnswer', q.modelAnswer]);
    q.rubric.forEach((r, i) => out.push([`rubric ${i + 1}`, r]));
  }
  return out;
}

// ─────────────────────────────── text normalisation and similarity ───────────────────────────────

/** Drops whitespace, punctuation, blanks (____) and ASCII case so wording, not layout, is compared. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/_{2,}/g, '')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const chars = [...s];
  if (chars.length === 1) out.set(s, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = (chars[i] as string) + (chars[i + 1] as string);
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/**
 * What a stem asks, for comparison: the normalised text without the law's name (《…》), article
 * references (第X条第X款) and citation lead-ins (根据/按照/依照…规定). Two questions on the same article
 * share those words whatever they ask, so they would only inflate the similarity.
 */
export function askingText(stem: string): string {
  return normaliseText(
    stem
      .replace(/《[^》]*》/g, ' ')
      .replace(new RegExp(`第[${'零〇一二两三四五六七八九十百千'}\\d]+[条款项]`, 'g'), ' ')
      .replace(/(根据|按照|依照|依据|对照)/g, ' ')
      .replace(/(的)?规定[，,：:]?/g, ' '),
  );
}

/**
 * Sørensen–Dice coefficient over character-bigram multisets of two stems (0…1). `asking: true` compares
 * the asking text (without law names and article references) — right when both cite the same article;
 * otherwise the full normalised text, where the law's name is what tells two questions apart.
 */
export function stemSimilarity(a: string, b: string, asking = false): number {
  return diceOf(stemProfile(a, asking), stemProfile(b, asking));
}

/** Precomputed bigram multiset of one stem, so comparing a bank pairwise stays fast (~1,000 stems: < 1 s). */
export interface StemProfile {
  grams: Map<string, number>;
  size: number;
}

export function stemProfile(stem: string, asking = false): StemProfile {
  const grams = bigrams(asking ? askingText(stem) : normaliseText(stem));
  let size = 0;
  for (const v of grams.values()) size += v;
  return { grams, size };
}

/** Dice of two profiles; returns 0 early when the sizes alone rule out reaching `atLeast`. */
export function diceOf(x: StemProfile, y: StemProfile, atLeast = 0): number {
  const nx = x.size;
  const ny = y.size;
  if (nx + ny === 0) return 0;
  if ((2 * Math.min(nx, ny)) / (nx + ny) < atLeast) return 0;
  let both = 0;
  const [small, large] = x.grams.size <= y.grams.size ? [x.grams, y.grams] : [y.grams, x.grams];
  for (const [g, v] of small) {
    const w = large.get(g);
    if (w) both += Math.min(v, w);
  }
  return (2 * both) / (nx + ny);
}

/**
 * Stems citing DIFFERENT sources are near-duplicates from this Dice similarity of their full normalised
 * text on. Measured on the first edition (350 questions, 60,356 such pairs): the most similar pair of
 * genuinely different questions scored 0.71 (two "关于《消费者权益保护法》第X条，下列说法正确的有哪些？"),
 * so 0.75 catches a copy filed under another source without flagging a shared lead-in.
 */
export const NEAR_DUPLICATE_THRESHOLD = 0.75;
/**
 * Inside one knowledge check, two questions citing the same article whose stems score at least this
 * much test the same fact (the check is read in one sitting, so the bar is lower than bank-wide).
 */
export const SAME_FACT_STEM_THRESHOLD = 0.5;

// ─────────────────────────────── stems that name their law ───────────────────────────────

const CN_NUM = '零〇一二两三四五六七八九十百千';
const ARTICLE_MENTION_RE = new RegExp(`第([${CN_NUM}]+|\\d+)条`, 'g');
const BOOK_TITLE_RE = /《([^》]+)》/g;

/** Article numbers (Arabic) mentioned as 第X条 in `text`. */
export function articleMentions(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(ARTICLE_MENTION_RE)) {
    const raw = m[1] as string;
    try {
      out.push(/^\d+$/.test(raw) ? Number(raw) : chineseToNumber(raw));
    } catch {
      // Not a numeral after all (e.g. 第一百条款-like fragments): ignore.
    }
  }
  return out;
}

/** Titles written in 《…》 in `text`, as written. */
export function bookTitles(text: string): string[] {
  return [...text.matchAll(BOOK_TITLE_RE)].map((m) => (m[1] as string).trim());
}

/** Register instrument ids a 《title》 refers to (full title, short title, or the full title without 中华人民共和国). */
export function titleIndex(instruments: readonly Instrument[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of instruments) {
    out.set(i.title, i.id);
    out.set(i.short, i.id);
    out.set(i.title.replace(/^中华人民共和国/, ''), i.id);
  }
  return out;
}

// ─────────────────────────────── how many points a stem asks for ───────────────────────────────

const COUNTERS = '方面|要点|个要点|点|项|个环节|环节|个步骤|步骤|要素|个要素|类|种|条|项措施|条措施|个层面|层面|个原则|原则|个问题|问题|处';
const ASKED_COUNT_RE = new RegExp(`(至少|不少于|不超过|最多)?([一二两三四五六七八九十]|\\d+)(?:个)?(?:${COUNTERS})`, 'g');

/**
 * The number of points a short-answer stem asks for ("从四个方面说明…", "列出三点…"), or null when it
 * names none or only a floor ("至少三点": more points are fine then). Ordinals (第三点) do not count.
 */
export function askedCount(stem: string): number | null {
  for (const m of stem.matchAll(ASKED_COUNT_RE)) {
    const at = m.index ?? 0;
    if (at > 0 && stem[at - 1] === '第') continue;
    // "三方" in "第三方机构" or "两项" in a date are not asks; require a verb of asking nearby.
    const before = stem.slice(Math.max(0, at - 12), at);
    if (!/(列出|列举|说明|简述|写出|指出|归纳|概括|回答|谈|分析|阐述|从|包括|哪|提出|给出|举出|说出)/.test(before + (m[0] ?? ''))) continue;
    if (m[1] === '至少' || m[1] === '不少于' || /(至少|不少于)[^，。；]{0,4}$/.test(before)) return null;
    // "分别举出一项" / "各举一例" ask for one item per part, not for a total.
    if (/(分别|各|每)[^，。；]{0,3}$/.test(before)) continue;
    const raw = m[2] as string;
    const n = /^\d+$/.test(raw) ? Number(raw) : chineseToNumber(raw);
    if (n < 2) continue;
    return n;
  }
  return null;
}

// ─────────────────────────────── quotations in explanations ───────────────────────────────

export interface Quotation {
  /** The quoted text, as written. */
  text: string;
  /** Article the surrounding words attribute it to (第X条 just before it), else null = the cited article. */
  article: number | null;
  /** 《title》 named just before it, else null = the cited instrument. */
  title: string | null;
}

/**
 * Quotations attributed to a rule: “…”, 「…」 or "…" that directly follow an attribution such as
 * 第X条规定：, 《…》规定, 明确：, 载明, 原文为, 要求：. Quotes of a customer's words, slogans or terms
 * (“稳赚不赔”, “双录”) are not attributed and are not checked. Very short quotes (< 6 characters after
 * normalisation) are terms, not passages, and are skipped too.
 */
export function attributedQuotations(text: string): Quotation[] {
  const out: Quotation[] = [];
  // “…”, 「…」 and plain ASCII "…" (several banks use the latter).
  const re = /[“「"]([^”」"]+)[”」"]/g;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    const clauseStart = Math.max(text.lastIndexOf('。', at - 1), text.lastIndexOf('；', at - 1), text.lastIndexOf('\n', at - 1)) + 1;
    const lead = text.slice(clauseStart, at);
    if (!/(规定|明确|载明|写明|原文为|表述为|条)[：:，,]?\s*$/.test(lead)) continue;
    // "法律没有规定“收取保证金”" names what the rule does NOT say: nothing to match.
    if (/(没有|未|并未|不|并非|无)(作)?(规定|明确|载明|写明)[：:，,]?\s*$/.test(lead)) continue;
    const quoted = m[1] as string;
    if (normaliseText(quoted).length < 6) continue;
    const arts = articleMentions(lead);
    const titles = bookTitles(lead);
    out.push({ text: quoted, article: arts.length ? (arts[arts.length - 1] as number) : null, title: titles.length ? (titles[titles.length - 1] as string) : null });
  }
  return out;
}

/** True when every part of `quote` (split at ellipses) occurs, in order, in the article's normalised text. */
export function quoteOccursIn(quote: string, articleText: string): boolean {
  const hay = normaliseText(articleText);
  let from = 0;
  for (const part of quote.split(/…+|\.{3,}/)) {
    const needle = normaliseText(part);
    if (!needle) continue;
    const at = hay.indexOf(needle, from);
    if (at === -1) return false;
    from = at + needle.length;
  }
  return true;
}

/** The whole text of one article (all paragraphs), or null when the text has no such article. */
export function articleText(text: LawText, n: number): string | null {
  const a = text.articles.find((x) => x.number === n);
  return a ? a.paragraphs.join('\n') : null;
}

// ─────────────────────────────── same fact / answer keys ───────────────────────────────

/** Normalised correct answer(s) of a choice or fill question; null for true/false and short answers. */
export function answerKey(q: Question): string | null {
  switch (q.type) {
    case 'single':
      return normaliseText(q.options.find((o) => o.id === q.answer)?.text ?? '');
    case 'multiple':
      return q.answer
        .map((a) => normaliseText(q.options.find((o) => o.id === a)?.text ?? ''))
        .sort()
        .join('|');
    case 'fill':
      return q.blanks.map((b) => normaliseText(b[0] ?? '')).join('|');
    default:
      return null;
  }
}

/** Source key: instrument#article or lesson#anchor. */
export function sourceKey(q: Question): string {
  const s = q.source;
  return 'lesson' in s ? `lesson:${s.lesson}#${s.anchor}` : `${s.instrument}#${s.article ?? ''}`;
}
