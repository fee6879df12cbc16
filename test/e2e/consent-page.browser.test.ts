import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { chromium, type Browser as Chromium } from 'playwright-core';
import type { Stack } from '@mcp-bridge/bridge';
import { CLAUDE_CODE_CIMD, CLAUDE_CODE_DOCUMENT, VSCODE_CIMD, VSCODE_DOCUMENT } from './support/client-documents.ts';
import { MemoryOAuthProvider } from './support/mcp-client.ts';
import { startMetadataHost, type MetadataHost } from './support/metadata-host.ts';
import { pkce } from './support/oauth.ts';
import { startTestStack } from './support/stack.ts';

const CHROMIUM =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'].find((path) => existsSync(path)) ??
  '/usr/bin/chromium';
const SCREENSHOTS = new URL('../test-results/', import.meta.url).pathname;
// A laptop without Chromium still passes the rest of the suite; CI (CI=true, which installs Debian's
// chromium) always runs these checks and fails without a browser.
const NO_BROWSER = !existsSync(CHROMIUM) && process.env.CI !== 'true' ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` : false;

/**
 * What a person sees, in a real headless Chromium: the consent page, the dev Entra sign-in and the
 * way back to the client's loopback listener. Screenshots land in test/test-results/.
 */
describe('consent page in Chromium', { skip: NO_BROWSER }, () => {
  let stack: Stack;
  let browser: Chromium;
  let listener: Server;
  let callbackUrl: string;
  let metadata: MetadataHost;
  const received: URL[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install chromium; .ci/run does it)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    metadata = await startMetadataHost(['vscode.dev', 'claude.ai']);
    metadata.serve(VSCODE_CIMD, { body: VSCODE_DOCUMENT });
    metadata.serve(CLAUDE_CODE_CIMD, { body: CLAUDE_CODE_DOCUMENT });
    stack = await startTestStack({}, { fetchMetadataWith: metadata.fetch });
    listener = createServer((req, res) => {
      const url = new URL(req.url!, callbackUrl);
      // Only the redirect itself, not the browser's favicon request that follows it.
      if (url.pathname === '/callback') received.push(url);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Signed in. You can close this window.</h1>');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/callback`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => listener?.close(resolve));
    await stack?.close();
    await metadata?.close();
  });

  it('shows who asks, where the code goes and what it may do; Allow leads through Entra back to the client', async () => {
    const provider = new MemoryOAuthProvider({ clientName: 'Screenshot Client', redirectUrl: callbackUrl });
    assert.equal(await auth(provider, { serverUrl: stack.resourceUrl }), 'REDIRECT');
    // The dev Entra's CA is made at start; a person accepts it once, the test tells Chromium to.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      // Failed loads are checked by URL below (a missing favicon is not a fault).
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text());
    });
    const failedLoads: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') failedLoads.push(`${response.status()} ${response.url()}`);
    });

    const response = await page.goto(provider.authorizationUrl!.href);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'Allow Screenshot Client?');
    const heading = await page.locator('h1').innerText();
    assert.match(heading, /Screenshot Client wants to use localhost:\d+ as you/);
    const text = await page.locator('main').innerText();
    assert.match(text, /Sends you back to\s+127\.0\.0\.1:\d+/);
    assert.match(text, /runs on your computer/);
    assert.match(text, /Add, change and delete your data/);
    const headers = response!.headers();
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    // The page's own style loads under its CSP nonce: the Allow button is styled, not a bare button.
    const allowBackground = await page.locator('button.primary').evaluate((element) => getComputedStyle(element).backgroundColor);
    assert.notEqual(allowBackground, 'rgba(0, 0, 0, 0)');
    await page.screenshot({ path: `${SCREENSHOTS}consent.png`, fullPage: true });

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.origin === stack.entra!.origin);
    await page.screenshot({ path: `${SCREENSHOTS}dev-entra-sign-in.png`, fullPage: true });
    await page.fill('input[name="username"]', 'alice@contoso.dev');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callbackUrl)), page.locator('form').evaluate((form: HTMLFormElement) => form.requestSubmit())]);

    const back = received.at(-1)!;
    assert.ok(back.searchParams.get('code'), 'the client receives a code');
    assert.equal(back.searchParams.get('state'), provider.lastState);
    assert.equal(back.searchParams.get('iss'), stack.issuer);
    assert.deepEqual(consoleErrors, [], 'no CSP violations or script errors');
    assert.deepEqual(failedLoads, [], 'every page and resource on the way loaded');
    await context.close();
  });

  it('offers "Not you?" to a signed-in browser and signs the other person in', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 1000 } });
    const page = await context.newPage();
    const signInAs = async (provider: MemoryOAuthProvider, username: string) => {
      await page.fill('input[name="username"]', username);
      await Promise.all([page.waitForURL((url) => url.href.startsWith(callbackUrl)), page.locator('form').evaluate((form: HTMLFormElement) => form.requestSubmit())]);
      const code = received.at(-1)!.searchParams.get('code')!;
      assert.equal(await auth(provider, { serverUrl: stack.resourceUrl, authorizationCode: code }), 'AUTHORIZED');
      const [, payload] = provider.tokens()!.access_token.split('.');
      return JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as { preferred_username: string };
    };

    // Alice signs in once with a first client.
    const first = new MemoryOAuthProvider({ clientName: 'First Client', redirectUrl: callbackUrl });
    assert.equal(await auth(first, { serverUrl: stack.resourceUrl }), 'REDIRECT');
    await page.goto(first.authorizationUrl!.href);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((url) => url.origin === stack.entra!.origin);
    assert.equal((await signInAs(first, 'alice@contoso.dev')).preferred_username, 'alice@contoso.dev');

    // A second client in the same browser: the page names alice and offers another account.
    const second = new MemoryOAuthProvider({ clientName: 'Second Client', redirectUrl: callbackUrl });
    assert.equal(await auth(second, { serverUrl: stack.resourceUrl }), 'REDIRECT');
    await page.goto(second.authorizationUrl!.href);
    assert.match(await page.locator('main').innerText(), /Not Alice Example \(alice@contoso\.dev\)\?/);
    await page.screenshot({ path: `${SCREENSHOTS}consent-signed-in.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign in with another account' }).click();
    await page.waitForURL((url) => url.origin === stack.entra!.origin);
    await page.fill('input[name="username"]', 'bob@contoso.dev');
    // Bob now approves the client for himself: the page names him, without "Not you?" for alice.
    await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/interaction/')), page.locator('form').evaluate((form: HTMLFormElement) => form.requestSubmit())]);
    const text = await page.locator('main').innerText();
    assert.match(text, /Bob Example \(bob@contoso\.dev\)/);
    assert.doesNotMatch(text, /alice/);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callbackUrl)), page.getByRole('button', { name: 'Allow' }).click()]);
    const code = received.at(-1)!.searchParams.get('code')!;
    assert.equal(await auth(second, { serverUrl: stack.resourceUrl, authorizationCode: code }), 'AUTHORIZED');
    const [, payload] = second.tokens()!.access_token.split('.');
    assert.equal(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')).preferred_username, 'bob@contoso.dev', 'tokens are bob’s');
    await context.close();
  });

  it('renders an error page, not a redirect, for an unregistered redirect_uri (A1)', async () => {
    const provider = new MemoryOAuthProvider({ clientName: 'Error Client', redirectUrl: callbackUrl });
    assert.equal(await auth(provider, { serverUrl: stack.resourceUrl }), 'REDIRECT');
    const url = new URL(provider.authorizationUrl!);
    url.searchParams.set('redirect_uri', 'https://attacker.example/steal');
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(url.href);
    assert.equal(response?.status(), 400);
    assert.equal(new URL(page.url()).origin, stack.issuer);
    assert.match(await page.locator('h1').innerText(), /did not register/);
    await page.screenshot({ path: `${SCREENSHOTS}error-redirect-uri.png`, fullPage: true });
    await context.close();
  });

  /** The authorize request a CIMD client sends, with its document URL as client_id. */
  function cimdAuthorizeUrl(clientId: string, redirectUri: string): string {
    const url = new URL(`${stack.issuer}/authorize`);
    const { challenge } = pkce();
    for (const [name, value] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'cimd', resource: stack.resourceUrl })) {
      url.searchParams.set(name, value);
    }
    return url.href;
  }

  it('shows a CIMD client from a trusted host as verified, with no warning (MCP AS5)', async () => {
    const context = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(cimdAuthorizeUrl(VSCODE_CIMD, 'https://vscode.dev/redirect'));
    assert.match(await page.locator('h1').innerText(), /Visual Studio Code wants to use/);
    assert.equal(await page.locator('.verified').innerText(), '✓ verified by vscode.dev');
    assert.equal(await page.locator('.warning').count(), 0);
    await page.screenshot({ path: `${SCREENSHOTS}consent-cimd-verified.png`, fullPage: true });
    await context.close();
  });

  it('warns about a localhost-only CIMD client and still signs in on a port its document does not name', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    await page.goto(cimdAuthorizeUrl(CLAUDE_CODE_CIMD, callbackUrl));
    assert.equal(await page.locator('.verified').innerText(), '✓ verified by claude.ai');
    assert.match(await page.locator('.warning').first().innerText(), /only on this computer \(localhost\)/);
    await page.screenshot({ path: `${SCREENSHOTS}consent-cimd-localhost.png`, fullPage: true });
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.locator('input[name="username"]').fill('alice@contoso.dev');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(callbackUrl)), page.locator('form').evaluate((form: HTMLFormElement) => form.requestSubmit())]);
    const redirect = received.at(-1)!;
    assert.equal(redirect.searchParams.get('state'), 'cimd');
    assert.ok(redirect.searchParams.get('code'));
    await context.close();
  });
});
