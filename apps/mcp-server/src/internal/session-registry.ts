import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** Sessions idle longer than this are closed (the client re-initializes on the 404 it then gets). */
export const SESSION_IDLE_TIMEOUT_SECONDS = 60 * 60;
/** Open sessions one owner may hold; opening one more closes that owner's least recently used. */
export const MAX_SESSIONS_PER_OWNER = 32;

/** One streamable HTTP session, bound to the owner who initialized it (RS8). */
export interface McpSession {
  id: string;
  /** `user:<tid>:<oid>` (or `client:…` for user-less tokens); every request must match. */
  owner: string;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeenMs: number;
}

/** In-memory sessions of this process, with idle expiry and a per-owner cap. */
export class SessionRegistry {
  readonly #sessions = new Map<string, McpSession>();

  /** Number of open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session `id` if it exists AND belongs to `owner`; otherwise `undefined` (the two are indistinguishable). */
  lookup(id: string, owner: string): McpSession | undefined {
    const session = this.#sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeenMs = Date.now();
    return session;
  }

  /** True when a session `id` exists under another owner (for audit logging only). */
  isOwnedByAnother(id: string, owner: string): boolean {
    const session = this.#sessions.get(id);
    return session !== undefined && session.owner !== owner;
  }

  add(session: McpSession): void {
    this.#sessions.set(session.id, session);
    const owned = [...this.#sessions.values()].filter((s) => s.owner === session.owner);
    if (owned.length > MAX_SESSIONS_PER_OWNER) {
      owned.sort((a, b) => a.lastSeenMs - b.lastSeenMs);
      for (const stale of owned.slice(0, owned.length - MAX_SESSIONS_PER_OWNER)) void this.close(stale.id);
    }
  }

  /** Forgets a session (its transport already closed). */
  delete(id: string): void {
    this.#sessions.delete(id);
  }

  /** Closes and forgets a session. */
  async close(id: string): Promise<void> {
    const session = this.#sessions.get(id);
    if (!session) return;
    this.#sessions.delete(id);
    await session.transport.close().catch(() => undefined);
    await session.server.close().catch(() => undefined);
  }

  /** Closes sessions idle for longer than `idleMs`. */
  async sweep(idleMs = SESSION_IDLE_TIMEOUT_SECONDS * 1000): Promise<void> {
    const cutoff = Date.now() - idleMs;
    const idle = [...this.#sessions.values()].filter((s) => s.lastSeenMs < cutoff);
    await Promise.all(idle.map((s) => this.close(s.id)));
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.close(id)));
  }
}
