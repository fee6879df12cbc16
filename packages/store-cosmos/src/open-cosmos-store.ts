import type { CosmosClient, Database } from '@azure/cosmos';
import { silentLogger, type Logger } from '@mcp-bridge/logger';
import type { AdapterConstructor } from 'oidc-provider';

import { createAccountStore, type AccountStore } from './account-store.ts';
import { connectCosmos } from './connect.ts';
import { createConsentStore, type ConsentStore } from './consent-store.ts';
import { ensureContainer } from './internal/cosmos.ts';
import { createOidcAdapter } from './oidc-adapter.ts';
import { createSecretStore, type SecretStore } from './secret-store.ts';

/** Container ids and partition key paths; documented in STORAGE.md. */
export const CONTAINERS = {
  oidc: { id: 'oidc', partitionKeyPath: '/pk', pointReadsOnly: true },
  accounts: { id: 'accounts', partitionKeyPath: '/accountId', pointReadsOnly: false },
  consents: { id: 'consents', partitionKeyPath: '/accountId', pointReadsOnly: false },
  secrets: { id: 'secrets', partitionKeyPath: '/id', pointReadsOnly: true },
} as const;

/** Options of {@link openCosmosStore}. */
export interface OpenCosmosStoreOptions {
  /** Account endpoint (`https://….documents.azure.com:443/`, or an embedded server's). */
  endpoint: string;
  /** Account key. */
  key: string;
  /** Database, created if absent. */
  databaseId: string;
  /** Parent logger; the store logs through a `{ pkg: 'store-cosmos' }` child and never logs payloads or ids. */
  logger?: Logger;
  /** Clock in epoch milliseconds (tests freeze it); default `Date.now`. */
  now?: () => number;
  /** Seconds added to every adapter `expiresIn`; set it to oidc-provider's `clockTolerance`. Default 0. */
  clockToleranceSeconds?: number;
}

/** Everything the bridge persists, on one Cosmos database. */
export interface CosmosStore {
  /** oidc-provider `adapter` option: `new Provider(issuer, { adapter: store.adapter })`. */
  adapter: AdapterConstructor;
  accounts: AccountStore;
  consents: ConsentStore;
  secrets: SecretStore;
  /** The underlying client, for other containers. */
  client: CosmosClient;
  /** The database the containers live in. */
  database: Database;
  /** Cheap point read; rejects if Cosmos is unreachable or refuses the request. */
  health(): Promise<void>;
  /** Releases the client's connections. */
  close(): Promise<void>;
}

/**
 * Connects to Cosmos DB, creates the store's containers if absent, and returns the adapter and stores.
 * Every request-path operation is a point read or write by id + partition key; expiry is enforced on
 * read via `expiresAt` and, on real Cosmos, by per-item `ttl`.
 *
 * @example
 * const store = await openCosmosStore({ endpoint, key, databaseId: 'mcp-bridge', logger });
 * const provider = new Provider(issuer, { adapter: store.adapter, ...configuration });
 * await store.health();
 */
export async function openCosmosStore(options: OpenCosmosStoreOptions): Promise<CosmosStore> {
  const logger = (options.logger ?? silentLogger).child({ pkg: 'store-cosmos' });
  const now = options.now ?? Date.now;
  const { client, database } = await connectCosmos(options);
  try {
    const [oidc, accounts, consents, secrets] = await Promise.all([
      ensureContainer(database, CONTAINERS.oidc),
      ensureContainer(database, CONTAINERS.accounts),
      ensureContainer(database, CONTAINERS.consents),
      ensureContainer(database, CONTAINERS.secrets),
    ]);
    logger.info({ databaseId: options.databaseId }, 'cosmos store ready');

    return {
      adapter: createOidcAdapter({
        container: oidc,
        logger,
        now,
        clockToleranceSeconds: options.clockToleranceSeconds ?? 0,
      }),
      accounts: createAccountStore({ container: accounts, logger, now }),
      consents: createConsentStore({ container: consents, logger, now }),
      secrets: createSecretStore({ container: secrets, now }),
      client,
      database,
      async health() {
        // Reading an id that never exists costs ~1 RU and answers 404 when Cosmos is healthy.
        await oidc.item('health-probe', 'health-probe').read();
      },
      async close() {
        client.dispose();
      },
    };
  } catch (err) {
    client.dispose();
    throw err;
  }
}
