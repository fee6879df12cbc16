/** Scopes of this resource (RFC 9728 `scopes_supported`), smallest first. */
export const MCP_SCOPES = ['mcp:read', 'mcp:write'] as const;

/** A scope of this resource. */
export type McpScope = (typeof MCP_SCOPES)[number];

/**
 * The scope each tool needs. Checked on the HTTP request before it reaches the transport, so a
 * missing scope is a 403 `insufficient_scope` challenge clients step up on (RS6), and again inside
 * each tool as defence in depth.
 */
export const TOOL_SCOPES = {
  whoami: 'mcp:read',
  list_expenses: 'mcp:read',
  reverse_text: 'mcp:read',
  add_expense: 'mcp:write',
  delete_expense: 'mcp:write',
} as const satisfies Record<string, McpScope>;

/** Name of a tool this server registers. */
export type ToolName = keyof typeof TOOL_SCOPES;

/**
 * The scopes a JSON-RPC POST body needs: the union of the scopes of every `tools/call` in it (a single
 * message or a batch). Other methods (initialize, tools/list, ping, notifications) need only a valid
 * token; unknown tools need none here and fail in the SDK with "tool not found".
 *
 * @example
 * requiredScopesFor({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'add_expense' } }); // ['mcp:write']
 */
export function requiredScopesFor(body: unknown): McpScope[] {
  const messages = Array.isArray(body) ? body : [body];
  const needed = new Set<McpScope>();
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: unknown };
    if (method !== 'tools/call' || typeof params !== 'object' || params === null) continue;
    const name = (params as { name?: unknown }).name;
    if (typeof name === 'string' && Object.hasOwn(TOOL_SCOPES, name)) needed.add(TOOL_SCOPES[name as ToolName]);
  }
  return MCP_SCOPES.filter((scope) => needed.has(scope));
}
