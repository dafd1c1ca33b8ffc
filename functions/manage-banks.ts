// GET   /api/manage/banks                 trainer/admin: banks I can see (open ones and my subtree's), units I may create banks for
// POST  /api/manage/banks                 {name, description?, orgUnitId, visibility?} → 201 {bank}   (new banks are closed unless said)
// GET   /api/manage/banks/:bankId         → {bank}
// PATCH /api/manage/banks/:bankId         {name?, description?, visibility?, reason?} → {bank}   (audited by triggers)
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, methodNotAllowed, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { createBank, listBanks, loadBank, manageableUnits, requireTrainer, updateBank } from './_lib/banks/banks.ts';

const name = z.string().trim().min(1, 'Give the bank a name.').max(200, 'At most 200 characters.');
const CreateSchema = z.strictObject({
  name,
  description: z.string().max(2000).default(''),
  orgUnitId: z.uuid('Choose one of the units you manage.'),
  visibility: z.enum(['open', 'closed']).default('closed'),
});
const PatchSchema = z.strictObject({
  name: name.optional(),
  description: z.string().max(2000).optional(),
  visibility: z.enum(['open', 'closed']).optional(),
  reason: z.string().max(500).optional(),
}).refine((p) => p.name !== undefined || p.description !== undefined || p.visibility !== undefined, 'Send name, description or visibility.');

const bankIdOf = (params: Record<string, string | undefined>) => params.bankId ?? null;

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = bankIdOf(params);
    return json(await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      if (id) return { bank: await loadBank(tx, id) };
      return { banks: await listBanks(tx), units: await manageableUnits(tx) };
    }));
  },
  async POST(req, { params }) {
    if (bankIdOf(params)) throw methodNotAllowed(['GET', 'PATCH']);
    const claims = await requireUser(req);
    const body = await readJson(req, CreateSchema);
    const bank = await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      return createBank(tx, body);
    });
    return json({ bank }, 201);
  },
  async PATCH(req, { params }) {
    const claims = await requireUser(req);
    const id = bankIdOf(params);
    const body = await readJson(req, PatchSchema);
    return json({ bank: await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      return updateBank(tx, id ?? '', body);
    }) });
  },
});

export const config: Config = { path: ['/api/manage/banks', '/api/manage/banks/:bankId'] };
