import type { Container } from '@azure/cosmos';
import type { Logger } from '@mcp-bridge/logger';

import { readItem, withOptimisticRetry } from './internal/cosmos.ts';
import { encodeId } from './internal/ids.ts';

/** A bridge user, keyed by the account id the bridge derives from Entra `tid` + `oid`. */
export interface Account {
  accountId: string;
  /** Entra tenant id (`tid`). */
  tenantId: string;
  /** Entra object id (`oid`). */
  objectId: string;
  name?: string;
  username?: string;
  email?: string;
  /** ISO 8601, set on first upsert and kept afterwards. */
  createdAt: string;
  /** ISO 8601, set on every upsert. */
  updatedAt: string;
}

/** What callers pass to {@link AccountStore.upsert}; the store sets the timestamps. */
export type AccountInput = Omit<Account, 'createdAt' | 'updatedAt'>;

/**
 * Persistence of bridge accounts (container `accounts`, partition key `/accountId`).
 *
 * @example
 * const account = await store.accounts.upsert({ accountId, tenantId: tid, objectId: oid, name });
 * const again = await store.accounts.find(accountId);
 */
export interface AccountStore {
  /** Creates or updates the account; keeps `createdAt`, refreshes `updatedAt`. */
  upsert(account: AccountInput): Promise<Account>;
  /** The account, or `undefined` if never stored. */
  find(accountId: string): Promise<Account | undefined>;
}

interface AccountDocument extends Account {
  id: string;
}

function toAccount(doc: Account): Account {
  const account: Account = {
    accountId: doc.accountId,
    tenantId: doc.tenantId,
    objectId: doc.objectId,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.name !== undefined) account.name = doc.name;
  if (doc.username !== undefined) account.username = doc.username;
  if (doc.email !== undefined) account.email = doc.email;
  return account;
}

/**
 * Builds the {@link AccountStore} over the `accounts` container.
 *
 * @example
 * const accounts = createAccountStore({ container, logger, now: Date.now });
 */
export function createAccountStore(options: { container: Container; logger: Logger; now: () => number }): AccountStore {
  const { container, logger, now } = options;
  return {
    async find(accountId) {
      const found = await readItem<AccountDocument>(container, encodeId(accountId), accountId);
      return found ? toAccount(found.resource) : undefined;
    },

    async upsert(input) {
      const id = encodeId(input.accountId);
      return withOptimisticRetry('account upsert', logger, async () => {
        const current = await readItem<AccountDocument>(container, id, input.accountId);
        const at = new Date(now()).toISOString();
        const doc: AccountDocument = {
          id,
          ...toAccount({ ...input, createdAt: current?.resource.createdAt ?? at, updatedAt: at }),
        };
        if (current) {
          await container.item(id, input.accountId).replace(doc, {
            accessCondition: { type: 'IfMatch', condition: current.etag },
          });
        } else {
          await container.items.create(doc);
        }
        return toAccount(doc);
      });
    },
  };
}
