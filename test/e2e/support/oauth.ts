import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'undici';

/** Shapes and assertions shared by the black-box OAuth tests. */

export interface OAuthErrorBody {
  error: unknown;
  error_description: unknown;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  scope?: string;
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  application_type?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  scope?: string;
}

/** A PKCE pair (RFC 7636 §4.1–4.2, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const [, payload] = jwt.split('.');
  return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON from ${response.url} (${response.status}), got:\n${text.slice(0, 500)}`);
  }
}

/** Asserts an OAuth error body (RFC 6749 §5.2; interop rule 19): top-level string `error` and a usable description. */
export async function assertOAuthError(response: Response, status: number, error: string): Promise<OAuthErrorBody> {
  const body = await json<OAuthErrorBody>(response);
  assert.equal(response.status, status, `status of ${JSON.stringify(body)}`);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string', 'error_description is a string');
  assert.ok((body.error_description as string).length > 0, 'error_description is not empty');
  return body;
}

/** Asserts one of our HTML error pages: no redirect anywhere, the error code on the page. */
export async function assertErrorPage(response: Response, status: number, code?: string): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, status, `status (page: ${html.slice(0, 300)})`);
  assert.equal(response.headers.get('location'), null, 'no Location header: never redirected');
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(html, /MCP Auth Bridge/, 'our own error page');
  if (code) assert.match(html, new RegExp(`class="error-code">${code}<`), `page shows error ${code}`);
  return html;
}
