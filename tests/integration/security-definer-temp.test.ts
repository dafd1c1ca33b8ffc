// Security review S1, D3 (migration 20261201001100): no owner-rights function may use a temporary
// table the caller can create first. Before the fix, a live contest's host created
// pg_temp.live_results_new with a statement trigger, called app.live_results_sync, and the trigger
// ran as the function's owner (roles raised to admin, a forged audit row). Two layers are tested:
//   1. `authenticated` may not create temporary tables at all (TEMPORARY revoked from PUBLIC);
//   2. even with a pre-created table and trigger in the session (created here by the superuser,
//      as a database where the revoke was skipped would allow), the functions never fire it:
//      live_results_sync stages its rows in a variable, the question writers drop and re-create
//      their own xb_write table.
// PGlite, or PostgreSQL with TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { asUser, type Tx } from '../../functions/_lib/db.ts';
import { createContest } from './live-helpers.ts';
import { createBank, unitId } from './banks-helpers.ts';

let h: Harness;
const subs = new Map<string, string>();
beforeAll(async () => {
  h = await startHarness();
  for (const no of ['T2001', 'E1001']) subs.set(no, await h.userIdFor(no));
}, 120000);
afterAll(async () => { await h?.stop(); });

const claims = (who: string) => ({ sub: subs.get(who)!, role: 'authenticated', aud: 'authenticated' });
const as = <T>(who: string, fn: (tx: Tx) => Promise<T>) => asUser(claims(who), fn);

/** A trigger function that, if it ever runs inside an owner-rights function, escalates and forges. */
const PWN = `create function pg_temp.s1_pwn() returns trigger language plpgsql as $f$ begin
    insert into app.audit_log (actor_label, action, entity, entity_id, reason) values ('s1', 's1.forged', 'member', 'x', current_user);
    update app.members set roles = array['admin'] where employee_no = 'T2001';
    return null; end $f$`;

/**
 * In one transaction: the superuser plants `table` (shaped like `like`) with a statement trigger in
 * this session's temp schema, then the transaction becomes `who` (role authenticated, their claims)
 * and runs `call`. Returns the call's outcome; the transaction is rolled back either way.
 */
async function planted(who: string, table: string, like: string, call: (tx: Tx) => Promise<unknown>) {
  const done = new Error('rollback');
  let outcome: unknown;
  try {
    await h.sql.begin(async (tx) => {
      await tx.unsafe(`create temporary table ${table} as select * from ${like} with no data`);
      await tx.unsafe(PWN);
      for (const ev of ['insert', 'update', 'delete', 'truncate']) {
        await tx.unsafe(`create trigger s1_${ev} after ${ev} on pg_temp.${table} for each statement execute function pg_temp.s1_pwn()`);
      }
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims(who))}, true), set_config('role', 'authenticated', true)`;
      try {
        outcome = await call(tx as unknown as Tx);
      } catch (err) {
        outcome = `error ${(err as { code?: string }).code}: ${(err as Error).message}`;
      }
      // What the (rolled back) transaction would have kept: read as the superuser again.
      await tx`reset role`;
      const [t] = await tx`select roles from app.members where employee_no = 'T2001'`;
      const forged = await tx`select 1 from app.audit_log where action = 's1.forged'`;
      outcome = { outcome, roles: t!.roles, forged: forged.length };
      throw done;
    });
  } catch (err) {
    if (err !== done) throw err;
  }
  return outcome as { outcome: unknown; roles: string[]; forged: number };
}

describe('S1 D3: temporary tables and owner-rights functions', () => {
  it('authenticated cannot create a temporary table (the probe stops at its first step)', async () => {
    // The revoke is a database-level ACL: it lives in pg_database, so it holds in the database the
    // migrations ran in (PGlite: the copied data directory is that database) but not in a copy made
    // with `create database … template …` (the PostgreSQL harness) — there, check the template.
    if (process.env.TEST_DATABASE_URL) {
      const acl = await h.sql`select datname from pg_database
        where not has_database_privilege('authenticated', oid, 'TEMPORARY') and has_database_privilege('service_role', oid, 'TEMPORARY')`;
      expect(acl.length, 'the migrated template database').toBeGreaterThan(0);
      return;
    }
    const err = await as('T2001', (tx) => tx.unsafe('create temporary table live_results_new (x int)')).then(() => null, (e: unknown) => e);
    expect((err as { code?: string } | null)?.code).toBe('42501');
    // service_role keeps the privilege (server-side tooling may stage rows).
    const [r] = await h.sql`select has_database_privilege('service_role', current_database(), 'TEMPORARY') as svc,
                                   has_database_privilege('authenticated', current_database(), 'TEMPORARY') as auth,
                                   has_database_privilege('anon', current_database(), 'TEMPORARY') as anon`;
    expect(r).toEqual({ svc: true, auth: false, anon: false });
  });

  it('app.live_results_sync never touches a pre-created pg_temp.live_results_new', async () => {
    const contest = (await createContest(h, 'T2001', 'S1 现场赛')).id;
    const r = await planted('T2001', 'live_results_new', 'app.live_results',
      (tx) => tx`select app.live_results_sync(${contest}::uuid, '[]'::jsonb, 'sync', null) as n`);
    expect(r.outcome).toEqual([{ n: 0 }]);
    expect(r.forged).toBe(0);
    expect(r.roles).not.toContain('admin');
    // And the function still refuses people who did not sit in the contest (its checks survived).
    const bad = await as('T2001', (tx) => tx`select app.live_results_sync(${contest}::uuid, ${tx.json([{ member_id: subs.get('E1001') }] as never)}, 'sync', null)`)
      .then(() => null, (e: { code?: string }) => e.code);
    expect(bad).toBe('23514');
  });

  it('app.save_question drops a pre-created pg_temp.xb_write instead of writing through it', async () => {
    const bank = (await createBank(h, 'T2001', { name: 'S1 临时表', orgUnitId: await unitId(h, 'HQ') })).body.bank.id as string;
    const row = { d: { type: 'truefalse', topic: 't', difficulty: 1, stem: 'S1：临时表？', options: null, blankCount: 0, source: {}, key: { answer: true }, explanation: '', feedback: null }, hash: 'h-s1', stem_key: 'k-s1', tags: [] };
    // Shaped like the real staging table, so an unguarded function would happily use it.
    await h.sql`create table if not exists public.s1_xb_shape as
      select 1 as row_no, null::text as wanted_id, null::jsonb as d, null::text as hash, null::text as stem_key, '{}'::text[] as tags,
             null::text as qid, null::uuid as vid, null::text as outcome, false as fresh with no data`;
    try {
      const r = await planted('T2001', 'xb_write', 'public.s1_xb_shape',
        (tx) => tx`select app.save_question(${bank}, null, ${tx.json(row)}, false) as out`);
      expect(JSON.stringify(r.outcome)).toContain('"outcome":"add"');
      expect(r.forged).toBe(0);
      expect(r.roles).not.toContain('admin');
    } finally {
      await h.sql`drop table if exists public.s1_xb_shape`;
    }
  });
});
