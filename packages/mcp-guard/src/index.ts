export {
  createTokenVerifier,
  DEFAULT_ALGORITHMS,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_JWKS_COOLDOWN_SECONDS,
  type AuthInfo,
  type TokenUser,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './verify-token.ts';
export {
  authenticateRequest,
  insufficientScope,
  type AuthenticateRequestOptions,
  type AuthenticateResult,
  type GuardFailure,
  type GuardRequest,
  type GuardSuccess,
  type RequestHeaders,
} from './authenticate-request.ts';
export { bearerChallenge, type BearerChallengeOptions } from './bearer-challenge.ts';
export {
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
} from './protected-resource-metadata.ts';
export { requireScopes } from './require-scopes.ts';
export { GuardError, isGuardError, type GuardErrorCode, type GuardErrorOptions } from './errors.ts';
export {
  createNodeBearerGuard,
  sendGuardFailure,
  type AuthenticatedIncomingMessage,
  type NodeBearerGuard,
} from './adapters/node.ts';
