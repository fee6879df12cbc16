import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateTlsMaterial } from '@mcp-bridge/entra-simulator';
import { createGuardedFetch, type GuardedFetch } from '@mcp-bridge/outbound-fetch';

/** One document the host serves: a JSON body, or a raw answer for the failure cases. */
export interface HostedDocument {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/**
 * Where clients publish their Client ID Metadata Documents, played on loopback: one HTTPS server that
 * answers for any host name (`vscode.dev`, `claude.ai`, …) with a certificate for those names, so tests
 * use the clients' real `client_id` URLs. `fetch` is the bridge's own guarded fetch with its test-only
 * exceptions: every name resolves to 127.0.0.1, loopback is allowed, the port is this server's and the
 * test CA is trusted. https only, no redirects, size and time limits stay as in production.
 */
export interface MetadataHost {
  fetch: GuardedFetch;
  /** Serves `body` at `url` (e.g. `https://vscode.dev/oauth/client-metadata.json`); replaces any earlier answer. */
  serve(url: string, document: HostedDocument): void;
  /** How many times `url` was requested. */
  requests(url: string): number;
  close(): Promise<void>;
}

export async function startMetadataHost(hostNames: readonly string[]): Promise<MetadataHost> {
  const tls = generateTlsMaterial(hostNames);
  const documents = new Map<string, HostedDocument>();
  const counts = new Map<string, number>();
  const keyOf = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.pathname}${parsed.search}`;
  };
  const server: Server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const key = `${host}${req.url ?? '/'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const document = documents.get(key);
    if (!document) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof document.body === 'string' ? document.body : JSON.stringify(document.body);
    res.writeHead(document.status ?? 200, { 'content-type': 'application/json', ...document.headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const guarded = createGuardedFetch({
    ca: tls.caCertPem,
    dangerouslyAllowAddresses: ['127.0.0.1'],
    lookup: async () => [{ address: '127.0.0.1', family: 4 }],
  });
  const fetch: GuardedFetch = (url, init) => {
    if (url instanceof Request) throw new TypeError('the bridge fetches URLs, not Request objects');
    const target = new URL(url);
    // Only the port changes: host name, path and the https scheme are what the bridge asked for.
    if (target.protocol === 'https:') target.port = String(port);
    return guarded(target, init);
  };

  return {
    fetch,
    serve: (url, document) => documents.set(keyOf(url), document),
    requests: (url) => counts.get(keyOf(url)) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
