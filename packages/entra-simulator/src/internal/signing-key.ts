import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The RS256 key the simulator signs tokens with, and its public JWK as published at the keys endpoint. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK & { kid: string; kty: string; use: 'sig' };
}

const FILE = 'signing-key.jwk.json';

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  const privateKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const { n, e, kty } = jwk;
  if (kty !== 'RSA' || n === undefined || e === undefined) throw new Error('signing key is not an RSA key');
  // Entra publishes kty/use/kid/n/e (plus x5c) and no `alg`; mirror that so clients cope with it.
  return { kid, privateKey, publicJwk: { kty, use: 'sig', kid, n, e } };
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  return exportJWK(privateKey);
}

/**
 * Creates the token signing key, or loads it from `dir` so tokens and cached JWKS stay valid
 * across restarts of a developer's stack.
 */
export async function loadOrCreateSigningKey(dir?: string): Promise<SigningKey> {
  if (dir === undefined) return fromPrivateJwk(await generatePrivateJwk());
  const path = join(dir, FILE);
  try {
    return await fromPrivateJwk(JSON.parse(await readFile(path, 'utf8')) as JWK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await generatePrivateJwk();
  await writeFile(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  return fromPrivateJwk(jwk);
}
