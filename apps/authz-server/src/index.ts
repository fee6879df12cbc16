export { createAuthzApp, UPSTREAM_CALLBACK_PATH, type AuthzApp, type AuthzAppOptions, type AuthzStore } from './create-authz-app.ts';
export { generateSigningKey, jwkFromPem, algorithmOf, type SigningAlgorithm } from './keys.ts';
