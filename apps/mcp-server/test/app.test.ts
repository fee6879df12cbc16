import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ALICE, BOB, INITIALIZE, mcpHeaders, startMcpHarness, toolCall, type McpHarness } from './fixtures/mcp-harness.ts';

const SCOPES_ALL = 'openid offline_access mcp:read mcp:write';
const SCOPES_READ = 'openid offline_access mcp:read';

function text(result: unknown): string {
  const content = (result as CallToolResult).content[0];
  assert.ok(content && content.type === 'text');
  return content.text;
}

function structured<T>(result: unknown): T {
  const r = result as CallToolResult;
  assert.notEqual(r.isError, true, `tool failed: ${r.isError ? text(r) : ''}`);
  return r.structuredContent as T;
}

interface ExpenseOut { id: string; amount: number; currency: string; description: string; date: string; createdAt: string }

describe('MCP server — RFC 9728, RFC 6750 and MCP streamable HTTP', () => {
  let h: McpHarness;
  let prmUrl: string;
  let challenge: string;

  before(async () => {
    h = await startMcpHarness();
    prmUrl = `${h.origin}/.well-known/oauth-protected-resource/mcp`;
    challenge = `Bearer resource_metadata="${prmUrl}", scope="mcp:read mcp:write"`;
  });
  after(() => h.close());

  describe('GET /.well-known/oauth-protected-resource{/mcp} (RFC 9728 §3)', () => {
    it('serves the metadata at the path-suffixed and root well-known URLs, with CORS *', async () => {
      for (const url of [prmUrl, `${h.origin}/.well-known/oauth-protected-resource`]) {
        const res = await fetch(url, { headers: { origin: 'http://localhost:6274' } });
        assert.equal(res.status, 200, url);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('content-type'), 'application/json');
        assert.deepEqual(await res.json(), {
          resource: h.resourceUrl,
          authorization_servers: [h.idp.issuer],
          scopes_supported: ['mcp:read', 'mcp:write'],
          bearer_methods_supported: ['header'],
          resource_name: 'MCP Auth Bridge expenses',
        });
      }
    });

    it('answers CORS preflights and refuses POST with 405', async () => {
      const pre = await fetch(prmUrl, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*');
      const post = await fetch(prmUrl, { method: 'POST' });
      assert.equal(post.status, 405);
      assert.deepEqual(await post.json(), { error: 'invalid_request', error_description: 'Use GET to read the protected resource metadata.' });
    });
  });

  describe('POST /mcp bearer authentication (RFC 6750 §3, MCP authorization)', () => {
    it('A12 answers 401 with the exact discovery challenge when no token is sent', async () => {
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(undefined), body: JSON.stringify(INITIALIZE) });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), challenge);
      const body = await res.json() as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_token');
      assert.equal(body.error_description, 'This resource requires an OAuth access token. Sign in with the authorization server named in the resource metadata and send Authorization: Bearer <token>.');
    });

    it('answers 401 to GET and DELETE without a token too', async () => {
      for (const method of ['GET', 'DELETE']) {
        const res = await fetch(h.resourceUrl, { method, headers: { accept: 'text/event-stream' } });
        assert.equal(res.status, 401, method);
        assert.equal(res.headers.get('www-authenticate'), challenge);
      }
    });

    it('A13 refuses a token in the query string', async () => {
      const token = await h.idp.mint();
      const res = await fetch(`${h.resourceUrl}?access_token=${token}`, { method: 'POST', headers: mcpHeaders(undefined), body: JSON.stringify(INITIALIZE) });
      assert.equal(res.status, 401);
      const body = await res.json() as { error: string };
      assert.equal(body.error, 'invalid_request');
      assert.match(res.headers.get('www-authenticate') ?? '', /, error="invalid_request", error_description="Access tokens are accepted only in the Authorization header/);
    });

    it('A14 answers 401 invalid_token with the reason to a token for another audience', async () => {
      const token = await h.idp.mint({ aud: 'http://127.0.0.1:1/other' });
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token), body: JSON.stringify(INITIALIZE) });
      assert.equal(res.status, 401);
      const description = `The access token was issued for another resource; request one for ${h.resourceUrl} (resource parameter, RFC 8707).`;
      assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: description });
      assert.equal(res.headers.get('www-authenticate'), `${challenge}, error="invalid_token", error_description="${description}"`);
    });

    it('A16 answers 401 invalid_token to an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await h.idp.mint({ iat: now - 900, exp: now - 120 });
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token), body: JSON.stringify(INITIALIZE) });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: 'invalid_token', error_description: 'The access token has expired. Refresh it or sign in again.' });
    });

    it('A19 answers 403 insufficient_scope to add_expense with only mcp:read, naming the needed scope', async () => {
      const token = await h.idp.mint({ ...ALICE, scope: SCOPES_READ });
      const { transport } = await h.connect(token);
      const res = await fetch(h.resourceUrl, {
        method: 'POST',
        headers: mcpHeaders(token, { 'mcp-session-id': transport.sessionId ?? '' }),
        body: JSON.stringify(toolCall('add_expense', { amount: 5, currency: 'EUR', description: 'x' })),
      });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('www-authenticate'),
        `Bearer error="insufficient_scope", scope="mcp:write openid offline_access mcp:read", resource_metadata="${prmUrl}", error_description="This request needs the scope mcp:write, which the access token was not granted."`);
      assert.deepEqual(await res.json(), {
        error: 'insufficient_scope',
        error_description: 'This request needs the scope mcp:write, which the access token was not granted. Authorize again with scope="mcp:write openid offline_access mcp:read".',
      });
    });

    it('A19 the SDK client sees the 403 for write tools while read tools work with the same token', async () => {
      const { client } = await h.connect(await h.idp.mint({ ...ALICE, scope: SCOPES_READ }));
      const me = structured<{ scopes: string[] }>(await client.callTool({ name: 'whoami' }));
      assert.deepEqual(me.scopes, ['openid', 'offline_access', 'mcp:read']);
      await assert.rejects(client.callTool({ name: 'delete_expense', arguments: { id: 'x' } }), /403|insufficient_scope/);
    });

    it('checks every tools/call of a JSON-RPC batch', async () => {
      const token = await h.idp.mint({ ...ALICE, scope: SCOPES_READ });
      const { transport } = await h.connect(token);
      const res = await fetch(h.resourceUrl, {
        method: 'POST',
        headers: mcpHeaders(token, { 'mcp-session-id': transport.sessionId ?? '' }),
        body: JSON.stringify([toolCall('whoami', {}, 7), toolCall('add_expense', { amount: 1, currency: 'EUR', description: 'x' }, 8)]),
      });
      assert.equal(res.status, 403);
    });

    it('answers 400 JSON-RPC parse error to a malformed body from an authenticated caller', async () => {
      const token = await h.idp.mint(ALICE);
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token), body: '{not json' });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: Invalid JSON' }, id: null });
    });
  });

  describe('tools (whoami, expenses, reverse_text)', () => {
    it('whoami returns the user and client from the verified token', async () => {
      const { client } = await h.connect(await h.idp.mint({ ...ALICE, scope: SCOPES_ALL, client_id: 'client-vscode' }));
      assert.deepEqual(structured(await client.callTool({ name: 'whoami' })), {
        oid: ALICE.oid, tid: ALICE.tid, name: ALICE.name, username: ALICE.preferred_username,
        scopes: ['openid', 'offline_access', 'mcp:read', 'mcp:write'], client_id: 'client-vscode',
      });
    });

    it('lists the five tools with input schemas', async () => {
      const { client } = await h.connect(await h.idp.mint(ALICE));
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['add_expense', 'delete_expense', 'list_expenses', 'reverse_text', 'whoami']);
      const add = tools.find((t) => t.name === 'add_expense');
      assert.deepEqual(Object.keys(add?.inputSchema.properties ?? {}).sort(), ['amount', 'currency', 'date', 'description']);
      assert.deepEqual(add?.inputSchema.required?.sort(), ['amount', 'currency', 'description']);
    });

    it('A20 alice adds, lists and deletes; bob can neither see nor delete her expense, even by id', async () => {
      const alice = (await h.connect(await h.idp.mint(ALICE))).client;
      const bob = (await h.connect(await h.idp.mint(BOB))).client;

      const { expense } = structured<{ expense: ExpenseOut }>(await alice.callTool({
        name: 'add_expense', arguments: { amount: 12.5, currency: 'eur', description: 'Team lunch', date: '2026-11-20' },
      }));
      assert.equal(expense.currency, 'EUR');
      assert.equal(expense.amount, 12.5);
      assert.equal(expense.date, '2026-11-20');
      const today = structured<{ expense: ExpenseOut }>(await alice.callTool({
        name: 'add_expense', arguments: { amount: 3, currency: 'USD', description: 'Coffee' },
      })).expense;
      assert.equal(today.date, new Date().toISOString().slice(0, 10));

      const listed = structured<{ expenses: ExpenseOut[]; count: number }>(await alice.callTool({ name: 'list_expenses', arguments: {} }));
      assert.deepEqual(listed.expenses.map((e) => e.id), [today.id, expense.id]);

      const bobs = structured<{ expenses: ExpenseOut[] }>(await bob.callTool({ name: 'list_expenses', arguments: {} }));
      assert.deepEqual(bobs.expenses, []);

      // Arguments cannot choose the owner: unknown keys such as userKey/oid are ignored.
      const sneaky = structured<{ expenses: ExpenseOut[] }>(await bob.callTool({ name: 'list_expenses', arguments: { userKey: `${ALICE.tid}:${ALICE.oid}`, oid: ALICE.oid } }));
      assert.deepEqual(sneaky.expenses, []);

      const bobDelete = await bob.callTool({ name: 'delete_expense', arguments: { id: expense.id } }) as CallToolResult;
      assert.equal(bobDelete.isError, true);
      assert.equal(text(bobDelete), `No expense with id "${expense.id}" was found among your expenses.`);

      const deleted = structured<{ deleted: boolean; id: string }>(await alice.callTool({ name: 'delete_expense', arguments: { id: expense.id } }));
      assert.deepEqual(deleted, { deleted: true, id: expense.id });
      const again = await alice.callTool({ name: 'delete_expense', arguments: { id: expense.id } }) as CallToolResult;
      assert.equal(again.isError, true);
      assert.equal(text(again), `No expense with id "${expense.id}" was found among your expenses.`);

      const after = structured<{ expenses: ExpenseOut[] }>(await alice.callTool({ name: 'list_expenses', arguments: {} }));
      assert.deepEqual(after.expenses.map((e) => e.id), [today.id]);
    });

    it('list_expenses filters by date and limit', async () => {
      const { client } = await h.connect(await h.idp.mint({ ...ALICE, oid: '33333333-3333-4333-8333-333333333333' }));
      for (const date of ['2026-01-05', '2026-02-05', '2026-03-05']) {
        structured(await client.callTool({ name: 'add_expense', arguments: { amount: 1, currency: 'EUR', description: date, date } }));
      }
      const feb = structured<{ expenses: ExpenseOut[] }>(await client.callTool({ name: 'list_expenses', arguments: { from: '2026-02-01', to: '2026-03-31' } }));
      assert.deepEqual(feb.expenses.map((e) => e.date), ['2026-03-05', '2026-02-05']);
      const one = structured<{ expenses: ExpenseOut[] }>(await client.callTool({ name: 'list_expenses', arguments: { limit: 1 } }));
      assert.deepEqual(one.expenses.map((e) => e.date), ['2026-03-05']);
    });

    it('turns bad input into tool errors with clear text', async () => {
      const { client } = await h.connect(await h.idp.mint(ALICE));
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ['add_expense', { amount: -1, currency: 'EUR', description: 'x' }, /Input validation error.*amount/s],
        ['add_expense', { amount: 1, currency: 'EURO', description: 'x' }, /3-letter ISO 4217 code/],
        ['add_expense', { amount: 1, currency: 'XYZ', description: 'x' }, /^XYZ is not an ISO 4217 currency code/],
        ['add_expense', { amount: 1, currency: 'EUR', description: 'x'.repeat(201) }, /Input validation error.*description/s],
        ['add_expense', { amount: 1, currency: 'EUR', description: 'x', date: '2026-02-30' }, /^2026-02-30 is not a calendar date/],
        ['add_expense', { amount: 1, currency: 'EUR', description: 'x', date: '30/01/2026' }, /YYYY-MM-DD/],
        ['list_expenses', { limit: 101 }, /Input validation error.*limit/s],
        ['list_expenses', { from: '2026-05-01', to: '2026-04-01' }, /^from \(2026-05-01\) is after to \(2026-04-01\)/],
        ['delete_expense', { id: 'not-a-uuid' }, /^No expense with id "not-a-uuid" was found among your expenses\.$/],
      ];
      for (const [name, args, expected] of cases) {
        const result = await client.callTool({ name, arguments: args }) as CallToolResult;
        assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
        assert.match(text(result), expected);
      }
    });

    it('A20 a token without a user (client credentials) gets no expenses', async () => {
      const { client } = await h.connect(await h.idp.mint({ sub: 'client-1', oid: undefined, tid: undefined, name: undefined, preferred_username: undefined }));
      const result = await client.callTool({ name: 'list_expenses', arguments: {} }) as CallToolResult;
      assert.equal(result.isError, true);
      assert.equal(text(result), 'This access token does not identify a user (no tid/oid claims), so it has no expenses. Sign in as a user to use this tool.');
      assert.deepEqual(structured<{ oid: unknown }>(await client.callTool({ name: 'whoami' })).oid, null);
    });

    it('reverse_text reverses by grapheme and sends notifications/progress', async () => {
      const { client } = await h.connect(await h.idp.mint(ALICE));
      const progress: { progress: number; total?: number; message?: string }[] = [];
      const result = await client.callTool(
        { name: 'reverse_text', arguments: { text: 'héllo 👋🏽!' } },
        undefined,
        { onprogress: (p) => progress.push(p) },
      );
      assert.deepEqual(structured(result), { text: '!👋🏽 olléh' });
      assert.deepEqual(progress.map((p) => [p.progress, p.total]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
      assert.equal(progress[0]?.message, 'Reversing: step 1 of 4');
    });

    it('reverse_text works without a progress token', async () => {
      const { client } = await h.connect(await h.idp.mint(ALICE));
      assert.deepEqual(structured(await client.callTool({ name: 'reverse_text', arguments: { text: 'abc' } })), { text: 'cba' });
    });
  });

  describe('sessions (MCP streamable HTTP session management, RS8)', () => {
    it('refuses alice\'s session id with bob\'s valid token as 404, without touching the session', async () => {
      const aliceToken = await h.idp.mint(ALICE);
      const { client, transport } = await h.connect(aliceToken);
      const sessionId = transport.sessionId ?? '';
      assert.match(sessionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const bobToken = await h.idp.mint(BOB);
      for (const [method, body] of [['POST', JSON.stringify(toolCall('list_expenses'))], ['GET', undefined], ['DELETE', undefined]] as const) {
        const res = await fetch(h.resourceUrl, { method, headers: mcpHeaders(bobToken, { 'mcp-session-id': sessionId }), ...(body ? { body } : {}) });
        assert.equal(res.status, 404, method);
        assert.deepEqual(await res.json(), { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
      }
      // Alice's session still works after bob's DELETE attempt.
      assert.equal(structured<{ oid: string }>(await client.callTool({ name: 'whoami' })).oid, ALICE.oid);
    });

    it('authenticates every request of a session (a session id is not a credential)', async () => {
      const { transport } = await h.connect(await h.idp.mint(ALICE));
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(undefined, { 'mcp-session-id': transport.sessionId ?? '' }), body: JSON.stringify(toolCall('whoami')) });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), challenge);
    });

    it('answers 404 to an unknown session id and 400 to a non-initialize request without one', async () => {
      const token = await h.idp.mint(ALICE);
      const unknown = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token, { 'mcp-session-id': crypto.randomUUID() }), body: JSON.stringify(toolCall('whoami')) });
      assert.equal(unknown.status, 404);
      const missing = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token), body: JSON.stringify(toolCall('whoami')) });
      assert.equal(missing.status, 400);
      assert.deepEqual(await missing.json(), { jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: Mcp-Session-Id header is required' }, id: null });
    });

    it('DELETE ends the session; later requests get 404', async () => {
      const token = await h.idp.mint(ALICE);
      const { transport } = await h.connect(token);
      const sessionId = transport.sessionId ?? '';
      const del = await fetch(h.resourceUrl, { method: 'DELETE', headers: mcpHeaders(token, { 'mcp-session-id': sessionId }) });
      assert.equal(del.status, 200);
      const after = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token, { 'mcp-session-id': sessionId }), body: JSON.stringify(toolCall('whoami')) });
      assert.equal(after.status, 404);
    });

    it('keeps a session across token refreshes of the same user', async () => {
      const { transport } = await h.connect(await h.idp.mint({ ...ALICE, client_id: 'c1' }));
      const refreshed = await h.idp.mint({ ...ALICE, client_id: 'c1' });
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(refreshed, { 'mcp-session-id': transport.sessionId ?? '' }), body: JSON.stringify(toolCall('whoami')) });
      assert.equal(res.status, 200);
    });
  });

  describe('Origin validation (RS8, DNS rebinding)', () => {
    it('refuses a foreign Origin with 403 before anything else', async () => {
      const token = await h.idp.mint(ALICE);
      for (const origin of ['http://evil.example', 'null', `${h.origin.replace('127.0.0.1', 'localhost')}`]) {
        const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(token, { origin }), body: JSON.stringify(INITIALIZE) });
        assert.equal(res.status, 403, origin);
        assert.deepEqual(await res.json(), {
          error: 'access_denied',
          error_description: 'Requests from this Origin are not allowed (DNS rebinding protection). Call the MCP server from its own origin or add yours to the allowed origins.',
        });
      }
    });

    it('accepts the server\'s own origin and echoes it for CORS', async () => {
      const { client } = await h.connect(await h.idp.mint(ALICE), { origin: h.origin });
      assert.equal(structured<{ oid: string }>(await client.callTool({ name: 'whoami' })).oid, ALICE.oid);
      const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(undefined, { origin: h.origin }), body: JSON.stringify(INITIALIZE) });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('access-control-allow-origin'), h.origin);
      assert.match(res.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    });
  });

  it('answers 404 JSON elsewhere', async () => {
    const res = await fetch(`${h.origin}/nope`);
    assert.equal(res.status, 404);
    assert.equal((await res.json() as { error: string }).error, 'not_found');
  });
});

describe('MCP server — allowedOrigins (RS8)', () => {
  let h: McpHarness;
  before(async () => { h = await startMcpHarness({ allowedOrigins: ['http://localhost:6274/'] }); });
  after(() => h.close());

  it('accepts a configured browser origin and answers its CORS preflight', async () => {
    const pre = await fetch(h.resourceUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:6274');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const { client } = await h.connect(await h.idp.mint(ALICE), { origin: 'http://localhost:6274' });
    assert.equal(structured<{ oid: string }>(await client.callTool({ name: 'whoami' })).oid, ALICE.oid);
  });
});

describe('MCP server — dangerouslyDisableAuth (conformance mode)', () => {
  let h: McpHarness;
  before(async () => { h = await startMcpHarness({ dangerouslyDisableAuth: true }); });
  after(() => h.close());

  it('serves every tool without a token as the fixed anonymous user', async () => {
    const { client } = await h.connect();
    assert.deepEqual(structured(await client.callTool({ name: 'whoami' })), {
      oid: '00000000-0000-0000-0000-000000000000', tid: '00000000-0000-0000-0000-000000000000',
      name: 'Anonymous (authentication disabled)', username: 'anonymous', scopes: ['mcp:read', 'mcp:write'], client_id: 'anonymous',
    });
    const { expense } = structured<{ expense: ExpenseOut }>(await client.callTool({ name: 'add_expense', arguments: { amount: 1, currency: 'EUR', description: 'x' } }));
    const listed = structured<{ expenses: ExpenseOut[] }>(await client.callTool({ name: 'list_expenses', arguments: {} }));
    assert.deepEqual(listed.expenses.map((e) => e.id), [expense.id]);
  });

  it('still validates Origin', async () => {
    const res = await fetch(h.resourceUrl, { method: 'POST', headers: mcpHeaders(undefined, { origin: 'http://evil.example' }), body: JSON.stringify(INITIALIZE) });
    assert.equal(res.status, 403);
  });
});
