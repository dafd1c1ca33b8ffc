// Rule changes: marking an instrument (or one article) amended / superseded / repealed flags every
// citing question and lesson "needs review", keeps flagged questions out of new papers, and a
// trainer's review (keep / edit / retire) clears the flag — all audited. Both paths: a trainer's
// action on the register, and a content change of the instrument's status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser } from '../../functions/_lib/db.ts';
import { loadCandidates } from '../../functions/_lib/exams.ts';
import manageReview from '../../functions/manage-review.ts';
import manageQuestions from '../../functions/manage-questions.ts';
import { createBank, createQuestion, single, unitId } from './banks-helpers.ts';
import { createExam, start } from './exam-helpers.ts';

let h: Harness;
let bank = '';
const ids: Record<string, string> = {};

const ruleChange = async (who: string, body: unknown) =>
  h.call(manageReview, { method: 'POST', path: '/api/manage/rule-changes', token: await h.tokenFor(who), body });
const review = async (who: string, id: string, body: unknown) =>
  h.call(manageReview, { method: 'POST', path: `/api/manage/review/questions/${id}`, token: await h.tokenFor(who), params: { questionId: id }, body });
const candidateIds = async (who = 'E1001') =>
  new Set((await asUser({ sub: await h.userIdFor(who), role: 'authenticated' }, (tx) => loadCandidates(tx))).map((v) => v.questionId));

beforeAll(async () => {
  h = await startHarness();
  bank = (await createBank(h, 'T2001', { name: '复核题库', orgUnitId: await unitId(h, 'HQ') })).body.bank.id;
  // Fixture: a (made-up, for this test only) instrument of the register with no other citations.
  await h.sql`insert into app.instruments (id, title, short_title, gloss, status, has_full_text, content_hash)
              values ('fixture-rules', '测试用办法', '测试办法', 'fixture', 'in_force', true, 'x'),
                     ('fixture-draw', '测试用规定', '测试规定', 'fixture', 'in_force', true, 'x')`;
  const mk = async (name: string, source: unknown) => {
    const r = await createQuestion(h, 'T2001', bank, single(`复核测试：${name}？`, { source }));
    expect(r.status).toBe(201);
    ids[name] = r.body.question.id;
  };
  await mk('第三条', { instrument: 'fixture-rules', article: 3 });
  await mk('第五条', { instrument: 'fixture-rules', article: 5 });
  await mk('整部', { instrument: 'fixture-rules' });
  await mk('别的法规', { instrument: 'pipl', article: 10 });
  await h.sql`update app.lessons set cites = '[{"instrument":"fixture-rules","article":3}]'::jsonb where id = (select id from app.lessons order by id limit 1)`;
});
afterAll(async () => { await h?.stop(); });

describe('rule changes', () => {
  it('only trainers and admins record a rule change; a bad instrument or change is a field error', async () => {
    expect((await ruleChange('E1001', { instrumentId: 'fixture-rules', change: 'amended' })).status).toBe(403);
    expect((await ruleChange('H3001', { instrumentId: 'fixture-rules', change: 'amended' })).status).toBe(403);
    const unknown = await ruleChange('T2001', { instrumentId: 'no-such', change: 'amended' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toHaveProperty('instrumentId');
    expect((await ruleChange('T2001', { instrumentId: 'fixture-rules', change: 'deleted' })).status).toBe(400);
    expect((await h.call(manageReview, { path: '/api/manage/review', token: await h.tokenFor('E1001') })).status).toBe(403);
  });

  it('amending article 3 flags the questions citing article 3 (not 5, not other laws) and the citing lesson', async () => {
    const before = await candidateIds();
    expect(before.has(ids['第三条']!)).toBe(true);
    const r = await ruleChange('T2001', { instrumentId: 'fixture-rules', article: 3, change: 'amended', note: '第三条修订', effectiveOn: '2026-12-01' });
    expect(r.status).toBe(201);
    expect(r.body.ruleChange).toMatchObject({ flaggedQuestions: 1, flaggedLessons: 1 });
    const flags = await h.sql`select id, review_flagged_at is not null as flagged from app.questions where bank = ${bank} order by id`;
    const flagged = new Set(flags.filter((f) => f.flagged).map((f) => f.id as string));
    expect([...flagged]).toEqual([ids['第三条']]);
    // Excluded from new papers at once (the bank revision moved), still in the bank.
    const after = await candidateIds();
    expect(after.has(ids['第三条']!)).toBe(false);
    expect(after.has(ids['第五条']!)).toBe(true);
    const list = await h.call(manageReview, { path: '/api/manage/review', token: await h.tokenFor('T2001') });
    expect(list.body.questions.map((q: { id: string }) => q.id)).toContain(ids['第三条']);
    expect(list.body.questions.find((q: { id: string }) => q.id === ids['第三条']).reason).toMatchObject({ instrument: 'fixture-rules', article: 3, change: 'amended' });
    expect(list.body.lessons).toHaveLength(1);
    expect(list.body.ruleChanges[0]).toMatchObject({ instrumentId: 'fixture-rules', article: 3, change: 'amended', origin: 'trainer', flaggedQuestions: 1 });
    // Audited: the change and the flag.
    const audit = await h.sql`select action from app.audit_log where (entity = 'question' and entity_id = ${ids['第三条']!}) or (entity = 'instrument' and entity_id = 'fixture-rules') order by id`;
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['question.flag', 'instrument.rule_change']));
    // The QD trainer does not see HQ's flagged question.
    const qd = await h.call(manageReview, { path: '/api/manage/review', token: await h.tokenFor('T2002') });
    expect(qd.body.questions.map((q: { id: string }) => q.id)).not.toContain(ids['第三条']);
  });

  it('a flagged question is not drawn into a new paper; papers already given keep it', async () => {
    // An exam drawing one question of a topic only the flagged question has, from this bank.
    const topicBank = (await createBank(h, 'T2001', { name: '抽题题库', orgUnitId: await unitId(h, 'HQ') })).body.bank.id;
    const q = await createQuestion(h, 'T2001', topicBank, single('抽题测试：唯一的一道题？', { topic: '抽题专用', source: { instrument: 'fixture-draw', article: 9 } }));
    const exam = await createExam(h, { blueprint: { sections: [{ type: 'single', topic: '抽题专用', count: 1, points: 10, banks: [topicBank] }] } });
    const before = await start(h, exam.id, 'E1001');
    expect(before.status).toBe(201);
    expect(JSON.stringify(before.body)).toContain('抽题测试：唯一的一道题');
    expect(JSON.stringify(before.body)).not.toMatch(/"answer"|"explanation"/); // no key in the taker's payload
    await ruleChange('T2001', { instrumentId: 'fixture-draw', article: 9, change: 'repealed' });
    const after = await start(h, exam.id, 'E1002');
    expect(after.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(after.body)).not.toContain('抽题测试：唯一的一道题');
    // The first taker's attempt still holds its question.
    const resumed = await start(h, exam.id, 'E1001');
    expect(JSON.stringify(resumed.body)).toContain('抽题测试：唯一的一道题');
    expect((await review('T2001', q.body.question.id, { action: 'keep' })).status).toBe(200);
    expect((await start(h, exam.id, 'E1002')).status).toBe(201);
  });

  it('keep: the trainer reviews, the flag clears (audited), the question is drawn again', async () => {
    expect((await review('T2002', ids['第三条']!, { action: 'keep' })).status).toBe(403);
    expect((await review('E1001', ids['第三条']!, { action: 'keep' })).status).toBe(403);
    const r = await review('T2001', ids['第三条']!, { action: 'keep', note: '条文未实质变化' });
    expect(r.status).toBe(200);
    expect((await candidateIds()).has(ids['第三条']!)).toBe(true);
    const [a] = await h.sql`select action, reason from app.audit_log where entity = 'question' and entity_id = ${ids['第三条']!} and action = 'question.review'`;
    expect(a!.reason).toMatch(/keep: 条文未实质变化/);
    const again = await review('T2001', ids['第三条']!, { action: 'keep' });
    expect(again.status).toBe(400); // nothing left to review
  });

  it('a content change of the instrument status flags every citing question; edit and retire clear the flags', async () => {
    // What the content sync does when register.yaml says the instrument was superseded.
    await h.sql`update app.instruments set status = 'superseded' where id = 'fixture-rules'`;
    const [change] = await h.sql`select origin, change, flagged_questions from app.rule_changes where instrument_id = 'fixture-rules' order by id desc limit 1`;
    expect(change).toMatchObject({ origin: 'content', change: 'superseded', flagged_questions: 3 });
    const candidates = await candidateIds();
    for (const k of ['第三条', '第五条', '整部']) expect(candidates.has(ids[k]!)).toBe(false);
    expect(candidates.has(ids['别的法规']!)).toBe(true);

    // edit = save a new version from the review list with resolveReview.
    const id = ids['第五条']!;
    const saved = await h.call(manageQuestions, {
      method: 'PUT', path: `/api/manage/questions/${id}`, token: await h.tokenFor('T2001'), params: { questionId: id },
      body: { draft: single('复核测试：第五条（按新规修订）？', { source: { text: '新办法第五条' } }), resolveReview: true },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.question).toMatchObject({ needsReview: false, version: 2 });
    // retire
    expect((await review('T2001', ids['整部']!, { action: 'retire' })).status).toBe(200);
    const [q] = await h.sql`select retired_at is not null as retired, review_flagged_at from app.questions where id = ${ids['整部']!}`;
    expect(q).toMatchObject({ retired: true, review_flagged_at: null });
    const actions = (await h.sql`select action from app.audit_log where entity = 'question' and entity_id = ${ids['整部']!} order by id`).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['question.flag', 'question.retire']));
  });

  it('official questions citing a changed instrument are flagged; only keep is possible, by a head-office trainer or admin', async () => {
    const [cited] = await h.sql`select q.id, v.source ->> 'instrument' as inst from app.questions q join app.question_versions v on v.id = q.current_version_id
                                where q.bank = 'official' and v.source ? 'instrument' and q.retired_at is null limit 1`;
    const r = await ruleChange('A4001', { instrumentId: cited!.inst as string, change: 'amended' });
    expect(r.status).toBe(201);
    expect(r.body.ruleChange.flaggedQuestions).toBeGreaterThan(0);
    const id = cited!.id as string;
    expect((await review('T2002', id, { action: 'keep' })).status).toBe(403);
    const retire = await review('T2001', id, { action: 'retire' });
    expect(retire.status).toBe(400);
    expect(retire.body.detail).toMatch(/content\/questions/);
    expect((await review('T2001', id, { action: 'keep' })).status).toBe(200);
    // The lessons citing it can be marked kept.
    const list = await h.call(manageReview, { path: '/api/manage/review', token: await h.tokenFor('T2001') });
    for (const l of list.body.lessons) {
      const k = await h.call(manageReview, { method: 'POST', path: `/api/manage/review/lessons/${l.id}`, token: await h.tokenFor('T2001'), params: { lessonId: l.id }, body: { note: '已核对' } });
      expect(k.status).toBe(200);
    }
    const after = await h.call(manageReview, { path: '/api/manage/review', token: await h.tokenFor('T2001') });
    expect(after.body.lessons).toHaveLength(0);
    // Rule changes are append-only.
    await expect(h.sql`update app.rule_changes set change = 'repealed'`).rejects.toThrow(/append-only/);
  });
});
