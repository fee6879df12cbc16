import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, loadMcpServerConfig } from '../src/index.ts';

const DEV = { DANGEROUSLY_USE_DEV_ENTRA: 'true', DANGEROUSLY_USE_EMBEDDED_COSMOS: 'true' };

describe('loadConfig', () => {
  it('gives the documented defaults for the dev stack', () => {
    const config = loadConfig(DEV);
    assert.equal(config.authz.issuer, 'http://localhost:9000');
    assert.equal(config.authz.port, 9000);
    assert.equal(config.mcp.resourceUrl, 'http://localhost:9100/mcp');
    assert.equal(config.mcp.port, 9100);
    assert.deepEqual(config.entra, { mode: 'dev', port: 9443, scopes: ['User.Read'] });
    assert.deepEqual(config.cosmos, { mode: 'embedded', databaseId: 'mcp-bridge' });
    assert.equal(config.warnings.length, 2, 'each dev shortcut is announced');
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.authz));
  });

  it('reports every problem at once, each with its variable name', () => {
    const error = (() => {
      try {
        loadConfig({ AUTHZ_ISSUER: 'https://auth.example.com/tenant-a', MCP_RESOURCE_URL: 'http://mcp.example.com/mcp', COOKIE_KEYS: 'short' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    assert.ok(error instanceof ConfigError);
    const names = error.issues.map((issue) => issue.split(':')[0]);
    assert.deepEqual(names.sort(), [
      'AUTHZ_ISSUER',
      'COOKIE_KEYS',
      'COSMOS_CONNECTION_STRING or COSMOS_ENDPOINT + COSMOS_KEY',
      'ENTRA_CLIENT_ID',
      'ENTRA_CLIENT_SECRET',
      'ENTRA_TENANT_ID',
      'MCP_RESOURCE_URL',
    ]);
  });

  it('rejects values of the wrong shape with the variable name', () => {
    assert.throws(() => loadConfig({ ...DEV, ACCESS_TOKEN_TTL_SECONDS: '3600' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.issues[0]!, /^ACCESS_TOKEN_TTL_SECONDS: /);
      return true;
    });
  });

  it('reads a real tenant and a Cosmos connection string', () => {
    const config = loadConfig({
      AUTHZ_ISSUER: 'https://auth.example.com',
      MCP_RESOURCE_URL: 'https://mcp.example.com/mcp',
      ENTRA_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      ENTRA_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      ENTRA_CLIENT_SECRET: 'secret',
      ENTRA_SCOPES: 'api://11111111-2222-3333-4444-555555555555/.default',
      COSMOS_CONNECTION_STRING: 'AccountEndpoint=https://acct.documents.azure.com:443/;AccountKey=a2V5;',
    });
    assert.equal(config.entra.mode, 'tenant');
    assert.deepEqual(config.cosmos, { mode: 'remote', endpoint: 'https://acct.documents.azure.com:443/', key: 'a2V5', databaseId: 'mcp-bridge' });
    assert.equal(config.authz.port, 443);
    assert.deepEqual(config.warnings, []);
  });

  it('refuses openid/offline_access in ENTRA_SCOPES (MSAL adds them; interop rule 20)', () => {
    assert.throws(
      () => loadConfig({ ...DEV, DANGEROUSLY_USE_DEV_ENTRA: 'false', ENTRA_TENANT_ID: 't', ENTRA_CLIENT_ID: 'c', ENTRA_CLIENT_SECRET: 's', ENTRA_SCOPES: 'openid User.Read' }),
      /ENTRA_SCOPES: list only the API scopes/,
    );
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ ...DEV, COSMOS_ENDPOINT: '', COSMOS_KEY: '' });
    assert.equal(config.cosmos.mode, 'embedded');
  });
});

describe('loadMcpServerConfig', () => {
  it('reads the MCP server slice without Entra settings', () => {
    const config = loadMcpServerConfig({
      MCP_RESOURCE_URL: 'http://localhost:9100/mcp',
      COSMOS_ENDPOINT: 'http://127.0.0.1:8081',
      COSMOS_KEY: 'key',
      MCP_ALLOWED_ORIGINS: 'http://localhost:6274, http://127.0.0.1:6274',
      MCP_DANGEROUSLY_DISABLE_AUTH: 'true',
    });
    assert.equal(config.resourceUrl, 'http://localhost:9100/mcp');
    assert.equal(config.issuer, 'http://localhost:9000');
    assert.equal(config.port, 9100);
    assert.deepEqual(config.allowedOrigins, ['http://localhost:6274', 'http://127.0.0.1:6274']);
    assert.equal(config.dangerouslyDisableAuth, true);
    assert.match(config.warnings[0]!, /WITHOUT authentication/);
  });

  it('needs a shared Cosmos DB', () => {
    assert.throws(() => loadMcpServerConfig({}), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.issues.join('\n'), /COSMOS_CONNECTION_STRING or COSMOS_ENDPOINT \+ COSMOS_KEY/);
      return true;
    });
  });
});

describe('loadMcpServerConfig URL checks', () => {
  it('applies the same issuer and https rules as the bridge', () => {
    assert.throws(
      () => loadMcpServerConfig({ AUTHZ_ISSUER: 'http://auth.example.com', MCP_RESOURCE_URL: 'http://mcp.example.com/mcp', COSMOS_ENDPOINT: 'https://a.documents.azure.com', COSMOS_KEY: 'k' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues.map((issue) => issue.split(':')[0]).sort(), ['AUTHZ_ISSUER', 'MCP_RESOURCE_URL']);
        return true;
      },
    );
  });
});

describe('loadConfig: Client ID Metadata Documents and pre-registered clients', () => {
  it('accepts metadata documents from any host by default, with the well-known publishers trusted', () => {
    const config = loadConfig(DEV);
    assert.deepEqual(config.metadataDocuments, {
      enabled: true,
      allowedHosts: [],
      deniedHosts: [],
      trustedHosts: ['vscode.dev', 'insiders.vscode.dev', 'claude.ai'],
    });
    assert.deepEqual(config.preregisteredClients, []);
  });

  it('reads the host lists and the switch', () => {
    const config = loadConfig({ ...DEV, CIMD_ENABLED: 'false', CIMD_ALLOWED_HOSTS: 'vscode.dev, *.claude.ai', CIMD_DENIED_HOSTS: 'evil.example', CIMD_TRUSTED_HOSTS: '' });
    assert.equal(config.metadataDocuments.enabled, false);
    assert.deepEqual(config.metadataDocuments.allowedHosts, ['vscode.dev', '*.claude.ai']);
    assert.deepEqual(config.metadataDocuments.deniedHosts, ['evil.example']);
  });

  it('refuses host list entries that could never match, naming them', () => {
    assert.throws(
      () => loadConfig({ ...DEV, CIMD_DENIED_HOSTS: 'https://evil.example,ok.example', CIMD_ALLOWED_HOSTS: '*.example.com', CIMD_TRUSTED_HOSTS: 'vscode.dev/oauth' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues, [
          'CIMD_DENIED_HOSTS: https://evil.example is not a host name or *.domain pattern (e.g. vscode.dev, *.example.com)',
          'CIMD_TRUSTED_HOSTS: vscode.dev/oauth is not a host name or *.domain pattern (e.g. vscode.dev, *.example.com)',
        ]);
        return true;
      },
    );
  });

  it('reads pre-registered clients from JSON', () => {
    const secret = 'x'.repeat(32);
    const config = loadConfig({
      ...DEV,
      PREREGISTERED_CLIENTS: JSON.stringify([
        { client_id: 'vscode-corp', client_name: 'VS Code (Contoso)' },
        { client_id: 'claude-corp', client_secret: secret, token_endpoint_auth_method: 'client_secret_post', redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] },
      ]),
    });
    assert.deepEqual(config.preregisteredClients, [
      { clientId: 'vscode-corp', clientName: 'VS Code (Contoso)' },
      { clientId: 'claude-corp', clientSecret: secret, redirectUris: ['https://claude.ai/api/mcp/auth_callback'], tokenEndpointAuthMethod: 'client_secret_post' },
    ]);
  });

  it('reports each bad pre-registered client with its index', () => {
    assert.throws(
      () =>
        loadConfig({
          ...DEV,
          PREREGISTERED_CLIENTS: JSON.stringify([
            { client_id: 'https://vscode.dev/oauth/client-metadata.json' },
            { client_id: 'a', client_secret: 'short' },
            { client_id: 'b', token_endpoint_auth_method: 'client_secret_basic' },
            { client_id: 'c', colour: 'blue' },
          ]),
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.issues, [
          'PREREGISTERED_CLIENTS: 0.client_id: an https URL is a Client ID Metadata Document, not a pre-registered id',
          'PREREGISTERED_CLIENTS: 1.client_secret: must be at least 32 characters',
          'PREREGISTERED_CLIENTS: 2: client_secret is required for client_secret_basic / client_secret_post',
          'PREREGISTERED_CLIENTS: 3: Unrecognized key: "colour"',
        ]);
        return true;
      },
    );
  });

  it('refuses JSON that does not parse and duplicate ids', () => {
    assert.throws(() => loadConfig({ ...DEV, PREREGISTERED_CLIENTS: '[{' }), /PREREGISTERED_CLIENTS: not valid JSON/);
    assert.throws(() => loadConfig({ ...DEV, PREREGISTERED_CLIENTS: '[{"client_id":"a"},{"client_id":"a"}]' }), /client_id a appears twice/);
  });
});
