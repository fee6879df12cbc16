import type { Container } from '@azure/cosmos';
import type { Logger } from '@mcp-bridge/logger';

import { deleteItem, readItem, withOptimisticRetry } from './internal/cosmos.ts';
import { hashId } from './internal/ids.ts';

/** What a user allowed one client to do. */
export interface Consent {
  accountId: string;
  clientId: string;
  /** Granted scopes, de-duplicated, in grant order. */
  scopes: string[];
  /** The resource (RFC 8707 resource indicator) the scopes apply to. */
  resource: string;
  /** Redirect URIs the user approved this client for (consent is remembered per redirect target). */
  redirectUris: string[];
  /** ISO 8601 time of the latest grant. */
  grantedAt: string;
}

/**
 * The bridge's consent registry per (user, client) — container `consents`, partition key
 * `/accountId`, id = SHA-256 of the client id (client ids may be URLs).
 *
 * @example
 * await store.consents.grant(accountId, clientId, ['mcp:read'], 'https://mcp.example/mcp', 'http://127.0.0.1:33418/');
 * const consent = await store.consents.find(accountId, clientId);
 */
export interface ConsentStore {
  /** The consent, or `undefined` if the user never consented to (or revoked) this client. */
  find(accountId: string, clientId: string): Promise<Consent | undefined>;
  /**
   * Records consent. Scopes are merged into an existing consent for the same resource; a consent for
   * a different resource is replaced (scopes are only meaningful for the resource they were granted for).
   */
  grant(accountId: string, clientId: string, scopes: readonly string[], resource: string, redirectUri?: string): Promise<Consent>;
  /** Removes the consent; `false` if there was none. */
  revoke(accountId: string, clientId: string): Promise<boolean>;
}

interface ConsentDocument extends Consent {
  id: string;
}

function toConsent(doc: Consent): Consent {
  return {
    accountId: doc.accountId,
    clientId: doc.clientId,
    scopes: [...doc.scopes],
    resource: doc.resource,
    redirectUris: [...(doc.redirectUris ?? [])],
    grantedAt: doc.grantedAt,
  };
}

/**
 * Builds the {@link ConsentStore} over the `consents` container.
 *
 * @example
 * const consents = createConsentStore({ container, logger, now: Date.now });
 */
export function createConsentStore(options: { container: Container; logger: Logger; now: () => number }): ConsentStore {
  const { container, logger, now } = options;
  const idFor = (clientId: string): string => hashId(clientId);

  return {
    async find(accountId, clientId) {
      const found = await readItem<ConsentDocument>(container, idFor(clientId), accountId);
      return found ? toConsent(found.resource) : undefined;
    },

    async grant(accountId, clientId, scopes, resource, redirectUri) {
      const id = idFor(clientId);
      return withOptimisticRetry('consent grant', logger, async () => {
        const current = await readItem<ConsentDocument>(container, id, accountId);
        const sameResource = current && current.resource.resource === resource;
        const kept = sameResource ? current.resource.scopes : [];
        const keptRedirects = sameResource ? (current.resource.redirectUris ?? []) : [];
        const doc: ConsentDocument = {
          id,
          accountId,
          clientId,
          scopes: [...new Set([...kept, ...scopes])],
          resource,
          redirectUris: [...new Set([...keptRedirects, ...(redirectUri ? [redirectUri] : [])])],
          grantedAt: new Date(now()).toISOString(),
        };
        if (current) {
          await container.item(id, accountId).replace(doc, {
            accessCondition: { type: 'IfMatch', condition: current.etag },
          });
        } else {
          await container.items.create(doc);
        }
        return toConsent(doc);
      });
    },

    async revoke(accountId, clientId) {
      return deleteItem(container, idFor(clientId), accountId);
    },
  };
}
