import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalResource, isSameResource } from '../src/index.ts';

describe('resource indicators (RFC 8707)', () => {
  it('accepts trailing-slash and case variants of the served resource', () => {
    assert.equal(isSameResource('http://localhost:9100/mcp/', 'http://localhost:9100/mcp'), true);
    assert.equal(isSameResource('HTTP://LOCALHOST:9100/mcp', 'http://localhost:9100/mcp'), true);
    assert.equal(isSameResource('https://mcp.example.com:443/mcp', 'https://mcp.example.com/mcp'), true);
  });

  it('does not confuse other resources with ours', () => {
    assert.equal(isSameResource('http://localhost:9100/other', 'http://localhost:9100/mcp'), false);
    assert.equal(isSameResource('http://localhost:9101/mcp', 'http://localhost:9100/mcp'), false);
    assert.equal(isSameResource('http://localhost:9100/MCP', 'http://localhost:9100/mcp'), false, 'paths are case-sensitive');
  });

  it('rejects fragments and non-http(s) URIs', () => {
    assert.equal(canonicalResource('http://localhost:9100/mcp#x'), undefined);
    assert.equal(canonicalResource('urn:example:mcp'), undefined);
    assert.equal(canonicalResource('not a url'), undefined);
  });
});
