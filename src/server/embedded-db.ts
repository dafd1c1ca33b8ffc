// Embedded PostgreSQL: PGlite persisted on disk, served over the Postgres wire protocol on loopback.
//
// PGlite is a single backend session. pglite-socket can multiplex several client connections onto
// it, but messages of concurrent connections can interleave between Parse and Sync (a known bug
// class). We therefore admit ONE client connection at a time: further connections are accepted by
// a small TCP gate and wait in a queue until the current one closes. The local server's functions
// share one pool with a single connection (DATABASE_POOL_MAX=1), so the queue mostly holds
// short-lived helper connections (auth, tests, Netlify's full emulation connecting per request).
//
// Access (security finding 12): PGlite trusts whoever connects, as superuser. So pglite-socket
// listens only on a Unix socket inside a private directory (mode 700, created by mkdtemp), and the
// loopback TCP gate in front of it asks every client for a password with SCRAM-SHA-256 (what
// PostgreSQL uses; postgres.js, psql and every driver speak it) before it forwards anything. The
// password is generated once and kept next to the data directory in a file only the owner can read
// (`<dataDir>.password`, mode 600); the data directory itself is made owner-only too. Without a
// data directory (tests) the password lives in memory for the life of the process.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** postgres://postgres:<generated password>@127.0.0.1:<port>/postgres?sslmode=disable */
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
 * StartupMessage (to replay to the backend) and any bytes it sent after authenticating, or null
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

export async function startEmbeddedDatabase(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDatabase> {
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
  const backend = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 1 });
  await backend.start();

  const waiting: { client: net.Socket; startup: Buffer; rest: Buffer }[] = [];
  let busy = false;
  const live = new Set<net.Socket>();

  const admitNext = () => {
    if (busy) return;
    const next = waiting.shift();
    if (!next) return;
    const { client, startup, rest } = next;
    if (client.destroyed) return admitNext();
    busy = true;
    const upstream = net.connect({ path: socketPath });
    live.add(upstream);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      client.destroy();
      // Wait for the backend to see the close (it rolls back an unfinished transaction) before
      // admitting the next client.
      upstream.once('close', () => {
        live.delete(upstream);
        busy = false;
        setImmediate(admitNext);
      });
      upstream.end();
      if (upstream.destroyed) upstream.emit('close');
    };
    // The backend answers the replayed StartupMessage with AuthenticationOk, its parameters and
    // ReadyForQuery: exactly what the client expects after our SASL final message.
    upstream.write(startup);
    if (rest.length) upstream.write(rest);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', release);
    client.on('error', release);
    upstream.on('error', release);
    upstream.on('end', release);
    client.resume();
  };

  const gate = net.createServer((client) => {
    live.add(client);
    client.on('error', () => {});
    client.on('close', () => {
      live.delete(client);
      const i = waiting.findIndex((w) => w.client === client);
      if (i >= 0) waiting.splice(i, 1);
    });
    // Authentication needs no database session, so it runs before the queue: a client that cannot
    // authenticate never takes PGlite's single session or a place in the line.
    void authenticate(client, verifier).then((ok) => {
      if (!ok || client.destroyed) return;
      waiting.push({ client, ...ok });
      admitNext();
    });
  });
  await new Promise<void>((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = gate.address() as net.AddressInfo;

  return {
    port: address.port,
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    async stop() {
      for (const s of live) s.destroy();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      await backend.stop();
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
