import type { OAuthError } from './errors.ts';

/**
 * The port to the upstream identity provider (Microsoft Entra ID today, a generic OIDC provider
 * later). authz-core only knows this interface; `@mcp-bridge/entra-upstream` implements it.
 */

/** What the bridge needs to start a sign-in at the upstream. */
export interface UpstreamAuthorizationRequest {
  /** Random, single-use value bound to one interaction (RFC 6749 §10.12). Returned verbatim. */
  state: string;
  /** Nonce bound into the upstream id_token (OIDC Core §3.1.2.1). */
  nonce: string;
  /** PKCE S256 verifier for the upstream code exchange (RFC 7636); kept server-side. */
  codeVerifier: string;
  /** Passed as `login_hint` when the bridge already knows who is signing in. */
  loginHint?: string;
  /** Forces the upstream to show its account picker / login page. */
  prompt?: 'login' | 'select_account';
}

/** The person the upstream signed in, taken from a verified id_token. */
export interface UpstreamIdentity {
  /** Tenant id (`tid`). */
  tenantId: string;
  /** Object id of the user in that tenant (`oid`). Stable, never reassigned. */
  objectId: string;
  /** Display name (`name`), when the token carries it. */
  name?: string;
  /** Sign-in name / UPN (`preferred_username`), when the token carries it. */
  username?: string;
  /** Email, when the token carries it. */
  email?: string;
}

/** Inputs of the callback leg: the code and the values stored when the sign-in started. */
export interface UpstreamCallback {
  code: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * An upstream identity provider reached with the authorization code flow.
 *
 * Errors it throws are `OAuthError`s with codes `access_denied`, `temporarily_unavailable`,
 * `invalid_grant` or `server_error`; the upstream's own message is only ever in `cause`.
 */
export interface UpstreamIdp {
  /** A short label shown to people ("Microsoft Entra ID"). */
  readonly displayName: string;
  /** The one fixed callback URL registered at the upstream. */
  readonly redirectUri: string;
  /** URL to send the browser to. */
  authorizationUrl(request: UpstreamAuthorizationRequest): Promise<string>;
  /** Redeems the code, verifies the id_token and returns who signed in. */
  redeem(callback: UpstreamCallback): Promise<UpstreamIdentity>;
  /**
   * Translates an error the upstream sent to the callback (`?error=…&error_description=…`) into an
   * `OAuthError` whose description a person can act on; the upstream's text stays in `cause`.
   */
  describeCallbackError(params: { error: string; error_description?: string }): OAuthError;
}
