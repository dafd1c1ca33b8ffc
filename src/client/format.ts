// Display helpers shared by the exam, practice and results islands (no DOM, no Solid).
import type { QuestionPublic, QuestionResponse, Source } from '../core/questions.ts';
import { localePath, t, type Locale } from '../i18n/index.ts';

/** Display letter of the option at `index` (A, B, C…): letters follow the slot's display order. */
export const optionLetter = (index: number): string => String.fromCharCode(65 + index);

/** 5:07 / 1:02:09 — for countdowns. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** 2026-11-22 14:05 in the reader's time zone. */
export function formatDateTime(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  try {
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-CN', {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
    }).format(d);
  } catch {
    return d.toISOString().slice(0, 16).replace('T', ' ');
  }
}

/** 85 / 85.5 / 85.25 — never more than two decimals, no trailing zeros. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return String(Math.round(n * 100) / 100);
}

export function formatMinutes(sec: number | null | undefined, locale: Locale): string {
  if (!sec) return t(locale, 'exam.noTimeLimit');
  return t(locale, 'exam.minutes', { n: Math.round(sec / 60) });
}

/** Where a cited fact lives on this site: /regulations/<id>/#article-N or /lessons/<id>/#anchor. */
export function sourceHref(source: Source, locale: Locale): string {
  if ('instrument' in source) {
    return localePath(locale, `/regulations/${source.instrument}/${source.article ? `#article-${source.article}` : ''}`);
  }
  return localePath(locale, `/lessons/${source.lesson}/#${source.anchor}`);
}

export interface TitleMaps {
  instruments?: Record<string, string>;
  lessons?: Record<string, string>;
}

/** 《消费者权益保护法》第十六条-style label (article numbers in Arabic digits: 第16条). */
export function sourceLabel(source: Source, locale: Locale, titles: TitleMaps = {}): string {
  if ('instrument' in source) {
    const title = titles.instruments?.[source.instrument] ?? source.instrument;
    const name = locale === 'en' ? title : `《${title.replace(/^《|》$/g, '')}》`;
    return source.article ? `${name} ${t(locale, 'source.article', { n: source.article })}` : name;
  }
  const title = titles.lessons?.[source.lesson] ?? source.lesson;
  return `${t(locale, 'source.lesson')}：${title}`;
}

/**
 * A response as a person reads it: option letters in display order (A、C), 正确/错误, blanks joined,
 * or the text. Empty string for unanswered.
 */
export function describeResponse(question: QuestionPublic, response: unknown, locale: Locale): string {
  if (response === null || response === undefined) return '';
  // Right answers (src/core/paper.ts RightAnswer) for fill and short questions are objects.
  if (typeof response === 'object' && !Array.isArray(response)) {
    const r = response as { modelAnswer?: unknown; blanks?: unknown };
    if (typeof r.modelAnswer === 'string') return r.modelAnswer;
    if (Array.isArray(r.blanks)) response = r.blanks;
  }
  switch (question.type) {
    case 'single':
    case 'multiple': {
      const ids = Array.isArray(response) ? (response as string[]) : [String(response)];
      const letters = question.options
        .map((o, i) => (ids.indexOf(o.id) !== -1 ? optionLetter(i) : null))
        .filter((x): x is string => x !== null);
      return letters.join(locale === 'en' ? ', ' : '、');
    }
    case 'truefalse':
      return typeof response === 'boolean' ? t(locale, response ? 'question.true' : 'question.false') : '';
    case 'fill': {
      const blanks = Array.isArray(response) ? (response as unknown[]) : [response];
      // Keys list accepted alternatives per blank; show the first of each.
      return blanks.map((b) => (Array.isArray(b) ? String(b[0] ?? '') : String(b ?? ''))).join(locale === 'en' ? '; ' : '；');
    }
    default:
      return typeof response === 'string' ? response : JSON.stringify(response);
  }
}

/**
 * True when the response carries an answer: the negation of `isBlankResponse` in src/core. Kept
 * here because importing src/core/questions.ts pulls zod into the page (~90 kB gzipped), too much
 * for a phone in a WeChat WebView; tests/unit/client/format.test.ts pins the two together.
 */
export function isAnswered(response: QuestionResponse | undefined): boolean {
  if (response === null || response === undefined) return false;
  if (typeof response === 'boolean') return true;
  if (typeof response === 'string') return response.trim() !== '';
  return response.some((r) => r.trim() !== '');
}

/**
 * Milliseconds left on the server clock: the same rule as `remainingMs` in src/core/attempt.ts
 * (kept zod-free for the browser; pinned by tests/unit/client/format.test.ts). `offsetMs` is
 * serverNow − Date.now() measured when the paper loaded.
 */
export function remainingOnServer(deadline: string | null, offsetMs: number, nowMs: number = Date.now()): number | null {
  if (deadline === null) return null;
  return Math.max(0, Date.parse(deadline) - (nowMs + offsetMs));
}
