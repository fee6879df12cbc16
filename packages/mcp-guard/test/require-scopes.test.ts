import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireScopes } from '../src/index.ts';

describe('requireScopes — scope policy (RFC 6749 §3.3)', () => {
  it('returns nothing when every needed scope is granted', () => {
    assert.deepEqual(requireScopes({ scopes: ['openid', 'mcp:read', 'mcp:write'] }, ['mcp:write', 'mcp:read']), []);
  });

  it('returns the missing scopes once each, in the order needed', () => {
    assert.deepEqual(requireScopes({ scopes: ['mcp:read'] }, ['mcp:write', 'mcp:admin', 'mcp:write', 'mcp:read']), ['mcp:write', 'mcp:admin']);
  });

  it('compares case-sensitively', () => {
    assert.deepEqual(requireScopes({ scopes: ['MCP:READ'] }, ['mcp:read']), ['mcp:read']);
  });
});
