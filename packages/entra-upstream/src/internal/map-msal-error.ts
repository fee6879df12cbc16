import { AuthError, ClientConfigurationError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { isOAuthError, OAuthError } from '@mcp-bridge/authz-core';
import { aadstsNumber, classifyEntraError, type EntraErrorContext } from './classify-entra-error.ts';
import { UpstreamCertificateError, UpstreamHostNotAllowedError, UpstreamUnreachableError } from './https-client.ts';

const UNREACHABLE = 'Microsoft Entra ID could not be reached. Try again in a minute.';

const MSAL_UNAVAILABLE_CODES = new Set([
  'network_error', 'endpoints_resolution_error', 'no_network_connectivity', 'request_timeout', 'token_parsing_error',
  'openid_config_error',
]);
const MSAL_MISMATCH_CODES = new Set(['nonce_mismatch', 'state_mismatch', 'state_not_found', 'invalid_state', 'nonce_not_found']);

/**
 * Translates anything MSAL (or our HTTPS client) throws into an `OAuthError`, keeping the original
 * as `cause` and never copying Entra's message into the description.
 */
export function mapMsalError(err: unknown, context: EntraErrorContext): OAuthError {
  if (isOAuthError(err)) return err;
  if (err instanceof ServerError || err instanceof InteractionRequiredAuthError) {
    const classified = classifyEntraError(
      {
        ...(err.errorCode ? { error: err.errorCode } : {}),
        ...(() => {
          const n = aadstsNumber(err.errorNo, err.errorMessage);
          return n === undefined ? {} : { aadsts: n };
        })(),
        ...(err instanceof ServerError && err.status !== undefined ? { status: err.status } : {}),
      },
      context,
    );
    return new OAuthError(classified.code, classified.description, { cause: err });
  }
  if (err instanceof UpstreamUnreachableError) return new OAuthError('temporarily_unavailable', UNREACHABLE, { cause: err });
  if (err instanceof UpstreamHostNotAllowedError) {
    return new OAuthError('server_error', 'The bridge refused to call a host other than its configured Entra authority host.', { cause: err });
  }
  if (err instanceof UpstreamCertificateError) return certificateError(err);
  if (err instanceof ClientConfigurationError) {
    return new OAuthError(
      'server_error',
      `The bridge's Entra configuration is invalid (MSAL ${err.errorCode}). Check the authority host, tenant id and client id.`,
      { cause: err },
    );
  }
  if (err instanceof AuthError) {
    const inner = (err as { cause?: unknown }).cause;
    if (inner instanceof UpstreamHostNotAllowedError || inner instanceof UpstreamCertificateError) return mapMsalError(inner, context);
    if (MSAL_UNAVAILABLE_CODES.has(err.errorCode)) return new OAuthError('temporarily_unavailable', UNREACHABLE, { cause: err });
    if (MSAL_MISMATCH_CODES.has(err.errorCode)) {
      return new OAuthError('access_denied', 'The sign-in response did not match this sign-in attempt. Start the sign-in again.', { cause: err });
    }
    return new OAuthError('server_error', `Signing in with Microsoft Entra ID failed (MSAL ${err.errorCode}).`, { cause: err });
  }
  return new OAuthError('server_error', 'Signing in with Microsoft Entra ID failed unexpectedly.', { cause: err });
}

/** A TLS trust failure is a configuration problem, not an outage. */
export function certificateError(err: UpstreamCertificateError): OAuthError {
  return new OAuthError(
    'server_error',
    `The bridge does not trust the TLS certificate of its Entra authority host (${err.code}). For the dev simulator, pass its CA as caCertPem.`,
    { cause: err },
  );
}
