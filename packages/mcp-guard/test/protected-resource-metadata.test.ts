import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from '../src/index.ts';

describe('protectedResourceMetadata — OAuth 2.0 Protected Resource Metadata (RFC 9728 §2, §3.1)', () => {
  it('builds the document with header-only bearer tokens', () => {
    assert.deepEqual(
      protectedResourceMetadata({
        resource: 'http://localhost:9100/mcp',
        authorizationServers: ['http://localhost:9000'],
        scopesSupported: ['mcp:read', 'mcp:write'],
        resourceName: 'Expenses MCP',
        documentation: 'https://example.com/docs',
      }),
      {
        resource: 'http://localhost:9100/mcp',
        authorization_servers: ['http://localhost:9000'],
        scopes_supported: ['mcp:read', 'mcp:write'],
        bearer_methods_supported: ['header'],
        resource_name: 'Expenses MCP',
        resource_documentation: 'https://example.com/docs',
      },
    );
  });

  it('refuses an empty authorization_servers list', () => {
    assert.throws(() => protectedResourceMetadata({ resource: 'http://localhost:9100/mcp', authorizationServers: [], scopesSupported: [] }), TypeError);
  });

  it('inserts the well-known segment before the resource path', () => {
    assert.equal(protectedResourceMetadataUrl('http://localhost:9100/mcp'), 'http://localhost:9100/.well-known/oauth-protected-resource/mcp');
    assert.equal(protectedResourceMetadataUrl('https://api.example.com/v1/mcp'), 'https://api.example.com/.well-known/oauth-protected-resource/v1/mcp');
    assert.equal(protectedResourceMetadataUrl('https://api.example.com/'), 'https://api.example.com/.well-known/oauth-protected-resource');
  });
});
