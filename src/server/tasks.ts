// Work the local server does at start besides serving requests: publishing content. (Scheduled
// functions run on their own cron schedule: src/server/functions-host.ts.)
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
