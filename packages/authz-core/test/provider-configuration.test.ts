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
