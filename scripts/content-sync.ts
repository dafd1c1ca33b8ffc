// `npm run content:sync`: publish content/ into the database at DATABASE_URL (production: run after
// each deploy; the local server does this on every start). Idempotent.
import { openSql } from '../src/server/sql.ts';
import { syncContent } from '../src/server/content-sync.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to the database to publish into (for Supabase: the pooler connection string).');
  process.exit(1);
}
const sql = openSql(url);
try {
  const r = await syncContent(sql);
  console.log(JSON.stringify(r, null, 2));
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await sql.end();
}
