// Refusals reach Chinese pages in Chinese: every code the server can send for the management pages
// (scanned from the functions and the schemas, so a new code without a text fails here) has a zh
// and an en text, either in its area's module or in the shared generic one; zod issues map to the
// generic codes with their limits; the browser helper picks the area's text, then the generic one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldCodeOfIssue, GENERIC_FIELD_CODES } from '../../../src/core/field-codes.ts';
import { singleLine } from '../../../src/core/text.ts';
import { PeriodSchema } from '../../../src/core/completion.ts';
import { genericText, genericTexts } from '../../../src/i18n/field-errors.ts';
import { orgEn, orgZh } from '../../../src/i18n/org.ts';
import { contestsEn, contestsZh, contestsTr } from '../../../src/i18n/contests.ts';
import { examsEn, examsZh } from '../../../src/i18n/trainer-exams.ts';
import { banksEn, banksZh } from '../../../src/i18n/banks.ts';
import { liveEn, liveZh } from '../../../src/i18n/live.ts';
import { examRefusalsEn, examRefusalsZh } from '../../../src/i18n/exam-refusals.ts';
import { hrEn, hrTr, hrZh } from '../../../src/i18n/hr.ts';
import { ApiError } from '../../../src/client/api.ts';
import { areaSay, localDetail, localFieldErrors } from '../../../src/client/problem-text.ts';

const root = join(import.meta.dirname, '../../..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');
function tree(rel: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(root, rel))) {
    const p = `${rel}/${f}`;
    if (statSync(join(root, p)).isDirectory()) out.push(...tree(p));
    else if (f.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * The literal codes a source file can put in a problem or a field error: `code: 'x'` (a problem's
 * code, a refinement's params, a field code), and the code argument of the helpers that build them
 * (`fail(field, 'x', …)`, `f.add(field, 'x', …)`, `fieldError(field, 'x', …)`, `xProblem(409, 'x', …)`,
 * `f.problem('…', 'x')`, the live rules' `problem('x', …)`).
 */
function codesIn(rel: string, only?: RegExp[]): Set<string> {
  // Comments hold examples, not codes the file sends.
  const text = read(rel).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/ \/\/ .*$/gm, '');
  const found = new Set<string>();
  const patterns = only ?? [
    /\bcode: '([a-z][a-z0-9_]*)'/g,
    /\b(?:fail|add|fieldError)\((?:'[^']*'|`[^`]*`), '([a-z][a-z0-9_]*)'/g,
    /\b(?:people|org|exam|bank|roster)Problem\([^,]+, '([a-z][a-z0-9_]*)'/g,
    /\.problem\('[^']*', '([a-z][a-z0-9_]*)'/g,
    /\bproblem\('([a-z][a-z0-9_]*)', /g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) if (m[1] !== 'custom') found.add(m[1]!); // 'custom': zod's own issue code
  // The zod mapping picks its codes in expressions; its list of every code it can return is the source.
  if (rel === 'src/core/field-codes.ts' && !only) for (const c of GENERIC_FIELD_CODES) found.add(c);
  return found;
}

type Dict = Record<string, string>;
const withPrefix = (d: Dict) => Object.fromEntries(Object.entries(d).filter(([k]) => k.startsWith('err.')).map(([k, v]) => [k.slice(4), v]));

/** Each area: the server files whose codes its pages render, and the area's own texts. */
const AREAS: { name: string; files: string[]; zh: Dict; en: Dict; only?: RegExp[] }[] = [
  { name: 'org and people', files: ['functions/org-units.ts', 'functions/people.ts'], zh: withPrefix(orgZh), en: withPrefix(orgEn) },
  // Roster refusals: the islands show message_zh/message_en where the server sends them, else these codes.
  { name: 'roster import', files: ['functions/_lib/roster.ts', 'functions/roster-imports.ts'], zh: withPrefix(orgZh), en: withPrefix(orgEn) },
  {
    name: 'contests and seasons',
    files: ['functions/_lib/contests.ts', 'functions/contest.ts', 'functions/_lib/seasons.ts', 'functions/seasons.ts'],
    zh: withPrefix(contestsZh), en: withPrefix(contestsEn),
  },
  {
    name: 'exam builder, grading and regrading',
    files: ['functions/_lib/exam-builder.ts', 'functions/manage-exams.ts', 'functions/manage-exam-actions.ts', 'functions/exam-overrides.ts',
      'functions/_lib/grading.ts', 'functions/attempt-slot-grade.ts', 'functions/attempt-regrade.ts', 'functions/_lib/manage.ts',
      'src/core/assembly.ts', 'src/core/exam-settings.ts'],
    zh: withPrefix(examsZh), en: withPrefix(examsEn),
  },
  {
    name: 'question banks',
    files: ['functions/_lib/banks/banks.ts', 'functions/_lib/banks/questions.ts', 'functions/_lib/banks/review.ts', 'functions/_lib/banks/exports.ts'],
    zh: withPrefix(banksZh), en: withPrefix(banksEn),
  },
  {
    name: 'live contests (host console)',
    files: ['src/core/live-contest.ts', 'functions/live.ts', 'functions/live-host.ts', 'functions/_lib/live.ts'],
    zh: withPrefix(liveZh), en: withPrefix(liveEn),
    only: [/\bproblem\('([a-z][a-z0-9_]*)', /g, /\bcode: '([a-z][a-z0-9_]*)'/g, /\.(?:add|problem)\((?:'[^']*'|`[^`]*`), '([a-z][a-z0-9_]*)'/g],
  },
  {
    // The phones' refusals: `play.err.*` (a code such as `paused` means something else for the host).
    name: 'live contests (phones)',
    files: ['src/core/live-contest.ts', 'functions/live-play.ts', 'functions/_lib/live-batch.ts'],
    zh: Object.fromEntries(Object.entries(liveZh).filter(([k]) => k.startsWith('play.err.')).map(([k, v]) => [k.slice(9), v])),
    en: Object.fromEntries(Object.entries(liveEn).filter(([k]) => k.startsWith('play.err.')).map(([k, v]) => [k.slice(9), v])),
    only: [/\brefuse\('([a-z][a-z0-9_]*)', /g, /\bcode: '([a-z][a-z0-9_]*)'/g],
  },
  {
    name: 'exam runner and practice (employees)',
    files: ['src/core/attempt.ts', 'src/core/questions.ts', 'functions/_lib/attempts.ts', 'functions/_lib/responses.ts', 'functions/attempt-submit.ts',
      'functions/attempt-events.ts', 'functions/_lib/papers.ts', 'functions/practice-answers.ts', 'functions/exams.ts'],
    zh: withPrefix(examRefusalsZh), en: withPrefix(examRefusalsEn),
    only: [/\breason: '([a-z][a-z0-9_]*)'/g, /\bfail\('([a-z][a-z0-9_]*)', /g, /\bexamProblem\(\d+, '([a-z][a-z0-9_]*)'/g, /\bcode: '([a-z][a-z0-9_]*)'/g],
  },
  {
    // HR's required training, reports and audit log: the islands render `err.*` of src/i18n/hr.ts.
    name: 'assignments, reports and the audit log',
    files: ['functions/_lib/assignments.ts', 'functions/assignments.ts', 'functions/assignment.ts', 'functions/assignment-actions.ts',
      'functions/assignment-exemption.ts', 'functions/assignment-choices.ts', 'functions/_lib/reports.ts', 'functions/reports.ts',
      'functions/reports-export.ts', 'functions/audit.ts', 'src/core/completion.ts'],
    zh: withPrefix(hrZh), en: withPrefix(hrEn),
  },
  {
    name: 'shared (every page)',
    files: ['functions/_lib/http.ts', 'src/core/text.ts', 'src/core/field-codes.ts'],
    zh: {}, en: {},
  },
];

describe('refusal codes have texts', () => {
  it('the scan finds the codes it should (the scan itself works)', () => {
    const all = new Set(AREAS.flatMap((a) => a.files.flatMap((f) => [...codesIn(f, a.only)])));
    for (const c of ['org_code_taken', 'employee_no_taken', 'bad_employee_no', 'org_unknown', 'item_repeated', 'season_not_editor', 'exam_not_mock',
      'row_short', 'rows_overlap', 'window_order', 'mark_step', 'role_required', 'invalid_fields', 'line_break', 'too_long', 'bad_period', 'not_revealed',
      'db_refused', 'picks_variants', 'not_exam_manager', 'seat_taken_over', 'no_attempts_left', 'past_deadline', 'wrong_shape', 'in_live_attempt',
      'due_before_start', 'target_member_outside', 'org_out_of_scope', 'xlsx_too_many_rows', 'exempt_not_allowed']) {
      expect(all, c).toContain(c);
    }
  });

  for (const area of AREAS) {
    it(`every code of ${area.name} has a zh and an en text`, () => {
      const missing: string[] = [];
      for (const f of area.files) {
        for (const c of codesIn(f, area.only)) {
          const zh = area.zh[c] ?? genericText('zh-cn', c);
          const en = area.en[c] ?? genericText('en', c);
          if (!zh || !en) missing.push(`${c} (${f})`);
        }
      }
      expect(missing).toEqual([]);
    });
  }

  it('every generic field code has both texts, and Chinese ones contain Chinese', () => {
    for (const c of GENERIC_FIELD_CODES) {
      expect(genericTexts.zh[c], c).toMatch(/[\u4e00-\u9fff]/);
      expect(genericTexts.en[c], c).toBeTruthy();
    }
  });

  it('texts use the same placeholders in both languages', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    const pairs: [Dict, Dict][] = [[genericTexts.zh, genericTexts.en], ...AREAS.map((a) => [a.zh, a.en] as [Dict, Dict])];
    pairs.push([liveZh, liveEn], [orgZh, orgEn], [contestsZh, contestsEn], [examsZh, examsEn], [banksZh, banksEn]);
    for (const [zh, en] of pairs) for (const k of Object.keys(zh)) expect(holes(en[k] ?? ''), k).toBe(holes(zh[k]!));
  });
});

describe('zod issues → generic codes', () => {
  const Schema = z.strictObject({
    title: z.string().trim().min(1).max(5),
    code: z.string().min(3),
    n: z.number().int().min(1).max(10),
    w: z.number().positive(),
    kind: z.enum(['a', 'b']),
    id: z.uuid(),
    email: z.email(),
    day: z.iso.date(),
    at: z.iso.datetime({ offset: true }),
    list: z.array(z.string()).min(1).max(2),
    flag: z.boolean(),
    line: z.string().superRefine(singleLine),
    period: PeriodSchema,
  });
  const codes = (input: Record<string, unknown>) => {
    const r = Schema.safeParse(input);
    if (r.success) return {};
    return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.') || '(body)', fieldCodeOfIssue(i as never, input)]));
  };

  it('maps each kind of issue with its limit', () => {
    const c = codes({
      title: '   ', code: 'ab', n: 2.5, w: 0, kind: 'c', id: 'x', email: 'nope', day: '2026-13-01', at: '2026-01-01', list: [], flag: 'yes',
      line: 'a\tb', period: '2026Q9', extra: 1,
    });
    expect(c.title).toEqual({ code: 'required' });
    expect(c.code).toEqual({ code: 'too_short', params: { min: 3 } });
    expect(c.n).toEqual({ code: 'expected_integer' });
    expect(c.w).toEqual({ code: 'too_small_exclusive', params: { min: 0 } });
    expect(c.kind).toEqual({ code: 'not_an_option' });
    expect(c.id).toEqual({ code: 'bad_id' });
    expect(c.email).toEqual({ code: 'bad_email' });
    expect(c.day).toEqual({ code: 'bad_date' });
    expect(c.at).toEqual({ code: 'bad_datetime' });
    expect(c.list).toEqual({ code: 'too_few', params: { min: 1 } });
    expect(c.flag).toEqual({ code: 'expected_boolean' });
    expect(c.line).toEqual({ code: 'line_break', params: { cp: 'U+0009' } });
    expect(c.period).toEqual({ code: 'bad_period', params: {} });
    expect(c['(body)']).toEqual({ code: 'unknown_field', params: { keys: 'extra' } });
  });

  it('tells a missing field from a wrong one, and reports upper limits', () => {
    const c = codes({ title: 'abcdefg', n: 11, list: ['a', 'b', 'c'] });
    expect(c.title).toEqual({ code: 'too_long', params: { max: 5 } });
    expect(c.n).toEqual({ code: 'too_big', params: { max: 10 } });
    expect(c.list).toEqual({ code: 'too_many', params: { max: 2 } });
    expect(c.code).toEqual({ code: 'required' });
    expect(c.flag).toEqual({ code: 'required' });
  });

  it('fills the limit into the sentence in both languages', () => {
    expect(genericText('zh-cn', 'too_long', { max: 200 })).toBe('最多 200 个字符，请缩短。');
    expect(genericText('en', 'too_long', { max: 200 })).toBe('At most 200 characters; shorten it.');
    expect(genericText('zh-cn', 'role_required', { roles: 'trainer,admin' })).toBe('只有培训管理员、系统管理员可以执行此操作。');
    expect(genericText('zh-cn', 'no_such_code')).toBeNull();
  });
});

describe('the browser helper', () => {
  const problem = (status: number, doc: Record<string, unknown>) =>
    new ApiError(status, 'Bad Request', String(doc.detail ?? ''), doc.errors as Record<string, string> | undefined, doc);

  it('says field errors in the page language: the area first, then the generic text, else the English', () => {
    const e = problem(400, {
      detail: 'Some parts of the contest need fixing.', code: 'contest_invalid',
      errors: { title: 'Too small', ownerOrgUnit: 'There is no org unit "QQ"…', 'teams.0.name': 'Give it a name.' },
      fieldCodes: { title: { code: 'required' }, ownerOrgUnit: { code: 'org_unknown', params: { ref: 'QQ' } } },
    });
    const say = areaSay(contestsZh, contestsTr('zh-cn'));
    expect(localFieldErrors(e, 'zh-cn', say)).toEqual({ title: '请填写此项。', ownerOrgUnit: '您管理的范围内没有机构“QQ”。', 'teams.0.name': 'Give it a name.' });
    expect(localFieldErrors(e, 'en', areaSay(contestsZh, contestsTr('en'))).ownerOrgUnit).toBe('There is no org unit "QQ" in the part of the organisation you manage.');
    expect(localDetail(e, 'zh-cn', say)).toBe('竞赛设置中有几处需要修改，见标出的位置。');
  });

  it('says an assignment refusal only in the page language (no "中文 / English" pairs)', () => {
    const e = problem(400, {
      detail: 'The assignment has invalid fields.', code: 'assignment_invalid',
      errors: { dueAt: 'The due date must be after the start.', 'targets.members.0': 'No active person NOSUCH1 inside 总行.' },
      fieldCodes: { dueAt: { code: 'due_before_start' }, 'targets.members.0': { code: 'target_member_outside', params: { ref: 'NOSUCH1', owner: '总行' } } },
    });
    expect(localFieldErrors(e, 'zh-cn', areaSay(hrZh, hrTr('zh-cn')))).toEqual({
      dueAt: '截止时间必须晚于开始时间。', 'targets.members.0': '人员“NOSUCH1”不存在、已停用，或不在“总行”之下。',
    });
    expect(localFieldErrors(e, 'en', areaSay(hrZh, hrTr('en')))['targets.members.0']).toBe('No active person "NOSUCH1" inside 总行.');
    expect(localDetail(e, 'zh-cn', areaSay(hrZh, hrTr('zh-cn')))).toBe('任务有几处需要修改，见标出的位置。');
  });

  it('never shows an uncoded English detail on a Chinese page', () => {
    const e = problem(409, { detail: 'Something the server said in English.' });
    expect(localDetail(e, 'zh-cn')).toBe('操作与当前状态冲突，请刷新页面后重试。');
    expect(localDetail(e, 'en')).toBe('Something the server said in English.');
    expect(localDetail(new ApiError(0, 'Network Error', 'x', undefined, { code: 'network' }), 'zh-cn')).toBe('无法连接服务器，请检查网络后重试。');
    expect(localDetail(problem(403, { detail: 'Only administrators can do this.', code: 'role_required', params: { roles: 'admin' } }), 'zh-cn')).toBe('只有系统管理员可以执行此操作。');
  });
});
