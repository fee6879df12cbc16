import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';

/** Default time limit of one request to Entra. */
export const UPSTREAM_TIMEOUT_MS = 10_000;

/** Who may be called and which CAs to trust. */
export interface HttpsClientOptions {
  /** `host[:port]` values requests may go to; anything else is refused before connecting. */
  allowedHosts: readonly string[];
  /** An extra CA (PEM) trusted on top of Node's bundled roots. */
  caCertPem?: string;
  timeoutMs?: number;
}

/** A raw HTTPS response. */
export interface HttpsResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Entra could not be reached, timed out or answered with something unreadable. */
export class UpstreamUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamUnreachableError';
  }
}

/** The TLS certificate of the authority host is not trusted (no caCertPem for the dev simulator, expired, wrong name). */
export class UpstreamCertificateError extends Error {
  readonly code: string;
  constructor(host: string, code: string, options?: { cause?: unknown }) {
    super(`the TLS certificate of ${host} is not trusted (${code})`, options);
    this.name = 'UpstreamCertificateError';
    this.code = code;
  }
}

const CERTIFICATE_ERROR_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);

/** A request to a host other than the configured authority host was attempted. */
export class UpstreamHostNotAllowedError extends Error {
  constructor(host: string) {
    super(`refusing to call '${host}': only the configured Entra authority host may be called`);
    this.name = 'UpstreamHostNotAllowedError';
  }
}

/**
 * A minimal HTTPS client on `node:https`: only the allowed hosts, `https:` only, an optional extra
 * CA appended to Node's roots (so real Entra keeps working when a dev CA is configured).
 */
export function createHttpsClient(options: HttpsClientOptions) {
  const allowed = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const ca = options.caCertPem === undefined ? undefined : [...rootCertificates, options.caCertPem];
  const defaultTimeout = options.timeoutMs ?? UPSTREAM_TIMEOUT_MS;

  return function send(
    url: string,
    init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<HttpsResponse> {
    const target = new URL(url);
    if (target.protocol !== 'https:' || !allowed.has(target.host.toLowerCase())) {
      return Promise.reject(new UpstreamHostNotAllowedError(`${target.protocol}//${target.host}`));
    }
    return new Promise<HttpsResponse>((resolve, reject) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const req = request(
        target,
        {
          method: init.method,
          headers,
          timeout: init.timeoutMs ?? defaultTimeout,
          ...(ca !== undefined ? { ca } : {}),
          ...(init.signal !== undefined ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (err) => reject(new UpstreamUnreachableError(`reading ${target.origin} failed: ${err.message}`, { cause: err })));
          res.on('end', () => {
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('timeout', () => req.destroy(new UpstreamUnreachableError(`${target.origin} did not answer within ${init.timeoutMs ?? defaultTimeout} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err instanceof UpstreamUnreachableError) return reject(err);
        if (err.code !== undefined && CERTIFICATE_ERROR_CODES.has(err.code)) {
          return reject(new UpstreamCertificateError(target.host, err.code, { cause: err }));
        }
        reject(new UpstreamUnreachableError(`calling ${target.origin} failed: ${err.message}`, { cause: err }));
      });
      req.end(init.body);
    });
  };
}

/** The sender returned by {@link createHttpsClient}. */
export type HttpsSend = ReturnType<typeof createHttpsClient>;

function parseJson<T>(res: HttpsResponse, url: string): T {
  try {
    return JSON.parse(res.body.toString('utf8')) as T;
  } catch (cause) {
    throw new UpstreamUnreachableError(`${new URL(url).origin} answered HTTP ${res.status} without JSON`, { cause });
  }
}

/** GETs a JSON document. */
export async function getJson<T>(send: HttpsSend, url: string): Promise<{ status: number; body: T }> {
  const res = await send(url, { method: 'GET', headers: { accept: 'application/json' } });
  return { status: res.status, body: parseJson<T>(res, url) };
}

function asMsalError(err: unknown): unknown {
  if (err instanceof UpstreamUnreachableError || err instanceof UpstreamHostNotAllowedError || err instanceof UpstreamCertificateError) {
    // MSAL only passes AuthErrors through (others become a bare network_error); keep ours as cause.
    const wrapped = new AuthError(err instanceof UpstreamUnreachableError ? 'network_error' : 'untrusted_host', '', err.message);
    Object.defineProperty(wrapped, 'cause', { value: err, enumerable: false });
    return wrapped;
  }
  return err;
}

/** MSAL's `system.networkClient` (INetworkModule) on top of {@link createHttpsClient}. */
export function createMsalNetworkClient(send: HttpsSend): INetworkModule {
  const call = async <T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    try {
      const res = await send(url, {
        method,
        ...(options?.headers !== undefined ? { headers: options.headers } : {}),
        ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
        ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      });
      return { status: res.status, headers: res.headers, body: parseJson<T>(res, url) };
    } catch (err) {
      throw asMsalError(err);
    }
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => call(url, 'GET', options, timeout),
    sendPostRequestAsync: (url, options) => call(url, 'POST', options),
  };
}

/** A `fetch` for jose's `customFetch` (JWKS retrieval) on top of {@link createHttpsClient}. */
export function createJoseFetch(send: HttpsSend) {
  return async (url: string, options: { headers: Headers; method: string; signal: AbortSignal }): Promise<Response> => {
    const headers: Record<string, string> = {};
    options.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const res = await send(url, { method: 'GET', headers, signal: options.signal });
    return new Response(res.status === 204 || res.status === 304 ? null : new Uint8Array(res.body), {
      status: res.status,
      headers: res.headers,
    });
  };
}
