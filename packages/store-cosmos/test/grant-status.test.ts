import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createGrantStatusReader } from '../src/index.ts';
import { openTestStore, type TestStore } from './helpers/embedded-store.ts';

describe('grant status for resource servers (JWT access token revocation)', () => {
  let t: TestStore;
  before(async () => {
    t = await openTestStore();
  });
  after(() => t.close());

  it('is active while the Grant exists and inactive once it is destroyed, after the cache window', async () => {
    const grants = createGrantStatusReader({ database: t.store.database, cacheSeconds: 5, now: () => t.clock.ms });
    const Grant = new t.store.adapter('Grant');
    await Grant.upsert('grant-status-1', { jti: 'grant-status-1', kind: 'Grant', accountId: 'a', clientId: 'c' } as never, 3600);
    assert.equal(await grants.isActive('grant-status-1'), true);
    await Grant.destroy('grant-status-1');
    assert.equal(await grants.isActive('grant-status-1'), true, 'cached answer within the window');
    t.clock.ms += 6_000;
    assert.equal(await grants.isActive('grant-status-1'), false);
  });

  it('is inactive once the Grant has expired, even where Cosmos TTL has not removed it yet', async () => {
    const grants = createGrantStatusReader({ database: t.store.database, now: () => t.clock.ms });
    await new t.store.adapter('Grant').upsert('grant-status-2', { jti: 'grant-status-2', kind: 'Grant' } as never, 60);
    t.clock.ms += 61_000;
    assert.equal(await grants.isActive('grant-status-2'), false);
  });

  it('is inactive for a grant that never existed', async () => {
    const grants = createGrantStatusReader({ database: t.store.database });
    assert.equal(await grants.isActive('never-issued'), false);
  });
});
