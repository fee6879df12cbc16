import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requiredScopesFor, TOOL_SCOPES } from '../src/index.ts';

describe('requiredScopesFor — tool scope policy (RS6)', () => {
  const call = (name: unknown) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name } });

  it('maps each tool to its scope', () => {
    for (const [name, scope] of Object.entries(TOOL_SCOPES)) assert.deepEqual(requiredScopesFor(call(name)), [scope], name);
  });

  it('needs nothing for protocol methods, unknown tools and junk', () => {
    for (const body of [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} },
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      call('no_such_tool'), call('__proto__'), call('toString'), call(42), null, 'x', [],
      { jsonrpc: '2.0', id: 1, method: 'tools/call' },
    ]) assert.deepEqual(requiredScopesFor(body), [], JSON.stringify(body));
  });

  it('unions the scopes of a batch in a stable order', () => {
    assert.deepEqual(requiredScopesFor([call('delete_expense'), call('whoami'), call('add_expense')]), ['mcp:read', 'mcp:write']);
  });
});
