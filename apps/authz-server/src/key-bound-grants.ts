import type { Middleware } from 'koa';
import type { Adapter, KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import { isMetadataDocumentClientId } from '@mcp-bridge/authz-core';

/**
 * Grants whose client proved its key (`private_key_jwt`) when the code was redeemed. A Client ID
 * Metadata Document that prefers `private_key_jwt` (ChatGPT) may also sign in as a public client
 * (interop rule 16), so the document alone cannot say whether a refresh needs an assertion; the grant
 * remembers it instead. Kept in the store (model `KeyBoundGrant`), so every instance agrees; the record
 * carries the grant id, so revoking the grant removes it too.
 */
export class KeyBoundGrants {
  readonly #adapter: Adapter;
  readonly #ttlSeconds: number;

  constructor(AdapterClass: new (name: string) => Adapter, ttlSeconds: number) {
    this.#adapter = new AdapterClass('KeyBoundGrant');
    this.#ttlSeconds = ttlSeconds;
  }

  async bind(grantId: string): Promise<void> {
    await this.#adapter.upsert(grantId, { grantId, method: 'private_key_jwt' } as never, this.#ttlSeconds);
  }

  async isBound(grantId: string): Promise<boolean> {
    return Boolean(await this.#adapter.find(grantId));
  }
}

/**
 * On POST /token (after `tokenRequestPolicy` has put the form in `ctx.request.body`):
 * - a code redeemed by a metadata-document client with a client assertion binds the grant to its key;
 * - a refresh of such a grant without a client assertion is refused with `invalid_client`, before
 *   oidc-provider rotates the refresh token — a leaked refresh token is not a bearer token for a client
 *   that has a key (RFC 9700 §4.14.2).
 */
export function keyBoundGrantPolicy(tokenPath: string, provider: Provider, grants: KeyBoundGrants): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== tokenPath || ctx.method !== 'POST') return next();
    const body = ((ctx.request as { body?: Record<string, unknown> }).body ?? {}) as Record<string, unknown>;
    if (body.grant_type === 'refresh_token' && !body.client_assertion && typeof body.refresh_token === 'string' && isMetadataDocumentClientId(body.client_id)) {
      const refreshToken = await provider.RefreshToken.find(body.refresh_token);
      if (refreshToken?.grantId && refreshToken.clientId === body.client_id && (await grants.isBound(refreshToken.grantId))) {
        ctx.status = 401;
        ctx.set('Cache-Control', 'no-store');
        if (ctx.get('origin')) ctx.set('Access-Control-Allow-Origin', '*');
        ctx.body = {
          error: 'invalid_client',
          error_description: 'this grant was made with private_key_jwt client authentication; refresh it with a client_assertion',
        };
        return;
      }
    }
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    const grantId = oidc?.entities?.AuthorizationCode?.grantId;
    if (
      ctx.status === 200 &&
      body.grant_type === 'authorization_code' &&
      grantId &&
      oidc.client?.clientAuthMethod === 'private_key_jwt' &&
      isMetadataDocumentClientId(oidc.client.clientId)
    ) {
      await grants.bind(grantId);
    }
  };
}
