import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'oidc-provider';

/** Persists a value once and returns the same value to every instance (the store's secret registry). */
export interface SecretRegistry {
  getOrCreate<T>(name: string, create: () => Promise<T> | T): Promise<T>;
}

/** Generates an ES256 signing key with its RFC 7638 thumbprint as `kid`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg: 'ES256', use: 'sig' } as JWK;
}

/**
 * Signing keys and cookie keys: from configuration when given, else generated once and kept in the
 * store so that tokens and cookies survive restarts and every instance agrees.
 */
export async function resolveKeys(
  secrets: SecretRegistry,
  configured: { signingJwks?: { keys: Record<string, unknown>[] }; cookieKeys?: string[] },
): Promise<{ signingKeys: { keys: JWK[] }; cookieKeys: string[] }> {
  const signingKeys = configured.signingJwks
    ? { keys: configured.signingJwks.keys as JWK[] }
    : await secrets.getOrCreate('signing-keys', async () => ({ keys: [await generateSigningKey()] }));
  const cookieKeys =
    configured.cookieKeys ?? (await secrets.getOrCreate('cookie-keys', () => [randomBytes(32).toString('base64url')]));
  return { signingKeys, cookieKeys };
}
