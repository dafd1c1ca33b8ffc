// Reading progress queries, shared by functions/lesson-progress.ts and functions/progress.ts.
// Everything runs inside asUser(): RLS limits lesson_progress writes to the caller's own rows; the
// reads filter to the caller explicitly because trainers/HR may also SEE their subtree's rows.
import { MODULES, MODULE_TITLES } from '../../src/content/schemas.ts';
import type { Tx } from './db.ts';

export const HOW = ['explicit', 'reached_end'] as const;
export type How = (typeof HOW)[number];

export interface LessonProgressRow { lessonId: string; readAt: string; how: How }

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** The caller's member id, or null when the signed-in user is not on the roster. */
export async function currentMemberId(tx: Tx): Promise<string | null> {
  const [row] = await tx`select app_private.current_member_id() as id`;
  return (row?.id as string | null) ?? null;
}

/** True when the lesson is published (exists and is not retired). */
export async function lessonIsPublished(tx: Tx, lessonId: string): Promise<boolean> {
  const [row] = await tx`select 1 as ok from app.lessons where id = ${lessonId} and retired_at is null`;
  return Boolean(row);
}

/**
 * Marks a lesson read. Idempotent: the first mark wins (its time and how are kept), later calls
 * return it unchanged — "when did I first finish this" is what the dashboard and HR want.
 */
export async function markRead(tx: Tx, memberId: string, lessonId: string, how: How): Promise<LessonProgressRow & { created: boolean }> {
  const inserted = await tx`
    insert into app.lesson_progress (member_id, lesson_id, how)
    values (${memberId}, ${lessonId}, ${how})
    on conflict (member_id, lesson_id) do nothing
    returning read_at, how`;
  const row = inserted[0] ?? (await tx`
    select read_at, how from app.lesson_progress where member_id = ${memberId} and lesson_id = ${lessonId}`)[0];
  return { lessonId, readAt: iso(row!.read_at), how: row!.how as How, created: inserted.length > 0 };
}

export interface ModuleProgress {
  module: string;
  title: string;
  total: number;
  read: number;
  lessons: Array<{ id: string; title: string; order: number; readAt: string | null }>;
}

/** Published lessons per module (in MODULES order) with the caller's read time. */
export async function progressByModule(tx: Tx, memberId: string): Promise<{ total: number; read: number; modules: ModuleProgress[] }> {
  const rows = await tx`
    select l.id, l.title, l.module, l.sort_order, p.read_at
    from app.lessons l
    left join app.lesson_progress p on p.lesson_id = l.id and p.member_id = ${memberId}
    where l.retired_at is null
    order by l.sort_order, l.id`;
  const known = MODULES as readonly string[];
  const moduleIds = [...known, ...new Set(rows.map((r) => r.module as string).filter((m) => !known.includes(m)))];
  const modules = moduleIds.map((module): ModuleProgress => {
    const lessons = rows
      .filter((r) => r.module === module)
      .map((r) => ({ id: r.id as string, title: r.title as string, order: r.sort_order as number, readAt: r.read_at ? iso(r.read_at) : null }));
    return {
      module,
      title: MODULE_TITLES[module as keyof typeof MODULE_TITLES] ?? module,
      total: lessons.length,
      read: lessons.filter((l) => l.readAt).length,
      lessons,
    };
  }).filter((m) => m.total > 0);
  return {
    total: modules.reduce((n, m) => n + m.total, 0),
    read: modules.reduce((n, m) => n + m.read, 0),
    modules,
  };
}
