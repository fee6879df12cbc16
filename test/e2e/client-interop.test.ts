import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { fetch, type Response } from 'undici';
import type { Stack } from '@mcp-bridge/bridge';
import { Browser, parseConsentForm } from './support/browser.ts';
import {
  CLAUDE_AI_CIMD,
  CLAUDE_AI_DOCUMENT,
  CLAUDE_CODE_CIMD,
  CLAUDE_CODE_DOCUMENT,
  VSCODE_CIMD,
  VSCODE_DOCUMENT,
} from './support/client-documents.ts';
import { startMetadataHost, type MetadataHost } from './support/metadata-host.ts';
import { MemoryOAuthProvider, completeInBrowser, connect, signIn, toolJson } from './support/mcp-client.ts';
import {
  assertErrorPage,
  assertOAuthError,
  decodeJwtPayload,
  json,
  pkce,
  type RegisteredClient,
  type TokenResponse,
} from './support/oauth.ts';
import { startTestStack } from './support/stack.ts';

/**
 * Every row of ../shared/docs/client-interop.md that this suite can replay: each client's real
 * Client ID Metadata Document (served from a loopback HTTPS host under the document's real URL through
 * the test-only fetch switch) or its real registration body, then the authorize, token and refresh
 * requests in the shape that client sends them.
 */

const ALICE = { username: 'alice@contoso.dev' };
const ALICE_OID = 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b';

const UNKNOWN_CIMD = 'https://agents.contoso-tools.net/oauth/client.json';
const DENIED_CIMD = 'https://denied.example/client.json';
const CHATGPT_CIMD = 'https://chatgpt.com/oauth/0f1e2d3c/client.json';
const CHATGPT_JWKS = 'https://chatgpt.com/oauth/jwks.json';
const CHATGPT_REDIRECT = 'https://chatgpt.com/connector/oauth/0f1e2d3c';
const PUBLISHERS = ['vscode.dev', 'claude.ai', 'chatgpt.com', 'agents.contoso-tools.net', 'denied.example'];

const PASTED_CLIENT_SECRET = 'pasted-client-secret-0123456789abcdef';

describe('client interop: CIMD, client quirks and pre-registered clients (client-interop.md)', () => {
  let stack: Stack;
  let metadata: MetadataHost;
  let issuer: string;
  let resourceUrl: string;
  let scopesSupported: string[];
  /** ChatGPT's signing key; its public half is served at CHATGPT_JWKS. */
  let chatgptKey: CryptoKey;
  const browsers: Browser[] = [];

  const newBrowser = () => {
    const browser = new Browser({ caCertPem: stack.entra!.caCertPem });
    browsers.push(browser);
    return browser;
  };

  function authorizeUrl(params: Record<string, string | undefined>): URL {
    const url = new URL(`${issuer}/authorize`);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  async function token(form: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
    return fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: body.toString(),
    });
  }

  async function register(body: Record<string, unknown>): Promise<RegisteredClient> {
    const response = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const registered = await json<RegisteredClient>(response);
    assert.equal(response.status, 201, JSON.stringify(registered));
    return registered;
  }

  /**
   * One sign-in as a given client sends it: the authorize request, the browser through consent and
   * the dev Entra, and the code back at `redirectUri`. Returns what the client's listener receives.
   */
  async function authorize(options: {
    clientId: string;
    redirectUri: string;
    scope?: string;
    resource?: string;
    state?: string;
    prompt?: string;
    browser?: Browser;
  }): Promise<{ code: string; verifier: string; redirect: URL; consentShown: boolean }> {
    const { verifier, challenge } = pkce();
    const state = options.state ?? randomBytes(16).toString('base64url');
    const url = authorizeUrl({
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: options.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      scope: options.scope,
      resource: options.resource,
      prompt: options.prompt,
    });
    const outcome = await completeInBrowser(options.browser ?? newBrowser(), url, redirectPrefix(options.redirectUri), ALICE);
    assert.equal(outcome.redirect.searchParams.get('error'), null, `no error in ${outcome.redirect.href}`);
    assert.equal(outcome.redirect.searchParams.get('state'), state, 'state returned byte for byte (interop rule 12)');
    assert.equal(outcome.redirect.searchParams.get('iss'), issuer, 'iss on the authorization response (RFC 9207)');
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `a code in ${outcome.redirect.href}`);
    return { code, verifier, redirect: outcome.redirect, consentShown: outcome.consentShown };
  }

  /** The consent page a client's authorize request leads to, for a person not yet signed in. */
  async function consentPage(clientId: string, redirectUri: string): Promise<string> {
    const { challenge } = pkce();
    const step = await newBrowser().follow(
      authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's' }).href,
      redirectPrefix(redirectUri),
    );
    assert.ok(step.page, `expected the consent page, got a redirect to ${step.redirect?.href}`);
    const html = await step.page.text();
    assert.equal(step.page.status, 200, html.slice(0, 400));
    parseConsentForm(html);
    return html;
  }

  /** A token request that must succeed and, whatever the grant, return a refresh token. */
  async function grantTokens(grantType: string, why: string, form: Record<string, string | undefined>, headers: Record<string, string>): Promise<TokenResponse> {
    const response = await token({ grant_type: grantType, ...form }, headers);
    const tokens = await json<TokenResponse>(response);
    assert.equal(response.status, 200, JSON.stringify(tokens));
    assert.ok(tokens.refresh_token, why);
    return tokens;
  }
  const redeem = (form: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    grantTokens('authorization_code', 'a refresh token, asked for or not (interop rule 9)', form, headers);
  const refresh = (form: Record<string, string | undefined>, headers: Record<string, string> = {}) =>
    grantTokens('refresh_token', 'refresh tokens rotate', form, headers);

  /** The access token is ours, for the MCP server, for alice, with every resource scope. */
  function assertAccessToken(accessToken: string, clientId: string): void {
    const claims = decodeJwtPayload(accessToken);
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, resourceUrl);
    assert.equal(claims.client_id, clientId);
    assert.equal(claims.oid, ALICE_OID);
    assert.deepEqual(String(claims.scope).split(' ').filter((scope) => scope.startsWith('mcp:')).sort(), ['mcp:read', 'mcp:write']);
  }

  before(async () => {
    metadata = await startMetadataHost(PUBLISHERS);
    stack = await startTestStack(
      {
        CIMD_DENIED_HOSTS: 'denied.example',
        CIMD_TRUSTED_HOSTS: 'vscode.dev,claude.ai',
        PREREGISTERED_CLIENTS: JSON.stringify([
          { client_id: 'contoso-vscode', client_name: 'VS Code (Contoso)' },
          { client_id: 'contoso-claude', client_name: 'Claude (Contoso)', client_secret: PASTED_CLIENT_SECRET },
        ]),
      },
      { fetchMetadataWith: metadata.fetch },
    );
    issuer = stack.issuer;
    resourceUrl = stack.resourceUrl;
    const asMetadata = await json<{ scopes_supported: string[] }>(await fetch(`${issuer}/.well-known/oauth-authorization-server`));
    scopesSupported = asMetadata.scopes_supported;

    metadata.serve(VSCODE_CIMD, { headers: { 'cache-control': 'max-age=300' }, body: VSCODE_DOCUMENT });
    metadata.serve(CLAUDE_AI_CIMD, { body: CLAUDE_AI_DOCUMENT });
    metadata.serve(CLAUDE_CODE_CIMD, { body: CLAUDE_CODE_DOCUMENT });
    const chatgpt = await generateKeyPair('ES256');
    chatgptKey = chatgpt.privateKey;
    metadata.serve(CHATGPT_JWKS, { body: { keys: [{ ...(await exportJWK(chatgpt.publicKey)), kid: 'chatgpt-1', alg: 'ES256', use: 'sig' }] } });
    metadata.serve(CHATGPT_CIMD, {
      body: {
        client_id: CHATGPT_CIMD,
        client_name: 'ChatGPT',
        redirect_uris: [CHATGPT_REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks_uri: CHATGPT_JWKS,
      },
    });
    metadata.serve(UNKNOWN_CIMD, {
      body: { client_id: UNKNOWN_CIMD, client_name: 'Contoso Agent', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' },
    });
    metadata.serve(DENIED_CIMD, { body: { client_id: DENIED_CIMD, client_name: 'Denied', redirect_uris: ['http://127.0.0.1/callback'] } });
  });

  after(async () => {
    for (const browser of browsers) await browser.close();
    await stack?.close();
    await metadata?.close();
  });

  describe('Authorization server metadata for CIMD (MCP AS4; interop rule 2)', () => {
    it('advertises client_id_metadata_document_supported with none and the secret methods', async () => {
      const body = await json<Record<string, unknown>>(await fetch(`${issuer}/.well-known/oauth-authorization-server`));
      assert.equal(body.client_id_metadata_document_supported, true);
      const methods = body.token_endpoint_auth_methods_supported as string[];
      for (const method of ['none', 'client_secret_post', 'client_secret_basic']) assert.ok(methods.includes(method), method);
    });
  });

  describe('VS Code: CIMD, native loopback on 33418 or any port, vscode.dev redirect, long state', () => {
    it('signs in with its metadata document on 127.0.0.1:33418 and returns a 600-character vscode:// state unchanged', async () => {
      const state = `${'x'.repeat(400)}vscode://vscode.github-authentication/did-authenticate?windowId=1&nonce=${randomBytes(48).toString('base64url')}`;
      assert.ok(state.length > 500);
      const scope = scopesSupported.join(' ');
      const signIn = await authorize({ clientId: VSCODE_CIMD, redirectUri: 'http://127.0.0.1:33418/', scope, resource: resourceUrl, state });
      assert.equal(signIn.redirect.origin + signIn.redirect.pathname, 'http://127.0.0.1:33418/');
      const tokens = await redeem({ client_id: VSCODE_CIMD, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: 'http://127.0.0.1:33418/', resource: resourceUrl });
      assertAccessToken(tokens.access_token, VSCODE_CIMD);
      const refreshed = await refresh({ client_id: VSCODE_CIMD, refresh_token: tokens.refresh_token, resource: resourceUrl });
      assertAccessToken(refreshed.access_token, VSCODE_CIMD);
    });

    it('accepts a random loopback port (33418 busy) and the https://vscode.dev/redirect fallback', async () => {
      const random = await authorize({ clientId: VSCODE_CIMD, redirectUri: 'http://127.0.0.1:51873/', scope: 'mcp:read mcp:write', resource: resourceUrl });
      assert.equal(random.redirect.port, '51873');
      const web = await authorize({ clientId: VSCODE_CIMD, redirectUri: 'https://vscode.dev/redirect', scope: 'mcp:read mcp:write', resource: resourceUrl });
      assert.equal(web.redirect.origin + web.redirect.pathname, 'https://vscode.dev/redirect');
    });

    it('shows VS Code as verified by vscode.dev on the consent page, without an unverified-name warning', async () => {
      const html = await consentPage(VSCODE_CIMD, 'https://vscode.dev/redirect');
      assert.match(html, /Visual Studio Code/);
      assert.match(html, /✓ verified by vscode\.dev/);
      assert.doesNotMatch(html, /class="warning"/);
    });

    it('fetched its document once and served the rest from the cache (Cache-Control max-age)', () => {
      assert.equal(metadata.requests(VSCODE_CIMD), 1);
    });

    it('registers by DCR as native with none when CIMD is not used, and signs in on a random port', async () => {
      const client = await register({
        client_name: 'Visual Studio Code',
        redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      });
      const signIn = await authorize({ clientId: client.client_id, redirectUri: 'http://127.0.0.1:60123/', scope: 'mcp:read mcp:write', resource: resourceUrl });
      const tokens = await redeem({ client_id: client.client_id, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: 'http://127.0.0.1:60123/', resource: resourceUrl });
      assertAccessToken(tokens.access_token, client.client_id);
    });
  });

  describe('claude.ai / Claude Desktop: CIMD with none, or DCR with client_secret_post; prompt=consent, offline_access', () => {
    it('signs in with its metadata document, prompt=consent and only offline_access: every resource scope is granted', async () => {
      const browser = newBrowser();
      const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
      const first = await authorize({ clientId: CLAUDE_AI_CIMD, redirectUri, scope: 'offline_access', resource: resourceUrl, prompt: 'consent', browser });
      assert.equal(first.consentShown, true);
      const tokens = await redeem({ client_id: CLAUDE_AI_CIMD, code: first.code, code_verifier: first.verifier, redirect_uri: redirectUri, resource: resourceUrl });
      assertAccessToken(tokens.access_token, CLAUDE_AI_CIMD);
      // prompt=consent always shows the page again, even though alice approved this client a moment ago.
      const again = await authorize({ clientId: CLAUDE_AI_CIMD, redirectUri, scope: 'offline_access', resource: resourceUrl, prompt: 'consent', browser });
      assert.equal(again.consentShown, true);
      const refreshed = await refresh({ client_id: CLAUDE_AI_CIMD, refresh_token: tokens.refresh_token, resource: resourceUrl });
      assertAccessToken(refreshed.access_token, CLAUDE_AI_CIMD);
    });

    it('registers by DCR with client_secret_post and no scope, then signs in and refreshes with its secret', async () => {
      const client = await register({
        client_name: 'claudeai',
        redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      });
      assert.ok(client.client_secret, 'a secret is issued for client_secret_post (interop rule 17)');
      const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
      const signIn = await authorize({ clientId: client.client_id, redirectUri, scope: 'offline_access', resource: resourceUrl, prompt: 'consent' });
      const secret = { client_id: client.client_id, client_secret: client.client_secret };
      const tokens = await redeem({ ...secret, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl });
      assertAccessToken(tokens.access_token, client.client_id);
      await refresh({ ...secret, refresh_token: tokens.refresh_token, resource: resourceUrl });
    });
  });

  describe('Claude Code: port-less loopback redirects in its document, trailing slash on resource', () => {
    it('matches http://localhost:3118/callback against http://localhost/callback and accepts resource with a trailing slash', async () => {
      const redirectUri = 'http://localhost:3118/callback';
      const signIn = await authorize({ clientId: CLAUDE_CODE_CIMD, redirectUri, scope: 'mcp:read mcp:write offline_access', resource: `${resourceUrl}/` });
      assert.equal(signIn.redirect.host, 'localhost:3118');
      const tokens = await redeem({ client_id: CLAUDE_CODE_CIMD, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: `${resourceUrl}/` });
      assertAccessToken(tokens.access_token, CLAUDE_CODE_CIMD);
    });

    it('signs in on 127.0.0.1 with any port and without any scope: all resource scopes (RFC 6749 §3.3 default)', async () => {
      const redirectUri = 'http://127.0.0.1:40557/callback';
      const signIn = await authorize({ clientId: CLAUDE_CODE_CIMD, redirectUri, resource: resourceUrl });
      const tokens = await redeem({ client_id: CLAUDE_CODE_CIMD, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri });
      assertAccessToken(tokens.access_token, CLAUDE_CODE_CIMD);
    });

    it('warns on the consent page that a localhost-only document can be used by any local program (MCP AS5)', async () => {
      const html = await consentPage(CLAUDE_CODE_CIMD, 'http://localhost:3118/callback');
      assert.match(html, /✓ verified by claude\.ai/);
      assert.match(html, /only on this computer \(localhost\), so any program running here could use its name/);
    });

    it('refuses a redirect outside its document (another path) with an error page, never a redirect (A28)', async () => {
      const { challenge } = pkce();
      const response = await fetch(
        authorizeUrl({ response_type: 'code', client_id: CLAUDE_CODE_CIMD, redirect_uri: 'http://localhost:3118/evil', code_challenge: challenge, code_challenge_method: 'S256', state: 's' }),
        { redirect: 'manual' },
      );
      await assertErrorPage(response, 400, 'invalid_redirect_uri');
    });
  });

  describe('ChatGPT: a CIMD document that prefers private_key_jwt (interop rule 16)', () => {
    /** RFC 7523 §3 client assertion, as ChatGPT signs it with the key behind its jwks_uri. */
    async function clientAssertion(key: CryptoKey): Promise<Record<string, string>> {
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'chatgpt-1' })
        .setIssuer(CHATGPT_CIMD)
        .setSubject(CHATGPT_CIMD)
        .setAudience(issuer)
        .setJti(randomBytes(16).toString('base64url'))
        .setIssuedAt()
        .setExpirationTime('2m')
        .sign(key);
      return { client_assertion: assertion, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' };
    }
    const chatgptSignIn = () =>
      authorize({ clientId: CHATGPT_CIMD, redirectUri: CHATGPT_REDIRECT, scope: 'openid email offline_access mcp:read mcp:write', resource: resourceUrl });

    it('authenticates it with its client assertion, checked against the jwks_uri it names', async () => {
      const signIn = await chatgptSignIn();
      const tokens = await redeem({
        client_id: CHATGPT_CIMD,
        code: signIn.code,
        code_verifier: signIn.verifier,
        redirect_uri: CHATGPT_REDIRECT,
        resource: resourceUrl,
        ...(await clientAssertion(chatgptKey)),
      });
      assertAccessToken(tokens.access_token, CHATGPT_CIMD);
      assert.equal(metadata.requests(CHATGPT_JWKS), 1, 'the JWKS came through the guarded fetch, once');
      const refreshed = await refresh({ client_id: CHATGPT_CIMD, refresh_token: tokens.refresh_token, ...(await clientAssertion(chatgptKey)) });
      assertAccessToken(refreshed.access_token, CHATGPT_CIMD);

      // The grant remembers the key: its refresh token is no bearer token (RFC 9700 §4.14.2).
      const body = await assertOAuthError(await token({ grant_type: 'refresh_token', client_id: CHATGPT_CIMD, refresh_token: refreshed.refresh_token }), 401, 'invalid_client');
      assert.match(String(body.error_description), /refresh it with a client_assertion/);
      const again = await refresh({ client_id: CHATGPT_CIMD, refresh_token: refreshed.refresh_token, ...(await clientAssertion(chatgptKey)) });
      assertAccessToken(again.access_token, CHATGPT_CIMD);
      assert.equal(metadata.requests(CHATGPT_JWKS), 1, 'its keys are cached per their freshness (60 s at least), not fetched per request');
    });

    it('refuses an assertion signed by another key with invalid_client, and the code stays unused', async () => {
      const signIn = await chatgptSignIn();
      const form = { client_id: CHATGPT_CIMD, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: CHATGPT_REDIRECT, resource: resourceUrl };
      const impostor = await generateKeyPair('ES256');
      await assertOAuthError(await token({ grant_type: 'authorization_code', ...form, ...(await clientAssertion(impostor.privateKey)) }), 401, 'invalid_client');
      const tokens = await redeem({ ...form, ...(await clientAssertion(chatgptKey)) });
      assertAccessToken(tokens.access_token, CHATGPT_CIMD);
    });

    it('treats it as a public PKCE client when it sends no assertion, also when refreshing', async () => {
      const signIn = await chatgptSignIn();
      const tokens = await redeem({ client_id: CHATGPT_CIMD, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: CHATGPT_REDIRECT, resource: resourceUrl });
      assertAccessToken(tokens.access_token, CHATGPT_CIMD);
      const refreshed = await refresh({ client_id: CHATGPT_CIMD, refresh_token: tokens.refresh_token });
      assertAccessToken(refreshed.access_token, CHATGPT_CIMD);
    });
  });

  describe('Cursor: DCR only, three redirect URIs incl. cursor://, application_type absent or web', () => {
    for (const applicationType of [undefined, 'web'] as const) {
      it(`signs in through cursor:// with application_type ${applicationType ?? 'absent'}`, async () => {
        const client = await register({
          client_name: 'Cursor',
          redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://www.cursor.com/agents/mcp/oauth/callback', 'http://localhost:8787/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          ...(applicationType ? { application_type: applicationType } : {}),
        });
        const redirectUri = 'cursor://anysphere.cursor-mcp/oauth/callback';
        const signIn = await authorize({ clientId: client.client_id, redirectUri, scope: 'mcp:read mcp:write', resource: resourceUrl });
        assert.equal(signIn.redirect.protocol, 'cursor:');
        const tokens = await redeem({ client_id: client.client_id, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl });
        assertAccessToken(tokens.access_token, client.client_id);
      });
    }
  });

  describe('mcp-remote: DCR with software_id and the "openid email profile" scope fallback', () => {
    it('signs in asking only openid email profile, gets every resource scope, and refreshes without resource', async () => {
      const client = await register({
        redirect_uris: ['http://localhost:17433/oauth/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        client_name: 'MCP CLI Proxy',
        client_uri: 'https://github.com/modelcontextprotocol/mcp-cli',
        software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
        software_version: '0.15.1',
        scope: 'openid email profile',
      });
      const redirectUri = 'http://localhost:17433/oauth/callback';
      const signIn = await authorize({ clientId: client.client_id, redirectUri, scope: 'openid email profile', resource: resourceUrl });
      const tokens = await redeem({ client_id: client.client_id, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl });
      assertAccessToken(tokens.access_token, client.client_id);
      const refreshed = await refresh({ client_id: client.client_id, refresh_token: tokens.refresh_token });
      assertAccessToken(refreshed.access_token, client.client_id);
    });
  });

  describe('MCP Inspector (direct mode): the browser calls /register and /token cross-origin', () => {
    it('registers and redeems from http://localhost:6274 with CORS on every response', async () => {
      const origin = 'http://localhost:6274';
      const registration = await fetch(`${issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({
          redirect_uris: ['http://localhost:6274/oauth/callback', 'http://localhost:6274/oauth/callback/debug'],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          client_name: 'MCP Inspector',
          client_uri: 'https://github.com/modelcontextprotocol/inspector',
        }),
      });
      assert.equal(registration.status, 201);
      assert.ok(['*', origin].includes(registration.headers.get('access-control-allow-origin') ?? ''), 'CORS on /register');
      const client = await json<RegisteredClient>(registration);
      const redirectUri = 'http://localhost:6274/oauth/callback';
      const signIn = await authorize({ clientId: client.client_id, redirectUri, scope: 'mcp:read mcp:write', resource: resourceUrl });
      const response = await token(
        { grant_type: 'authorization_code', client_id: client.client_id, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl },
        { origin },
      );
      assert.equal(response.status, 200);
      assert.ok(['*', origin].includes(response.headers.get('access-control-allow-origin') ?? ''), 'CORS on /token');
      assertAccessToken((await json<TokenResponse>(response)).access_token, client.client_id);
    });
  });

  describe('Requests with or without resource, with unknown scopes (interop rules 5, 8, 9)', () => {
    it('signs in without resource anywhere, with an unknown scope, and refreshes with resource', async () => {
      const client = await register({ client_name: 'Gemini CLI MCP Client', redirect_uris: ['http://localhost:7777/oauth/callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
      const redirectUri = 'http://localhost:7777/oauth/callback';
      const signIn = await authorize({ clientId: client.client_id, redirectUri, scope: 'mcp:read mcp:write email totally.unknown' });
      const tokens = await redeem({ client_id: client.client_id, code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri });
      assertAccessToken(tokens.access_token, client.client_id);
      const refreshed = await refresh({ client_id: client.client_id, refresh_token: tokens.refresh_token, resource: resourceUrl, scope: 'mcp:read mcp:write' });
      assertAccessToken(refreshed.access_token, client.client_id);
    });
  });

  describe('The MCP SDK client with clientMetadataUrl (CIMD end to end)', () => {
    it('uses its metadata document as client_id, signs in, and calls whoami as alice', async () => {
      const provider = new MemoryOAuthProvider({ clientName: 'Contoso Agent', redirectUrl: 'http://127.0.0.1:43117/callback', clientMetadataUrl: UNKNOWN_CIMD });
      const outcome = await signIn({ resourceUrl, provider, browser: newBrowser(), person: ALICE });
      assert.equal(outcome.consentShown, true);
      assert.equal(provider.clientInformation()?.client_id, UNKNOWN_CIMD, 'no registration: the URL is the client_id');
      assert.equal(provider.authorizationUrl?.searchParams.get('client_id'), UNKNOWN_CIMD);
      const client = await connect(resourceUrl, provider);
      try {
        const me = toolJson(await client.callTool({ name: 'whoami', arguments: {} })) as { oid: string };
        assert.equal(me.oid, ALICE_OID);
      } finally {
        await client.close();
      }
    });

    it('shows a document from an unknown publisher as not verified, with a warning naming the host (MCP AS5)', async () => {
      const html = await consentPage(UNKNOWN_CIMD, 'http://127.0.0.1:43117/callback');
      assert.match(html, /from agents\.contoso-tools\.net \(not verified\)/);
      assert.match(html, /described by agents\.contoso-tools\.net, a publisher this service does not recognise/);
    });
  });

  describe('Pre-registered clients: a pasted client id (interop rule 14)', () => {
    it('signs in a pasted public client id at VS Code’s loopback redirect on any port, shown as verified by the administrator', async () => {
      const html = await consentPage('contoso-vscode', 'http://127.0.0.1:33418/');
      assert.match(html, /VS Code \(Contoso\)/);
      assert.match(html, /✓ verified by your administrator/);
      const redirectUri = 'http://127.0.0.1:49152/';
      const signIn = await authorize({ clientId: 'contoso-vscode', redirectUri, scope: 'mcp:read mcp:write', resource: resourceUrl });
      const tokens = await redeem({ client_id: 'contoso-vscode', code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl });
      assertAccessToken(tokens.access_token, 'contoso-vscode');
    });

    it('signs in a pasted confidential client at claude.ai with client_secret_basic and refuses it without the secret', async () => {
      const redirectUri = 'https://claude.ai/api/mcp/auth_callback';
      const signIn = await authorize({ clientId: 'contoso-claude', redirectUri, scope: 'offline_access', resource: resourceUrl });
      const form = { code: signIn.code, code_verifier: signIn.verifier, redirect_uri: redirectUri, resource: resourceUrl };
      await assertOAuthError(await token({ grant_type: 'authorization_code', client_id: 'contoso-claude', ...form }), 401, 'invalid_client');
      const basic = `Basic ${Buffer.from(`contoso-claude:${PASTED_CLIENT_SECRET}`).toString('base64')}`;
      const tokens = await redeem(form, { authorization: basic });
      assertAccessToken(tokens.access_token, 'contoso-claude');
    });
  });

  describe('Pre-registered clients are checked at start', () => {
    it('refuses to start with a pre-registered redirect URI the registration policy refuses, naming client and URI', async () => {
      await assert.rejects(
        startTestStack({ PREREGISTERED_CLIENTS: JSON.stringify([{ client_id: 'typo', redirect_uris: ['http://app.example/cb'] }]) }),
        { message: 'PREREGISTERED_CLIENTS: client typo: http redirect URIs are only allowed for localhost, 127.0.0.1 and [::1]; use https for app.example' },
      );
    });
  });

  describe('CIMD abuse: what the fetch and the document must satisfy (A27, A28, MCP AS5)', () => {
    async function authorizeWith(clientId: string, redirectUri = 'http://127.0.0.1:43117/callback'): Promise<Response> {
      const { challenge } = pkce();
      return fetch(
        authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's' }),
        { redirect: 'manual' },
      );
    }
    const doc = (url: string, extra: Record<string, unknown> = {}) => ({ client_id: url, client_name: 'Probe', redirect_uris: ['http://127.0.0.1/callback'], ...extra });

    it('does not follow a redirect from the document URL, and never requests its target (A27)', async () => {
      const url = 'https://agents.contoso-tools.net/redirecting.json';
      const target = 'https://agents.contoso-tools.net/target.json';
      metadata.serve(url, { status: 302, headers: { location: target }, body: '' });
      metadata.serve(target, { body: doc(target) });
      await assertErrorPage(await authorizeWith(url), 400, 'invalid_client');
      assert.equal(metadata.requests(target), 0);
    });

    it('does not cache a failed fetch: the document works as soon as it is fixed, then comes from the cache (A27)', async () => {
      const url = 'https://agents.contoso-tools.net/flaky.json';
      metadata.serve(url, { status: 500, body: 'down' });
      await assertErrorPage(await authorizeWith(url), 400, 'invalid_client');
      const failedFetches = metadata.requests(url);
      assert.ok(failedFetches >= 1);
      metadata.serve(url, { body: doc(url) });
      const response = await authorizeWith(url);
      assert.equal(response.status, 303, `on to the consent page: ${response.status === 303 ? '' : (await response.text()).replace(/[\s\S]*<main>/, '').slice(0, 600)}`);
      assert.match(response.headers.get('location') ?? '', /^\/interaction\//);
      assert.equal(metadata.requests(url), failedFetches + 1, 'fetched again after the failure');
      assert.equal((await authorizeWith(url)).status, 303);
      assert.equal(metadata.requests(url), failedFetches + 1, 'then served from the cache (60 s minimum)');
    });

    it('does not keep an invalid document: it works as soon as it is fixed (A27)', async () => {
      const url = 'https://agents.contoso-tools.net/unnamed.json';
      metadata.serve(url, { headers: { 'cache-control': 'max-age=3600' }, body: { client_id: url, redirect_uris: ['http://127.0.0.1/callback'] } });
      await assertErrorPage(await authorizeWith(url), 400, 'invalid_client_metadata');
      metadata.serve(url, { body: doc(url) });
      assert.equal((await authorizeWith(url)).status, 303, 'on to the consent page');
    });

    const invalidDocuments: Array<[string, (url: string) => unknown, string, string]> = [
      ['whose client_id is not its URL', () => doc('https://agents.contoso-tools.net/other.json'), 'invalid_client_metadata', 'client_id metadata document client_id does not match the expected value'],
      ['without redirect_uris', (url) => ({ client_id: url, client_name: 'Probe' }), 'invalid_redirect_uri', 'redirect_uris is mandatory property'],
      ['with a client_secret', (url) => doc(url, { client_secret: 'shh' }), 'invalid_client_metadata', 'client_id metadata document must not contain client_secret or client_secret_expires_at'],
      ['asking for client_secret_post', (url) => doc(url, { token_endpoint_auth_method: 'client_secret_post' }), 'invalid_client_metadata', 'client_id metadata document must not use shared-secret token endpoint authentication methods'],
      ['without client_name', (url) => ({ client_id: url, redirect_uris: ['http://127.0.0.1/callback'] }), 'invalid_client_metadata', 'the client metadata document has no client_name'],
      ['whose jwks_uri is on another host', (url) => doc(url, { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://keys.elsewhere.example/jwks.json' }), 'invalid_client_metadata', 'jwks_uri must be on the same host as the client metadata document'],
      ['larger than 5 KiB', (url) => doc(url, { client_uri: `https://agents.contoso-tools.net/${'a'.repeat(6000)}` }), 'invalid_client', 'client_id metadata document fetch failed'],
      ['that is not JSON', () => '<html>hello</html>', 'invalid_client', 'client_id metadata document fetch failed'],
    ];
    invalidDocuments.forEach(([label, body, code, description], index) => {
      it(`refuses a document ${label} with ${code} (A28)`, async () => {
        const url = `https://agents.contoso-tools.net/invalid-${index}.json`;
        metadata.serve(url, { body: body(url) });
        const html = await assertErrorPage(await authorizeWith(url), 400, code);
        assert.ok(html.includes(`(${description})`), `the page says why: ${description}`);
        assert.ok(metadata.requests(url) >= 1, 'fetched (the error page looks the client up again: failures are not cached)');
      });
    });

    for (const [label, url] of [
      ['a fragment', 'https://agents.contoso-tools.net/client.json#frag'],
      ['user information', 'https://user@agents.contoso-tools.net/client.json'],
      ['dot segments', 'https://agents.contoso-tools.net/a/../client.json'],
    ] as const) {
      it(`refuses a client_id URL with ${label} without fetching it (A28)`, async () => {
        metadata.serve('https://agents.contoso-tools.net/client.json', { body: doc('https://agents.contoso-tools.net/client.json') });
        const before = metadata.requests('https://agents.contoso-tools.net/client.json');
        await assertErrorPage(await authorizeWith(url), 400, 'invalid_client');
        assert.equal(metadata.requests('https://agents.contoso-tools.net/client.json'), before);
      });
    }

    it('refuses a client_id URL without a path without fetching it (A28)', async () => {
      metadata.serve('https://agents.contoso-tools.net/', { body: doc('https://agents.contoso-tools.net') });
      const html = await assertErrorPage(await authorizeWith('https://agents.contoso-tools.net'), 400, 'invalid_client');
      assert.match(html, /a client metadata document URL must have a path/);
      assert.equal(metadata.requests('https://agents.contoso-tools.net/'), 0);
    });

    it('treats a plain-http client_id as an unknown client, not a metadata document', async () => {
      await assertErrorPage(await authorizeWith('http://agents.contoso-tools.net/client.json'), 400, 'invalid_client');
    });

    it('shows a client-chosen name without badge-like or reordering characters (MCP AS5)', async () => {
      const url = 'https://agents.contoso-tools.net/spoof.json';
      metadata.serve(url, { body: doc(url, { client_name: 'Visual Studio Code \u2713 verified by vscode.dev\u202e' }) });
      const html = await consentPage(url, 'http://127.0.0.1:43117/callback');
      assert.match(html, /<strong>Visual Studio Code verified by vscode\.dev<\/strong>/);
      assert.doesNotMatch(html, /class="verified"/);
      assert.match(html, /from agents\.contoso-tools\.net \(not verified\)/);
    });

    it('refuses a document on a denied host (CIMD_DENIED_HOSTS) without fetching it', async () => {
      const html = await assertErrorPage(await authorizeWith(DENIED_CIMD), 400, 'invalid_client');
      assert.match(html, /client metadata documents from denied\.example are refused by this server/);
      assert.equal(metadata.requests(DENIED_CIMD), 0);
    });
  });
});

/** Where the scripted browser stops: the client's listener, port included (our issuer is on localhost too). */
function redirectPrefix(redirectUri: string): string {
  return redirectUri.split('?')[0]!;
}
