// The management tools, in one place for the /manage/ hub (and the dashboard's manager card).
// Paths are locale-neutral; `roles` decides who sees a card (revealed after /api/me by the
// UserMenu island, like role-only nav links). Server-side checks decide what each page may do;
// hiding a card is only about not showing people tools they cannot use.
import type { IconName } from './icons.ts';

export interface ManageTool {
  id: string;
  href: string;
  icon: IconName;
  roles: readonly string[];
}

export interface ManageGroup {
  id: 'teaching' | 'contests' | 'people';
  tools: readonly ManageTool[];
}

const TRAINERS = ['trainer', 'admin'] as const;
const HR = ['hr', 'admin'] as const;
const ADMINS = ['admin'] as const;

export const manageGroups: readonly ManageGroup[] = [
  {
    id: 'teaching',
    tools: [
      { id: 'banks', href: '/manage/banks/', icon: 'book', roles: TRAINERS },
      { id: 'exams', href: '/manage/exams/', icon: 'clipboard', roles: TRAINERS },
      { id: 'grading', href: '/manage/grading/', icon: 'pencil', roles: TRAINERS },
      { id: 'results', href: '/manage/results/', icon: 'table', roles: ['trainer', 'hr', 'admin'] },
      { id: 'review', href: '/manage/review/', icon: 'scale', roles: TRAINERS },
    ],
  },
  {
    id: 'contests',
    tools: [
      { id: 'contests', href: '/contests/', icon: 'chart', roles: TRAINERS },
      { id: 'seasons', href: '/contests/seasons/', icon: 'table', roles: ['trainer', 'hr', 'admin'] },
      { id: 'live', href: '/live/host/', icon: 'alert', roles: TRAINERS },
    ],
  },
  {
    id: 'people',
    tools: [
      { id: 'assignments', href: '/manage/assignments/', icon: 'clipboard', roles: ['trainer', 'hr', 'admin'] },
      { id: 'reports', href: '/manage/reports/', icon: 'chart', roles: HR },
      { id: 'audit', href: '/manage/audit/', icon: 'shield', roles: HR },
      { id: 'roster', href: '/admin/roster-import/', icon: 'table', roles: HR },
      { id: 'org', href: '/admin/org/', icon: 'building', roles: ADMINS },
      { id: 'people', href: '/admin/people/', icon: 'globe', roles: ['hr', 'admin'] },
    ],
  },
];
