// Shared by the reading-progress islands: the /api/progress payload and one cached request per page.
// api.ts (and supabase-js with it) is imported lazily, only for signed-in visitors.
import { hasStoredSession } from '../client/session-hint.ts';

export interface LessonProgress { id: string; title: string; order: number; readAt: string | null }
export interface ModuleProgress { module: string; title: string; total: number; read: number; lessons: LessonProgress[] }
export interface ProgressPayload { total: number; read: number; modules: ModuleProgress[] }

let inflight: Promise<ProgressPayload> | null = null;

/** GET /api/progress (null when nobody is signed in). Concurrent islands share one request. */
export function fetchProgress(fresh = false): Promise<ProgressPayload | null> {
  if (!hasStoredSession()) return Promise.resolve(null);
  if (fresh) inflight = null;
  inflight ??= import('../client/api.ts').then(({ api }) => api<ProgressPayload>('/api/progress', { signInOn401: false }));
  return inflight;
}

export async function markLessonRead(lessonId: string, how: 'explicit' | 'reached_end'): Promise<{ lessonId: string; readAt: string; how: string }> {
  const { api } = await import('../client/api.ts');
  inflight = null;
  return api(`/api/lessons/${encodeURIComponent(lessonId)}/progress`, { method: 'PUT', body: { how } });
}

export const fmt = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

export function formatDate(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(locale === 'en' ? 'en-GB' : 'zh-CN', { year: 'numeric', month: 'long', day: 'numeric' });
}
