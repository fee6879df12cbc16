import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProviderConfiguration, type ProviderConfigurationOptions } from '../src/index.ts';

const base: ProviderConfigurationOptions = {
  resourceUrl: 'https://mcp.example.com/mcp',
  adapter: class {} as never,
  signingKeys: { keys: [] },
  signingAlgorithm: 'ES256',
  cookieKeys: ['k'.repeat(32)],
  secureCookies: true,
  accounts: { find: async () => undefined },
  accessTokenTtlSeconds: 600,
  refreshTokenTtlSeconds: 3600,
  renderError: async () => {},
  metadataDocuments: { enabled: true, allowedHosts: [], deniedHosts: ['evil.example'], trustedHosts: ['vscode.dev'] },
  fetch: async () => {
    throw new Error('no network in unit tests');
  },
};

describe('provider configuration: cookies (MCP AS11, RFC 6265bis §4.1.3)', () => {
  it('uses __Host- only for the path=/ session cookie and __Secure- for per-interaction cookies', () => {
    const cookies = createProviderConfiguration(base).cookies!;
    assert.deepEqual(cookies.names, { session: '__Host-mcpb.session', interaction: '__Secure-mcpb.interaction', resume: '__Secure-mcpb.resume' });
    // oidc-provider scopes the interaction and resume cookies to their own paths; we must not force one.
    assert.equal((cookies.short as { path?: string }).path, undefined);
    assert.equal((cookies.long as { path?: string }).path, undefined);
    assert.equal(cookies.long?.httpOnly, true);
    assert.equal(cookies.long?.sameSite, 'lax');
  });

  it('drops the prefixes on plain-http localhost', () => {
    const names = createProviderConfiguration({ ...base, secureCookies: false }).cookies!.names;
    assert.deepEqual(names, { session: 'mcpb.session', interaction: 'mcpb.interaction', resume: 'mcpb.resume' });
  });
});

describe('provider configuration: protocol choices', () => {
  const config = createProviderConfiguration(base);
  it('requires PKCE for every client (OAuth 2.1 §4.1.1)', () => {
    assert.equal(config.pkce!.required!({} as never, {} as never), true);
  });
  it('serves /authorize, /token and /register (clients’ fallback paths)', () => {
    assert.equal(config.routes!.authorization, '/authorize');
    assert.equal(config.routes!.token, '/token');
    assert.equal(config.routes!.registration, '/register');
  });
  it('opens registration without an initial access token and keeps PAR off', () => {
    assert.equal(config.features!.registration!.enabled, true);
    assert.equal(config.features!.registration!.initialAccessToken, false);
    assert.equal(config.features!.pushedAuthorizationRequests!.enabled, false);
  });
});

describe('provider configuration: Client ID Metadata Documents (MCP AS4, AS5)', () => {
  const config = createProviderConfiguration(base);
  const feature = config.features!.clientIdMetadataDocument!;

  it('enables the feature for draft-02 with bounded caching and a 5 KiB document limit', () => {
    assert.equal(feature.enabled, true);
    assert.equal(feature.ack, 'draft-02');
    assert.deepEqual(feature.cacheDuration, { min: 60, max: 3600 });
    assert.equal(config.fetchResponseBodyLimits!['client_id metadata document'], 5 * 1024);
    assert.equal(config.fetch, base.fetch, 'every outbound request goes through the given (guarded) fetch');
  });

  it('is off when the operator turns it off', () => {
    const off = createProviderConfiguration({ ...base, metadataDocuments: { ...base.metadataDocuments, enabled: false } });
    assert.equal(off.features!.clientIdMetadataDocument!.enabled, false);
  });

  it('refuses to fetch from a denied host with invalid_client naming the host', async () => {
    await assert.rejects(async () => feature.allowFetch!({} as never, 'https://evil.example/client.json'), {
      error: 'invalid_client',
      error_description: 'client metadata documents from evil.example are refused by this server',
    });
    assert.equal(await feature.allowFetch!({} as never, 'https://vscode.dev/oauth/client-metadata.json'), true);
  });

  it('applies the host lists to cached documents too', async () => {
    await assert.rejects(async () => feature.allowClient!({} as never, { clientId: 'https://evil.example/client.json', clientName: 'x' } as never), {
      error: 'invalid_client',
      error_description: 'client metadata documents from evil.example are refused by this server',
    });
    assert.equal(await feature.allowClient!({} as never, { clientId: 'https://tools.example.net/client.json', clientName: 'Tools' } as never), true);
  });
});
