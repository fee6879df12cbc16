import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

/** A response read to the end. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTPS request trusting `ca` (and nothing else), the way a client of the simulator must. */
export function send(
  url: string,
  options: { ca: string; method?: 'GET' | 'POST'; form?: Record<string, string>; headers?: Record<string, string> },
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string | number> = { ...options.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = request(url, { method: options.method ?? (body ? 'POST' : 'GET'), ca: options.ca, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An RFC 7636 verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
