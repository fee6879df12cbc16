import { createPrivateKey, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'oidc-provider';

/** Persists a value once and returns the same value to every instance (the store's secret registry). */
export interface SecretRegistry {
  getOrCreate<T>(name: string, create: () => Promise<T> | T): Promise<T>;
}

/** JWS algorithms we sign access tokens with (RFC 7518 §3.1, RFC 8037); a key's own `alg` wins. */
export type SigningAlgorithm = 'ES256' | 'RS256' | 'PS256' | 'EdDSA';

/** Generates an ES256 signing key with its RFC 7638 thumbprint as `kid`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return withKid({ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig' });
}

/**
 * Converts a PKCS#8 (or SEC1/PKCS#1) PEM private key into a private JWK with `kid` and `alg`.
 *
 * @example
 * const jwk = await jwkFromPem(readFileSync('signing-key.pem', 'utf8')); // { kty: 'EC', crv: 'P-256', alg: 'ES256', kid, … }
 */
export async function jwkFromPem(pem: string): Promise<JWK> {
  const key = createPrivateKey(pem);
  const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
  return withKid({ ...jwk, alg: algorithmOf(jwk), use: 'sig' });
}

/** The algorithm a key signs with; only keys we can sign access tokens with are accepted. */
export function algorithmOf(jwk: Record<string, unknown>): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new TypeError(`unsupported signing key (kty ${String(jwk.kty)}, crv ${String(jwk.crv)}): use EC P-256, RSA or Ed25519`);
}

async function withKid(jwk: Record<string, unknown>): Promise<JWK> {
  const kid = typeof jwk.kid === 'string' ? jwk.kid : await calculateJwkThumbprint(jwk as never);
  return { ...jwk, kid } as JWK;
}

export interface ResolvedKeys {
  /** Private JWKS; the first key signs. */
  signingKeys: { keys: JWK[] };
  /** Algorithm of the first key (its `alg`, else the default for its type): what tokens are signed with. */
  signingAlgorithm: SigningAlgorithm;
  cookieKeys: string[];
}

/**
 * Signing keys and cookie keys: from configuration when given, else generated once and kept in the
 * store so that tokens and cookies survive restarts and every instance agrees.
 */
export async function resolveKeys(
  secrets: SecretRegistry,
  configured: { signingJwks?: { keys: Record<string, unknown>[] }; signingKeyPem?: string; cookieKeys?: string[] },
): Promise<ResolvedKeys> {
  let keys: JWK[];
  if (configured.signingJwks) {
    keys = await Promise.all(configured.signingJwks.keys.map((key) => withKid({ alg: algorithmOf(key), use: 'sig', ...key })));
  } else if (configured.signingKeyPem) {
    keys = [await jwkFromPem(configured.signingKeyPem)];
  } else {
    keys = (await secrets.getOrCreate('signing-keys', async () => ({ keys: [await generateSigningKey()] }))).keys;
  }
  const cookieKeys =
    configured.cookieKeys ?? (await secrets.getOrCreate('cookie-keys', () => [randomBytes(32).toString('base64url')]));
  const first = keys[0] as Record<string, unknown>;
  const signingAlgorithm = (typeof first.alg === 'string' ? first.alg : algorithmOf(first)) as SigningAlgorithm;
  return { signingKeys: { keys }, signingAlgorithm, cookieKeys };
}
