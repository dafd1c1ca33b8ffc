// A database of its own, migrated up to (not including) a given migration, for tests that prove a
// migration moves existing data forward: a second embedded PGlite, or a throwaway database on
// TEST_DATABASE_URL. The shim and the tracking table come first, as migrate() does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openSql, type Sql } from '../../src/server/sql.ts';
import { listMigrations, migrationsDir } from '../../src/server/migrate.ts';
import { throwawayDatabase } from './harness.ts';

export interface MigratedDatabase {
  sql: Sql;
  stop(): Promise<void>;
}

export async function databaseBefore(target: string, namePrefix: string): Promise<MigratedDatabase> {
  const database = await throwawayDatabase(namePrefix);
  const sql = openSql(database.url);
  await sql.unsafe(readFileSync(path.join(migrationsDir, '../compat/supabase-shim.sql'), 'utf8')).simple();
  await sql.unsafe(`create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text primary key, statements text[], name text);`).simple();
  for (const m of listMigrations().filter((f) => f.version < target)) {
    const body = readFileSync(m.file, 'utf8');
    await sql.begin(async (tx) => {
      await tx.unsafe(body).simple();
      await tx`insert into supabase_migrations.schema_migrations (version, statements, name) values (${m.version}, array[${body}::text], ${m.name})`;
    });
  }
  return {
    sql,
    async stop() {
      await sql.end();
      await database.drop();
    },
  };
}
