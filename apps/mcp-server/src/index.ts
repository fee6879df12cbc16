export { createMcpApp, type McpApp, type McpAppOptions } from './app.ts';
export { MCP_SCOPES, TOOL_SCOPES, requiredScopesFor, type McpScope, type ToolName } from './scopes.ts';
export { EXPENSES_CONTAINER, openExpenseStore, type Expense, type ExpenseStore, type ListExpensesOptions, type NewExpense } from './expenses/expense-store.ts';
