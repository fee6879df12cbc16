import type { GuardedFetch } from '@mcp-bridge/outbound-fetch';

/** Bounds of {@link withResponseCache}, in seconds. */
export interface ResponseCacheOptions {
  minSeconds: number;
  maxSeconds: number;
  /** Entries kept at most; the oldest goes first. */
  maxEntries: number;
  /** Which requests may be answered from the cache (default: every GET). */
  cacheable?: (url: string, init: RequestInit | undefined) => boolean;
}

interface Entry {
  body: Uint8Array;
  headers: [string, string][];
  expiresAt: number;
}

/** Freshness from `Cache-Control: max-age` or `Expires` (RFC 9111 §4.2.1), clamped to the bounds. */
function freshnessSeconds(headers: Headers, { minSeconds, maxSeconds }: ResponseCacheOptions, now: number): number {
  const cacheControl = headers.get('cache-control') ?? '';
  if (/(^|,)\s*(no-store|no-cache)\b/i.test(cacheControl)) return minSeconds;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(cacheControl)?.[1];
  const expires = headers.get('expires');
  const seconds = maxAge !== undefined ? Number(maxAge) : expires && !Number.isNaN(Date.parse(expires)) ? (Date.parse(expires) - now) / 1000 : minSeconds;
  return Math.max(minSeconds, Math.min(maxSeconds, Math.floor(seconds)));
}

/**
 * Caches successful GETs of outbound documents (a client's `jwks_uri`; oidc-provider rebuilds a
 * metadata-document client, and so its key set, on every request) per their cache headers within the
 * bounds. Only 200 answers are kept, so a failure is retried on the next request (attack catalogue A27).
 * Per process: each instance fetches at most once per URL and freshness period.
 *
 * @example
 * const fetch = withResponseCache(createGuardedFetch(), { minSeconds: 60, maxSeconds: 3600, maxEntries: 500 });
 */
export function withResponseCache(fetch: GuardedFetch, options: ResponseCacheOptions, now: () => number = Date.now): GuardedFetch {
  const entries = new Map<string, Entry>();
  return async (url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' || (typeof url !== 'string' && !(url instanceof URL))) return fetch(url, init);
    const key = String(url);
    if (options.cacheable && !options.cacheable(key, init)) return fetch(url, init);
    const cached = entries.get(key);
    if (cached && cached.expiresAt > now()) return new Response(cached.body.slice(), { status: 200, headers: cached.headers });
    entries.delete(key);

    const response = await fetch(url, init);
    if (response.status !== 200) return response;
    const body = new Uint8Array(await response.arrayBuffer());
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => headers.push([name, value]));
    entries.set(key, { body, headers, expiresAt: now() + freshnessSeconds(response.headers, options, now()) * 1000 });
    while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    return new Response(body.slice(), { status: 200, headers });
  };
}
