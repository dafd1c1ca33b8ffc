// GET   /api/assignments/:assignmentId          trainer/HR/admin in scope: the assignment with its status counts and its people
// PATCH /api/assignments/:assignmentId          {status: 'cancelled', reason}: cancel (audited; the record stays)
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { assignmentPeople, cancelAssignment, getAssignment } from './_lib/assignments.ts';

const PatchSchema = z.strictObject({
  status: z.literal('cancelled'),
  reason: z.string().trim().min(2, 'Say why the assignment is cancelled (kept in the audit log).').max(500),
});

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'assignmentId', 'assignment');
    return json(await asUser(claims, async (tx) => ({ ...(await getAssignment(tx, id)), people: await assignmentPeople(tx, id) })));
  },
  async PATCH(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'assignmentId', 'assignment');
    const body = await readJson(req, PatchSchema);
    return json(await asUser(claims, (tx) => cancelAssignment(tx, id, body.reason)));
  },
});

export const config: Config = { path: '/api/assignments/:assignmentId' };
