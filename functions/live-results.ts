// GET /api/live-results                    my live-contest records (one per live contest I sat in when it ended)
// GET /api/live-results?member=<工号 or id> a person's records, for trainers/HR/admins whose subtree holds them
//   → {person: {name, employeeNo}, records: [{contestId, contestTitle, finishedAt, teamName, teamRank, teamsCount,
//      teamScore, answered, correct, personalPoints, allQuestions, roundScore, roundMax}]}
// The records are written when the host ends a live contest (functions/live-host.ts →
// functions/_lib/live-results.ts); RLS on app.live_results decides who reads which.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { badRequest, forbidden, handle, json, notFound } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { loadMe } from './_lib/members.ts';
import { recordsOf } from './_lib/live-results.ts';
import { singleLine } from '../src/core/text.ts';

const MemberRef = z.string().trim().min(1).max(64).superRefine(singleLine);

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const raw = new URL(req.url).searchParams.get('member');
    const ref = raw === null ? null : MemberRef.safeParse(raw);
    if (ref && !ref.success) throw badRequest('Give the person’s employee number (工号) or id.', { errors: { member: 'Give an employee number such as E1013.' } });
    const body = await asUser(claims, async (tx) => {
      const me = await loadMe(tx);
      if (!me) throw notFound('Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.');
      if (!ref || ref.data === me.employeeNo || ref.data === me.memberId) {
        return { person: { name: me.name, employeeNo: me.employeeNo }, records: await recordsOf(tx, me.memberId) };
      }
      if (!me.roles.some((r) => r === 'trainer' || r === 'hr' || r === 'admin')) {
        throw forbidden('Only trainers, HR and administrators can read other people’s training records.');
      }
      // RLS on members shows only people in the caller's scope; can_see_member is the policy of the records.
      const [p] = await tx`select m.id, m.name, m.employee_no, app_private.can_see_member(m.id) as sees from app.members m
        where m.employee_no = ${ref.data} or m.id::text = ${ref.data.toLowerCase()} limit 1`;
      if (!p || !p.sees) throw notFound(`There is no employee "${ref.data}" in the part of the organisation you manage.`);
      return { person: { name: p.name as string, employeeNo: p.employee_no as string }, records: await recordsOf(tx, p.id as string) };
    });
    return json(body);
  },
});

export const config: Config = { path: '/api/live-results' };
