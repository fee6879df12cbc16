/**
 * OAuth error codes this project emits outside oidc-provider's own flows
 * (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 8707 §2, RFC 7591 §3.2.2).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unauthorized_client'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'temporarily_unavailable'
  | 'server_error';

const STATUS: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  invalid_scope: 400,
  invalid_target: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  unauthorized_client: 400,
  access_denied: 403,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  temporarily_unavailable: 503,
  server_error: 500,
};

export interface OAuthErrorOptions {
  /** Log-only detail: the underlying error. Never sent on the wire. */
  cause?: unknown;
  /** Overrides the default HTTP status for the code. */
  status?: number;
}

/**
 * The one error type of our packages. `description` is safe to show to people and clients;
 * `cause` is for logs only.
 *
 * @example
 * throw new OAuthError('temporarily_unavailable', 'Microsoft Entra ID did not answer. Try again in a minute.', { cause: err });
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly description: string;
  readonly status: number;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(`${code}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = options.status ?? STATUS[code];
  }

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** True for errors of this project's type (also across package copies). */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError || (value instanceof Error && value.name === 'OAuthError' && 'code' in value);
}
