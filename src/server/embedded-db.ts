// Embedded PostgreSQL: PGlite persisted on disk, served over the Postgres wire protocol on loopback.
//
// PGlite is ONE backend session. Clients (the local server's pool, an admin's psql, test fixtures)
// must share it without stepping on each other, and none may wait for another to disconnect. The
// gate below therefore multiplexes every client connection onto one upstream connection at
// TRANSACTION boundaries, as pgbouncer's transaction pooling does:
//
// - One upstream connection to pglite-socket is opened at start; its startup reply (ParameterStatus
//   values, BackendKeyData) is kept, and every newly authenticated client is answered with
//   AuthenticationOk, those parameters and ReadyForQuery('I') without touching the backend.
// - Client messages are framed (type byte + int32 length). A client holds the backend from its first
//   forwarded message until the backend is at rest: every Sync ('S') and simple Query ('Q') it sent
//   has had its ReadyForQuery, nothing was sent after the last of them (a Parse/Bind/Flush without
//   Sync keeps the hold), and that ReadyForQuery says 'I'. In a transaction ('T') or a failed one
//   ('E') the holder keeps the backend until it commits or rolls back. Then the next client with a
//   queued message gets it, first come first served. While others wait, a holder's pipelined
//   queries are not forwarded past a sync point until the backend has answered it, so a busy pool
//   cannot starve a psql session.
// - Terminate ('X') is not forwarded. What a client sent before going away still runs (a backend
//   would still commit a COMMIT that arrived before the close); then, if it stopped mid-batch, a
//   Sync and, if a transaction is open, a ROLLBACK are sent for it, all replies swallowed, before
//   the next client goes. COPY TO STDOUT works: the holder keeps the backend until its
//   ReadyForQuery. COPY FROM STDIN cannot work (PGlite reads a message at a time and fails the
//   session when it expects COPY data), so a Query or Parse with such a statement anywhere a
//   statement begins — after comments, parentheses or earlier statements — is replaced before it
//   reaches the backend by one that raises a clear error (0A000).
// - What the gate refuses, because its counting of ReadyForQuery would go wrong and one client's
//   replies would reach another, or the backend would stop answering everyone (security review S1):
//   every message type but Q, P, B, E, D, C, H, S and X (FunctionCall 'F' earns a ReadyForQuery;
//   CopyData/CopyDone/CopyFail can only be stray), and a simple Query inside an unsynced extended
//   batch (after an error the backend skips it). The client gets FATAL 08P01 and is closed like a
//   client that went away: what it sent before still runs, then Sync/ROLLBACK for it.
// - Idle holders (like pgbouncer's idle_transaction_timeout): while others wait, a holder idle for
//   more than `idleTransactionTimeoutMs` (default 30 s) — in a transaction or an unsynced batch with
//   nothing in flight, or not reading its replies (a stalled COPY TO STDOUT reader) — gets FATAL
//   25P03 and is closed the same way. A running statement is never idleness; neither is a holder
//   alone (nobody waits).
// - Session state is reset between clients: when the backend passes to a DIFFERENT client (status
//   'I'), the gate first runs DISCARD ALL and swallows its reply, so `SET ROLE`, `SET
//   session_replication_role`, datestyle, search_path, named prepared statements, temp tables,
//   advisory locks and LISTEN made by one client never reach the next. The same client going on
//   keeps its session (no reset): the local server, whose one pool connection is the only client
//   most of the time, pays nothing. As with pgbouncer in transaction mode, a client's session SET
//   therefore lasts only until another client has used the backend; our clients use postgres.js
//   with `prepare: false` (unnamed statements) and transaction-local settings (set_config(..., true),
//   `on commit drop` temp tables), which neither the interleaving nor the reset disturbs.
//   Startup parameters other than user and database are not applied: every client sees the
//   session's own (UTF8, ISO dates, UTC), and new clients are greeted with the startup values.
// - Backpressure: a client with more than HIGH_WATER bytes of framed messages waiting is paused
//   until the backend has taken them; the upstream is paused while the holder's socket is full.
// - Cancel requests are ignored (PGlite cannot cancel a running query); SSL requests get 'N'.
//
// Access (security finding 12): PGlite trusts whoever connects, as superuser. So pglite-socket
// listens only on a Unix socket inside a private directory (mode 700, created by mkdtemp), and the
// loopback TCP gate in front of it asks every client for a password with SCRAM-SHA-256 (what
// PostgreSQL uses; postgres.js, psql and every driver speak it) before it reads anything else. The
// password is generated once and kept next to the data directory in a file only the owner can read
// (`<dataDir>.password`, mode 600); the data directory itself is made owner-only too. Without a
// data directory (tests) the password lives in memory for the life of the process. While the
// database runs, `<dataDir>.url` (mode 600, removed on stop) holds the full connection URL, so an
// admin (`psql "$(cat .data/pglite.url)"`) or a test fixture can connect without reading logs.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** postgres://postgres:<generated password>@127.0.0.1:<port>/postgres?sslmode=disable (also in `<dataDir>.url`) */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SCRAM_ITERATIONS = 4096;
/** A client has this long to authenticate; a silent or slow connection cannot sit at the door. */
const AUTH_TIMEOUT_MS = 10_000;
/** PostgreSQL's own limit for one protocol message (PQ_LARGE_MAX_MESSAGE_LENGTH, 1 GB). */
const MAX_MESSAGE = 0x3fffffff;
/** Framed but not yet forwarded bytes per client above which its socket is paused … */
const HIGH_WATER = 1 << 20;
/** … and below which it is resumed. */
const LOW_WATER = 1 << 18;
/** The backend must answer the gate's own startup within this long, or the gate tries again. */
const UPSTREAM_STARTUP_MS = 30_000;

/** The gate's password: generated once, kept owner-only next to the data directory. */
function loadOrCreatePassword(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(24).toString('base64url');
  const file = `${path.resolve(dataDir)}.password`;
  if (existsSync(file)) {
    // An older or copied file may be readable by others: tighten it rather than trust it.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  }
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // mode above is masked by umask only when the file is created
  return password;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function authMessage(code: number, data = ''): Buffer {
  const body = Buffer.alloc(4 + Buffer.byteLength(data));
  body.writeInt32BE(code, 0);
  body.write(data, 4);
  return message('R', body);
}

function errorMessage(sqlState: string, text: string): Buffer {
  const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', sqlState], ['M', text]]
    .map(([k, v]) => `${k}${v}\0`).join('');
  return message('E', Buffer.from(`${fields}\0`, 'utf8'));
}

const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/**
 * What the server keeps of the password, as PostgreSQL keeps a role's SCRAM verifier: a salt and
 * two keys derived once (the slow PBKDF2 step runs at start, not on every connection).
 */
interface ScramVerifier {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  return { salt, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** The server side of SCRAM-SHA-256 (RFC 5802/7677 as PostgreSQL uses it, without channel binding). */
class ScramServer {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private readonly verifier: ScramVerifier;

  constructor(verifier: ScramVerifier) {
    this.verifier = verifier;
  }

  /** client-first-message → server-first-message, or null if malformed. */
  first(clientFirst: string): string | null {
    // gs2 header: "n,," (no channel binding) or "y,," (client could but we do not offer it).
    const m = /^[ny],[^,]*,(n=[^,]*,r=([^,]+)(?:,.*)?)$/.exec(clientFirst);
    if (!m) return null;
    this.clientFirstBare = m[1]!;
    this.nonce = m[2]! + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
    return this.serverFirst;
  }

  /** client-final-message → server-final-message when the proof is right, else null. */
  final(clientFinal: string): string | null {
    const m = /^(c=[^,]*,r=([^,]+)(?:,[^p][^,]*)*),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
    if (!m || m[2] !== this.nonce) return null;
    const authText = `${this.clientFirstBare},${this.serverFirst},${m[1]}`;
    const { storedKey, serverKey } = this.verifier;
    const signature = hmac(storedKey, authText);
    const proof = Buffer.from(m[3]!, 'base64');
    if (proof.length !== signature.length) return null;
    // ClientProof = ClientKey XOR ClientSignature; the client knew the password if H(ClientKey) = StoredKey.
    const recoveredKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    if (!timingSafeEqual(sha256(recoveredKey), storedKey)) return null;
    return `v=${hmac(serverKey, authText).toString('base64')}`;
  }
}

/**
 * Reads the startup phase of one client and authenticates it. Resolves with the client's
 * StartupMessage (its user and database are checked) and any bytes it sent after authenticating, or null
 * when the client failed, cancelled or went away (the socket is then closed).
 */
function authenticate(client: net.Socket, verifier: ScramVerifier): Promise<{ startup: Buffer; rest: Buffer } | null> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let startup: Buffer | null = null;
    let stage: 'startup' | 'sasl-initial' | 'sasl-final' = 'startup';
    const scram = new ScramServer(verifier);
    let settled = false;

    const finish = (result: { startup: Buffer; rest: Buffer } | null, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.off('data', onData);
      client.off('close', onGone);
      client.off('error', onGone);
      client.pause();
      if (!result) {
        if (reply) client.end(reply);
        else client.destroy();
      }
      resolve(result);
    };
    const refuse = (text: string, state = '28P01') => finish(null, errorMessage(state, text));
    const onGone = () => finish(null);
    const timer = setTimeout(() => refuse('authentication timed out', '08006'), AUTH_TIMEOUT_MS);

    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (stage === 'startup') {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (length < 8 || length > 10_000) return refuse('invalid startup packet', '08P01');
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const packet = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            client.write('N'); // loopback only: no TLS, the client continues in plain text
            continue;
          }
          if (code === CANCEL_REQUEST) return finish(null); // PGlite cannot cancel a running query
          if (code !== PROTOCOL_3) return refuse('unsupported frontend protocol', '08P01');
          startup = Buffer.from(packet);
          stage = 'sasl-initial';
          client.write(authMessage(10, 'SCRAM-SHA-256\0\0'));
          continue;
        }
        if (buffer.length < 5) return;
        const length = buffer.readInt32BE(1);
        if (buffer[0] !== 0x70 /* 'p' */ || length < 4 || length > 10_000) return refuse('expected a password message', '08P01');
        if (buffer.length < length + 1) return;
        const body = buffer.subarray(5, length + 1);
        buffer = buffer.subarray(length + 1);
        if (stage === 'sasl-initial') {
          const nul = body.indexOf(0);
          const mechanism = body.subarray(0, Math.max(nul, 0)).toString('utf8');
          if (nul < 0 || mechanism !== 'SCRAM-SHA-256') return refuse('the embedded database only accepts SCRAM-SHA-256 authentication');
          const serverFirst = scram.first(body.subarray(nul + 5).toString('utf8'));
          if (!serverFirst) return refuse('malformed SCRAM message', '08P01');
          stage = 'sasl-final';
          client.write(authMessage(11, serverFirst));
          continue;
        }
        const serverFinal = scram.final(body.toString('utf8'));
        if (!serverFinal) {
          return refuse('password authentication failed for the embedded database (the password is in the file next to its data directory, <dataDir>.password)');
        }
        client.write(authMessage(12, serverFinal));
        return finish({ startup: startup!, rest: buffer });
      }
    };

    client.on('data', onData);
    client.on('close', onGone);
    client.on('error', onGone);
    client.resume();
  });
}

/** Message type bytes the gate looks at. */
const TYPE = {
  query: 0x51, // 'Q' simple query (client)
  parse: 0x50, // 'P' (client)
  bind: 0x42, // 'B' (client)
  execute: 0x45, // 'E' Execute (client) / ErrorResponse (backend)
  describe: 0x44, // 'D' Describe (client)
  close: 0x43, // 'C' Close (client)
  flush: 0x48, // 'H' Flush (client)
  sync: 0x53, // 'S' Sync (client) / ParameterStatus (backend)
  terminate: 0x58, // 'X' (client)
  ready: 0x5a, // 'Z' ReadyForQuery (backend)
  backendKey: 0x4b, // 'K' BackendKeyData (backend)
  error: 0x45, // 'E' ErrorResponse (backend)
} as const;

/**
 * Splits a byte stream into protocol messages (type byte + int32 length that counts itself). A
 * message arriving in many chunks is joined once, when complete, not on every chunk.
 */
class MessageReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Total bytes of the message at the head, once its header has arrived. */
  private need = 0;

  /** The complete messages the chunk finishes; throws on a length no valid message has. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (!this.need) {
        if (this.size < 5) break;
        const length = this.take(5, false).readInt32BE(1);
        if (length < 4 || length > MAX_MESSAGE) throw new Error(`invalid protocol message length ${length}`);
        this.need = length + 1;
      }
      if (this.size < this.need) break;
      out.push(this.take(this.need, true));
      this.need = 0;
    }
    return out;
  }

  private take(n: number, consume: boolean): Buffer {
    let first = this.chunks[0]!;
    if (first.length < n) {
      let count = 0;
      for (let have = 0; have < n; count++) have += this.chunks[count]!.length;
      first = Buffer.concat(this.chunks.slice(0, count));
      this.chunks.splice(0, count, first);
    }
    const piece = first.subarray(0, n);
    if (consume) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.size -= n;
    }
    return piece;
  }
}

/** The NUL-terminated key/value pairs of a StartupMessage. */
function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i]; i += 2) map.set(parts[i]!, parts[i + 1]!);
  return map;
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, body]);
}

const simpleQuery = (text: string) => message('Q', Buffer.from(`${text}\0`, 'utf8'));

// COPY … FROM STDIN at the start of any statement of a Query (or of a Parse). PGlite fails its
// session when it expects COPY data (it reads one message at a time), which would take the database
// away from every client; the statement is replaced by one that raises an error the client can act
// on. The text is first reduced by `sqlSkeleton` (comments out, literals emptied), so neither
// `/* load */ copy t from stdin` nor `select ';'; copy …` hides the statement, and a literal that
// merely contains the words does not trip it. This guards against an accident (an admin's \copy,
// a script with a header comment), not against a determined superuser, who can do worse anyway.
const COPY_FROM_STDIN = /(?:^|;)[\s(]*copy\b[^;]*?\bfrom\s+stdin\b/i;

/**
 * The statement text with comments (`--…`, nested `/* … *\/`) replaced by a space and string
 * literals, quoted identifiers and dollar-quoted bodies emptied, so that what is left is keywords,
 * names and punctuation — enough to see where statements begin and what they are.
 */
export function sqlSkeleton(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  const identChar = (c: string | undefined) => c !== undefined && /[\w$\u0080-\uffff]/.test(c);
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
      out += ' ';
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (depth++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
      out += ' ';
    } else if (c === "'") {
      // E'…' strings take backslash escapes; standard strings only double the quote.
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !identChar(text[i - 2]);
      i++;
      while (i < n) {
        if (escapes && text[i] === '\\') i += 2;
        else if (text[i] === "'" && text[i + 1] === "'") i += 2;
        else if (text[i] === "'") break;
        else i++;
      }
      i++;
      out += "''";
    } else if (c === '"') {
      i++;
      while (i < n) {
        if (text[i] === '"' && text[i + 1] === '"') i += 2;
        else if (text[i] === '"') break;
        else i++;
      }
      i++;
      out += '""';
    } else if (c === '$' && !identChar(text[i - 1])) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 200));
      if (!tag) {
        out += c;
        i++;
        continue;
      }
      const end = text.indexOf(tag[0], i + tag[0].length);
      i = end < 0 ? n : end + tag[0].length;
      out += "''";
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Whether a statement of the text is COPY … FROM STDIN. */
export function hasCopyFromStdin(text: string): boolean {
  // Cheap test first: the local server's queries never mention stdin.
  return /stdin/i.test(text) && COPY_FROM_STDIN.test(sqlSkeleton(text));
}
const COPY_REFUSAL =
  "do $xb$ begin raise exception using errcode = '0A000', message = 'COPY FROM STDIN is not available on the embedded database (PGlite cannot read COPY data over a connection)', hint = 'Load the rows with INSERT, or run on PostgreSQL (DATABASE_URL).'; end $xb$";

/** The message to forward for a client's Query or Parse: itself, or the refusal above. */
function guardCopyIn(m: Buffer): Buffer {
  if (m[0] === TYPE.query) {
    return hasCopyFromStdin(m.subarray(5, m.length - 1).toString('utf8')) ? simpleQuery(COPY_REFUSAL) : m;
  }
  if (m[0] === TYPE.parse) {
    const nameEnd = m.indexOf(0, 5);
    const textEnd = m.indexOf(0, nameEnd + 1);
    if (nameEnd < 0 || textEnd < 0 || !hasCopyFromStdin(m.subarray(nameEnd + 1, textEnd).toString('utf8'))) return m;
    // Same statement name, no parameter types: Bind then fails or runs the refusal; either way an error.
    return message('P', Buffer.concat([m.subarray(5, nameEnd + 1), Buffer.from(`${COPY_REFUSAL}\0`, 'utf8'), Buffer.alloc(2)]));
  }
  return m;
}

/**
 * What a client may send once authenticated: simple Query, the extended protocol (Parse, Bind,
 * Execute, Describe, Close, Flush, Sync) and Terminate. Anything else is refused with 08P01 and the
 * client is closed: FunctionCall ('F') earns a ReadyForQuery the gate would not count (its reply
 * would reach the next client), CopyData/CopyDone/CopyFail can only be stray (COPY FROM STDIN is
 * refused, so no COPY IN is ever running), and a password message is out of place.
 */
const ACCEPTED = new Set<number>([TYPE.query, TYPE.parse, TYPE.bind, TYPE.execute, TYPE.describe, TYPE.close, TYPE.flush, TYPE.sync, TYPE.terminate]);
/** Messages that open (or continue) an extended-protocol batch, which only a Sync closes. */
const EXTENDED = new Set<number>([TYPE.parse, TYPE.bind, TYPE.execute, TYPE.describe, TYPE.close]);
/** Default for how long a holder may sit idle (in a transaction, mid-batch, not reading) while others wait. */
const IDLE_HOLDER_TIMEOUT_MS = 30_000;
/** Run as the gate's own statement when the backend passes to a different client (see top). */
const SESSION_RESET = simpleQuery('DISCARD ALL');

let clientIds = 0;

/** One authenticated client connection. */
interface Client {
  id: number;
  socket: net.Socket;
  reader: MessageReader;
  /** Complete messages not yet forwarded, and their size. */
  queue: Buffer[];
  queued: number;
  paused: boolean;
  inLine: boolean;
  /** When it last joined the line (ms), for the idle-holder timeout. */
  waitingSince: number;
  /** It sent Parse/Bind/Execute/Describe/Close and no Sync since (counted as messages arrive). */
  inBatch: boolean;
  gone: boolean;
}

/** Shares the one upstream session among client connections at transaction boundaries (see top). */
class SessionMultiplexer {
  private readonly socketPath: string;
  private upstream: net.Socket | null = null;
  private reader = new MessageReader();
  private connecting: Promise<void> | null = null;
  /** ParameterStatus messages by name (latest value) and BackendKeyData, replayed to new clients. */
  private readonly parameters = new Map<string, Buffer>();
  private backendKey: Buffer | null = null;
  private holder: Client | null = null;
  /** Clients with queued messages waiting for the backend, first come first served. */
  private readonly line: Client[] = [];
  /** The backend's transaction status from its latest ReadyForQuery. */
  private status: 'I' | 'T' | 'E' = 'I';
  /** Sync/Query messages forwarded whose ReadyForQuery has not come back. */
  private pending = 0;
  /** Messages were forwarded after the last Sync/Query (an extended-protocol batch in progress). */
  private unsynced = false;
  private upstreamFull = false;
  private holderFull = false;
  private stopped = false;
  /** ReadyForQuery replies still due to the gate's own SESSION_RESET: swallowed, not delivered. */
  private resetting = 0;
  /** The client whose messages the backend ran last (its session state is what the backend has). */
  private lastUser = 0;
  /** When the holder last did something (a message forwarded, a reply received, its socket drained). */
  private lastActivity = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleTimeoutMs: number;
  readonly clients = new Set<Client>();

  constructor(socketPath: string, idleTimeoutMs: number) {
    this.socketPath = socketPath;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Opens the upstream session (once; again only after it was lost). */
  connect(): Promise<void> {
    this.connecting ??= new Promise<void>((resolve, reject) => {
      const up = net.connect({ path: this.socketPath });
      const reader = new MessageReader();
      let ready = false;
      const fail = (err: Error) => {
        clearTimeout(timer);
        up.destroy();
        this.connecting = null;
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('the embedded database did not answer the gate')), UPSTREAM_STARTUP_MS);
      up.setNoDelay(true);
      up.on('connect', () => up.write(startupMessage({ user: 'postgres', database: 'postgres', client_encoding: 'UTF8' })));
      up.on('data', (chunk: Buffer) => {
        if (ready) return this.fromBackend(up, chunk);
        let messages: Buffer[];
        try {
          messages = reader.push(chunk);
        } catch (err) {
          return fail(err as Error);
        }
        for (const m of messages) {
          if (m[0] === TYPE.sync) this.noteParameter(m);
          else if (m[0] === TYPE.backendKey) this.backendKey = m;
          else if (m[0] === TYPE.error) return fail(new Error(`the embedded database refused the gate: ${m.subarray(5).toString('utf8').replace(/\0/g, ' ')}`));
          else if (m[0] === TYPE.ready) {
            ready = true;
            clearTimeout(timer);
            this.upstream = up;
            this.reader = reader;
            this.status = 'I';
            this.pending = 0;
            this.unsynced = false;
            this.upstreamFull = false;
            this.resetting = 0;
            this.lastUser = 0; // a new backend session carries nobody's state
            this.connecting = null;
            resolve();
            this.schedule();
          }
        }
      });
      up.on('error', (err) => (ready ? this.lost(up) : fail(err)));
      up.on('close', () => (ready ? this.lost(up) : fail(new Error('the embedded database closed the gate connection'))));
    });
    return this.connecting;
  }

  /** A client passed authentication: greet it as the backend would, then read its messages. */
  admit(socket: net.Socket, rest: Buffer): void {
    const client: Client = {
      id: ++clientIds, socket, reader: new MessageReader(), queue: [], queued: 0, paused: false, inLine: false, waitingSince: 0, inBatch: false, gone: false,
    };
    this.clients.add(client);
    socket.setNoDelay(true);
    socket.write(Buffer.concat([authMessage(0), ...this.parameters.values(), ...(this.backendKey ? [this.backendKey] : []), message('Z', Buffer.from('I'))]));
    const onData = (chunk: Buffer) => {
      if (client.gone) return;
      let messages: Buffer[];
      try {
        messages = client.reader.push(chunk);
      } catch {
        socket.end(errorMessage('08P01', 'invalid message length'));
        return this.drop(client);
      }
      this.received(client, messages);
    };
    socket.on('data', onData);
    socket.on('close', () => this.drop(client));
    socket.on('error', () => this.drop(client));
    if (rest.length) onData(rest);
    socket.resume();
  }

  private received(client: Client, messages: Buffer[]) {
    let terminated = false;
    let refusal: Buffer | null = null;
    for (const m of messages) {
      const type = m[0]!;
      // Terminate is not forwarded (the session is shared); what came before it still is.
      if (type === TYPE.terminate) {
        terminated = true;
        break;
      }
      if (!ACCEPTED.has(type)) {
        refusal = errorMessage('08P01', `the embedded database does not accept protocol message '${String.fromCharCode(type)}' (only simple and extended queries; no FunctionCall, no COPY FROM STDIN)`);
        break;
      }
      if (type === TYPE.query && client.inBatch) {
        // After an error the backend skips everything up to Sync, this Query included, so the gate
        // would wait for a ReadyForQuery that never comes. PostgreSQL drivers never send it.
        refusal = errorMessage('08P01', 'a simple Query arrived inside an extended-protocol batch (send Sync first)');
        break;
      }
      if (EXTENDED.has(type)) client.inBatch = true;
      else if (type === TYPE.sync) client.inBatch = false;
      client.queue.push(m);
      client.queued += m.length;
    }
    if (client.queued > HIGH_WATER && !client.paused) {
      client.paused = true;
      client.socket.pause();
    }
    if (client === this.holder) this.pump();
    else if (client.queue.length) {
      this.enqueue(client);
      this.schedule();
    }
    // What came before the refused message still runs; then the gone-client path ends its batch
    // (Sync) or transaction (ROLLBACK) for it.
    if (refusal) this.drop(client, refusal);
    else if (terminated) this.drop(client);
    this.watchIdle();
  }

  private enqueue(client: Client) {
    if (client.inLine || client === this.holder || !client.queue.length) return;
    client.inLine = true;
    client.waitingSince = Date.now();
    this.line.push(client);
  }

  /** Gives the backend to the next client in line when nobody holds it. */
  private schedule() {
    if (this.holder || this.stopped) return;
    if (!this.upstream) {
      if (this.line.length) this.reconnect();
      return;
    }
    while (this.line.length) {
      const next = this.line.shift()!;
      next.inLine = false;
      if (!next.queue.length) continue;
      this.holder = next;
      this.lastActivity = Date.now();
      if (this.lastUser && this.lastUser !== next.id) {
        // Another client used the session: clear what it may have left (SET ROLE, SET
        // session_replication_role, datestyle, search_path, prepared statements, temp tables,
        // advisory locks, LISTEN). The status is 'I' here, where DISCARD ALL is allowed; its reply is
        // swallowed. The holder's messages may follow at once: the backend answers in order.
        this.resetting++;
        this.pending++;
        this.send(SESSION_RESET);
      }
      this.lastUser = next.id;
      this.pump();
      this.watchIdle();
      return;
    }
  }

  /** Forwards the holder's queued messages, as far as fairness and backpressure allow. */
  private pump() {
    const client = this.holder;
    const up = this.upstream;
    if (!client || !up || this.upstreamFull) return;
    const out: Buffer[] = [];
    while (client.queue.length) {
      // Others are waiting: do not pipeline past a sync point, so the backend can come to rest
      // (and change hands) as soon as the holder is idle.
      if (this.pending > 0 && !this.unsynced && this.line.length > 0) break;
      const m = client.queue.shift()!;
      client.queued -= m.length;
      if (m[0] === TYPE.query || m[0] === TYPE.sync) {
        this.pending++;
        this.unsynced = false;
      } else {
        this.unsynced = true;
      }
      out.push(guardCopyIn(m));
    }
    if (client.paused && client.queued < LOW_WATER) {
      client.paused = false;
      client.socket.resume();
    }
    if (out.length) {
      this.lastActivity = Date.now();
      this.send(out.length === 1 ? out[0]! : Buffer.concat(out));
    }
    this.settleGone();
  }

  /**
   * The holder went away: once the messages it sent before going are forwarded (a real backend
   * would still run a COMMIT that arrived before the connection closed), finish its batch and its
   * transaction for it, then hand over.
   */
  private settleGone() {
    const client = this.holder;
    if (!client || !client.gone || client.queue.length) return;
    if (!this.upstream) return this.release();
    if (this.unsynced) {
      this.unsynced = false;
      this.pending++;
      this.send(message('S', Buffer.alloc(0)));
    } else if (this.pending === 0) {
      this.atRest();
    }
    // Otherwise replies are still coming; atRest() finishes when the last one has.
  }

  private send(bytes: Buffer) {
    const up = this.upstream!;
    if (!up.write(bytes) && !this.upstreamFull) {
      this.upstreamFull = true;
      up.once('drain', () => {
        this.upstreamFull = false;
        this.pump();
      });
    }
  }

  private fromBackend(up: net.Socket, chunk: Buffer) {
    if (up !== this.upstream) return;
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch {
      up.destroy();
      return;
    }
    this.lastActivity = Date.now();
    let batch: Buffer[] = [];
    for (const m of messages) {
      // ParameterStatus is not noted here: a client's SET is undone (DISCARD ALL) before another
      // client goes, so new clients are greeted with the session's startup values.
      batch.push(m);
      if (m[0] !== TYPE.ready) continue;
      this.status = String.fromCharCode(m[5]!) as 'I' | 'T' | 'E';
      if (this.pending > 0) this.pending--;
      if (this.resetting > 0) {
        // The end of the gate's own SESSION_RESET: nothing of it is the holder's, except the
        // ParameterStatus messages telling it which settings the reset restored (a backend may
        // send those at any time).
        this.resetting--;
        batch = batch.filter((b) => b[0] === TYPE.sync);
        continue;
      }
      if (this.pending === 0 && !this.unsynced) {
        // Nothing is in flight: everything so far answers the holder, and the backend is at rest.
        this.deliver(batch);
        batch = [];
        this.atRest();
      }
    }
    this.deliver(batch);
    this.pump();
    this.watchIdle();
  }

  /** Backend replies go to the holder; those for a client that went away are swallowed. */
  private deliver(batch: Buffer[]) {
    const client = this.holder;
    if (!batch.length || !client || client.gone) return;
    if (!client.socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch)) && !this.holderFull) {
      // A slow reader (a large COPY TO STDOUT): stop reading the backend until it catches up.
      this.holderFull = true;
      this.upstream?.pause();
      client.socket.once('drain', () => this.unblockHolder());
    }
  }

  private unblockHolder() {
    if (!this.holderFull) return;
    this.holderFull = false;
    this.lastActivity = Date.now();
    this.upstream?.resume();
    this.watchIdle();
  }

  /**
   * Whether the holder is keeping the backend without using it: nothing of its in flight and it
   * sits in a transaction or an unsynced batch, or its socket is full (it stopped reading). A
   * statement the backend is running is never idleness (`pending` > 0, socket not full).
   */
  private holderIdle(): boolean {
    const client = this.holder;
    if (!client || client.gone) return false;
    if (this.holderFull) return true;
    return this.pending === 0 && client.queue.length === 0 && (this.status !== 'I' || this.unsynced);
  }

  /**
   * Like pgbouncer's idle_transaction_timeout, but only while someone waits: a holder idle for
   * idleTimeoutMs (counted from its last activity or from when the first waiter arrived, whichever
   * is later) gets FATAL 25P03 and is closed; the gone-client path syncs and rolls back for it.
   */
  private watchIdle() {
    if (this.stopped || !this.line.length || !this.holderIdle()) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
      return;
    }
    if (this.idleTimer) return;
    const since = Math.max(this.lastActivity, this.line[0]!.waitingSince);
    const wait = Math.max(0, since + this.idleTimeoutMs - Date.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      // PGlite runs in this process: a long statement blocks the event loop, and when it ends,
      // timers run before the socket's reply is read. Decide after the I/O phase (setImmediate),
      // so a reply that has arrived counts as activity.
      setImmediate(() => {
        const client = this.holder;
        const idleSince = Math.max(this.lastActivity, this.line[0]?.waitingSince ?? Infinity);
        if (client && this.holderIdle() && Date.now() - idleSince >= this.idleTimeoutMs) {
          const seconds = Math.round(this.idleTimeoutMs / 100) / 10;
          this.drop(client, errorMessage('25P03', `terminating connection: it kept the embedded database idle ${this.status === 'I' ? '' : 'in a transaction '}for more than ${seconds} s while other clients waited`));
        }
        this.watchIdle();
      });
    }, wait);
    this.idleTimer.unref();
  }

  /** The backend answered everything it was sent: keep the holder in a transaction, else hand over. */
  private atRest() {
    const client = this.holder;
    if (!client) return;
    if (client.gone) {
      if (client.queue.length) return; // what it sent before going goes first (pump follows)
      if (this.status !== 'I') {
        // It left inside a transaction: end it for it (the reply is swallowed), then hand over.
        this.pending++;
        this.send(simpleQuery('ROLLBACK'));
        return;
      }
      return this.release();
    }
    if (this.status === 'I') this.release();
  }

  private release() {
    const client = this.holder;
    this.holder = null;
    this.unblockHolder();
    if (client) this.enqueue(client);
    this.schedule();
  }

  /**
   * A client closed, failed, sent Terminate, or is closed by the gate with a FATAL `farewell`.
   * Messages it had sent still run; replies are swallowed.
   */
  private drop(client: Client, farewell?: Buffer) {
    if (client.gone) return;
    client.gone = true;
    this.clients.delete(client);
    if (farewell) {
      // Let the error reach a client that reads; one that does not is cut off a second later.
      client.socket.end(farewell, () => client.socket.destroy());
      setTimeout(() => client.socket.destroy(), 1000).unref();
    } else {
      client.socket.destroy();
    }
    if (this.stopped) return;
    if (!client.queue.length) {
      const i = this.line.indexOf(client);
      if (i >= 0) this.line.splice(i, 1);
    }
    if (this.holder !== client) return this.watchIdle();
    this.unblockHolder();
    this.settleGone();
    this.watchIdle();
  }

  /** The upstream connection ended under us (it should not): its holder loses its session. */
  private lost(up: net.Socket) {
    if (up !== this.upstream) return;
    this.upstream = null;
    this.reader = new MessageReader();
    this.pending = 0;
    this.unsynced = false;
    this.upstreamFull = false;
    this.holderFull = false;
    this.resetting = 0;
    this.status = 'I';
    const client = this.holder;
    this.holder = null;
    if (client) {
      client.queue = [];
      client.queued = 0;
      if (!client.gone) {
        client.socket.end(errorMessage('08006', 'the embedded database ended the session; reconnect'));
        this.drop(client);
      }
    }
    if (!this.stopped) {
      console.error('[xiaobao] the embedded database connection was lost; reconnecting');
      this.reconnect();
    }
  }

  private reconnect() {
    if (this.stopped || this.upstream || this.connecting) return;
    this.connect().catch((err: Error) => {
      if (this.stopped) return;
      console.error(`[xiaobao] ${err.message}; trying again`);
      setTimeout(() => this.reconnect(), 1000).unref();
    });
  }

  private noteParameter(m: Buffer) {
    const name = m.subarray(5, m.indexOf(0, 5)).toString('utf8');
    this.parameters.set(name, m);
  }

  stop() {
    this.stopped = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const client of [...this.clients]) this.drop(client);
    this.upstream?.destroy();
    this.upstream = null;
  }
}

export async function startEmbeddedDatabase(
  options: {
    dataDir?: string;
    port?: number;
    /**
     * How long a client holding the backend may sit idle — in a transaction, in an unsynced batch, or
     * not reading its replies — while others wait, before the gate closes it (FATAL 25P03). Default
     * 30 s, or XB_PGLITE_IDLE_TRANSACTION_TIMEOUT_MS.
     */
    idleTransactionTimeoutMs?: number;
  } = {},
): Promise<EmbeddedDatabase> {
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    // The files hold everything (answer keys, scores, password hashes): owner-only.
    chmodSync(options.dataDir, 0o700);
  }
  const password = loadOrCreatePassword(options.dataDir);
  const verifier = scramVerifier(password);
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // The backend trusts every connection, so it is reachable only through a Unix socket in a
  // directory nobody else may enter (short path: socket paths are limited to ~100 bytes).
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'xb-pglite-'));
  const socketPath = path.join(socketDir, '.s.PGSQL.5432');
  // One connection: the gate's. pglite-socket's own multiplexing is not used (see top).
  const backend = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await backend.start();
  const idleTimeoutMs = options.idleTransactionTimeoutMs ?? (Number(process.env.XB_PGLITE_IDLE_TRANSACTION_TIMEOUT_MS) || IDLE_HOLDER_TIMEOUT_MS);
  const sessions = new SessionMultiplexer(socketPath, idleTimeoutMs);
  await sessions.connect();

  const authenticating = new Set<net.Socket>();
  const gate = net.createServer((client) => {
    authenticating.add(client);
    client.on('error', () => {});
    client.on('close', () => authenticating.delete(client));
    // Authentication needs no database session: a client that cannot authenticate never reaches
    // the multiplexer.
    void authenticate(client, verifier).then((ok) => {
      if (!ok || client.destroyed) return; // a refused client stays in `authenticating` until it has closed
      const wanted = startupParameters(ok.startup);
      const user = wanted.get('user') ?? '';
      const database = wanted.get('database') || user;
      // Every client shares the one superuser session; a different role or database cannot be given.
      if (user !== 'postgres') return void client.end(errorMessage('28000', `the embedded database has one role: connect as "postgres", not "${user}"`));
      if (database !== 'postgres') return void client.end(errorMessage('3D000', `database "${database}" does not exist; the embedded database is "postgres"`));
      authenticating.delete(client);
      sessions.admit(client, ok.rest);
    });
  });
  await new Promise<void>((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = gate.address() as net.AddressInfo;
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${address.port}/postgres?sslmode=disable`;
  const urlFile = options.dataDir ? `${path.resolve(options.dataDir)}.url` : null;
  if (urlFile) {
    writeFileSync(urlFile, `${url}\n`, { mode: 0o600 });
    chmodSync(urlFile, 0o600);
  }

  return {
    port: address.port,
    url,
    async stop() {
      for (const s of authenticating) s.destroy();
      sessions.stop();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      await backend.stop();
      await db.close();

      rmSync(socketDir, { recursive: true, force: true });
      if (urlFile) rmSync(urlFile, { force: true });
    },
  };
}
