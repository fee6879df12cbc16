import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Stack } from '@mcp-bridge/bridge';
import {
  InspectorCliRun,
  McpRemoteSession,
  RecordingBrowser,
  deliverRedirect,
  makeScratchDir,
  nodeSupportsInspector,
  packageVersion,
} from './support/cli-clients.ts';
import { completeInBrowser, toolJson } from './support/mcp-client.ts';
import { startTestStack } from './support/stack.ts';

/*
 * Two real MCP clients, unmodified and headless, against the whole bridge (dev Entra over HTTPS,
 * embedded Cosmos, every server on port 0). Both register by DCR with `token_endpoint_auth_method:
 * none`, `application_type: native`, a 127.0.0.1 loopback redirect and `scope: "mcp:read mcp:write
 * offline_access"`, then use PKCE S256 with `resource` and `prompt=consent` (MCP interop table,
 * rows mcp-remote and Inspector). These tests show they work first time, as a person would use them.
 */

/** Alice's Entra object id in the dev Entra simulator (packages/entra-simulator defaults). */
const ALICE_OID = 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b';
/** The `software_id` mcp-remote registers with (its source: `NodeOAuthClientProvider`). */
const MCP_REMOTE_SOFTWARE_ID = '2e6dc280-f3c3-4e01-99a7-8181dbd1d23d';
const OUR_TOOLS = ['add_expense', 'delete_expense', 'list_expenses', 'reverse_text', 'whoami'];
const LOOPBACK_CALLBACK = /^http:\/\/127\.0\.0\.1:(\d+)\/oauth\/callback$/;
/** Per wait; the whole file runs in a few seconds when nothing is wrong. */
const WAIT_MS = 15_000;

/** Runs `body`; if it throws, stops the child at once (the `after` hook would only do it at the end). */
async function killOnFailure(stop: () => Promise<void>, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await stop();
    throw err;
  }
}

describe('real MCP clients against the bridge (DCR → consent → dev Entra → tokens → MCP)', () => {
  let stack: Stack;
  let scratch: { path: string; remove(): Promise<void> };
  const sessions: McpRemoteSession[] = [];
  const inspectorRuns: InspectorCliRun[] = [];
  const browsers: RecordingBrowser[] = [];

  const newBrowser = () => {
    const browser = new RecordingBrowser({ caCertPem: stack.entra!.caCertPem });
    browsers.push(browser);
    return browser;
  };

  /** Checks the authorization request a client sent the person's browser to. */
  const assertAuthorizationRequest = (url: URL, client: string): { clientId: string; redirectUri: string } => {
    assert.equal(`${url.origin}${url.pathname}`, `${stack.issuer}/authorize`, `${client} sends the browser to our /authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256', `${client} uses PKCE S256`);
    assert.ok(url.searchParams.get('code_challenge'), `${client} sends a code_challenge`);
    assert.ok(url.searchParams.get('state'), `${client} sends a state`);
    assert.equal(url.searchParams.get('resource'), stack.resourceUrl, `${client} names the MCP server as resource (RFC 8707)`);
    const clientId = url.searchParams.get('client_id');
    const redirectUri = url.searchParams.get('redirect_uri');
    assert.ok(clientId, `${client} sends a client_id`);
    assert.match(redirectUri ?? '', LOOPBACK_CALLBACK, `${client} asks for a 127.0.0.1 loopback callback`);
    return { clientId, redirectUri: redirectUri! };
  };

  before(async () => {
    stack = await startTestStack();
    scratch = await makeScratchDir('mcp-real-clients');
  });

  after(async () => {
    // Children first (also when a test failed half-way), then the servers they talk to.
    await Promise.all([...sessions.map((session) => session.close()), ...inspectorRuns.map((run) => run.kill())]);
    await Promise.all(browsers.map((browser) => browser.close()));
    await stack?.close();
    await scratch?.remove();
  });

  describe(`mcp-remote ${packageVersion('mcp-remote')} as a desktop app's stdio proxy`, () => {
    const configDir = () => join(scratch.path, 'mcp-remote-config');
    const home = () => join(scratch.path, 'mcp-remote-home');
    let browser: RecordingBrowser;
    let session: McpRemoteSession;
    let registeredClientId: string;
    let signedIn = false;
    let expenseId: string | undefined;
    /** A tool call through the proxy, bounded so a broken session fails fast instead of hanging. */
    const callTool = (target: McpRemoteSession, name: string, args: Record<string, unknown> = {}) =>
      target.client.callTool({ name, arguments: args }, undefined, { timeout: WAIT_MS });
    const expenseDescription = `Train ticket ${randomUUID().slice(0, 8)}`;

    it('registers by DCR, signs alice in (consent, then dev Entra) and takes the code on its loopback listener', async () => {
      browser = newBrowser();
      session = await McpRemoteSession.start({ resourceUrl: stack.resourceUrl, configDir: configDir(), home: home(), label: 'mcp-remote (first run) stderr' });
      sessions.push(session);
      await killOnFailure(() => session.close(), async () => {
        const authorizationUrl = await session.authorizationUrl(WAIT_MS);
        const { clientId, redirectUri } = assertAuthorizationRequest(authorizationUrl, 'mcp-remote');
        assert.deepEqual(
          authorizationUrl.searchParams.get('scope')?.split(' ').sort(),
          ['mcp:read', 'mcp:write', 'offline_access'],
          'mcp-remote asks for the scopes of our challenge/metadata, with offline_access',
        );

        // The registration it keeps is our /register response to its DCR request.
        const stored = await McpRemoteSession.storedState(configDir());
        assert.ok(stored.clientInfo, `mcp-remote stored no client registration; files: ${stored.files.join(', ')}`);
        assert.equal(stored.clientInfo.client_id, clientId, 'the authorize request uses the client id we issued at /register');
        assert.equal(stored.clientInfo.client_name, 'MCP CLI Proxy');
        assert.equal(stored.clientInfo.software_id, MCP_REMOTE_SOFTWARE_ID);
        assert.equal(stored.clientInfo.token_endpoint_auth_method, 'none');
        assert.deepEqual(stored.clientInfo.redirect_uris, [redirectUri]);
        assert.equal(stored.hasTokens, false, 'no tokens before the sign-in');
        registeredClientId = clientId;

        const outcome = await completeInBrowser(browser, authorizationUrl, redirectUri, { username: 'alice@contoso.dev' });
        assert.equal(outcome.consentShown, true, 'a new client gets the consent page');
        assert.equal(outcome.signInShown, true, 'alice signs in at the dev Entra');
        assert.equal(browser.consentPages.length, 1);
        assert.match(browser.consentPages[0]!, /MCP CLI Proxy/, 'the consent page names the client by its registered client_name');
        assert.equal(outcome.redirect.searchParams.get('iss'), stack.issuer, 'RFC 9207 iss on the authorization response');
        assert.ok(outcome.redirect.searchParams.get('code'));

        const delivered = await deliverRedirect(outcome.redirect);
        assert.equal(delivered.status, 200, `mcp-remote's callback listener refused the redirect\n${session.stderr.tail()}`);
        await session.ready(WAIT_MS);
        assert.equal((await McpRemoteSession.storedState(configDir())).hasTokens, true, 'mcp-remote saved its tokens');
      });
      signedIn = true;
    });

    it('proxies whoami: alice’s Entra oid and tenant, under the client id it registered', async () => {
      assert.ok(signedIn, 'needs the signed-in session from the first test');
      const me = toolJson(await callTool(session, 'whoami')) as Record<string, unknown>;
      assert.equal(me.oid, ALICE_OID);
      assert.equal(me.tid, stack.entra!.tenantId);
      assert.equal(me.username, 'alice@contoso.dev');
      assert.equal(me.client_id, registeredClientId);
    });

    it('proxies add_expense then list_expenses: alice gets her expense back', async () => {
      assert.ok(signedIn, 'needs the signed-in session from the first test');
      const added = await callTool(session, 'add_expense', { amount: 42.5, currency: 'EUR', description: expenseDescription });
      assert.notEqual(added.isError, true, `add_expense failed: ${JSON.stringify(added.content)}`);
      const { expense } = toolJson(added) as { expense: { id: string; amount: number; currency: string; description: string } };
      assert.ok(expense.id);
      assert.equal(expense.amount, 42.5);
      assert.equal(expense.currency, 'EUR');
      assert.equal(expense.description, expenseDescription);
      expenseId = expense.id;

      const listed = toolJson(await callTool(session, 'list_expenses')) as { expenses: Array<{ id: string; description: string }> };
      const mine = listed.expenses.find((item) => item.id === expenseId);
      assert.ok(mine, `list_expenses did not return the expense just added: ${JSON.stringify(listed)}`);
      assert.equal(mine.description, expenseDescription);
    });

    it('a second run with the same config dir reuses the stored tokens: no new sign-in', async () => {
      assert.ok(signedIn && expenseId, 'needs the session and the expense from the previous tests');
      await session.close();
      const visitedBefore = browser.visited.length;

      const second = await McpRemoteSession.start({ resourceUrl: stack.resourceUrl, configDir: configDir(), home: home(), label: 'mcp-remote (second run) stderr' });
      sessions.push(second);
      await killOnFailure(() => second.close(), async () => {
        await second.ready(WAIT_MS);
        assert.doesNotMatch(second.stderr.text, /Please authorize this client/, 'the second run must not start a sign-in');
        assert.equal(browser.visited.length, visitedBefore, 'no browser round trip');

        const me = toolJson(await callTool(second, 'whoami')) as Record<string, unknown>;
        assert.equal(me.oid, ALICE_OID);
        assert.equal(me.client_id, registeredClientId, 'the token is the one issued to the first run’s registration');
        const listed = toolJson(await callTool(second, 'list_expenses')) as { expenses: Array<{ id: string }> };
        assert.ok(listed.expenses.some((item) => item.id === expenseId), 'alice’s expense is still hers');
      });
    });
  });

  describe(`MCP Inspector ${packageVersion('@modelcontextprotocol/inspector')} CLI`, () => {
    it('registers by DCR, hands the authorize URL to $BROWSER, takes the code on its listener and lists our five tools', async () => {
      assert.ok(nodeSupportsInspector(), `the Inspector CLI needs Node ≥ 22.19; this is ${process.version} — run under the repo's pinned node (node_modules/.bin/node)`);
      const home = join(scratch.path, 'inspector-home');
      const browser = newBrowser();
      // The CLI's default callback is the fixed http://127.0.0.1:6276/oauth/callback, which parallel
      // runs would fight over. `--callback-url` (or MCP_OAUTH_CALLBACK_URL) takes port 0: it binds an
      // ephemeral port before it registers, and registers and redirects to that exact port.
      const run = await InspectorCliRun.start({
        home,
        args: [stack.resourceUrl, '--method', 'tools/list', '--format', 'json', '--callback-url', 'http://127.0.0.1:0/oauth/callback'],
      });
      inspectorRuns.push(run);
      await killOnFailure(() => run.kill(), async () => {
        const authorizationUrl = await run.browserUrl(WAIT_MS);
        const { clientId, redirectUri } = assertAuthorizationRequest(authorizationUrl, 'the Inspector');
        assert.notEqual(LOOPBACK_CALLBACK.exec(redirectUri)?.[1], '0', 'the registered redirect carries the bound port');
        assert.match(run.stderr.text, /Please navigate to: (\S+)/, 'the CLI also prints the URL');
        assert.equal(/Please navigate to: (\S+)/.exec(run.stderr.text)?.[1], authorizationUrl.href, '$BROWSER got the URL the CLI printed');

        const outcome = await completeInBrowser(browser, authorizationUrl, redirectUri, { username: 'alice@contoso.dev' });
        assert.equal(outcome.consentShown, true, 'a new client gets the consent page');
        assert.equal(outcome.signInShown, true);
        assert.match(browser.consentPages[0] ?? '', /MCP Inspector/, 'the consent page names the client by its registered client_name');
        assert.equal(outcome.redirect.searchParams.get('iss'), stack.issuer);

        const delivered = await deliverRedirect(outcome.redirect);
        assert.equal(delivered.status, 200, `the Inspector's callback listener refused the redirect: ${delivered.body.slice(0, 300)}\n${run.stderr.tail()}`);

        const exit = await run.finished(WAIT_MS);
        assert.deepEqual(exit, { code: 0, signal: null }, `the Inspector CLI failed\n${run.stderr.tail()}\n${run.stdout.tail(5)}`);
        const output = JSON.parse(run.stdout.text) as { result?: { tools?: Array<{ name: string }> } };
        assert.deepEqual(output.result?.tools?.map((tool) => tool.name).sort(), OUR_TOOLS);

        // Its registration went to the isolated storage dir, not the user's ~/.mcp-inspector.
        const state = await readFile(join(home, '.mcp-inspector', 'storage', 'oauth.json'), 'utf8');
        assert.ok(state.includes(clientId), 'the Inspector kept its DCR client id in the isolated storage dir');
      });
    });
  });
});
