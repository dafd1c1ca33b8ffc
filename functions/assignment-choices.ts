// GET /api/assignments/choices   trainer/HR/admin: exams, lessons, org units and positions the new-assignment form offers
import type { Config } from '@netlify/functions';
import { handle, json } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { assignmentChoices } from './_lib/assignments.ts';

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    return json(await asUser(claims, (tx) => assignmentChoices(tx)));
  },
});

export const config: Config = { path: '/api/assignments/choices' };
