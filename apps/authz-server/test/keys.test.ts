import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { algorithmOf, jwkFromPem, resolveKeys, type SecretRegistry } from '../src/keys.ts';

function memorySecrets(): SecretRegistry & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    async getOrCreate<T>(name: string, create: () => Promise<T> | T): Promise<T> {
      if (!values.has(name)) values.set(name, await create());
      return values.get(name) as T;
    },
  };
}

describe('signing keys (RFC 7517, RFC 7638)', () => {
  it('converts PEM private keys and picks the algorithm from the key type', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const [ecJwk, rsaJwk, edJwk] = await Promise.all([jwkFromPem(ec), jwkFromPem(rsa), jwkFromPem(ed)]);
    assert.equal(ecJwk.alg, 'ES256');
    assert.equal(rsaJwk.alg, 'RS256');
    assert.equal(edJwk.alg, 'EdDSA');
    for (const jwk of [ecJwk, rsaJwk, edJwk]) {
      assert.ok(typeof jwk.kid === 'string' && jwk.kid.length > 20, 'kid is the RFC 7638 thumbprint');
      assert.ok('d' in jwk, 'private part kept');
    }
  });

  it('refuses key types it cannot sign access tokens with', () => {
    assert.throws(() => algorithmOf({ kty: 'EC', crv: 'P-384' }), /unsupported signing key/);
  });

  it('generates keys once and keeps them in the store so instances and restarts agree', async () => {
    const secrets = memorySecrets();
    const first = await resolveKeys(secrets, {});
    const second = await resolveKeys(secrets, {});
    assert.deepEqual(second, first);
    assert.equal(first.signingAlgorithm, 'ES256');
    assert.equal(first.cookieKeys.length, 1);
    assert.ok(first.cookieKeys[0]!.length >= 32);
  });

  it('prefers configured keys and never stores them', async () => {
    const secrets = memorySecrets();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const keys = await resolveKeys(secrets, { signingKeyPem: rsa, cookieKeys: ['k'.repeat(32)] });
    assert.equal(keys.signingAlgorithm, 'RS256');
    assert.deepEqual(keys.cookieKeys, ['k'.repeat(32)]);
    assert.equal(secrets.values.size, 0);
  });
});
