// The embedded database (src/server/embedded-db.ts): one PGlite session behind a loopback gate.
// Access (security finding 12): the gate asks for a generated password (SCRAM-SHA-256) kept
// owner-only next to the data directory, and the data directory itself is owner-only.
// Sharing: client connections are multiplexed onto the one session at transaction boundaries, so an
// idle pool connection never locks out a second client, and a transaction is never interleaved.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Whether the promise settles within `ms` (it keeps running either way). */
const settlesWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true, () => true), sleep(ms).then(() => false)]);

const query = (text: string) => {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('Q', 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};

/**
 * A bare protocol client (startup and SCRAM-SHA-256 by hand), for what drivers never do: several
 * messages and Terminate in one write, then closing without reading the replies.
 */
async function rawClient(url: string) {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  const socket = net.connect({ host: u.hostname, port: Number(u.port) });
  let buffer = Buffer.alloc(0);
  let ended = false;
  const waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => {
    ended = true;
    for (const w of waiters.splice(0)) w();
    resolve();
  }));
  /** The next backend message. */
  const next = async (): Promise<{ type: string; body: Buffer }> => {
    while (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) {
      if (ended) throw new Error('connection closed');
      await new Promise<void>((r) => waiters.push(r));
    }
    const length = buffer.readInt32BE(1);
    const m = { type: String.fromCharCode(buffer[0]!), body: buffer.subarray(5, 1 + length) };
    buffer = buffer.subarray(1 + length);
    return m;
  };
  const send = (bytes: Buffer) => socket.write(bytes);
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  await new Promise((r) => socket.once('connect', r));
  const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
  const startup = Buffer.alloc(8);
  startup.writeInt32BE(8 + params.length, 0);
  startup.writeInt32BE(196608, 4);
  send(Buffer.concat([startup, params]));
  expect((await next()).body.readInt32BE(0)).toBe(10); // SASL
  const nonce = randomBytes(18).toString('base64');
  const clientFirstBare = `n=,r=${nonce}`;
  const first = Buffer.from(`n,,${clientFirstBare}`);
  const len = Buffer.alloc(4);
  len.writeInt32BE(first.length);
  send(message('p', Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), len, first])));
  const serverFirst = (await next()).body.subarray(4).toString();
  const fields = Object.fromEntries(serverFirst.split(',').map((f) => [f[0], f.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(fields.s!, 'base64'), Number(fields.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const finalBare = `c=biws,r=${fields.r}`;
  const signature = createHmac('sha256', storedKey).update(`${clientFirstBare},${serverFirst},${finalBare}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!)).toString('base64');
  send(message('p', Buffer.from(`${finalBare},p=${proof}`)));
  /** Reads until ReadyForQuery and returns its transaction status. */
  const readyFor = async () => {
    for (;;) {
      const m = await next();
      if (m.type === 'E') throw new Error(m.body.toString());
      if (m.type === 'Z') return String.fromCharCode(m.body[0]!);
    }
  };
  expect(await readyFor()).toBe('I');
  /**
   * Every message but ParameterStatus until ReadyForQuery or the end of the connection, as type letters, with an
   * ErrorResponse's SQLSTATE (`E:08P01`) and a DataRow's text (`D:…`).
   */
  const replies = async () => {
    const seen: string[] = [];
    for (;;) {
      let m: { type: string; body: Buffer };
      try {
        m = await next();
      } catch {
        return seen;
      }
      if (m.type === 'S') continue; // ParameterStatus may come at any time (the gate's reset sends some)
      if (m.type === 'E') seen.push(`E:${/\0C([^\0]*)\0/.exec(`\0${m.body.toString('latin1')}`)?.[1]}`);
      else if (m.type === 'D') seen.push(`D:${m.body.toString('utf8').replace(/[\0-\x1f]/g, '')}`);
      else seen.push(m.type);
      if (m.type === 'Z') return seen;
    }
  };
  return { socket, send, readyFor, replies, closed, message };
}

const hasPsql = spawnSync('psql', ['--version']).status === 0;

/** psql, asynchronously: the gate runs in this process, so a synchronous spawn would block it. */
function psqlCommand(url: string, command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', command]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('embedded database access', () => {
  it('answers with the URL it returns', async () => {
    const sql = connect(db.url);
    const [row] = await sql`select current_user as who, 1 + 1 as two`;
    expect(row).toMatchObject({ who: 'postgres', two: 2 });
    await sql.end();
  });

  it('refuses a wrong password, no password, another role and another database', async () => {
    const wrong = new URL(db.url);
    wrong.password = 'postgres';
    expect(await failure(wrong.toString())).toMatchObject({ code: '28P01' });
    const none = new URL(db.url);
    none.password = '';
    const refused = await failure(none.toString());
    expect(refused.message).not.toBe('connected');
    const role = new URL(db.url);
    role.username = 'authenticated';
    expect(await failure(role.toString())).toMatchObject({ code: '28000' });
    const other = new URL(db.url);
    other.pathname = '/template1';
    expect(await failure(other.toString())).toMatchObject({ code: '3D000' });
  });

  it('keeps the password owner-only next to the data directory, and reuses it on restart', async () => {
    const file = path.join(dir, 'pglite.password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'pglite')).mode & 0o777).toBe(0o700);
    const password = readFileSync(file, 'utf8').trim();
    expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
    expect(password.length).toBeGreaterThanOrEqual(32);
    // The URL file (for psql and fixtures) is owner-only and goes away with the database.
    const urlFile = path.join(dir, 'pglite.url');
    expect(readFileSync(urlFile, 'utf8').trim()).toBe(db.url);
    expect(statSync(urlFile).mode & 0o777).toBe(0o600);

    await db.stop();
    expect(existsSync(urlFile)).toBe(false);
    db = await startEmbeddedDatabase({ dataDir: path.join(dir, 'pglite') });
    expect(decodeURIComponent(new URL(db.url).password)).toBe(password);
    expect(readFileSync(urlFile, 'utf8').trim()).toBe(db.url);
    const sql = connect(db.url);
    expect((await sql`select 1 as one`)[0]).toMatchObject({ one: 1 });
    await sql.end();
  }, 60_000);
});

describe('sharing the one session', () => {
  beforeAll(async () => {
    const sql = connect(db.url);
    await sql`create table if not exists gate_log (seq bigserial primary key, who text not null, txid bigint not null default txid_current())`;
    await sql`create table if not exists gate_counter (id int primary key, n int not null)`;
    await sql`create table if not exists gate_rows (client int not null, i int not null)`;
    await sql.end();
  });

  it('serves a second client while the first keeps its connection open', async () => {
    const pool = connect(db.url); // like the local server's pool: one connection, idle between requests
    const other = connect(db.url);
    try {
      await pool`select 1`;
      const started = Date.now();
      expect(await other`select 2 as two`).toEqual([{ two: 2 }]);
      expect(Date.now() - started).toBeLessThan(2000);
      // And back: both stay usable, alternately.
      for (let i = 0; i < 5; i++) {
        expect((await pool`select ${i}::int as i`)[0]!.i).toBe(i);
        expect((await other`select ${i}::int as i`)[0]!.i).toBe(i);
      }
    } finally {
      await pool.end();
      await other.end();
    }
  });

  it('never interleaves another client into an open transaction', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    try {
      let bDone = false;
      let bRun: Promise<unknown> = Promise.resolve();
      await a.begin(async (tx) => {
        await tx`insert into gate_log (who) values ('a-first')`;
        // b starts while a's transaction is open; its statements must wait for a's COMMIT.
        bRun = (async () => {
          for (let i = 0; i < 5; i++) await b`insert into gate_log (who) values (${`b-${i}`})`;
          bDone = true;
        })();
        await sleep(300);
        expect(bDone).toBe(false);
        await tx`insert into gate_log (who) values ('a-last')`;
      });
      await bRun;
      const rows = await a`select who, txid::text from gate_log where who like 'a-%' or who like 'b-%' order by seq`;
      expect(rows.map((r) => r.who)).toEqual(['a-first', 'a-last', 'b-0', 'b-1', 'b-2', 'b-3', 'b-4']);
      // a's two statements share one transaction; each of b's ran in its own.
      const txids = rows.map((r) => r.txid as string);
      expect(txids[0]).toBe(txids[1]);
      expect(new Set(txids.slice(1)).size).toBe(6);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('keeps a failed transaction with its client until it rolls back', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    try {
      await a`begin`;
      await a`insert into gate_log (who) values ('failed-tx')`;
      await expect(a`select 1 / 0`).rejects.toMatchObject({ code: '22012' });
      // The backend is in a failed transaction ('E'): b must not get it (it would be refused with
      // 25P02, or worse, end a's transaction for it).
      const bQuery = b`select count(*)::int as n from gate_log where who = 'failed-tx'`;
      expect(await settlesWithin(bQuery, 300)).toBe(false);
      await expect(a`select 1`).rejects.toMatchObject({ code: '25P02' });
      await a`rollback`;
      expect(await bQuery).toEqual([{ n: 0 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('rolls back for a client that dies mid-transaction, and others go on', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    try {
      let bQuery: Promise<unknown> | null = null;
      const aTx = a.begin(async (tx) => {
        await tx`insert into gate_log (who) values ('dies')`;
        bQuery = b`select count(*)::int as n from gate_log where who = 'dies'`;
        await sleep(200);
        // The client goes away without COMMIT or ROLLBACK (its socket is destroyed).
        await a.end({ timeout: 0 });
        await tx`select 1`;
      });
      await expect(aTx).rejects.toBeTruthy();
      expect(await bQuery).toEqual([{ n: 0 }]);
      // The session is not left inside the dead client's transaction (which had a txid: it wrote).
      expect(await b`select txid_current_if_assigned()::text as txid`).toEqual([{ txid: null }]);
    } finally {
      await a.end({ timeout: 0 }).catch(() => {});
      await b.end();
    }
  });

  it('still runs a COMMIT that arrived before its client went away', async () => {
    const b = connect(db.url);
    const a = await rawClient(db.url);
    try {
      await b`select 1`; // connected and authenticated, so its next query reaches the gate at once
      a.send(query("begin; insert into gate_log (who) values ('commit-then-close')"));
      expect(await a.readyFor()).toBe('T');
      // b waits in line, so the gate holds a's COMMIT back until a's slow query has answered …
      const bCount = b`select count(*)::int as n from gate_log where who = 'commit-then-close'`.execute();
      await sleep(50);
      // … and a sends the slow query, COMMIT and Terminate at once and closes without reading. A
      // PostgreSQL backend would still run the COMMIT it had received; so must the gate.
      a.send(Buffer.concat([query('select count(*) from generate_series(1, 2000000)'), query('commit'), Buffer.from([0x58, 0, 0, 0, 4])]));
      a.socket.destroy();
      expect(await bCount).toEqual([{ n: 1 }]);
    } finally {
      a.socket.destroy();
      await b.end();
    }
  });

  it.skipIf(!hasPsql)('works with psql, and a psql killed mid-transaction blocks nobody', async () => {
    const run = await psqlCommand(db.url, "insert into gate_log (who) values ('psql') returning who");
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('psql');

    const pool = connect(db.url);
    await pool`select 1`; // an open, idle pool connection, as the server keeps
    const psql = spawn('psql', [db.url, '-X', '-qAt', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    psql.stdout.on('data', (d: Buffer) => (out += d.toString()));
    psql.stdin.write("begin;\ninsert into gate_log (who) values ('psql-killed');\nselect 'inside';\n");
    for (let i = 0; i < 100 && !out.includes('inside'); i++) await sleep(100);
    expect(out).toContain('inside');
    const waiting = pool`select count(*)::int as n from gate_log where who = 'psql-killed'`;
    expect(await settlesWithin(waiting, 300)).toBe(false); // psql's transaction is open
    psql.kill('SIGKILL');
    expect(await waiting).toEqual([{ n: 0 }]);
    await pool.end();
  });

  it('streams COPY TO STDOUT to its client while another client waits its turn', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    try {
      const chunks: Buffer[] = [];
      const stream = await a`copy (select i, repeat('x', 100) from generate_series(1, 20000) as i) to stdout`.readable();
      const other = b`select 42 as answer`;
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(20000);
      expect(lines[19999]).toBe(`20000\t${'x'.repeat(100)}`);
      expect(await other).toEqual([{ answer: 42 }]);
      expect(await a`select 1 as one`).toEqual([{ one: 1 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('passes messages larger than its per-client buffer intact, while another client is served', async () => {
    const a = connect(db.url);
    const b = connect(db.url);
    try {
      // 6 MB in one Bind message: many TCP chunks, and above the gate's 1 MiB pause threshold.
      const big = 'é'.repeat(3_000_000);
      const [[bigRow], small] = await Promise.all([
        a`select length(${big}::text) as chars, md5(${big}::text) as sum`,
        b`select 7 as seven`,
      ]);
      expect(bigRow).toEqual({ chars: 3_000_000, sum: createHash('md5').update(big).digest('hex') });
      expect(small).toEqual([{ seven: 7 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('refuses COPY FROM STDIN with an error instead of losing the session', async () => {
    const sql = connect(db.url);
    try {
      await expect(sql.unsafe('copy gate_rows from stdin').simple()).rejects.toMatchObject({ code: '0A000' });
      await expect(sql.unsafe('COPY gate_rows (client, i) FROM STDIN')).rejects.toMatchObject({ code: '0A000' });
      expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
    } finally {
      await sql.end();
    }
  });

  it('gives correct totals for 20 clients × 50 read-modify-write transactions', async () => {
    const setup = connect(db.url);
    await setup`insert into gate_counter (id, n) values (1, 0) on conflict (id) do update set n = 0`;
    await setup`delete from gate_rows`;
    const clients = Array.from({ length: 20 }, () => connect(db.url));
    try {
      await Promise.all(clients.map(async (sql, c) => {
        for (let i = 0; i < 50; i++) {
          await sql.begin(async (tx) => {
            // Read, then write what was read plus one: an interleaved transaction would lose updates.
            const [row] = await tx`select n from gate_counter where id = 1`;
            await tx`insert into gate_rows (client, i) values (${c}, ${i})`;
            await tx`update gate_counter set n = ${(row!.n as number) + 1} where id = 1`;
          });
        }
      }));
      expect(await setup`select n from gate_counter where id = 1`).toEqual([{ n: 1000 }]);
      expect(await setup`select count(*)::int as n, count(distinct (client, i))::int as d from gate_rows`).toEqual([{ n: 1000, d: 1000 }]);
    } finally {
      await Promise.all(clients.map((sql) => sql.end()));
      await setup.end();
    }
  }, 120_000);
});

/**
 * Security review S1: what a client could do to the others through the shared session. Each case
 * sends what the reviewer's probe sent and checks that the other client (the server's pool) gets
 * its own answer, promptly.
 */
describe('the gate refuses or cuts off what would harm other clients', () => {
  const IDLE_MS = 400;
  let gate: EmbeddedDatabase;
  let server: ReturnType<typeof connect>;
  beforeAll(async () => {
    gate = await startEmbeddedDatabase({ idleTransactionTimeoutMs: IDLE_MS });
    server = connect(gate.url);
    await server`create table s1_rows (a int primary key)`;
    await server`create table s1_parent (id int primary key)`;
    await server`create table s1_child (parent int not null references s1_parent (id))`;
  });
  afterAll(async () => {
    await server?.end({ timeout: 1 });
    await gate?.stop();
  });

  /** The server's own query, which must come back within `ms`. */
  async function serverAnswers<T>(run: () => Promise<T>, ms = 3000): Promise<T> {
    const result = run();
    expect(await settlesWithin(result, ms)).toBe(true);
    return result;
  }

  const bytes = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const parse = (text: string) => bytes('P', Buffer.concat([Buffer.from(`\0${text}\0`), Buffer.alloc(2)]));
  const bind = () => bytes('B', Buffer.alloc(8));
  const execute = () => bytes('E', Buffer.alloc(5));
  const sync = () => bytes('S', Buffer.alloc(0));
  /** FunctionCall: one text argument, text result. */
  const functionCall = (oid: number, arg: string) => {
    const a = Buffer.from(arg);
    const body = Buffer.alloc(4 + 2 + 2 + 2 + 4 + a.length + 2);
    let o = body.writeInt32BE(oid, 0);
    o = body.writeInt16BE(1, o);
    o = body.writeInt16BE(0, o);
    o = body.writeInt16BE(1, o);
    o = body.writeInt32BE(a.length, o);
    o += a.copy(body, o);
    body.writeInt16BE(0, o);
    return bytes('F', body);
  };

  it("refuses FunctionCall, so its reply cannot reach the next client (P3)", async () => {
    await server`select 1`;
    const a = await rawClient(gate.url);
    // upper(text) is OID 871; the Query behind it would be answered to whoever holds the backend next.
    a.send(Buffer.concat([functionCall(871, 'abc'), query("select pg_sleep(0.3), 'SECRET-FROM-A' as leaked")]));
    const got = await serverAnswers(() => server`select 'server own' as x`);
    expect(got).toEqual([{ x: 'server own' }]);
    expect(await a.replies()).toEqual(['E:08P01']);
    await a.closed;
    expect(await server`select 'again' as x`).toEqual([{ x: 'again' }]);
  });

  it('refuses stray CopyData, CopyDone and CopyFail outside a COPY (P3)', async () => {
    for (const type of ['d', 'c', 'f']) {
      const a = await rawClient(gate.url);
      a.send(Buffer.concat([bytes(type, Buffer.from(type === 'd' ? 'x' : type === 'f' ? 'no\0' : '')), query('select 1')]));
      expect(await a.replies()).toEqual(['E:08P01']);
      await a.closed;
      expect(await serverAnswers(() => server`select ${type} as t`)).toEqual([{ t: type }]);
    }
  });

  it('refuses a simple Query inside an unsynced extended batch, and the database goes on (P2)', async () => {
    const a = await rawClient(gate.url);
    // After the failed Parse the backend skips everything up to Sync, this Query included; the gate
    // used to wait for its ReadyForQuery forever, and every client with it.
    a.send(Buffer.concat([parse('select nonsense_col'), bind(), execute(), query('select 42'), sync()]));
    expect(await a.replies()).toEqual(['E:08P01']);
    await a.closed;
    expect(await serverAnswers(() => server`select 7 as seven`)).toEqual([{ seven: 7 }]);
    // A well-formed batch with Sync is still fine, error or not.
    const b = await rawClient(gate.url);
    b.send(Buffer.concat([parse('select nonsense_col'), bind(), execute(), sync(), query('select 42')]));
    expect(await b.replies()).toEqual(['E:42703', 'Z']);
    expect(await b.replies()).toEqual(['T', 'D:42', 'C', 'Z']);
    b.socket.destroy();
  });

  it('closes a holder idle in a transaction while others wait, and rolls its work back (P1)', async () => {
    const a = await rawClient(gate.url);
    a.send(query('begin; insert into s1_rows values (1)'));
    expect(await a.readyFor()).toBe('T');
    const started = Date.now();
    expect(await serverAnswers(() => server`select count(*)::int as n from s1_rows`)).toEqual([{ n: 0 }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(await a.replies()).toEqual(['E:25P03']);
    await a.closed;
    // Alone, a client may idle in a transaction as long as it likes.
    const b = await rawClient(gate.url);
    b.send(query('begin; insert into s1_rows values (2)'));
    expect(await b.readyFor()).toBe('T');
    await sleep(IDLE_MS * 2);
    b.send(query('commit'));
    expect(await b.readyFor()).toBe('I');
    b.socket.destroy();
    expect(await server`select a from s1_rows`).toEqual([{ a: 2 }]);
  });

  it('closes a holder that leaves an extended batch without Sync while others wait (P1)', async () => {
    const a = await rawClient(gate.url);
    a.send(Buffer.concat([parse('select 1'), bind()]));
    await sleep(50);
    expect(await serverAnswers(() => server`select 3 as three`)).toEqual([{ three: 3 }]);
    expect((await a.replies()).at(-1)).toBe('E:25P03'); // after ParseComplete/BindComplete, if sent
    await a.closed;
  });

  it('closes a COPY TO STDOUT reader that stopped reading while others wait (P1)', async () => {
    const a = await rawClient(gate.url);
    a.socket.pause(); // reads nothing more: its buffers and then the gate's fill up
    a.send(query("copy (select i, repeat('x', 1000) from generate_series(1, 30000) as i) to stdout"));
    await sleep(300);
    expect(await serverAnswers(() => server`select 4 as four`, 5000)).toEqual([{ four: 4 }]);
    a.socket.destroy();
  });

  it('never cuts a holder whose statement is running or who is reading (P1)', async () => {
    const a = await rawClient(gate.url);
    // A statement several times the timeout (PGlite runs it in this process, blocking timers too).
    a.send(query('select pg_sleep(1.2)'));
    await sleep(50);
    const waiting = server`select 5 as five`;
    expect(await a.replies()).toEqual(['T', 'D:', 'C', 'Z']);
    expect(await waiting).toEqual([{ five: 5 }]);
    // A slow but steady COPY reader (pauses shorter than the timeout) gets every row.
    let tail = '';
    a.socket.on('data', (d: Buffer) => {
      tail = (tail + d.toString('latin1')).slice(-20000);
    });
    const copyDone = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        // CommandComplete comes after the last row.
        if (tail.includes('COPY 5000')) (clearInterval(check), resolve());
      }, 20);
    });
    a.send(query("copy (select i, repeat('y', 1000) from generate_series(1, 5000) as i) to stdout"));
    const other = server`select 6 as six`;
    const pacer = setInterval(() => {
      a.socket.pause();
      setTimeout(() => a.socket.resume(), IDLE_MS / 2);
    }, IDLE_MS);
    try {
      expect(await settlesWithin(copyDone, 20_000)).toBe(true); // every row, none cut off
    } finally {
      clearInterval(pacer);
      a.socket.resume();
    }
    expect(tail).not.toContain('25P03');
    expect(await other).toEqual([{ six: 6 }]);
    a.socket.destroy();
  }, 30_000);

  it("resets one client's session state before another client's statements (P6)", async () => {
    await server`select 1`;
    const a = await rawClient(gate.url);
    a.send(query('create role s1_r1'));
    await a.readyFor();
    a.send(query("set session_replication_role = replica; set datestyle = 'SQL, DMY'; set search_path = pg_catalog; create temp table s1_tmp (a int)"));
    expect(await a.readyFor()).toBe('I');
    a.send(query('set role s1_r1'));
    expect(await a.readyFor()).toBe('I');
    // The same client going on keeps its settings (nothing is reset between its own requests).
    a.send(query("select current_user || ' ' || current_setting('datestyle')"));
    expect(await a.replies()).toEqual(['T', 'D:s1_r1 SQL, DMY', 'C', 'Z']);
    const [row] = await serverAnswers(() => server`
      select current_user as who, current_setting('session_replication_role') as srr,
             current_setting('datestyle') as ds, current_setting('search_path') as sp,
             to_regclass('pg_temp.s1_tmp') is null as tmp_gone, ${'2026-12-01'}::date::text as d`);
    expect(row).toEqual({ who: 'postgres', srr: 'origin', ds: 'ISO, MDY', sp: 'public', tmp_gone: true, d: '2026-12-01' });
    // Triggers and foreign keys are enforced again (session_replication_role = replica turns them off).
    await expect(server`insert into s1_child values (99)`).rejects.toMatchObject({ code: '23503' });
    a.socket.destroy();
  });

  it('refuses COPY FROM STDIN behind comments, parentheses and earlier statements (P5)', async () => {
    for (const text of [
      '/* load */ copy s1_rows from stdin',
      '-- header\n  copy s1_rows from stdin',
      '/* outer /* nested */ still comment */ COPY s1_rows FROM STDIN',
      "select ';'; (copy s1_rows from/**/stdin)",
      "select $x$ ; $x$; copy s1_rows (a) from stdin with (format csv)",
    ]) {
      await expect(server.unsafe(text).simple(), text).rejects.toMatchObject({ code: '0A000' });
    }
    // The words inside literals and comments are not a COPY.
    expect(await server.unsafe("select 'copy t from stdin' as t").simple()).toEqual([{ t: 'copy t from stdin' }]);
    expect(await server.unsafe('select $$; copy t from stdin$$ as t /* ; copy t from stdin */').simple()).toEqual([{ t: '; copy t from stdin' }]);
    expect(await server`select 1 as one`).toEqual([{ one: 1 }]);
  });
});
