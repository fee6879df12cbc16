import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { openTestStore, T0, type TestStore } from './helpers/embedded-store.ts';

let t: TestStore;
before(async () => { t = await openTestStore(); });
after(() => t.close());

describe('account store: upsert and find by accountId', () => {
  it('creates an account with createdAt = updatedAt', async () => {
    t.clock.ms = T0;
    const account = await t.store.accounts.upsert({
      accountId: 'tid1.oid1', tenantId: 'tid1', objectId: 'oid1', name: 'Ada', username: 'ada@contoso.example', email: 'ada@contoso.example',
    });
    assert.deepEqual(account, {
      accountId: 'tid1.oid1', tenantId: 'tid1', objectId: 'oid1', name: 'Ada', username: 'ada@contoso.example', email: 'ada@contoso.example',
      createdAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString(),
    });
    assert.deepEqual(await t.store.accounts.find('tid1.oid1'), account);
  });

  it('keeps createdAt, refreshes updatedAt and drops fields no longer given', async () => {
    t.clock.ms = T0;
    await t.store.accounts.upsert({ accountId: 'tid2.oid2', tenantId: 'tid2', objectId: 'oid2', name: 'Old', email: 'old@x.example' });
    t.clock.ms = T0 + 60_000;
    const updated = await t.store.accounts.upsert({ accountId: 'tid2.oid2', tenantId: 'tid2', objectId: 'oid2', name: 'New' });
    assert.equal(updated.createdAt, new Date(T0).toISOString());
    assert.equal(updated.updatedAt, new Date(T0 + 60_000).toISOString());
    const found = await t.store.accounts.find('tid2.oid2');
    assert.equal(found?.name, 'New');
    assert.equal(found?.email, undefined);
    assert.equal(Object.keys(found ?? {}).some((k) => k.startsWith('_')), false, 'no Cosmos system fields leak');
  });

  it('returns undefined for an unknown account', async () => {
    assert.equal(await t.store.accounts.find('nobody'), undefined);
  });

  it('stores account ids containing characters Cosmos ids forbid', async () => {
    const accountId = 'tid/3#oid?3';
    await t.store.accounts.upsert({ accountId, tenantId: 'tid', objectId: 'oid' });
    assert.equal((await t.store.accounts.find(accountId))?.accountId, accountId);
  });

  it('converges when the same account is upserted concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => t.store.accounts.upsert({ accountId: 'tid4.oid4', tenantId: 'tid4', objectId: 'oid4', name: `n${i}` })),
    );
    assert.equal(results.length, 6);
    const found = await t.store.accounts.find('tid4.oid4');
    assert.ok(found?.name?.startsWith('n'));
  });
});
