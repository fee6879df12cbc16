import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import Provider from 'oidc-provider';

import { AlreadyConsumedError } from '../src/index.ts';
import { openTestStore, type TestStore } from './helpers/embedded-store.ts';

let t: TestStore;
let provider: Provider;

const CLIENT_ID = 'https://app.example/oauth/client-metadata.json';
const REDIRECT_URI = 'https://app.example/callback';

before(async () => {
  // oidc-provider uses the real clock for exp/iat, so this store does too.
  t = await openTestStore({ realClock: true });
  provider = new Provider('http://localhost', { adapter: t.store.adapter });
  await new t.store.adapter('Client').upsert(CLIENT_ID, {
    client_id: CLIENT_ID,
    client_name: 'CIMD-style client',
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  });
});
after(() => t.close());

/** `consumed` (epoch seconds) as the adapter returned it; @types/oidc-provider does not declare it. */
function consumedOf(model: object | undefined): unknown {
  return (model as { consumed?: unknown } | undefined)?.consumed;
}

async function issueCode(grantId: string): Promise<string> {
  const client = await provider.Client.find(CLIENT_ID);
  assert.ok(client);
  const verifier = randomBytes(32).toString('base64url');
  const code = new provider.AuthorizationCode({
    accountId: 'acc-1',
    client,
    grantId,
    redirectUri: REDIRECT_URI,
    scope: 'openid',
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    codeChallengeMethod: 'S256',
    gty: 'authorization_code',
  });
  return code.save();
}

describe('oidc-provider 9.13 on the Cosmos adapter', () => {
  it('loads a client stored under a URL client id', async () => {
    const client = await provider.Client.find(CLIENT_ID);
    assert.equal(client?.clientId, CLIENT_ID);
    assert.deepEqual(client?.redirectUris, [REDIRECT_URI]);
  });

  it('saves and finds an authorization code, then consumes it exactly once', async () => {
    const value = await issueCode('grant-code');
    const [a, b] = await Promise.all([provider.AuthorizationCode.find(value), provider.AuthorizationCode.find(value)]);
    assert.ok(a && b);
    assert.equal(consumedOf(a), undefined);
    assert.equal(a.isValid, true);

    // Two token requests racing with the same code: both saw it unconsumed.
    const results = await Promise.allSettled([a.consume(), b.consume()]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(loser.reason instanceof AlreadyConsumedError);

    const again = await provider.AuthorizationCode.find(value);
    assert.equal(typeof consumedOf(again), 'number');
    assert.equal(again?.isValid, false);
  });

  it('revokes codes and refresh tokens of a grant through the models', async () => {
    const grant = new provider.Grant({ accountId: 'acc-1', clientId: CLIENT_ID });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    const codeValue = await issueCode(grantId);
    const client = await provider.Client.find(CLIENT_ID);
    assert.ok(client);
    const refreshValue = await new provider.RefreshToken({ accountId: 'acc-1', client, grantId, scope: 'openid', gty: 'authorization_code' }).save();
    assert.ok(await provider.RefreshToken.find(refreshValue));

    await Promise.all([provider.RefreshToken.revokeByGrantId(grantId), provider.AuthorizationCode.revokeByGrantId(grantId)]);

    assert.equal(await provider.RefreshToken.find(refreshValue), undefined);
    assert.equal(await provider.AuthorizationCode.find(codeValue), undefined);
    assert.ok(await provider.Grant.find(grantId), 'the Grant itself is left to revokeGrantPolicy');
  });

  it('finds a session by uid', async () => {
    const now = Math.floor(Date.now() / 1000);
    await new t.store.adapter('Session').upsert('session-e2e', {
      jti: 'session-e2e', kind: 'Session', uid: 'uid-e2e', accountId: 'acc-1', loginTs: now, iat: now, exp: now + 600,
    }, 600);
    const found = await provider.Session.findByUid('uid-e2e');
    assert.equal(found?.accountId, 'acc-1');
    assert.equal(found?.jti, 'session-e2e');
  });
});
