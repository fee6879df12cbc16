import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { isOAuthError, type OAuthError } from '@mcp-bridge/authz-core';
import { verifyIdToken, type IdTokenVerifierOptions } from '../../src/internal/verify-id-token.ts';

const TENANT = '4b2e9c7a-1f3d-4e8b-9a6c-5d7e8f9a0b1c';
const OTHER_TENANT = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const CLIENT_ID = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const OID = 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b';
const NOW = new Date('2026-11-24T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const V2_SINGLE = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const V2_TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const V1_TEMPLATE = 'https://sts.windows.net/{tenantid}/';

let entraKey: CryptoKey;
let attackerKey: CryptoKey;
let options: IdTokenVerifierOptions;

before(async () => {
  const entra = await generateKeyPair('RS256', { extractable: true });
  const attacker = await generateKeyPair('RS256');
  entraKey = entra.privateKey;
  attackerKey = attacker.privateKey;
  const jwk = { ...(await exportJWK(entra.publicKey)), kid: 'entra-key-1', use: 'sig' };
  options = {
    clientId: CLIENT_ID,
    issuerTemplate: V2_SINGLE,
    v1IssuerTemplate: async () => V1_TEMPLATE,
    jwks: createLocalJWKSet({ keys: [jwk] }),
    currentDate: NOW,
  };
});

function v2Claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: V2_SINGLE,
    aud: CLIENT_ID,
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 3600,
    sub: 'pairwise-sub',
    oid: OID,
    tid: TENANT,
    preferred_username: 'alice@contoso.dev',
    name: 'Alice Example',
    nonce: 'n-1',
    ver: '2.0',
    ...overrides,
  };
}

function sign(claims: JWTPayload, key: CryptoKey = entraKey, kid = 'entra-key-1'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isOAuthError(err), String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

describe('verifyIdToken (OIDC Core §3.1.3.7)', () => {
  it('accepts a v2.0 id_token and returns the identity', async () => {
    const identity = await verifyIdToken(await sign(v2Claims({ email: 'alice@mail.contoso.dev' })), 'n-1', options);
    assert.deepEqual(identity, {
      tenantId: TENANT,
      objectId: OID,
      name: 'Alice Example',
      username: 'alice@contoso.dev',
      email: 'alice@mail.contoso.dev',
    });
  });

  it('accepts a v1.0 id_token (sts.windows.net issuer, upn instead of preferred_username)', async () => {
    const { preferred_username: _p, ...rest } = v2Claims({ iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0', upn: 'alice@contoso.dev', unique_name: 'alice@contoso.dev' });
    void _p;
    const identity = await verifyIdToken(await sign(rest), 'n-1', options);
    assert.equal(identity.username, 'alice@contoso.dev');
    assert.equal(identity.objectId, OID);
  });

  it('falls back to email when there is neither preferred_username nor upn', async () => {
    const { preferred_username: _p, ...rest } = v2Claims({ email: 'guest@example.org' });
    void _p;
    assert.equal((await verifyIdToken(await sign(rest), 'n-1', options)).username, 'guest@example.org');
  });

  it('rejects a token signed by another key with access_denied', async () => {
    const err = await rejection(verifyIdToken(await sign(v2Claims(), attackerKey), 'n-1', options));
    assert.equal(err.code, 'access_denied');
    assert.equal(err.description, 'The sign-in response from Microsoft Entra ID could not be verified. Its signature is not valid.');
  });

  it('rejects a token whose kid is unknown', async () => {
    const err = await rejection(verifyIdToken(await sign(v2Claims(), attackerKey, 'attacker'), 'n-1', options));
    assert.equal(err.code, 'access_denied');
    assert.match(err.description, /signature is not valid/);
  });

  it('rejects alg none and HS256', async () => {
    const payload = Buffer.from(JSON.stringify(v2Claims())).toString('base64url');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    assert.equal((await rejection(verifyIdToken(none, 'n-1', options))).code, 'access_denied');
    const hs = await new SignJWT(v2Claims()).setProtectedHeader({ alg: 'HS256', kid: 'entra-key-1' }).sign(new Uint8Array(32));
    assert.match((await rejection(verifyIdToken(hs, 'n-1', options))).description, /signature is not valid/);
  });

  it('rejects another audience, another issuer and another tenant of a single-tenant app', async () => {
    const aud = await rejection(verifyIdToken(await sign(v2Claims({ aud: 'someone-else' })), 'n-1', options));
    assert.equal(aud.description, "The sign-in response from Microsoft Entra ID could not be verified. Its 'aud' claim does not match this server.");
    const iss = await rejection(verifyIdToken(await sign(v2Claims({ iss: 'https://evil.example/v2.0' })), 'n-1', options));
    assert.equal(iss.description, "The sign-in response from Microsoft Entra ID could not be verified. Its 'iss' claim does not match this server.");
    const tenant = await rejection(
      verifyIdToken(await sign(v2Claims({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` })), 'n-1', options),
    );
    assert.equal(tenant.code, 'access_denied');
    assert.match(tenant.description, /'iss' claim/);
  });

  it('rejects expired tokens and tokens not valid yet beyond the clock tolerance', async () => {
    const expired = await rejection(verifyIdToken(await sign(v2Claims({ iat: NOW_S - 4000, nbf: NOW_S - 4000, exp: NOW_S - 121 })), 'n-1', options));
    assert.equal(expired.description, 'The sign-in response from Microsoft Entra ID could not be verified. The id_token has expired; check the server clock.');
    const future = await rejection(verifyIdToken(await sign(v2Claims({ nbf: NOW_S + 121 })), 'n-1', options));
    assert.match(future.description, /'nbf' claim/);
    // Within the tolerance
    await verifyIdToken(await sign(v2Claims({ exp: NOW_S - 60 })), 'n-1', options);
  });

  it('rejects a nonce of another sign-in attempt or a missing nonce', async () => {
    const err = await rejection(verifyIdToken(await sign(v2Claims()), 'n-2', options));
    assert.equal(err.code, 'access_denied');
    assert.equal(err.description, 'The sign-in response from Microsoft Entra ID could not be verified. It belongs to another sign-in attempt (nonce mismatch). Start the sign-in again.');
    const { nonce: _n, ...rest } = v2Claims();
    void _n;
    assert.match((await rejection(verifyIdToken(await sign(rest), 'n-1', options))).description, /nonce mismatch/);
  });

  it('requires tid and oid', async () => {
    const { oid: _o, ...noOid } = v2Claims();
    void _o;
    const oid = await rejection(verifyIdToken(await sign(noOid), 'n-1', options));
    assert.equal(oid.code, 'access_denied');
    assert.equal(oid.description, 'Microsoft Entra ID did not return an object id (oid claim) for this account, so it cannot be used here.');
    const { tid: _t, ...noTid } = v2Claims();
    void _t;
    const tid = await rejection(verifyIdToken(await sign(noTid), 'n-1', options));
    assert.equal(tid.code, 'access_denied');
    assert.match(tid.description, /no tid claim/);
  });

  it('rejects something that is not a JWT', async () => {
    assert.equal((await rejection(verifyIdToken('not.a.jwt', 'n-1', options))).code, 'access_denied');
  });

  describe('multi-tenant ({tenantid} issuer template)', () => {
    it("checks iss against the token's own tid", async () => {
      const multi = { ...options, issuerTemplate: V2_TEMPLATE };
      const claims = v2Claims({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` });
      assert.equal((await verifyIdToken(await sign(claims), 'n-1', multi)).tenantId, OTHER_TENANT);
      const mixed = v2Claims({ tid: OTHER_TENANT, iss: V2_SINGLE });
      assert.match((await rejection(verifyIdToken(await sign(mixed), 'n-1', multi))).description, /'iss' claim/);
    });

    it('applies allowedTenantIds', async () => {
      const multi = { ...options, issuerTemplate: V2_TEMPLATE, allowedTenantIds: [TENANT] };
      const claims = v2Claims({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` });
      const err = await rejection(verifyIdToken(await sign(claims), 'n-1', multi));
      assert.equal(err.code, 'access_denied');
      assert.equal(err.description, `Accounts from organization ${OTHER_TENANT} are not allowed to use this server.`);
    });
  });
});
