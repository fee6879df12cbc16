/**
 * OAuth error codes the guard emits (RFC 6750 §3.1, plus the 5xx codes of RFC 6749 §4.1.2.1 for
 * failures that are ours, not the client's).
 */
export type GuardErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'server_error';

const STATUS: Record<GuardErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  temporarily_unavailable: 503,
  server_error: 500,
};

/** Options of {@link GuardError}. */
export interface GuardErrorOptions {
  /** Log-only detail: the underlying error (e.g. jose's `JWTExpired`). Never sent on the wire. */
  cause?: unknown;
  /** Overrides the default HTTP status of the code. */
  status?: number;
}

/**
 * The guard's error: an OAuth `code`, a `description` a person can act on (safe for the wire) and
 * the original error as log-only `cause`. It is shaped like `@mcp-bridge/authz-core`'s `OAuthError`
 * (same `name`, `code`, `description`, `status`, `toJSON()`), so `isOAuthError()` recognises it,
 * without making this reusable package depend on the authorization server's core.
 *
 * @example
 * throw new GuardError('invalid_token', 'The access token expired. Refresh it or sign in again.', { cause: err });
 */
export class GuardError extends Error {
  /** OAuth error code (RFC 6750 §3.1). */
  readonly code: GuardErrorCode;
  /** Wire-safe, human-actionable explanation. */
  readonly description: string;
  /** HTTP status to answer with. */
  readonly status: number;

  constructor(code: GuardErrorCode, description: string, options: GuardErrorOptions = {}) {
    super(`${code}: ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.description = description;
    this.status = options.status ?? STATUS[code];
  }

  /** The RFC 6749 §5.2 / RFC 6750 §3 JSON body. */
  toJSON(): { error: GuardErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * True for a {@link GuardError} (also one from another copy of this package).
 *
 * @example
 * try { await verifier.verify(token) } catch (err) { if (isGuardError(err)) reply(err.status, err.toJSON()) }
 */
export function isGuardError(value: unknown): value is GuardError {
  return (
    value instanceof GuardError ||
    (value instanceof Error && value.name === 'OAuthError' && 'code' in value && 'description' in value && 'status' in value)
  );
}
