import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KNOWN_CLIENT_REDIRECT_URIS, preregisteredClientMetadata } from '../src/preregistered-clients.ts';
import { applyClientRegistrationPolicy, classifyRedirectUri } from '../src/client-registration-policy.ts';

describe('pre-registered clients (interop rule 14)', () => {
  it('makes a public PKCE client allowed at every known client redirect URI by default', () => {
    const metadata = preregisteredClientMetadata({ clientId: 'corp-mcp', clientName: 'Corp MCP' });
    assert.equal(metadata.client_id, 'corp-mcp');
    assert.equal(metadata.token_endpoint_auth_method, 'none');
    assert.equal(metadata.client_secret, undefined);
    assert.deepEqual(metadata.redirect_uris, [...KNOWN_CLIENT_REDIRECT_URIS]);
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token']);
  });

  it('lists only redirect URIs the registration policy accepts, and the mix makes the client native', () => {
    for (const uri of KNOWN_CLIENT_REDIRECT_URIS) assert.ok('kind' in classifyRedirectUri(uri), uri);
    const metadata = preregisteredClientMetadata({ clientId: 'corp-mcp' }) as Record<string, unknown>;
    applyClientRegistrationPolicy(metadata);
    assert.equal(metadata.application_type, 'native');
  });

  it('covers the redirect URIs of VS Code, claude.ai, Claude Code, Cursor, mcp-remote and Inspector', () => {
    for (const uri of [
      'https://vscode.dev/redirect',
      'https://claude.ai/api/mcp/auth_callback',
      'http://localhost/callback',
      'cursor://anysphere.cursor-mcp/oauth/callback',
      'http://localhost/oauth/callback',
      'http://127.0.0.1/',
    ]) {
      assert.ok(KNOWN_CLIENT_REDIRECT_URIS.includes(uri), uri);
    }
  });

  it('makes a client with a secret confidential with client_secret_basic unless told otherwise', () => {
    const secret = 's'.repeat(40);
    assert.equal(preregisteredClientMetadata({ clientId: 'a', clientSecret: secret }).token_endpoint_auth_method, 'client_secret_basic');
    const post = preregisteredClientMetadata({ clientId: 'a', clientSecret: secret, tokenEndpointAuthMethod: 'client_secret_post', redirectUris: ['https://app.example/cb'] });
    assert.equal(post.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(post.client_secret, secret);
    assert.deepEqual(post.redirect_uris, ['https://app.example/cb']);
  });
});
