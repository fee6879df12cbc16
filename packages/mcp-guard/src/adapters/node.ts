import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateRequest, type AuthenticateRequestOptions, type GuardFailure } from '../authenticate-request.ts';
import type { AuthInfo } from '../verify-token.ts';

/** Node `http` request as seen by the MCP SDK: `auth` is where `StreamableHTTPServerTransport` reads the verified token. */
export type AuthenticatedIncomingMessage = IncomingMessage & { auth?: AuthInfo };

/**
 * A bearer guard for `node:http` servers: resolves to the verified {@link AuthInfo} (also set as
 * `req.auth` for the MCP SDK transport) or, having already answered the request, to `undefined`.
 */
export type NodeBearerGuard = (
  req: IncomingMessage,
  res: ServerResponse,
  requiredScopes?: readonly string[],
) => Promise<AuthInfo | undefined>;

/**
 * Creates a {@link NodeBearerGuard} from {@link authenticateRequest}'s options.
 *
 * @example
 * const guard = createNodeBearerGuard({ verifier, resourceMetadataUrl, scopes: ['mcp:read', 'mcp:write'] });
 * http.createServer(async (req, res) => {
 *   const auth = await guard(req, res, ['mcp:read']);
 *   if (!auth) return; // 400/401/403/503 already sent
 *   await transport.handleRequest(req, res);
 * });
 */
export function createNodeBearerGuard(
  options: AuthenticateRequestOptions & {
    /** Told of every refusal before it is sent (for logs: the failure never holds the token). */
    onRefused?: (failure: GuardFailure) => void;
  },
): NodeBearerGuard {
  const { onRefused, ...authOptions } = options;
  return async (req, res, requiredScopes) => {
    const result = await authenticateRequest(
      { headers: req.headers, url: req.url ?? '/' },
      requiredScopes === undefined ? authOptions : { ...authOptions, requiredScopes },
    );
    if (!result.ok) {
      onRefused?.(result);
      sendGuardFailure(res, result);
      return undefined;
    }
    (req as AuthenticatedIncomingMessage).auth = result.auth;
    return result.auth;
  };
}

/**
 * Writes a {@link GuardFailure} (status, `WWW-Authenticate`, JSON body) to a Node response.
 *
 * @example
 * const failure = insufficientScope(auth, ['mcp:write'], { resourceMetadataUrl });
 * if (failure) return sendGuardFailure(res, failure);
 */
export function sendGuardFailure(res: ServerResponse, failure: GuardFailure): void {
  const body = JSON.stringify(failure.body);
  res.writeHead(failure.status, { ...failure.headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
