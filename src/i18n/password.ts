// UI strings of the change-password page (/account/password/): people who signed in with an initial
// password choose their own there before anything else; anyone signed in may change theirs.
// Same rules as the other per-area modules: en is typed against the Chinese keys.
import type { Locale } from './index.ts';
import type { PasswordRule } from '../core/password-policy.ts';

export const passwordZh = {
  'pw.title': '修改密码',
  'pw.heading': '设置新密码',
  'pw.intro': '为了账号安全，请设置一个只有您自己知道的密码。',
  'pw.required': '您使用的是初始密码登录。请先设置自己的新密码，然后才能继续使用学堂。',
  'pw.current': '当前密码',
  'pw.currentHint': '首次登录时，即人力或管理员发给您的初始密码。',
  'pw.new': '新密码',
  'pw.newHint': '至少 10 个字符，混合字母、数字、符号中的至少两类；不要包含工号或邮箱名。',
  'pw.repeat': '再次输入新密码',
  'pw.show': '显示',
  'pw.hide': '隐藏',
  'pw.submit': '保存新密码',
  'pw.submitting': '正在保存…',
  'pw.done': '密码已修改。其他设备上的登录已退出。',
  'pw.continue': '继续',
  'pw.signOut': '退出登录',
  'pw.err.currentMissing': '请输入当前密码。',
  'pw.err.currentWrong': '当前密码不正确。',
  'pw.err.repeatMismatch': '两次输入的新密码不一致。',
  'pw.err.rateLimited': '尝试次数过多，请 {min} 分钟后再试。',
  'pw.err.network': '无法连接服务器，请检查网络后重试。',
  'pw.err.unknown': '保存失败，请稍后重试。',
  'pw.err.signedOut': '登录已失效，请重新登录。',
  'pw.rule.too_short': '新密码至少 10 个字符。',
  'pw.rule.too_long': '新密码最长 72 字节（约 24 个汉字或 72 个字母数字）。',
  'pw.rule.too_simple': '请混合使用字母、数字、符号中的至少两类。',
  'pw.rule.too_repetitive': '请至少使用 5 个不同的字符。',
  'pw.rule.common': '这个密码太常见，容易被猜到，请换一个。',
  'pw.rule.contains_identity': '密码中不要包含您的工号或邮箱名。',
  'pw.rule.same_as_current': '新密码不能与当前密码相同。',
};

export type PasswordKey = keyof typeof passwordZh;

export const passwordEn: Record<PasswordKey, string> = {
  'pw.title': 'Change password',
  'pw.heading': 'Choose a new password',
  'pw.intro': 'Choose a password only you know, to keep your account safe.',
  'pw.required': 'You signed in with an initial password. Choose your own password before you continue.',
  'pw.current': 'Current password',
  'pw.currentHint': 'At your first sign-in: the initial password HR or an administrator gave you.',
  'pw.new': 'New password',
  'pw.newHint': 'At least 10 characters mixing two of letters, digits and symbols; not your employee number or email name.',
  'pw.repeat': 'New password again',
  'pw.show': 'Show',
  'pw.hide': 'Hide',
  'pw.submit': 'Save new password',
  'pw.submitting': 'Saving…',
  'pw.done': 'Your password was changed. Sign-ins on other devices were ended.',
  'pw.continue': 'Continue',
  'pw.signOut': 'Sign out',
  'pw.err.currentMissing': 'Enter your current password.',
  'pw.err.currentWrong': 'The current password is wrong.',
  'pw.err.repeatMismatch': 'The two new passwords differ.',
  'pw.err.rateLimited': 'Too many attempts. Try again in {min} minutes.',
  'pw.err.network': 'The server cannot be reached. Check your connection and try again.',
  'pw.err.unknown': 'Saving failed. Try again in a moment.',
  'pw.err.signedOut': 'Your session has ended. Sign in again.',
  'pw.rule.too_short': 'Use at least 10 characters.',
  'pw.rule.too_long': 'Use at most 72 bytes (about 24 Chinese characters or 72 letters and digits).',
  'pw.rule.too_simple': 'Mix at least two of: letters, digits, symbols.',
  'pw.rule.too_repetitive': 'Use at least 5 different characters.',
  'pw.rule.common': 'This password is too common; choose one that is harder to guess.',
  'pw.rule.contains_identity': 'Do not use your employee number or email name in the password.',
  'pw.rule.same_as_current': 'The new password must differ from the current one.',
};

export function pwTr(locale: Locale) {
  const table = locale === 'en' ? passwordEn : passwordZh;
  return (key: PasswordKey, vars: Record<string, string | number> = {}) =>
    table[key].replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export const ruleKey = (rule: PasswordRule): PasswordKey => `pw.rule.${rule}`;
