import { errors } from 'oidc-provider';

/**
 * Schemes that can never be redirect targets: they run code or read local data
 * (RFC 8252 §8.1; OAuth 2.1 §7.5.1; attack catalogue A25).
 */
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'about:', 'blob:', 'filesystem:']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const SHARED_SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/** How a redirect URI must be treated (RFC 8252 §7). */
export type RedirectUriKind = 'https' | 'loopback' | 'custom-scheme';

/**
 * Classifies a redirect URI or explains why it is refused.
 *
 * @example
 * classifyRedirectUri('http://127.0.0.1:33418/') // { kind: 'loopback' }
 * classifyRedirectUri('http://evil.example/cb')  // { error: 'http redirect URIs are only allowed for localhost …' }
 */
export function classifyRedirectUri(value: string): { kind: RedirectUriKind } | { error: string } {
  const url = URL.parse(value);
  // Descriptions end up on our error page and in logs: quote at most the start of a URI.
  const shown = value.length > 100 ? `${value.slice(0, 99)}…` : value;
  if (!url) return { error: `${shown} is not a valid URI` };
  if (value.includes('#')) return { error: `${shown} must not contain a fragment (RFC 6749 §3.1.2)` };
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return { error: `${url.protocol} URIs cannot be redirect URIs` };
  if (url.username || url.password) return { error: `redirect URIs must not contain user information (${url.host})` };
  if (url.protocol === 'https:') return { kind: 'https' };
  if (url.protocol === 'http:') {
    if (LOOPBACK_HOSTS.has(url.hostname)) return { kind: 'loopback' };
    return { error: `http redirect URIs are only allowed for localhost, 127.0.0.1 and [::1]; use https for ${url.host}` };
  }
  // Private-use URI scheme of a native app, e.g. cursor://, vscode:// (RFC 8252 §7.1).
  return { kind: 'custom-scheme' };
}

/**
 * Registration policy applied to every client's metadata before oidc-provider validates it
 * (dynamic registrations, CIMD documents and clients loaded from the store alike). Mutates `metadata`.
 *
 * - Redirect URIs must be https, loopback http, or a native app's private scheme (MCP AS8, A25).
 * - A client with a loopback or private-scheme redirect is a native client (RFC 8252), whatever
 *   `application_type` it sent: oidc-provider only lets native clients use those, and only for native
 *   clients does it ignore the loopback port (RFC 8252 §7.3). Cursor sends `web` with `cursor://`.
 * - The registered `scope` is dropped: oidc-provider would turn it into an allow-list and refuse the
 *   scopes a client asks for later (step-up), and unknown scopes would fail registration (interop rule 5).
 * - A metadata document must name the client, and its `jwks_uri` must be on the document's host.
 * - A metadata document without `token_endpoint_auth_method` is a public client (`none`); one that
 *   declares `private_key_jwt` is one too unless this request carries a client assertion (interop rule 16).
 * - `refresh_token` joins `authorization_code` in `grant_types`: clients do not reliably ask for it and
 *   every client here is meant to refresh (interop rule 9).
 *
 * @throws oidc-provider `InvalidRedirectUri` naming the offending URI.
 */
export function applyClientRegistrationPolicy(metadata: Record<string, unknown>, request: { clientAssertionSent?: boolean } = {}): void {
  const redirectUris = metadata.redirect_uris;
  if (Array.isArray(redirectUris) && redirectUris.every((uri): uri is string => typeof uri === 'string')) {
    let native = false;
    for (const uri of redirectUris) {
      const verdict = classifyRedirectUri(uri);
      if ('error' in verdict) throw invalidRedirectUri(verdict.error);
      if (verdict.kind !== 'https') native = true;
    }
    if (native) metadata.application_type = 'native';
  }
  delete metadata.scope;
  if (isMetadataDocumentClientId(metadata.client_id)) applyMetadataDocumentPolicy(metadata, request);
  const grantTypes = metadata.grant_types;
  if (Array.isArray(grantTypes) && grantTypes.includes('authorization_code') && !grantTypes.includes('refresh_token')) {
    metadata.grant_types = [...grantTypes, 'refresh_token'];
  }
}

/**
 * Whether a redirect URI names the same target as one approved before: exact match, or for loopback
 * http URIs the same host and path on any port (RFC 8252 §7.3: native apps get a fresh port each run).
 *
 * @example
 * isSameRedirectTarget('http://127.0.0.1:33418/', 'http://127.0.0.1:51234/') // true
 * isSameRedirectTarget('https://vscode.dev/redirect', 'https://vscode.dev/redirect/') // false
 */
export function isSameRedirectTarget(approved: string, requested: string): boolean {
  if (approved === requested) return true;
  const a = URL.parse(approved);
  const b = URL.parse(requested);
  if (!a || !b || a.protocol !== 'http:' || b.protocol !== 'http:') return false;
  if (!LOOPBACK_HOSTS.has(a.hostname) || a.hostname !== b.hostname) return false;
  return a.pathname === b.pathname && a.search === b.search;
}

/**
 * Whether `clientId` names a Client ID Metadata Document: its https URL. Dynamically registered ids are
 * generated and pre-registered ones may not be https URLs (packages/config), so nothing else matches.
 *
 * @example
 * isMetadataDocumentClientId('https://vscode.dev/oauth/client-metadata.json') // true
 * isMetadataDocumentClientId('3PjyG…')                                        // false
 */
export function isMetadataDocumentClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && clientId.startsWith('https://');
}

/** oidc-provider's InvalidRedirectUri takes no description argument; a person needs to know which URI and why. */
function invalidRedirectUri(description: string): InstanceType<typeof errors.InvalidRedirectUri> {
  const error = new errors.InvalidRedirectUri();
  error.error_description = description;
  return error;
}

/**
 * The part of the policy for Client ID Metadata Documents. Runs while the client is built, so
 * oidc-provider does not cache a document that fails (attack catalogue A27).
 */
function applyMetadataDocumentPolicy(metadata: Record<string, unknown>, request: { clientAssertionSent?: boolean }): void {
  // MCP AS4: the document names the client; people decide on the consent page by that name.
  if (typeof metadata.client_name !== 'string' || !metadata.client_name.trim()) {
    throw new errors.InvalidClientMetadata('the client metadata document has no client_name');
  }
  // The keys that authenticate the client come from its publisher, not from a host of its choosing.
  if (metadata.jwks_uri !== undefined && URL.parse(String(metadata.jwks_uri))?.hostname !== URL.parse(String(metadata.client_id))?.hostname) {
    throw new errors.InvalidClientMetadata('jwks_uri must be on the same host as the client metadata document');
  }
  const method = metadata.token_endpoint_auth_method;
  // A document may not use a shared secret, and oidc-provider refuses documents that declare one before
  // this runs; so a shared-secret method here is RFC 7591's client_secret_basic default filled in for a
  // document without a method: a public client. One that prefers private_key_jwt (ChatGPT) authenticates
  // with its client assertion when it sends one, and is a public PKCE client otherwise (interop rule 16).
  if (method === undefined || SHARED_SECRET_METHODS.has(String(method)) || (method === 'private_key_jwt' && !request.clientAssertionSent)) {
    metadata.token_endpoint_auth_method = 'none';
    delete metadata.token_endpoint_auth_signing_alg; // only meaningful with an assertion
  }
}
