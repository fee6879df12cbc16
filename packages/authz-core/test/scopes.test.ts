import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coversScopes, describeScopes, parseScope, SUPPORTED_SCOPES, withDefaultResourceScopes } from '../src/index.ts';

describe('scope policy (RFC 6749 §3.3)', () => {
  it('advertises a minimal, all-grantable list', () => {
    assert.deepEqual(SUPPORTED_SCOPES, ['openid', 'offline_access', 'mcp:read', 'mcp:write']);
  });

  it('defaults to every resource scope when none is requested', () => {
    assert.equal(withDefaultResourceScopes(undefined), 'mcp:read mcp:write');
    assert.equal(withDefaultResourceScopes(''), 'mcp:read mcp:write');
    assert.equal(withDefaultResourceScopes('openid email profile'), 'openid email profile mcp:read mcp:write');
  });

  it('keeps a request that names a resource scope as it is', () => {
    assert.equal(withDefaultResourceScopes('mcp:read offline_access'), 'mcp:read offline_access');
  });

  it('parses space-delimited scope lists without empties or duplicates', () => {
    assert.deepEqual(parseScope('  mcp:read  mcp:read openid '), ['mcp:read', 'openid']);
  });

  it('describes only scopes that can be granted, in a stable order', () => {
    assert.deepEqual(
      describeScopes(['email', 'mcp:write', 'openid']).map((item) => item.scope),
      ['openid', 'mcp:write'],
    );
  });

  it('knows when granted scopes cover a request', () => {
    assert.equal(coversScopes(['mcp:read', 'mcp:write'], ['mcp:read']), true);
    assert.equal(coversScopes(['mcp:read'], ['mcp:read', 'mcp:write']), false);
  });
});
