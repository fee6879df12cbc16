import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import Koa, { type Context } from 'koa';
import { silentLogger, type Logger } from '@mcp-bridge/logger';
import { generateTlsMaterial, loadOrCreateTlsMaterial } from './internal/certificates.ts';
import { DEFAULT_TENANT_ID, DEFAULT_USERS, deriveObjectId } from './internal/defaults.ts';
import { EntraError, errorBody, traceIds } from './internal/entra-error.ts';
import { ExpiringMap } from './internal/expiring-map.ts';
import { noStore } from './internal/http.ts';
import { authorize, logout, submitSignIn } from './internal/routes/authorize.ts';
import { instanceDiscovery, keySet, openIdConfiguration } from './internal/routes/discovery.ts';
import { token } from './internal/routes/token.ts';
import { loadOrCreateSigningKey } from './internal/signing-key.ts';
import type { RegisteredClient, SimulatedUser, SimulatorState } from './internal/simulator-state.ts';

/** A user the simulator lets sign in (no password: typing the username is enough). */
export interface EntraSimulatorUser {
  /** Sign-in name, returned as `preferred_username`. */
  username: string;
  /** Display name, returned as `name`. */
  name: string;
  /** Object id (`oid`); derived from tenant and username when omitted, so it is stable. */
  oid?: string;
}

/** An app registration of the simulated tenant (a confidential web application). */
export interface EntraSimulatorClient {
  clientId: string;
  clientSecret: string;
  /** Exact-match redirect URIs, like Entra's "Web" platform redirect URIs. */
  redirectUris: string[];
}

/** Options of {@link startEntraSimulator}. */
export interface EntraSimulatorOptions {
  /** Interface to listen on; default `127.0.0.1`. The public hostname is always `localhost`. */
  host?: string;
  /** Port to listen on; `0` picks a free one (tests). */
  port?: number;
  /** Tenant id (GUID); default {@link DEFAULT_TENANT_ID}. */
  tenantId?: string;
  /** Users of the tenant; default alice@contoso.dev and bob@contoso.dev ({@link DEFAULT_USERS}). */
  users?: EntraSimulatorUser[];
  /** App registrations. */
  clients: EntraSimulatorClient[];
  /**
   * Directory for the dev CA, the server certificate and the token signing key. They are created
   * on first start and reused afterwards, so a CA trusted once stays trusted. Without it everything
   * is generated in memory for this run only.
   */
  certDir?: string;
  /** Logger; the simulator logs through a `{ pkg: 'entra-simulator' }` child. */
  logger?: Logger;
  /** Clock in epoch milliseconds; tests move it to expire codes. Default `Date.now`. */
  clock?: () => number;
}

/** A running simulator. */
export interface EntraSimulator {
  /** `https://localhost:PORT` */
  origin: string;
  tenantId: string;
  /** `https://localhost:PORT/<tenantId>`: what MSAL is configured with. */
  authority: string;
  /** `https://localhost:PORT/<tenantId>/v2.0`: the `iss` of v2.0 tokens. */
  issuer: string;
  /** PEM of the CA that signed the HTTPS certificate; clients must trust it. */
  caCertPem: string;
  /** The users of the tenant, with their object ids. */
  users: ReadonlyArray<Required<EntraSimulatorUser>>;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkOptions(options: EntraSimulatorOptions, tenantId: string): Map<string, RegisteredClient> {
  if (!GUID.test(tenantId)) throw new TypeError(`entra-simulator: tenantId must be a GUID, got '${tenantId}'`);
  const clients = new Map<string, RegisteredClient>();
  for (const client of options.clients) {
    if (client.clientId === '' || client.clientSecret === '') {
      throw new TypeError('entra-simulator: every client needs a clientId and a clientSecret');
    }
    if (clients.has(client.clientId)) throw new TypeError(`entra-simulator: duplicate clientId '${client.clientId}'`);
    for (const uri of client.redirectUris) {
      if (!URL.canParse(uri) || new URL(uri).hash !== '') {
        throw new TypeError(`entra-simulator: redirect URI '${uri}' of '${client.clientId}' is not an absolute URL without fragment`);
      }
    }
    clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }
  return clients;
}

function sendJson(ctx: Context, state: SimulatorState, produce: () => Record<string, unknown>): void;
function sendJson(ctx: Context, state: SimulatorState, produce: () => Promise<Record<string, unknown>>): Promise<void>;
function sendJson(
  ctx: Context,
  state: SimulatorState,
  produce: () => Record<string, unknown> | Promise<Record<string, unknown>>,
): void | Promise<void> {
  const fail = (err: unknown): void => {
    if (!(err instanceof EntraError)) throw err;
    state.logger.info({ path: ctx.path, aadsts: err.aadsts, error: err.error }, 'request rejected');
    ctx.status = err.status;
    ctx.body = errorBody(err, traceIds(ctx.get('client-request-id') || undefined, new Date(state.now())));
  };
  try {
    const result = produce();
    if (result instanceof Promise) {
      return result.then((body) => {
        ctx.body = body;
      }, fail);
    }
    ctx.body = result;
  } catch (err) {
    fail(err);
  }
}

function routes(state: SimulatorState): Koa.Middleware {
  return async (ctx) => {
    const path = ctx.path;
    const method = ctx.method;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/common/discovery/instance') {
      return sendJson(ctx, state, () => instanceDiscovery(state, ctx.URL.searchParams.get('authorization_endpoint')));
    }
    if (method === 'GET' && (m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path))) {
      const tenant = m[1] ?? '';
      return sendJson(ctx, state, () => openIdConfiguration(state, tenant));
    }
    if (method === 'GET' && (m = /^\/([^/]+)\/discovery\/v2\.0\/keys$/.exec(path))) {
      const tenant = m[1] ?? '';
      return sendJson(ctx, state, () => keySet(state, tenant));
    }
    if (method === 'GET' && (m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(path))) {
      return authorize(ctx, state, m[1] ?? '');
    }
    if (method === 'POST' && (m = /^\/([^/]+)\/login$/.exec(path))) {
      return submitSignIn(ctx, state, m[1] ?? '');
    }
    if (method === 'POST' && (m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path))) {
      const tenant = m[1] ?? '';
      noStore(ctx);
      return sendJson(ctx, state, () => token(ctx, state, tenant));
    }
    if (method === 'GET' && (m = /^\/([^/]+)\/oauth2\/v2\.0\/logout$/.exec(path))) {
      return logout(ctx, state, m[1] ?? '');
    }
    ctx.status = 404;
    ctx.body = { error: 'not_found', error_description: `No simulated Entra endpoint at ${method} ${path}.` };
  };
}

/**
 * Starts a development stand-in for Microsoft Entra ID that speaks Entra's v2.0 protocol over
 * HTTPS: discovery, keys, authorize (with a username-only sign-in page), token (authorization
 * code with PKCE, refresh token) and logout, with Entra's AADSTS error shapes. MSAL node accepts
 * it when configured with `knownAuthorities: [new URL(sim.origin).host]`.
 *
 * @example
 * const sim = await startEntraSimulator({
 *   port: 0,
 *   clients: [{ clientId: 'bridge', clientSecret: 's3cret', redirectUris: ['http://localhost:3000/callback'] }],
 * });
 * // MSAL: authority sim.authority, knownAuthorities [new URL(sim.origin).host], trust sim.caCertPem
 * await sim.close();
 *
 * @example
 * // `start` on a laptop: a fixed port and a CA that survives restarts
 * const sim = await startEntraSimulator({ port: 9443, certDir: '.dev/entra', clients });
 */
export async function startEntraSimulator(options: EntraSimulatorOptions): Promise<EntraSimulator> {
  const tenantId = (options.tenantId ?? DEFAULT_TENANT_ID).toLowerCase();
  const clients = checkOptions(options, tenantId);
  const users: SimulatedUser[] = (options.users ?? DEFAULT_USERS).map((u) => ({
    username: u.username,
    name: u.name,
    oid: u.oid ?? deriveObjectId(tenantId, u.username),
  }));
  const logger = (options.logger ?? silentLogger).child({ pkg: 'entra-simulator' });
  const now = options.clock ?? Date.now;
  const tls = options.certDir === undefined ? generateTlsMaterial() : await loadOrCreateTlsMaterial(options.certDir);
  const signingKey = await loadOrCreateSigningKey(options.certDir);

  const app = new Koa();
  app.proxy = false;
  const state: SimulatorState = {
    origin: '', // set once the port is known
    tenantId,
    users,
    clients,
    signingKey,
    now,
    logger,
    pending: new ExpiringMap(now),
    codes: new ExpiringMap(now, 3600 * 1000),
    refreshTokens: new ExpiringMap(now),
    sessions: new ExpiringMap(now),
  };
  app.use(async (ctx, next) => {
    const started = performance.now();
    await next();
    logger.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use(routes(state));
  app.on('error', (err: unknown) => logger.error({ err }, 'entra-simulator request failed'));

  const server: Server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  state.origin = `https://localhost:${port}`;
  logger.info({ origin: state.origin, tenantId }, 'Entra simulator listening');

  return {
    origin: state.origin,
    tenantId,
    authority: `${state.origin}/${tenantId}`,
    issuer: `${state.origin}/${tenantId}/v2.0`,
    caCertPem: tls.caCertPem,
    users: users.map((u) => ({ ...u })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
