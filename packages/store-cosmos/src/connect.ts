import { CosmosClient, type Database } from '@azure/cosmos';

/** Options of {@link connectCosmos}. */
export interface ConnectCosmosOptions {
  /** Account endpoint, e.g. `https://myaccount.documents.azure.com:443/`. */
  endpoint: string;
  /** Account key (primary or secondary). */
  key: string;
  /** Database created if it does not exist. */
  databaseId: string;
}

/** A client and the database it opened. */
export interface CosmosConnection {
  client: CosmosClient;
  database: Database;
}

/**
 * Opens a Cosmos DB client and makes sure the database exists.
 * Endpoint discovery is off: the bridge talks to the endpoint it was given (and the local
 * emulator-compatible server has no regional endpoints to discover).
 *
 * @example
 * const { database } = await connectCosmos({ endpoint, key, databaseId: 'mcp-bridge' });
 */
export async function connectCosmos(options: ConnectCosmosOptions): Promise<CosmosConnection> {
  const client = new CosmosClient({
    endpoint: options.endpoint,
    key: options.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const { database } = await client.databases.createIfNotExists({ id: options.databaseId });
    return { client, database };
  } catch (err) {
    // Another instance created the database between our read and our create: it exists now.
    if ((err as { code?: unknown }).code === 409) return { client, database: client.database(options.databaseId) };
    client.dispose();
    throw err;
  }
}
