/** Parameters of a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3, RFC 9728 §5.1). */
export interface BearerChallengeOptions {
  /** The protected resource metadata URL (RFC 9728 §5.1 `resource_metadata`). */
  resourceMetadataUrl: string;
  /**
   * The `scope` to ask for. On 401 the scopes of the resource; on 403 `insufficient_scope` the needed
   * scopes plus those already granted, so a client that re-authorizes with exactly this list does
   * not lose anything (MCP authorization "Scope Challenge Handling").
   */
  scopes?: readonly string[];
  /** OAuth error code; omit when the request carried no token (RFC 6750 §3.1). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** Human-readable explanation; sanitized to the characters RFC 6750 §3 allows. */
  errorDescription?: string;
}

/**
 * Builds the value of a `WWW-Authenticate` header for a bearer-protected MCP resource.
 *
 * - 401 without a token: `Bearer resource_metadata="…", scope="mcp:read mcp:write"`
 * - 401 with a bad token: the same, then `error="invalid_token", error_description="…"`
 * - 403: `Bearer error="insufficient_scope", scope="…", resource_metadata="…", error_description="…"`
 *
 * @example
 * bearerChallenge({ resourceMetadataUrl: 'http://localhost:9100/.well-known/oauth-protected-resource/mcp', scopes: ['mcp:read', 'mcp:write'] });
 * // 'Bearer resource_metadata="http://localhost:9100/.well-known/oauth-protected-resource/mcp", scope="mcp:read mcp:write"'
 */
export function bearerChallenge(options: BearerChallengeOptions): string {
  const params: string[] = [];
  const metadata = `resource_metadata=${quote(options.resourceMetadataUrl)}`;
  const scope = options.scopes && options.scopes.length > 0 ? `scope=${quote(options.scopes.join(' '))}` : undefined;
  const description = options.errorDescription === undefined ? undefined : `error_description=${quote(options.errorDescription)}`;

  if (options.error === 'insufficient_scope') {
    params.push(`error="insufficient_scope"`);
    if (scope) params.push(scope);
    params.push(metadata);
  } else {
    params.push(metadata);
    if (scope) params.push(scope);
    if (options.error) params.push(`error=${quote(options.error)}`);
  }
  if (description && options.error) params.push(description);
  return `Bearer ${params.join(', ')}`;
}

/**
 * Quotes an auth-param value. RFC 6750 §3 limits `error_description` and `scope` to
 * %x20-21 / %x23-5B / %x5D-7E, so quotes, backslashes and non-ASCII are replaced rather than escaped.
 */
function quote(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "'")}"`;
}
