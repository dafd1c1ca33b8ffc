// Reading progress API: PUT /api/lessons/:lessonId/progress and GET /api/progress, against a real
// database (embedded PGlite, or TEST_DATABASE_URL), running as the user so RLS decides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import lessonProgress from '../../functions/lesson-progress.ts';
import progress from '../../functions/progress.ts';

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.stop(); });

const put = async (lessonId: string, body: unknown, token: string | null, raw?: string) =>
  h.call(lessonProgress, { method: 'PUT', path: `/api/lessons/${lessonId}/progress`, params: { lessonId }, token, ...(raw !== undefined ? { rawBody: raw, headers: { 'content-type': 'application/json' } } : { body }) });
const get = async (token: string | null) => h.call(progress, { path: '/api/progress', token });

describe('PUT /api/lessons/:lessonId/progress', () => {
  it('marks a lesson read (201), then is idempotent: the first mark is kept (200)', async () => {
    const token = await h.tokenFor('E1001');
    const first = await put('complaint-handling', { how: 'reached_end' }, token);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ lessonId: 'complaint-handling', how: 'reached_end' });
    expect(new Date(first.body.readAt).toString()).not.toBe('Invalid Date');

    const again = await put('complaint-handling', { how: 'explicit' }, token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const rows = await h.sql`select count(*)::int as n from app.lesson_progress p join app.members m on m.id = p.member_id
      where m.employee_no = 'E1001' and p.lesson_id = 'complaint-handling'`;
    expect(rows[0]!.n).toBe(1);
  });

  it('404 problem for an unknown lesson, a malformed id and a retired lesson', async () => {
    const token = await h.tokenFor('E1001');
    for (const id of ['no-such-lesson', 'Bad_ID']) {
      const r = await put(id, { how: 'explicit' }, token);
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    await h.sql`update app.lessons set retired_at = now() where id = 'aml-basics'`;
    try {
      const r = await put('aml-basics', { how: 'explicit' }, token);
      expect(r.status).toBe(404);
      expect(r.body.detail).toContain('aml-basics');
    } finally {
      await h.sql`update app.lessons set retired_at = null where id = 'aml-basics'`;
    }
  });

  it.each([
    ['an unknown how', { how: 'skimmed' }],
    ['no how', {}],
    ['extra fields', { how: 'explicit', readAt: '2020-01-01' }],
  ])('400 for %s', async (_label, body) => {
    const r = await put('eight-rights', body, await h.tokenFor('E1001'));
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors).toBeDefined();
  });

  it('400 for a body that is not JSON', async () => {
    const r = await put('eight-rights', undefined, await h.tokenFor('E1001'), '{not json');
    expect(r.status).toBe(400);
  });

  it('401 without a token', async () => {
    expect((await put('eight-rights', { how: 'explicit' }, null)).status).toBe(401);
    expect((await get(null)).status).toBe(401);
  });

  it('405 for other methods', async () => {
    const r = await h.call(lessonProgress, { method: 'DELETE', path: '/api/lessons/eight-rights/progress', params: { lessonId: 'eight-rights' }, token: await h.tokenFor('E1001') });
    expect(r.status).toBe(405);
  });
});

describe('GET /api/progress', () => {
  it('groups published lessons by module with my read times', async () => {
    const token = await h.tokenFor('E1001');
    await put('eight-rights', { how: 'explicit' }, token);
    const r = await get(token);
    expect(r.status).toBe(200);
    expect(r.body.modules.map((m: { module: string }) => m.module)).toEqual(['rights', 'complaints', 'sales', 'information', 'risk', 'organisation']);
    // Totals follow the published content (18 lessons in the second edition), counted here from the table.
    const perModule = new Map((await h.sql`select module, count(*)::int as n from app.lessons where retired_at is null group by module`).map((x) => [x.module as string, x.n as number]));
    expect(r.body.total).toBe([...perModule.values()].reduce((a, b) => a + b, 0));
    expect(r.body.read).toBeGreaterThanOrEqual(2);
    const complaints = r.body.modules.find((m: { module: string }) => m.module === 'complaints');
    expect(complaints).toMatchObject({ title: '投诉与纠纷化解', total: perModule.get('complaints'), read: 1 });
    expect(complaints.lessons[0]).toMatchObject({ id: 'complaint-handling', title: expect.stringContaining('投诉处理') });
    expect(complaints.lessons[0].readAt).toBeTruthy();
    const rights = r.body.modules.find((m: { module: string }) => m.module === 'rights');
    expect(rights.lessons.map((l: { id: string }) => l.id).slice(0, 2)).toEqual(['eight-rights', 'consumer-rights-law-duties']);
    expect(rights.read).toBe(1);
  });

  it('is per user: another member sees none of my reading, and a trainer reads only their own', async () => {
    const other = await get(await h.tokenFor('T2002'));
    expect(other.status).toBe(200);
    expect(other.body.read).toBe(0);
    expect(other.body.modules.flatMap((m: { lessons: { readAt: string | null }[] }) => m.lessons).every((l: { readAt: string | null }) => l.readAt === null)).toBe(true);
  });

  it('a retired lesson drops out of the totals', async () => {
    const token = await h.tokenFor('E1001');
    const before = await get(token);
    const rightsBefore = before.body.modules.find((m: { module: string }) => m.module === 'rights').total as number;
    await h.sql`update app.lessons set retired_at = now() where id = 'eight-rights'`;
    try {
      const r = await get(token);
      expect(r.body.total).toBe(before.body.total - 1);
      expect(r.body.modules.find((m: { module: string }) => m.module === 'rights').total).toBe(rightsBefore - 1);
    } finally {
      await h.sql`update app.lessons set retired_at = null where id = 'eight-rights'`;
    }
  });

  it('RLS: a member cannot write progress for someone else, even with a crafted statement', async () => {
    const token = await h.tokenFor('E1001');
    expect(token).toBeTruthy();
    const [other] = await h.sql`select id from app.members where employee_no = 'T2002'`;
    const claims = JSON.stringify({ sub: await h.userIdFor('E1001'), role: 'authenticated' });
    await expect(h.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${claims}, true), set_config('role', 'authenticated', true)`;
      await tx`insert into app.lesson_progress (member_id, lesson_id, how) values (${other!.id as string}, 'eight-rights', 'explicit')`;
    })).rejects.toMatchObject({ code: '42501' });
  });
});
