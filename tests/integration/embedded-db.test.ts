// The embedded database is not open to every local user (security finding 12): the loopback gate
// asks for a generated password (SCRAM-SHA-256) kept owner-only next to the data directory, and the
// data directory itself is owner-only.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/server/embedded-db.ts';

let dir: string;
let db: EmbeddedDatabase;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'xb-embedded-'));
  db = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite') });
});
afterAll(async () => {
  await db?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function connect(url: string) {
  return postgres(url, { max: 1, prepare: false, fetch_types: false, connect_timeout: 10, onnotice: () => {} });
}

async function failure(url: string): Promise<{ code?: string; message: string }> {
  const sql = connect(url);
  try {
    await sql`select 1`;
    return { message: 'connected' };
  } catch (err) {
    return err as { code?: string; message: string };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

describe('embedded database access', () => {
  it('answers with the URL it returns', async () => {
    const sql = connect(db.url);
    const [row] = await sql`select current_user as who, 1 + 1 as two`;
    expect(row).toMatchObject({ two: 2 });
    await sql.end();
  });

  it('refuses a wrong password and no password', async () => {
    const wrong = new URL(db.url);
    wrong.password = 'postgres';
    expect(await failure(wrong.toString())).toMatchObject({ code: '28P01' });
    const none = new URL(db.url);
    none.password = '';
    const refused = await failure(none.toString());
    expect(refused.message).not.toBe('connected');
  });

  it('keeps the password owner-only next to the data directory, and reuses it on restart', async () => {
    const file = path.join(dir, 'pglite.password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'pglite')).mode & 0o777).toBe(0o700);
    const password = readFileSync(file, 'utf8').trim();
    expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
    expect(password.length).toBeGreaterThanOrEqual(32);

    await db.stop();
    db = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite') });
    expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
    const sql = connect(db.url);
    expect((await sql`select 1 as one`)[0]).toMatchObject({ one: 1 });
    await sql.end();
  }, 60_000);

  it('still admits one client connection at a time', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    const order: string[] = [];
    await a`select 1`;
    const waiting = b`select 1`.then(() => order.push('b'));
    await new Promise((r) => setTimeout(r, 300));
    order.push('a-done');
    await a.end();
    await waiting;
    await b.end();
    expect(order).toEqual(['a-done', 'b']);
  });
});
