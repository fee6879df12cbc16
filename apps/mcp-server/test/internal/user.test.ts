import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionOwnerOf, userOf } from '../../src/internal/user.ts';

describe('userOf — data key from the verified token only (A20)', () => {
  const auth = (extra: Record<string, unknown>) => ({ token: 't', clientId: 'c', scopes: [], extra });

  it('builds userKey tid:oid', () => {
    assert.deepEqual(userOf(auth({ tenantId: 't1', objectId: 'o1', name: 'N', username: 'u' })), {
      userKey: 't1:o1', tenantId: 't1', objectId: 'o1', name: 'N', username: 'u',
    });
  });

  it('has no user without tid or oid, or with ids that could collide', () => {
    assert.equal(userOf(auth({ tenantId: 't1' })), undefined);
    assert.equal(userOf(auth({ objectId: 'o1' })), undefined);
    assert.equal(userOf(auth({ tenantId: 't:1', objectId: 'o1' })), undefined);
    assert.equal(userOf(auth({ tenantId: '', objectId: 'o1' })), undefined);
    assert.equal(userOf(undefined), undefined);
  });

  it('binds sessions to the user, or to client and subject for user-less tokens', () => {
    assert.equal(sessionOwnerOf(auth({ tenantId: 't1', objectId: 'o1' })), 'user:t1:o1');
    assert.equal(sessionOwnerOf(auth({ subject: 's' })), 'client:c:s');
  });
});
