// Scheduled daily (Netlify's scheduler in production; the local server's timer in the embedded mode):
// creates the next quarter's occurrence of quarterly assignments whose next quarter starts within
// 14 days, and adds people who came into scope (new hires, moves) to assignments not yet due.
// Idempotent: running it twice changes nothing the second time.
import type { Config } from '@netlify/functions';
import { asService } from './_lib/db.ts';
import { runDailyAssignments } from './_lib/assignments.ts';

export default async (_req?: Request): Promise<Response> => {
  const r = await asService((tx) => runDailyAssignments(tx));
  if (r.created || r.added) console.log(`[assignments-daily] ${r.created} next occurrence(s), ${r.added} people added`);
  return new Response(JSON.stringify(r), { status: 200, headers: { 'content-type': 'application/json' } });
};

export const config: Config = { schedule: '17 2 * * *' };
