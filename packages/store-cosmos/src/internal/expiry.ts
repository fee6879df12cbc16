/** When a stored document stops being visible, and the matching Cosmos `ttl`. */
export interface Expiry {
  /** Epoch milliseconds after which reads treat the document as absent. */
  expiresAt: number;
  /** Cosmos per-item TTL in whole seconds (≥ 1), counted from the write. */
  ttl: number;
}

/**
 * Expiry of a document written at `nowMs` that should live `expiresInSeconds` (plus a clock
 * tolerance); `undefined` when the document does not expire.
 *
 * @example
 * expiryFor(1_000, 60, 0); // { expiresAt: 61_000, ttl: 60 }
 */
export function expiryFor(nowMs: number, expiresInSeconds: number | undefined, toleranceSeconds: number): Expiry | undefined {
  if (typeof expiresInSeconds !== 'number' || !Number.isFinite(expiresInSeconds)) return undefined;
  const expiresAt = nowMs + (expiresInSeconds + toleranceSeconds) * 1000;
  return { expiresAt, ttl: ttlUntil(expiresAt, nowMs) };
}

/**
 * Cosmos `ttl` (seconds, ≥ 1) for a document rewritten at `nowMs` that must expire at `expiresAt`.
 * Cosmos counts `ttl` from the last write (`_ts`), so every replace must recompute it.
 *
 * @example
 * ttlUntil(61_000, 31_000); // 30
 */
export function ttlUntil(expiresAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil((expiresAt - nowMs) / 1000));
}

/**
 * Whether a document with this `expiresAt` is gone at `nowMs`. Checked on every read: the local
 * Cosmos-compatible server never applies TTL, and real Cosmos deletes lazily.
 *
 * @example
 * isExpired(61_000, 61_000); // true
 */
export function isExpired(expiresAt: number | null | undefined, nowMs: number): boolean {
  return typeof expiresAt === 'number' && expiresAt <= nowMs;
}
