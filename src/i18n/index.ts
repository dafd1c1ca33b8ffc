// Locale helpers shared by Astro pages and Solid islands (no Astro virtual modules here, so islands
// can import this file). zh-cn is served at `/`, en at `/en/` (astro.config.mjs, trailingSlash: always).
import { zhCn, type UiKey } from './zh-cn.ts';
import { en } from './en.ts';

export const locales = ['zh-cn', 'en'] as const;
export type Locale = (typeof locales)[number];
export type { UiKey };
export const defaultLocale: Locale = 'zh-cn';

const strings: Record<Locale, Record<UiKey, string>> = { 'zh-cn': zhCn, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** A UI string; `{name}` placeholders are filled from `vars`. Falls back to Chinese. */
export function t(locale: Locale, key: UiKey, vars?: Record<string, string | number>): string {
  const text: string = strings[locale]?.[key] ?? zhCn[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A translator bound to one locale: `const tr = translator(locale); tr('nav.home')`. */
export const translator = (locale: Locale) => (key: UiKey, vars?: Record<string, string | number>) => t(locale, key, vars);

/** `html lang` value (BCP 47). */
export const htmlLang = (locale: Locale): string => (locale === 'en' ? 'en' : 'zh-CN');

/** Strips the locale prefix: `/en/lessons/` → `/lessons/`. Works on paths without query/hash. */
export function unlocalisedPath(pathname: string): string {
  if (pathname === '/en' || pathname === '/en/') return '/';
  return pathname.startsWith('/en/') ? pathname.slice(3) : pathname;
}

/**
 * The URL of `path` (a site path like `/lessons/` or `/lessons/x/#a`) in `locale`, with the
 * trailing slash the site uses. `localePath('en', '/exams/')` → `/en/exams/`.
 */
export function localePath(locale: Locale, path: string): string {
  const match = /^([^?#]*)(.*)$/.exec(path)!;
  let pathname = unlocalisedPath(match[1] || '/');
  if (!pathname.startsWith('/')) pathname = `/${pathname}`;
  // trailingSlash: 'always' — but never on file-like paths (/foo.xml).
  if (!pathname.endsWith('/') && !/\.[a-z0-9]+$/i.test(pathname)) pathname += '/';
  const prefixed = locale === defaultLocale ? pathname : `/en${pathname}`;
  return prefixed + (match[2] ?? '');
}

/** The locale of a pathname (browser code: `localeFromPath(location.pathname)`). */
export const localeFromPath = (pathname: string): Locale =>
  pathname === '/en' || pathname.startsWith('/en/') ? 'en' : defaultLocale;

/** The locale of the page being rendered: `const locale = getLocale(Astro)`. */
export function getLocale(astro: { currentLocale?: string | undefined; url: URL }): Locale {
  const current = astro.currentLocale?.toLowerCase();
  return isLocale(current) ? current : localeFromPath(astro.url.pathname);
}

/** The display name of a member role ('trainer' → 培训管理员); unknown roles are shown as they are. */
export function roleLabel(locale: Locale, role: string): string {
  const key = `role.${role}`;
  return key in zhCn ? t(locale, key as UiKey) : role;
}
