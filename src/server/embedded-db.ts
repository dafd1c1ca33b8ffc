// Embedded PostgreSQL: PGlite persisted on disk, served over the Postgres wire protocol on loopback.
//
// PGlite is a single backend session. pglite-socket can multiplex several client connections onto
// it, but messages of concurrent connections can interleave between Parse and Sync (a known bug
// class). We therefore admit ONE client connection at a time: further connections are accepted by
// a small TCP gate and wait in a queue until the current one closes. Functions open a connection per
// request in this mode (DATABASE_CONNECTION=per-request) and close it when the request ends, so the
// queue turns into request-level serialisation, which is exactly PGlite's model.
import net from 'node:net';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const backend = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await backend.start();
  const backendPort = Number(backend.getServerConn().split(':').pop());

  const waiting: net.Socket[] = [];
  let busy = false;
  const live = new Set<net.Socket>();

  const admitNext = () => {
    if (busy) return;
    const client = waiting.shift();
    if (!client) return;
    if (client.destroyed) return admitNext();
    busy = true;
    const upstream = net.connect({ host: '127.0.0.1', port: backendPort });
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
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', release);
    client.on('error', release);
    upstream.on('error', release);
    upstream.on('end', release);
    client.resume();
  };

  const gate = net.createServer((client) => {
    client.pause();
    live.add(client);
    client.on('close', () => {
      live.delete(client);
      const i = waiting.indexOf(client);
      if (i >= 0) waiting.splice(i, 1);
    });
    waiting.push(client);
    admitNext();
  });
  await new Promise<void>((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = gate.address() as net.AddressInfo;

  return {
    port: address.port,
    url: `postgres://postgres:postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    async stop() {
      for (const s of live) s.destroy();
      await new Promise<void>((resolve) => gate.close(() => resolve()));
      await backend.stop();
      await db.close();
    },
  };
}
