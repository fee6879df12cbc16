import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportSPKI, importJWK, SignJWT, type CryptoKey } from 'jose';
import { createTokenVerifier, GuardError, isGuardError, type TokenVerifier } from '../src/index.ts';
import { b64json, generateTestKey, startTestIssuer, type TestIssuer } from './fixtures/issuer.ts';

const RESOURCE = 'http://localhost:9100/mcp';

/** Asserts `promise` rejects with a GuardError of `code` whose description matches `description`. */
async function rejectsWith(promise: Promise<unknown>, code: string, description: string | RegExp, status = 401): Promise<GuardError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isGuardError(err), `expected a GuardError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    if (typeof description === 'string') assert.equal(err.description, description);
    else assert.match(err.description, description);
    assert.deepEqual(err.toJSON(), { error: code, error_description: err.description });
    return err;
  }
  assert.fail('expected verify() to reject');
}

describe('createTokenVerifier — JWT access tokens (RFC 9068, RFC 8725)', () => {
  let idp: TestIssuer;
  let verifier: TokenVerifier;
  const now = (): number => Math.floor(Date.now() / 1000);

  before(async () => {
    idp = await startTestIssuer({ audience: RESOURCE });
    verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri });
  });
  after(() => idp.close());

  it('accepts a valid access token and returns the user, client and scopes', async () => {
    const token = await idp.mint();
    const auth = await verifier.verify(token);
    assert.equal(auth.token, token);
    assert.equal(auth.clientId, 'client-1');
    assert.deepEqual(auth.scopes, ['openid', 'offline_access', 'mcp:read', 'mcp:write']);
    assert.equal(auth.subject, 'account-alice');
    assert.equal(auth.objectId, '11111111-1111-4111-8111-111111111111');
    assert.equal(auth.tenantId, '99999999-9999-4999-8999-999999999999');
    assert.equal(auth.name, 'Alice Example');
    assert.equal(auth.username, 'alice@example.com');
    assert.equal(auth.resource.href, RESOURCE);
    assert.equal(typeof auth.expiresAt, 'number');
    assert.equal(auth.extra.objectId, auth.objectId);
    assert.equal(auth.claims.jti !== undefined, true);
  });

  it('accepts an aud array containing the resource and typ application/at+jwt', async () => {
    const token = await idp.mint({ aud: ['http://other.example/api', RESOURCE] }, { header: { typ: 'application/at+jwt' } });
    assert.equal((await verifier.verify(token)).clientId, 'client-1');
  });

  it('accepts a token expired within the 60 s clock tolerance', async () => {
    const token = await idp.mint({ iat: now() - 400, exp: now() - 30 });
    assert.equal((await verifier.verify(token)).subject, 'account-alice');
  });

  it('accepts a token without user claims (client credentials) with undefined tenantId/objectId', async () => {
    const token = await idp.mint({ oid: undefined, tid: undefined, sub: 'client-1' });
    const auth = await verifier.verify(token);
    assert.equal(auth.tenantId, undefined);
    assert.equal(auth.objectId, undefined);
  });

  it('A14 rejects our token minted for another audience with invalid_token', async () => {
    const token = await idp.mint({ aud: 'http://localhost:9200/other-mcp' });
    const err = await rejectsWith(verifier.verify(token), 'invalid_token',
      `The access token was issued for another resource; request one for ${RESOURCE} (resource parameter, RFC 8707).`);
    assert.equal((err.cause as { code?: string }).code, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('A14 rejects an Entra token passed straight through (other issuer, other key)', async () => {
    const entraKey = await generateTestKey('RS256');
    const entraToken = await new SignJWT({
      iss: 'https://login.microsoftonline.com/99999999-9999-4999-8999-999999999999/v2.0',
      aud: 'api://bridge', oid: 'x', tid: 'y', scp: 'User.Read', ver: '2.0', sub: 'entra-sub', client_id: 'c',
    }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: entraKey.kid }).setIssuedAt().setExpirationTime('1h').sign(entraKey.privateKey);
    await rejectsWith(verifier.verify(entraToken), 'invalid_token',
      `The access token was issued by another authorization server; only tokens issued by ${idp.issuer} are accepted.`);
  });

  it('A15 rejects alg none', async () => {
    const payload = { iss: idp.issuer, aud: RESOURCE, sub: 's', client_id: 'c', exp: now() + 300, scope: 'mcp:read' };
    const token = `${b64json({ alg: 'none', typ: 'at+jwt' })}.${b64json(payload)}.`;
    await rejectsWith(verifier.verify(token), 'invalid_token',
      'The access token is signed with an algorithm this server does not accept (allowed: ES256, RS256, PS256, EdDSA).');
  });

  it('A15 rejects HS256 signed with the public key as the HMAC secret (key confusion)', async () => {
    const publicPem = await exportSPKI(await importJWK(idp.currentKey().publicJwk, 'ES256', { extractable: true }) as CryptoKey);
    const payload = { iss: idp.issuer, aud: RESOURCE, sub: 's', client_id: 'c', scope: 'mcp:read mcp:write' };
    for (const secret of [new TextEncoder().encode(publicPem), new TextEncoder().encode(JSON.stringify(idp.currentKey().publicJwk))]) {
      const token = await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: idp.currentKey().kid })
        .setIssuedAt().setExpirationTime('5m').sign(secret);
      await rejectsWith(verifier.verify(token), 'invalid_token',
        'The access token is signed with an algorithm this server does not accept (allowed: ES256, RS256, PS256, EdDSA).');
    }
  });

  it('A16 rejects a token expired beyond the clock tolerance', async () => {
    const token = await idp.mint({ iat: now() - 600, exp: now() - 90 });
    await rejectsWith(verifier.verify(token), 'invalid_token', 'The access token has expired. Refresh it or sign in again.');
  });

  it('A16 rejects a token whose nbf is in the future', async () => {
    const token = await idp.mint({ nbf: now() + 300 });
    await rejectsWith(verifier.verify(token), 'invalid_token',
      'The access token is not valid yet (nbf is in the future); check the clocks or request a new token.');
  });

  it('A16 rejects a token without exp', async () => {
    const token = await idp.mint({ exp: undefined });
    await rejectsWith(verifier.verify(token), 'invalid_token',
      'The access token has no expiry (exp claim); only expiring access tokens are accepted.');
  });

  it('A17 rejects a validly signed token with another iss, including the trailing-slash variant', async () => {
    for (const iss of [`${'http://localhost:9999'}`, `${idp.issuer}/`, idp.issuer.toUpperCase()]) {
      const token = await idp.mint({ iss });
      await rejectsWith(verifier.verify(token), 'invalid_token',
        `The access token was issued by another authorization server; only tokens issued by ${idp.issuer} are accepted.`);
    }
  });

  it('A18 rejects typ JWT, a missing typ and an ID token', async () => {
    const expected = 'The token is not an OAuth access token (its typ must be at+jwt); ID tokens and other JWTs are not accepted.';
    await rejectsWith(verifier.verify(await idp.mint({}, { header: { typ: 'JWT' } })), 'invalid_token', expected);
    await rejectsWith(verifier.verify(await idp.mint({}, { header: { typ: undefined } })), 'invalid_token', expected);
    const idToken = await idp.mint({ aud: 'client-1', nonce: 'n', auth_time: now(), scope: undefined }, { header: { typ: 'JWT' } });
    await rejectsWith(verifier.verify(idToken), 'invalid_token', expected);
  });

  it('rejects a tampered payload (bad signature)', async () => {
    const [header, , signature] = (await idp.mint()).split('.');
    const forged = `${header}.${b64json({ iss: idp.issuer, aud: RESOURCE, sub: 'account-bob', client_id: 'c', exp: now() + 300 })}.${signature}`;
    await rejectsWith(verifier.verify(forged), 'invalid_token', 'The access token signature is invalid.');
  });

  it('rejects something that is not a JWT', async () => {
    await rejectsWith(verifier.verify('not-a-jwt'), 'invalid_token', 'The access token is not a well-formed signed JWT.');
  });

  it('rejects a token without client_id or sub (RFC 9068 §2.2)', async () => {
    await rejectsWith(verifier.verify(await idp.mint({ client_id: undefined })), 'invalid_token',
      'The access token lacks the client_id claim required of JWT access tokens (RFC 9068).');
    await rejectsWith(verifier.verify(await idp.mint({ sub: undefined })), 'invalid_token',
      'The access token lacks the sub claim required of JWT access tokens (RFC 9068).');
  });

  it('refuses to be configured with none or HMAC algorithms', () => {
    for (const algorithms of [['none'], ['ES256', 'HS256'], []]) {
      assert.throws(() => createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, algorithms }), TypeError);
    }
  });

  it('honours a custom algorithm allow-list', async () => {
    const es256Only = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, algorithms: ['RS256'] });
    await rejectsWith(es256Only.verify(await idp.mint()), 'invalid_token',
      'The access token is signed with an algorithm this server does not accept (allowed: RS256).');
  });
});

describe('createTokenVerifier — JWKS caching and key rotation (RFC 7517, RFC 8414 jwks_uri)', () => {
  it('refetches the JWKS once when a token carries an unknown kid, and caches otherwise', async () => {
    const idp = await startTestIssuer({ audience: RESOURCE });
    try {
      const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, jwksCooldownSeconds: 0 });
      await verifier.verify(await idp.mint());
      await verifier.verify(await idp.mint());
      assert.equal(idp.jwksRequests(), 1, 'keys are cached between verifications');

      await idp.rotate();
      idp.retireOldKeys();
      const auth = await verifier.verify(await idp.mint());
      assert.equal(auth.subject, 'account-alice');
      assert.equal(idp.jwksRequests(), 2, 'an unknown kid triggers exactly one refetch');
    } finally {
      await idp.close();
    }
  });

  it('does not refetch within the cooldown: a token with an unknown kid is invalid_token', async () => {
    const idp = await startTestIssuer({ audience: RESOURCE });
    try {
      const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri });
      await verifier.verify(await idp.mint());
      const stranger = await generateTestKey();
      await rejectsWith(verifier.verify(await idp.mint({}, { key: stranger })), 'invalid_token',
        `The access token is signed with a key that ${idp.issuer} does not publish; request a new token.`);
      assert.equal(idp.jwksRequests(), 1);
    } finally {
      await idp.close();
    }
  });

  it('answers 503 temporarily_unavailable, not 401, when the JWKS cannot be fetched', async () => {
    const idp = await startTestIssuer({ audience: RESOURCE });
    const broken = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = broken.address() as AddressInfo;
      const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: `http://127.0.0.1:${port}/jwks` });
      await rejectsWith(verifier.verify(await idp.mint()), 'temporarily_unavailable',
        `The signing keys of ${idp.issuer} could not be fetched, so the access token could not be checked. Try again shortly.`, 503);
    } finally {
      broken.close();
      await idp.close();
    }
  });

  it('uses the fetch it is given', async () => {
    const idp = await startTestIssuer({ audience: RESOURCE });
    try {
      const seen: string[] = [];
      const verifier = createTokenVerifier({
        issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri,
        fetch: (input, init) => { seen.push(String(input)); return fetch(input, init); },
      });
      await verifier.verify(await idp.mint());
      assert.deepEqual(seen, [idp.jwksUri]);
    } finally {
      await idp.close();
    }
  });
});

describe('createTokenVerifier — revocation through isActive (RFC 7009 §2)', () => {
  let idp: TestIssuer;
  before(async () => {
    idp = await startTestIssuer({ audience: RESOURCE });
  });
  after(() => idp.close());

  it('asks isActive with the verified claims and accepts an active token', async () => {
    const seen: unknown[] = [];
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, isActive: async (claims) => (seen.push(claims.grant_id), true) });
    await verifier.verify(await idp.mint({ grant_id: 'grant-1' }));
    assert.deepEqual(seen, ['grant-1']);
  });

  it('refuses a token whose authorization was revoked with 401 invalid_token', async () => {
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, isActive: async () => false });
    await rejectsWith(verifier.verify(await idp.mint()), 'invalid_token', 'The authorization behind this access token was revoked or has ended. Sign in again.');
  });

  it('answers 503 when the check itself fails, never 401 (fail closed)', async () => {
    const verifier = createTokenVerifier({
      issuer: idp.issuer,
      audience: RESOURCE,
      jwksUri: idp.jwksUri,
      isActive: async () => {
        throw new Error('store down');
      },
    });
    await rejectsWith(verifier.verify(await idp.mint()), 'temporarily_unavailable', /could not be checked/, 503);
  });

  it('never asks isActive about a token that fails verification', async () => {
    let asked = false;
    const verifier = createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri, isActive: async () => (asked = true) });
    await rejectsWith(verifier.verify(await idp.mint({ aud: 'http://other.example/' })), 'invalid_token', /issued for another resource/);
    assert.equal(asked, false);
  });
});
