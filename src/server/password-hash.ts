// Initial passwords (roster import, accounts an administrator creates, password resets).
//
// An initial password is random — 12 characters from a 57-character alphabet, about 69 bits — and
// is kept only as its SHA-256 (app.initial_passwords) until its first use. A bulk import creates
// 20,000 accounts: bcrypt for each at commit time took minutes on the 2-core machine
// (bench/RESULTS.md, "Roster import"); a SHA-256 takes microseconds, and for a random secret of
// this size it is as safe to keep as an API token's digest (no dictionary to try, 2^69 guesses).
// At the first sign-in with it, functions/sign-in.ts replaces it with a bcrypt hash at the normal
// sign-in cost, computed here on a worker thread so the server's event loop stays free.
import { createHash, randomInt } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

/** The cost local auth uses (src/server/local-auth.ts hashPassword) and Supabase Auth defaults to. */
export const SIGN_IN_BCRYPT_COST = 10;
// No 0/O, 1/l/I: people copy these from a printed list.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random initial password: 12 characters, at least one upper, lower and digit. */
export function initialPassword(): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 12; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[2-9]/.test(s)) return s;
  }
}

/** What app.initial_passwords keeps of an initial password. */
export const passwordSha256 = (password: string): string => createHash('sha256').update(password, 'utf8').digest('hex');

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.postMessage(bcrypt.hashSync(workerData.password, workerData.cost));
`;

/** bcrypt hash of one password on a short-lived worker thread (~90 ms of CPU at cost 10). */
export function hashPasswordOffThread(password: string, cost = SIGN_IN_BCRYPT_COST): Promise<string> {
  const bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath, password, cost } });
    worker.once('message', (hash: string) => {
      resolve(hash);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
