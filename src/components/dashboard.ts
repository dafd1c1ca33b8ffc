// Dashboard extension points.
//
// 1. Link cards: `DashboardCard[]` passed to the Dashboard island as `cards`. HomePage.astro
//    builds the list with `defaultDashboardCards(locale)`; append your own there (e.g. a 错题本
//    card) — `roles` limits a card to members holding one of the roles.
// 2. Sections with live content (an island such as "upcoming exams"): put them inside
//    <Dashboard> in HomePage.astro, wrapped in <DashboardSection title="…">; they render below the
//    cards, only for signed-in members.
// 3. Required training: the `required` slot of <Dashboard> (MyAssignments, GET /api/me/assignments)
//    renders first, right below the profile, because deadlines come before everything else.
import { localePath, t, type Locale } from '../i18n/index.ts';
import type { IconName } from './icons.ts';

export interface DashboardCard {
  id: string;
  /** Already localised (use localePath). */
  href: string;
  title: string;
  body: string;
  icon: IconName;
  /** Show only to members with one of these roles; omit for everyone. */
  roles?: string[];
}

export function defaultDashboardCards(locale: Locale): DashboardCard[] {
  const card = (id: string, path: string, icon: IconName, roles?: string[]): DashboardCard => ({
    id,
    href: localePath(locale, path),
    title: t(locale, `dashboard.card.${id}.title` as Parameters<typeof t>[1]),
    body: t(locale, `dashboard.card.${id}.body` as Parameters<typeof t>[1]),
    icon,
    ...(roles ? { roles } : {}),
  });
  return [
    card('lessons', '/lessons/', 'book'),
    card('practice', '/practice/', 'pencil'),
    card('exams', '/exams/', 'clipboard'),
    card('regulations', '/regulations/', 'scale'),
    card('results', '/results/', 'chart'),
    card('contests', '/contests/', 'building'),
    card('live', '/live/join/', 'alert'),
    card('manageResults', '/manage/results/', 'table', ['trainer', 'hr', 'admin']),
  ];
}
