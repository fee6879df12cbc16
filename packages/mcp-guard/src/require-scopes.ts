/**
 * Returns the scopes of `needed` that `granted` lacks (empty when every one is granted). Pure;
 * scope values compare case-sensitively (RFC 6749 §3.3).
 *
 * @example
 * requireScopes({ scopes: ['mcp:read'] }, ['mcp:write']); // ['mcp:write']
 */
export function requireScopes(auth: { scopes: readonly string[] }, needed: readonly string[]): string[] {
  const granted = new Set(auth.scopes);
  return [...new Set(needed)].filter((scope) => !granted.has(scope));
}
