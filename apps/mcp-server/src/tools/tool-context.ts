import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@mcp-bridge/logger';
import type { ExpenseStore } from '../expenses/expense-store.ts';
import { userOf, type McpUser } from '../internal/user.ts';
import type { McpScope } from '../scopes.ts';

/** What a tool handler receives from the SDK besides its arguments. */
export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Dependencies shared by the tools. */
export interface ToolDependencies {
  expenses: ExpenseStore;
  logger: Logger;
}

/** A successful tool result: the value as JSON text and as `structuredContent`. */
export function jsonResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

/** A tool error (`isError: true`) with a message the caller can act on. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Defence in depth behind the HTTP-level 403: the tool refuses when the token lacks its scope.
 * Returns an error result, or `undefined` when the scope is granted.
 */
export function missingScope(extra: ToolExtra, scope: McpScope): CallToolResult | undefined {
  return extra.authInfo?.scopes.includes(scope)
    ? undefined
    : toolError(`This tool needs the ${scope} scope, which the access token was not granted. Authorize again with ${scope}.`);
}

/** The signed-in user of the request, or an error result for tokens that name no user (A20). */
export function currentUser(extra: ToolExtra): McpUser | CallToolResult {
  return userOf(extra.authInfo) ?? toolError(
    'This access token does not identify a user (no tid/oid claims), so it has no expenses. Sign in as a user to use this tool.',
  );
}

/** Type guard separating {@link currentUser}'s error result from a user. */
export function isToolResult(value: McpUser | CallToolResult): value is CallToolResult {
  return 'content' in value;
}
