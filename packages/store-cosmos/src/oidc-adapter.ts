import type { Container } from '@azure/cosmos';
import type { Logger } from '@mcp-bridge/logger';
import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

import { AlreadyConsumedError } from './errors.ts';
import { RetryAttempt, cosmosStatus, deleteItem, readItem, withOptimisticRetry } from './internal/cosmos.ts';
import { expiryFor, isExpired, ttlUntil, type Expiry } from './internal/expiry.ts';
import { encodeId, hashId } from './internal/ids.ts';

/** Model names become id prefixes, so they are restricted to letters and digits. */
const MODEL_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * Models whose payload may carry a `grantId` without belonging to the grant: an Interaction only
 * references the grant it is about to extend, and Session/Grant are never revoked by grant id
 * (same set as oidc-provider's own memory adapter).
 */
const NOT_GRANT_MEMBERS = new Set(['Interaction', 'Session', 'Grant']);

/**
 * Models whose id is itself a bearer credential (whoever holds it can use it): authorization codes,
 * refresh tokens, opaque access tokens, registration tokens, pushed requests, the bridge's upstream
 * `state`. They are stored under SHA-256 of the id and without the `jti` copy of it, so a read of the
 * database does not yield usable tokens (house style: secrets stored hashed). Sessions, interactions,
 * grants and clients keep readable ids: they are found by other ids (uid pointers, cookies, client ids)
 * and are not credentials on their own.
 */
const CREDENTIAL_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'PushedAuthorizationRequest',
  'BackchannelAuthenticationRequest',
  'UpstreamLogin',
]);

/** One stored oidc-provider model instance. */
export interface ModelDocument {
  id: string;
  pk: string;
  kind: 'model';
  model: string;
  payload: AdapterPayload;
  expiresAt?: number;
  ttl?: number;
}

/** Secondary index `uid` → Session id, or `userCode` → DeviceCode id. */
export interface PointerDocument {
  id: string;
  pk: string;
  kind: 'uid' | 'userCode';
  model: string;
  /** Raw id of the target model document. */
  target: string;
  expiresAt?: number;
  ttl?: number;
}

/** One member of a grant: enough to delete it without a query. */
export interface GrantMember {
  model: string;
  /** `id` (= partition key) of the member's {@link ModelDocument}. */
  key: string;
  /** Epoch ms, or `null` for a member stored without expiry. */
  expiresAt: number | null;
}

/** Per-grant index listing every document issued under the grant. */
export interface GrantIndexDocument {
  id: string;
  pk: string;
  kind: 'grant';
  grantId: string;
  members: GrantMember[];
  expiresAt?: number;
  ttl?: number;
}

/** Options of {@link createOidcAdapter}. */
export interface OidcAdapterOptions {
  /** The `oidc` container (partition key `/pk`). */
  container: Container;
  logger: Logger;
  /** Clock in epoch milliseconds. */
  now: () => number;
  /** Added to every `expiresIn`; match oidc-provider's `clockTolerance`. */
  clockToleranceSeconds: number;
}

/** `id` (and partition key) of a model document. */
export function modelKey(model: string, id: string): string {
  return `${model}:${CREDENTIAL_MODELS.has(model) ? `~${hashId(id)}` : encodeId(id)}`;
}

/** The payload as stored: a credential model's `jti` (its own id, the token value) is left out. */
function storedPayload(model: string, id: string, payload: AdapterPayload): AdapterPayload {
  if (!CREDENTIAL_MODELS.has(model) || payload.jti !== id) return payload;
  const { jti: _token, ...rest } = payload;
  return rest;
}

/** The payload as oidc-provider expects it back: `jti` restored from the id it was found by. */
function loadedPayload(model: string, id: string, payload: AdapterPayload): AdapterPayload {
  return CREDENTIAL_MODELS.has(model) && payload.jti === undefined ? { ...payload, jti: id } : payload;
}

/** `id` (and partition key) of a grant index document. */
export function grantIndexKey(grantId: string): string {
  return `idx.grant:${encodeId(grantId)}`;
}

/** `id` (and partition key) of a `uid` or `userCode` pointer document. */
export function pointerKey(kind: 'uid' | 'userCode', model: string, value: string): string {
  return `idx.${kind}.${model}:${encodeId(value)}`;
}

function expiryFields(expiry: Expiry | undefined): { expiresAt?: number; ttl?: number } {
  return expiry ? { expiresAt: expiry.expiresAt, ttl: expiry.ttl } : {};
}

/** Drops expired members, then sets the index expiry to that of its longest-lived member. */
function grantIndexBody(grantId: string, members: GrantMember[], now: number): GrantIndexDocument {
  const key = grantIndexKey(grantId);
  const live = members.filter((m) => !isExpired(m.expiresAt, now));
  const doc: GrantIndexDocument = { id: key, pk: key, kind: 'grant', grantId, members: live };
  if (live.length > 0 && live.every((m) => m.expiresAt !== null)) {
    const expiresAt = Math.max(...live.map((m) => m.expiresAt as number));
    doc.expiresAt = expiresAt;
    doc.ttl = ttlUntil(expiresAt, now);
  }
  return doc;
}

/**
 * Builds the oidc-provider `adapter` class backed by one Cosmos container. Every model (oidc-provider's
 * own and any the bridge invents) is stored generically as `{ model, payload, expiresAt, ttl }`, read
 * by id + partition key only. See STORAGE.md for the layout and the concurrency rules.
 *
 * @example
 * const Adapter = createOidcAdapter({ container, logger, now: Date.now, clockToleranceSeconds: 0 });
 * const provider = new Provider(issuer, { adapter: Adapter });
 */
export function createOidcAdapter(options: OidcAdapterOptions): AdapterConstructor {
  const { container, now, clockToleranceSeconds } = options;
  const logger = options.logger;

  async function addGrantMember(grantId: string, member: GrantMember): Promise<void> {
    const key = grantIndexKey(grantId);
    await withOptimisticRetry('grant index add', logger, async () => {
      const current = await readItem<GrantIndexDocument>(container, key, key);
      const at = now();
      if (!current) {
        await container.items.create(grantIndexBody(grantId, [member], at));
        return;
      }
      const existing = current.resource.members.find((m) => m.key === member.key);
      if (existing && existing.expiresAt === member.expiresAt && !isExpired(current.resource.expiresAt, at)) return;
      const others = current.resource.members.filter((m) => m.key !== member.key);
      try {
        await container.item(key, key).replace(grantIndexBody(grantId, [...others, member], at), {
          accessCondition: { type: 'IfMatch', condition: current.etag },
        });
      } catch (err) {
        // 404: the index was deleted between the read and the write; start again with a new one.
        if (cosmosStatus(err) === 404) throw new RetryAttempt();
        throw err;
      }
    });
  }

  async function removeGrantMember(grantId: string, memberKey: string): Promise<void> {
    const key = grantIndexKey(grantId);
    await withOptimisticRetry('grant index remove', logger, async () => {
      const current = await readItem<GrantIndexDocument>(container, key, key);
      if (!current) return;
      const body = grantIndexBody(grantId, current.resource.members.filter((m) => m.key !== memberKey), now());
      if (body.members.length === 0) {
        if (!(await deleteItem(container, key, key, current.etag))) throw new RetryAttempt();
        return;
      }
      if (body.members.length === current.resource.members.length) return;
      try {
        await container.item(key, key).replace(body, {
          accessCondition: { type: 'IfMatch', condition: current.etag },
        });
      } catch (err) {
        // 404: a concurrent revokeByGrantId deleted the whole index (oidc-provider destroys a replayed
        // refresh token and revokes its grant at the same time) — nothing is left to remove.
        if (cosmosStatus(err) !== 404) throw err;
      }
    });
  }

  async function deletePointerIfTargets(kind: 'uid' | 'userCode', model: string, value: string, target: string): Promise<void> {
    const key = pointerKey(kind, model, value);
    const current = await readItem<PointerDocument>(container, key, key);
    if (!current || current.resource.target !== target) return;
    try {
      await deleteItem(container, key, key, current.etag);
    } catch (err) {
      // 412: the pointer was just re-pointed to another document, which must keep it.
      if (cosmosStatus(err) !== 412) throw err;
    }
  }

  return class CosmosOidcAdapter implements Adapter {
    /** oidc-provider model name (`AccessToken`, `Session`, … or a bridge-defined one). */
    readonly model: string;

    constructor(model: string) {
      if (!MODEL_NAME.test(model)) throw new TypeError(`invalid adapter model name: ${JSON.stringify(model)}`);
      this.model = model;
    }

    #grantBound(payload: AdapterPayload): payload is AdapterPayload & { grantId: string } {
      return !NOT_GRANT_MEMBERS.has(this.model) && typeof payload.grantId === 'string' && payload.grantId.length > 0;
    }

    async #read(id: string): Promise<{ doc: ModelDocument; etag: string } | undefined> {
      const key = modelKey(this.model, id);
      const found = await readItem<ModelDocument>(container, key, key);
      if (!found || found.resource.kind !== 'model' || found.resource.model !== this.model) return undefined;
      if (isExpired(found.resource.expiresAt, now())) return undefined;
      return { doc: found.resource, etag: found.etag };
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const at = now();
      const expiry = expiryFor(at, expiresIn, clockToleranceSeconds);
      const key = modelKey(this.model, id);

      // Indexes first: a document must never exist without the index entries that find or revoke it.
      if (this.#grantBound(payload)) {
        await addGrantMember(payload.grantId, { model: this.model, key, expiresAt: expiry?.expiresAt ?? null });
      }
      const pointers: Promise<unknown>[] = [];
      for (const kind of ['uid', 'userCode'] as const) {
        const value = payload[kind];
        if (typeof value === 'string' && value.length > 0) {
          const pkey = pointerKey(kind, this.model, value);
          const pointer: PointerDocument = { id: pkey, pk: pkey, kind, model: this.model, target: id, ...expiryFields(expiry) };
          pointers.push(container.items.upsert(pointer));
        }
      }
      await Promise.all(pointers);

      const doc: ModelDocument = { id: key, pk: key, kind: 'model', model: this.model, payload: storedPayload(this.model, id, payload), ...expiryFields(expiry) };
      await container.items.upsert(doc);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const found = await this.#read(id);
      return found ? loadedPayload(this.model, id, found.doc.payload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.#findByPointer('uid', uid);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.#findByPointer('userCode', userCode);
    }

    async #findByPointer(kind: 'uid' | 'userCode', value: string): Promise<AdapterPayload | undefined> {
      const key = pointerKey(kind, this.model, value);
      const pointer = await readItem<PointerDocument>(container, key, key);
      if (!pointer || isExpired(pointer.resource.expiresAt, now())) return undefined;
      const payload = await this.find(pointer.resource.target);
      // A pointer left behind by an earlier version of the document must not resolve.
      return payload?.[kind] === value ? payload : undefined;
    }

    async consume(id: string): Promise<void> {
      await withOptimisticRetry(`${this.model} consume`, logger, async () => {
        const current = await this.#read(id);
        if (!current || current.doc.payload.consumed !== undefined) throw new AlreadyConsumedError(this.model);
        const at = now();
        const doc: ModelDocument = {
          ...current.doc,
          payload: { ...current.doc.payload, consumed: Math.floor(at / 1000) },
        };
        // Cosmos counts ttl from this write: recompute it from the unchanged expiresAt.
        if (doc.expiresAt !== undefined) doc.ttl = ttlUntil(doc.expiresAt, at);
        await container.item(doc.id, doc.pk).replace(doc, {
          accessCondition: { type: 'IfMatch', condition: current.etag },
        });
      });
    }

    async destroy(id: string): Promise<void> {
      const key = modelKey(this.model, id);
      const found = await readItem<ModelDocument>(container, key, key);
      if (!found) return;
      await deleteItem(container, key, key);
      const { payload } = found.resource;
      const cleanup: Promise<void>[] = [];
      if (this.#grantBound(payload)) cleanup.push(removeGrantMember(payload.grantId, key));
      for (const kind of ['uid', 'userCode'] as const) {
        const value = payload[kind];
        if (typeof value === 'string' && value.length > 0) cleanup.push(deletePointerIfTargets(kind, this.model, value, id));
      }
      await Promise.all(cleanup);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const key = grantIndexKey(grantId);
      await withOptimisticRetry('grant revoke', logger, async () => {
        const index = await readItem<GrantIndexDocument>(container, key, key);
        if (!index) return;
        const { members } = index.resource;
        for (let i = 0; i < members.length; i += 16) {
          await Promise.all(members.slice(i, i + 16).map((m) => deleteItem(container, m.key, m.key)));
        }
        // 412 here means a member was added meanwhile: read the index again and delete that one too.
        await deleteItem(container, key, key, index.etag);
        logger.debug({ model: this.model, members: members.length }, 'grant revoked');
      });
    }
  };
}
