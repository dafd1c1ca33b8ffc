// HR/admin completion reports (RLS: HR reads their subtree's rows). One file, one path per view:
// GET /api/reports/completion?period=2026Q4&org=QD&basis=period_end|current|assigned&assignmentId=
//       per child org unit of `org`: assigned, completed, late, overdue, in progress, not started, exempt, passed,
//       at risk, completion/on-time/participation rates, average and best score; the total; score distribution
// GET /api/reports/people?…&direct=1&q=&limit=&offset=     the people under `org` (the last drill-down level)
// GET /api/reports/person?assignmentId=&memberId=          one person's attempts, and which count per the grading method
// GET /api/reports/trend?org=&basis=&periods=8             completion and on-time rate and average score per period
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, notFound, parseWith } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireHr } from './_lib/assignments.ts';
import { BASES, completionReport, PeopleQuerySchema, personAttempts, ReportQuerySchema, reportPeople, trend } from './_lib/reports.ts';

const PersonSchema = z.strictObject({ assignmentId: z.uuid('assignmentId must be an assignment id.'), memberId: z.uuid('memberId must be a member id.') });
const TrendSchema = z.strictObject({
  org: z.string().min(1).max(64).optional(),
  basis: z.enum(BASES).default('period_end'),
  periods: z.coerce.number().int().min(1).max(24).default(8),
});

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const query = Object.fromEntries(new URL(req.url).searchParams);
    const msg = 'The query has invalid parameters.';
    switch (params.view) {
      case 'completion': {
        const q = parseWith(ReportQuerySchema, query, msg);
        return json(await asUser(claims, async (tx) => completionReport(tx, await requireHr(tx), q)));
      }
      case 'people': {
        const q = parseWith(PeopleQuerySchema, query, msg);
        return json(await asUser(claims, async (tx) => reportPeople(tx, await requireHr(tx), q)));
      }
      case 'person': {
        const q = parseWith(PersonSchema, query, msg);
        return json(await asUser(claims, async (tx) => { await requireHr(tx); return personAttempts(tx, q.assignmentId, q.memberId); }));
      }
      case 'trend': {
        const q = parseWith(TrendSchema, query, msg);
        return json({ periods: await asUser(claims, async (tx) => trend(tx, await requireHr(tx), q)) });
      }
      default:
        throw notFound('Reports: use /api/reports/completion, /people, /person, /trend or /export.', { code: 'not_found' });
    }
  },
});

export const config: Config = { path: '/api/reports/:view' };
