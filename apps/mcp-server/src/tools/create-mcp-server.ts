import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerExpenseTools } from './expenses.ts';
import { registerReverseText } from './reverse-text.ts';
import type { ToolDependencies } from './tool-context.ts';
import { registerWhoami } from './whoami.ts';

/** Name and version this server reports in `initialize`. */
export const SERVER_INFO = { name: 'mcp-bridge-expenses', version: '0.0.0' } as const;

/** A fresh MCP server with every tool registered; one per session (the SDK binds a server to one transport). */
export function createMcpServer(deps: ToolDependencies): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: 'Expense tracker for the signed-in Microsoft Entra user: whoami, add_expense, list_expenses, delete_expense, reverse_text.',
  });
  registerWhoami(server);
  registerExpenseTools(server, deps);
  registerReverseText(server);
  return server;
}
