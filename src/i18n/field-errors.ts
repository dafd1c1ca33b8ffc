// The generic refusals every page shares, in both languages: field codes of src/core/field-codes.ts
// (what zod found wrong with a field: empty, too long, not a date …) and the problem codes any
// function can return (not JSON, a role it lacks, a database refusal). Domain codes (`org_unknown`,
// `exam_not_mock`) live in their area's module (contests.ts, org.ts …); src/client/problem-text.ts
// tries the area first, then this module. en is typed against the Chinese keys.
import type { Locale } from './index.ts';
import { roleLabel } from './index.ts';
import type { GenericFieldCode } from '../core/field-codes.ts';

const fieldZh: Record<GenericFieldCode, string> = {
  required: '请填写此项。',
  too_short: '至少 {min} 个字符。',
  too_long: '最多 {max} 个字符，请缩短。',
  too_small: '不能小于 {min}。',
  too_small_exclusive: '须大于 {min}。',
  too_big: '不能大于 {max}。',
  too_big_exclusive: '须小于 {max}。',
  too_few: '至少选择或填写 {min} 项。',
  too_many: '最多 {max} 项。',
  date_too_early: '日期不能早于 {min}。',
  date_too_late: '日期不能晚于 {max}。',
  not_multiple: '须为 {step} 的整数倍。',
  expected_text: '请填写文字。',
  expected_number: '请填写数字。',
  expected_integer: '请填写整数。',
  expected_boolean: '请选择“是”或“否”。',
  expected_list: '请填写一个列表。',
  expected_object: '此项缺失或格式不对。',
  expected_date: '请填写有效的日期。',
  invalid_type: '此项的格式不对。',
  bad_email: '请填写形如 name@bank.com 的邮箱，或留空。',
  bad_id: '请从列表中选择。',
  bad_date: '请填写有效的日期，如 2026-12-31。',
  bad_datetime: '请填写有效的日期和时间，如 2026-12-31 23:59。',
  bad_url: '请填写以 https:// 开头的有效网址。',
  bad_format: '格式不对，请按提示填写。',
  bad_mobile: '手机号为以 1 开头的 11 位数字。',
  bad_employee_no: '工号只能包含字母、数字、“-”和“_”，最多 32 个字符（开头的 0 会保留）。',
  bad_period: '期间格式：2026Q4、2026H1、2026-03 或 2026。',
  not_an_option: '请从给定的选项中选择。',
  unknown_field: '请求包含无法识别的字段：{keys}。',
  invalid: '此项填写有误，请检查。',
  nul_char: '包含无法保存的空字符（U+0000），请删除后重新提交。',
  control_char: '包含不可见的控制字符（{cp}），请删除后重新提交。',
  line_break: '此项只能是一行：请删除换行或制表符（{cp}）。',
  nothing_to_change: '请至少修改一项再保存。',
};

const fieldEn: Record<GenericFieldCode, string> = {
  required: 'Fill this in.',
  too_short: 'At least {min} characters.',
  too_long: 'At most {max} characters; shorten it.',
  too_small: 'At least {min}.',
  too_small_exclusive: 'Above {min}.',
  too_big: 'At most {max}.',
  too_big_exclusive: 'Below {max}.',
  too_few: 'Choose or enter at least {min}.',
  too_many: 'At most {max} items.',
  date_too_early: 'Not before {min}.',
  date_too_late: 'Not after {max}.',
  not_multiple: 'A multiple of {step}.',
  expected_text: 'Enter text.',
  expected_number: 'Enter a number.',
  expected_integer: 'Enter a whole number.',
  expected_boolean: 'Choose yes or no.',
  expected_list: 'Enter a list.',
  expected_object: 'This is missing or has the wrong shape.',
  expected_date: 'Enter a valid date.',
  invalid_type: 'This has the wrong format.',
  bad_email: 'Write an address like name@bank.com, or leave it empty.',
  bad_id: 'Choose one from the list.',
  bad_date: 'Enter a valid date, e.g. 2026-12-31.',
  bad_datetime: 'Enter a valid date and time, e.g. 2026-12-31 23:59.',
  bad_url: 'Enter a valid address starting with https://.',
  bad_format: 'The format is not right; follow the hint.',
  bad_mobile: 'A mobile number has 11 digits starting with 1.',
  bad_employee_no: 'Letters, digits, "-" and "_" only, up to 32 characters (leading zeros are kept).',
  bad_period: 'A period like 2026Q4, 2026H1, 2026-03 or 2026.',
  not_an_option: 'Choose one of the options.',
  unknown_field: 'The request has fields this page does not know: {keys}.',
  invalid: 'This is not valid; check it.',
  nul_char: 'Contains a NUL character (U+0000), which cannot be stored. Remove it and send the text again.',
  control_char: 'Contains an invisible control character ({cp}). Remove it and send the text again.',
  line_break: 'Must be a single line: remove the line break or tab ({cp}).',
  nothing_to_change: 'Change at least one field before saving.',
};

/** Problem codes (the `code` of a problem+json) any function may return, beside the area's own. */
const problemZh = {
  invalid_fields: '请按标出的提示修改后再提交。',
  not_json: '请求格式不对（不是 JSON），请刷新页面后重试。',
  bad_json: '请求内容无法读取，请刷新页面后重试。',
  server_error: '服务器出错了。请重试；如果一直出现，请告诉系统管理员。',
  network: '无法连接服务器，请检查网络后重试。',
  not_allowed: '您无权执行此操作。',
  already_exists: '已经存在相同的记录。',
  missing_reference: '引用的内容不存在，可能已被删除。请刷新页面后重试。',
  value_not_allowed: '有一项的值不被允许，请检查后重试。',
  db_refused: '这项修改不被允许。请刷新页面查看最新状态；如有疑问，请联系系统管理员。',
  role_required: '只有{roles}可以执行此操作。',
  not_found: '找不到该内容，或您无权查看。',
  account_not_linked: '您的账号还没有关联员工档案，请联系系统管理员把您加入花名册。',
  'status.400': '提交的内容有误，请检查后重试。',
  'status.403': '您无权执行此操作。',
  'status.404': '找不到该内容，或您无权查看。',
  'status.409': '操作与当前状态冲突，请刷新页面后重试。',
  'status.413': '提交的内容太大。',
  'status.429': '操作太频繁，请稍后再试。',
  'status.other': '操作没有成功，请稍后重试。',
};
export type ProblemCode = keyof typeof problemZh;

const problemEn: Record<ProblemCode, string> = {
  invalid_fields: 'Fix the marked fields and send again.',
  not_json: 'The request was not JSON; reload the page and try again.',
  bad_json: 'The request could not be read; reload the page and try again.',
  server_error: 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  network: 'The server could not be reached. Check your connection and try again.',
  not_allowed: 'You are not allowed to do this.',
  already_exists: 'This already exists.',
  missing_reference: 'This refers to something that does not exist (any more). Reload the page and try again.',
  value_not_allowed: 'A value is not allowed here; check it and try again.',
  db_refused: 'This change is not allowed. Reload the page to see the current state; ask your administrator if in doubt.',
  role_required: 'Only {roles} can do this.',
  not_found: 'Not found, or you may not see it.',
  account_not_linked: 'Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.',
  'status.400': 'Something in the request is not right; check it and try again.',
  'status.403': 'You are not allowed to do this.',
  'status.404': 'Not found, or you may not see it.',
  'status.409': 'This conflicts with the current state; reload the page and try again.',
  'status.413': 'What you sent is too large.',
  'status.429': 'Too many tries; wait a moment and try again.',
  'status.other': 'That did not work; try again later.',
};

/** Every generic code with its two texts, for the coverage test. */
export const genericTexts = { zh: { ...fieldZh, ...problemZh }, en: { ...fieldEn, ...problemEn } };

/** `{name}` placeholders filled from params; a `roles` param ('trainer,admin') is named in the locale. */
export function fill(locale: Locale, text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    if (!(name in params)) return m;
    if (name === 'roles') {
      return String(params.roles).split(',').filter(Boolean).map((r) => roleLabel(locale, r)).join(locale === 'en' ? ', ' : '、');
    }
    return String(params[name]);
  });
}

/** The generic text of a code in the locale, or null when the code is not a generic one. */
export function genericText(locale: Locale, code: string, params?: Record<string, string | number>): string | null {
  const dict: Record<string, string> = locale === 'en' ? genericTexts.en : genericTexts.zh;
  return code in dict ? fill(locale, dict[code]!, params) : null;
}
