import { createServer, request as forward, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny round-robin load balancer for tests: the front that several bot processes sit behind. Request i goes
 * to backend i mod n. With `routeKey`, requests are counted per key instead (request i *of that key*), so
 * that each conversation alternates between the backends even while many conversations interleave; the
 * default is one key for everything.
 *
 * A backend that refuses the connection (a process that has stopped) is taken out of rotation and the request
 * goes to the next one, as a real load balancer's passive health check does. Only a refused connection is
 * retried: the request cannot have reached that backend, so nothing runs twice.
 */

export interface ProxiedRequest {
  /** Order of arrival at the proxy. */
  seq: number;
  method: string;
  /** Path with the query string, as the client sent it. */
  path: string;
  body: string;
  /** The backend (index into the list) that answered; undefined while in flight or when none could. */
  backend?: number;
  status?: number;
  /** Backends that refused the connection before one answered. */
  refusedBy: number[];
}

export interface RoutedRequest {
  method: string;
  /** Without the query string. */
  path: string;
  body: string;
}

export interface RoundRobinProxy {
  url: string;
  /** Every request so far, in order of arrival. */
  served: ProxiedRequest[];
  /** The backends still in rotation. */
  live(): number[];
  close(): Promise<void>;
}

// Headers about one hop's connection, not about the message: never passed on.
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer'];

function withoutHopHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request to one backend, on a connection of its own (so a stopping backend holds no idle socket of ours). */
function send(backend: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = forward(
      {
        host: backend.hostname,
        port: backend.port,
        method,
        path,
        agent: false,
        headers: { ...withoutHopHeaders(headers), host: backend.host, 'content-length': String(body.length), connection: 'close' },
      },
      (incoming) => {
        readBody(incoming).then((answer) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: answer }), reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function startRoundRobinProxy(backendUrls: string[], options: { routeKey?: (request: RoutedRequest) => string } = {}): Promise<RoundRobinProxy> {
  const backends = backendUrls.map((url) => new URL(url));
  const down = new Set<number>();
  const counters = new Map<string, number>();
  const served: ProxiedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const body = await readBody(req);
    const record: ProxiedRequest = { seq: served.length, method, path, body: body.toString('utf8'), refusedBy: [] };
    served.push(record);

    const key = options.routeKey?.({ method, path: path.split('?')[0]!, body: record.body }) ?? '';
    const turn = counters.get(key) ?? 0;
    counters.set(key, turn + 1);

    for (let step = 0; step < backends.length; step++) {
      const backend = (turn + step) % backends.length;
      if (down.has(backend)) continue;
      try {
        const answer = await send(backends[backend]!, method, path, req.headers, body);
        record.backend = backend;
        record.status = answer.status;
        res.writeHead(answer.status, { ...withoutHopHeaders(answer.headers), 'content-length': String(answer.body.length) });
        res.end(answer.body);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
        down.add(backend);
        record.refusedBy.push(backend);
      }
    }
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'no backend answered' }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A backend that dropped the connection mid-request: the client sees a 502 rather than a hang.
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `backend failed: ${(error as Error).message}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    served,
    live: () => backends.map((_, index) => index).filter((index) => !down.has(index)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
