/**
 * Scopes of the MCP resource and what they mean in words (shown on the consent page).
 * Kept minimal: every listed scope is grantable, because some clients ask for all of
 * `scopes_supported` at once (MCP authorization, "Scope selection strategy"; client-interop rule 21).
 */
export const RESOURCE_SCOPES = {
  'mcp:read': 'See your profile and read your data in this MCP server',
  'mcp:write': 'Add, change and delete your data in this MCP server',
} as const;

export type ResourceScope = keyof typeof RESOURCE_SCOPES;

/** OpenID scopes the provider understands; `offline_access` lets clients refresh. */
export const OIDC_SCOPES = {
  openid: 'Know who you are (your name and sign-in name)',
  offline_access: 'Stay signed in: keep access after you close the app, until you revoke it',
} as const;

/** Every scope advertised in `scopes_supported`. */
export const SUPPORTED_SCOPES: readonly string[] = [...Object.keys(OIDC_SCOPES), ...Object.keys(RESOURCE_SCOPES)];

const RESOURCE_SCOPE_NAMES: readonly string[] = Object.keys(RESOURCE_SCOPES);

/** True for a scope that belongs to the MCP resource (as opposed to OpenID scopes). */
export function isResourceScope(scope: string): scope is ResourceScope {
  return RESOURCE_SCOPE_NAMES.includes(scope);
}

/** Splits a space-delimited `scope` parameter (RFC 6749 §3.3), dropping empties and duplicates. */
export function parseScope(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? '').split(' ').filter(Boolean))];
}

/**
 * The scope to request for an authorization when the client asked for no resource scope at all
 * (claude.ai and Claude Code register and authorize without `scope`; mcp-remote falls back to
 * `openid email profile`). RFC 6749 §3.3 lets the server apply a default: all resource scopes, which
 * the consent page then lists. Unknown scopes are left in place; oidc-provider ignores them.
 *
 * @example
 * withDefaultResourceScopes('openid email profile') // 'openid email profile mcp:read mcp:write'
 * withDefaultResourceScopes('mcp:read')             // 'mcp:read'
 */
export function withDefaultResourceScopes(scope: string | undefined | null): string {
  const requested = parseScope(scope);
  if (requested.some(isResourceScope)) return requested.join(' ');
  return [...requested, ...RESOURCE_SCOPE_NAMES].join(' ');
}

/** A scope with its description for people, in a stable display order. */
export interface ScopeDescription {
  scope: string;
  description: string;
}

/**
 * Describes the scopes a consent page lists; unknown scopes are left out because they are never granted.
 *
 * @example
 * describeScopes(['mcp:write', 'openid']).map((s) => s.scope) // ['openid', 'mcp:write']
 */
export function describeScopes(scopes: Iterable<string>): ScopeDescription[] {
  const wanted = new Set(scopes);
  const all: Record<string, string> = { ...OIDC_SCOPES, ...RESOURCE_SCOPES };
  return Object.keys(all)
    .filter((scope) => wanted.has(scope))
    .map((scope) => ({ scope, description: all[scope]! }));
}

/** True when every scope in `needed` is in `granted`. */
export function coversScopes(granted: Iterable<string>, needed: Iterable<string>): boolean {
  const have = new Set(granted);
  for (const scope of needed) if (!have.has(scope)) return false;
  return true;
}
