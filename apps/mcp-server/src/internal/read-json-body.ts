import type { IncomingMessage } from 'node:http';

/** Upper bound on a POST body, as the SDK transport's own default (4 MiB). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Outcome of {@link readJsonBody}. */
export type JsonBodyResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'too_large' | 'invalid_json' };

/** Reads and parses a JSON request body, refusing more than `limit` bytes without buffering them. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<JsonBodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return { ok: false, reason: 'too_large' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
}
