// Scheduled every minute (Netlify's scheduler in production; the local server's timer in the
// embedded mode, see src/server/tasks.ts): finalises every in-progress attempt past deadline +
// grace with its saved responses (state auto_submitted, graded). The same code runs lazily when
// an overdue attempt is read (functions/_lib/grading.ts).
import type { Config } from '@netlify/functions';
import { finaliseOverdueAttempts } from './_lib/grading.ts';

export default async (_req?: Request): Promise<Response> => {
  const r = await finaliseOverdueAttempts();
  if (r.finalised || r.failed) console.log(`[finalise-overdue] finalised ${r.finalised}, failed ${r.failed}`);
  return new Response(JSON.stringify(r), { status: 200, headers: { 'content-type': 'application/json' } });
};

export const config: Config = { schedule: '* * * * *' };
