import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { openCosmosStore } from '../src/index.ts';
import { openTestStore, type TestStore } from './helpers/embedded-store.ts';

let t: TestStore;
before(async () => { t = await openTestStore(); });
after(() => t.close());

describe('secret store: getOrCreate', () => {
  it('persists the first value and never calls create again', async () => {
    let calls = 0;
    const create = () => { calls += 1; return { keys: [{ kid: `k${calls}` }] }; };
    const first = await t.store.secrets.getOrCreate('signing-jwks', create);
    const second = await t.store.secrets.getOrCreate('signing-jwks', create);
    assert.deepEqual(first, { keys: [{ kid: 'k1' }] });
    assert.deepEqual(second, first);
    assert.equal(calls, 1);
  });

  it('accepts an async create', async () => {
    const value = await t.store.secrets.getOrCreate('cookie-keys', async () => ['a'.repeat(32)]);
    assert.deepEqual(value, ['a'.repeat(32)]);
  });

  it('gives every concurrent caller the same winning value', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.store.secrets.getOrCreate('raced', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { winner: i };
      })),
    );
    const stored = await t.store.secrets.getOrCreate('raced', () => ({ winner: -1 }));
    for (const r of results) assert.deepEqual(r, stored);
  });

  it('is shared by a second store on the same database (another instance)', async () => {
    const other = await openCosmosStore({ endpoint: t.cosmos.endpoint, key: t.cosmos.key, databaseId: 'store-cosmos-test' });
    try {
      const mine = await t.store.secrets.getOrCreate('shared', () => 'from-first');
      assert.equal(await other.secrets.getOrCreate('shared', () => 'from-second'), mine);
    } finally {
      await other.close();
    }
  });

  it('accepts names Cosmos ids forbid', async () => {
    assert.equal(await t.store.secrets.getOrCreate('keys/https://x?y#z', () => 42), 42);
    assert.equal(await t.store.secrets.getOrCreate('keys/https://x?y#z', () => 0), 42);
  });

  it('refuses to store undefined', async () => {
    await assert.rejects(t.store.secrets.getOrCreate('nothing', () => undefined), /returned undefined/);
  });
});
