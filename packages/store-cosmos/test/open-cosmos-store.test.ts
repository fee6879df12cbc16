import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { silentLogger } from '@mcp-bridge/logger';

import { CONTAINERS, openCosmosStore, startEmbeddedCosmos } from '../src/index.ts';
import { openTestStore } from './helpers/embedded-store.ts';

describe('openCosmosStore: containers', () => {
  it('creates every container with its partition key and per-item TTL enabled', async () => {
    const t = await openTestStore();
    try {
      for (const spec of Object.values(CONTAINERS)) {
        const { resource } = await t.store.database.container(spec.id).read();
        assert.deepEqual(resource?.partitionKey?.paths, [spec.partitionKeyPath], spec.id);
        assert.equal(resource?.defaultTtl, -1, spec.id);
      }
    } finally {
      await t.close();
    }
  });

  it('opens again on an existing database without losing data (restart, second instance)', async () => {
    const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    const options = { endpoint: cosmos.endpoint, key: cosmos.key, databaseId: 'reopen' };
    try {
      const [first, second] = await Promise.all([openCosmosStore(options), openCosmosStore(options)]);
      await new first.adapter('Client').upsert('c-reopen', { client_id: 'c-reopen' });
      assert.equal((await new second.adapter('Client').find('c-reopen'))?.client_id, 'c-reopen');
      await first.close();
      const third = await openCosmosStore(options);
      assert.equal((await new third.adapter('Client').find('c-reopen'))?.client_id, 'c-reopen');
      await Promise.all([second.close(), third.close()]);
    } finally {
      await cosmos.close();
    }
  });
});

describe('openCosmosStore: health and failing closed', () => {
  it('health() resolves while Cosmos is reachable', async () => {
    const t = await openTestStore();
    try {
      await t.store.health();
    } finally {
      await t.close();
    }
  });

  it('health() and reads reject instead of reporting "not found" once Cosmos is gone', async () => {
    const t = await openTestStore();
    const adapter = new t.store.adapter('AccessToken');
    await adapter.upsert('at-down', { jti: 'at-down' }, 60);
    await t.cosmos.close();
    try {
      await assert.rejects(t.store.health(), /ECONNREFUSED/);
      await assert.rejects(adapter.find('at-down'), /ECONNREFUSED/);
      await assert.rejects(t.store.accounts.find('acc'), /ECONNREFUSED/);
      await assert.rejects(t.store.consents.find('acc', 'client'), /ECONNREFUSED/);
      await assert.rejects(t.store.secrets.getOrCreate('s', () => 1), /ECONNREFUSED/);
    } finally {
      await t.store.close();
    }
  });

  it('rejects when the endpoint is unreachable at open time', async () => {
    const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
    await cosmos.close();
    await assert.rejects(openCosmosStore({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: 'x' }), /ECONNREFUSED/);
  });
});
