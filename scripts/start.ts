// `npm start`: ONE local server on 127.0.0.1 (PORT, default 8888) — static site, the Netlify
// Functions warm and in-process, local auth, and an embedded PGlite database unless DATABASE_URL is
// set. See src/server/local-server.ts.
//
//   npm start                            the default: functions loaded once, kept warm
//   npm start -- --netlify-functions     Netlify's full local emulation (XB_FUNCTIONS=netlify):
//                                        rebuilds each function on every call, for editing them
import path from 'node:path';
import { startLocalServer, type FunctionsMode } from '../src/server/local-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(root, process.env.DATA_DIR ?? '.data');
const port = Number(process.env.PORT ?? 8888);
const log = (line: string) => console.log(`[xiaobao] ${line}`);

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a number between 0 and 65535 (got "${process.env.PORT}").`);
  process.exit(1);
}
const mode: FunctionsMode = process.argv.includes('--netlify-functions') || process.env.XB_FUNCTIONS === 'netlify' ? 'netlify' : 'warm';

// A function's stray promise must not take the server (and everyone's exam) down.
process.on('unhandledRejection', (reason) => console.error('[xiaobao] unhandled rejection (the server keeps running):', reason));

let server: Awaited<ReturnType<typeof startLocalServer>> | null = null;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping …`);
  await server?.stop();
  log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  // BUILD_SITE=false skips the site build check (API-only runs: benchmarks, tests of the API).
  server = await startLocalServer({ root, dataDir, port, functions: mode, watch: mode === 'warm', buildSite: process.env.BUILD_SITE !== 'false', log });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`[xiaobao] failed to start: port ${port} is in use. Stop the other server or run with PORT=<another port>.`);
  else console.error(`[xiaobao] failed to start: ${e.message}`);
  process.exit(1);
}

const baseUrl = server.url;
console.log('');
console.log(`  消保学堂 is running at ${baseUrl}/   (English: ${baseUrl}/en/)`);
if (server.accounts.length) {
  console.log('');
  console.log(`  Demo accounts (also in ${path.relative(root, path.join(dataDir, 'demo-accounts.json'))}):`);
  for (const a of server.accounts) console.log(`    ${a.role.padEnd(9)} ${a.email.padEnd(30)} ${a.password}   ${a.name} · ${a.org}`);
}
console.log('');
console.log('  Press Ctrl-C to stop.');
