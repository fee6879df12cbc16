import type { UpstreamIdp } from '@mcp-bridge/authz-core';
import { silentLogger, type Logger } from '@mcp-bridge/logger';
import { EntraUpstream } from './internal/entra-upstream.ts';

/** Options of {@link createEntraUpstream}: one Entra app registration (a confidential web app). */
export interface EntraUpstreamOptions {
  /** `https://login.microsoftonline.com` in production; the simulator's origin in development. */
  authorityHost: string;
  /** Tenant GUID (or verified domain), or `organizations` / `common` for multi-tenant apps. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** The bridge's one fixed callback URL, registered on the app as a Web redirect URI. */
  redirectUri: string;
  /**
   * Scopes of ONE resource, e.g. `['User.Read']` or `['api://<app>/.default']`. MSAL adds
   * `openid profile offline_access`; never pass an RFC 8707 `resource` here (AADSTS9010010).
   */
  scopes: string[];
  /** Extra CA (PEM) to trust on top of Node's roots, for the development simulator. */
  caCertPem?: string;
  /** When set, only id_tokens whose `tid` is listed are accepted. */
  allowedTenantIds?: string[];
  logger?: Logger;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function resourceOf(scope: string): string {
  const scheme = scope.indexOf('://');
  const slash = scope.lastIndexOf('/');
  return scheme >= 0 && slash > scheme + 2 ? scope.slice(0, slash).toLowerCase() : 'https://graph.microsoft.com';
}

function invalid(message: string): never {
  throw new TypeError(`entra-upstream: ${message}`);
}

/**
 * Creates the Entra ID implementation of the `UpstreamIdp` port on `@azure/msal-node`.
 *
 * Only the authority host is ever called (MSAL's instance discovery is skipped through
 * `knownAuthorities`); the id_token is verified with jose against the tenant's JWKS; MSAL errors
 * become `OAuthError`s (`access_denied`, `invalid_grant`, `temporarily_unavailable`, `server_error`)
 * and Entra tokens are dropped after each sign-in. Invalid options throw a `TypeError` at once.
 *
 * @example
 * const entra = createEntraUpstream({
 *   authorityHost: 'https://login.microsoftonline.com',
 *   tenantId: 'organizations',
 *   clientId, clientSecret,
 *   redirectUri: 'https://bridge.example.com/callback/entra',
 *   scopes: ['User.Read'],
 *   allowedTenantIds: ['4b2e9c7a-1f3d-4e8b-9a6c-5d7e8f9a0b1c'],
 * });
 * const url = await entra.authorizationUrl({ state, nonce, codeVerifier });
 * // … browser returns to redirectUri with ?code&state …
 * const who = await entra.redeem({ code, state, nonce, codeVerifier });
 *
 * @example
 * // Development against the simulator
 * const entra = createEntraUpstream({
 *   authorityHost: sim.origin, tenantId: sim.tenantId, caCertPem: sim.caCertPem,
 *   clientId: 'bridge', clientSecret: 'dev-secret', redirectUri, scopes: ['User.Read'],
 * });
 */
export function createEntraUpstream(options: EntraUpstreamOptions): UpstreamIdp {
  let origin: URL;
  try {
    origin = new URL(options.authorityHost);
  } catch {
    invalid(`authorityHost '${options.authorityHost}' is not a URL`);
  }
  if (origin.protocol !== 'https:') invalid('authorityHost must use https: (MSAL refuses insecure authorities)');
  if ((origin.pathname !== '/' && origin.pathname !== '') || origin.search !== '' || origin.hash !== '') {
    invalid(`authorityHost must be an origin without path, got '${options.authorityHost}'`);
  }
  if (!/^[A-Za-z0-9.-]+$/.test(options.tenantId)) invalid(`tenantId '${options.tenantId}' is not a tenant id, domain, 'organizations' or 'common'`);
  if (options.tenantId.toLowerCase() === 'consumers') invalid("tenantId 'consumers' (personal accounts only) is not supported: accounts need a tenant and object id");
  if (options.clientId === '') invalid('clientId is required');
  if (options.clientSecret === '') invalid('clientSecret is required');
  if (!URL.canParse(options.redirectUri)) invalid(`redirectUri '${options.redirectUri}' is not an absolute URL`);
  const scopes = options.scopes.map((s) => s.trim());
  if (scopes.some((s) => s === '' || /\s/.test(s))) invalid('scopes must be non-empty strings without spaces');
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  if (resourceScopes.length === 0) invalid("scopes must name at least one resource scope, e.g. 'User.Read' or 'api://<app>/.default'");
  if (new Set(resourceScopes.map(resourceOf)).size > 1) invalid(`scopes must belong to one resource (Entra rejects more with AADSTS28000): ${scopes.join(' ')}`);

  return new EntraUpstream({
    authorityOrigin: origin.origin,
    tenantId: options.tenantId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    scopes: resourceScopes,
    logger: (options.logger ?? silentLogger).child({ pkg: 'entra-upstream' }),
    ...(options.caCertPem !== undefined ? { caCertPem: options.caCertPem } : {}),
    ...(options.allowedTenantIds !== undefined ? { allowedTenantIds: [...options.allowedTenantIds] } : {}),
  });
}
