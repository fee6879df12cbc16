import { createHash } from 'node:crypto';

/** Ids made only of these characters (the nanoid alphabet oidc-provider uses) are stored verbatim. */
const VERBATIM_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * SHA-256 of a string, base64url without padding (43 characters, all legal in Cosmos ids).
 *
 * @example
 * hashId('https://client.example/metadata.json'); // 'q1…' (43 chars)
 */
export function hashId(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * Maps any string to a legal Cosmos id segment. Cosmos ids cannot contain `/ \ ? #` and are at most
 * 255 characters; client ids from Client ID Metadata Documents are URLs. Ids in the nanoid alphabet
 * (everything oidc-provider generates) stay readable; anything else becomes `~` + SHA-256. `~` never
 * occurs in a verbatim id, so the two forms cannot collide.
 *
 * @example
 * encodeId('Xk3_9a-Q'); // 'Xk3_9a-Q'
 * encodeId('https://app.example/client.json'); // '~' + 43 base64url chars
 */
export function encodeId(value: string): string {
  return VERBATIM_ID.test(value) ? value : `~${hashId(value)}`;
}
