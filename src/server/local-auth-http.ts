// Serves local auth (a web Request → Response handler) on a node:http server: used by the local
// server, the integration harness and the benchmarks, so they all speak to auth the same way.
import type http from 'node:http';
import type { LocalAuth } from './local-auth.ts';

export interface ServeOptions {
  /**
   * Take the client address from X-Forwarded-For as sent. Only for tests that simulate several
   * clients; the real server uses the socket's address so a client cannot pick its own rate-limit key.
   */
  trustForwardedFor?: boolean;
}

export async function serveLocalAuth(auth: LocalAuth, baseUrl: string, req: http.IncomingMessage, res: http.ServerResponse, options: ServeOptions = {}): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  if (!options.trustForwardedFor || !headers.has('x-forwarded-for')) headers.set('x-forwarded-for', req.socket.remoteAddress ?? 'local');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const response = await auth.handle(new Request(`${baseUrl}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
