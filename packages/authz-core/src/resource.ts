/**
 * Resource indicator policy (RFC 8707). Clients send the MCP URL they were configured with, with
 * harmless variations: a trailing slash (Claude Code adds one to a bare origin), upper-case scheme
 * or host. They all name the one resource we serve (client-interop rule 8).
 */

/**
 * Canonical form used to compare resource indicators: lower-case scheme and host (URL does that),
 * default port dropped, no trailing slash on the path. Returns undefined for values that are not
 * absolute http(s) URLs or that carry a fragment (RFC 8707 §2).
 *
 * @example
 * canonicalResource('HTTP://LocalHost:9100/mcp/') // 'http://localhost:9100/mcp'
 */
export function canonicalResource(value: string): string | undefined {
  if (value.includes('#')) return undefined;
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/** True when `requested` names the resource `served` (see {@link canonicalResource}). */
export function isSameResource(requested: string, served: string): boolean {
  const a = canonicalResource(requested);
  return a !== undefined && a === canonicalResource(served);
}
