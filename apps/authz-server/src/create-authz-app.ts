import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type Adapter, type ClientMetadata } from 'oidc-provider';
import {
  CLIENT_JWKS_MAX_BYTES,
  METADATA_DOCUMENT_CACHE_SECONDS,
  createProviderConfiguration,
  preregisteredClientMetadata,
  type MetadataDocumentPolicy,
  type PreregisteredClient,
  type UpstreamIdp,
} from '@mcp-bridge/authz-core';
import { createGuardedFetch, type GuardedFetch } from '@mcp-bridge/outbound-fetch';
import type { Logger } from '@mcp-bridge/logger';
import { interactionRoutes, type AccountWriter, type ConsentRegistry } from './interactions/routes.ts';
import { UpstreamLoginStore } from './interactions/upstream-login.ts';
import { resolveKeys, type SecretRegistry } from './keys.ts';
import {
  authorizationRequestPolicy,
  healthCheck,
  noErrorRedirectsFromAuthorize,
  openCors,
  requestLog,
  securityHeaders,
  tokenRequestPolicy,
} from './middleware.ts';
import { renderErrorPage } from './pages.ts';
import { withResponseCache } from './cached-fetch.ts';
import { subscribeProviderEvents } from './events.ts';
import { KeyBoundGrants, keyBoundGrantPolicy } from './key-bound-grants.ts';

/** The path of the one upstream callback URL registered at Entra. */
export const UPSTREAM_CALLBACK_PATH = '/callback/entra';

/** What the authorization server needs from the store (implemented by `@mcp-bridge/store-cosmos`). */
export interface AuthzStore {
  adapter: new (name: string) => Adapter;
  accounts: AccountWriter;
  consents: ConsentRegistry;
  secrets: SecretRegistry;
  health(): Promise<void>;
}

export interface AuthzAppOptions {
  /** Our issuer: an origin root, e.g. `http://localhost:9000`. */
  issuer: string;
  /** The MCP server URL; the audience of our access tokens. */
  resourceUrl: string;
  store: AuthzStore;
  upstream: UpstreamIdp;
  logger: Logger;
  /** Private JWKS; the first key signs. Generated and kept in the store when neither this nor a PEM is given. */
  signingJwks?: { keys: Record<string, unknown>[] };
  /** One PEM private key (EC P-256, RSA or Ed25519). */
  signingKeyPem?: string;
  cookieKeys?: string[];
  /** From `ACCESS_TOKEN_TTL_SECONDS` (docs/configuration.md). */
  accessTokenTtlSeconds: number;
  /** From `REFRESH_TOKEN_TTL_SECONDS`. */
  refreshTokenTtlSeconds: number;
  /** Clients people paste an id of (`PREREGISTERED_CLIENTS`). */
  preregisteredClients?: readonly PreregisteredClient[];
  /** Client ID Metadata Documents (`CIMD_*`); defaults to enabled for any public host, none trusted. */
  metadataDocuments?: MetadataDocumentPolicy;
  /**
   * TEST ONLY: replaces the outbound fetch for metadata documents, so that tests can serve them from a
   * local HTTPS server. Production always uses `@mcp-bridge/outbound-fetch`'s guard, which refuses
   * loopback, private and other special-use addresses.
   */
  dangerouslyFetchMetadataWith?: GuardedFetch;
}

/** Deadline of one outbound fetch (a metadata document or a client's JWKS; MCP AS5). */
export const OUTBOUND_FETCH_TIMEOUT_MS = 2500;

const DEFAULT_METADATA_DOCUMENT_POLICY: MetadataDocumentPolicy = { enabled: true, allowedHosts: [], deniedHosts: [], trustedHosts: [] };

export interface AuthzApp {
  provider: Provider;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Builds the authorization server: oidc-provider configured by `@mcp-bridge/authz-core`, plus our
 * consent and upstream pages. Listening is the caller's job (tests listen on port 0 first).
 *
 * @example
 * const server = http.createServer(); server.listen(0);
 * const { handler } = await createAuthzApp({ issuer: `http://localhost:${port}`, … });
 * server.on('request', handler);
 */
export async function createAuthzApp(options: AuthzAppOptions): Promise<AuthzApp> {
  const { store, logger, upstream } = options;
  const keys = await resolveKeys(store.secrets, {
    ...(options.signingJwks ? { signingJwks: options.signingJwks } : {}),
    ...(options.signingKeyPem ? { signingKeyPem: options.signingKeyPem } : {}),
    ...(options.cookieKeys ? { cookieKeys: options.cookieKeys } : {}),
  });
  const secure = new URL(options.issuer).protocol === 'https:';
  const upstreamName = upstream.displayName;
  const metadataDocuments = options.metadataDocuments ?? DEFAULT_METADATA_DOCUMENT_POLICY;

  const configuration = createProviderConfiguration({
    resourceUrl: options.resourceUrl,
    adapter: store.adapter,
    signingKeys: keys.signingKeys,
    signingAlgorithm: keys.signingAlgorithm,
    cookieKeys: keys.cookieKeys,
    secureCookies: secure,
    accounts: store.accounts,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds,
    staticClients: (options.preregisteredClients ?? []).map(preregisteredClientMetadata),
    metadataDocuments,
    fetch: withResponseCache(
      options.dangerouslyFetchMetadataWith ?? createGuardedFetch({ timeoutMs: OUTBOUND_FETCH_TIMEOUT_MS, maxResponseBytes: CLIENT_JWKS_MAX_BYTES }),
      {
        minSeconds: METADATA_DOCUMENT_CACHE_SECONDS.min,
        maxSeconds: METADATA_DOCUMENT_CACHE_SECONDS.max,
        maxEntries: 500,
        // Metadata documents (fetched with redirect: 'manual') are cached by oidc-provider once they
        // validate; caching them here too would keep an invalid one after it was fixed (A27). Key sets
        // (jwks_uri) are not kept by oidc-provider across requests for a metadata-document client.
        cacheable: (_url, init) => init?.redirect !== 'manual',
      },
    ),
    async renderError(ctx, out, error) {
      const code = String(out.error ?? 'server_error');
      const status = (error as { status?: number }).status ?? (code === 'server_error' ? 500 : 400);
      await renderErrorPage(ctx as never, { status, code, description: out.error_description as string | undefined, upstreamName });
    },
  });

  const provider = new Provider(options.issuer, configuration);
  // Behind a TLS-terminating load balancer the scheme comes from X-Forwarded-Proto.
  provider.proxy = secure;
  await assertValidPreregisteredClients(provider, configuration.clients ?? []);
  subscribeProviderEvents(provider, logger);

  const csrfKey = createHmac('sha256', keys.cookieKeys[0]!).update('consent-csrf').digest();
  provider.use(requestLog(logger));
  provider.use(securityHeaders);
  provider.use(healthCheck('/healthz', () => store.health(), logger));
  provider.use(openCors('/register', ['POST']));
  provider.use(noErrorRedirectsFromAuthorize('/authorize', options.issuer, upstreamName));
  provider.use(authorizationRequestPolicy('/authorize', options.resourceUrl));
  provider.use(tokenRequestPolicy('/token', options.resourceUrl));
  provider.use(keyBoundGrantPolicy('/token', provider, new KeyBoundGrants(store.adapter, options.refreshTokenTtlSeconds)));
  provider.use(
    interactionRoutes({
      provider,
      upstream,
      upstreamLogins: new UpstreamLoginStore(store.adapter),
      consents: store.consents,
      accounts: store.accounts,
      resourceUrl: options.resourceUrl,
      csrfKey,
      issuer: options.issuer,
      callbackPath: UPSTREAM_CALLBACK_PATH,
      trustedMetadataHosts: metadataDocuments.trustedHosts,
      preregisteredClientIds: new Set((options.preregisteredClients ?? []).map((client) => client.clientId)),
      logger,
    }),
  );

  return { provider, handler: provider.callback() };
}

/**
 * oidc-provider checks configured clients only when they are first used; a bad redirect URI would then
 * surface as an error page blaming the application. Check them all at start, with the registration
 * policy, and report every problem at once.
 */
async function assertValidPreregisteredClients(provider: Provider, clients: readonly ClientMetadata[]): Promise<void> {
  const problems: string[] = [];
  for (const client of clients) {
    try {
      await provider.Client.validate(structuredClone(client));
    } catch (error) {
      const { error_description: description, message } = error as { error_description?: string; message?: string };
      problems.push(`client ${client.client_id}: ${description ?? message}`);
    }
  }
  if (problems.length) throw new Error(`PREREGISTERED_CLIENTS: ${problems.join('; ')}`);
}
