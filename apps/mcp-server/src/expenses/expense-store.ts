import { randomUUID } from 'node:crypto';
import type { Container, Database } from '@azure/cosmos';

/** Cosmos container holding every user's expenses, partitioned by `/userKey`. */
export const EXPENSES_CONTAINER = 'expenses';

/** An expense as tools return it. */
export interface Expense {
  id: string;
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
  description: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** ISO 8601 timestamp of creation. */
  createdAt: string;
}

/** An expense to store. */
export type NewExpense = Pick<Expense, 'amount' | 'currency' | 'description' | 'date'>;

/** Filters of {@link ExpenseStore.list}. */
export interface ListExpensesOptions {
  /** Earliest `date`, inclusive. */
  from?: string;
  /** Latest `date`, inclusive. */
  to?: string;
  /** Maximum number of expenses. */
  limit: number;
}

/**
 * Per-user expense storage. Every operation takes the `userKey` of the verified token; a user can
 * never reach another partition, and another user's id is simply "not found" (A20).
 */
export interface ExpenseStore {
  /** Stores a new expense with a random UUID id. */
  add(userKey: string, expense: NewExpense): Promise<Expense>;
  /** The user's expenses, newest `date` first (then newest created). */
  list(userKey: string, options: ListExpensesOptions): Promise<Expense[]>;
  /** Deletes by id within the user's partition; `false` when no such expense is the user's. */
  remove(userKey: string, id: string): Promise<boolean>;
}

interface ExpenseDocument extends Expense {
  userKey: string;
  /** `${date}|${createdAt}|${id}`: one sortable property, so ordering needs no composite index. */
  sortKey: string;
}

/**
 * Opens (creating if needed) the `expenses` container and returns the store. Reads and deletes are
 * point operations by id + partition key; listing is a single-partition query with the key in WHERE
 * (the embedded server ignores the `partitionKey` option; real Cosmos uses it to target one partition).
 *
 * @example
 * const store = await openExpenseStore(database);
 * await store.add('tid:oid', { amount: 12.5, currency: 'EUR', description: 'Lunch', date: '2026-11-24' });
 */
export async function openExpenseStore(database: Database): Promise<ExpenseStore> {
  const { container } = await database.containers.createIfNotExists({
    id: EXPENSES_CONTAINER,
    partitionKey: { paths: ['/userKey'] },
  });
  return new CosmosExpenseStore(container);
}

class CosmosExpenseStore implements ExpenseStore {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  async add(userKey: string, expense: NewExpense): Promise<Expense> {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    const document: ExpenseDocument = {
      id,
      userKey,
      amount: expense.amount,
      currency: expense.currency,
      description: expense.description,
      date: expense.date,
      createdAt,
      sortKey: `${expense.date}|${createdAt}|${id}`,
    };
    await this.#container.items.create(document);
    return toExpense(document);
  }

  async list(userKey: string, options: ListExpensesOptions): Promise<Expense[]> {
    const conditions = ['c.userKey = @userKey'];
    const parameters: { name: string; value: string | number }[] = [
      { name: '@userKey', value: userKey },
      { name: '@limit', value: options.limit },
    ];
    if (options.from !== undefined) {
      conditions.push('c.date >= @from');
      parameters.push({ name: '@from', value: options.from });
    }
    if (options.to !== undefined) {
      conditions.push('c.date <= @to');
      parameters.push({ name: '@to', value: options.to });
    }
    const { resources } = await this.#container.items
      .query<ExpenseDocument>(
        {
          query: `SELECT TOP @limit * FROM c WHERE ${conditions.join(' AND ')} ORDER BY c.sortKey DESC`,
          parameters,
        },
        { partitionKey: userKey },
      )
      .fetchAll();
    // The key is in WHERE already; filter again so a store that ignored it could never leak a row.
    return resources.filter((doc) => doc.userKey === userKey).map(toExpense);
  }

  async remove(userKey: string, id: string): Promise<boolean> {
    try {
      await this.#container.item(id, userKey).delete();
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 404) return false;
      throw err;
    }
  }
}

function toExpense(doc: ExpenseDocument): Expense {
  return {
    id: doc.id,
    amount: doc.amount,
    currency: doc.currency,
    description: doc.description,
    date: doc.date,
    createdAt: doc.createdAt,
  };
}
