import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createAuthzApp, UPSTREAM_CALLBACK_PATH } from '@mcp-bridge/authz-server';
import type { BridgeConfig } from '@mcp-bridge/config';
import { createEntraUpstream } from '@mcp-bridge/entra-upstream';
import { startEntraSimulator, type EntraSimulator } from '@mcp-bridge/entra-simulator';
import type { Logger } from '@mcp-bridge/logger';
import { createMcpApp } from '@mcp-bridge/mcp-server';
import { createGrantStatusReader, openCosmosStore, startEmbeddedCosmos } from '@mcp-bridge/store-cosmos';
import type { GuardedFetch } from '@mcp-bridge/outbound-fetch';
import { listen } from './listen.ts';

/** The whole bridge in one process: store, upstream, authorization server and MCP server. */
export interface Stack {
  /** Our OAuth issuer, e.g. `http://localhost:9000`. */
  issuer: string;
  /** The MCP server URL clients are configured with. */
  resourceUrl: string;
  /** The dev Entra simulator, when it is in use. */
  entra?: EntraSimulator;
  /** Cosmos endpoint in use (the embedded server's when none was configured). */
  cosmosEndpoint: string;
  close(): Promise<void>;
}

export interface StartStackOptions {
  config: Readonly<BridgeConfig>;
  logger: Logger;
  /**
   * Overrides the configured ports (tests pass 0 for all three). The public URLs are then
   * `http://localhost:<bound port>`.
   */
  ports?: { authz: number; mcp: number; entra: number };
  /**
   * TEST ONLY: how the authorization server fetches Client ID Metadata Documents (tests serve them from
   * a local HTTPS server, which the production guard refuses). Never set by `main.ts`.
   */
  dangerouslyFetchMetadataWith?: GuardedFetch;
}

/**
 * Starts every part of the bridge. With dev shortcuts in the config it also starts the in-memory
 * Cosmos-compatible server and the dev Entra simulator; otherwise it uses the configured ones.
 *
 * @example
 * const stack = await startStack({ config: loadConfig(env), logger, ports: { authz: 0, mcp: 0, entra: 0 } });
 */
export async function startStack(options: StartStackOptions): Promise<Stack> {
  const { config, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error) => logger.warn({ err: error }, 'close failed'));
  };
  try {
    let cosmos: { endpoint: string; key: string };
    if (config.cosmos.mode === 'embedded') {
      const embedded = await startEmbeddedCosmos({ logger });
      closers.push(() => embedded.close());
      cosmos = embedded;
    } else {
      cosmos = config.cosmos;
    }
    const store = await openCosmosStore({ ...cosmos, databaseId: config.cosmos.databaseId, logger });
    closers.push(() => store.close());

    const authzServer = await listen(options.ports?.authz ?? config.authz.port, config.authz.host);
    closers.push(() => authzServer.close());
    const mcpServer = await listen(options.ports?.mcp ?? config.mcp.port, config.mcp.host);
    closers.push(() => mcpServer.close());

    const issuer = options.ports ? `http://localhost:${authzServer.port}` : config.authz.issuer;
    const resourceUrl = options.ports
      ? `http://localhost:${mcpServer.port}${new URL(config.mcp.resourceUrl).pathname}`
      : config.mcp.resourceUrl;
    const redirectUri = `${issuer}${UPSTREAM_CALLBACK_PATH}`;

    let entra: EntraSimulator | undefined;
    let upstream;
    if (config.entra.mode === 'dev') {
      const clientId = 'mcp-auth-bridge-dev';
      const clientSecret = randomBytes(24).toString('base64url');
      entra = await startEntraSimulator({
        host: config.authz.host,
        port: options.ports?.entra ?? config.entra.port,
        clients: [{ clientId, clientSecret, redirectUris: [redirectUri] }],
        // Tests get a fresh CA in memory; `start` keeps one on disk so a trusted CA stays valid.
        ...(options.ports ? {} : { certDir: join(config.dataDir, 'dev-entra') }),
        logger,
      });
      closers.push(() => entra!.close());
      upstream = createEntraUpstream({
        authorityHost: entra.origin,
        tenantId: entra.tenantId,
        clientId,
        clientSecret,
        redirectUri,
        scopes: config.entra.scopes,
        caCertPem: entra.caCertPem,
        logger,
      });
    } else {
      upstream = createEntraUpstream({
        authorityHost: config.entra.authorityHost,
        tenantId: config.entra.tenantId,
        clientId: config.entra.clientId,
        clientSecret: config.entra.clientSecret,
        redirectUri,
        scopes: config.entra.scopes,
        ...(config.entra.allowedTenants.length ? { allowedTenantIds: config.entra.allowedTenants } : {}),
        logger,
      });
    }

    const authz = await createAuthzApp({
      issuer,
      resourceUrl,
      store,
      upstream,
      logger: logger.child({ app: 'authz-server' }),
      ...(config.keys.signingJwks ? { signingJwks: config.keys.signingJwks } : {}),
      ...(config.keys.signingKeyPem ? { signingKeyPem: config.keys.signingKeyPem } : {}),
      ...(config.keys.cookieKeys ? { cookieKeys: config.keys.cookieKeys } : {}),
      accessTokenTtlSeconds: config.tokens.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.tokens.refreshTokenTtlSeconds,
      metadataDocuments: config.metadataDocuments,
      preregisteredClients: config.preregisteredClients,
      ...(options.dangerouslyFetchMetadataWith ? { dangerouslyFetchMetadataWith: options.dangerouslyFetchMetadataWith } : {}),
    });
    authzServer.attach(authz.handler);

    const mcp = await createMcpApp({
      resourceUrl,
      issuer,
      database: store.database,
      allowedOrigins: config.mcp.allowedOrigins,
      grants: createGrantStatusReader({ database: store.database, cacheSeconds: config.mcp.revocationCacheSeconds }),
      logger: logger.child({ app: 'mcp-server' }),
    });
    closers.push(() => mcp.close());
    mcpServer.attach(mcp.handler);

    return { issuer, resourceUrl, ...(entra ? { entra } : {}), cosmosEndpoint: cosmos.endpoint, close };
  } catch (error) {
    await close();
    throw error;
  }
}
