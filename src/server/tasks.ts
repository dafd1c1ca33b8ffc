// Work the local server does besides serving requests: publishing content on start and running
// scheduled functions on a timer (Netlify runs them on its scheduler in production).
import type { Sql } from './sql.ts';
import { syncContent } from './content-sync.ts';

type Task = { name: string; run: (sql: Sql, log: (s: string) => void) => Promise<void> };

export const startupTasks: Task[] = [
  {
    name: 'content-sync',
    async run(sql, log) {
      const r = await syncContent(sql);
      const q = r.questions;
      log(`content: ${q.created} new, ${q.versioned} changed, ${q.unchanged} unchanged, ${q.retired} retired questions; ${r.lessons} lessons and ${r.instruments} instruments updated`);
    },
  },
];

export async function runStartupTasks(sql: Sql, log: (s: string) => void): Promise<void> {
  for (const t of startupTasks) await t.run(sql, log);
}

/** Scheduled functions (config.schedule) that the local server invokes every minute. */
export const scheduledFunctions: string[] = ['finalise-overdue'];

export function startTimers(baseUrl: string, log: (s: string) => void): () => Promise<void> {
  const timers = scheduledFunctions.map((name) =>
    setInterval(() => {
      fetch(`${baseUrl}/.netlify/functions/${name}`, { method: 'POST' })
        .then((r) => { if (!r.ok) log(`scheduled function ${name} answered ${r.status}`); })
        .catch((err) => log(`scheduled function ${name} failed: ${(err as Error).message}`));
    }, 60_000),
  );
  return async () => timers.forEach(clearInterval);
}
