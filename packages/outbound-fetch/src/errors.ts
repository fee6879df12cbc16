/**
 * The guard refused a request by policy: not `https:`, userinfo in the URL, a host that is or
 * resolves to a special-use address, or a response body over the size limit. No connection was
 * made for the address-based refusals.
 *
 * `reason` is meant for logs and for people (`'metadata.internal resolves to 10.0.0.7, a private
 * address (10.0.0.0/8)'`). It names hosts and addresses, never response bodies.
 *
 * @example
 * ```ts
 * try {
 *   await guardedFetch(clientId);
 * } catch (error) {
 *   if (error instanceof OutboundRequestRefused) log.warn({ reason: error.reason }, 'CIMD fetch refused');
 *   throw error;
 * }
 * ```
 */
export class OutboundRequestRefused extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`outbound request refused: ${reason}`);
    this.name = 'OutboundRequestRefused';
    this.reason = reason;
  }
}

/**
 * The request was allowed but did not complete: DNS failure, connection refused, TLS certificate
 * not trusted, the deadline passed. The message says which (`'GET https://example.com timed out
 * after 2500 ms'`); the underlying error is the `cause`. An abort by the caller's own `signal` is
 * not translated: the caller gets its abort reason back, as with any `fetch`.
 *
 * @example
 * ```ts
 * try {
 *   await guardedFetch('https://client.example/metadata.json');
 * } catch (error) {
 *   if (error instanceof OutboundRequestFailed) log.info({ err: error }, 'client metadata unreachable');
 * }
 * ```
 */
export class OutboundRequestFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutboundRequestFailed';
  }
}
