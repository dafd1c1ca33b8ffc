// Who may use a page, said once: the NoAccess box's sentence when the page knows its roles (from the
// page's role check on load, src/islands/shared/RoleGate.tsx, or from a `role_required` refusal).
// Role names are the shell's (role.hr = 人力/考核 …), joined as each language lists things.
import { roleLabel, type Locale } from './index.ts';

const zh = {
  'access.rolesOnly': '此页面仅供{roles}使用。如工作需要，请联系系统管理员开通相应角色。',
};
const en: Record<keyof typeof zh, string> = {
  'access.rolesOnly': 'Only these roles can use this page: {roles}. If you need it for your work, ask your administrator for the role.',
};

/** 培训管理员、人力/考核和系统管理员 / Trainer, HR / appraisal, Administrator. */
export function rolesList(locale: Locale, roles: readonly string[]): string {
  const names = roles.filter((r) => r !== 'employee').map((r) => roleLabel(locale, r));
  if (locale === 'en') return names.join(', ');
  return names.length > 1 ? `${names.slice(0, -1).join('、')}和${names[names.length - 1]}` : (names[0] ?? '');
}

/** The one sentence saying who may use the page. */
export function accessSentence(locale: Locale, roles: readonly string[]): string {
  return (locale === 'en' ? en : zh)['access.rolesOnly'].replace('{roles}', rolesList(locale, roles));
}

export const accessTexts = { zh, en };

/** The page's check on load: true, the roles allow it; false, they do not; null, not known (the island decides). */
export function rolesAllow(roles: readonly string[] | undefined, allowed: readonly string[]): boolean | null {
  return roles ? roles.some((r) => allowed.includes(r)) : null;
}
