// PUT /api/lessons/:lessonId/progress {how: 'explicit'|'reached_end'} — mark a lesson read.
// Idempotent (the first mark is kept and returned). 404 for an unknown or retired lesson.
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, notFound, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { HOW, currentMemberId, lessonIsPublished, markRead } from './_lib/progress.ts';
import { SLUG_RE } from '../src/content/schemas.ts';

const bodySchema = z.strictObject({
  how: z.enum(HOW, { error: "how must be 'explicit' or 'reached_end'" }),
});

export default handle({
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const lessonId = params.lessonId ?? '';
    const body = await readJson(req, bodySchema);
    // An id that cannot be a lesson is answered like an unknown one (no need to ask the database).
    if (!SLUG_RE.test(lessonId)) throw notFound(`There is no lesson "${lessonId}".`);
    const result = await asUser(claims, async (tx) => {
      const memberId = await currentMemberId(tx);
      if (!memberId) throw notFound('Your account is not linked to a staff record yet. Ask an administrator to add you to the roster.');
      if (!(await lessonIsPublished(tx, lessonId))) throw notFound(`There is no published lesson "${lessonId}".`);
      return markRead(tx, memberId, lessonId, body.how);
    });
    const { created, ...row } = result;
    return json(row, created ? 201 : 200);
  },
});

export const config: Config = { path: '/api/lessons/:lessonId/progress' };
