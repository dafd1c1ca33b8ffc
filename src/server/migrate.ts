// Applies supabase/migrations in order and records them the way the Supabase CLI does
// (supabase_migrations.schema_migrations), so a database started here can later be managed by
// `supabase db push`. The compatibility shim is applied first, but only when the database is not a
// Supabase project (Supabase already provides the roles, auth.uid() and auth.users).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Sql } from './sql.ts';

const root = path.resolve(import.meta.dirname, '../..');
export const migrationsDir = path.join(root, 'supabase/migrations');
const shimFile = path.join(root, 'supabase/compat/supabase-shim.sql');

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
}

export function listMigrations(dir = migrationsDir): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.slice(0, 14), name: f.slice(15, -4), file: path.join(dir, f) }));
}

export async function isSupabase(sql: Sql): Promise<boolean> {
  const [row] = await sql`select exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') as yes`;
  return Boolean(row?.yes);
}

export async function migrate(sql: Sql, log: (line: string) => void = () => {}): Promise<{ applied: string[]; schemaVersion: string | null; supabase: boolean }> {
  const supabase = await isSupabase(sql);
  if (!supabase) await sql.unsafe(readFileSync(shimFile, 'utf8')).simple();

  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key,
      statements text[],
      name text
    );`).simple();

  const done = new Set((await sql`select version from supabase_migrations.schema_migrations`).map((r) => String(r.version)));
  const applied: string[] = [];
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue;
    const body = readFileSync(m.file, 'utf8');
    await sql.begin(async (tx) => {
      await tx.unsafe(body).simple();
      await tx`insert into supabase_migrations.schema_migrations (version, statements, name)
               values (${m.version}, array[${body}::text], ${m.name})`;
    });
    applied.push(`${m.version}_${m.name}`);
    log(`applied migration ${m.version}_${m.name}`);
  }
  const [v] = await sql`select max(version) as v from supabase_migrations.schema_migrations`;
  return { applied, schemaVersion: (v?.v as string | null) ?? null, supabase };
}
