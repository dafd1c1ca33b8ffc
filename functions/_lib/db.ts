// Database access for functions. Every user request runs in ONE transaction as role
// `authenticated` with the caller's JWT claims, so RLS policies decide what it may touch — the same
// policies in Supabase, plain PostgreSQL and PGlite. Service work (grading, finalising overdue
// attempts, content sync) runs as `service_role`, explicitly.
import { openSql, type Sql, type Tx } from '../../src/server/sql.ts';
import type { Claims } from './auth.ts';

export type { Tx };

let pooled: Sql | null = null;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set.');
  return url;
}

/**
 * One pool per function instance, kept across invocations: in production Netlify keeps an instance
 * warm between calls; the local server loads every function once, so this pool (and its single
 * PGlite connection in the embedded mode, DATABASE_POOL_MAX=1) serves the whole server. Only
 * Netlify's full local emulation runs each call in a fresh worker; there
 * (DATABASE_CONNECTION=per-request) we connect per request and always close.
 */
export function sharedSql(): Sql {
  pooled ??= openSql(databaseUrl(), { max: Number(process.env.DATABASE_POOL_MAX ?? 3) });
  return pooled;
}

/** Closes the shared pool (the local server's clean stop). */
export async function closePool(): Promise<void> {
  const sql = pooled;
  pooled = null;
  await sql?.end({ timeout: 5 });
}

async function withSql<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_CONNECTION === 'per-request') {
    const sql = openSql(databaseUrl(), { max: 1 });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return fn(sharedSql());
}

// Claims whose session this instance has no fresh answer about (requireUser with
// sessionCheck 'with-first-statement', functions/_lib/auth.ts): the first statement sent as this
// user checks the session in the same message (app_private.assert_session_active, 28000 when it has
// ended), so the check costs no round trip of its own. `settle` records the answer and, for an
// ended session, gives the error to throw instead of the database's.
// `err` is the database's error when the check failed (its hint tells a required password change apart).
type SessionSettle = (active: boolean, err?: unknown) => Error | null;
const pendingSessionChecks = new WeakMap<Claims, SessionSettle>();

export function checkSessionWithFirstStatement(claims: Claims, settle: SessionSettle): void {
  pendingSessionChecks.set(claims, settle);
}

function sessionChecked(claims: Claims): void {
  const settle = pendingSessionChecks.get(claims);
  if (!settle) return;
  pendingSessionChecks.delete(claims);
  settle(true);
}

/**
 * Takes over the pending session check of `claims` (requireUser 'with-first-statement') for a
 * caller that asks app_private.session_is_active itself — e.g. among other callers' statements in
 * one message (functions/_lib/live.ts membershipOf). It must call `settle(active)`, which records the
 * answer and returns the error to throw for an ended session. Null when nothing is pending.
 */
export function takeSessionCheck(claims: Claims): SessionSettle | null {
  const settle = pendingSessionChecks.get(claims);
  if (!settle) return null;
  pendingSessionChecks.delete(claims);
  return settle;
}

/** The error to throw for `err`: the session's own when the piggybacked check failed. */
function sessionFailure(claims: Claims, err: unknown): unknown {
  const settle = pendingSessionChecks.get(claims);
  if (!settle || (err as { code?: string } | null)?.code !== '28000') return err;
  pendingSessionChecks.delete(claims);
  return settle(false, err) ?? err;
}

export function asUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSql((sql) => beginAsUser(sql, claims, '', fn)).catch((err: unknown) => {
    throw sessionFailure(claims, err);
  });
}

/** A transaction (BEGIN `mode`) as the caller; `first`, if given, runs before anything else in it. */
function beginAsUser<T>(sql: Sql, claims: Claims, mode: string, fn: (tx: Tx) => Promise<T>, first?: string): Promise<T> {
  return sql.begin(mode, async (tx) => {
    if (first) await tx.unsafe(first);
    // Sent at once and not awaited before fn's first statement: postgres.js pipelines both on the
    // transaction's connection, in order, so the claims and role are in force for every statement
    // of fn while costing no round trip of their own. (A statement with parameters would stop the
    // pipeline: with prepare off, postgres.js describes it first and waits — hence the literal.)
    // If it failed, fn's statements fail too (aborted transaction) and its error is thrown below.
    const claimsSet = tx.unsafe(claimsStatement(claims)).execute();
    claimsSet.then(() => sessionChecked(claims), () => {});
    try {
      return await fn(tx);
    } finally {
      await claimsSet;
    }
  }) as Promise<T>;
}

/**
 * Up to `wanted` transactions as the caller that all read ONE snapshot — for one large read split
 * across connections so the database works on it with several cores (the appraisal export of a
 * whole bank). The first transaction exports its snapshot (REPEATABLE READ, read only) and the others
 * import it before anything else, so together they see exactly what a single transaction would: a
 * regrade committed meanwhile is in none or in all of them. Only one transaction where connections
 * cannot run side by side: the embedded database has one session (a second transaction would wait
 * for the first to end), and per-request mode has one connection per request.
 */
export function asUserOnOneSnapshot<T>(claims: Claims, wanted: number, fn: (txs: Tx[]) => Promise<T>): Promise<T> {
  const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 3);
  const n = process.env.DATABASE_CONNECTION === 'per-request' ? 1 : Math.max(1, Math.min(wanted, poolMax));
  if (n === 1) return asUser(claims, (tx) => fn([tx]));
  const mode = 'isolation level repeatable read read only';
  return withSql((sql) =>
    beginAsUser(sql, claims, mode, async (lead) => {
      const [row] = await lead`select pg_export_snapshot() as snapshot`;
      const snapshot = literal(String(row!.snapshot));
      let release!: () => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      const opened: Promise<Tx>[] = [];
      const ended: Promise<void>[] = [];
      for (let i = 1; i < n; i++) {
        let give!: (tx: Tx) => void;
        let fail!: (err: unknown) => void;
        opened.push(new Promise<Tx>((resolve, reject) => { give = resolve; fail = reject; }));
        // Each further transaction stays open until fn is done with all of them.
        ended.push(beginAsUser(sql, claims, mode, async (tx) => { give(tx); await released; }, `set transaction snapshot ${snapshot}`).then(() => {}, fail));
      }
      try {
        return await fn([lead, ...(await Promise.all(opened))]);
      } finally {
        release();
        await Promise.allSettled(ended);
      }
    }),
  ).catch((err: unknown) => {
    throw sessionFailure(claims, err);
  });
}

/**
 * A SQL literal for a value the server produced or validated: string (uuid, JSON text), finite
 * number, boolean, null. Strings become E'…' literals with backslashes and quotes doubled, so the
 * text is taken verbatim whatever standard_conforming_strings says; NUL is refused.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new RangeError('NUL in a SQL literal');
    return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

function claimsStatement(claims: Claims): string {
  // Target-list items run left to right: claims and role first, then the pending session check.
  const check = pendingSessionChecks.has(claims)
    ? `, app_private.assert_session_active(${literal(claims.sub)}::uuid, ${literal(String(claims.session_id))}::uuid)`
    : '';
  return `select set_config('request.jwt.claims', ${literal(JSON.stringify(claims))}, true), set_config('role', 'authenticated', true)${check}`;
}

/**
 * One statement as the caller, in ONE round trip: the claims/role settings and the statement go
 * to the server as one simple-protocol message, which PostgreSQL runs as one implicit transaction
 * (settings are transaction-local, so they end with it; any error rolls everything back). For hot
 * paths only; `statement` must be built with `literal()` for every value. Returns its rows.
 */
export function asUserOneStatement(claims: Claims, statement: string): Promise<Record<string, unknown>[]> {
  return withSql(async (sql) => {
    let results: Record<string, unknown>[][];
    try {
      results = (await sql.unsafe(`${claimsStatement(claims)};\n${statement}`)) as unknown as Record<string, unknown>[][];
    } catch (err) {
      throw sessionFailure(claims, err);
    }
    sessionChecked(claims);
    return results[1] ?? [];
  });
}

/**
 * Several statements as the caller in ONE round trip and one implicit transaction (like
 * asUserOneStatement; each statement takes its own snapshot, so a lock taken by one is followed by
 * reads that see everything committed before it was granted). Returns the rows of each statement.
 */
export function asUserStatements(claims: Claims, statements: string): Promise<Record<string, unknown>[][]> {
  return withSql(async (sql) => {
    let results: Record<string, unknown>[][];
    try {
      results = (await sql.unsafe(`${claimsStatement(claims)};\n${statements}`)) as unknown as Record<string, unknown>[][];
    } catch (err) {
      throw sessionFailure(claims, err);
    }
    sessionChecked(claims);
    return results.slice(1);
  });
}

/**
 * One statement as the service role in one round trip (as asUserOneStatement does for a user):
 * for hot reads that need no transaction of their own, such as a live contest's version on every
 * poll. `statement` must be built with `literal()` for every value. Returns its rows.
 */
export function asServiceOneStatement(statement: string): Promise<Record<string, unknown>[]> {
  return withSql(async (sql) => {
    const results = (await sql.unsafe(
      `select set_config('request.jwt.claims', '{"role":"service_role"}', true), set_config('role', 'service_role', true);\n${statement}`,
    )) as unknown as Record<string, unknown>[][];
    return results[1] ?? [];
  });
}

export function asService<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSql((sql) =>
    sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true),
                      set_config('role', 'service_role', true)`;
      return fn(tx);
    }) as Promise<T>,
  );
}

/** Health check: no transaction, no role switch. */
export function ping(): Promise<{ schemaVersion: string | null }> {
  return withSql(async (sql) => {
    const [row] = await sql`select max(version) as v from supabase_migrations.schema_migrations`;
    return { schemaVersion: (row?.v as string | null) ?? null };
  });
}
