import type { AddressInfo } from 'node:net';

import { createLogger, type Logger } from '@mcp-bridge/logger';
import { createHttpServer } from '@vercel/cosmosdb-server';

/**
 * The Cosmos DB emulator's published, well-known account key. The embedded server accepts any key;
 * this one makes the intent obvious in configs and logs.
 */
export const EMULATOR_WELL_KNOWN_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** Options of {@link startEmbeddedCosmos}. */
export interface EmbeddedCosmosOptions {
  /** TCP port; `0` (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Receives the loud in-memory warning; defaults to a `warn`-level logger on stdout. */
  logger?: Logger;
}

/** A running embedded Cosmos-compatible server. */
export interface EmbeddedCosmos {
  /** `http://host:port` — pass to `openCosmosStore` / `connectCosmos`. */
  endpoint: string;
  /** Account key to use with it ({@link EMULATOR_WELL_KNOWN_KEY}). */
  key: string;
  /** Stops the server and drops every connection (and all data). */
  close(): Promise<void>;
}

/**
 * Starts `@vercel/cosmosdb-server` inside this process, over plain HTTP. For demos and tests only:
 * data lives in memory, TTL never expires anything, batches are not atomic and the query
 * `partitionKey` option is ignored. The store never relies on any of these (see STORAGE.md).
 *
 * @example
 * const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
 * const store = await openCosmosStore({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: 'test' });
 * // …
 * await store.close();
 * await cosmos.close();
 */
export async function startEmbeddedCosmos(options: EmbeddedCosmosOptions = {}): Promise<EmbeddedCosmos> {
  const host = options.host ?? '127.0.0.1';
  const logger = (options.logger ?? createLogger({ name: 'store-cosmos', level: 'warn' })).child({ pkg: 'store-cosmos' });
  const server = createHttpServer({ keepAlive: true });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${reachableHost}:${port}`;
  logger.warn(
    { endpoint },
    'EMBEDDED COSMOS DB SERVER (@vercel/cosmosdb-server) — IN-MEMORY ONLY: all data is lost when the process exits. '
      + 'For demos and tests only, NEVER for production.',
  );

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    key: EMULATOR_WELL_KNOWN_KEY,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
