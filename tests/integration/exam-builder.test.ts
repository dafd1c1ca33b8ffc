// The exam builder, results, grading queue and item statistics (issue 9), through the real
// functions against the real database (PGlite, or PostgreSQL with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { ALL_VISIBLE, NONE_VISIBLE, keysOf, responseFor, save, start, submit } from './exam-helpers.ts';
import manageExams from '../../functions/manage-exams.ts';
import examActions from '../../functions/manage-exam-actions.ts';
import builder from '../../functions/manage-exam-builder.ts';
import stats from '../../functions/manage-exam-stats.ts';
import grading from '../../functions/manage-grading.ts';
import results from '../../functions/manage-results.ts';
import slotGrade from '../../functions/attempt-slot-grade.ts';
import attempts from '../../functions/attempts.ts';
import exams from '../../functions/exams.ts';
import overrides from '../../functions/exam-overrides.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
const POLICY = { during: NONE_VISIBLE, immediately: ALL_VISIBLE, afterClose: ALL_VISIBLE };
const BLUEPRINT = {
  sections: [
    { type: 'single', topic: 'complaint-handling', count: 2, points: 5, banks: ['official'] },
    { type: 'truefalse', topic: 'complaint-handling', count: 1, points: 5 },
  ],
};

function body(extra: Record<string, unknown> = {}) {
  return {
    title: `组卷 ${Math.random().toString(36).slice(2, 8)}`,
    kind: 'mock_contest',
    timeLimitSec: 900,
    attemptsAllowed: 2,
    windowClose: inDays(3),
    reviewPolicy: POLICY,
    blueprint: BLUEPRINT,
    audience: { orgUnits: [{ orgUnit: 'QD', dueAt: inDays(2) }, { orgUnit: 'JN' }] },
    ...extra,
  };
}

async function create(extra: Record<string, unknown> = {}, who = 'T2001') {
  return h.call(manageExams, { method: 'POST', path: '/api/manage/exams', token: await h.tokenFor(who), body: body(extra) });
}
async function getExam(id: string, who = 'T2001') {
  return h.call(manageExams, { path: `/api/manage/exams/${id}`, token: await h.tokenFor(who), params: { examId: id } });
}
async function put(id: string, b: unknown, who = 'T2001') {
  return h.call(manageExams, { method: 'PUT', path: `/api/manage/exams/${id}`, token: await h.tokenFor(who), params: { examId: id }, body: b });
}
async function setStatus(id: string, status: string, who = 'T2001', reason?: string) {
  return h.call(examActions, { method: 'POST', path: `/api/manage/exams/${id}/status`, token: await h.tokenFor(who), params: { examId: id }, body: { status, ...(reason ? { reason } : {}) } });
}
async function published(extra: Record<string, unknown> = {}) {
  const r = await create(extra);
  expect(r.status, r.text).toBe(201);
  const p = await setStatus(r.body.id, 'published');
  expect(p.status, p.text).toBe(200);
  return p.body as { id: string; [k: string]: unknown };
}
/** The editable part of a builder view, as PUT takes it. */
function editable(v: Record<string, any>) {
  const { title, description, kind, windowOpen, windowClose, timeLimitSec, graceSec, attemptsAllowed, gradingMethod, passPercent,
    multipleRule, shuffleQuestions, shuffleOptions, focusLossLimit, reviewPolicy, blueprint, audience, ownerOrgUnit } = v;
  return {
    title, description, kind, windowOpen, windowClose, timeLimitSec, graceSec, attemptsAllowed, gradingMethod, passPercent, multipleRule,
    shuffleQuestions, shuffleOptions, focusLossLimit, reviewPolicy, blueprint, ownerOrgUnit,
    audience: {
      orgUnits: audience.orgUnits.map((u: any) => ({ orgUnit: u.orgUnit, dueAt: u.dueAt })),
      roles: audience.roles.map((r: any) => ({ role: r.role, orgUnit: r.orgUnit, dueAt: r.dueAt })),
      members: audience.members.map((m: any) => ({ member: m.member, dueAt: m.dueAt })),
    },
  };
}
const auditOf = (examId: string) => h.sql`select action, before, after, reason, actor_label from app.audit_log where entity = 'exam' and entity_id = ${examId} order by id`;

describe('who may build exams', () => {
  it('employees and HR are refused; HR is told it reads results only', async () => {
    for (const who of ['E1001', 'H3001']) {
      const list = await h.call(manageExams, { path: '/api/manage/exams', token: await h.tokenFor(who) });
      expect(list.status).toBe(403);
      const made = await create({}, who);
      expect(made.status).toBe(403);
      const opts = await h.call(builder, { path: '/api/manage/exam-builder', token: await h.tokenFor(who) });
      expect(opts.status).toBe(403);
    }
    for (const who of ['E1001', 'H3001']) {
      const token = await h.tokenFor(who);
      const bp = { sections: [{ type: 'single', count: 1, points: 1 }] };
      expect((await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token, body: { blueprint: bp } })).status).toBe(403);
      expect((await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/preview', token, body: { blueprint: bp } })).status).toBe(403);
      expect((await h.call(builder, { path: '/api/manage/exam-builder/questions', token })).status).toBe(403);
      expect((await h.call(grading, { path: '/api/manage/grading', token })).status).toBe(403);
    }
    const hr = await h.call(manageExams, { path: '/api/manage/exams', token: await h.tokenFor('H3001') });
    expect(hr.body.detail).toMatch(/HR can read results/);
    expect((await h.call(manageExams, { path: '/api/manage/exams' })).status).toBe(401);
  });

  it('a trainer outside the exam\'s subtree can neither open nor change it', async () => {
    const r = await create();
    expect(r.status, r.text).toBe(201);
    const id = r.body.id;
    // A draft is invisible outside its owners' subtree; once published (QD is in its audience), it
    // is visible to QD's trainer as an exam offered to them, but not theirs to manage.
    expect((await getExam(id, 'T2002')).status).toBe(404);
    expect((await setStatus(id, 'published')).status).toBe(200);
    expect((await getExam(id, 'T2002')).status).toBe(403);
    expect((await put(id, editable(r.body), 'T2002')).status).toBe(403);
    expect((await setStatus(id, 'published', 'T2002')).status).toBe(403);
    const st = await h.call(stats, { path: `/api/manage/exams/${id}/stats`, token: await h.tokenFor('T2002'), params: { examId: id } });
    expect(st.status).toBe(403);
    // ...nor list it among theirs.
    const mine = await h.call(manageExams, { path: '/api/manage/exams', token: await h.tokenFor('T2002') });
    expect(mine.body.exams.some((e: { id: string }) => e.id === id)).toBe(false);
  });

  it('a branch trainer builds for their branch only', async () => {
    expect((await create({ ownerOrgUnit: 'QD', audience: { orgUnits: [{ orgUnit: 'QD-SN' }] } }, 'T2002')).status).toBe(201);
    // A unit outside the subtree is not even visible to QD's trainer (it is not on their path).
    const outside = await create({ ownerOrgUnit: 'QD', audience: { orgUnits: [{ orgUnit: 'JN' }] } }, 'T2002');
    expect(outside.status).toBe(400);
    expect(outside.body.errors['audience.orgUnits.0.orgUnit']).toMatch(/no org unit "JN"/);
    // HQ is visible (an ancestor of their unit) but outside their scope: refused.
    const above = await create({ ownerOrgUnit: 'QD', audience: { orgUnits: [{ orgUnit: 'HQ' }] } }, 'T2002');
    expect(above.status).toBe(403);
    expect(above.body.detail).toMatch(/总行 is outside/);
    expect((await create({ ownerOrgUnit: 'HQ' }, 'T2002')).status).toBe(403);
  });
});

describe('malformed payloads', () => {
  it('reports every invalid field at once', async () => {
    const r = await h.call(manageExams, {
      method: 'POST', path: '/api/manage/exams', token: await h.tokenFor('T2001'),
      body: { title: '', kind: 'quiz', timeLimitSec: 5, blueprint: { sections: [{ type: 'essay', count: 0, points: 1 }] }, audience: { orgUnits: [{}] } },
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect(Object.keys(r.body.errors)).toEqual(expect.arrayContaining(['title', 'kind', 'timeLimitSec', 'audience.orgUnits.0.orgUnit']));
    expect(Object.keys(r.body.errors).some((k) => k.startsWith('blueprint.sections.0'))).toBe(true);
  });
  it('not JSON, an array, unknown units and people', async () => {
    const token = await h.tokenFor('T2001');
    expect((await h.call(manageExams, { method: 'POST', path: '/api/manage/exams', token, rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await h.call(manageExams, { method: 'POST', path: '/api/manage/exams', token, body: [1] })).status).toBe(400);
    const r = await create({ audience: { orgUnits: [{ orgUnit: 'NOPE' }], members: [{ member: 'X9999' }] } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toHaveProperty(['audience.orgUnits.0.orgUnit']);
    expect(r.body.errors).toHaveProperty(['audience.members.0.member']);
    const badStatus = await setStatus((await create()).body.id, 'live');
    expect(badStatus.status).toBe(400);
    const badId = await getExam('not-a-uuid');
    expect(badId.status).toBe(404);
  });
  it('fixed questions: count must match, no duplicates', async () => {
    const r = await create({ blueprint: { sections: [{ type: 'single', count: 3, points: 1, questionIds: ['complaint-handling-001', 'complaint-handling-001'] }] } });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors)).toEqual(expect.arrayContaining(['blueprint.sections.0.questionIds', 'blueprint.sections.0.count']));
  });
});

describe('blueprints and banks', () => {
  it('a row asking for more than the bank has: a clear error on that row, and the live count', async () => {
    const [{ n }] = await h.sql`select count(*)::int as n from app.questions q join app.question_versions v on v.id = q.current_version_id
      where q.bank = 'official' and q.retired_at is null and v.type = 'short' and v.topic = 'complaint-handling'` as unknown as [{ n: number }];
    const asked = n + 4;
    const bp = { sections: [{ type: 'single', topic: 'complaint-handling', count: 2, points: 1 }, { type: 'short', topic: 'complaint-handling', count: asked, points: 10 }] };
    const check = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token: await h.tokenFor('T2001'), body: { blueprint: bp } });
    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(false);
    expect(check.body.sections[0]).toMatchObject({ asked: 2, error: null });
    expect(check.body.sections[0].available).toBeGreaterThanOrEqual(13);
    expect(check.body.sections[1]).toMatchObject({ asked, available: n });
    expect(check.body.sections[1].error).toMatch(new RegExp(`Section 2 .*简答题.*asks for ${asked} questions but only ${n} match`));
    const r = await create({ blueprint: bp });
    expect(r.status).toBe(400);
    expect(r.body.errors['blueprint.sections.1.count']).toMatch(new RegExp(`Lower the count to ${n}`));
  });

  it('an exam draws only from the banks it names; rows naming none use the official bank', async () => {
    const [hq] = await h.sql`select id from app.org_units where code = 'HQ'`;
    await h.sql`insert into app.banks (id, name, org_unit_id, visibility) values ('hq-builder', '总行组卷题库', ${hq!.id as string}, 'closed')`;
    for (let i = 1; i <= 3; i++) {
      const id = `hqb-${i}`;
      await h.sql`insert into app.questions (id, bank, topic) values (${id}, 'hq-builder', 'complaint-handling')`;
      const [v] = await h.sql`insert into app.question_versions (question_id, version, content_hash, type, topic, difficulty, stem, options, source)
        values (${id}, 1, ${`h-${id}`}, 'single', 'complaint-handling', 2, ${`总行题 ${i}`}, ${h.sql.json([{ id: 'A', text: '甲' }, { id: 'B', text: '乙' }])}, ${h.sql.json({ instrument: 'x' })})
        returning id`;
      await h.sql`insert into app.question_keys (question_version_id, key, explanation) values (${v!.id as string}, ${h.sql.json({ answer: 'A' })}, 'x')`;
      await h.sql`update app.questions set current_version_id = ${v!.id as string} where id = ${id}`;
    }
    const token = await h.tokenFor('T2001');
    const counts = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token,
      body: { blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 3, points: 1, banks: ['hq-builder'] }] } } });
    expect(counts.body.sections[0].available).toBe(3);
    const preview = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/preview', token,
      body: { blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 3, points: 1, banks: ['hq-builder'] }] } } });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body.slots.map((s: any) => s.question.id).sort()).toEqual(['hqb-1', 'hqb-2', 'hqb-3']);
    // Without banks: the official bank only, never the trainer's bank.
    const dflt = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/preview', token,
      body: { blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 13, points: 1 }] } } });
    expect(dflt.status, dflt.text).toBe(200);
    expect(dflt.body.slots.every((s: any) => !s.question.id.startsWith('hqb-'))).toBe(true);
    // A bank closed to the caller's unit cannot be named (QD's trainer and HQ's closed bank).
    const foreign = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/check', token: await h.tokenFor('T2002'),
      body: { blueprint: { sections: [{ type: 'single', count: 1, points: 1, banks: ['hq-builder'] }] } } });
    expect(foreign.body.ok).toBe(false);
    expect(foreign.body.errors['blueprint.sections.0.banks']).toMatch(/closed to your unit/);
    const fixedForeign = await create({ ownerOrgUnit: 'QD', audience: { orgUnits: [{ orgUnit: 'QD' }] }, blueprint: { sections: [{ type: 'single', count: 1, points: 1, questionIds: ['hqb-1'] }] } }, 'T2002');
    expect(fixedForeign.status).toBe(400);
    expect(fixedForeign.body.errors).toHaveProperty(['blueprint.sections.0.questionIds']);
  });

  it('the preview is the runner\'s view: no keys, explanations or sources', async () => {
    const r = await h.call(builder, { method: 'POST', path: '/api/manage/exam-builder/preview', token: await h.tokenFor('T2001'),
      body: { blueprint: { sections: [{ type: 'single', topic: 'complaint-handling', count: 3, points: 2 }, { type: 'short', topic: 'complaint-handling', count: 1, points: 10 }] } } });
    expect(r.status).toBe(200);
    expect(r.body.slots).toHaveLength(4);
    expect(r.body.totalPoints).toBe(16);
    expect(r.text).not.toMatch(/"answer"|"explanation"|"modelAnswer"|"rubric"|"source"|"key"/);
    expect(Object.keys(r.body.slots[0].question).sort()).toEqual(['id', 'options', 'stem', 'type', 'versionId']);
  });

  it('picker lists questions of usable banks without keys', async () => {
    const r = await h.call(builder, { path: '/api/manage/exam-builder/questions?type=short&topic=complaint-handling', token: await h.tokenFor('T2001') });
    expect(r.status).toBe(200);
    expect(r.body.questions.length).toBeGreaterThan(0);
    expect(r.body.questions.every((q: any) => q.type === 'short' && q.topic === 'complaint-handling')).toBe(true);
    expect(r.text).not.toMatch(/modelAnswer|explanation/);
    const opts = await h.call(builder, { path: '/api/manage/exam-builder', token: await h.tokenFor('T2002') });
    expect(opts.status).toBe(200);
    expect(opts.body.banks.map((b: any) => b.id)).not.toContain('hq-builder');
    expect(opts.body.units.map((u: any) => u.code).sort()).toEqual(['QD', 'QD-LS', 'QD-OPS', 'QD-SN']);
  });
});

describe('publishing, editing, audit', () => {
  it('publish needs an audience; status changes and a published exam\'s edits are audited with before/after', async () => {
    const none = await create({ audience: {} });
    expect(none.status).toBe(201);
    expect(none.body.status).toBe('draft');
    const refused = await setStatus(none.body.id, 'published');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('no_audience');

    const r = await create();
    const id = r.body.id;
    // Draft edits are free and not audited.
    expect((await put(id, { ...editable(r.body), passPercent: 70 })).status).toBe(200);
    expect(await auditOf(id)).toHaveLength(0);
    expect((await setStatus(id, 'published', 'T2001', '开考')).status).toBe(200);
    const v = (await getExam(id)).body;
    const changed = await put(id, { ...editable(v), passPercent: 80, timeLimitSec: 1200, reason: '调整及格线' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.passPercent).toBe(80);
    const moreAudience = await put(id, { ...editable(changed.body), audience: { ...editable(changed.body).audience, members: [{ member: 'E1013' }] } });
    expect(moreAudience.status, moreAudience.text).toBe(200);
    expect((await setStatus(id, 'draft')).status).toBe(200);
    expect((await setStatus(id, 'archived')).status).toBe(200);
    const log = await auditOf(id);
    expect(log.map((l) => l.action)).toEqual(['exam.status', 'exam.settings', 'exam.audience', 'exam.status', 'exam.status']);
    expect(log[0]).toMatchObject({ before: { status: 'draft' }, after: { status: 'published' }, reason: '开考', actor_label: 'member' });
    expect(log[1]!.before).toEqual({ pass_percent: 70, time_limit_sec: 900 });
    expect(log[1]!.after).toEqual({ pass_percent: 80, time_limit_sec: 1200 });
    expect(log[1]!.reason).toBe('调整及格线');
    expect((log[2]!.after as any).members).toEqual([{ member: 'E1013', name: '高雪', dueAt: null }]);
    // Archived: read-only.
    const late = await put(id, editable(v));
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('exam_archived');
  });

  it('an exam with attempts keeps their papers; edits apply to new attempts only', async () => {
    const exam = await published({ blueprint: { sections: [{ type: 'single', count: 2, points: 5, questionIds: ['complaint-handling-001', 'complaint-handling-002'] }] }, shuffleQuestions: false });
    const first = await start(h, exam.id, 'E1004');
    expect(first.status, first.text).toBe(201);
    const before = first.body.slots.map((s: any) => s.question.id);
    expect(before).toEqual(['complaint-handling-001', 'complaint-handling-002']);
    const v = (await getExam(exam.id)).body;
    expect(v.stats.attempts).toBe(1);
    const edited = await put(exam.id, { ...editable(v), blueprint: { sections: [{ type: 'single', count: 2, points: 5, questionIds: ['complaint-handling-003', 'complaint-handling-004'] }] } });
    expect(edited.status, edited.text).toBe(200);
    const resumed = await h.call(attempts, { path: `/api/attempts/${first.body.attempt.id}`, token: await h.tokenFor('E1004'), params: { attemptId: first.body.attempt.id } });
    expect(resumed.body.slots.map((s: any) => s.question.id)).toEqual(before);
    const other = await start(h, exam.id, 'E1005');
    expect(other.body.slots.map((s: any) => s.question.id)).toEqual(['complaint-handling-003', 'complaint-handling-004']);
    expect((await auditOf(exam.id)).map((l) => l.action)).toContain('exam.settings');
  });

  it('clone makes a draft copy with the same settings and audience', async () => {
    const src = await published();
    const c = await h.call(examActions, { method: 'POST', path: `/api/manage/exams/${src.id}/clone`, token: await h.tokenFor('T2001'), params: { examId: src.id }, body: {} });
    expect(c.status, c.text).toBe(201);
    expect(c.body.status).toBe('draft');
    expect(c.body.title).toBe(`${src.title}（副本）`);
    expect(c.body.blueprint).toEqual(src.blueprint);
    expect(c.body.audience.orgUnits.map((u: any) => u.orgUnit)).toEqual(['JN', 'QD']);
    expect(c.body.stats.attempts).toBe(0);
    expect((await h.call(examActions, { method: 'POST', path: `/api/manage/exams/${src.id}/clone`, token: await h.tokenFor('E1001'), params: { examId: src.id }, body: {} })).status).toBe(403);
  });

  it('my exams lists status, window, audience and attempts so far', async () => {
    const exam = await published({ title: '我的考试列表' });
    await start(h, exam.id, 'E1006');
    const r = await h.call(manageExams, { path: '/api/manage/exams', token: await h.tokenFor('T2001') });
    const row = r.body.exams.find((e: any) => e.id === exam.id);
    expect(row).toMatchObject({ status: 'published', attempts: 1, people: 1, questionCount: 3, audience: { orgUnits: ['济南分行', '青岛分行'], roles: 0, members: 0 } });
    expect(row.window.close).toBeTruthy();
    expect(row.dueAt).toBeTruthy();
  });
});

describe('audience: roles and named members', () => {
  it('offers the exam to the people named and the role within its unit, nobody else', async () => {
    const exam = await published({ audience: { members: [{ member: 'E1010', dueAt: inDays(1) }], roles: [{ role: 'trainer', orgUnit: 'QD' }] } });
    const offered = async (who: string) => {
      const r = await h.call(exams, { path: '/api/exams', token: await h.tokenFor(who) });
      return r.body.exams.some((e: any) => e.id === exam.id);
    };
    expect(await offered('E1010')).toBe(true);
    expect(await offered('T2002')).toBe(true);
    expect(await offered('E1011')).toBe(false);
    expect(await offered('E1006')).toBe(false);
    // Not offered and not theirs to manage: the exam does not exist for them.
    expect((await start(h, exam.id, 'E1011')).status).toBe(404);
    const ok = await start(h, exam.id, 'E1010');
    expect(ok.status, ok.text).toBe(201);

    // Results: everyone in the audience without an attempt, with the due date.
    const res = await h.call(results, { path: `/api/manage/results?examId=${exam.id}`, token: await h.tokenFor('T2001') });
    expect(res.body.notStarted.map((p: any) => p.employeeNo)).toEqual(['T2002']);
    const list = await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('T2001') });
    expect(list.body.exams.find((e: any) => e.id === exam.id)).toMatchObject({ audience: 2, people: 1, notStarted: 1 });
  });
});

describe('results', () => {
  it('lists every exam in scope, also untaken ones; HR reads them; employees cannot', async () => {
    const exam = await published({ title: '无人参加的考试' });
    const hq = await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('H3001') });
    expect(hq.status).toBe(200);
    const row = hq.body.exams.find((e: any) => e.id === exam.id);
    expect(row).toMatchObject({ attempts: 0, administers: false });
    expect(row.audience).toBeGreaterThanOrEqual(14);
    // JN's HR sees it (JN is in the audience) and counts only JN's people.
    const jn = await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('H3002') });
    const jnRow = jn.body.exams.find((e: any) => e.id === exam.id);
    const [jnPeople] = await h.sql`select count(*)::int as n from app.members m join app.org_units o on o.id = m.org_unit_id
      where o.path like '/HQ/JN/%' and m.active and m.employee_no <> 'H3002'`;
    expect(jnRow.audience).toBe(jnPeople!.n);
    const nobody = await h.call(results, { path: `/api/manage/results?examId=${exam.id}&orgUnit=JN-LX`, token: await h.tokenFor('H3002') });
    expect(nobody.body.rows).toEqual([]);
    expect(nobody.body.notStarted.map((p: any) => p.employeeNo)).toEqual(expect.arrayContaining(['E1008', 'E1009']));
    expect(nobody.body.notStarted.every((p: any) => p.orgCode === 'JN-LX')).toBe(true);
    expect((await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('E1001') })).status).toBe(403);
    // Drafts are for their administrators only.
    const draft = (await create({ title: '草稿不显示' })).body;
    expect((await h.call(results, { path: '/api/manage/results/exams', token: await h.tokenFor('H3001') })).body.exams.some((e: any) => e.id === draft.id)).toBe(false);
  });
});

describe('grading queue', () => {
  let exam: { id: string };
  let attemptId = '';
  beforeAll(async () => {
    exam = await published({ title: '简答阅卷', blueprint: { sections: [{ type: 'short', topic: 'complaint-handling', count: 1, points: 10 }, { type: 'single', count: 1, points: 10, questionIds: ['complaint-handling-001'] }] } });
    const a = await start(h, exam.id, 'E1007');
    attemptId = a.body.attempt.id;
    const keys = await keysOf(h, attemptId);
    for (const k of keys) expect((await save(h, attemptId, k.slot, { response: responseFor(k, true), seq: 1 }, 'E1007')).status).toBe(200);
    expect((await submit(h, attemptId, 'E1007')).status).toBe(200);
  });

  it('lists the short answer anonymously with the model answer and marking points', async () => {
    const r = await h.call(grading, { path: `/api/manage/grading?examId=${exam.id}`, token: await h.tokenFor('T2001') });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    const item = r.body.items[0];
    expect(item).toMatchObject({ attemptId, slot: 1, points: 10, marked: false, person: null, state: 'needs_grading' });
    expect(item.modelAnswer).toBeTruthy();
    expect(Array.isArray(item.rubric)).toBe(true);
    expect(r.text).not.toContain('徐婷');
    expect(r.text).not.toContain('E1007');
    const revealed = await h.call(grading, { path: `/api/manage/grading?examId=${exam.id}&reveal=1`, token: await h.tokenFor('T2001') });
    expect(revealed.body.items[0].person).toMatchObject({ employeeNo: 'E1007', name: '徐婷' });
  });

  it('employees, HR and trainers outside the exam get nothing', async () => {
    expect((await h.call(grading, { path: '/api/manage/grading', token: await h.tokenFor('E1001') })).status).toBe(403);
    expect((await h.call(grading, { path: '/api/manage/grading', token: await h.tokenFor('H3001') })).status).toBe(403);
    const qd = await h.call(grading, { path: '/api/manage/grading', token: await h.tokenFor('T2002') });
    expect(qd.status).toBe(200);
    expect(qd.body.items.some((i: any) => i.attemptId === attemptId)).toBe(false);
    expect((await h.call(grading, { path: '/api/manage/grading?examId=x', token: await h.tokenFor('T2001') })).status).toBe(400);
  });

  it('a mark is audited, updates score and pass at once, and reveals the name', async () => {
    const token = await h.tokenFor('T2001');
    const before = (await h.sql`select score, passed, needs_grading from app.attempts where id = ${attemptId}`)[0]!;
    expect(before.needs_grading).toBe(true);
    const g = await h.call(slotGrade, { method: 'PUT', path: `/api/attempts/${attemptId}/slots/1/grade`, token, params: { attemptId, slot: '1' }, body: { mark: 7.5, comment: '要点二未答' } });
    expect(g.status, g.text).toBe(200);
    const after = (await h.sql`select score, passed, needs_grading from app.attempts where id = ${attemptId}`)[0]!;
    expect(Number(after.score)).toBe(17.5);
    expect(after.passed).toBe(true);
    expect(after.needs_grading).toBe(false);
    const [log] = await h.sql`select action, after, reason from app.audit_log where entity = 'attempt_slot' and entity_id = ${`${attemptId}:1`}`;
    expect(log).toMatchObject({ action: 'attempt.manual_grade', reason: '要点二未答' });
    const queue = await h.call(grading, { path: `/api/manage/grading?examId=${exam.id}`, token });
    expect(queue.body.items).toHaveLength(0);
    const one = await h.call(grading, { path: `/api/manage/grading?attemptId=${attemptId}`, token });
    expect(one.body.items[0]).toMatchObject({ marked: true, mark: 7.5, comment: '要点二未答', person: { employeeNo: 'E1007' } });
  });
});

describe('item statistics', () => {
  it('matches the hand-computed fixture (four people, three questions)', async () => {
    const ids = ['complaint-handling-001', 'complaint-handling-002', 'complaint-handling-003'];
    const exam = await published({
      title: '统计样例', shuffleQuestions: false, shuffleOptions: false, audience: { orgUnits: [{ orgUnit: 'QD' }] },
      blueprint: { sections: [{ type: 'single', count: 3, points: 1, questionIds: ids }] },
    });
    // Marks per person (q1 q2 q3): 1 1 1 · 1 1 0 · 1 0 0 · 1 0 0.
    const plan: [string, boolean[]][] = [['E1001', [true, true, true]], ['E1002', [true, true, false]], ['E1003', [true, false, false]], ['E1015', [true, false, false]]];
    for (const [who, right] of plan) {
      const a = await start(h, exam.id, who);
      expect(a.status, a.text).toBe(201);
      const keys = await keysOf(h, a.body.attempt.id);
      for (const k of keys) await save(h, a.body.attempt.id, k.slot, { response: responseFor(k, right[k.slot - 1]!), seq: 1 }, who);
      expect((await submit(h, a.body.attempt.id, who)).status).toBe(200);
    }
    const r = await h.call(stats, { path: `/api/manage/exams/${exam.id}/stats`, token: await h.tokenFor('T2001'), params: { examId: exam.id } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ n: 4, smallSample: true, attemptsIncluded: 'first' });
    expect(r.body.mean).toBeCloseTo(58.33, 2);
    expect(r.body.median).toBeCloseTo(50, 2);
    expect(r.body.sd).toBeCloseTo(31.91, 2);
    expect(r.body.alpha).toBeCloseTo(0.5455, 4);
    expect(r.body.sem).toBeCloseTo(21.52, 2);
    const byQ = new Map(r.body.items.map((i: any) => [i.questionId, i]));
    expect(byQ.get(ids[0])).toMatchObject({ facility: 1, pointBiserial: null });
    expect((byQ.get(ids[0]) as any).flags).toContain('too_easy');
    expect(byQ.get(ids[1])).toMatchObject({ facility: 0.5, discriminationIndex: 1 });
    expect((byQ.get(ids[1]) as any).pointBiserial).toBeCloseTo(0.5774, 4);
    expect((byQ.get(ids[2]) as any).facility).toBe(0.25);
    // Distractor table: three wrong answers to q2 all chose the first wrong option; the others were never chosen.
    expect((byQ.get(ids[1]) as any).flags).toContain('unused_distractor');
    // Only trainers who administer the exam.
    for (const who of ['H3001', 'E1001', 'T2002']) {
      expect((await h.call(stats, { path: `/api/manage/exams/${exam.id}/stats`, token: await h.tokenFor(who), params: { examId: exam.id } })).status).toBe(403);
    }
    const asTrainer = await h.call(stats, { path: `/api/manage/exams/${exam.id}/stats?attempts=all`, token: await h.tokenFor('T2001'), params: { examId: exam.id } });
    expect(asTrainer.body.attemptsIncluded).toBe('all');
    expect((await h.call(stats, { path: `/api/manage/exams/${exam.id}/stats?attempts=some`, token: await h.tokenFor('T2001'), params: { examId: exam.id } })).status).toBe(400);
  });
});

// Review findings (issue 9 review): each test failed before its fix.
describe('review: anonymity, audit and bounds', () => {
  async function shortIds(n: number): Promise<string[]> {
    const rows = await h.sql`select q.id from app.questions q join app.question_versions v on v.id = q.current_version_id
      where q.bank = 'official' and q.retired_at is null and q.review_flagged_at is null and v.type = 'short' order by q.id limit ${n}`;
    return rows.map((r) => r.id as string);
  }
  async function sitShort(examId: string, who: string) {
    const a = await start(h, examId, who);
    expect(a.status, a.text).toBe(201);
    for (const k of await keysOf(h, a.body.attempt.id)) {
      expect((await save(h, a.body.attempt.id, k.slot, { response: responseFor(k, true), seq: 1 }, who)).status).toBe(200);
    }
    expect((await submit(h, a.body.attempt.id, who)).status).toBe(200);
    return a.body.attempt.id as string;
  }

  it('a paper with two short answers stays anonymous until both are marked', async () => {
    const ids = await shortIds(2);
    const exam = await published({ title: '两道简答', shuffleQuestions: false, blueprint: { sections: [{ type: 'short', count: 2, points: 10, questionIds: ids }] } });
    const attemptId = await sitShort(exam.id, 'E1012');
    const token = await h.tokenFor('T2001');
    expect((await h.call(slotGrade, { method: 'PUT', path: `/api/attempts/${attemptId}/slots/1/grade`, token, params: { attemptId, slot: '1' }, body: { mark: 5 } })).status).toBe(200);
    // Slot 2 of the same paper still waits: neither view may name the person yet (slot 1's name would name slot 2's author).
    for (const path of [`/api/manage/grading?examId=${exam.id}`, `/api/manage/grading?attemptId=${attemptId}`]) {
      const r = await h.call(grading, { path, token });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeGreaterThan(0);
      expect(r.text).not.toContain('何磊');
      expect(r.text).not.toContain('E1012');
    }
    expect((await h.call(slotGrade, { method: 'PUT', path: `/api/attempts/${attemptId}/slots/2/grade`, token, params: { attemptId, slot: '2' }, body: { mark: 6 } })).status).toBe(200);
    const done = await h.call(grading, { path: `/api/manage/grading?attemptId=${attemptId}`, token });
    expect(done.body.items.map((i: any) => i.person?.employeeNo)).toEqual(['E1012', 'E1012']);
  });

  it('the queue is paged: limit bounds the papers, pending counts them all', async () => {
    const ids = await shortIds(1);
    const exam = await published({ title: '分页阅卷', blueprint: { sections: [{ type: 'short', count: 1, points: 10, questionIds: ids }] } });
    await sitShort(exam.id, 'E1016');
    await sitShort(exam.id, 'E1017');
    const token = await h.tokenFor('T2001');
    const page = await h.call(grading, { path: `/api/manage/grading?examId=${exam.id}&limit=1`, token });
    expect(page.status, page.text).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.pending).toBe(2);
    expect(page.body.more).toBe(true);
    expect((await h.call(grading, { path: `/api/manage/grading?limit=100000`, token })).status).toBe(400);
  });

  it('an exam created as published is audited', async () => {
    const r = await create({ status: 'published' });
    expect(r.status, r.text).toBe(201);
    expect(r.body.status).toBe('published');
    const log = await auditOf(r.body.id);
    expect(log.map((l) => l.action)).toEqual(['exam.status']);
    expect(log[0]).toMatchObject({ after: { status: 'published' }, actor_label: 'member' });
  });

  it('unpublishing does not open an unaudited window: edits of an exam with attempts are audited', async () => {
    const exam = await published({ title: '撤回后修改' });
    expect((await start(h, exam.id, 'E1005')).status).toBe(201);
    expect((await setStatus(exam.id, 'draft')).status).toBe(200);
    const v = (await getExam(exam.id)).body;
    const edited = await put(exam.id, { ...editable(v), passPercent: 95, reviewPolicy: { during: NONE_VISIBLE, immediately: NONE_VISIBLE, afterClose: ALL_VISIBLE },
      audience: { ...editable(v).audience, members: [{ member: 'E1013' }] }, reason: '草稿期间修改' });
    expect(edited.status, edited.text).toBe(200);
    const log = await auditOf(exam.id);
    const settings = log.find((l) => l.action === 'exam.settings');
    expect(settings, JSON.stringify(log)).toBeTruthy();
    expect(settings!.after).toMatchObject({ pass_percent: 95 });
    expect(Object.keys(settings!.after as object)).toContain('review_policy');
    expect(settings!.reason).toBe('草稿期间修改');
    expect(log.map((l) => l.action)).toContain('exam.audience');
  });

  it('a clone title is one line', async () => {
    const src = await published();
    const c = await h.call(examActions, { method: 'POST', path: `/api/manage/exams/${src.id}/clone`, token: await h.tokenFor('T2001'), params: { examId: src.id }, body: { title: '副本\n第二行' } });
    expect(c.status).toBe(400);
    expect(c.body.errors.title).toMatch(/single line/);
  });
});

describe('review: per-person overrides of a published exam', () => {
  it('are audited with before/after (set, change, remove)', async () => {
    const exam = await published({ title: '个人设置审计' });
    const token = await h.tokenFor('T2001');
    const call = (method: 'PUT' | 'DELETE', body?: unknown) => h.call(overrides, {
      method, path: `/api/exams/${exam.id}/overrides/E1009`, token, params: { examId: exam.id, memberId: 'E1009' }, ...(body ? { body } : {}),
    });
    expect((await call('PUT', { extraTimeSec: 600, extraAttempts: 0 })).status).toBe(200);
    expect((await call('PUT', { extraTimeSec: 600, extraAttempts: 1 })).status).toBe(200);
    expect((await call('DELETE')).status).toBe(204);
    const log = await h.sql`select action, before, after, actor_label from app.audit_log where entity = 'exam' and entity_id = ${exam.id} and action like 'exam.override%' order by id`;
    expect(log.map((l) => l.action)).toEqual(['exam.override', 'exam.override', 'exam.override_removed']);
    expect(log[0]).toMatchObject({ before: null, after: { member: 'E1009', extraTimeSec: 600, extraAttempts: 0 }, actor_label: 'member' });
    expect(log[1]).toMatchObject({ before: { extraAttempts: 0 }, after: { extraAttempts: 1 } });
    expect(log[2]!.after).toBeNull();
  });
});

describe('review: a long list of named people', () => {
  it('resolves ids and employee numbers in one pass, keeps due dates, reports each unknown row, names a person once', async () => {
    const [e1002] = await h.sql`select id from app.members where employee_no = 'E1002'`;
    const due = inDays(5);
    const members = [{ member: 'E1001', dueAt: due }, { member: e1002!.id as string }, { member: 'E1001' }, { member: 'E1003' }];
    const r = await create({ audience: { members } });
    expect(r.status, r.text).toBe(201);
    expect(r.body.audience.members.map((m: any) => m.member)).toEqual(['E1001', 'E1002', 'E1003']);
    expect(r.body.audience.members[0].dueAt).toBe(new Date(due).toISOString());
    // 2,000 names (the schema's limit), all but two unknown or outside the scope: every bad row is reported.
    const many = Array.from({ length: 1998 }, (_, i) => ({ member: `X${i}` }));
    const bad = await create({ audience: { members: [{ member: 'E1001' }, ...many, { member: 'E1008' }] } }, 'T2002');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.errors)).toHaveLength(1999);
    expect(bad.body.errors['audience.members.1999.member']).toMatch(/no active member "E1008"/);
  });
});
