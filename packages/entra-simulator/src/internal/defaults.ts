import { createHash } from 'node:crypto';

/** Tenant id the simulator uses when none is given. A fixed GUID so dev configs stay valid across restarts. */
export const DEFAULT_TENANT_ID = '4b2e9c7a-1f3d-4e8b-9a6c-5d7e8f9a0b1c';

/** The users the simulator knows when none are given. */
export const DEFAULT_USERS: ReadonlyArray<{ username: string; name: string; oid: string }> = [
  { username: 'alice@contoso.dev', name: 'Alice Example', oid: 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b' },
  { username: 'bob@contoso.dev', name: 'Bob Example', oid: 'b0b5e1c2-8d3e-4f4a-9b0c-1d2e3f4a5b6c' },
];

/** Tenant path segments Entra accepts for multi-tenant apps (personal accounts are out of scope). */
export const MULTI_TENANT_SEGMENTS: ReadonlySet<string> = new Set(['organizations', 'common']);

/** Authorization codes live at most this long (Entra: about 10 minutes). */
export const AUTHORIZATION_CODE_TTL_SECONDS = 600;
/** A sign-in page left open longer than this must be restarted. */
export const PENDING_SIGN_IN_TTL_SECONDS = 600;
/** Access and id token lifetime (Entra's default is 60–90 minutes). */
export const TOKEN_TTL_SECONDS = 3600;
/** Refresh token lifetime (Entra: 90 days sliding). */
export const REFRESH_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
/** Browser SSO session lifetime. */
export const SSO_SESSION_TTL_SECONDS = 8 * 3600;

/**
 * A stable GUID-shaped object id for a user given without one, so restarts keep identities.
 */
export function deriveObjectId(tenantId: string, username: string): string {
  const hex = createHash('sha256').update(`${tenantId}\n${username.toLowerCase()}`).digest('hex');
  // RFC 9562 layout with version 8 (custom) and the variant bits set.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
