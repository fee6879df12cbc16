import { bearerChallenge } from './bearer-challenge.ts';
import { GuardError, isGuardError } from './errors.ts';
import { requireScopes } from './require-scopes.ts';
import type { AuthInfo, TokenVerifier } from './verify-token.ts';

/** Header bag of a request: web `Headers` or Node's `IncomingHttpHeaders`. */
export type RequestHeaders = Headers | Record<string, string | string[] | undefined>;

/** The parts of an HTTP request the guard reads. */
export interface GuardRequest {
  headers: RequestHeaders;
  /** Absolute URL or origin-relative path with query (Node's `req.url`). */
  url: string;
}

/** Options of {@link authenticateRequest}. */
export interface AuthenticateRequestOptions {
  /** Verifies the bearer token. */
  verifier: TokenVerifier;
  /** This resource's RFC 9728 metadata URL, sent as `resource_metadata` in every challenge. */
  resourceMetadataUrl: string;
  /** Scopes offered in 401 challenges (RFC 6750 §3 `scope`), e.g. `['mcp:read', 'mcp:write']`. */
  scopes: readonly string[];
  /** Scopes every request must carry; a valid token lacking one gets 403 `insufficient_scope`. */
  requiredScopes?: readonly string[];
}

/** A request the guard refused: what to answer, web-framework agnostic. */
export interface GuardFailure {
  ok: false;
  /** 400, 401, 403, 500 or 503. */
  status: number;
  /** `WWW-Authenticate` (4xx), `Content-Type`, `Cache-Control`. */
  headers: Record<string, string>;
  /** RFC 6750 §3 / MCP SDK `OAuthErrorResponse` body: top-level string `error`. */
  body: { error: string; error_description: string };
  /** Log-only: the error, with the verification failure as its `cause`. */
  error: GuardError;
}

/** A request whose bearer token verified. */
export interface GuardSuccess {
  ok: true;
  auth: AuthInfo;
}

/** Outcome of {@link authenticateRequest}. */
export type AuthenticateResult = GuardSuccess | GuardFailure;

/** RFC 6750 §2.1 `b64token`. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_SCHEME = /^Bearer(?:\s|$)/i;

/**
 * The bearer gate of an MCP resource server (MCP authorization "Access Token Usage", RFC 6750):
 * - token only from `Authorization: Bearer` (§2.1); `?access_token=` is refused, never used (RS7);
 * - no token (or another auth scheme) → 401 with `resource_metadata` and `scope`, no error code (§3.1);
 * - malformed `Bearer` header → 400 `invalid_request`;
 * - token that fails verification → 401 `invalid_token`;
 * - valid token without `requiredScopes` → 403 `insufficient_scope`;
 * - issuer keys unreachable → 503 `temporarily_unavailable` (a valid token is never answered 401).
 *
 * @example
 * const result = await authenticateRequest({ headers: req.headers, url: req.url ?? '/' }, {
 *   verifier, resourceMetadataUrl, scopes: ['mcp:read', 'mcp:write'],
 * });
 * if (!result.ok) return reply(result.status, result.headers, result.body);
 * handle(result.auth);
 */
export async function authenticateRequest(request: GuardRequest, options: AuthenticateRequestOptions): Promise<AuthenticateResult> {
  if (queryHasAccessToken(request.url)) {
    return refuse(401, options, new GuardError(
      'invalid_request',
      'Access tokens are accepted only in the Authorization header (RFC 6750 section 2.1), never in the URL. Remove access_token from the query and send Authorization: Bearer <token>.',
      { status: 401 },
    ));
  }

  const header = readHeader(request.headers, 'authorization');
  if (header === undefined || header.trim() === '' || !BEARER_SCHEME.test(header.trim())) {
    return refuse(401, options, new GuardError(
      'invalid_token',
      'This resource requires an OAuth access token. Sign in with the authorization server named in the resource metadata and send Authorization: Bearer <token>.',
    ), { omitErrorInChallenge: true });
  }

  const match = BEARER.exec(header.trim());
  const token = match?.[1];
  if (token === undefined) {
    return refuse(400, options, new GuardError(
      'invalid_request',
      'The Authorization header is malformed: expected exactly "Bearer <token>" with one token.',
    ));
  }

  let auth: AuthInfo;
  try {
    auth = await options.verifier.verify(token);
  } catch (err) {
    const error = isGuardError(err)
      ? err
      : new GuardError('server_error', 'The access token could not be checked because of an internal error.', { cause: err });
    return refuse(error.status, options, error);
  }

  if (options.requiredScopes && options.requiredScopes.length > 0) {
    const failure = insufficientScope(auth, options.requiredScopes, options);
    if (failure) return failure;
  }
  return { ok: true, auth };
}

/**
 * The 403 `insufficient_scope` answer (RFC 6750 §3.1, MCP "Scope Challenge Handling") when `auth`
 * lacks any of `needed`; `undefined` when every scope is granted. The challenge's `scope` lists the
 * needed scopes plus those already granted, so re-authorizing with it loses nothing.
 *
 * @example
 * const failure = insufficientScope(auth, ['mcp:write'], { resourceMetadataUrl });
 * if (failure) return reply(failure.status, failure.headers, failure.body);
 */
export function insufficientScope(
  auth: Pick<AuthInfo, 'scopes'>,
  needed: readonly string[],
  options: Pick<AuthenticateRequestOptions, 'resourceMetadataUrl'>,
): GuardFailure | undefined {
  const missing = requireScopes(auth, needed);
  if (missing.length === 0) return undefined;
  const plural = missing.length > 1 ? 'scopes' : 'scope';
  const error = new GuardError(
    'insufficient_scope',
    `This request needs the ${plural} ${missing.join(' ')}, which the access token was not granted. Authorize again with scope="${[...new Set([...needed, ...auth.scopes])].join(' ')}".`,
  );
  const challenge = bearerChallenge({
    resourceMetadataUrl: options.resourceMetadataUrl,
    error: 'insufficient_scope',
    scopes: [...new Set([...needed, ...auth.scopes])],
    errorDescription: `This request needs the ${plural} ${missing.join(' ')}, which the access token was not granted.`,
  });
  return {
    ok: false,
    status: 403,
    headers: { 'www-authenticate': challenge, ...JSON_HEADERS },
    body: error.toJSON(),
    error,
  };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

function refuse(
  status: number,
  options: AuthenticateRequestOptions,
  error: GuardError,
  flags: { omitErrorInChallenge?: boolean } = {},
): GuardFailure {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (status === 400 || status === 401) {
    headers['www-authenticate'] = bearerChallenge({
      resourceMetadataUrl: options.resourceMetadataUrl,
      scopes: options.scopes,
      ...(flags.omitErrorInChallenge ? {} : { error: error.code as 'invalid_request' | 'invalid_token', errorDescription: error.description }),
    });
  }
  if (status === 503) headers['retry-after'] = '5';
  return { ok: false, status, headers, body: error.toJSON(), error };
}

function readHeader(headers: RequestHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : value.join(', ');
  return value;
}

/** RS7: a token in the query string is refused even when a header carries one too (RFC 6750 §2.3 is not supported). */
function queryHasAccessToken(url: string): boolean {
  const query = url.indexOf('?');
  return query !== -1 && new URLSearchParams(url.slice(query + 1).split('#')[0]).has('access_token');
}
