// The primary navigation, in one place for the header (desktop + mobile menu). Paths are
// locale-neutral; Base.astro localises them. `roles`: shown only to members with one of these
// roles (rendered `hidden`, revealed by the UserMenu island after /api/me).
import type { UiKey } from '../i18n/index.ts';

export interface NavItem {
  key: UiKey;
  href: string;
  roles?: readonly string[];
}

export const MANAGER_ROLES = ['trainer', 'hr', 'admin'] as const;

export const primaryNav: readonly NavItem[] = [
  { key: 'nav.home', href: '/' },
  { key: 'nav.lessons', href: '/lessons/' },
  { key: 'nav.regulations', href: '/regulations/' },
  { key: 'nav.practice', href: '/practice/' },
  { key: 'nav.exams', href: '/exams/' },
  { key: 'nav.results', href: '/results/' },
  { key: 'nav.manage', href: '/manage/', roles: MANAGER_ROLES },
];

/** Whether `href` (unlocalised) is the current section of `path` (unlocalised). */
export function isCurrent(href: string, path: string): boolean {
  if (href === '/') return path === '/';
  // Admin pages are part of the management section.
  if (href === '/manage/' && path.startsWith('/admin/')) return true;
  // /results/ must not light up on /manage/results/, and vice versa — prefix match from the root.
  return path === href || path.startsWith(href);
}
