import type { Container, Database, ItemDefinition, Resource } from '@azure/cosmos';
import type { Logger } from '@mcp-bridge/logger';

import { StoreContentionError } from '../errors.ts';

/** HTTP status of a Cosmos SDK error, if it carries one. */
export function cosmosStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

/** A document as read back, with the etag used for optimistic concurrency. */
export interface ReadResult<T> {
  resource: T & Resource;
  etag: string;
}

/**
 * Point read by id + partition key. 404 is the only status turned into `undefined`; every other
 * failure propagates (fail closed).
 */
export async function readItem<T extends ItemDefinition>(
  container: Container,
  id: string,
  partitionKey: string,
): Promise<ReadResult<T> | undefined> {
  const response = await container.item(id, partitionKey).read<T>();
  if (response.statusCode === 404 || response.resource === undefined) return undefined;
  return { resource: response.resource, etag: response.etag ?? response.resource._etag };
}

/** Deletes a document, optionally only if its etag still matches. Returns `false` on 404. */
export async function deleteItem(
  container: Container,
  id: string,
  partitionKey: string,
  etag?: string,
): Promise<boolean> {
  try {
    await container.item(id, partitionKey).delete(
      etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined,
    );
    return true;
  } catch (err) {
    if (cosmosStatus(err) === 404) return false;
    throw err;
  }
}

/** Thrown inside an optimistic-concurrency attempt to ask for another attempt. */
export class RetryAttempt extends Error {
  constructor() {
    super('retry optimistic concurrency attempt');
    this.name = 'RetryAttempt';
  }
}

const MAX_ATTEMPTS = 20;

/**
 * Runs a read-modify-write `attempt` until it succeeds. 412 (stale etag), 409 (lost a create race)
 * and {@link RetryAttempt} start another attempt after a short jittered pause; any other error
 * propagates. Gives up with {@link StoreContentionError} after 20 attempts.
 */
export async function withOptimisticRetry<T>(
  what: string,
  logger: Logger,
  attempt: () => Promise<T>,
): Promise<T> {
  let last: unknown;
  for (let n = 1; n <= MAX_ATTEMPTS; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      const status = cosmosStatus(err);
      if (!(err instanceof RetryAttempt) && status !== 412 && status !== 409) throw err;
      last = err;
      logger.debug({ what, attempt: n, status }, 'concurrent write detected, retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5 * n)));
    }
  }
  throw new StoreContentionError(what, MAX_ATTEMPTS, last);
}

/** Container settings the store relies on. */
export interface ContainerSpec {
  id: string;
  partitionKeyPath: string;
  /** Exclude every path from indexing: the container is only ever read by id + partition key. */
  pointReadsOnly: boolean;
}

/**
 * Creates the container if absent. `defaultTtl: -1` turns TTL on without a default, so only items
 * with their own `ttl` expire. A 409 from another instance creating it at the same moment is fine.
 */
export async function ensureContainer(database: Database, spec: ContainerSpec): Promise<Container> {
  const definition = {
    id: spec.id,
    partitionKey: { paths: [spec.partitionKeyPath] },
    defaultTtl: -1,
    ...(spec.pointReadsOnly
      ? {
          indexingPolicy: {
            indexingMode: 'consistent' as const,
            automatic: true,
            includedPaths: [],
            excludedPaths: [{ path: '/*' }],
          },
        }
      : {}),
  };
  try {
    const { container } = await database.containers.createIfNotExists(definition);
    return container;
  } catch (err) {
    if (cosmosStatus(err) !== 409) throw err;
    return database.container(spec.id);
  }
}
