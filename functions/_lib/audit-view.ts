// Names for the ids an audit entry carries (its entity, the ids inside before/after such as
// `by`, `examId`, `org_unit_id`, `targets[].id`, and the roster import a reason points at), so the
// audit log page shows 张晓梅（E1001）/ 市南支行 / 2026Q4 消保必考 instead of UUIDs. Looked up in
// the caller's transaction: RLS decides which names they may read; an id they may not read stays
// unnamed (the page then shows a short id).
import type { Tx } from './db.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keys whose string values are text ids (banks, lessons) rather than UUIDs. */
const TEXT_ID_KEYS = new Set(['bank', 'bankId', 'lessonIds', 'lessonId']);

interface EntryLike { entity: string; entityId: string; before: unknown; after: unknown; reason: string | null }

function collect(v: unknown, key: string, uuids: Set<string>, textIds: Set<string>, depth: number): void {
  if (depth > 4 || v === null || v === undefined) return;
  if (typeof v === 'string') {
    if (UUID.test(v)) uuids.add(v.toLowerCase());
    else if (TEXT_ID_KEYS.has(key) && v.length <= 80) textIds.add(v);
    return;
  }
  if (Array.isArray(v)) { for (const x of v.slice(0, 200)) collect(x, key, uuids, textIds, depth + 1); return; }
  if (typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) collect(x, k, uuids, textIds, depth + 1);
}

/** id → display name for every id the entries mention that the caller may read. */
export async function auditNames(tx: Tx, entries: readonly EntryLike[]): Promise<Record<string, string>> {
  const uuids = new Set<string>();
  const textIds = new Set<string>();
  for (const e of entries) {
    const head = e.entityId.split(':')[0] ?? '';
    if (UUID.test(head)) uuids.add(head.toLowerCase());
    else if (e.entity === 'bank' || e.entity === 'lesson') textIds.add(head);
    collect(e.before, '', uuids, textIds, 0);
    collect(e.after, '', uuids, textIds, 0);
    const m = /^roster_import:([0-9a-f-]{36})$/i.exec(e.reason ?? '');
    if (m) uuids.add(m[1]!.toLowerCase());
  }
  if (uuids.size === 0 && textIds.size === 0) return {};
  const u = [...uuids];
  const t = [...textIds];
  // One statement: each table under the caller's RLS. The id lists go in as JSON, as elsewhere in
  // functions/_lib (a bare JS array parameter was refused by PGlite); only well-formed UUIDs reach the cast.
  const rows = await tx`
    with u as (select jsonb_array_elements_text(${tx.json(u)})::uuid as id),
         t as (select jsonb_array_elements_text(${tx.json(t)}) as id)
    select id::text as id, name || '（' || employee_no || '）' as name from app.members where id in (select id from u)
    union all select id::text, name from app.org_units where id in (select id from u)
    union all select id::text, title from app.exams where id in (select id from u)
    union all select id::text, title from app.assignments where id in (select id from u)
    union all select id::text, title from app.contests where id in (select id from u)
    union all select id::text, title from app.live_contests where id in (select id from u)
    union all select id::text, title from app.seasons where id in (select id from u)
    union all select id::text, file_name from app.roster_imports where id in (select id from u)
    union all select id, name from app.banks where id in (select id from t)
    union all select id, title from app.lessons where id in (select id from t)`;
  const names: Record<string, string> = {};
  for (const r of rows) names[r.id as string] = r.name as string;
  return names;
}
