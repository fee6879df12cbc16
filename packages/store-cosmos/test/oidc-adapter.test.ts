import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { AdapterConstructor, AdapterPayload } from 'oidc-provider';

import { AlreadyConsumedError } from '../src/index.ts';
import { grantIndexKey, modelKey, pointerKey } from '../src/oidc-adapter.ts';
import { openTestStore, rawOidcDocument, T0, type TestStore } from './helpers/embedded-store.ts';

let t: TestStore;
let Adapter: AdapterConstructor;

before(async () => {
  t = await openTestStore();
  Adapter = t.store.adapter;
});
after(() => t.close());

let counter = 0;
const uniqueId = (prefix: string): string => `${prefix}${(counter += 1).toString().padStart(4, '0')}x${Math.random().toString(36).slice(2, 10)}`;

/** One representative payload per model oidc-provider persists, plus a bridge-defined model. */
const SAMPLES: Record<string, (id: string) => AdapterPayload> = {
  Session: (id) => ({ jti: id, uid: uniqueId('uid'), kind: 'Session', accountId: 'acc-1', loginTs: 1, authorizations: { c1: { grantId: 'g-s', persistsLogout: false } }, exp: 2 }),
  AccessToken: (id) => ({ jti: id, kind: 'AccessToken', accountId: 'acc-1', clientId: 'c1', grantId: uniqueId('g'), scope: 'openid', iat: 1, exp: 2, gty: 'authorization_code' }),
  AuthorizationCode: (id) => ({ jti: id, kind: 'AuthorizationCode', accountId: 'acc-1', clientId: 'c1', grantId: uniqueId('g'), redirectUri: 'https://app.example/cb', codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256', scope: 'openid', iat: 1, exp: 2 }),
  RefreshToken: (id) => ({ jti: id, kind: 'RefreshToken', accountId: 'acc-1', clientId: 'c1', grantId: uniqueId('g'), rotations: 0, iat: 1, exp: 2 }),
  DeviceCode: (id) => ({ jti: id, kind: 'DeviceCode', userCode: uniqueId('UC'), clientId: 'c1', grantId: uniqueId('g'), params: { scope: 'openid' }, iat: 1, exp: 2 }),
  ClientCredentials: (id) => ({ jti: id, kind: 'ClientCredentials', clientId: 'c1', scope: 'api', iat: 1, exp: 2 }),
  Client: (id) => ({ client_id: id, client_name: 'Test client', redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' }),
  InitialAccessToken: (id) => ({ jti: id, kind: 'InitialAccessToken', iat: 1 }),
  RegistrationAccessToken: (id) => ({ jti: id, kind: 'RegistrationAccessToken', clientId: 'c1', iat: 1 }),
  Interaction: (id) => ({ jti: id, kind: 'Interaction', uid: id, params: { client_id: 'c1' }, prompt: { name: 'login', reasons: [], details: {} }, grantId: 'g-interaction', returnTo: 'https://as.example/auth/x', iat: 1, exp: 2 }),
  ReplayDetection: (id) => ({ jti: id, kind: 'ReplayDetection', iss: 'c1', iat: 1, exp: 2 }),
  PushedAuthorizationRequest: (id) => ({ jti: id, kind: 'PushedAuthorizationRequest', request: 'eyJ.e30.', iat: 1, exp: 2 }),
  Grant: (id) => ({ jti: id, kind: 'Grant', accountId: 'acc-1', clientId: 'c1', openid: { scope: 'openid' }, resources: { 'https://mcp.example/mcp': 'mcp:tools' }, iat: 1, exp: 2 }),
  BackchannelAuthenticationRequest: (id) => ({ jti: id, kind: 'BackchannelAuthenticationRequest', accountId: 'acc-1', clientId: 'c1', grantId: uniqueId('g'), iat: 1, exp: 2 }),
  UpstreamLogin: (id) => ({ jti: id, kind: 'UpstreamLogin', grantId: uniqueId('g'), upstream: { tid: 't', oid: 'o' } }),
};

describe('oidc-provider adapter: upsert, find, destroy for every model', () => {
  for (const [model, sample] of Object.entries(SAMPLES)) {
    it(`round-trips a ${model} and forgets it after destroy`, async () => {
      const adapter = new Adapter(model);
      const id = uniqueId('id');
      const payload = sample(id);
      await adapter.upsert(id, payload, 600);
      assert.deepEqual(await adapter.find(id), JSON.parse(JSON.stringify(payload)));
      await adapter.destroy(id);
      assert.equal(await adapter.find(id), undefined);
      assert.equal(await rawOidcDocument(t.store, modelKey(model, id)), undefined);
    });
  }

  it('returns undefined for an id that was never stored', async () => {
    assert.equal(await new Adapter('AccessToken').find('never-stored'), undefined);
  });

  it('keeps models apart when they share an id', async () => {
    const id = uniqueId('shared');
    await new Adapter('AccessToken').upsert(id, { jti: id, kind: 'AccessToken' }, 60);
    await new Adapter('RefreshToken').upsert(id, { jti: id, kind: 'RefreshToken' }, 60);
    assert.equal((await new Adapter('AccessToken').find(id))?.kind, 'AccessToken');
    assert.equal((await new Adapter('RefreshToken').find(id))?.kind, 'RefreshToken');
    await new Adapter('AccessToken').destroy(id);
    assert.equal((await new Adapter('RefreshToken').find(id))?.kind, 'RefreshToken');
  });

  it('replaces the payload on a second upsert of the same id', async () => {
    const adapter = new Adapter('Client');
    await adapter.upsert('client-a', { client_id: 'client-a', client_name: 'one' });
    await adapter.upsert('client-a', { client_id: 'client-a', client_name: 'two' });
    assert.equal((await adapter.find('client-a'))?.client_name, 'two');
  });

  it('rejects model names that cannot be used as id prefixes', () => {
    assert.throws(() => new Adapter('Bad:Model'), /invalid adapter model name/);
    assert.throws(() => new Adapter(''), /invalid adapter model name/);
  });

  it('destroy of an unknown id is a no-op', async () => {
    await new Adapter('Session').destroy('no-such-session');
  });
});

describe('oidc-provider adapter: ids Cosmos forbids', () => {
  const awkward = [
    'https://app.example/oauth/client.json?v=1#frag',
    'back\\slash and spaces',
    `https://app.example/${'long/'.repeat(80)}client.json`,
    'unicodé-ïd',
  ];
  for (const id of awkward) {
    it(`stores and finds a Client whose id is ${JSON.stringify(id.slice(0, 40))}…`, async () => {
      const adapter = new Adapter('Client');
      await adapter.upsert(id, { client_id: id, redirect_uris: ['https://app.example/cb'] });
      assert.equal((await adapter.find(id))?.client_id, id);
      const key = modelKey('Client', id);
      assert.match(key, /^Client:~[A-Za-z0-9_-]{43}$/);
      assert.ok(await rawOidcDocument(t.store, key));
      await adapter.destroy(id);
      assert.equal(await adapter.find(id), undefined);
    });
  }

  it('keeps ids in the nanoid alphabet readable for models that are not credentials', () => {
    assert.equal(modelKey('Session', 'AbC_12-x'), 'Session:AbC_12-x');
    assert.equal(modelKey('Grant', 'AbC_12-x'), 'Grant:AbC_12-x');
  });
});

describe('oidc-provider adapter: credentials are stored hashed (house style, RFC 6819 §5.1.4.1.3)', () => {
  for (const model of ['RefreshToken', 'AuthorizationCode', 'UpstreamLogin']) {
    it(`stores a ${model} under SHA-256 of its value, without the value in the document`, async () => {
      const adapter = new Adapter(model);
      const token = uniqueId('tok');
      await adapter.upsert(token, { jti: token, grantId: uniqueId('g'), kind: model, iat: 1 }, 600);
      const key = modelKey(model, token);
      assert.match(key, new RegExp(`^${model}:~[\\w-]{43}$`));
      const raw = await rawOidcDocument(t.store, key);
      assert.ok(raw, 'stored under the hashed key');
      assert.ok(!JSON.stringify(raw).includes(token), 'the token value is nowhere in the stored document');
      assert.equal((await adapter.find(token))?.jti, token, 'find gives oidc-provider its jti back');
      await adapter.consume(token);
      assert.equal((await adapter.find(token))?.jti, token);
      assert.ok(!JSON.stringify(await rawOidcDocument(t.store, key)).includes(token), 'not even after consume');
    });
  }
});

describe('oidc-provider adapter: expiry via expiresAt and ttl', () => {
  it('stores expiresAt (ms) and a Cosmos ttl (s) and hides the item once expiresAt passes', async () => {
    t.clock.ms = T0;
    const adapter = new Adapter('AccessToken');
    const id = uniqueId('exp');
    await adapter.upsert(id, { jti: id, kind: 'AccessToken' }, 60);
    const raw = await rawOidcDocument(t.store, modelKey('AccessToken', id));
    assert.equal(raw?.expiresAt, T0 + 60_000);
    assert.equal(raw?.ttl, 60);

    t.clock.ms = T0 + 59_999;
    assert.ok(await adapter.find(id));
    t.clock.ms = T0 + 60_000;
    assert.equal(await adapter.find(id), undefined);
    // The embedded server never applies TTL: the document is still there, only reads hide it.
    assert.ok(await rawOidcDocument(t.store, modelKey('AccessToken', id)));
    t.clock.ms = T0;
  });

  it('rounds a fractional expiresIn up and never writes a ttl below 1', async () => {
    t.clock.ms = T0;
    const adapter = new Adapter('ReplayDetection');
    await adapter.upsert('rd-frac', { jti: 'rd-frac' }, 0.2);
    assert.equal((await rawOidcDocument(t.store, modelKey('ReplayDetection', 'rd-frac')))?.ttl, 1);
    await adapter.upsert('rd-neg', { jti: 'rd-neg' }, -5);
    assert.equal((await rawOidcDocument(t.store, modelKey('ReplayDetection', 'rd-neg')))?.ttl, 1);
    assert.equal(await adapter.find('rd-neg'), undefined);
  });

  it('writes neither ttl nor expiresAt when expiresIn is absent', async () => {
    const adapter = new Adapter('Client');
    await adapter.upsert('forever', { client_id: 'forever' });
    const raw = await rawOidcDocument(t.store, modelKey('Client', 'forever'));
    assert.equal(raw?.ttl, undefined);
    assert.equal(raw?.expiresAt, undefined);
    t.clock.ms = T0 + 10 * 365 * 86_400_000;
    assert.ok(await adapter.find('forever'));
    t.clock.ms = T0;
  });

  it('adds clockToleranceSeconds to the lifetime', async () => {
    const tolerant = await openTestStore({ clockToleranceSeconds: 5 });
    try {
      const adapter = new tolerant.store.adapter('AccessToken');
      await adapter.upsert('tol', { jti: 'tol' }, 10);
      tolerant.clock.ms = T0 + 14_999;
      assert.ok(await adapter.find('tol'));
      tolerant.clock.ms = T0 + 15_000;
      assert.equal(await adapter.find('tol'), undefined);
    } finally {
      await tolerant.close();
    }
  });

  it('hides an expired Session from findByUid and an expired DeviceCode from findByUserCode', async () => {
    t.clock.ms = T0;
    await new Adapter('Session').upsert('sess-exp', { jti: 'sess-exp', uid: 'uid-exp' }, 30);
    await new Adapter('DeviceCode').upsert('dc-exp', { jti: 'dc-exp', userCode: 'EXPD-CODE' }, 30);
    t.clock.ms = T0 + 30_000;
    assert.equal(await new Adapter('Session').findByUid('uid-exp'), undefined);
    assert.equal(await new Adapter('DeviceCode').findByUserCode('EXPD-CODE'), undefined);
    t.clock.ms = T0;
  });
});

describe('oidc-provider adapter: consume (one-time use, RFC 6749 §4.1.2)', () => {
  it('marks the item consumed in epoch seconds and find returns consumed', async () => {
    t.clock.ms = T0 + 1_234;
    const adapter = new Adapter('AuthorizationCode');
    await adapter.upsert('code-1', { jti: 'code-1', grantId: 'g-consume' }, 60);
    await adapter.consume('code-1');
    const found = await adapter.find('code-1');
    assert.equal(found?.consumed, Math.floor((T0 + 1_234) / 1000));
    assert.equal(found?.grantId, 'g-consume');
    t.clock.ms = T0;
  });

  it('recomputes ttl from the unchanged expiresAt when consuming', async () => {
    t.clock.ms = T0;
    const adapter = new Adapter('RefreshToken');
    await adapter.upsert('rt-ttl', { jti: 'rt-ttl' }, 100);
    t.clock.ms = T0 + 40_000;
    await adapter.consume('rt-ttl');
    const raw = await rawOidcDocument(t.store, modelKey('RefreshToken', 'rt-ttl'));
    assert.equal(raw?.expiresAt, T0 + 100_000);
    assert.equal(raw?.ttl, 60);
    t.clock.ms = T0;
  });

  it('rejects a second consume with invalid_grant', async () => {
    const adapter = new Adapter('AuthorizationCode');
    await adapter.upsert('code-2', { jti: 'code-2' }, 60);
    await adapter.consume('code-2');
    await assert.rejects(adapter.consume('code-2'), (err: unknown) => {
      assert.ok(err instanceof AlreadyConsumedError);
      assert.equal(err.message, 'invalid_grant');
      assert.equal(err.error_description, 'grant request is invalid');
      assert.equal(err.statusCode, 400);
      assert.equal(err.expose, true);
      return true;
    });
  });

  it('lets exactly one of many concurrent consumers win', async () => {
    const id = uniqueId('race');
    await new Adapter('AuthorizationCode').upsert(id, { jti: id }, 60);
    // Separate instances stand in for separate bridge instances.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => new Adapter('AuthorizationCode').consume(id)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      assert.ok((r as PromiseRejectedResult).reason instanceof AlreadyConsumedError);
    }
    assert.equal(typeof (await new Adapter('AuthorizationCode').find(id))?.consumed, 'number');
  });

  it('rejects consuming an item that is missing or expired', async () => {
    await assert.rejects(new Adapter('AuthorizationCode').consume('no-such-code'), AlreadyConsumedError);
    t.clock.ms = T0;
    await new Adapter('AuthorizationCode').upsert('code-old', { jti: 'code-old' }, 10);
    t.clock.ms = T0 + 10_000;
    await assert.rejects(new Adapter('AuthorizationCode').consume('code-old'), AlreadyConsumedError);
    t.clock.ms = T0;
  });
});

describe('oidc-provider adapter: findByUid and findByUserCode', () => {
  it('finds a Session by uid through its pointer document', async () => {
    const adapter = new Adapter('Session');
    await adapter.upsert('sess-1', { jti: 'sess-1', uid: 'uid-1', accountId: 'acc-1' }, 600);
    assert.equal((await adapter.findByUid('uid-1'))?.jti, 'sess-1');
    assert.equal(await adapter.findByUid('uid-unknown'), undefined);
    const pointer = await rawOidcDocument(t.store, pointerKey('uid', 'Session', 'uid-1'));
    assert.equal(pointer?.target, 'sess-1');
  });

  it('removes the pointer on destroy', async () => {
    const adapter = new Adapter('Session');
    await adapter.upsert('sess-2', { jti: 'sess-2', uid: 'uid-2' }, 600);
    await adapter.destroy('sess-2');
    assert.equal(await adapter.findByUid('uid-2'), undefined);
    assert.equal(await rawOidcDocument(t.store, pointerKey('uid', 'Session', 'uid-2')), undefined);
  });

  it('follows a session whose id was regenerated and keeps the pointer when the old id is destroyed', async () => {
    const adapter = new Adapter('Session');
    await adapter.upsert('sess-old', { jti: 'sess-old', uid: 'uid-3' }, 600);
    await adapter.upsert('sess-new', { jti: 'sess-new', uid: 'uid-3' }, 600);
    await adapter.destroy('sess-old');
    assert.equal((await adapter.findByUid('uid-3'))?.jti, 'sess-new');
  });

  it('finds a DeviceCode by user code', async () => {
    const adapter = new Adapter('DeviceCode');
    await adapter.upsert('dc-1', { jti: 'dc-1', userCode: 'ABCD-EFGH', grantId: 'g-dc' }, 600);
    assert.equal((await adapter.findByUserCode('ABCD-EFGH'))?.jti, 'dc-1');
    assert.equal(await adapter.findByUserCode('ZZZZ-ZZZZ'), undefined);
  });
});

describe('oidc-provider adapter: revokeByGrantId without queries', () => {
  it('deletes every member of the grant across models and leaves other grants alone', async () => {
    const grantId = uniqueId('grant');
    const otherGrant = uniqueId('grant');
    const members: [string, string][] = [
      ['AccessToken', uniqueId('at')],
      ['AuthorizationCode', uniqueId('ac')],
      ['RefreshToken', uniqueId('rt')],
      ['DeviceCode', uniqueId('dc')],
      ['BackchannelAuthenticationRequest', uniqueId('bc')],
      ['UpstreamLogin', uniqueId('up')],
    ];
    for (const [model, id] of members) await new Adapter(model).upsert(id, { jti: id, grantId }, 600);
    await new Adapter('RefreshToken').upsert('rt-other', { jti: 'rt-other', grantId: otherGrant }, 600);
    await new Adapter('Session').upsert('sess-g', { jti: 'sess-g', uid: 'uid-g', authorizations: { c1: { grantId } } }, 600);
    await new Adapter('Interaction').upsert('int-g', { jti: 'int-g', grantId }, 600);
    await new Adapter('Grant').upsert(grantId, { jti: grantId, accountId: 'acc-1', clientId: 'c1' }, 600);

    const index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.equal((index?.members as unknown[]).length, members.length);

    await new Adapter('AccessToken').revokeByGrantId(grantId);

    for (const [model, id] of members) assert.equal(await new Adapter(model).find(id), undefined, model);
    assert.equal(await rawOidcDocument(t.store, grantIndexKey(grantId)), undefined);
    assert.ok(await new Adapter('RefreshToken').find('rt-other'));
    assert.ok(await new Adapter('Session').find('sess-g'));
    assert.ok(await new Adapter('Interaction').find('int-g'));
    // The Grant itself is destroyed by oidc-provider (revokeGrantPolicy), not by revokeByGrantId.
    assert.ok(await new Adapter('Grant').find(grantId));
  });

  it('survives oidc-provider calling it for several models at once', async () => {
    const grantId = uniqueId('grant');
    await new Adapter('AccessToken').upsert('at-par', { jti: 'at-par', grantId }, 600);
    await new Adapter('RefreshToken').upsert('rt-par', { jti: 'rt-par', grantId }, 600);
    await Promise.all(['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'].map((m) => new Adapter(m).revokeByGrantId(grantId)));
    assert.equal(await new Adapter('AccessToken').find('at-par'), undefined);
    assert.equal(await new Adapter('RefreshToken').find('rt-par'), undefined);
  });

  it('lets a destroy race a revocation of the same grant (refresh token replay)', async () => {
    // oidc-provider destroys the replayed refresh token and revokes its grant in parallel.
    for (let round = 0; round < 10; round += 1) {
      const grantId = uniqueId('grant');
      const ids = [`rt-race-${round}-a`, `rt-race-${round}-b`, `rt-race-${round}-c`];
      for (const id of ids) await new Adapter('RefreshToken').upsert(id, { jti: id, grantId }, 600);
      await Promise.all([new Adapter('RefreshToken').destroy(ids[0]!), new Adapter('RefreshToken').revokeByGrantId(grantId)]);
      for (const id of ids) assert.equal(await new Adapter('RefreshToken').find(id), undefined);
    }
  });

  it('records every member when many are written concurrently (etag retries)', async () => {
    const grantId = uniqueId('grant');
    const ids = Array.from({ length: 12 }, (_, i) => `at-conc-${i}`);
    await Promise.all(ids.map((id) => new Adapter('AccessToken').upsert(id, { jti: id, grantId }, 600)));
    const index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.equal((index?.members as unknown[]).length, ids.length);
    await new Adapter('RefreshToken').revokeByGrantId(grantId);
    for (const id of ids) assert.equal(await new Adapter('AccessToken').find(id), undefined);
  });

  it('drops a destroyed member from the index and deletes the index when it empties', async () => {
    const grantId = uniqueId('grant');
    await new Adapter('AccessToken').upsert('at-d1', { jti: 'at-d1', grantId }, 600);
    await new Adapter('RefreshToken').upsert('rt-d1', { jti: 'rt-d1', grantId }, 1200);
    let index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.equal(index?.expiresAt, T0 + 1_200_000);
    assert.equal(index?.ttl, 1200);

    await new Adapter('AccessToken').destroy('at-d1');
    index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.deepEqual((index?.members as { model: string }[]).map((m) => m.model), ['RefreshToken']);

    await new Adapter('RefreshToken').destroy('rt-d1');
    assert.equal(await rawOidcDocument(t.store, grantIndexKey(grantId)), undefined);
  });

  it('keeps the index without expiry while a member has none', async () => {
    const grantId = uniqueId('grant');
    await new Adapter('UpstreamLogin').upsert('up-forever', { jti: 'up-forever', grantId });
    await new Adapter('AccessToken').upsert('at-short', { jti: 'at-short', grantId }, 60);
    const index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.equal(index?.ttl, undefined);
    assert.equal(index?.expiresAt, undefined);
  });

  it('prunes expired members when the index is next written', async () => {
    t.clock.ms = T0;
    const grantId = uniqueId('grant');
    await new Adapter('AccessToken').upsert('at-prune', { jti: 'at-prune', grantId }, 60);
    t.clock.ms = T0 + 120_000;
    await new Adapter('RefreshToken').upsert('rt-prune', { jti: 'rt-prune', grantId }, 600);
    const index = await rawOidcDocument(t.store, grantIndexKey(grantId));
    assert.deepEqual((index?.members as { model: string }[]).map((m) => m.model), ['RefreshToken']);
    t.clock.ms = T0;
  });

  it('is a no-op for an unknown grant', async () => {
    await new Adapter('AccessToken').revokeByGrantId('never-issued');
  });
});
