// Variant families on a real exam (PGlite, or PostgreSQL with TEST_DATABASE_URL): the content sync
// stores `variantOf` groups in app.questions.variant_family; the builder counts families as
// available; papers at start and prepared papers, practice sessions hold at most one member of a
// family. The (type, topic) used is the one of the published content with the most twins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { ALL_VISIBLE, NONE_VISIBLE, start } from './exam-helpers.ts';
import manageExams from '../../functions/manage-exams.ts';
import examActions from '../../functions/manage-exam-actions.ts';
import builder from '../../functions/manage-exam-builder.ts';
import examPapers from '../../functions/exam-papers.ts';
import practiceSessions from '../../functions/practice-sessions.ts';
import { loadContent, validContent } from '../../src/content/load.ts';
import { variantFamilies } from '../../src/content/variant-families.ts';

let h: Harness;
/** The (type, topic) with the most variant twins, its row count and family count. */
let pick: { type: string; topic: string; rows: number; families: number };
/** question id → family key (the question itself when it has none), for the official bank. */
const familyOf = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness();
  const rows = await h.sql`
    select v.type, q.topic, count(*)::int as rows, count(distinct coalesce(q.variant_family, q.id))::int as families
    from app.questions q join app.question_versions v on v.id = q.current_version_id
    where q.bank = 'official' and q.retired_at is null and q.review_flagged_at is null and v.type in ('single', 'multiple', 'truefalse', 'fill')
    group by v.type, q.topic having count(*) > count(distinct coalesce(q.variant_family, q.id))
    order by count(*) - count(distinct coalesce(q.variant_family, q.id)) desc, count(*), v.type, q.topic limit 1`;
  pick = rows[0] as typeof pick;
  for (const r of await h.sql`select id, coalesce(variant_family, id) as f from app.questions where bank = 'official'`) familyOf.set(r.id as string, r.f as string);
});
afterAll(async () => { await h?.stop(); });

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const noTwins = (ids: string[]) => {
  const fams = ids.map((id) => familyOf.get(id) ?? id);
  const twins = ids.filter((_, i) => fams.indexOf(fams[i]!) !== i);
  expect(twins, `twins on one paper: ${ids.join(', ')}`).toEqual([]);
};

describe('content sync stores variant families', () => {
  it('every variantOf group of the published content shares one family key; others have none', async () => {
    const content = validContent(loadContent());
    const expected = variantFamilies(content.questions.map((q) => q.data));
    expect(expected.size).toBeGreaterThan(0);
    const stored = await h.sql`select id, variant_family from app.questions where bank = 'official' and retired_at is null`;
    const actual = new Map(stored.filter((r) => r.variant_family !== null).map((r) => [r.id as string, r.variant_family as string]));
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    // The twins the test relies on exist.
    expect(pick.rows).toBeGreaterThan(pick.families);
  });

  it('the column is the sync\'s: a trainer cannot write it', async () => {
    const { asUser } = await import('../../functions/_lib/db.ts');
    const sub = await h.userIdFor('T2001');
    await expect(asUser({ sub, role: 'authenticated', aud: 'authenticated' }, (tx) => tx`update app.questions set variant_family = null where variant_family is not null`))
      .rejects.toMatchObject({ code: '42501' });
  });
});

describe('the exam builder counts families', () => {
  it('availability is the number of families, and asking for every row is a row error', async () => {
    const token = await h.tokenFor('T2001');
    const row = { type: pick.type, topic: pick.topic, points: 1, banks: ['official'] };
    const ok = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token, body: { blueprint: { sections: [{ ...row, count: pick.families }] } } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(ok.body.sections[0].available).toBe(pick.families);
    const tooMany = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token, body: { blueprint: { sections: [{ ...row, count: pick.rows }] } } });
    expect(tooMany.body.ok).toBe(false);
    expect(tooMany.body.sections[0].available).toBe(pick.families);
    expect(tooMany.body.errors['blueprint.sections.0.count']).toMatch(new RegExp(`only ${pick.families} match .*variants of one question count once.*Lower the count to ${pick.families}`));
  });

  it('fixed picks of two twins are a row error naming them', async () => {
    const [twin] = await h.sql`select variant_family as f, jsonb_agg(q.id order by q.id) as ids from app.questions q join app.question_versions v on v.id = q.current_version_id
      where q.bank = 'official' and q.retired_at is null and q.variant_family is not null and v.type = ${pick.type} group by 1 having count(*) > 1 limit 1`;
    const ids = (twin!.ids as string[]).slice(0, 2);
    const r = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token: await h.tokenFor('T2001'),
      body: { blueprint: { sections: [{ type: pick.type, count: 2, points: 1, questionIds: ids }] } } });
    expect(r.body.ok, r.text).toBe(false);
    expect(r.body.errors['blueprint.sections.0.questionIds']).toContain(`${ids[0]} / ${ids[1]}`);
  });
});

describe('papers of a real exam', () => {
  let examId = '';
  beforeAll(async () => {
    const token = await h.tokenFor('T2001');
    // Every family of the (type, topic): with the old draw, the missing rows are twins' or some
    // paper holds both twins.
    const created = await h.call(manageExams, { method: 'POST', path: '/api/manage/exams', token, body: {
      title: '变体题测试', kind: 'exam', timeLimitSec: 900, attemptsAllowed: 3, windowClose: inDays(3),
      reviewPolicy: { during: NONE_VISIBLE, immediately: ALL_VISIBLE, afterClose: ALL_VISIBLE },
      blueprint: { sections: [{ type: pick.type, topic: pick.topic, count: pick.families, points: 1, banks: ['official'] }] },
      audience: { orgUnits: [{ orgUnit: 'QD' }] },
    } });
    expect(created.status, created.text).toBe(201);
    examId = created.body.id;
    const p = await h.call(examActions, { method: 'POST', path: `/api/manage/exams/${examId}/status`, token, params: { examId }, body: { status: 'published' } });
    expect(p.status, p.text).toBe(200);
  });

  it('papers prepared in advance hold one question per family', async () => {
    const r = await h.call(examPapers, { method: 'POST', path: `/api/exams/${examId}/papers`, token: await h.tokenFor('T2001'), params: { examId } });
    expect(r.status, r.text).toBe(200);
    const plans = await h.sql`select p.slots from app.prepared_papers p where p.exam_id = ${examId}`;
    expect(plans.length).toBeGreaterThan(3);
    const vids = await h.sql`select id, question_id from app.question_versions`;
    const qOf = new Map(vids.map((v) => [v.id as string, v.question_id as string]));
    for (const p of plans) {
      const ids = (p.slots as { vid: string }[]).map((s) => qOf.get(s.vid)!);
      expect(ids).toHaveLength(pick.families);
      noTwins(ids);
    }
  });

  it('papers assembled at start hold one question per family', async () => {
    // Drop the prepared papers so each start assembles its own.
    await h.sql`delete from app.prepared_papers where exam_id = ${examId}`;
    for (const who of ['E1001', 'E1002', 'E1003', 'E1004', 'E1015']) {
      const s = await start(h, examId, who);
      expect(s.status, s.text).toBe(201);
      const ids = (await h.sql`select v.question_id from app.attempt_slots s join app.question_versions v on v.id = s.question_version_id
        where s.attempt_id = ${s.body.attempt.id} order by s.slot`).map((r) => r.question_id as string);
      expect(ids).toHaveLength(pick.families);
      noTwins(ids);
    }
  });
});

describe('practice sessions', () => {
  it('a long topic session holds one question per family', async () => {
    const token = await h.tokenFor('E1008');
    for (let i = 0; i < 3; i++) {
      const r = await h.call(practiceSessions, { method: 'POST', path: '/api/practice/sessions', token, body: { mode: 'topic', topic: pick.topic, size: 50 } });
      expect(r.status, r.text).toBe(200);
      const ids = (r.body.questions as { question: { id: string } }[]).map((q) => q.question.id);
      expect(ids.length).toBeGreaterThan(10);
      noTwins(ids);
    }
  });
});
