// Saving one response (PUT /api/attempts/:id/responses/:slot). Two paths with the same outcome:
//
// - Fast path, for a save that fits its question: the slot's type, option ids and blank count come
//   from a per-instance cache (an attempt's paper and its question versions never change once the
//   attempt exists, and the cache holds no answer keys), the response is validated in JS, and one
//   statement checks that the attempt is the caller's and still accepts responses (deadline + grace
//   on the database clock), appends the event (idempotent on seq) and creates or moves forward the
//   slot's response row when the seq is newer (app.attempt_responses, migration 20261130000100: a
//   slot has a row from its first save on). RLS still applies to every row it touches.
// - Careful path (`saveCarefully`), step by step as the API decisions describe, for everything else:
//   unknown attempt or slot, somebody else's attempt, a closed or overdue attempt, an answer that
//   does not fit. The fast statement writes nothing in those cases, so the careful path then runs in
//   its own transaction and answers exactly as before (same problem codes, same order of checks).
import type { Claims } from './auth.ts';
import { asUser, asUserOneStatement, literal, type Tx } from './db.ts';
import { examProblem, loadAttempt } from './attempts.ts';
import { dbNow } from './exams.ts';
import { badRequest } from './http.ts';
import { acceptsResponse, isOverdue, type AcceptResult } from '../../src/core/attempt.ts';
import { parseResponse, type QuestionType } from '../../src/core/questions.ts';

export interface SaveInput {
  response: unknown;
  seq: number;
  flagged?: boolean | undefined;
}

export interface Saved {
  slot: number;
  seq: number;
  savedAt: string;
  serverNow: string;
  applied: boolean;
  duplicate: boolean;
  latestSeq: number;
}

export type SaveOutcome = { saved: Saved } | { refused: Extract<AcceptResult, { ok: false }>; overdue: boolean };

interface SlotShape {
  type: QuestionType;
  options: { id: string }[] | undefined;
  blankCount: number | undefined;
}

// attempt id → slot → shape. Immutable facts about an attempt; bounded so an instance that lives
// through many exams does not grow without limit (oldest entries go first).
const MAX_CACHED_ATTEMPTS = 20_000;
const slotShapes = new Map<string, Map<number, SlotShape>>();

function shapeFromRow(r: Record<string, unknown>): SlotShape {
  const type = r.type as QuestionType;
  const options = (r.options as { id: string }[] | null) ?? undefined;
  return {
    type,
    options: options?.map((o) => ({ id: o.id })),
    blankCount: type === 'fill' ? Number(r.blank_count) : undefined,
  };
}

/** The shapes of an attempt's slots, as the caller may read them (RLS); null when none are visible. */
async function loadShapes(tx: Tx, attemptId: string): Promise<Map<number, SlotShape> | null> {
  // Straight from the paper on the attempt (no response rows needed for shapes).
  const rows = await tx`
    select s.slot, v.type, v.options, v.blank_count
    from app.attempts a
      cross join lateral jsonb_to_recordset(a.paper) as s(slot int, vid uuid)
      join app.question_versions v on v.id = s.vid
    where a.id = ${attemptId}`;
  if (rows.length === 0) return null;
  const shapes = new Map<number, SlotShape>(rows.map((r) => [Number(r.slot), shapeFromRow(r)]));
  if (slotShapes.size >= MAX_CACHED_ATTEMPTS) slotShapes.delete(slotShapes.keys().next().value!);
  slotShapes.set(attemptId, shapes);
  return shapes;
}

/** For tests: forget cached slot shapes. */
export function clearSlotShapeCache(): void {
  slotShapes.clear();
}

export async function saveResponse(claims: Claims, attemptId: string, slot: number, body: SaveInput): Promise<SaveOutcome> {
  const shape = slotShapes.get(attemptId)?.get(slot);
  const parsed = shape ? parseResponse(shape.type, body.response, { options: shape.options, blankCount: shape.blankCount }) : null;
  if (parsed?.ok) {
    const fast = await saveFast(claims, attemptId, slot, body, parsed.value);
    if (fast) return fast;
  }
  // Not cached yet, or not a clean save: the step-by-step path (and remember the slots for next time).
  return asUser(claims, async (tx) => {
    if (!slotShapes.has(attemptId)) await loadShapes(tx, attemptId);
    return saveCarefully(tx, attemptId, slot, body);
  });
}

/**
 * The save as one call of app.save_response (migration 20261122000300) in one round trip. Null when it wrote nothing because the attempt is
 * not found, not the caller's, closed or past deadline + grace: the careful path then answers.
 */
async function saveFast(claims: Claims, attemptId: string, slot: number, body: SaveInput, response: unknown): Promise<{ saved: Saved } | null> {
  const value = response === null ? 'null' : `${literal(JSON.stringify(response))}::jsonb`;
  const [r] = await asUserOneStatement(claims,
    `select * from app.save_response(${literal(attemptId)}::uuid, ${literal(slot)}, ${literal(body.seq)}, ${value}, ${literal(body.flagged ?? null)}::boolean)`);
  if (!r || !r.ok) return null;
  const serverNow = (r.server_now as Date).toISOString();
  const latestSeq = Number(r.latest_seq);
  if (r.saved_at === null) {
    return { saved: { slot, seq: body.seq, savedAt: (r.prior_at as Date).toISOString(), serverNow, applied: false, duplicate: true, latestSeq } };
  }
  return { saved: { slot, seq: body.seq, savedAt: (r.saved_at as Date).toISOString(), serverNow, applied: Boolean(r.applied), duplicate: false, latestSeq } };
}

async function storedAt(tx: Tx, attemptId: string, slot: number, seq: number): Promise<Date> {
  const [prior] = await tx`select server_at from app.response_events where attempt_id = ${attemptId} and slot = ${slot} and seq = ${seq}`;
  return prior!.server_at as Date;
}

async function currentSeq(tx: Tx, attemptId: string, slot: number): Promise<number> {
  return Number((await tx`select response_seq from app.attempt_slots where attempt_id = ${attemptId} and slot = ${slot}`)[0]!.response_seq);
}

/** The step-by-step save: every check in the documented order, then the writes. */
async function saveCarefully(tx: Tx, attemptId: string, slot: number, body: SaveInput): Promise<SaveOutcome> {
  const now = await dbNow(tx);
  const a = await loadAttempt(tx, attemptId);
  if (!a) throw examProblem(404, 'attempt_not_found', 'There is no attempt with this id among yours.');
  if (!a.mine) throw examProblem(403, 'not_your_attempt', 'Only the person taking an attempt can answer in it.');
  const accept = acceptsResponse({ state: a.state, deadline: a.deadline }, now, a.graceSec);
  if (!accept.ok) {
    return { refused: accept, overdue: isOverdue({ state: a.state, deadline: a.deadline }, now, a.graceSec) };
  }
  const [s] = await tx`
    select s.response_seq, s.responded_at, v.type, v.options, v.blank_count
    from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
    where s.attempt_id = ${attemptId} and s.slot = ${slot}`;
  if (!s) {
    const [{ n }] = (await tx`select count(*)::int as n from app.attempt_slots where attempt_id = ${attemptId}`) as unknown as [{ n: number }];
    throw badRequest('This attempt has no such question.', { errors: { slot: `There is no question ${slot}; this paper has questions 1–${n}.` } });
  }
  const type = s.type as QuestionType;
  const parsed = parseResponse(type, body.response, {
    options: (s.options as { id: string }[] | null) ?? undefined,
    blankCount: type === 'fill' ? Number(s.blank_count) : undefined,
  });
  if (!parsed.ok) throw badRequest('The answer does not fit this question.', { errors: { response: parsed.message }, code: parsed.code });
  const value = parsed.value === null ? null : tx.json(parsed.value as never);

  const inserted = await tx`
    insert into app.response_events (attempt_id, slot, seq, response, server_at)
    values (${attemptId}, ${slot}, ${body.seq}, ${value}, clock_timestamp())
    on conflict (attempt_id, slot, seq) do nothing
    returning server_at`;
  if (inserted.length === 0) {
    const prior = await storedAt(tx, attemptId, slot, body.seq);
    return { saved: { slot, seq: body.seq, savedAt: prior.toISOString(), serverNow: now.toISOString(), applied: false, duplicate: true, latestSeq: Number(s.response_seq) } };
  }
  const savedAt = inserted[0]!.server_at as Date;
  // The slot's response row: created by its first save, moved forward only by a newer seq.
  const updated = await tx`
    insert into app.attempt_responses as r (attempt_id, slot, response, response_seq, responded_at, flagged)
    values (${attemptId}, ${slot}, ${value}, ${body.seq}, ${savedAt}, coalesce(${body.flagged ?? null}::boolean, false))
    on conflict (attempt_id, slot) do update
      set response = excluded.response, response_seq = excluded.response_seq, responded_at = excluded.responded_at,
          flagged = coalesce(${body.flagged ?? null}::boolean, r.flagged)
      where r.response_seq < excluded.response_seq
    returning r.response_seq`;
  const latestSeq = updated.length ? body.seq : await currentSeq(tx, attemptId, slot);
  return { saved: { slot, seq: body.seq, savedAt: savedAt.toISOString(), serverNow: now.toISOString(), applied: updated.length > 0, duplicate: false, latestSeq } };
}
