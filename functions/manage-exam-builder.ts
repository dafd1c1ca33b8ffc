// The exam builder's helpers (trainers/admins; HR and employees 403):
// GET  /api/manage/exam-builder            banks I may use (with question counts), topics, units, people, roles
// GET  /api/manage/exam-builder/questions?bank=&type=&topic=&difficulty=&q=&limit=
//      questions to pick as fixed questions (no keys), from banks I may use
// POST /api/manage/exam-builder/check      {blueprint} → per row: available in the bank, asked, error
// POST /api/manage/exam-builder/preview    {blueprint, shuffleQuestions?, shuffleOptions?, seed?}
//      → a sample paper exactly as a taker's runner receives it (public view only: no keys)
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, methodNotAllowed, parseWith, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { examProblem } from './_lib/attempts.ts';
import { blueprintProblem, checkBlueprint, requireBuilder, ROLES, visibleCandidates } from './_lib/exam-builder.ts';
import { assemblePaper, BlueprintSchema } from '../src/core/assembly.ts';
import { QuestionTypeSchema } from '../src/core/questions.ts';
import { storedToPublic } from '../src/core/paper.ts';

const CheckSchema = z.strictObject({ blueprint: BlueprintSchema });
const PreviewSchema = z.strictObject({
  blueprint: BlueprintSchema,
  shuffleQuestions: z.boolean().optional(),
  shuffleOptions: z.boolean().optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
const QuestionsQuery = z.strictObject({
  bank: z.string().max(80).optional(),
  type: QuestionTypeSchema.optional(),
  topic: z.string().max(80).optional(),
  difficulty: z.coerce.number().int().min(1).max(5).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function action(req: Request): string {
  const last = new URL(req.url).pathname.replace(/\/+$/, '').split('/').pop();
  return last === 'exam-builder' ? '' : (last ?? '');
}

export default handle({
  async GET(req) {
    const claims = await requireUser(req);
    const which = action(req);
    if (which === 'questions') {
      const q = parseWith(QuestionsQuery, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
      const rows = await asUser(claims, async (tx) => {
        await requireBuilder(tx);
        const { versions } = await visibleCandidates(tx);
        const needle = q.q?.trim().toLowerCase() ?? '';
        return versions
          .filter((v) => (!q.bank || (v.bank ?? 'official') === q.bank) && (!q.type || v.type === q.type) && (!q.topic || v.topic === q.topic)
            && (!q.difficulty || v.difficulty === q.difficulty)
            && (!needle || v.stem.toLowerCase().includes(needle) || v.questionId.includes(needle)))
          .sort((a, b) => (a.questionId < b.questionId ? -1 : 1));
      });
      return json({
        total: rows.length,
        questions: rows.slice(0, q.limit).map((v) => ({
          id: v.questionId, bank: v.bank ?? 'official', type: v.type, topic: v.topic, difficulty: v.difficulty, stem: v.stem,
        })),
      });
    }
    if (which !== '') throw examProblem(404, 'not_found', 'There is no such exam-builder resource.');
    const out = await asUser(claims, async (tx) => {
      const me = await requireBuilder(tx);
      const { versions } = await visibleCandidates(tx);
      const banks = await tx`select id, name, visibility, read_only from app.banks order by read_only desc, name`;
      const perBank = new Map<string, number>();
      const topics = new Map<string, number>();
      for (const v of versions) {
        perBank.set(v.bank ?? 'official', (perBank.get(v.bank ?? 'official') ?? 0) + 1);
        topics.set(v.topic, (topics.get(v.topic) ?? 0) + 1);
      }
      const lessons = new Map((await tx`select id, title from app.lessons`).map((l) => [l.id as string, l.title as string]));
      const units = await tx`select id, code, name, path from app.org_units where app_private.in_scope(id) order by path`;
      const people = await tx`select m.employee_no, m.name, o.name as unit from app.members m join app.org_units o on o.id = m.org_unit_id
        where m.active and m.id <> ${me.memberId} order by m.employee_no limit 5000`;
      return {
        scope: me.scope,
        banks: banks.map((b) => ({ id: b.id as string, name: b.name as string, visibility: b.visibility as string, readOnly: Boolean(b.read_only), questionCount: perBank.get(b.id as string) ?? 0 })),
        topics: [...topics].map(([id, count]) => ({ id, title: lessons.get(id) ?? id, count })).sort((a, b) => (a.id < b.id ? -1 : 1)),
        units: units.map((u) => ({ id: u.id as string, code: u.code as string, name: u.name as string, depth: (u.path as string).split('/').length - 3 })),
        people: people.map((p) => ({ employeeNo: p.employee_no as string, name: p.name as string, unit: p.unit as string })),
        roles: ROLES,
      };
    });
    return json(out);
  },

  async POST(req) {
    const claims = await requireUser(req);
    const which = action(req);
    if (which === 'check') {
      const body = await readJson(req, CheckSchema);
      return json(await asUser(claims, async (tx) => {
        await requireBuilder(tx);
        return checkBlueprint(tx, body.blueprint);
      }));
    }
    if (which === 'preview') {
      const body = await readJson(req, PreviewSchema);
      const blueprint = {
        ...body.blueprint,
        shuffleQuestions: body.shuffleQuestions ?? body.blueprint.shuffleQuestions,
        shuffleOptions: body.shuffleOptions ?? body.blueprint.shuffleOptions,
      };
      return json(await asUser(claims, async (tx) => {
        await requireBuilder(tx);
        const check = await checkBlueprint(tx, blueprint);
        if (!check.ok) throw blueprintProblem(check);
        const { versions, candidates } = await visibleCandidates(tx);
        const byId = new Map(versions.map((v) => [v.versionId, v]));
        const seed = body.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;
        const paper = assemblePaper({ blueprint, candidates, seen: [], seed });
        return {
          seed,
          questionCount: check.questionCount,
          totalPoints: check.totalPoints,
          // The runner's own allow-list (storedToPublic): what a taker's browser would receive.
          slots: paper.map((p) => ({ slot: p.slot, section: p.section, points: p.points, question: storedToPublic(byId.get(p.questionVersionId)!, p.optionOrder) })),
        };
      }));
    }
    throw methodNotAllowed(['GET']);
  },
});

export const config: Config = {
  path: ['/api/manage/exam-builder', '/api/manage/exam-builder/questions', '/api/manage/exam-builder/check', '/api/manage/exam-builder/preview'],
};
