// POST /api/manage/question-actions   bulk actions on the bank table
//   {action: 'tag' | 'untag', ids, tags} | {action: 'retire' | 'restore', ids, reason?}
//   | {action: 'move', ids, targetBankId} | {action: 'copy', ids, targetBankId}   → {changed, results?}
// Every id must be in a bank the caller manages (copy: any bank whose keys they may read, e.g. the
// official bank); retire/restore/move are audited by the database.
import type { Config } from '@netlify/functions';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireTrainer } from './_lib/banks/banks.ts';
import { bulk, BulkSchema } from './_lib/banks/questions.ts';

export default handle({
  async POST(req) {
    const claims = await requireUser(req);
    const body = await readJson(req, BulkSchema);
    return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return bulk(tx, body); }));
  },
});

export const config: Config = { path: '/api/manage/question-actions' };
