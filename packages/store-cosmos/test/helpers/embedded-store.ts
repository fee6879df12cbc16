import { silentLogger } from '@mcp-bridge/logger';

import { openCosmosStore, startEmbeddedCosmos, type CosmosStore, type EmbeddedCosmos } from '../../src/index.ts';

/** A store on a fresh embedded server, with a clock the test moves by hand. */
export interface TestStore {
  cosmos: EmbeddedCosmos;
  store: CosmosStore;
  clock: { ms: number };
  close(): Promise<void>;
}

/** Frozen start time of every test clock: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * Starts an embedded Cosmos server on port 0 and opens a store on it.
 *
 * @example
 * const t = await openTestStore(); after(() => t.close());
 */
export async function openTestStore(options: { clockToleranceSeconds?: number; realClock?: boolean } = {}): Promise<TestStore> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const clock = { ms: T0 };
  const store = await openCosmosStore({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    databaseId: 'store-cosmos-test',
    logger: silentLogger,
    ...(options.realClock ? {} : { now: () => clock.ms }),
    ...(options.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: options.clockToleranceSeconds } : {}),
  });
  return {
    cosmos,
    store,
    clock,
    async close() {
      await store.close();
      await cosmos.close();
    },
  };
}

/** Reads a raw document of the `oidc` container (id = partition key), or `undefined` on 404. */
export async function rawOidcDocument(store: CosmosStore, key: string): Promise<Record<string, unknown> | undefined> {
  const { resource } = await store.database.container('oidc').item(key, key).read<Record<string, unknown>>();
  return resource;
}
