import type { Context } from 'koa';
import { OAuthError } from '@mcp-bridge/authz-core';

/** Forms on our pages are tiny; anything bigger is not ours. */
const MAX_FORM_BYTES = 8 * 1024;

/** Reads a request body of at most `limitBytes` as UTF-8; a larger one is refused with 413. */
export async function readBody(stream: AsyncIterable<Buffer>, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limitBytes) throw new OAuthError('invalid_request', 'request body too large', { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads an `application/x-www-form-urlencoded` body of at most 8 KiB. */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'expected a form submission (application/x-www-form-urlencoded)');
  }
  return new URLSearchParams(await readBody(ctx.req, MAX_FORM_BYTES));
}
