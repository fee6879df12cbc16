import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@mcp-bridge/logger';
import { openCosmosStore, startEmbeddedCosmos, type CosmosStore, type EmbeddedCosmos } from '@mcp-bridge/store-cosmos';
import { UpstreamLoginStore, newUpstreamSecrets } from '../../src/interactions/upstream-login.ts';

describe('upstream sign-in state (MCP AS11; attack catalogue A24)', () => {
  let cosmos: EmbeddedCosmos;
  let store: CosmosStore;
  let logins: UpstreamLoginStore;

  before(async () => {
    cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    store = await openCosmosStore({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: 'upstream-login-test' });
    logins = new UpstreamLoginStore(store.adapter);
  });
  after(async () => {
    await store.close();
    await cosmos.close();
  });

  const login = { interactionUid: 'interaction-1', clientId: 'client-1', consented: true, nonce: 'n', codeVerifier: 'v', approvedScopes: ['mcp:read'], resource: 'http://localhost/mcp', redirectUri: 'http://127.0.0.1/cb' };

  it('makes random, URL-safe secrets of 256 bits', () => {
    const a = newUpstreamSecrets();
    const b = newUpstreamSecrets();
    for (const value of [a.state, a.nonce, a.codeVerifier]) assert.match(value, /^[\w-]{43}$/);
    assert.notEqual(a.state, b.state);
  });

  it('returns a sign-in exactly once', async () => {
    const { state } = newUpstreamSecrets();
    await logins.save(state, login);
    assert.deepEqual(await logins.take(state), login);
    assert.equal(await logins.take(state), undefined, 'a used state is refused');
  });

  it('lets exactly one of two concurrent callbacks win', async () => {
    const { state } = newUpstreamSecrets();
    await logins.save(state, login);
    const results = await Promise.all([logins.take(state), logins.take(state), logins.take(state)]);
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('refuses an unknown state', async () => {
    assert.equal(await logins.take('never-issued'), undefined);
    assert.equal(await logins.interactionOf('never-issued'), undefined);
  });

  it('tells which interaction a state belongs to without using it up', async () => {
    const { state } = newUpstreamSecrets();
    await logins.save(state, login);
    assert.equal(await logins.interactionOf(state), 'interaction-1');
    assert.equal(await logins.interactionOf(state), 'interaction-1');
    assert.ok(await logins.take(state));
    assert.equal(await logins.interactionOf(state), undefined, 'a used state leads nowhere');
  });

  it('fails closed when the store is unreachable', async () => {
    const down = await startEmbeddedCosmos({ logger: silentLogger });
    const downStore = await openCosmosStore({ endpoint: down.endpoint, key: down.key, databaseId: 'down' });
    const downLogins = new UpstreamLoginStore(downStore.adapter);
    await down.close();
    await assert.rejects(downLogins.take('any-state'));
    await downStore.close();
  });
});
