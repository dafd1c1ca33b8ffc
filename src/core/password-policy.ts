/**
 * The rules a password a person chooses must meet (the change after an initial password, issue 11).
 * Pure, so the change-password form (src/islands/ChangePassword.tsx) explains a rule as the person
 * types and functions/password.ts enforces the same rules.
 *
 *   checkNewPassword(password, { employeeNo, email, current }) → null when acceptable, else the
 *     first rule it breaks: 'too_short' (under 10 characters), 'too_long' (over 72 bytes of UTF-8:
 *     bcrypt ignores the rest), 'too_simple' (fewer than two of letters / digits / other
 *     characters), 'too_repetitive' (fewer than 5 different characters), 'common' (a well-known
 *     password), 'contains_identity' (contains the 工号 or the email's name), 'same_as_current'.
 */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_BYTES = 72;

export type PasswordRule =
  | 'too_short' | 'too_long' | 'too_simple' | 'too_repetitive' | 'common' | 'contains_identity' | 'same_as_current';

// Compared lower-case, ignoring digits and symbols at the end ("Password123!" is "password").
const COMMON = new Set([
  'password', 'passw0rd', 'qwerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abc', 'abcd', 'abcdef', 'abcdefg', 'abcdefgh',
  'iloveyou', 'welcome', 'admin', 'administrator', 'letmein', 'monkey', 'dragon', 'master', 'sunshine', 'princess',
  'football', 'baseball', 'superman', 'trustno', 'changeme', 'default', 'secret', 'woaini', 'xiaobao', 'bank', 'test',
  'qazwsx', 'qweasd', '1qaz2wsx', 'aa', 'aaa', 'zhang', 'wang', 'li', 'liu', 'chen',
]);
const COMMON_DIGITS = new Set(['5201314', '1314520', '147258369', '159357', '159753', '741852963', '19491001']);

/** Digits only and guessable: one digit repeated, a run up or down, a repeated chunk, a known one. */
function commonDigits(digits: string): boolean {
  if (digits.length === 0) return false;
  if (/^(\d{1,6})\1+$/.test(digits) || COMMON_DIGITS.has(digits)) return true;
  const steps = new Set([...digits].slice(1).map((d, i) => (Number(d) - Number(digits[i]) + 10) % 10));
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

export function checkNewPassword(
  password: string,
  who: { employeeNo?: string | null; email?: string | null; current?: string | null } = {},
): PasswordRule | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (utf8Length(password) > PASSWORD_MAX_BYTES) return 'too_long';
  if (who.current && password === who.current) return 'same_as_current';
  const classes = [/\p{L}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (classes < 2) return 'too_simple';
  if (new Set(password).size < 5) return 'too_repetitive';
  const lower = password.toLowerCase();
  const stem = lower.replace(/[^\p{L}]+$/u, '').replace(/^[^\p{L}]+/u, '');
  // A common word with digits/symbols around it, or digits and symbols only that are guessable.
  if (COMMON.has(stem) || (/^[^\p{L}]*$/u.test(lower) && commonDigits(lower.replace(/\D/g, '')))) return 'common';
  const identity = [who.employeeNo ?? '', (who.email ?? '').split('@')[0] ?? '']
    .map((s) => s.toLowerCase())
    .filter((s) => s.length >= 3);
  if (identity.some((s) => lower.includes(s))) return 'contains_identity';
  return null;
}
