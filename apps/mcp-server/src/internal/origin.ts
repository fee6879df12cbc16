/**
 * Origin policy against DNS rebinding (MCP transports "Security Warning", RS8): a request without
 * `Origin` (non-browser clients) passes; a browser request passes only from the server's own origin or
 * an allowed one. `null` and unparsable origins are refused.
 */
export function isAllowedOrigin(origin: string | undefined, ownOrigin: string, allowedOrigins: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  let normalized: string;
  try {
    normalized = new URL(origin).origin;
  } catch {
    return false;
  }
  if (normalized === 'null') return false;
  return normalized === ownOrigin || allowedOrigins.has(normalized);
}

/** Normalizes configured origins (`https://App.example:443/` → `https://app.example`). */
export function normalizeOrigins(origins: readonly string[]): Set<string> {
  return new Set(origins.map((origin) => new URL(origin).origin));
}
