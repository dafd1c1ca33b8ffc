// GET  /api/assignments?period=2026Q4   trainer/HR/admin: assignments of units in my scope, with status counts
// POST /api/assignments                 trainer/HR/admin: assign an exam and/or lessons to org units, positions or people
//   {title, period, examId?, lessonIds?, targets: {orgUnits: [{unit, subtree}], positions, members}, startsAt, dueAt,
//    recurrence?: 'none'|'quarterly', ownerOrgUnit?}  → 201 {id, people}
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, parseWith, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { createAssignment, CreateAssignmentSchema, listAssignments, requireManager } from './_lib/assignments.ts';
import { PeriodSchema } from '../src/core/completion.ts';

const ListSchema = z.strictObject({ period: PeriodSchema.optional() });

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const q = parseWith(ListSchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    return json({
      assignments: await asUser(claims, async (tx) => {
        await requireManager(tx);
        return listAssignments(tx, { period: q.period });
      }),
    });
  },
  async POST(req) {
    const claims = await requireUser(req);
    const input = await readJson(req, CreateAssignmentSchema);
    return json(await asUser(claims, (tx) => createAssignment(tx, input)), 201);
  },
});

export const config: Config = { path: '/api/assignments' };
