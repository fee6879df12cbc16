import type { Database } from '@azure/cosmos';

import { readItem } from './internal/cosmos.ts';
import { isExpired } from './internal/expiry.ts';
import { modelKey, type ModelDocument } from './oidc-adapter.ts';
import { CONTAINERS } from './open-cosmos-store.ts';

/** Answers whether an oidc-provider Grant still exists (not revoked, not expired). */
export interface GrantStatusReader {
  isActive(grantId: string): Promise<boolean>;
}

export interface GrantStatusReaderOptions {
  /** The bridge's database (the one `openCosmosStore` writes). */
  database: Database;
  /** How long an answer is reused, per grant; default 15 s. Bounds how late a revocation is noticed. */
  cacheSeconds?: number;
  /** Most grants remembered at once; default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Lets a resource server honour revocation of JWT access tokens: oidc-provider deletes the Grant when
 * a grant is revoked (token revocation, refresh token reuse, code replay), so "is the Grant document
 * still there" is one point read in the shared store. Answers are cached briefly; errors propagate
 * (fail closed).
 *
 * @example
 * const grants = createGrantStatusReader({ database });
 * const verifier = createTokenVerifier({ …, isActive: (claims) => grants.isActive(String(claims.grant_id)) });
 */
export function createGrantStatusReader(options: GrantStatusReaderOptions): GrantStatusReader {
  const container = options.database.container(CONTAINERS.oidc.id);
  const now = options.now ?? Date.now;
  const cacheMs = (options.cacheSeconds ?? 15) * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { active: boolean; until: number }>();

  return {
    async isActive(grantId: string): Promise<boolean> {
      const at = now();
      const cached = cache.get(grantId);
      if (cached && cached.until > at) return cached.active;
      const key = modelKey('Grant', grantId);
      const found = await readItem<ModelDocument>(container, key, key);
      const active = found !== undefined && !isExpired(found.resource.expiresAt, at);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.delete(grantId);
      cache.set(grantId, { active, until: at + cacheMs });
      return active;
    },
  };
}
