import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowedOrigin, normalizeOrigins } from '../../src/internal/origin.ts';

describe('isAllowedOrigin — DNS rebinding protection (MCP transports, RS8)', () => {
  const own = 'http://localhost:9100';
  const allowed = normalizeOrigins(['https://Inspector.example:443/', 'http://localhost:6274']);

  it('lets requests without Origin through (non-browser clients)', () => {
    assert.equal(isAllowedOrigin(undefined, own, allowed), true);
  });

  it('accepts the own origin and configured origins, normalized', () => {
    for (const origin of ['http://localhost:9100', 'HTTP://LOCALHOST:9100', 'https://inspector.example', 'http://localhost:6274']) {
      assert.equal(isAllowedOrigin(origin, own, allowed), true, origin);
    }
  });

  it('refuses other origins, null and garbage', () => {
    for (const origin of ['http://evil.example', 'http://localhost:9101', 'https://localhost:9100', 'null', '', 'not a url', 'file://']) {
      assert.equal(isAllowedOrigin(origin, own, allowed), false, origin);
    }
  });
});
