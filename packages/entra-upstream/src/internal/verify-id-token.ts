import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { OAuthError, type UpstreamIdentity } from '@mcp-bridge/authz-core';
import { UpstreamCertificateError } from './https-client.ts';
import { certificateError } from './map-msal-error.ts';

/** Default allowance for clock differences between the bridge and Entra. */
export const CLOCK_TOLERANCE_SECONDS = 120;

/** What an id_token is checked against. */
export interface IdTokenVerifierOptions {
  /** The app registration's client id: the required `aud`. */
  clientId: string;
  /** The v2.0 `issuer` from discovery; `{tenantid}` is replaced by the token's `tid` (multi-tenant). */
  issuerTemplate: string;
  /** Resolves the v1.0 issuer template (`https://sts.windows.net/{tenantid}/`), asked only for v1.0 tokens. */
  v1IssuerTemplate: () => Promise<string>;
  /** The tenant's signing keys. */
  jwks: JWTVerifyGetKey;
  /** When set, only these tenants (`tid`) may sign in. */
  allowedTenantIds?: readonly string[];
  clockToleranceSeconds?: number;
  /** For tests: the time to verify at. */
  currentDate?: Date;
}

const NOT_VERIFIED = 'The sign-in response from Microsoft Entra ID could not be verified.';

function claim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function mapJoseError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof UpstreamCertificateError) return certificateError(err);
  if (err instanceof errors.JWKSTimeout) {
    return new OAuthError('temporarily_unavailable', 'Microsoft Entra ID signing keys could not be fetched in time. Try again in a minute.', { cause: err });
  }
  if (err instanceof errors.JWTExpired) {
    return new OAuthError('access_denied', `${NOT_VERIFIED} The id_token has expired; check the server clock.`, { cause: err });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return new OAuthError('access_denied', `${NOT_VERIFIED} Its '${err.claim}' claim does not match this server.`, { cause: err });
  }
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWKSMultipleMatchingKeys ||
    err instanceof errors.JOSEAlgNotAllowed ||
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JOSENotSupported
  ) {
    return new OAuthError('access_denied', `${NOT_VERIFIED} Its signature is not valid.`, { cause: err });
  }
  // Fetching the JWKS failed (network, TLS, non-200, invalid JSON).
  return new OAuthError('temporarily_unavailable', 'Microsoft Entra ID signing keys could not be fetched. Try again in a minute.', { cause: err });
}

/**
 * Verifies an Entra id_token (OIDC Core §3.1.3.7) and returns who signed in: RS256 only, signature
 * against the tenant JWKS, `iss` (per-tenant for multi-tenant apps; v1.0 and v2.0 tokens), `aud`,
 * `exp`/`nbf` with a small tolerance, `nonce`, and the presence of `tid` and `oid`.
 *
 * MSAL does not check the signature, so this is the bridge's only proof of who signed in.
 */
export async function verifyIdToken(idToken: string, expectedNonce: string, options: IdTokenVerifierOptions): Promise<UpstreamIdentity> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(idToken);
  } catch (err) {
    throw new OAuthError('access_denied', `${NOT_VERIFIED} It is not a JWT.`, { cause: err });
  }
  const tid = claim(unverified, 'tid');
  if (tid === undefined || !/^[0-9a-f-]{36}$/i.test(tid)) {
    throw new OAuthError('access_denied', 'Microsoft Entra ID did not say which organization this account belongs to (no tid claim), so it cannot be used here.');
  }
  let payload: JWTPayload;
  try {
    const template = unverified['ver'] === '1.0' ? await options.v1IssuerTemplate() : options.issuerTemplate;
    ({ payload } = await jwtVerify(idToken, options.jwks, {
      algorithms: ['RS256'],
      issuer: template.replaceAll('{tenantid}', tid),
      audience: options.clientId,
      clockTolerance: options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['iat', 'exp'],
      ...(options.currentDate !== undefined ? { currentDate: options.currentDate } : {}),
    }));
  } catch (err) {
    throw mapJoseError(err);
  }
  if (claim(payload, 'nonce') !== expectedNonce) {
    throw new OAuthError('access_denied', `${NOT_VERIFIED} It belongs to another sign-in attempt (nonce mismatch). Start the sign-in again.`);
  }
  const oid = claim(payload, 'oid');
  if (oid === undefined) {
    throw new OAuthError('access_denied', 'Microsoft Entra ID did not return an object id (oid claim) for this account, so it cannot be used here.');
  }
  if (options.allowedTenantIds !== undefined && !options.allowedTenantIds.some((t) => t.toLowerCase() === tid.toLowerCase())) {
    throw new OAuthError('access_denied', `Accounts from organization ${tid} are not allowed to use this server.`);
  }
  const identity: UpstreamIdentity = { tenantId: tid, objectId: oid };
  const name = claim(payload, 'name');
  const username = claim(payload, 'preferred_username') ?? claim(payload, 'upn') ?? claim(payload, 'unique_name') ?? claim(payload, 'email');
  const email = claim(payload, 'email');
  if (name !== undefined) identity.name = name;
  if (username !== undefined) identity.username = username;
  if (email !== undefined) identity.email = email;
  return identity;
}
