import { createRemoteJWKSet, customFetch, decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { GuardError } from './errors.ts';

/** Signature algorithms accepted when none are configured (RFC 8725 §3.1: an explicit allow-list). */
export const DEFAULT_ALGORITHMS: readonly string[] = ['ES256', 'RS256', 'PS256', 'EdDSA'];

/** Clock skew tolerated on `exp`/`nbf`/`iat` when not configured. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

/** Time after a JWKS fetch before an unknown `kid` may trigger another fetch, when not configured. */
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** The authorization server's issuer; the token's `iss` must equal it byte for byte. */
  issuer: string;
  /** This resource's identifier (the MCP URL); the token's `aud` must contain it (RFC 8707, RFC 9068 §4). */
  audience: string;
  /** Where the issuer publishes its signing keys, e.g. `http://localhost:9000/jwks`. */
  jwksUri: string | URL;
  /** Allowed `alg` values; defaults to {@link DEFAULT_ALGORITHMS}. `none` and HMAC algorithms are refused. */
  algorithms?: string[];
  /** Clock skew tolerated on time claims; default 60. */
  clockToleranceSeconds?: number;
  /** Minimum time between two JWKS fetches caused by unknown `kid`s (key rotation); default 30. */
  jwksCooldownSeconds?: number;
  /** Fetch used for the JWKS (tests, proxies); defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * Asked after the signature and claims check out: is the authorization behind this token still in
   * force? JWT access tokens (RFC 9068) cannot be revoked one by one, so a resource server that must
   * honour revocation asks the authorization server's store (RFC 7009 §2 leaves that to the servers).
   * `false` → 401 `invalid_token`; a throw → 503 `temporarily_unavailable` (fail closed, never a 401).
   */
  isActive?: (claims: JWTPayload) => Promise<boolean>;
}

/**
 * The verified user of an access token (RFC 9068 §2.2 claims). A type alias, not an interface, so it
 * is assignable to the MCP SDK's `extra: Record<string, unknown>`.
 */
export type TokenUser = {
  /** `sub`: the authorization server's account id. */
  subject: string;
  /** `tid`: the Microsoft Entra tenant id, when the token is for a user. */
  tenantId: string | undefined;
  /** `oid`: the user's Entra object id, when the token is for a user. */
  objectId: string | undefined;
  /** `name` claim. */
  name?: string;
  /** `preferred_username` claim. */
  username?: string;
};

/**
 * A verified access token. Structurally compatible with the MCP SDK's `AuthInfo`
 * (`token`, `clientId`, `scopes`, `expiresAt`, `resource`, `extra`), so it can be set as `req.auth`
 * for `StreamableHTTPServerTransport`; the user is repeated in `extra` because handlers only see
 * the SDK's type (`extra.authInfo.extra`).
 */
export interface AuthInfo extends TokenUser {
  /** The raw access token. Never log it and never forward it upstream (RS5, RS9). */
  token: string;
  /** `client_id`: the OAuth client the token was issued to. */
  clientId: string;
  /** The granted scopes (`scope` claim, RFC 9068 §2.2.3). */
  scopes: string[];
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
  /** The resource this token was verified for. */
  resource: URL;
  /** The user again, for consumers typed with the MCP SDK's `AuthInfo`. */
  extra: TokenUser & { claims: JWTPayload };
  /** Every verified claim. */
  claims: JWTPayload;
}

/** Verifies bearer access tokens of one issuer for one resource. */
export interface TokenVerifier {
  /**
   * Verifies a JWT access token (RFC 9068). Rejects with a {@link GuardError}: `invalid_token` (401)
   * for any token we must not accept, `temporarily_unavailable` (503) when the issuer's keys cannot be
   * fetched — a valid token is never answered 401 because of our own outage.
   */
  verify(token: string): Promise<AuthInfo>;
}

const FORBIDDEN_ALGORITHMS = /^(none|HS\d+)$/i;

/** jose errors that mean "this token is not acceptable" (as opposed to "we could not check it"). */
const TOKEN_ERROR_CODES = new Set<string>([
  errors.JWTExpired.code,
  errors.JWTClaimValidationFailed.code,
  errors.JWTInvalid.code,
  errors.JWSInvalid.code,
  errors.JWSSignatureVerificationFailed.code,
  errors.JOSEAlgNotAllowed.code,
  errors.JOSENotSupported.code,
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
]);

/**
 * Creates a verifier for JWT access tokens (RFC 9068) signed by `issuer` for `audience`: signature
 * against the issuer's JWKS (cached; an unknown `kid` refetches it after a cooldown) with an algorithm
 * allow-list, `typ: at+jwt`, `iss` exact, `aud` containing the resource, `exp` required, `nbf`/`iat`
 * honoured with a clock tolerance (RFC 8725, MCP authorization "Token Validation").
 *
 * @example
 * const verifier = createTokenVerifier({
 *   issuer: 'http://localhost:9000',
 *   audience: 'http://localhost:9100/mcp',
 *   jwksUri: 'http://localhost:9000/jwks',
 * });
 * const auth = await verifier.verify(token); // auth.scopes, auth.tenantId, auth.objectId
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const algorithms = options.algorithms ?? [...DEFAULT_ALGORITHMS];
  if (algorithms.length === 0) throw new TypeError('algorithms must list at least one algorithm');
  const forbidden = algorithms.filter((alg) => FORBIDDEN_ALGORITHMS.test(alg));
  if (forbidden.length > 0) {
    throw new TypeError(`algorithms must not include ${forbidden.join(', ')}: access tokens are verified with the issuer's public keys`);
  }
  if (options.issuer.length === 0 || options.audience.length === 0) {
    throw new TypeError('issuer and audience are required');
  }
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const jwksUrl = new URL(options.jwksUri);
  const keys = createRemoteJWKSet(jwksUrl, {
    cooldownDuration: (options.jwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS) * 1000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  const resource = new URL(options.audience);

  return {
    async verify(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms,
          typ: 'at+jwt',
          clockTolerance,
          requiredClaims: ['exp', 'sub', 'client_id'],
        }));
      } catch (err) {
        throw describeFailure(err, token, options);
      }
      if (options.isActive) {
        let active: boolean;
        try {
          active = await options.isActive(payload);
        } catch (err) {
          throw new GuardError('temporarily_unavailable', 'Whether this access token is still valid could not be checked. Try again shortly.', { cause: err });
        }
        if (!active) {
          throw new GuardError('invalid_token', 'The authorization behind this access token was revoked or has ended. Sign in again.');
        }
      }
      return toAuthInfo(token, payload, resource);
    },
  };
}

function toAuthInfo(token: string, claims: JWTPayload, resource: URL): AuthInfo {
  const user: TokenUser = {
    subject: stringClaim(claims, 'sub') ?? '',
    tenantId: stringClaim(claims, 'tid'),
    objectId: stringClaim(claims, 'oid'),
  };
  const name = stringClaim(claims, 'name');
  const username = stringClaim(claims, 'preferred_username');
  if (name !== undefined) user.name = name;
  if (username !== undefined) user.username = username;
  const scope = stringClaim(claims, 'scope');
  return {
    token,
    clientId: stringClaim(claims, 'client_id') ?? '',
    scopes: scope === undefined ? [] : scope.split(' ').filter((s) => s.length > 0),
    expiresAt: claims.exp ?? 0,
    resource,
    ...user,
    extra: { ...user, claims },
    claims,
  };
}

function stringClaim(claims: JWTPayload, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Turns a jose failure into a description a person can act on; the jose error stays in `cause`. */
function describeFailure(err: unknown, token: string, options: TokenVerifierOptions): GuardError {
  const code = err instanceof errors.JOSEError ? err.code : undefined;
  if (code === undefined || !TOKEN_ERROR_CODES.has(code)) {
    return new GuardError(
      'temporarily_unavailable',
      `The signing keys of ${options.issuer} could not be fetched, so the access token could not be checked. Try again shortly.`,
      { cause: err },
    );
  }
  const invalid = (description: string): GuardError => new GuardError('invalid_token', description, { cause: err });
  const peek = peekToken(token);

  if (err instanceof errors.JWTExpired) {
    return invalid('The access token has expired. Refresh it or sign in again.');
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'typ':
        return invalid('The token is not an OAuth access token (its typ must be at+jwt); ID tokens and other JWTs are not accepted.');
      case 'iss':
        return invalid(`The access token was issued by another authorization server; only tokens issued by ${options.issuer} are accepted.`);
      case 'aud':
        return invalid(`The access token was issued for another resource; request one for ${options.audience} (resource parameter, RFC 8707).`);
      case 'nbf':
        return invalid('The access token is not valid yet (nbf is in the future); check the clocks or request a new token.');
      case 'iat':
        return invalid('The access token was issued in the future (iat); check the clocks or request a new token.');
      case 'exp':
        return invalid(err.reason === 'missing'
          ? 'The access token has no expiry (exp claim); only expiring access tokens are accepted.'
          : 'The access token has an invalid expiry (exp claim).');
      case 'sub':
      case 'client_id':
        return invalid(`The access token lacks the ${err.claim} claim required of JWT access tokens (RFC 9068).`);
      default:
        return invalid(`The access token's ${err.claim} claim is invalid.`);
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) {
    return invalid(`The access token is signed with an algorithm this server does not accept (allowed: ${(options.algorithms ?? DEFAULT_ALGORITHMS).join(', ')}).`);
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return invalid('The access token is not a well-formed signed JWT.');
  }
  // Signature or key failures: say "another issuer" when the (unverified) iss shows it, e.g. an
  // Entra token passed straight through (attack A14).
  if (peek.iss !== undefined && peek.iss !== options.issuer) {
    return invalid(`The access token was issued by another authorization server; only tokens issued by ${options.issuer} are accepted.`);
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid(`The access token is signed with a key that ${options.issuer} does not publish; request a new token.`);
  }
  return invalid('The access token signature is invalid.');
}

/** Reads the unverified claims, only to choose an error description. */
function peekToken(token: string): { iss?: string } {
  try {
    const claims = decodeJwt(token);
    return typeof claims.iss === 'string' ? { iss: claims.iss } : {};
  } catch {
    return {};
  }
}
