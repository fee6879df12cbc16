export type { UpstreamIdp, UpstreamIdentity, UpstreamAuthorizationRequest, UpstreamCallback } from './upstream.ts';
export { OAuthError, isOAuthError, type OAuthErrorCode, type OAuthErrorOptions } from './errors.ts';
export {
  RESOURCE_SCOPES,
  OIDC_SCOPES,
  SUPPORTED_SCOPES,
  isResourceScope,
  parseScope,
  withDefaultResourceScopes,
  describeScopes,
  coversScopes,
  type ResourceScope,
  type ScopeDescription,
} from './scopes.ts';
export { canonicalResource, isSameResource } from './resource.ts';
export { accountIdFor } from './account-id.ts';
export {
  classifyRedirectUri,
  applyClientRegistrationPolicy,
  isMetadataDocumentClientId,
  isSameRedirectTarget,
  type RedirectUriKind,
} from './client-registration-policy.ts';
export {
  createProviderConfiguration,
  AUTHORIZATION_CODE_TTL_SECONDS,
  METADATA_DOCUMENT_MAX_BYTES,
  CLIENT_JWKS_MAX_BYTES,
  METADATA_DOCUMENT_CACHE_SECONDS,
  INTERACTION_TTL_SECONDS,
  SESSION_TTL_SECONDS,
  type ProviderConfigurationOptions,
  type AccountClaims,
  type AccountReader,
} from './provider-configuration.ts';
export {
  checkMetadataDocumentUrl,
  describeClientIdentity,
  displayClientName,
  CLIENT_NAME_MAX_LENGTH,
  hostMatches,
  type ClientIdentity,
  type ClientProvenance,
  type MetadataDocumentPolicy,
} from './client-trust.ts';
export { KNOWN_CLIENT_REDIRECT_URIS, preregisteredClientMetadata, type PreregisteredClient } from './preregistered-clients.ts';
