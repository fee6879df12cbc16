import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsMaterial } from '@mcp-bridge/entra-simulator';

/** What the server saw: TCP connections accepted and requests received. */
export interface ServerLog {
  connections: number;
  requests: { method: string; path: string; headers: IncomingHttpHeaders }[];
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTPS server on 127.0.0.1, port 0, that records every connection and request. */
export interface TestServer {
  port: number;
  log: ServerLog;
  /** Forgets what was recorded so far. */
  reset(): void;
  close(): Promise<void>;
}

export async function startTestServer(tls: TlsMaterial, routes: Record<string, Route>): Promise<TestServer> {
  const log: ServerLog = { connections: 0, requests: [] };
  const server = createHttpsServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    const path = req.url ?? '/';
    log.requests.push({ method: req.method ?? '', path, headers: req.headers });
    const route = routes[path.split('?')[0] ?? '/'];
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route(req, res);
  });
  return listenRecording(server, log);
}

/** A plain HTTP server, to show that an http: URL is refused before connecting. */
export async function startPlainServer(): Promise<TestServer> {
  const log: ServerLog = { connections: 0, requests: [] };
  const server = createServer((req, res) => {
    log.requests.push({ method: req.method ?? '', path: req.url ?? '/', headers: req.headers });
    res.end('{}');
  });
  return listenRecording(server, log);
}

/** Listens on 127.0.0.1, port 0, counting every accepted TCP connection (before any TLS byte). */
async function listenRecording(server: Server, log: ServerLog): Promise<TestServer> {
  server.on('connection', () => {
    log.connections += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    log,
    reset() {
      log.connections = 0;
      log.requests.length = 0;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
