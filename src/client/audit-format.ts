// Audit entries as a person reads them: before/after as a list of labelled fields, times in
// Beijing time (Asia/Shanghai: the bank's time, whatever the reader's machine says), names instead
// of ids (the API sends id → name for the ids the reader may see), codes as words. Pure functions,
// unit-tested in tests/unit/client/audit-format.test.ts.
import { FIELD_LABELS, THING_NAME_LABEL, VALUE_LABELS } from '../i18n/hr.ts';

export type Lang = 'zh' | 'en';
export interface ChangeRow { key: string; label: string; from: string | null; to: string; changed: boolean }
interface EntryLike { action: string; entity: string; entityId: string; before: unknown; after: unknown }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Keys no reader needs (internal ids, file hashes). */
const HIDDEN = new Set(['user_id', 'sha256', 'fileHash', 'ruleChangeId', 'requestId']);
/** Keys whose string values are words from a fixed vocabulary. */
const WORD_KEYS = new Set(['state', 'status', 'kind', 'recurrence', 'visibility', 'roles']);

/** 2026-12-31 23:59 in Beijing time. */
export function formatShanghai(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const shortId = (id: string) => `#${id.slice(0, 8)}`;
const num = (n: number) => String(Math.round(n * 100) / 100);

function target(t: Record<string, unknown>, lang: Lang, names: Record<string, string>): string {
  const kind = String(t.kind ?? '');
  const id = typeof t.id === 'string' ? t.id : null;
  const name = id ? names[id] ?? (typeof t.label === 'string' ? t.label : shortId(id)) : String(t.value ?? '');
  if (kind === 'org' || kind === 'org_unit') {
    const sub = t.subtree === false ? '' : lang === 'zh' ? '（含下级）' : ' (and units below)';
    return `${lang === 'zh' ? '机构' : 'Unit'}：${name}${sub}`;
  }
  if (kind === 'position') return `${lang === 'zh' ? '岗位' : 'Position'}：${name}`;
  if (kind === 'member') return `${lang === 'zh' ? '人员' : 'Person'}：${name}`;
  return name;
}

/** One value as text: '—' for nothing, words for codes, names for ids, Beijing time for timestamps. */
export function formatValue(v: unknown, key: string, lang: Lang, names: Record<string, string>): string {
  if (v === null || v === undefined || v === '') return '—';
  const words = VALUE_LABELS[lang];
  if (typeof v === 'boolean') return words[String(v)]!;
  if (typeof v === 'number') return key === 'percent' ? `${num(v)}%` : num(v);
  if (typeof v === 'string') {
    if (UUID.test(v)) return names[v.toLowerCase()] ?? names[v] ?? shortId(v);
    if (ISO_TIME.test(v)) return formatShanghai(v);
    if (names[v] && (key === 'bank' || key === 'lessonIds' || key === 'bankId')) return names[v]!;
    // A word that means something else for one key (a bank's closed visibility is not a finished contest).
    if (WORD_KEYS.has(key) && (words[`${key}.${v}`] ?? words[v])) return (words[`${key}.${v}`] ?? words[v])!;
    return v.length > 120 ? `${v.slice(0, 119)}…` : v;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '—';
    if (key === 'targets') return v.map((t) => target((t ?? {}) as Record<string, unknown>, lang, names)).join('；');
    return v.slice(0, 12).map((x) => formatValue(x, key, lang, names)).join('、') + (v.length > 12 ? ` …（${v.length}）` : '');
  }
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).filter(([k]) => !HIDDEN.has(k))
      .map(([k, x]) => `${FIELD_LABELS[lang][k] ?? k}：${formatValue(x, k, lang, names)}`).join('；');
  }
  return String(v);
}

const asObj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function scoreText(t: Record<string, unknown> | null): string {
  if (!t || t.score === null || t.score === undefined) return '—';
  return `${num(Number(t.score))} / ${t.maxScore === null || t.maxScore === undefined ? '—' : num(Number(t.maxScore))}`;
}

/** The score part of a regrade or manual mark: always shown, also when it did not change (that is the answer). */
function totalsRows(b: Record<string, unknown> | null, a: Record<string, unknown> | null, lang: Lang, names: Record<string, string>): ChangeRow[] {
  const L = FIELD_LABELS[lang];
  const rows: ChangeRow[] = [{ key: 'score', label: L.score!, from: scoreText(b), to: scoreText(a), changed: scoreText(b) !== scoreText(a) }];
  for (const k of ['percent', 'passed']) {
    rows.push({ key: k, label: L[k]!, from: formatValue(b?.[k], k, lang, names), to: formatValue(a?.[k], k, lang, names), changed: !same(b?.[k], a?.[k]) });
  }
  if (a?.needsGrading || b?.needsGrading) {
    rows.push({ key: 'needsGrading', label: L.needsGrading!, from: formatValue(b?.needsGrading, 'needsGrading', lang, names), to: formatValue(a?.needsGrading, 'needsGrading', lang, names), changed: !same(b?.needsGrading, a?.needsGrading) });
  }
  return rows;
}

const slotLabel = (n: unknown, lang: Lang) => (lang === 'zh' ? `第${String(n)}题` : `Question ${String(n)}`);
function slotText(s: Record<string, unknown> | undefined, lang: Lang, names: Record<string, string>): string {
  if (!s) return '—';
  const mark = s.mark === null || s.mark === undefined ? '—' : num(Number(s.mark));
  return s.state ? `${mark}（${formatValue(s.state, 'state', lang, names)}）` : mark;
}

/** before/after of an entry as labelled rows. A creation (no before) lists what was set. */
export function describeChange(e: EntryLike, lang: Lang, names: Record<string, string>): ChangeRow[] {
  const b = asObj(e.before);
  const a = asObj(e.after);
  const L = FIELD_LABELS[lang];
  if (e.action === 'attempt.regrade') {
    const rows = totalsRows(b, a, lang, names);
    const bs = (Array.isArray(b?.slots) ? b!.slots : []) as Record<string, unknown>[];
    const as = (Array.isArray(a?.slots) ? a!.slots : []) as Record<string, unknown>[];
    for (const s of as) {
      const old = bs.find((x) => x.slot === s.slot);
      if (!same(old?.mark, s.mark) || !same(old?.state, s.state)) {
        rows.push({ key: `slot${String(s.slot)}`, label: slotLabel(s.slot, lang), from: slotText(old, lang, names), to: slotText(s, lang, names), changed: true });
      }
    }
    return rows;
  }
  if (e.action === 'attempt.manual_grade') {
    const rows: ChangeRow[] = [{
      key: 'slot', label: slotLabel(a?.slot ?? b?.slot, lang), from: slotText(b ?? undefined, lang, names), to: slotText(a ?? undefined, lang, names),
      changed: !same(b?.mark, a?.mark) || !same(b?.state, a?.state),
    }];
    if (!same(b?.comment, a?.comment)) rows.push({ key: 'comment', label: L.comment!, from: formatValue(b?.comment, 'comment', lang, names), to: formatValue(a?.comment, 'comment', lang, names), changed: true });
    return [...rows, ...totalsRows(asObj(b?.attempt), asObj(a?.attempt), lang, names)];
  }
  // jsonb stores keys in its own order; show them in the order of FIELD_LABELS (what, then when, then who).
  const order = Object.keys(L);
  const rank = (k: string) => (order.indexOf(k) === -1 ? order.length : order.indexOf(k));
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((k) => !HIDDEN.has(k)).sort((x, y) => rank(x) - rank(y));
  const rows: ChangeRow[] = [];
  for (const k of keys) {
    // A unit's (bank's, season's …) name is its 名称; 姓名 is a person's.
    const label = k === 'name' && e.entity !== 'member' ? THING_NAME_LABEL[lang] : L[k] ?? k;
    if (!b) {
      if (a![k] === null || a![k] === undefined || (Array.isArray(a![k]) && (a![k] as unknown[]).length === 0)) continue;
      rows.push({ key: k, label, from: null, to: formatValue(a![k], k, lang, names), changed: true });
    } else if (!same(b[k], a?.[k])) {
      rows.push({ key: k, label, from: formatValue(b[k], k, lang, names), to: formatValue(a?.[k], k, lang, names), changed: true });
    }
  }
  return rows.slice(0, 14);
}

/** Reasons the server writes as codes, in words. */
export function reasonText(reason: string | null, lang: Lang, names: Record<string, string>): string {
  if (!reason) return '';
  if (reason === 'initial_password') return lang === 'zh' ? '首次登录修改初始密码' : 'Initial password changed at first sign-in';
  if (reason === 'withdrawn') return lang === 'zh' ? '撤销豁免' : 'Exemption withdrawn';
  const m = /^roster_import:([0-9a-f-]{36})$/i.exec(reason);
  if (m) return `${lang === 'zh' ? '名单导入：' : 'Roster import: '}${names[m[1]!.toLowerCase()] ?? shortId(m[1]!)}`;
  return reason;
}

const ENTITY_KINDS: Record<Lang, Record<string, string>> = {
  zh: { contest: '竞赛', live_contest: '现场赛', season: '赛季', bank: '题库', org_unit: '机构', roster_import: '名单导入', assignment: '必修任务', exam: '考试', member: '人员', lesson: '课程', question: '题目', instrument: '法规', import: '题目导入' },
  en: { contest: 'Contest', live_contest: 'Live contest', season: 'Season', bank: 'Bank', org_unit: 'Org unit', roster_import: 'Roster import', assignment: 'Assignment', exam: 'Exam', member: 'Person', lesson: 'Lesson', question: 'Question', instrument: 'Rule', import: 'Question import' },
};

/** What the entry is about when it is not a person (contest, bank, org unit, …): kind and name. */
export function entityText(e: EntryLike, lang: Lang, names: Record<string, string>): string | null {
  const kind = ENTITY_KINDS[lang][e.entity];
  if (!kind) return null;
  const id = e.entityId.split(':')[0] ?? '';
  const name = names[id.toLowerCase()] ?? names[id] ?? (UUID.test(id) ? shortId(id) : id);
  return `${kind}：${name}`;
}
