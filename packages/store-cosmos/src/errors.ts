/**
 * A second `consume` of a one-time artefact (authorization code, rotated refresh token, device
 * code, PAR …), typically the loser of two concurrent token requests. Shaped like oidc-provider's
 * own `InvalidGrant` (`expose`, `statusCode`, `message` = error code), so the token endpoint answers
 * `400 invalid_grant` instead of issuing a second set of tokens (RFC 6749 §4.1.2, §10.5).
 *
 * @example
 * try { await adapter.consume(code); } catch (err) { if (err instanceof AlreadyConsumedError) … }
 */
export class AlreadyConsumedError extends Error {
  /** OAuth error code, as oidc-provider renders it. */
  readonly error = 'invalid_grant';
  /** Wire-safe description (same text as oidc-provider's `InvalidGrant`). */
  readonly error_description = 'grant request is invalid';
  /** Log-only detail. */
  readonly error_detail: string;
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  /** Model whose document was already consumed or is gone. */
  readonly model: string;

  constructor(model: string) {
    super('invalid_grant');
    this.name = 'AlreadyConsumedError';
    this.model = model;
    this.error_detail = `${model} already consumed or no longer exists`;
  }
}

/**
 * An optimistic-concurrency write (etag precondition) kept losing to concurrent writers. The last
 * Cosmos error is the `cause`.
 *
 * @example
 * if (err instanceof StoreContentionError) log.error({ what: err.what }, 'hot document');
 */
export class StoreContentionError extends Error {
  /** Which logical write kept conflicting (never contains ids or payloads). */
  readonly what: string;

  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what}: still conflicting after ${attempts} attempts`, { cause });
    this.name = 'StoreContentionError';
    this.what = what;
  }
}
