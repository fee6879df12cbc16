import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyClientRegistrationPolicy, classifyRedirectUri, isSameRedirectTarget } from '../src/index.ts';

describe('client registration policy (RFC 7591, RFC 8252)', () => {
  it('classifies redirect URIs', () => {
    assert.deepEqual(classifyRedirectUri('https://vscode.dev/redirect'), { kind: 'https' });
    assert.deepEqual(classifyRedirectUri('http://127.0.0.1:33418/'), { kind: 'loopback' });
    assert.deepEqual(classifyRedirectUri('http://localhost:3118/callback'), { kind: 'loopback' });
    assert.deepEqual(classifyRedirectUri('http://[::1]/cb'), { kind: 'loopback' });
    assert.deepEqual(classifyRedirectUri('cursor://anysphere.cursor-mcp/oauth/callback'), { kind: 'custom-scheme' });
  });

  it('refuses dangerous or non-loopback http redirect URIs (A25)', () => {
    for (const uri of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'http://evil.example/cb', 'https://a.example/cb#frag', 'https://user:pw@a.example/cb']) {
      assert.ok('error' in classifyRedirectUri(uri), uri);
      const verdict = classifyRedirectUri(uri) as { error: string };
      assert.throws(() => applyClientRegistrationPolicy({ redirect_uris: [uri] }), (error: Error & { error?: string; error_description?: string }) => {
        assert.equal(error.error, 'invalid_redirect_uri');
        assert.equal(error.error_description, verdict.error, 'the description names the URI and the rule');
        return true;
      });
    }
  });

  it('quotes at most 100 characters of a refused URI and never its user information', () => {
    const long = `https://app.example/cb#${'x'.repeat(5000)}`;
    const verdict = classifyRedirectUri(long) as { error: string };
    assert.equal(verdict.error, `${long.slice(0, 99)}… must not contain a fragment (RFC 6749 §3.1.2)`);
    assert.deepEqual(classifyRedirectUri('https://user:secret@app.example/cb'), { error: 'redirect URIs must not contain user information (app.example)' });
  });

  it('makes clients with loopback or private-scheme redirects native, whatever they sent', () => {
    const cursor: Record<string, unknown> = {
      application_type: 'web',
      redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'],
    };
    applyClientRegistrationPolicy(cursor);
    assert.equal(cursor.application_type, 'native');

    const web: Record<string, unknown> = { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'] };
    applyClientRegistrationPolicy(web);
    assert.equal(web.application_type, undefined);
  });

  it('drops the registered scope so it never becomes an allow-list, and adds refresh_token', () => {
    const metadata: Record<string, unknown> = { redirect_uris: ['http://127.0.0.1/cb'], scope: 'openid email profile', grant_types: ['authorization_code'] };
    applyClientRegistrationPolicy(metadata);
    assert.equal('scope' in metadata, false);
    assert.deepEqual(metadata.grant_types, ['authorization_code', 'refresh_token']);
  });

  it('makes a metadata document without token_endpoint_auth_method a public client, and leaves DCR alone', () => {
    const document: Record<string, unknown> = { client_id: 'https://zed.dev/oauth/client-metadata.json', client_name: 'Zed', redirect_uris: ['http://127.0.0.1/callback'] };
    applyClientRegistrationPolicy(document);
    assert.equal(document.token_endpoint_auth_method, 'none');
    const defaulted: Record<string, unknown> = { client_id: 'https://zed.dev/oauth/client-metadata.json', client_name: 'Zed', token_endpoint_auth_method: 'client_secret_basic' };
    applyClientRegistrationPolicy(defaulted);
    assert.equal(defaulted.token_endpoint_auth_method, 'none', 'oidc-provider fills in the RFC 7591 default before the policy runs');
    const dynamic: Record<string, unknown> = { client_id: 'generated-id', redirect_uris: ['https://app.example/cb'] };
    applyClientRegistrationPolicy(dynamic);
    assert.equal(dynamic.token_endpoint_auth_method, undefined, 'RFC 7591 §2 default applies to DCR');
  });

  it('authenticates a private_key_jwt document with its assertion when one is sent, as a public client otherwise (interop rule 16)', () => {
    const chatgpt = () => ({ client_id: 'https://chatgpt.com/oauth/client.json', client_name: 'ChatGPT', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://chatgpt.com/oauth/jwks.json' });
    const withAssertion: Record<string, unknown> = chatgpt();
    applyClientRegistrationPolicy(withAssertion, { clientAssertionSent: true });
    assert.equal(withAssertion.token_endpoint_auth_method, 'private_key_jwt');
    const without: Record<string, unknown> = chatgpt();
    applyClientRegistrationPolicy(without);
    assert.equal(without.token_endpoint_auth_method, 'none');
    const dynamic: Record<string, unknown> = { client_id: 'generated', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' };
    applyClientRegistrationPolicy(dynamic);
    assert.equal(dynamic.token_endpoint_auth_method, 'private_key_jwt', 'a registered private_key_jwt client always authenticates');
  });
});

describe('remembered consent and redirect targets (RFC 8252 §7.3)', () => {
  it('treats loopback redirects on another port as the same target', () => {
    assert.equal(isSameRedirectTarget('http://127.0.0.1:33418/', 'http://127.0.0.1:51234/'), true);
    assert.equal(isSameRedirectTarget('http://localhost/callback', 'http://localhost:3118/callback'), true);
  });

  it('keeps everything else exact', () => {
    assert.equal(isSameRedirectTarget('http://127.0.0.1:33418/', 'http://localhost:33418/'), false, 'another host');
    assert.equal(isSameRedirectTarget('http://127.0.0.1:1/cb', 'http://127.0.0.1:1/other'), false, 'another path');
    assert.equal(isSameRedirectTarget('https://vscode.dev/redirect', 'https://vscode.dev/redirect/'), false);
    assert.equal(isSameRedirectTarget('cursor://anysphere.cursor-mcp/oauth/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'), true);
  });
});

describe('client metadata document content (MCP AS4)', () => {
  it('requires a client_name and a jwks_uri on the document’s own host', () => {
    const refusal = (metadata: Record<string, unknown>) => {
      try {
        applyClientRegistrationPolicy(metadata);
      } catch (error) {
        return (error as { error_description?: string }).error_description;
      }
      return undefined;
    };
    assert.equal(refusal({ client_id: 'https://a.example/c.json' }), 'the client metadata document has no client_name');
    assert.equal(refusal({ client_id: 'https://a.example/c.json', client_name: '  ' }), 'the client metadata document has no client_name');
    assert.equal(
      refusal({ client_id: 'https://a.example/c.json', client_name: 'A', jwks_uri: 'https://keys.example/jwks' }),
      'jwks_uri must be on the same host as the client metadata document',
    );
    assert.equal(refusal({ client_id: 'https://a.example/c.json', client_name: 'A', jwks_uri: 'https://a.example/jwks' }), undefined);
    assert.equal(refusal({ client_id: 'registered-id' }), undefined, 'dynamic registrations may omit client_name (RFC 7591 §2)');
  });
});
