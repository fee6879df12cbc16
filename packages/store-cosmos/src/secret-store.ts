import type { Container } from '@azure/cosmos';

import { cosmosStatus, readItem } from './internal/cosmos.ts';
import { encodeId } from './internal/ids.ts';

/**
 * Write-once named JSON values shared by every instance (container `secrets`, partition key `/id`).
 * Meant for development signing keys and cookie keys, so tokens survive restarts and instances agree;
 * values are stored as given (not encrypted) — production keys belong in Key Vault.
 *
 * @example
 * const jwks = await store.secrets.getOrCreate('signing-keys', () => generateJwks());
 */
export interface SecretStore {
  /**
   * The stored value for `name`; if absent, stores `create()`'s result unless another caller stored
   * one first, and returns whichever value won. `create` must return JSON-serializable data.
   */
  getOrCreate<T>(name: string, create: () => Promise<T> | T): Promise<T>;
}

interface SecretDocument {
  id: string;
  name: string;
  value: unknown;
  createdAt: string;
}

/**
 * Builds the {@link SecretStore} over the `secrets` container.
 *
 * @example
 * const secrets = createSecretStore({ container, now: Date.now });
 */
export function createSecretStore(options: { container: Container; now: () => number }): SecretStore {
  const { container, now } = options;

  async function read<T>(id: string): Promise<T | undefined> {
    const found = await readItem<SecretDocument>(container, id, id);
    return found ? (found.resource.value as T) : undefined;
  }

  return {
    async getOrCreate<T>(name: string, create: () => Promise<T> | T): Promise<T> {
      const id = encodeId(name);
      const existing = await read<T>(id);
      if (existing !== undefined) return existing;
      const value = await create();
      if (value === undefined) throw new TypeError(`secret ${JSON.stringify(name)}: create() returned undefined`);
      const doc: SecretDocument = { id, name, value, createdAt: new Date(now()).toISOString() };
      try {
        await container.items.create(doc);
        // Return what a reader gets back, so the winner and the losers see identical JSON.
        return JSON.parse(JSON.stringify(value)) as T;
      } catch (err) {
        if (cosmosStatus(err) !== 409) throw err;
        const winner = await read<T>(id);
        if (winner === undefined) throw new Error(`secret ${JSON.stringify(name)}: conflict but no stored value`, { cause: err });
        return winner;
      }
    },
  };
}
