import { randomUUID } from 'node:crypto';

/**
 * An error the simulator answers with, shaped like Entra's: an OAuth `error` plus an AADSTS code
 * whose number also appears in `error_codes` and at the start of `error_description`.
 */
export class EntraError extends Error {
  readonly error: string;
  readonly aadsts: number;
  readonly detail: string;
  readonly status: number;

  constructor(error: string, aadsts: number, detail: string, status = 400) {
    super(`AADSTS${aadsts}: ${detail}`);
    this.name = 'EntraError';
    this.error = error;
    this.aadsts = aadsts;
    this.detail = detail;
    this.status = status;
  }
}

/** Request-scoped ids Entra prints with every error. */
export interface TraceIds {
  traceId: string;
  correlationId: string;
  timestamp: Date;
}

/** Uses the caller's `client-request-id` as the correlation id, as Entra does. */
export function traceIds(clientRequestId: string | undefined, now: Date): TraceIds {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  return {
    traceId: randomUUID(),
    correlationId: clientRequestId !== undefined && uuid.test(clientRequestId) ? clientRequestId : randomUUID(),
    timestamp: now,
  };
}

/** Entra's timestamp format: `2026-11-24 16:04:24Z`. */
function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `AADSTS…: detail` followed by the trace lines Entra appends (CRLF separated). */
export function errorDescription(err: EntraError, ids: TraceIds): string {
  return `${err.message}\r\nTrace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${entraTimestamp(ids.timestamp)}`;
}

/** The JSON body of a token or discovery endpoint error. */
export function errorBody(err: EntraError, ids: TraceIds): Record<string, unknown> {
  return {
    error: err.error,
    error_description: errorDescription(err, ids),
    error_codes: [err.aadsts],
    timestamp: entraTimestamp(ids.timestamp),
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
  };
}

/** Catalogue of the AADSTS errors the simulator emits, with Entra's wording. */
export const aadsts = {
  tenantNotFound: (tenant: string) =>
    new EntraError('invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  unknownClient: (clientId: string, tenant: string) =>
    new EntraError('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  redirectMismatch: (redirectUri: string, clientId: string) =>
    new EntraError('invalid_request', 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`),
  missingParameter: (name: string) =>
    new EntraError('invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  malformed: () => new EntraError('invalid_request', 9002313, 'Invalid request. Request is malformed or invalid.'),
  unsupportedResponseType: (value: string) =>
    new EntraError('unsupported_response_type', 700054, `response_type '${value}' is not enabled for the application.`),
  unsupportedResponseMode: (value: string) =>
    new EntraError('invalid_request', 900144, `The provided value '${value}' for the input parameter 'response_mode' is not valid.`),
  invalidScope: (scope: string) =>
    new EntraError('invalid_scope', 70011, `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`),
  multipleResources: () =>
    new EntraError('invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope openid profile offline_access is not valid.'),
  resourceParameter: () =>
    new EntraError('invalid_target', 9010010, "The resource parameter provided in the request doesn't match with the requested scopes."),
  pkceMethod: (method: string) =>
    new EntraError('invalid_request', 9002313, `Invalid request. Request is malformed or invalid. The code_challenge_method '${method}' is not supported; use 'S256'.`),
  invalidPrompt: (value: string) =>
    new EntraError('invalid_request', 90023, `Unsupported 'prompt' value '${value}'.`),
  loginRequired: () =>
    new EntraError('login_required', 50058, 'A silent sign-in request was sent but no user is signed in.'),
  userCancelled: () => new EntraError('access_denied', 65004, 'User declined to consent to access the app.'),
  unknownUser: () =>
    new EntraError('invalid_grant', 50034, "The user account {EUII Hidden} does not exist in the directory. To sign into this application, the account must be added to the directory."),
  signInExpired: () =>
    new EntraError('invalid_request', 50196, 'This sign-in request is no longer valid: it expired or was already completed. Go back to the application and sign in again.'),
  unsupportedGrantType: (value: string) =>
    new EntraError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${value}'.`),
  missingClientSecret: () =>
    new EntraError('invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 401),
  invalidClientSecret: (clientId: string) =>
    new EntraError('invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, 401),
  codeExpired: () =>
    new EntraError('invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  codeRedeemed: () =>
    new EntraError('invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  invalidCode: () => new EntraError('invalid_grant', 70000, "The provided value for the 'code' parameter is not valid."),
  codeForOtherClient: () =>
    new EntraError('invalid_grant', 70000, 'The provided authorization code was issued to a different client.'),
  codeForOtherTenant: () =>
    new EntraError('invalid_grant', 700005, 'Provided Authorization Code is intended to use against other tenant, thus rejected.'),
  tokenRedirectMismatch: (redirectUri: string) =>
    new EntraError('invalid_grant', 500112, `The reply address '${redirectUri}' does not match the reply address provided when requesting Authorization code.`),
  pkceMismatch: () =>
    new EntraError('invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  invalidRefreshToken: () =>
    new EntraError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid. The refresh token is not valid.'),
  refreshTokenForOtherClient: () =>
    new EntraError('invalid_grant', 700003, 'The refresh token was issued to a different client.'),
} as const;
