// Migration 20261130000100 (O(1) start) moves an existing database forward: a database at the
// migrations before it, with attempts stored the old way (one app.attempt_slots row per question,
// answered, flagged, graded and commented slots among them), is migrated, and every slot reads back
// through the app.attempt_slots view exactly as it was stored, the paper sits on the attempt, and
// only slots that carried something became response rows. Runs on a fresh database of its own
// (a second embedded PGlite, or a throwaway database on TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/server/sql.ts';
import { migrate } from '../../src/server/migrate.ts';
import { databaseBefore, type MigratedDatabase } from './migration-fixture.ts';

const TARGET = '20261130000100';
let sql: Sql;
let db: MigratedDatabase | null = null;

const oldSlots: Record<string, unknown>[] = [];
let attemptA = '';
let attemptB = '';

beforeAll(async () => {
  db = await databaseBefore(TARGET, 'xb_test_mig');
  sql = db.sql;

  // Data the old way: two attempts with 3 slots each.
  const [org] = await sql`insert into app.org_units (code, name, kind) values ('MIG', '迁移测试', 'head_office') returning id`;
  const [member] = await sql`insert into app.members (employee_no, name, org_unit_id) values ('MIG001', '迁移', ${org!.id as string}) returning id`;
  const versions: string[] = [];
  for (let i = 1; i <= 3; i++) {
    await sql`insert into app.questions (id, topic) values (${`mig-q-${i}`}, 'mig')`;
    const [v] = await sql`insert into app.question_versions (question_id, version, content_hash, type, topic, difficulty, stem, options, source)
      values (${`mig-q-${i}`}, 1, ${`h${i}`}, 'single', 'mig', 2, ${`题干${i}`}, ${sql.json([{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }])}, '{}'::jsonb) returning id`;
    versions.push(v!.id as string);
  }
  const [exam] = await sql`insert into app.exams (title, kind, owner_org_id, review_policy, blueprint)
    values ('迁移考试', 'exam', ${org!.id as string}, '{}'::jsonb, '{}'::jsonb) returning id`;
  const [a] = await sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec, state, finished_at, score, max_score)
    values (${exam!.id as string}, ${member!.id as string}, 1, 42, 60, 'submitted', now(), 2.5, 7.5) returning id`;
  const [b] = await sql`insert into app.attempts (exam_id, member_id, attempt_no, seed, grace_sec)
    values (${exam!.id as string}, ${member!.id as string}, 2, 43, 60) returning id`;
  attemptA = a!.id as string;
  attemptB = b!.id as string;
  await sql`insert into app.attempt_slots (attempt_id, slot, question_version_id, points, option_order, response, response_seq, responded_at, flagged, state, mark, comment, graded_by, graded_at) values
    (${attemptA}, 1, ${versions[0]!}, 2.5, '["B","A"]', '"B"', 3, now(), false, 'correct', 2.5, null, null, null),
    (${attemptA}, 2, ${versions[1]!}, 2.5, null, null, 0, null, false, 'unanswered', 0, '未作答', ${member!.id as string}, now()),
    (${attemptA}, 3, ${versions[2]!}, 2.5, '["A","B"]', null, 0, null, false, null, null, null, null, null),
    (${attemptB}, 1, ${versions[2]!}, 1.25, null, null, 0, null, true, null, null, null, null, null),
    (${attemptB}, 2, ${versions[1]!}, 1.25, null, '"A"', 1, now(), false, null, null, null, null, null),
    (${attemptB}, 3, ${versions[0]!}, 1.25, null, null, 0, null, false, null, null, null, null, null)`;
  oldSlots.push(...await sql`select * from app.attempt_slots order by attempt_id, slot`);

  // Forward: the target migration and anything after it, as `npm start` would.
  const { applied } = await migrate(sql);
  expect(applied.some((m) => m.startsWith(TARGET))).toBe(true);
});

afterAll(async () => {
  await db?.stop();
});

describe('migration 20261130000100 on a database with attempts', () => {
  it('every slot reads back through the app.attempt_slots view unchanged', async () => {
    const now = await sql`select * from app.attempt_slots order by attempt_id, slot`;
    expect(now.length).toBe(oldSlots.length);
    const norm = (rows: readonly Record<string, unknown>[]) => rows.map((r) => ({
      ...r, points: Number(r.points), mark: r.mark === null ? null : Number(r.mark),
      responded_at: (r.responded_at as Date | null)?.toISOString() ?? null, graded_at: (r.graded_at as Date | null)?.toISOString() ?? null,
    }));
    expect(norm(now)).toEqual(norm(oldSlots));
  });

  it('puts the paper on the attempt and keeps response rows only for slots that carried something', async () => {
    const [a] = await sql`select paper, slot_count from app.attempts where id = ${attemptA}`;
    expect(a!.slot_count).toBe(3);
    expect((a!.paper as { slot: number; oo: unknown }[]).map((s) => [s.slot, s.oo])).toEqual([[1, ['B', 'A']], [2, null], [3, ['A', 'B']]]);
    const rows = await sql`select attempt_id, slot from app.attempt_responses order by attempt_id, slot`;
    const expected = [[attemptA, 1], [attemptA, 2], [attemptB, 1], [attemptB, 2]].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1]));
    expect(rows.map((r) => [r.attempt_id, r.slot])).toEqual(expected);
  });

  it('keeps a migrated paper immutable and its responses within it', async () => {
    await expect(sql`update app.attempts set paper = '[]'::jsonb where id = ${attemptB}`).rejects.toMatchObject({ code: '23514' });
    await expect(sql`insert into app.attempt_responses (attempt_id, slot, response) values (${attemptB}, 4, '"A"')`).rejects.toMatchObject({ code: '23503' });
    // The in-progress attempt still takes a save on the migrated storage (as service role here; RLS is tested in rls-exam).
    await sql`update app.attempts set focus_losses = 1 where id = ${attemptB}`;
    const [r] = await sql`select response_seq from app.attempt_slots where attempt_id = ${attemptB} and slot = 2`;
    expect(r!.response_seq).toBe(1);
  });
});
