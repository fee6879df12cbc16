import Provider, { errors, type Adapter, type Configuration, type KoaContextWithOIDC, type ClientMetadata, type JWK } from 'oidc-provider';
import { applyClientRegistrationPolicy } from './client-registration-policy.ts';
import { checkMetadataDocumentUrl, type MetadataDocumentPolicy } from './client-trust.ts';
import { canonicalResource } from './resource.ts';
import { RESOURCE_SCOPES, SUPPORTED_SCOPES } from './scopes.ts';

/** Claims of a signed-in user that the bridge puts in tokens. */
export interface AccountClaims {
  accountId: string;
  tenantId: string;
  objectId: string;
  name?: string;
  username?: string;
  email?: string;
}

/** Port: where the provider reads accounts from (the Cosmos account store in production). */
export interface AccountReader {
  find(accountId: string): Promise<AccountClaims | undefined>;
}

export interface ProviderConfigurationOptions {
  /** The MCP server URL: the only resource indicator we serve and every access token's `aud`. */
  resourceUrl: string;
  /** oidc-provider adapter class (Cosmos in production). */
  adapter: new (name: string) => Adapter;
  /** Private JWKS; the first key signs. */
  signingKeys: { keys: JWK[] };
  /** JWS algorithm of the first key, used for access tokens and ID tokens. */
  signingAlgorithm: 'ES256' | 'RS256' | 'PS256' | 'EdDSA';
  /** Cookie signing keys; the first signs, all verify (rotation). */
  cookieKeys: string[];
  /** True when the issuer is https: cookies get the `__Host-` / `__Secure-` prefixes and `Secure`. */
  secureCookies: boolean;
  accounts: AccountReader;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Clients configured by the operator (for users who paste a client id). */
  staticClients?: ClientMetadata[];
  /** Which Client ID Metadata Documents are fetched (MCP AS4, AS5). */
  metadataDocuments: MetadataDocumentPolicy;
  /**
   * Every outbound request oidc-provider makes (CIMD documents, their `jwks_uri`). Production passes
   * `@mcp-bridge/outbound-fetch`'s guard: https only, no special-use addresses, no redirects, a deadline.
   */
  fetch: NonNullable<Configuration['fetch']>;
  /** Renders the error page for errors that must not be redirected to the client. */
  renderError: NonNullable<Configuration['renderError']>;
}

/** Authorization codes live 60 s at most (attack catalogue A9; OAuth 2.1 §4.1.2 recommends ≤ 10 min). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** Time a person has to finish the consent page and the Entra sign-in. */
export const INTERACTION_TTL_SECONDS = 10 * 60;
/** Browser session with the bridge. */
export const SESSION_TTL_SECONDS = 24 * 3600;

const RESOURCE_SCOPE_LIST = Object.keys(RESOURCE_SCOPES).join(' ');

/** A client metadata document is a few hundred bytes; 5 KiB bounds memory per fetch (MCP AS5). */
export const METADATA_DOCUMENT_MAX_BYTES = 5 * 1024;
/** A client's JWKS (CIMD `jwks_uri`). */
export const CLIENT_JWKS_MAX_BYTES = 32 * 1024;
/**
 * Fetched documents are cached as their `Cache-Control: max-age` / `Expires` say, within these bounds
 * (seconds); failed fetches are not cached (attack catalogue A27).
 */
export const METADATA_DOCUMENT_CACHE_SECONDS = { min: 60, max: 3600 } as const;

/**
 * The whole oidc-provider configuration of the bridge: protocol behaviour is the provider's, this only
 * chooses it. Routes at `/authorize`, `/token`, `/register` (clients' last-resort defaults, interop rule 1).
 *
 * @example
 * const provider = new Provider(issuer, createProviderConfiguration({ resourceUrl, adapter, … }));
 */
export function createProviderConfiguration(options: ProviderConfigurationOptions): Configuration {
  const resourceUrl = options.resourceUrl;
  const canonicalServed = canonicalResource(resourceUrl);
  // `__Host-` requires Path=/, which only the session cookie has; the interaction and resume cookies
  // live under /interaction/<uid> and /authorize/<uid>, so they get `__Secure-` (RFC 6265bis §4.1.3).
  /** True, or `invalid_client` saying which rule refused the document URL (MCP AS5). */
  const allowedByHostPolicy = (clientId: string): true => {
    const verdict = checkMetadataDocumentUrl(clientId, options.metadataDocuments);
    if (!verdict.allowed) throw new errors.InvalidClient(verdict.reason);
    return true;
  };
  const hostPrefix = options.secureCookies ? '__Host-' : '';
  const securePrefix = options.secureCookies ? '__Secure-' : '';

  return {
    adapter: options.adapter,
    clients: options.staticClients ?? [],
    jwks: options.signingKeys,
    cookies: {
      keys: options.cookieKeys,
      names: {
        session: `${hostPrefix}mcpb.session`,
        interaction: `${securePrefix}mcpb.interaction`,
        resume: `${securePrefix}mcpb.resume`,
      },
      // SameSite=Lax, HttpOnly, signed; Secure follows the request scheme (MCP AS11). Short-lived
      // cookies keep oidc-provider's per-interaction paths, so two sign-ins in two tabs do not collide.
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    routes: {
      authorization: '/authorize',
      token: '/token',
      registration: '/register',
      revocation: '/revoke',
      introspection: '/introspect',
      jwks: '/jwks',
      userinfo: '/userinfo',
      end_session: '/logout',
    },
    scopes: [...SUPPORTED_SCOPES],
    // `profile` and `email` are deliberately not scopes here: mcp-remote asks `openid email profile`,
    // and an unknown scope is ignored where a known one would need its own consent (interop rules 5, 21).
    claims: {
      openid: ['sub', 'name', 'preferred_username'],
    },
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: options.signingAlgorithm,
    },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    // RFC 7636 + OAuth 2.1: every client, public or confidential, uses PKCE (S256 only in oidc-provider 9).
    pkce: { required: () => true },
    extraClientMetadata: {
      // RFC 7591 §2 fields some clients send (mcp-remote: software_id); kept, not interpreted.
      properties: ['software_id', 'software_version'],
      // The validator runs once per listed property, before oidc-provider's own checks; the policy is
      // applied on `software_id` so it runs once per client (DCR, CIMD and clients loaded from the
      // store). Keep `software_id` in this list: without it the policy would silently not run.
      validator(_ctx, key, _value, metadata) {
        if (key !== 'software_id') return;
        // A CIMD client is built again from its cached document on every request, so the request
        // decides how it authenticates (interop rule 16): with its client_assertion when it sends one.
        const params = (Provider.ctx as KoaContextWithOIDC | undefined)?.oidc?.params;
        applyClientRegistrationPolicy(metadata as Record<string, unknown>, { clientAssertionSent: Boolean(params?.client_assertion) });
      },
    },
    fetch: options.fetch,
    fetchResponseBodyLimits: {
      'client_id metadata document': METADATA_DOCUMENT_MAX_BYTES,
      jwks_uri: CLIENT_JWKS_MAX_BYTES,
      sector_identifier_uri: CLIENT_JWKS_MAX_BYTES,
    },
    features: {
      devInteractions: { enabled: false },
      // An https `client_id` names its own metadata document (draft-ietf-oauth-client-id-metadata-document;
      // MCP 2025-11-25 "Client ID Metadata Documents"). oidc-provider fetches, validates and caches it;
      // we choose which hosts may be fetched and what a document must contain.
      clientIdMetadataDocument: {
        enabled: options.metadataDocuments.enabled,
        ack: 'draft-02',
        cacheDuration: { ...METADATA_DOCUMENT_CACHE_SECONDS },
        allowFetch: async (_ctx, clientId) => allowedByHostPolicy(clientId),
        // Host lists apply to cached documents too (an operator may have changed them since).
        allowClient: async (_ctx, client) => allowedByHostPolicy(client.clientId),
      },
      registration: {
        enabled: true,
        initialAccessToken: false, // open DCR (MCP AS6)
        // Registration management (RFC 7592) is off, so a registration access token would be useless.
        issueRegistrationAccessToken: false,
      },
      registrationManagement: { enabled: false },
      // A client may revoke (RFC 7009 §2.1) and introspect (RFC 7662 §2.1) only tokens issued to itself;
      // introspection needs an authenticated (confidential) client.
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => client.clientAuthMethod !== 'none' && token.clientId === client.clientId,
      },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // PAR would bypass the default-scope and resource policies applied to /authorize; no MCP client uses it.
      pushedAuthorizationRequests: { enabled: false },
      claimsParameter: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` gets the MCP server (interop rule 8).
        defaultResource: async () => resourceUrl,
        // Refresh and code exchange without `resource` keep the granted one (Codex omits it on refresh).
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (canonicalResource(resourceIndicator) !== canonicalServed) {
            throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}; this server issues tokens for ${resourceUrl} only`);
          }
          return {
            scope: RESOURCE_SCOPE_LIST,
            audience: resourceUrl,
            accessTokenTTL: options.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: options.signingAlgorithm } },
          };
        },
      },
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      Grant: options.refreshTokenTtlSeconds,
      RefreshToken: options.refreshTokenTtlSeconds,
      IdToken: 3600,
    },
    // Refresh tokens whether or not the client asked `offline_access` (interop rule 9), rotated on
    // every use (MCP AS7; OAuth 2.1 §4.3.1), not tied to the browser session.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: async () => false,
    async extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = await options.accounts.find(token.accountId);
      if (!account) throw new errors.InvalidGrant('the account of this grant no longer exists');
      return {
        oid: account.objectId,
        tid: account.tenantId,
        // Lets the resource server check that the grant was not revoked since (JWT access tokens
        // cannot be revoked one by one).
        ...(token.grantId ? { grant_id: token.grantId } : {}),
        ...(account.name ? { name: account.name } : {}),
        ...(account.username ? { preferred_username: account.username } : {}),
      };
    },
    async findAccount(_ctx, sub) {
      const account = await options.accounts.find(sub);
      if (!account) return undefined;
      return {
        accountId: account.accountId,
        async claims() {
          return {
            sub: account.accountId,
            ...(account.name ? { name: account.name } : {}),
            ...(account.username ? { preferred_username: account.username } : {}),
          };
        },
      };
    },
    // CORS on /token, /revoke, /introspect for browser-based clients (MCP Inspector direct mode;
    // interop rule 11): any origin, since PKCE and client authentication protect these endpoints.
    clientBasedCORS: () => true,
    interactions: {
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: options.renderError,
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256', 'RS256', 'PS256', 'EdDSA'],
    },
  };
}
