export { createAuthzApp, UPSTREAM_CALLBACK_PATH, type AuthzApp, type AuthzAppOptions, type AuthzStore } from './create-authz-app.ts';
export { generateSigningKey } from './keys.ts';
