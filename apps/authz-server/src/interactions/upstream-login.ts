import { randomBytes } from 'node:crypto';
import type { Adapter } from 'oidc-provider';
import { AlreadyConsumedError } from '@mcp-bridge/store-cosmos';

/**
 * A sign-in started at the upstream from the consent page: after the person approved the client, or
 * chose "sign in with another account" (then `consented` is false and the new person is asked for
 * consent afterwards). Its id is the upstream `state`: random, single-use, ≤ 10 minutes (MCP AS11).
 */
export interface UpstreamLogin {
  /** Interaction this sign-in belongs to; the callback must arrive in the same browser. */
  interactionUid: string;
  clientId: string;
  nonce: string;
  codeVerifier: string;
  /** Whether the person approved the client before signing in; false for "sign in with another account". */
  consented: boolean;
  /** Scopes and resource the person approved on the consent page. */
  approvedScopes: string[];
  resource: string;
  /** The redirect URI the approval was for. */
  redirectUri: string;
}

/** Upstream state lifetime (MCP AS11: ≤ 10 min). */
export const UPSTREAM_LOGIN_TTL_SECONDS = 10 * 60;

/** Creates the random secrets of a new upstream sign-in. */
export function newUpstreamSecrets(): { state: string; nonce: string; codeVerifier: string } {
  const random = () => randomBytes(32).toString('base64url');
  return { state: random(), nonce: random(), codeVerifier: random() };
}

/** Persistence of pending upstream sign-ins on the oidc-provider adapter (model `UpstreamLogin`). */
export class UpstreamLoginStore {
  readonly #adapter: Adapter;

  constructor(AdapterClass: new (name: string) => Adapter) {
    this.#adapter = new AdapterClass('UpstreamLogin');
  }

  /** Stores a sign-in for at most `ttlSeconds` (≤ 10 minutes). */
  async save(state: string, login: UpstreamLogin, ttlSeconds = UPSTREAM_LOGIN_TTL_SECONDS): Promise<void> {
    const ttl = Math.max(1, Math.min(UPSTREAM_LOGIN_TTL_SECONDS, Math.floor(ttlSeconds)));
    await this.#adapter.upsert(state, { ...login } as never, ttl);
  }

  /** The interaction a state belongs to, without using the state up. */
  async interactionOf(state: string): Promise<string | undefined> {
    const found = (await this.#adapter.find(state)) as (UpstreamLogin & { consumed?: unknown }) | undefined;
    return found && !found.consumed ? found.interactionUid : undefined;
  }

  /**
   * Returns the sign-in for `state` exactly once: a second call, a foreign or expired state all
   * return undefined (attack catalogue A24).
   */
  async take(state: string): Promise<UpstreamLogin | undefined> {
    const found = (await this.#adapter.find(state)) as (UpstreamLogin & { consumed?: unknown }) | undefined;
    if (!found || found.consumed) return undefined;
    try {
      await this.#adapter.consume(state);
    } catch (error) {
      // Lost a race with another request for the same state. Anything else is a store failure and
      // propagates: fail closed.
      if (error instanceof AlreadyConsumedError) return undefined;
      throw error;
    }
    // The adapter adds `consumed` and `jti` (the state itself) to what was saved; the caller gets the login.
    const { consumed: _consumed, jti: _state, ...login } = found as UpstreamLogin & { consumed?: unknown; jti?: unknown };
    return login;
  }
}

