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
 * In production a function instance keeps one small pool across invocations. In the embedded
 * mode (DATABASE_CONNECTION=per-request) each invocation runs in a fresh worker and PGlite admits
 * one session at a time, so we connect per request and always close.
 */
async function withSql<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
  if (process.env.DATABASE_CONNECTION === 'per-request') {
    const sql = openSql(databaseUrl(), { max: 1 });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  pooled ??= openSql(databaseUrl(), { max: Number(process.env.DATABASE_POOL_MAX ?? 3) });
  return fn(pooled);
}

export function asUser<T>(claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withSql((sql) =>
    sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
                      set_config('role', 'authenticated', true)`;
      return fn(tx);
    }) as Promise<T>,
  );
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
