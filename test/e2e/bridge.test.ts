import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { fetch } from 'undici';
import type { Stack } from '@mcp-bridge/bridge';
import { Browser } from './support/browser.ts';
import { MemoryOAuthProvider, completeInBrowser, connect, signIn, toolJson } from './support/mcp-client.ts';
import { startTestStack } from './support/stack.ts';

describe('bridge end to end: MCP SDK client → DCR → consent → dev Entra → tokens → MCP tools', () => {
  let stack: Stack;
  const timings: Record<string, number> = {};
  const alice = { provider: new MemoryOAuthProvider({ clientName: 'E2E client (alice)' }), browser: undefined as unknown as Browser, client: undefined as unknown as Client };
  const bob = { provider: new MemoryOAuthProvider({ clientName: 'E2E client (bob)' }), browser: undefined as unknown as Browser, client: undefined as unknown as Client };

  before(async () => {
    stack = await startTestStack();
    alice.browser = new Browser({ caCertPem: stack.entra!.caCertPem });
    bob.browser = new Browser({ caCertPem: stack.entra!.caCertPem });
  });

  after(async () => {
    await alice.client?.close();
    await bob.client?.close();
    await alice.browser?.close();
    await bob.browser?.close();
    await stack?.close();
  });

  it('signs alice in: discovery, registration, consent before Entra, Entra sign-in, code exchange', async () => {
    const started = performance.now();
    const outcome = await signIn({ resourceUrl: stack.resourceUrl, provider: alice.provider, browser: alice.browser, person: { username: 'alice@contoso.dev' } });
    timings.registerToToken = performance.now() - started;
    assert.equal(outcome.consentShown, true, 'a new client must always get the consent page (MCP AS11)');
    assert.equal(outcome.signInShown, true);
    const consentIndex = alice.browser.visited.findIndex((url) => url.includes('/interaction/'));
    const entraIndex = alice.browser.visited.findIndex((url) => url.startsWith(stack.entra!.origin));
    assert.ok(consentIndex >= 0 && consentIndex < entraIndex, 'consent comes before the hop to Entra');
    const tokens = alice.provider.tokens();
    assert.ok(tokens?.access_token);
    assert.ok(tokens?.refresh_token, 'refresh tokens are always issued');
    const [, payload] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    assert.equal(claims.iss, stack.issuer);
    assert.equal(claims.aud, stack.resourceUrl);
    assert.equal(claims.preferred_username, 'alice@contoso.dev');
    assert.equal(claims.tid, stack.entra!.tenantId);
    assert.ok(claims.oid);
    assert.ok(claims.exp - claims.iat <= 900, 'access tokens live at most 15 minutes');
    assert.deepEqual(claims.scope.split(' ').filter((s: string) => s.startsWith('mcp:')).sort(), ['mcp:read', 'mcp:write']);
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(header.typ, 'at+jwt');
    assert.ok(header.kid);
    assert.equal(header.alg, 'ES256');
  });

  it('calls whoami as alice and sees her Entra identity', async () => {
    alice.client = await connect(stack.resourceUrl, alice.provider);
    const started = performance.now();
    const me = toolJson(await alice.client.callTool({ name: 'whoami', arguments: {} })) as Record<string, unknown>;
    timings.toolCall = performance.now() - started;
    assert.equal(me.username, 'alice@contoso.dev');
    assert.equal(me.tid, stack.entra!.tenantId);
    assert.ok(typeof me.oid === 'string' && me.oid.length > 0);
  });

  it('keeps bob and alice apart: each sees and deletes only their own expenses', async () => {
    const bobOutcome = await signIn({ resourceUrl: stack.resourceUrl, provider: bob.provider, browser: bob.browser, person: { username: 'bob@contoso.dev' } });
    assert.equal(bobOutcome.consentShown, true);
    bob.client = await connect(stack.resourceUrl, bob.provider);
    const bobMe = toolJson(await bob.client.callTool({ name: 'whoami', arguments: {} })) as Record<string, unknown>;
    assert.equal(bobMe.username, 'bob@contoso.dev');

    const added = toolJson(
      await alice.client.callTool({ name: 'add_expense', arguments: { amount: 12.5, currency: 'EUR', description: 'Team lunch' } }),
    ) as { expense: { id: string; amount: number; currency: string } };
    assert.ok(added.expense.id);
    assert.equal(added.expense.amount, 12.5);
    await bob.client.callTool({ name: 'add_expense', arguments: { amount: 3, currency: 'USD', description: 'Coffee' } });

    const aliceList = JSON.stringify(toolJson(await alice.client.callTool({ name: 'list_expenses', arguments: {} })));
    const bobList = JSON.stringify(toolJson(await bob.client.callTool({ name: 'list_expenses', arguments: {} })));
    assert.match(aliceList, /Team lunch/);
    assert.doesNotMatch(aliceList, /Coffee/);
    assert.match(bobList, /Coffee/);
    assert.doesNotMatch(bobList, /Team lunch/);

    const stolen = await bob.client.callTool({ name: 'delete_expense', arguments: { id: added.expense.id } });
    assert.equal(stolen.isError, true, 'bob cannot delete alice’s expense by id');
    assert.match(JSON.stringify(toolJson(await alice.client.callTool({ name: 'list_expenses', arguments: {} }))), /Team lunch/);
  });

  it('does not ask alice again for the same client, but always for a new client (MCP AS11)', async () => {
    // The same client on another loopback port (RFC 8252 §7.3) is the same redirect target.
    const again = new MemoryOAuthProvider({ clientName: 'E2E client (alice)', redirectUrl: 'http://127.0.0.1:43999/callback' });
    again.saveClientInformation(alice.provider.clientInformation()!);
    const sameClient = await signIn({ resourceUrl: stack.resourceUrl, provider: again, browser: alice.browser, person: { username: 'alice@contoso.dev' } });
    assert.equal(sameClient.consentShown, false, 'approved client, same user, same scopes: no page');
    assert.equal(sameClient.signInShown, false, 'the bridge session is reused');

    const other = new MemoryOAuthProvider({ clientName: 'Another client' });
    const newClient = await signIn({ resourceUrl: stack.resourceUrl, provider: other, browser: alice.browser, person: { username: 'alice@contoso.dev' } });
    assert.equal(newClient.consentShown, true, 'a client alice never approved gets the consent page');
  });

  it('lets another person at alice’s browser sign in as themselves ("Not you?")', async () => {
    const provider = new MemoryOAuthProvider({ clientName: 'Shared computer client' });
    const outcome = await signIn({ resourceUrl: stack.resourceUrl, provider, browser: alice.browser, person: { username: 'bob@contoso.dev', decision: 'switch' } });
    assert.equal(outcome.consentShown, true);
    assert.equal(outcome.signInShown, true, 'the switch goes to Entra with prompt=select_account');
    const client = await connect(stack.resourceUrl, provider);
    const me = toolJson(await client.callTool({ name: 'whoami', arguments: {} })) as Record<string, unknown>;
    assert.equal(me.username, 'bob@contoso.dev', 'tokens are bob’s, not the session’s previous user');
    await client.close();
  });

  it('refreshes (rotating the refresh token) and refuses the old refresh token', async () => {
    const before = alice.provider.tokens()!;
    alice.provider.saveTokens({ ...before, access_token: 'expired-placeholder' });
    const result = await auth(alice.provider, { serverUrl: stack.resourceUrl });
    assert.equal(result, 'AUTHORIZED');
    const after = alice.provider.tokens()!;
    assert.notEqual(after.refresh_token, before.refresh_token, 'refresh tokens rotate');
    assert.notEqual(after.access_token, 'expired-placeholder');

    const client = await connect(stack.resourceUrl, alice.provider);
    const me = toolJson(await client.callTool({ name: 'whoami', arguments: {} })) as Record<string, unknown>;
    assert.equal(me.username, 'alice@contoso.dev');
    await client.close();

    // Replaying the rotated-out refresh token is refused (OAuth 2.1 §4.3.1; A10).
    const replay = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: before.refresh_token!, client_id: alice.provider.clientInformation()!.client_id }).toString(),
    });
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
  });

  it('refuses a refresh token after it was revoked', async () => {
    // The replay above revoked alice's grant (A10), so bob's live refresh token is revoked here.
    const tokens = bob.provider.tokens()!;
    const clientId = bob.provider.clientInformation()!.client_id;
    const live = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: clientId }).toString(),
    });
    assert.equal(live.status, 200, 'the refresh token works before revocation');
    const rotated = (await live.json()) as { refresh_token: string; access_token: string };
    tokens.refresh_token = rotated.refresh_token;
    tokens.access_token = rotated.access_token;
    const revoked = await fetch(`${stack.issuer}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: 'refresh_token', client_id: clientId }).toString(),
    });
    assert.equal(revoked.status, 200);
    const refresh = await fetch(`${stack.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: clientId }).toString(),
    });
    assert.equal(refresh.status, 400);
    const body = (await refresh.json()) as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_grant');
    assert.equal(typeof body.error_description, 'string');

    // Revoking the refresh token revoked the grant: the access token issued with it stops working too.
    const revokedCall = await fetch(stack.resourceUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(revokedCall.status, 401);
    assert.match(revokedCall.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  });

  it('ends in access_denied at the client when the person denies consent', async () => {
    const provider = new MemoryOAuthProvider({ clientName: 'Client to deny' });
    const browser = new Browser({ caCertPem: stack.entra!.caCertPem });
    try {
      assert.equal(await auth(provider, { serverUrl: stack.resourceUrl }), 'REDIRECT');
      const outcome = await completeInBrowser(browser, provider.authorizationUrl!, provider.redirectUrl, { username: 'alice@contoso.dev', decision: 'deny' });
      assert.equal(outcome.consentShown, true);
      assert.equal(outcome.signInShown, false, 'nothing is sent to Entra after a denial');
      assert.equal(outcome.redirect.searchParams.get('error'), 'access_denied');
      assert.equal(outcome.redirect.searchParams.get('iss'), stack.issuer, 'RFC 9207 iss on error responses too');
      assert.equal(outcome.redirect.searchParams.get('state'), provider.lastState);
    } finally {
      await browser.close();
    }
  });

  after(() => {
    process.stdout.write(
      `# e2e timings: register → token ${timings.registerToToken?.toFixed(0)} ms (discovery, DCR, consent, dev Entra sign-in, code exchange); whoami tool call ${timings.toolCall?.toFixed(1)} ms\n`,
    );
  });
});
