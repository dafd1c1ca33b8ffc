// The audit log as HR reads it: labelled fields, Beijing time, names for ids, every action the
// server writes has a zh and en label (scanned from migrations and functions, so a new action
// without a label fails here).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeChange, entityText, formatShanghai, formatValue, reasonText } from '../../../src/client/audit-format.ts';
import { ACTION_LABELS, actionLabel, VALUE_LABELS } from '../../../src/i18n/hr.ts';
import { HOST_ACTIONS } from '../../../src/core/live-contest.ts';

const root = join(import.meta.dirname, '../../..');
function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (f.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Every literal action code near an `insert into app.audit_log`, a `v_action :=` or an audit helper call. */
function writtenActions(): Set<string> {
  const found = new Set<string>();
  const code = /'([a-z_]+\.[a-z_]+(?:\.[a-z_]+)?)'/g;
  const sources = [...files(join(root, 'supabase/migrations'), '.sql'), ...files(join(root, 'functions'), '.ts'), ...files(join(root, 'src/server'), '.ts')];
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    const chunks: string[] = [];
    for (const m of text.matchAll(/insert into app\.audit_log[\s\S]{0,700}/gi)) chunks.push(m[0].split(/;\s*\n|returning/)[0]!);
    for (const m of text.matchAll(/v_action :=[\s\S]{0,400}?;/g)) chunks.push(m[0]);
    for (const m of text.matchAll(/(?:audit\w*\(tx, \w+, |action: )'[a-z_.]+'(?: \| '[a-z_.]+')*/g)) chunks.push(m[0]);
    for (const c of chunks) for (const m of c.matchAll(code)) if (!m[1]!.startsWith('app.')) found.add(m[1]!);
  }
  // Actions built in SQL from a value: 'contest.' || status, v_entity || '.visibility', 'live.results.' || cause.
  for (const s of ['draft', 'published', 'closed']) found.add(`contest.${s}`);
  for (const e of ['bank', 'question']) found.add(`${e}.visibility`);
  return found;
}

describe('action labels', () => {
  it('finds the actions the server writes (the scan itself works)', () => {
    const actions = writtenActions();
    for (const a of ['attempt.regrade', 'roster_import.commit', 'org_unit.create', 'member.password_change', 'live.adjust', 'assignment.exempt', 'season.update', 'exam.override']) {
      expect(actions).toContain(a);
    }
  });

  it('every action written has a Chinese and an English label', () => {
    const missing = [...writtenActions()].filter((a) => !ACTION_LABELS.zh[a] || !ACTION_LABELS.en[a]);
    expect(missing).toEqual([]);
    expect(Object.keys(ACTION_LABELS.en).sort()).toEqual(Object.keys(ACTION_LABELS.zh).sort());
  });

  it('live results changed by any host action read as words', () => {
    for (const a of [...HOST_ACTIONS, 'sync']) {
      expect(actionLabel(`live.results.${a}`, 'zh')).not.toMatch(/[a-z]/);
      expect(actionLabel(`live.results.${a}`, 'en')).not.toContain('live.results');
    }
  });
});

describe('formatting', () => {
  const names = { 'bd0e5dfa-3277-4ed6-a7a0-04fb74184eb2': '王芳（H3001）', 'c38746cd-f28e-4a11-9c1b-111111111111': '消保知识月度测试', '0a0a0a0a-0000-4000-8000-000000000001': '青岛分行' };

  it('shows times in Beijing time, whatever the machine zone', () => {
    expect(formatShanghai('2026-12-31T15:59:00.000Z')).toBe('2026-12-31 23:59');
    expect(formatShanghai('2026-12-01T04:31:37.474+00:00')).toBe('2026-12-01 12:31');
    expect(formatValue('2026-12-31T15:59:00.000Z', 'dueAt', 'zh', {})).toBe('2026-12-31 23:59');
  });

  it('names ids, words codes, never prints JSON', () => {
    expect(formatValue('bd0e5dfa-3277-4ed6-a7a0-04fb74184eb2', 'by', 'zh', names)).toBe('王芳（H3001）');
    expect(formatValue('ffffffff-3277-4ed6-a7a0-04fb74184eb2', 'by', 'zh', names)).toBe('#ffffffff');
    expect(formatValue(true, 'exempt', 'zh', {})).toBe('是');
    expect(formatValue(['employee', 'trainer'], 'roles', 'zh', {})).toBe('员工、培训管理员');
    expect(formatValue([{ kind: 'org', id: '0a0a0a0a-0000-4000-8000-000000000001', subtree: true }, { kind: 'position', value: '柜员' }], 'targets', 'zh', names))
      .toBe('机构：青岛分行（含下级）；岗位：柜员');
    expect(formatValue(null, 'x', 'zh', {})).toBe('—');
  });

  it('an exemption reads as labelled fields with names and local time', () => {
    const rows = describeChange({
      action: 'assignment.exempt', entity: 'assignment_person', entityId: 'x:y',
      before: { at: null, by: null, exempt: false, reason: null },
      after: { at: '2026-12-01T04:31:37.474+00:00', by: 'bd0e5dfa-3277-4ed6-a7a0-04fb74184eb2', exempt: true, reason: '长期病假' },
    }, 'zh', names);
    expect(rows.map((r) => [r.label, r.from, r.to])).toEqual([
      ['豁免', '否', '是'], ['原因', '—', '长期病假'], ['时间', '—', '2026-12-01 12:31'], ['操作人', '—', '王芳（H3001）'],
    ]);
  });

  it('a creation lists what was set, with labels and without internal ids', () => {
    const rows = describeChange({
      action: 'assignment.create', entity: 'assignment', entityId: 'a',
      before: null, after: { title: '2026Q4 消保知识必考', examId: 'c38746cd-f28e-4a11-9c1b-111111111111', lessonIds: [], dueAt: '2026-12-31T15:59:00.000Z', people: 12 },
    }, 'zh', names);
    expect(rows.map((r) => `${r.label}=${r.to}`)).toEqual(['名称=2026Q4 消保知识必考', '考试=消保知识月度测试', '截止时间=2026-12-31 23:59', '人数=12']);
    expect(rows.every((r) => r.from === null)).toBe(true);
  });

  it('a regrade that changed nothing still shows the score before and after', () => {
    const t = { score: 8, maxScore: 10, percent: 80, passed: true, needsGrading: false, slots: [{ slot: 3, state: 'incorrect', mark: 0 }] };
    const rows = describeChange({ action: 'attempt.regrade', entity: 'attempt', entityId: 'a', before: t, after: t }, 'zh', {});
    expect(rows[0]).toMatchObject({ label: '得分', from: '8 / 10', to: '8 / 10', changed: false });
    expect(rows.map((r) => r.label)).toEqual(['得分', '得分率', '是否通过']);
  });

  it('a regrade that changed a question shows the score and the question', () => {
    const before = { score: 8, maxScore: 10, percent: 80, passed: true, needsGrading: false, slots: [{ slot: 3, state: 'incorrect', mark: 0 }] };
    const after = { score: 10, maxScore: 10, percent: 100, passed: true, needsGrading: false, slots: [{ slot: 3, state: 'correct', mark: 2 }] };
    const rows = describeChange({ action: 'attempt.regrade', entity: 'attempt', entityId: 'a', before, after }, 'zh', {});
    expect(rows.map((r) => [r.label, r.from, r.to, r.changed])).toEqual([
      ['得分', '8 / 10', '10 / 10', true], ['得分率', '80%', '100%', true], ['是否通过', '是', '是', false], ['第3题', '0（错误）', '2（正确）', true],
    ]);
  });

  it('reasons and entities read as words', () => {
    const n = { '11111111-2222-4333-8444-555555555555': '2026年12月花名册.xlsx' };
    expect(reasonText('initial_password', 'zh', {})).toBe('首次登录修改初始密码');
    expect(reasonText('roster_import:11111111-2222-4333-8444-555555555555', 'zh', n)).toBe('名单导入：2026年12月花名册.xlsx');
    expect(reasonText('长期病假', 'zh', {})).toBe('长期病假');
    expect(entityText({ action: 'contest.published', entity: 'contest', entityId: 'c38746cd-f28e-4a11-9c1b-111111111111', before: null, after: null }, 'zh', names))
      .toBe('竞赛：消保知识月度测试');
    expect(entityText({ action: 'x', entity: 'assignment_person', entityId: 'a:b', before: null, after: null }, 'zh', names)).toBeNull();
  });

  it('an org unit renamed reads 名称 (a person keeps 姓名), and its kind reads as a word in both languages', () => {
    const unit = {
      action: 'org_unit.update', entity: 'org_unit', entityId: 'u',
      before: { code: 'QD-XHA', name: '西海岸支行', kind: 'branch', parent_id: null, path: '/x/', closed_at: null },
      after: { code: 'QD-XHA', name: '黄岛支行', kind: 'sub_branch', parent_id: null, path: '/x/', closed_at: null },
    };
    expect(describeChange(unit, 'zh', {}).map((r) => [r.label, r.from, r.to])).toEqual([['名称', '西海岸支行', '黄岛支行'], ['类型', '分行', '支行']]);
    expect(describeChange(unit, 'en', {}).map((r) => [r.label, r.from, r.to])).toEqual([['Name', '西海岸支行', '黄岛支行'], ['Kind', 'branch', 'sub-branch']]);
    const person = { action: 'member.update', entity: 'member', entityId: 'm', before: { name: '张晓梅' }, after: { name: '张小梅' } };
    expect(describeChange(person, 'zh', {})[0]!.label).toBe('姓名');
    expect(formatValue('head_office', 'kind', 'zh', {})).toBe('总行');
    expect(formatValue('cancelled', 'status', 'zh', {})).toBe('已取消');
    expect(formatValue('closed', 'visibility', 'zh', {})).toBe('封闭（仅用于考试）');
    expect(formatValue('closed', 'status', 'zh', {})).toBe('已结束');
    expect(formatValue(['employee', 'hr', 'admin'], 'roles', 'zh', {})).toBe('员工、人力/考核、系统管理员');
  });

  it('every kind, status, state, visibility and recurrence the schema allows has a word in both languages', () => {
    // Values of the columns audited entries copy (org units, exams, assignments, imports, attempts,
    // contests, rounds). Attempt events' kinds (focus_loss …) and live host events' kinds (lock, judge …:
    // their audit entries are named by action, see ACTION_LABELS) are not values an entry shows.
    const values = new Set<string>();
    for (const f of files(join(root, 'supabase/migrations'), '.sql')) {
      for (const m of readFileSync(f, 'utf8').matchAll(/check \((?:kind|status|state|visibility|recurrence) in \(([^)]*)\)/g)) {
        if (m[1]!.includes("'focus_loss'") || m[1]!.includes("'judge'")) continue;
        for (const v of m[1]!.matchAll(/'([a-z_]+)'/g)) values.add(v[1]!);
      }
    }
    expect(values).toContain('sub_branch');
    expect(values).toContain('cancelled');
    const missing = [...values].filter((v) => !VALUE_LABELS.zh[v] || !VALUE_LABELS.en[v]);
    expect(missing).toEqual([]);
  });
});
