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
  /**
   * Take X-Forwarded-For from requests that carry this secret in `x-xiaobao-forward-secret`: the
   * sign-in function (functions/sign-in.ts) calls local auth over loopback on behalf of a browser and
   * forwards the browser's address, so sign-in limits stay per client address.
   */
  forwardSecret?: string;
}

/**
 * The largest request body local auth reads. Its requests are a few hundred bytes of JSON; the cap
 * stops an anonymous client from making the server buffer a body of any size in memory.
 */
export const MAX_AUTH_BODY_BYTES = 64 * 1024;

/** Reads the body up to the cap; 'too-large' when it is larger (the rest is left unread). */
function readCappedBody(req: http.IncomingMessage): Promise<Buffer<ArrayBuffer> | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_AUTH_BODY_BYTES) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_AUTH_BODY_BYTES) {
        // Stop buffering at once; what was read is dropped with this closure.
        req.off('data', onData).off('end', onEnd).off('error', onError);
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    // The client went away mid-body: nobody is left to answer.
    const onError = () => resolve('aborted');
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  // GoTrue's error shape, so supabase-js shows `msg`. `Connection: close` ends the connection after
  // the answer; Node discards (does not buffer) whatever of the body is still arriving while the
  // 413 is written, so the client, still sending, gets to read it. A client that keeps sending
  // after that is cut off rather than drained for as long as it likes.
  const body = JSON.stringify({
    code: 413,
    error_code: 'request_too_large',
    msg: `The request body is larger than ${MAX_AUTH_BODY_BYTES / 1024} KB; sign-in requests are much smaller, so this is not a sign-in form.`,
  });
  res.writeHead(413, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close', 'content-length': Buffer.byteLength(body) });
  res.end(body, () => {
    const cut = setTimeout(() => req.destroy(), 2000);
    cut.unref();
    req.once('end', () => clearTimeout(cut));
  });
  req.resume();
}

export async function serveLocalAuth(auth: LocalAuth, baseUrl: string, req: http.IncomingMessage, res: http.ServerResponse, options: ServeOptions = {}): Promise<void> {
  const body = await readCappedBody(req);
  if (body === 'aborted') return;
  if (body === 'too-large') return tooLarge(req, res);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const forwarded = Boolean(options.forwardSecret) && headers.get('x-xiaobao-forward-secret') === options.forwardSecret;
  headers.delete('x-xiaobao-forward-secret');
  if (!(options.trustForwardedFor || forwarded) || !headers.has('x-forwarded-for')) headers.set('x-forwarded-for', req.socket.remoteAddress ?? 'local');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const response = await auth.handle(new Request(`${baseUrl}${req.url}`, { method: req.method, headers, body: hasBody ? body : undefined }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
