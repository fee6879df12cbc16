import { OAuthError } from '@mcp-bridge/authz-core';
import { aadstsNumber, classifyEntraError, type EntraErrorContext } from './classify-entra-error.ts';

/**
 * Translates the error parameters Entra sent to the callback (RFC 6749 §4.1.2.1), using the
 * bridge's settings so misconfiguration messages name the value to fix.
 */
export function describeEntraCallbackError(params: { error: string; error_description?: string }, context: EntraErrorContext): OAuthError {
  const aadsts = aadstsNumber(undefined, params.error_description);
  const classified = classifyEntraError({ error: params.error, ...(aadsts !== undefined ? { aadsts } : {}) }, context);
  // An authorization response never carries a redeemable-code problem; treat those as a failed sign-in.
  const code = classified.code === 'invalid_grant' ? 'access_denied' : classified.code;
  const cause = new Error(`Entra authorization error ${params.error}: ${params.error_description ?? ''}`);
  return new OAuthError(code, classified.description, { cause });
}
