// GET   /api/manage/questions?bank=&q=&type=&topic=&difficulty=&instrument=&article=&tag=&status=&review=&cursor=&limit=
//         → {bank, rows, total, nextCursor, facets}   the bank table (keyset paging, newest first)
// POST  /api/manage/questions          {bankId, draft, confirmDuplicate?} → 201 {question}   (409 duplicate_stem lists the existing ones)
// GET   /api/manage/questions/:id      → {question: {draft (with key), versions, duplicates, …}}   trainers of the bank / open banks only
// PUT   /api/manage/questions/:id      {draft, confirmDuplicate?, resolveReview?} → {question}   a new immutable version
// PATCH /api/manage/questions/:id      {status: 'retired' | 'active', reason?} → {question}      retire / restore (audited)
import type { Config } from '@netlify/functions';
import { z } from 'zod';
import { handle, json, methodNotAllowed, parseWith, readJson } from './_lib/http.ts';
import { requireUser } from './_lib/auth.ts';
import { asUser } from './_lib/db.ts';
import { requireTrainer } from './_lib/banks/banks.ts';
import { bulk, DraftInputSchema, ListQuerySchema, listQuestions, loadQuestion, saveQuestion } from './_lib/banks/questions.ts';

const CreateSchema = z.strictObject({ bankId: z.string().min(1).max(80), draft: DraftInputSchema, confirmDuplicate: z.boolean().default(false) });
const SaveSchema = z.strictObject({ draft: DraftInputSchema, confirmDuplicate: z.boolean().default(false), resolveReview: z.boolean().default(false) });
const StatusSchema = z.strictObject({ status: z.enum(['retired', 'active']), reason: z.string().max(500).optional() });

export default handle({
  async GET(req, { params }) {
    const claims = await requireUser(req);
    const id = params.questionId;
    if (id) {
      return json({ question: await asUser(claims, async (tx) => { await requireTrainer(tx); return loadQuestion(tx, id); }) });
    }
    const q = parseWith(ListQuerySchema, Object.fromEntries(new URL(req.url).searchParams), 'The query has invalid parameters.');
    return json(await asUser(claims, async (tx) => { await requireTrainer(tx); return listQuestions(tx, q); }));
  },
  async POST(req, { params }) {
    if (params.questionId) throw methodNotAllowed(['GET', 'PUT', 'PATCH']);
    const claims = await requireUser(req);
    const body = await readJson(req, CreateSchema);
    const question = await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      const saved = await saveQuestion(tx, { bankId: body.bankId, questionId: null, input: body.draft, confirmDuplicate: body.confirmDuplicate, resolveReview: false });
      return { ...(await loadQuestion(tx, saved.questionId)), outcome: saved.outcome };
    });
    return json({ question }, 201);
  },
  async PUT(req, { params }) {
    const claims = await requireUser(req);
    const id = params.questionId ?? '';
    const body = await readJson(req, SaveSchema);
    const question = await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      const current = await loadQuestion(tx, id);
      const saved = await saveQuestion(tx, { bankId: current.bank.id, questionId: id, input: body.draft, confirmDuplicate: body.confirmDuplicate, resolveReview: body.resolveReview });
      return { ...(await loadQuestion(tx, id)), outcome: saved.outcome };
    });
    return json({ question });
  },
  async PATCH(req, { params }) {
    const claims = await requireUser(req);
    const id = params.questionId ?? '';
    const body = await readJson(req, StatusSchema);
    const question = await asUser(claims, async (tx) => {
      await requireTrainer(tx);
      await loadQuestion(tx, id);
      await bulk(tx, { action: body.status === 'retired' ? 'retire' : 'restore', ids: [id], ...(body.reason ? { reason: body.reason } : {}) });
      return loadQuestion(tx, id);
    });
    return json({ question });
  },
});

export const config: Config = { path: ['/api/manage/questions', '/api/manage/questions/:questionId'] };
