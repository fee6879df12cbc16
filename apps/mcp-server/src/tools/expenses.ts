import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { currentUser, isToolResult, jsonResult, missingScope, toolError, type ToolDependencies } from './tool-context.ts';

/** Most expenses `list_expenses` returns at once. */
export const MAX_LIST_LIMIT = 100;
/** Default `limit` of `list_expenses`. */
export const DEFAULT_LIST_LIMIT = 50;
/** Longest expense description. */
export const MAX_DESCRIPTION_LENGTH = 200;
/** Largest amount accepted (guards against typos and float overflow). */
export const MAX_AMOUNT = 1_000_000_000;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD.');

/** True for a real calendar date in `YYYY-MM-DD` form (rejects 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * Registers `add_expense` and `delete_expense` (mcp:write) and `list_expenses` (mcp:read). The owner
 * is always the verified token's user (`tid:oid`), never an argument (A20).
 */
export function registerExpenseTools(server: McpServer, deps: ToolDependencies): void {
  const { expenses, logger } = deps;
  const storageError = (operation: string, err: unknown) => {
    logger.error({ err, operation }, 'expense storage failed');
    return toolError(`The expense could not be ${operation} because the storage is unavailable. Try again shortly.`);
  };

  server.registerTool(
    'add_expense',
    {
      title: 'Add expense',
      description: 'Records an expense for the signed-in user and returns it with its id.',
      inputSchema: {
        amount: z.number().positive().max(MAX_AMOUNT).describe('Amount spent, greater than 0.'),
        currency: z.string().regex(/^[A-Za-z]{3}$/, 'Use a 3-letter ISO 4217 code such as EUR or USD.').describe('ISO 4217 currency code, e.g. EUR.'),
        description: z.string().trim().min(1).max(MAX_DESCRIPTION_LENGTH).describe(`What it was for (at most ${MAX_DESCRIPTION_LENGTH} characters).`),
        date: isoDate.optional().describe('Day of the expense, YYYY-MM-DD; defaults to today (UTC).'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      const denied = missingScope(extra, 'mcp:write');
      if (denied) return denied;
      const user = currentUser(extra);
      if (isToolResult(user)) return user;
      const currency = args.currency.toUpperCase();
      if (!CURRENCIES.has(currency)) return toolError(`${currency} is not an ISO 4217 currency code this server knows. Use a code such as EUR, USD or GBP.`);
      const date = args.date ?? new Date().toISOString().slice(0, 10);
      if (!isCalendarDate(date)) return toolError(`${date} is not a calendar date. Use YYYY-MM-DD, e.g. 2026-11-24.`);
      try {
        const expense = await expenses.add(user.userKey, { amount: args.amount, currency, description: args.description, date });
        return jsonResult({ expense });
      } catch (err) {
        return storageError('saved', err);
      }
    },
  );

  server.registerTool(
    'list_expenses',
    {
      title: 'List expenses',
      description: `Lists the signed-in user's expenses, newest first, optionally between two dates (inclusive). At most ${MAX_LIST_LIMIT}.`,
      inputSchema: {
        from: isoDate.optional().describe('Earliest date, YYYY-MM-DD, inclusive.'),
        to: isoDate.optional().describe('Latest date, YYYY-MM-DD, inclusive.'),
        limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional().describe(`How many to return (1–${MAX_LIST_LIMIT}, default ${DEFAULT_LIST_LIMIT}).`),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args, extra) => {
      const denied = missingScope(extra, 'mcp:read');
      if (denied) return denied;
      const user = currentUser(extra);
      if (isToolResult(user)) return user;
      for (const [name, value] of [['from', args.from], ['to', args.to]] as const) {
        if (value !== undefined && !isCalendarDate(value)) return toolError(`${name} (${value}) is not a calendar date. Use YYYY-MM-DD.`);
      }
      if (args.from !== undefined && args.to !== undefined && args.from > args.to) {
        return toolError(`from (${args.from}) is after to (${args.to}); swap them.`);
      }
      try {
        const list = await expenses.list(user.userKey, {
          limit: args.limit ?? DEFAULT_LIST_LIMIT,
          ...(args.from !== undefined ? { from: args.from } : {}),
          ...(args.to !== undefined ? { to: args.to } : {}),
        });
        return jsonResult({ expenses: list, count: list.length });
      } catch (err) {
        return storageError('listed', err);
      }
    },
  );

  server.registerTool(
    'delete_expense',
    {
      title: 'Delete expense',
      description: 'Deletes one of the signed-in user\'s expenses by id.',
      inputSchema: { id: z.string().min(1).max(100).describe('The id returned by add_expense or list_expenses.') },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }, extra) => {
      const denied = missingScope(extra, 'mcp:write');
      if (denied) return denied;
      const user = currentUser(extra);
      if (isToolResult(user)) return user;
      const notFound = toolError(`No expense with id ${JSON.stringify(id)} was found among your expenses.`);
      // Ids are UUIDs; anything else (including characters Cosmos forbids in ids) cannot exist.
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return notFound;
      try {
        // Another user's id is in another partition: "not found", indistinguishable from a missing one.
        return (await expenses.remove(user.userKey, id.toLowerCase())) ? jsonResult({ deleted: true, id: id.toLowerCase() }) : notFound;
      } catch (err) {
        return storageError('deleted', err);
      }
    },
  );
}
