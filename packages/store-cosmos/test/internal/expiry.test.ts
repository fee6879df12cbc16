import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expiryFor, isExpired, ttlUntil } from '../../src/internal/expiry.ts';

describe('expiresIn → expiresAt and ttl', () => {
  it('maps seconds to epoch ms and a whole-second ttl', () => {
    assert.deepEqual(expiryFor(1_000, 60, 0), { expiresAt: 61_000, ttl: 60 });
    assert.deepEqual(expiryFor(1_000, 60, 5), { expiresAt: 66_000, ttl: 65 });
    assert.deepEqual(expiryFor(0, 0.5, 0), { expiresAt: 500, ttl: 1 });
  });

  it('means "no expiry" for undefined and non-finite expiresIn', () => {
    assert.equal(expiryFor(0, undefined, 0), undefined);
    assert.equal(expiryFor(0, Number.NaN, 0), undefined);
  });

  it('never produces a ttl below 1 second', () => {
    assert.equal(ttlUntil(1_000, 5_000), 1);
  });

  it('treats expiresAt as exclusive', () => {
    assert.equal(isExpired(1_000, 999), false);
    assert.equal(isExpired(1_000, 1_000), true);
    assert.equal(isExpired(undefined, 1e15), false);
    assert.equal(isExpired(null, 1e15), false);
  });
});
