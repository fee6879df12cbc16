import type { OAuthError } from '@mcp-bridge/authz-core';
import { describeEntraCallbackError } from './internal/describe-callback-error.ts';

/** The error parameters of an authorization response (RFC 6749 §4.1.2.1) sent by Entra to the callback. */
export interface UpstreamErrorParams {
  error: string;
  error_description?: string;
}

/**
 * Turns `?error=…&error_description=AADSTS…` on the bridge's callback into an `OAuthError` with a
 * description people can act on. Entra's text is kept only in `cause` (house-style rule 7).
 * `UpstreamIdp.describeCallbackError` of `createEntraUpstream` does the same and also names
 * the configured value to fix.
 *
 * @example
 * // The user pressed "Cancel" at Entra:
 * describeUpstreamError({ error: 'access_denied', error_description: 'AADSTS65004: User declined to consent…' });
 * // → OAuthError access_denied "You cancelled the sign-in or declined consent at Microsoft Entra ID (AADSTS65004)."
 *
 * @example
 * // The app registration lacks the bridge's redirect URI:
 * describeUpstreamError({ error: 'invalid_request', error_description: 'AADSTS50011: The redirect URI …' }).code; // 'server_error'
 */
export function describeUpstreamError(params: UpstreamErrorParams): OAuthError {
  return describeEntraCallbackError(params, {});
}
