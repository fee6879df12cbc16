import { lookup as dnsLookup } from 'node:dns/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as tls from 'node:tls';
import { Agent, fetch as undiciFetch, Headers, Response as UndiciResponse } from 'undici';
import { OutboundRequestFailed, OutboundRequestRefused } from './errors.ts';
import { canonicalAddress } from './internal/canonical-address.ts';
import { describeSpecialUse } from './internal/describe-special-use.ts';
import { limitBody } from './internal/limit-body.ts';
import { type ResolveAll, vettedLookup } from './internal/vetted-lookup.ts';

/** Default whole-request deadline: the same 2.5 s oidc-provider gives its own fetches. */
export const DEFAULT_TIMEOUT_MS = 2500;

/** Sent instead of whatever `user-agent` the caller set. */
export const OUTBOUND_USER_AGENT = 'mcp-auth-bridge (client metadata fetch)';

// Ambient credentials never leave: undici has no cookie jar, and these are dropped if a caller sets
// them. `authorization` is the caller's explicit choice and passes (oidc-provider's CIBA ping mode
// sends the client's own notification token).
const DROPPED_REQUEST_HEADERS = ['cookie', 'cookie2', 'proxy-authorization', 'host'] as const;

// Fetch statuses whose Response must have a null body (WHATWG Fetch "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Options of {@link createGuardedFetch}. */
export interface GuardedFetchOptions {
  /** Whole-request deadline (connect + headers + body). Default 2500 ms. */
  timeoutMs?: number;
  /** Responses with a larger body (Content-Length or streamed bytes) fail. Default: no limit here. */
  maxResponseBytes?: number;
  /** Extra trusted CA certificates (PEM), besides the system ones. */
  ca?: string;
  /** TEST ONLY: addresses that may be reached although they are special-use, e.g. ['127.0.0.1', '::1']. */
  dangerouslyAllowAddresses?: string[];
  /** Name resolution (default: node:dns lookup with all: true); injectable for tests. */
  lookup?: (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;
}

/**
 * A `fetch` with the shape oidc-provider's `fetch` configuration option expects. `Request` is in the
 * parameter type only so that it can be assigned to that option; a `Request` object is rejected with
 * a `TypeError` (oidc-provider always passes a string), since its own method, headers, body and
 * redirect mode would bypass the checks on `init`.
 */
export type GuardedFetch = (url: string | URL | Request, init?: RequestInit & { dispatcher?: unknown }) => Promise<Response>;

const systemLookup: ResolveAll = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

function trustedCas(extra: string): string[] {
  // 'default' is what Node would use without a `ca` option (bundled roots, NODE_EXTRA_CA_CERTS,
  // and the OS store under --use-system-ca); Node < 22.15 only has the bundled roots to offer.
  const defaults = typeof tls.getCACertificates === 'function' ? tls.getCACertificates('default') : tls.rootCertificates;
  return [...defaults, extra];
}

function parseTarget(input: string | URL | Request): URL {
  if (typeof input !== 'string' && !(input instanceof URL)) {
    throw new TypeError('guarded fetch takes a URL (string or URL), not a Request');
  }
  try {
    return new URL(input);
  } catch {
    throw new OutboundRequestRefused('the URL is not a valid absolute URL');
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'unknown network error';
  // Node tries every vetted address of a name (happy eyeballs) and reports an AggregateError with an
  // empty message when all of them fail.
  if (cause instanceof AggregateError && cause.message === '' && cause.errors.length > 0) {
    return cause.errors.map(describeCause).join('; ');
  }
  const code = (cause as NodeJS.ErrnoException).code;
  const text = code !== undefined && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  // Node and undici messages name hosts, addresses and TLS problems, never body bytes; cap them anyway.
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function checkOptions(options: GuardedFetchOptions): void {
  const { timeoutMs, maxResponseBytes } = options;
  if (timeoutMs !== undefined && !(Number.isSafeInteger(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError('timeoutMs must be a positive integer');
  }
  if (maxResponseBytes !== undefined && !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes >= 0)) {
    throw new TypeError('maxResponseBytes must be a non-negative integer');
  }
}

/**
 * Creates a `fetch` for URLs that come from the internet — Client ID Metadata Documents and their
 * `jwks_uri` (MCP authorization, CIMD; attack catalogue A27, A29) — that cannot be pointed at the
 * server's own network:
 *
 * - only `https:` URLs without userinfo; TLS certificates are always verified against the URL host;
 * - the host, an IP literal or every address its name resolves to, must not be special-use
 *   ({@link isSpecialUseAddress}); refusals happen before any TCP connection;
 * - the socket connects only to the addresses that were vetted (the check runs in the connector's
 *   `lookup`), so DNS rebinding between check and connect does not help;
 * - redirects are never followed (a 3xx is returned as is), the caller's `dispatcher` is ignored;
 * - one deadline covers connect, headers and body; bodies over `maxResponseBytes` fail;
 * - a fixed `user-agent`, no cookies, no proxy.
 *
 * Policy refusals reject with {@link OutboundRequestRefused}; network failures and the deadline with
 * {@link OutboundRequestFailed}. Which public hosts may be fetched is not decided here.
 *
 * @example
 * ```ts
 * // authz-server: oidc-provider configuration
 * const provider = new Provider(issuer, {
 *   fetch: createGuardedFetch({ maxResponseBytes: 64 * 1024 }),
 *   // ...
 * });
 * ```
 *
 * @example
 * ```ts
 * // a test against a local HTTPS server
 * const guardedFetch = createGuardedFetch({ ca: caCertPem, dangerouslyAllowAddresses: ['127.0.0.1'] });
 * const response = await guardedFetch(`https://127.0.0.1:${port}/client.json`);
 * ```
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  checkOptions(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { maxResponseBytes } = options;
  const allowed = new Set(
    (options.dangerouslyAllowAddresses ?? []).map((entry) => {
      const parsed = canonicalAddress(entry);
      if (parsed === undefined) throw new TypeError(`dangerouslyAllowAddresses: ${JSON.stringify(entry)} is not an IP address`);
      return parsed.address;
    }),
  );
  const vet = (address: string): string | undefined => {
    const parsed = canonicalAddress(address);
    if (parsed !== undefined && allowed.has(parsed.address)) return undefined;
    return describeSpecialUse(address);
  };

  // One agent per guard, never the caller's: the connector resolves and vets every new connection.
  const agent = new Agent({
    connect: {
      lookup: vettedLookup(options.lookup ?? systemLookup, vet),
      // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn verification off.
      rejectUnauthorized: true,
      ...(options.ca === undefined ? {} : { ca: trustedCas(options.ca) }),
    },
  });

  return async function guardedFetch(input, init = {}) {
    const url = parseTarget(input);
    if (url.protocol !== 'https:') {
      throw new OutboundRequestRefused(`only https: URLs are fetched, not ${url.protocol}`);
    }
    if (url.username !== '' || url.password !== '') {
      throw new OutboundRequestRefused('the URL carries userinfo (user:password@)');
    }
    // `url.hostname` is the parsed host: `0x7f.1`, `2130706433` and `[::ffff:127.0.0.1]` arrive here
    // as 127.0.0.1 and ::ffff:7f00:1. Node connects to IP literals without calling `lookup`, so
    // they are judged now; names are judged by the connector when it resolves them.
    if (canonicalAddress(url.hostname) !== undefined) {
      const why = vet(url.hostname);
      if (why !== undefined) throw new OutboundRequestRefused(`${url.hostname} is ${why}`);
    }

    const method = (init.method ?? 'GET').toUpperCase();
    const target = `${method} ${url.origin}`;
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    for (const name of DROPPED_REQUEST_HEADERS) headers.delete(name);
    headers.set('user-agent', OUTBOUND_USER_AGENT);

    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([deadline, init.signal]) : deadline;
    const translate = (error: unknown, phase: 'headers' | 'body'): unknown => {
      const during = phase === 'headers' ? 'before the response headers' : 'while reading the body';
      if (signal.aborted) {
        // The caller's own abort keeps its reason, as with any fetch.
        if (signal.reason !== deadline.reason) return error;
        return new OutboundRequestFailed(`${target} timed out after ${timeoutMs} ms ${during}`, { cause: error });
      }
      if (error instanceof TypeError && error.message === 'fetch failed') {
        const { cause } = error;
        if (cause instanceof OutboundRequestRefused) return cause;
        return new OutboundRequestFailed(`${target} failed: ${describeCause(cause)}`, { cause });
      }
      if (phase === 'body') {
        return new OutboundRequestFailed(`${target} failed ${during}: ${describeCause(error)}`, { cause: error });
      }
      return error;
    };

    let upstream: UndiciResponse;
    try {
      upstream = await undiciFetch(url, {
        method,
        headers,
        body: init.body as NonNullable<Parameters<typeof undiciFetch>[1]>['body'],
        redirect: 'manual',
        credentials: 'omit',
        signal,
        dispatcher: agent,
      });
    } catch (error) {
      throw translate(error, 'headers');
    }

    const tooLarge = (declared?: string) =>
      new OutboundRequestRefused(
        declared === undefined
          ? `the response from ${url.origin} is over the ${maxResponseBytes}-byte limit`
          : `the response from ${url.origin} declares ${declared} bytes (Content-Length), over the ${maxResponseBytes}-byte limit`,
      );
    const contentLength = upstream.headers.get('content-length');
    if (maxResponseBytes !== undefined && contentLength !== null && /^\d+$/.test(contentLength)) {
      if (Number(contentLength) > maxResponseBytes) {
        await upstream.body?.cancel().catch(() => {});
        throw tooLarge(contentLength);
      }
    }
    if (upstream.status < 200 || upstream.status > 599) {
      await upstream.body?.cancel().catch(() => {});
      throw new OutboundRequestFailed(`${target} answered with HTTP status ${upstream.status}`);
    }

    const body =
      upstream.body === null || NULL_BODY_STATUSES.has(upstream.status)
        ? null
        : limitBody(upstream.body as unknown as WebReadableStream<Uint8Array>, maxResponseBytes, () => tooLarge(), (error) => translate(error, 'body'));
    if (body === null) await upstream.body?.cancel().catch(() => {});
    // Typed through node:stream/web so that this compiles with or without the DOM lib.
    const response = new UndiciResponse(body as unknown as ConstructorParameters<typeof UndiciResponse>[0], {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: upstream.headers,
    });
    return response as unknown as Response;
  };
}
