/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /** The resource identifier: exactly the MCP URL clients are configured with. */
  resource: string;
  /** Issuers of authorization servers, each byte-identical to its metadata's `issuer`. */
  authorizationServers: readonly string[];
  /** Scopes this resource understands (RFC 9728 §2; MCP clients request them when not challenged). */
  scopesSupported: readonly string[];
  /** Human-readable name of the resource. */
  resourceName?: string;
  /** URL of documentation for developers. */
  documentation?: string;
}

/** RFC 9728 §2 protected resource metadata, as served at `/.well-known/oauth-protected-resource`. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ['header'];
  resource_name?: string;
  resource_documentation?: string;
}

/**
 * Builds the RFC 9728 protected resource metadata document. Bearer tokens are accepted only in the
 * `Authorization` header (`bearer_methods_supported: ["header"]`, RFC 6750 §2.1; MCP forbids the query).
 *
 * @example
 * protectedResourceMetadata({
 *   resource: 'http://localhost:9100/mcp',
 *   authorizationServers: ['http://localhost:9000'],
 *   scopesSupported: ['mcp:read', 'mcp:write'],
 * });
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): ProtectedResourceMetadata {
  if (options.authorizationServers.length === 0) {
    throw new TypeError('authorizationServers must name at least one authorization server (MCP authorization, RFC 9728 §2)');
  }
  const metadata: ProtectedResourceMetadata = {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    scopes_supported: [...options.scopesSupported],
    bearer_methods_supported: ['header'],
  };
  if (options.resourceName !== undefined) metadata.resource_name = options.resourceName;
  if (options.documentation !== undefined) metadata.resource_documentation = options.documentation;
  return metadata;
}

/**
 * The path-suffixed metadata URL of a resource (RFC 9728 §3.1): `/.well-known/oauth-protected-resource`
 * inserted between the origin and the resource's path.
 *
 * @example
 * protectedResourceMetadataUrl('http://localhost:9100/mcp'); // 'http://localhost:9100/.well-known/oauth-protected-resource/mcp'
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}
