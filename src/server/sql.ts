// One way to open a postgres.js client for every mode (embedded PGlite, plain PostgreSQL, Supabase).
import postgres from 'postgres';

export type Sql = postgres.Sql<Record<string, never>>;
export type Tx = postgres.TransactionSql<Record<string, never>>;

export function openSql(url: string, options: { max?: number; idleTimeoutSeconds?: number } = {}): Sql {
  return postgres(url, {
    // Supabase's pooler in transaction mode and PGlite's single session both rule out named
    // prepared statements that outlive a transaction.
    prepare: false,
    max: options.max ?? 1,
    // Skipping the type lookup saves a round trip per connection (functions connect per request in
    // the embedded mode). Consequence: pass lists as JSON (`jsonb_array_elements_text(${sql.json(list)})`)
    // and read arrays back as JSON (`to_jsonb(col)`), never as native Postgres arrays.
    fetch_types: false,
    idle_timeout: options.idleTimeoutSeconds ?? 20,
    connect_timeout: 30,
    onnotice: () => {},
    connection: { application_name: 'xiaobao' },
  }) as Sql;
}
