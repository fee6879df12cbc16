import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMcpServerEnv } from '../src/index.ts';

describe('readMcpServerEnv — MCP server settings', () => {
  const base = {
    MCP_RESOURCE_URL: 'http://localhost:9100/mcp',
    AUTHZ_ISSUER: 'http://localhost:9000',
    COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
    COSMOS_KEY: 'k',
  };

  it('reads the settings with defaults', () => {
    assert.deepEqual(readMcpServerEnv(base), {
      resourceUrl: 'http://localhost:9100/mcp',
      issuer: 'http://localhost:9000',
      cosmos: { endpoint: 'http://127.0.0.1:8081', key: 'k', databaseId: 'mcp-bridge' },
      port: 9100,
      allowedOrigins: [],
      dangerouslyDisableAuth: false,
    });
  });

  it('reads the optional settings', () => {
    const env = readMcpServerEnv({ ...base, MCP_PORT: '8000', COSMOS_DATABASE: 'db', MCP_ALLOWED_ORIGINS: 'http://a.example, http://b.example', MCP_DANGEROUSLY_DISABLE_AUTH: 'true' });
    assert.equal(env.port, 8000);
    assert.equal(env.cosmos.databaseId, 'db');
    assert.deepEqual(env.allowedOrigins, ['http://a.example', 'http://b.example']);
    assert.equal(env.dangerouslyDisableAuth, true);
  });

  it('reports every problem at once', () => {
    assert.throws(() => readMcpServerEnv({ MCP_RESOURCE_URL: 'not a url', MCP_PORT: 'x' }), {
      message: 'Invalid MCP server configuration: MCP_RESOURCE_URL must be an absolute URL; AUTHZ_ISSUER is required; COSMOS_ENDPOINT is required; COSMOS_KEY is required; MCP_PORT must be a port number',
    });
  });
});
