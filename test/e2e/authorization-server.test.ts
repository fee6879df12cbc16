import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fetch, type Response } from 'undici';
import type { Stack } from '@mcp-bridge/bridge';
import { generateTlsMaterial } from '@mcp-bridge/entra-simulator';
import { Browser, parseConsentForm, parseSignInForm } from './support/browser.ts';
import { completeInBrowser } from './support/mcp-client.ts';
import {
  assertErrorPage,
  assertOAuthError,
  decodeJwtPayload,
  json,
  pkce,
  type OAuthErrorBody,
  type RegisteredClient,
  type TokenResponse,
} from './support/oauth.ts';
import { startTestStack } from './support/stack.ts';

/**
 * Black-box HTTP tests of the authorization server against the running stack (dev Entra simulator,
 * embedded Cosmos-compatible store, every server on port 0). Each describe block names the spec it
 * checks; the attack-catalogue ids (A1…) and interop rules refer to /work/shared/docs.
 */

const LOOPBACK_REDIRECT = 'http://127.0.0.1:43117/callback';
const BROWSER_ORIGIN = 'http://inspector.example:6274';
const ENTRA_CALLBACK_PATH = '/callback/entra';

describe('authorization server (black box, real stack)', () => {
  let stack: Stack;
  let issuer: string;
  let resourceUrl: string;
  /** Alice's browser: her Entra session is reused across flows, consent is per client. */
  let alice: Browser;
  const browsers: Browser[] = [];

  const newBrowser = () => {
    const browser = new Browser({ caCertPem: stack.entra!.caCertPem });
    browsers.push(browser);
    return browser;
  };

  async function register(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async function registerPublicClient(name: string, redirectUris: string[] = [LOOPBACK_REDIRECT]): Promise<RegisteredClient> {
    const response = await register({
      client_name: name,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const body = await json<RegisteredClient & Partial<OAuthErrorBody>>(response);
    assert.equal(response.status, 201, `registration failed: ${JSON.stringify(body)}`);
    return body;
  }

  function authorizeUrl(params: Record<string, string | undefined>): URL {
    const url = new URL(`${issuer}/authorize`);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** A complete authorization request (S256, resource, scope) for `client`. */
  function validAuthorizeParams(client: RegisteredClient, challenge: string, state: string, redirectUri = LOOPBACK_REDIRECT) {
    return {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      scope: 'mcp:read mcp:write',
      resource: resourceUrl,
    };
  }

  /** Runs the whole browser flow as alice and returns the code and its verifier. */
  async function obtainCode(client: RegisteredClient, redirectUri = LOOPBACK_REDIRECT): Promise<{ code: string; verifier: string; redirect: URL }> {
    const { verifier, challenge } = pkce();
    const state = randomBytes(16).toString('base64url');
    const outcome = await completeInBrowser(alice, authorizeUrl(validAuthorizeParams(client, challenge, state, redirectUri)), 'http://127.0.0.1:', {
      username: 'alice@contoso.dev',
    });
    const code = outcome.redirect.searchParams.get('code');
    assert.ok(code, `a code in ${outcome.redirect.href}`);
    assert.equal(outcome.redirect.searchParams.get('state'), state);
    return { code, verifier, redirect: outcome.redirect };
  }

  async function token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function redeem(client: RegisteredClient, code: string, verifier: string, redirectUri = LOOPBACK_REDIRECT): Promise<Response> {
    return token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: client.client_id,
      resource: resourceUrl,
    });
  }

  /** A fresh client, a code, and its redemption: tokens with a refresh token. */
  async function freshTokens(name: string): Promise<{ client: RegisteredClient; tokens: TokenResponse }> {
    const client = await registerPublicClient(name);
    const { code, verifier } = await obtainCode(client);
    const response = await redeem(client, code, verifier);
    const tokens = await json<TokenResponse>(response);
    assert.equal(response.status, 200, JSON.stringify(tokens));
    assert.ok(tokens.refresh_token, 'refresh tokens are always issued (interop rule 9)');
    return { client, tokens };
  }

  /**
   * Drives a fresh browser to the consent page of a new client. Returns the page, its form and the
   * browser holding the interaction cookies.
   */
  async function openConsentPage(name: string, state = randomBytes(12).toString('base64url')) {
    const browser = newBrowser();
    const client = await registerPublicClient(name);
    const { verifier, challenge } = pkce();
    const step = await browser.follow(authorizeUrl(validAuthorizeParams(client, challenge, state)).href, 'http://127.0.0.1:');
    assert.ok(step.page, `expected the consent page, got a redirect to ${step.redirect?.href}`);
    const html = await step.page.text();
    assert.equal(step.page.status, 200, html.slice(0, 500));
    const form = parseConsentForm(html);
    return { browser, client, verifier, state, page: step.page, form, actionUrl: new URL(form.action, step.page.url).href };
  }

  before(async () => {
    stack = await startTestStack();
    issuer = stack.issuer;
    resourceUrl = stack.resourceUrl;
    alice = newBrowser();
  });

  after(async () => {
    for (const browser of browsers) await browser.close();
    await stack?.close();
  });

  describe('Discovery: RFC 8414 and OpenID Connect Discovery 1.0 §4', () => {
    for (const wellKnown of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      it(`serves ${wellKnown} with the metadata MCP clients require`, async () => {
        const response = await fetch(`${issuer}${wellKnown}`);
        assert.equal(response.status, 200);
        const metadata = await json<Record<string, unknown>>(response);
        assert.equal(metadata.issuer, issuer, 'issuer equals the metadata URL minus the well-known part (RFC 8414 §3.3)');
        assert.equal(metadata.authorization_endpoint, `${issuer}/authorize`);
        assert.equal(metadata.token_endpoint, `${issuer}/token`);
        assert.equal(metadata.registration_endpoint, `${issuer}/register`);
        assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
        assert.deepEqual(metadata.response_types_supported, ['code']);
        assert.ok((metadata.grant_types_supported as string[]).includes('refresh_token'), 'grant_types_supported includes refresh_token');
        assert.ok((metadata.grant_types_supported as string[]).includes('authorization_code'));
        assert.equal(metadata.authorization_response_iss_parameter_supported, true, 'RFC 9207 §3');
        const authMethods = metadata.token_endpoint_auth_methods_supported as string[];
        for (const method of ['none', 'client_secret_post', 'client_secret_basic']) {
          assert.ok(authMethods.includes(method), `token_endpoint_auth_methods_supported includes ${method}`);
        }
        const scopes = metadata.scopes_supported as string[];
        assert.ok(scopes.includes('mcp:read') && scopes.includes('mcp:write'), `scopes_supported ${JSON.stringify(scopes)}`);
      });
    }

    it('answers metadata requests from a browser origin with CORS (interop rule 11)', async () => {
      for (const wellKnown of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
        const response = await fetch(`${issuer}${wellKnown}`, { headers: { origin: BROWSER_ORIGIN } });
        await response.body?.cancel();
        assert.equal(response.status, 200);
        assert.ok(response.headers.get('access-control-allow-origin'), `access-control-allow-origin on ${wellKnown}`);
      }
    });

    it('answers the CORS preflight of /register for a browser origin (interop rule 11)', async () => {
      const preflight = await fetch(`${issuer}/register`, {
        method: 'OPTIONS',
        headers: { origin: BROWSER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      await preflight.body?.cancel();
      assert.equal(preflight.status, 204, 'preflight answered with 204 No Content');
      assert.ok(preflight.headers.get('access-control-allow-origin'), 'access-control-allow-origin on the preflight');
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    });

    it('answers the POST of /register from a browser origin with CORS (interop rule 11)', async () => {
      const response = await register(
        { client_name: 'Inspector (direct mode)', redirect_uris: ['http://localhost:6274/oauth/callback'], token_endpoint_auth_method: 'none' },
        { origin: BROWSER_ORIGIN },
      );
      await response.body?.cancel();
      assert.equal(response.status, 201);
      assert.ok(response.headers.get('access-control-allow-origin'), 'access-control-allow-origin on /register');
    });

    it('answers /token and its preflight for a browser origin with CORS (interop rule 11)', async () => {
      const preflight = await fetch(`${issuer}/token`, {
        method: 'OPTIONS',
        headers: { origin: BROWSER_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      await preflight.body?.cancel();
      assert.equal(preflight.status, 204);
      assert.ok(preflight.headers.get('access-control-allow-origin'), 'access-control-allow-origin on the /token preflight');
      const response = await token({ grant_type: 'authorization_code', code: 'unknown', code_verifier: 'x'.repeat(43), client_id: 'unknown' }, { origin: BROWSER_ORIGIN });
      await response.body?.cancel();
      assert.ok(response.headers.get('access-control-allow-origin'), 'access-control-allow-origin on /token');
    });
  });

  describe('Protected resource metadata: RFC 9728 §3 (MCP server)', () => {
    it('names this issuer byte for byte as authorization_servers[0] and the MCP URL as resource', async () => {
      const mcp = new URL(resourceUrl);
      for (const path of [`/.well-known/oauth-protected-resource${mcp.pathname}`, '/.well-known/oauth-protected-resource']) {
        const response = await fetch(`${mcp.origin}${path}`);
        assert.equal(response.status, 200, path);
        const metadata = await json<{ resource: string; authorization_servers: string[]; scopes_supported: string[] }>(response);
        assert.equal(metadata.authorization_servers[0], issuer, `${path}: authorization_servers[0] is the issuer (interop rule 1)`);
        assert.equal(metadata.resource, resourceUrl, `${path}: resource is the MCP URL`);
      }
    });
  });

  describe('Dynamic Client Registration: RFC 7591 §3 with the bodies real clients send', () => {
    it('registers VS Code (native, none, loopback and https redirects) without a secret', async () => {
      const response = await register({
        client_name: 'Visual Studio Code',
        redirect_uris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      });
      const body = await json<RegisteredClient>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.ok(body.client_id);
      assert.equal(body.client_secret, undefined, '`none` gets no secret (interop rule 17)');
      assert.deepEqual(body.redirect_uris, ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect']);
    });

    it('registers claude.ai (client_secret_post, no scope) and issues a client_secret', async () => {
      const response = await register({
        client_name: 'Claude',
        redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      });
      const body = await json<RegisteredClient>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.ok(body.client_id);
      assert.equal(typeof body.client_secret, 'string', 'client_secret_post gets a secret (interop rule 17)');
      assert.ok(body.client_secret!.length >= 32);
      assert.equal(body.token_endpoint_auth_method, 'client_secret_post');
    });

    it('registers mcp-remote (software_id, scope "openid email profile")', async () => {
      const response = await register({
        client_name: 'MCP CLI Proxy',
        software_id: '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d',
        software_version: '0.1.37',
        redirect_uris: ['http://localhost:12345/oauth/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: 'openid email profile',
      });
      const body = await json<RegisteredClient>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.ok(body.client_id);
    });

    it('registers Cursor (three redirect URIs incl. cursor://, application_type web) as a native client', async () => {
      const response = await register({
        client_name: 'Cursor',
        redirect_uris: [
          'cursor://anysphere.cursor-mcp/oauth/callback',
          'https://www.cursor.com/agents/mcp/oauth/callback',
          'http://localhost:8787/callback',
        ],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        application_type: 'web',
      });
      const body = await json<RegisteredClient>(response);
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.ok(body.client_id);
      assert.equal(body.application_type, 'native', 'custom-scheme and loopback redirects make a native client (interop rule 4)');
    });

    const refused: Array<[string, string, string]> = [
      ['a javascript: URI', 'javascript:alert(document.cookie)', 'javascript: URIs cannot be redirect URIs'],
      ['a data: URI', 'data:text/html,<script>alert(1)</script>', 'data: URIs cannot be redirect URIs'],
      ['a file: URI', 'file:///etc/passwd', 'file: URIs cannot be redirect URIs'],
      ['a URI with a fragment', 'https://app.example/callback#fragment', 'https://app.example/callback#fragment must not contain a fragment (RFC 6749 §3.1.2)'],
      ['plain http to a non-loopback host', 'http://app.example/callback', 'http redirect URIs are only allowed for localhost, 127.0.0.1 and [::1]; use https for app.example'],
    ];
    for (const [label, uri, description] of refused) {
      for (const applicationType of [undefined, 'native']) {
        it(`refuses ${label} with 400 invalid_redirect_uri${applicationType ? ' (application_type native)' : ''} (A25)`, async () => {
          const response = await register({
            client_name: 'Attacker',
            redirect_uris: [uri],
            token_endpoint_auth_method: 'none',
            ...(applicationType ? { application_type: applicationType } : {}),
          });
          const body = await assertOAuthError(response, 400, 'invalid_redirect_uri');
          assert.equal(body.error_description, description, 'says which URI and why (interop rule 19)');
        });
      }
    }

    const notJson: Array<[string, string, string]> = [
      ['malformed JSON', 'application/json', '{"redirect_uris": ["http://127.0.0.1/cb"'],
      ['a form-encoded body', 'application/x-www-form-urlencoded', 'redirect_uris=http%3A%2F%2F127.0.0.1%2Fcb&token_endpoint_auth_method=none'],
    ];
    for (const [label, contentType, body] of notJson) {
      it(`refuses ${label} with 400 invalid_request and a top-level string error (interop rule 19)`, async () => {
        const response = await fetch(`${issuer}/register`, {
          method: 'POST',
          headers: { 'content-type': contentType, accept: 'application/json' },
          body,
        });
        await assertOAuthError(response, 400, 'invalid_request');
      });
    }
  });

  describe('Authorization endpoint: OAuth 2.1 §4.1.1, RFC 7636, RFC 9207, RFC 8252 §7.3', () => {
    let client: RegisteredClient;
    before(async () => {
      client = await registerPublicClient('Authorize endpoint tests');
    });

    it('refuses a request without code_challenge on an error page, not by a redirect (A4, A3)', async () => {
      const params: Record<string, string | undefined> = { ...validAuthorizeParams(client, 'unused', 'no-pkce-state'), code_challenge: undefined, code_challenge_method: undefined };
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
      const html = await assertErrorPage(response, 400, 'invalid_request');
      assert.match(html, /PKCE|code_challenge/);
    });

    it('refuses code_challenge_method=plain (A5)', async () => {
      const { verifier } = pkce();
      const params = { ...validAuthorizeParams(client, verifier, 'plain-state'), code_challenge_method: 'plain' };
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
      const html = await assertErrorPage(response, 400, 'invalid_request');
      assert.match(html, /code_challenge_method/);
    });

    it('never redirects an error to a registered redirect URI before the person interacted (A3)', async () => {
      // An attacker registers their own redirect URI, then probes with prompt=none or a bad scope:
      // the answer must not land on their site (open redirector, session probing).
      const attacker = await fetch(`${issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Attacker', redirect_uris: ['https://attacker.example/cb'], token_endpoint_auth_method: 'none' }),
      });
      assert.equal(attacker.status, 201);
      const attackerClient = (await attacker.json()) as RegisteredClient;
      const { challenge } = pkce();
      const base = validAuthorizeParams(attackerClient, challenge, 'probe', 'https://attacker.example/cb');
      for (const extra of [{ prompt: 'none' }, { scope: 'mcp:read \u0001' }, { response_mode: 'form_post' }, { response_mode: 'fragment', prompt: 'none' }]) {
        const response = await fetch(authorizeUrl({ ...base, ...extra }), { redirect: 'manual' });
        const body = await response.text();
        assert.equal(response.status, 400, JSON.stringify(extra));
        assert.equal(response.headers.get('location'), null, JSON.stringify(extra));
        assert.doesNotMatch(body, /attacker\.example/, JSON.stringify(extra));
      }
    });

    it('shows an error page on our origin for an unregistered redirect_uri, never a redirect (A1)', async () => {
      const { challenge } = pkce();
      const params = validAuthorizeParams(client, challenge, 'attacker-state', 'https://attacker.example/callback');
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
      const html = await assertErrorPage(response, 400, 'invalid_redirect_uri');
      assert.doesNotMatch(html, /attacker-state/);
    });

    it('shows an error page for an unknown client_id, never a redirect', async () => {
      const { challenge } = pkce();
      const params = { ...validAuthorizeParams(client, challenge, 'unknown-client-state'), client_id: 'no-such-client' };
      const response = await fetch(authorizeUrl(params), { redirect: 'manual' });
      await assertErrorPage(response, 400, 'invalid_client');
    });

    it('sends X-Frame-Options DENY, CSP frame-ancestors none and no CORS headers (A23)', async () => {
      const { challenge } = pkce();
      const requests: Array<[string, URL]> = [
        ['a valid request', authorizeUrl(validAuthorizeParams(client, challenge, 'framing-state'))],
        ['an error page', authorizeUrl(validAuthorizeParams(client, challenge, 'framing-state', 'https://attacker.example/cb'))],
        ['an error redirect', authorizeUrl({ ...validAuthorizeParams(client, challenge, 'framing-state'), code_challenge: undefined })],
      ];
      for (const [label, url] of requests) {
        const response = await fetch(url, { redirect: 'manual', headers: { origin: BROWSER_ORIGIN } });
        await response.body?.cancel();
        assert.equal(response.headers.get('x-frame-options'), 'DENY', `${label}: X-Frame-Options`);
        assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, `${label}: CSP`);
        assert.equal(response.headers.get('access-control-allow-origin'), null, `${label}: no CORS on /authorize`);
      }
    });

    it('accepts a loopback redirect registered with one port and requested with another (RFC 8252 §7.3)', async () => {
      const otherPort = 'http://127.0.0.1:51234/callback';
      const loopbackClient = await registerPublicClient('Loopback port client');
      const { code, verifier, redirect } = await obtainCode(loopbackClient, otherPort);
      assert.equal(`${redirect.origin}${redirect.pathname}`, otherPort, 'sent back to the port in the request');
      assert.equal(redirect.searchParams.get('iss'), issuer);
      const response = await redeem(loopbackClient, code, verifier, otherPort);
      const tokens = await json<TokenResponse>(response);
      assert.equal(response.status, 200, JSON.stringify(tokens));
      assert.ok(tokens.access_token);
    });
  });

  describe('Authorization response: state returned byte for byte (RFC 6749 §4.1.2, interop rule 12)', () => {
    it('returns a 600-character state carrying a vscode:// URI unchanged', async () => {
      const client = await registerPublicClient('Long state client');
      const head = `vscode://vscode.github-authentication/did-authenticate?windowid=1&nonce=${encodeURIComponent('a/b+c=d&e f')}%2B%2F%3D+/=`;
      let state = head;
      while (state.length < 600) state += randomBytes(48).toString('base64');
      state = state.slice(0, 600);
      assert.equal(state.length, 600);
      const { verifier, challenge } = pkce();
      const outcome = await completeInBrowser(alice, authorizeUrl(validAuthorizeParams(client, challenge, state)), 'http://127.0.0.1:', {
        username: 'alice@contoso.dev',
      });
      assert.equal(outcome.redirect.searchParams.get('state'), state);
      assert.equal(outcome.redirect.searchParams.get('iss'), issuer);
      const code = outcome.redirect.searchParams.get('code');
      assert.ok(code);
      const response = await redeem(client, code, verifier);
      await response.body?.cancel();
      assert.equal(response.status, 200, 'the code of that flow is redeemable');
    });
  });

  describe('Token endpoint: OAuth 2.1 §4.1.3 and §4.3, RFC 7636 §4.6, RFC 8707', () => {
    it('refuses a replayed code with 400 invalid_grant, and the first redemption’s tokens stop working (A8)', async () => {
      const client = await registerPublicClient('Replay client');
      const { code, verifier } = await obtainCode(client);
      const first = await redeem(client, code, verifier);
      assert.equal(first.status, 200);
      const tokens = (await first.json()) as { access_token: string; refresh_token: string };
      const mcpCall = () =>
        fetch(resourceUrl, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'a8', version: '1' } } }),
        });
      const before = await mcpCall();
      await before.body?.cancel();
      assert.equal(before.status, 200, 'the access token works before the replay');

      await assertOAuthError(await redeem(client, code, verifier), 400, 'invalid_grant');

      const after = await mcpCall();
      assert.equal(after.status, 401, 'the grant was revoked, so its access token is refused');
      assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await after.body?.cancel();
      await assertOAuthError(await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.client_id }), 400, 'invalid_grant');
    });

    it('refuses a wrong code_verifier with 400 invalid_grant (A6)', async () => {
      const client = await registerPublicClient('Wrong verifier client');
      const { code } = await obtainCode(client);
      await assertOAuthError(await redeem(client, code, pkce().verifier), 400, 'invalid_grant');
    });

    it('refuses a missing code_verifier with 400 invalid_grant (A6)', async () => {
      const client = await registerPublicClient('Missing verifier client');
      const { code } = await obtainCode(client);
      const response = await token({ grant_type: 'authorization_code', code, redirect_uri: LOOPBACK_REDIRECT, client_id: client.client_id });
      await assertOAuthError(response, 400, 'invalid_grant');
    });

    it('refuses a code redeemed by another client with 400 invalid_grant (A9)', async () => {
      const victim = await registerPublicClient('Victim client');
      const thief = await registerPublicClient('Thief client');
      const { code, verifier } = await obtainCode(victim);
      await assertOAuthError(await redeem(thief, code, verifier), 400, 'invalid_grant');
      const legit = await redeem(victim, code, verifier);
      await legit.body?.cancel();
      assert.ok(legit.status === 200 || legit.status === 400, 'the attempt must not crash the server');
    });

    it('refreshes with resource = the MCP URL plus a trailing slash (interop rule 8)', async () => {
      const { client, tokens } = await freshTokens('Trailing slash refresh client');
      const response = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: client.client_id,
        resource: `${resourceUrl}/`,
      });
      const refreshed = await json<TokenResponse>(response);
      assert.equal(response.status, 200, JSON.stringify(refreshed));
      assert.ok(refreshed.access_token);
      assert.ok(refreshed.refresh_token, 'a rotated refresh token');
      assert.equal(decodeJwtPayload(refreshed.access_token).aud, resourceUrl, 'the token is for the MCP server');
    });

    it('refuses a refresh for another resource with 400 invalid_target (A11)', async () => {
      const { client, tokens } = await freshTokens('Other resource refresh client');
      const response = await token({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: client.client_id,
        resource: 'https://other-api.example/mcp',
      });
      await assertOAuthError(response, 400, 'invalid_target');
    });

    it('answers a request without grant_type with 400 and a top-level string error (interop rule 19)', async () => {
      const client = await registerPublicClient('Missing grant_type client');
      const response = await token({ code: 'whatever', code_verifier: pkce().verifier, client_id: client.client_id });
      const body = await assertOAuthError(response, 400, 'invalid_request');
      assert.match(body.error_description as string, /grant_type/);
    });
  });

  describe('Upstream callback /callback/entra: state checks (RFC 6749 §10.12, A24)', () => {
    it('shows a 400 error page without state', async () => {
      const response = await fetch(`${issuer}${ENTRA_CALLBACK_PATH}?code=some-code`, { redirect: 'manual' });
      await assertErrorPage(response, 400);
    });

    it('shows a 400 error page for an unknown state', async () => {
      const response = await fetch(`${issuer}${ENTRA_CALLBACK_PATH}?code=some-code&state=${randomBytes(32).toString('base64url')}`, { redirect: 'manual' });
      await assertErrorPage(response, 400);
    });

    it('shows a 400 error page for a state already used, in the same browser', async () => {
      const { browser, actionUrl, form } = await openConsentPage('Callback replay client');
      const toEntra = await browser.follow(actionUrl, `${issuer}${ENTRA_CALLBACK_PATH}`, { form: { csrf: form.csrf, decision: 'allow' } });
      assert.ok(toEntra.page, 'the Entra sign-in page');
      const signIn = parseSignInForm(await toEntra.page.text(), toEntra.page.url);
      const back = await browser.follow(signIn.action, `${issuer}${ENTRA_CALLBACK_PATH}`, { form: { ...signIn.fields, username: 'alice@contoso.dev' } });
      assert.ok(back.redirect, 'Entra sends the browser to our callback');
      const callbackUrl = back.redirect.href;
      assert.ok(new URL(callbackUrl).searchParams.get('state'));

      const done = await browser.follow(callbackUrl, 'http://127.0.0.1:');
      assert.ok(done.redirect?.searchParams.get('code'), 'the first callback completes the flow');

      const replay = await browser.request(callbackUrl);
      await assertErrorPage(replay, 400);
    });
  });

  describe('Consent decision POST: CSRF and cross-site protection (MCP AS11, A22)', () => {
    it('refuses a POST with Sec-Fetch-Site: cross-site with 403 and no redirect', async () => {
      const { browser, actionUrl, form } = await openConsentPage('Cross-site consent client');
      const response = await browser.request(actionUrl, {
        form: { csrf: form.csrf, decision: 'allow' },
        headers: { 'sec-fetch-site': 'cross-site', origin: issuer },
      });
      await assertErrorPage(response, 403);
    });

    it('refuses a POST with a foreign Origin with 403 and no redirect', async () => {
      const { browser, actionUrl, form } = await openConsentPage('Foreign origin consent client');
      const response = await browser.request(actionUrl, {
        form: { csrf: form.csrf, decision: 'allow' },
        headers: { origin: 'https://attacker.example', 'sec-fetch-site': 'same-origin' },
      });
      await assertErrorPage(response, 403);
    });

    it('refuses a POST without the interaction cookies with a 4xx page', async () => {
      const { actionUrl, form } = await openConsentPage('Cookieless consent client');
      const stranger = newBrowser();
      const response = await stranger.request(actionUrl, { form: { csrf: form.csrf, decision: 'allow' } });
      const html = await response.text();
      assert.ok(response.status >= 400 && response.status < 500, `4xx, got ${response.status}: ${html.slice(0, 300)}`);
      assert.equal(response.headers.get('location'), null, 'no redirect');
    });

    it('refuses a POST with a wrong csrf value with 403, then accepts the genuine one with 303', async () => {
      const { browser, actionUrl, form } = await openConsentPage('Wrong csrf consent client');
      const forged = await browser.request(actionUrl, { form: { csrf: randomBytes(32).toString('base64url'), decision: 'allow' } });
      await assertErrorPage(forged, 403);
      const genuine = await browser.request(actionUrl, { form: { csrf: form.csrf, decision: 'allow' } });
      await genuine.body?.cancel();
      assert.equal(genuine.status, 303, 'a successful POST answers 303 (A22)');
      assert.ok(genuine.headers.get('location')?.startsWith(stack.entra!.origin), 'then on to Entra');
    });

    it('serves the consent page with X-Frame-Options DENY and CSP frame-ancestors none (A23)', async () => {
      const { page } = await openConsentPage('Framing consent client');
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
      assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    });
  });

  describe('Upstream cancel: Entra sign-in cancelled → access_denied at the client (RFC 6749 §4.1.2.1, RFC 9207)', () => {
    it('sends access_denied with iss and the client state when the person cancels at Entra', async () => {
      const { browser, actionUrl, form, state } = await openConsentPage('Entra cancel client');
      const toEntra = await browser.follow(actionUrl, 'http://127.0.0.1:', { form: { csrf: form.csrf, decision: 'allow' } });
      assert.ok(toEntra.page, 'the Entra sign-in page');
      const html = await toEntra.page.text();
      assert.match(html, /name="action" value="cancel"/, 'the page has a Cancel button');
      const signIn = parseSignInForm(html, toEntra.page.url);
      const outcome = await browser.follow(signIn.action, 'http://127.0.0.1:', { form: { ...signIn.fields, action: 'cancel' } });
      assert.ok(outcome.redirect, `back at the client, not on a page (${outcome.page?.status})`);
      assert.equal(outcome.redirect.searchParams.get('error'), 'access_denied');
      assert.equal(typeof outcome.redirect.searchParams.get('error_description'), 'string');
      assert.equal(outcome.redirect.searchParams.get('iss'), issuer);
      assert.equal(outcome.redirect.searchParams.get('state'), state);
      assert.equal(outcome.redirect.searchParams.get('code'), null);
    });
  });

  describe('CIMD fetch guard in production configuration: no special-use addresses (A29, MCP AS5)', () => {
    let server: HttpsServer;
    let port: number;
    let connections = 0;

    before(async () => {
      const tls = generateTlsMaterial();
      server = createHttpsServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: `https://${req.headers.host}${req.url}`, client_name: 'Internal', redirect_uris: [LOOPBACK_REDIRECT] }));
      });
      server.on('connection', () => {
        connections += 1;
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const targets = () => [
      `https://127.0.0.1:${port}/client.json`,
      `https://localhost:${port}/client.json`,
      `https://[::1]:${port}/client.json`,
      `https://0x7f.1:${port}/client.json`,
      'https://169.254.169.254/latest/meta-data/client.json',
      'https://10.0.0.1/client.json',
      'https://192.168.1.1/client.json',
    ];
    it('refuses loopback, link-local and private client_id URLs with invalid_client and never connects', async () => {
      for (const clientId of targets()) {
        const { challenge } = pkce();
        const url = authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: LOOPBACK_REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 's' });
        await assertErrorPage(await fetch(url, { redirect: 'manual' }), 400, 'invalid_client');
      }
      assert.equal(connections, 0, 'no connection reached the local server');
    });

    it('refuses them at /token too, as an unknown client (invalid_client)', async () => {
      const response = await token({ grant_type: 'authorization_code', client_id: `https://127.0.0.1:${port}/client.json`, code: 'x', code_verifier: 'y'.repeat(43), redirect_uri: LOOPBACK_REDIRECT });
      const body = await assertOAuthError(response, 400, 'invalid_client');
      assert.equal(body.error_description, 'client_id metadata document fetch failed');
      assert.equal(connections, 0);
    });
  });
});
