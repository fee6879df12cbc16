/**
 * An in-memory map whose entries disappear `retainMs` after their own `expiresAt`.
 * Entries are kept a while past expiry so the simulator can tell "expired" (AADSTS70008)
 * from "never issued".
 */
export class ExpiringMap<V extends { expiresAt: number }> {
  readonly #entries = new Map<string, V>();
  readonly #retainMs: number;
  readonly #now: () => number;

  constructor(now: () => number, retainMs = 0) {
    this.#now = now;
    this.#retainMs = retainMs;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && value.expiresAt + this.#retainMs <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#sweep();
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, value] of this.#entries) {
      if (value.expiresAt + this.#retainMs <= now) this.#entries.delete(key);
    }
  }
}
