// PUT    /api/assignments/:assignmentId/people/:member/exemption   HR/admin managing the person: {reason} → exempt (豁免), audited
// DELETE /api/assignments/:assignmentId/people/:member/exemption   {reason}: withdraw the exemption, audited
// :member is an employee number (工号) or a member id.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { badRequest, handle, json, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { idParam } from './_lib/params.ts';
import { setExemption } from './_lib/assignments.ts';

const ReasonSchema = z.strictObject({
  reason: z.string().trim().min(2, 'Give the reason (at least 2 characters).').max(500),
});

function memberParam(params: Record<string, string | undefined>): string {
  const m = params.member ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(m)) {
    throw badRequest('The person in the path must be an employee number or a member id.',
      { code: 'invalid_fields', errors: { member: 'not an employee number' }, fieldCodes: { member: { code: 'bad_employee_no' } } });
  }
  return m;
}

export default handle({
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'assignmentId', 'assignment');
    const member = memberParam(params);
    const { reason } = await readJson(req, ReasonSchema);
    return json(await asUser(claims, (tx) => setExemption(tx, id, member, reason)));
  },
  async DELETE(req, { params }) {
    const claims = await requireUser(req);
    const id = idParam(params, 'assignmentId', 'assignment');
    const member = memberParam(params);
    await readJson(req, ReasonSchema);
    return json(await asUser(claims, (tx) => setExemption(tx, id, member, null)));
  },
});

export const config: Config = { path: '/api/assignments/:assignmentId/people/:member/exemption' };
