import type { Config } from '@netlify/functions';
import { handle, json, HttpProblem } from './_lib/http.ts';
import { ping } from './_lib/db.ts';

export default handle({
  async GET() {
    try {
      const { schemaVersion } = await ping();
      return json({ status: 'ok', database: 'reachable', schemaVersion });
    } catch (err) {
      console.error('[health] database unreachable', err);
      throw new HttpProblem(503, 'Service Unavailable', 'The database is not reachable.', { database: 'unreachable' });
    }
  },
});

export const config: Config = { path: '/api/health' };
