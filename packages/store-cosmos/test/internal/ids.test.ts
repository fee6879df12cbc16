import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { encodeId, hashId } from '../../src/internal/ids.ts';

describe('Cosmos-safe ids', () => {
  it('keeps nanoid-alphabet ids verbatim', () => {
    assert.equal(encodeId('V1StGXR8_Z5jdHi6B-myT'), 'V1StGXR8_Z5jdHi6B-myT');
  });

  it('hashes ids with / \\ ? # or other characters, and ids over 128 characters', () => {
    for (const id of ['a/b', 'a\\b', 'a?b', 'a#b', 'a b', 'é', 'x'.repeat(129), '']) {
      const encoded = encodeId(id);
      assert.match(encoded, /^~[A-Za-z0-9_-]{43}$/, JSON.stringify(id));
      assert.equal(encoded, `~${hashId(id)}`);
    }
  });

  it('maps distinct ids to distinct encodings', () => {
    assert.notEqual(encodeId('https://a.example/x'), encodeId('https://a.example/y'));
  });
});
