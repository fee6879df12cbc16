import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openExpenseStore, type ExpenseStore } from '../../src/index.ts';
import { startTestCosmos, type TestCosmos } from '../fixtures/cosmos.ts';

describe('openExpenseStore — Cosmos container `expenses` partitioned by /userKey', () => {
  let cosmos: TestCosmos;
  let store: ExpenseStore;
  const alice = 'tenant-a:alice';
  const bob = 'tenant-a:bob';

  before(async () => {
    cosmos = await startTestCosmos();
    store = await openExpenseStore(cosmos.database);
  });
  after(() => cosmos.close());

  it('is idempotent to open (createIfNotExists)', async () => {
    await openExpenseStore(cosmos.database);
  });

  it('adds and lists newest date first, then newest created first', async () => {
    const a = await store.add(alice, { amount: 1, currency: 'EUR', description: 'a', date: '2026-01-02' });
    const b = await store.add(alice, { amount: 2, currency: 'EUR', description: 'b', date: '2026-03-01' });
    const c = await store.add(alice, { amount: 3, currency: 'USD', description: 'c', date: '2026-01-02' });
    assert.match(a.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(a).sort(), ['amount', 'createdAt', 'currency', 'date', 'description', 'id']);
    const list = await store.list(alice, { limit: 10 });
    assert.deepEqual(list.map((e) => e.id), [b.id, c.id, a.id]);
  });

  it('filters by date range (inclusive) and limit', async () => {
    const inJan = await store.list(alice, { from: '2026-01-01', to: '2026-01-31', limit: 10 });
    assert.deepEqual(inJan.map((e) => e.description), ['c', 'a']);
    const fromMarch = await store.list(alice, { from: '2026-03-01', limit: 10 });
    assert.deepEqual(fromMarch.map((e) => e.description), ['b']);
    const top1 = await store.list(alice, { limit: 1 });
    assert.deepEqual(top1.map((e) => e.description), ['b']);
  });

  it('keeps users apart: listing and deleting only within the userKey partition', async () => {
    const mine = await store.add(bob, { amount: 9, currency: 'GBP', description: 'bob', date: '2026-02-02' });
    assert.deepEqual((await store.list(bob, { limit: 10 })).map((e) => e.id), [mine.id]);
    const alices = await store.list(alice, { limit: 10 });
    assert.equal(alices.some((e) => e.id === mine.id), false);
    assert.equal(await store.remove(alice, mine.id), false);
    assert.equal(await store.remove(bob, mine.id), true);
    assert.equal(await store.remove(bob, mine.id), false);
  });
});
