import type { AuthInfo as SdkAuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

/** The signed-in user a request acts for, from the verified token only (A20). */
export interface McpUser {
  /** Partition key of the user's data: `${tid}:${oid}`. */
  userKey: string;
  tenantId: string;
  objectId: string;
  name: string | undefined;
  username: string | undefined;
}

/**
 * The user of a verified token (`extra.authInfo` in a tool), or `undefined` when the token names no
 * user (no `tid`/`oid`, e.g. client credentials): such tokens get no user data (A20). Never read from
 * tool arguments.
 */
export function userOf(authInfo: SdkAuthInfo | undefined): McpUser | undefined {
  const extra = authInfo?.extra;
  if (!extra) return undefined;
  const tenantId = extra['tenantId'];
  const objectId = extra['objectId'];
  if (!isIdPart(tenantId) || !isIdPart(objectId)) return undefined;
  return {
    userKey: `${tenantId}:${objectId}`,
    tenantId,
    objectId,
    name: typeof extra['name'] === 'string' ? extra['name'] : undefined,
    username: typeof extra['username'] === 'string' ? extra['username'] : undefined,
  };
}

/** Who owns a session: the user, or for user-less tokens the client and subject. */
export function sessionOwnerOf(authInfo: SdkAuthInfo): string {
  const user = userOf(authInfo);
  if (user) return `user:${user.userKey}`;
  const subject = authInfo.extra?.['subject'];
  return `client:${authInfo.clientId}:${typeof subject === 'string' ? subject : ''}`;
}

/** A `tid`/`oid` usable in a key: non-empty and without the `:` separator, so keys cannot collide. */
function isIdPart(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128 && !value.includes(':');
}
