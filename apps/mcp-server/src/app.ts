import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@azure/cosmos';
import type { AuthInfo as SdkAuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger, type Logger } from '@mcp-bridge/logger';
import {
  createNodeBearerGuard,
  createTokenVerifier,
  insufficientScope,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  sendGuardFailure,
  type TokenVerifier,
} from '@mcp-bridge/mcp-guard';
import { openExpenseStore } from './expenses/expense-store.ts';
import { isAllowedOrigin, normalizeOrigins } from './internal/origin.ts';
import { readJsonBody } from './internal/read-json-body.ts';
import { SessionRegistry } from './internal/session-registry.ts';
import { sessionOwnerOf } from './internal/user.ts';
import { MCP_SCOPES, requiredScopesFor } from './scopes.ts';
import { createMcpServer } from './tools/create-mcp-server.ts';

/** Root form of the RFC 9728 well-known path. */
const ROOT_METADATA_PATH = '/.well-known/oauth-protected-resource';
/** How often idle sessions are swept. */
const SESSION_SWEEP_INTERVAL_MS = 60_000;

/** Options of {@link createMcpApp}. */
export interface McpAppOptions {
  /** The MCP URL users configure, e.g. `http://localhost:9100/mcp`; its path is where MCP is served and it is the tokens' `aud`. */
  resourceUrl: string;
  /** Issuer of the bridge's authorization server, exactly as in its metadata (no trailing slash added or removed). */
  issuer: string;
  /** JWKS of the issuer; default `${issuer}/jwks`. */
  jwksUri?: string;
  /** Cosmos database holding the `expenses` container. */
  database: Database;
  /** Browser origins allowed besides the server's own (RS8). */
  allowedOrigins?: string[];
  logger?: Logger;
  /**
   * Serves MCP without any authentication, as a fixed anonymous user. Only for the MCP conformance
   * suite and local experiments; logs a warning at startup.
   */
  dangerouslyDisableAuth?: boolean;
  /** Fetch used for the JWKS. */
  fetch?: typeof fetch;
  /**
   * Whether the grant behind a token (its `grant_id` claim) still exists. With it, a revoked grant
   * stops working at once (within the reader's cache window) instead of at token expiry; a token
   * without `grant_id` is then refused. The bridge always passes one (`createGrantStatusReader`).
   */
  grants?: { isActive(grantId: string): Promise<boolean> };
}

/** The MCP resource server as a `node:http` request handler. */
export interface McpApp {
  /** Serves the metadata, `/mcp` and 404s; never throws (failures become 500 `server_error`). */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Closes every MCP session; the caller closes its HTTP server. */
  close(): Promise<void>;
}

/** Checks the token's `grant_id` claim against the store; no claim, no access. */
function grantIsActive(grants: NonNullable<McpAppOptions['grants']>) {
  return async (claims: Record<string, unknown>): Promise<boolean> =>
    typeof claims.grant_id === 'string' && claims.grant_id.length > 0 && grants.isActive(claims.grant_id);
}

/** The user of every request when authentication is disabled. */
const ANONYMOUS_AUTH: SdkAuthInfo = {
  token: '',
  clientId: 'anonymous',
  scopes: [...MCP_SCOPES],
  extra: {
    subject: 'anonymous',
    tenantId: '00000000-0000-0000-0000-000000000000',
    objectId: '00000000-0000-0000-0000-000000000000',
    name: 'Anonymous (authentication disabled)',
    username: 'anonymous',
  },
};

/**
 * Creates the MCP resource server: RFC 9728 metadata at `/.well-known/oauth-protected-resource{path}`
 * and at the root, and streamable HTTP MCP at the resource path with every request authenticated by
 * `@mcp-bridge/mcp-guard`, tool scopes enforced as HTTP 403 `insufficient_scope` challenges, `Origin`
 * validated, and sessions bound to the user who opened them.
 *
 * @example
 * const server = http.createServer();
 * server.listen(9100);
 * const app = await createMcpApp({ resourceUrl: 'http://localhost:9100/mcp', issuer: 'http://localhost:9000', database });
 * server.on('request', app.handler);
 */
export async function createMcpApp(options: McpAppOptions): Promise<McpApp> {
  const logger = (options.logger ?? silentLogger).child({ pkg: 'mcp-server' });
  const resource = new URL(options.resourceUrl);
  if (resource.hash || resource.search) throw new TypeError('resourceUrl must not have a query or fragment (RFC 8707 §2)');
  const mcpPath = resource.pathname;
  const resourceMetadataUrl = protectedResourceMetadataUrl(options.resourceUrl);
  const metadataPath = new URL(resourceMetadataUrl).pathname;
  const metadataJson = JSON.stringify(protectedResourceMetadata({
    resource: options.resourceUrl,
    authorizationServers: [options.issuer],
    scopesSupported: [...MCP_SCOPES],
    resourceName: 'MCP Auth Bridge expenses',
  }));
  const ownOrigin = resource.origin;
  const allowedOrigins = normalizeOrigins(options.allowedOrigins ?? []);
  const disableAuth = options.dangerouslyDisableAuth === true;

  let verifier: TokenVerifier | undefined;
  if (disableAuth) {
    logger.warn(
      { resourceUrl: options.resourceUrl },
      'DANGER: MCP authentication is DISABLED (dangerouslyDisableAuth). Anyone who can reach this server acts as the anonymous user. Never run this outside local conformance testing.',
    );
  } else {
    verifier = createTokenVerifier({
      issuer: options.issuer,
      audience: options.resourceUrl,
      jwksUri: options.jwksUri ?? `${options.issuer}/jwks`,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.grants ? { isActive: grantIsActive(options.grants) } : {}),
    });
  }

  const expenses = await openExpenseStore(options.database);
  const sessions = new SessionRegistry();
  const sweeper = setInterval(() => void sessions.sweep(), SESSION_SWEEP_INTERVAL_MS);
  sweeper.unref();

  const guard = verifier
    ? createNodeBearerGuard({
        verifier,
        resourceMetadataUrl,
        scopes: MCP_SCOPES,
        onRefused(failure) {
          const cause = failure.error.cause as { code?: unknown; message?: unknown } | undefined;
          // Never the token or its claims: only what failed (RS9).
          logger[failure.status >= 500 ? 'error' : 'info'](
            { status: failure.status, error: failure.body.error, reason: failure.body.error_description, causeCode: cause?.code, causeMessage: cause?.message },
            'MCP request refused by the bearer guard',
          );
        },
      })
    : undefined;

  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<SdkAuthInfo | undefined> {
    return guard ? guard(req, res) : ANONYMOUS_AUTH;
  }

  async function serveMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = singleHeader(req, 'origin');
    if (!isAllowedOrigin(origin, ownOrigin, allowedOrigins)) {
      logger.warn({ origin }, 'MCP request from a foreign Origin refused');
      sendJson(res, 403, {
        error: 'access_denied',
        error_description: 'Requests from this Origin are not allowed (DNS rebinding protection). Call the MCP server from its own origin or add yours to the allowed origins.',
      });
      return;
    }
    if (origin !== undefined) {
      res.setHeader('access-control-allow-origin', new URL(origin).origin);
      res.setHeader('access-control-expose-headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate');
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'DELETE') {
      res.setHeader('allow', 'GET, POST, DELETE, OPTIONS');
      sendJsonRpcError(res, 405, -32000, 'Method not allowed.');
      return;
    }

    const auth = await authenticate(req, res);
    if (!auth) return;

    let body: unknown;
    if (req.method === 'POST') {
      const parsed = await readJsonBody(req);
      if (!parsed.ok) {
        if (parsed.reason === 'too_large') sendJsonRpcError(res, 413, -32000, 'Request body too large.');
        else sendJsonRpcError(res, 400, -32700, 'Parse error: Invalid JSON');
        return;
      }
      body = parsed.value;
    }

    const owner = sessionOwnerOf(auth);
    const sessionId = singleHeader(req, 'mcp-session-id');
    let transport: StreamableHTTPServerTransport;
    if (sessionId !== undefined) {
      const session = sessions.lookup(sessionId, owner);
      if (!session) {
        if (sessions.isOwnedByAnother(sessionId, owner)) {
          logger.warn({ owner }, 'MCP session of another user refused (answered as unknown)');
        }
        // Unknown and foreign sessions get the same answer: no oracle for valid session ids.
        sendJsonRpcError(res, 404, -32001, 'Session not found');
        return;
      }
      transport = session.transport;
    } else if (req.method === 'POST' && isInitializeRequest(body)) {
      transport = await openSession(owner);
    } else {
      sendJsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return;
    }

    if (req.method === 'POST' && !disableAuth) {
      const failure = insufficientScope(auth, requiredScopesFor(body), { resourceMetadataUrl });
      if (failure) {
        logger.info({ owner, error: failure.body.error, reason: failure.body.error_description }, 'MCP tool call refused for missing scope');
        sendGuardFailure(res, failure);
        return;
      }
    }

    (req as IncomingMessage & { auth?: SdkAuthInfo }).auth = auth;
    await transport.handleRequest(req, res, body);

    if (sessionId === undefined && transport.sessionId === undefined) {
      // The initialize request failed: nothing was registered, release the server.
      await transport.close();
    }
  }

  async function openSession(owner: string): Promise<StreamableHTTPServerTransport> {
    const server = createMcpServer({ expenses, logger });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      // RS8: session ids from a CSPRNG (crypto.randomUUID), bound to `owner` below.
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.add({ id, owner, transport, server, lastSeenMs: Date.now() });
        logger.debug({ owner }, 'MCP session opened');
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
        logger.debug({ owner }, 'MCP session closed by the client');
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  }

  function serveMetadata(req: IncomingMessage, res: ServerResponse): void {
    const cors = { 'access-control-allow-origin': '*' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type, Mcp-Protocol-Version',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, OPTIONS');
      sendJson(res, 405, { error: 'invalid_request', error_description: 'Use GET to read the protected resource metadata.' }, cors);
      return;
    }
    res.writeHead(200, {
      ...cors,
      'content-type': 'application/json',
      'cache-control': 'public, max-age=300',
      'content-length': Buffer.byteLength(metadataJson),
    });
    res.end(req.method === 'HEAD' ? undefined : metadataJson);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = URL.canParse(req.url ?? '/', ownOrigin) ? new URL(req.url ?? '/', ownOrigin).pathname : undefined;
    if (path === undefined) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'The request target is not a valid URL path.' });
      return;
    }
    if (path === metadataPath || path === ROOT_METADATA_PATH) return serveMetadata(req, res);
    if (path === mcpPath) return serveMcp(req, res);
    sendJson(res, 404, { error: 'not_found', error_description: `There is nothing at ${path}. The MCP endpoint is ${options.resourceUrl}.` });
  }

  return {
    handler(req, res) {
      route(req, res).catch((err: unknown) => {
        logger.error({ err }, 'MCP request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'The MCP server failed to handle the request. Try again.' });
        else res.destroy();
      });
    },
    async close() {
      clearInterval(sweeper);
      await sessions.closeAll();
    },
  };
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The JSON-RPC error shape the SDK transport itself answers with (clients parse it). */
function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}
