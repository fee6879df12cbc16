import type { Context } from 'koa';
import { OAuthError } from '@mcp-bridge/authz-core';

/** Forms on our pages are tiny; anything bigger is not ours. */
const MAX_FORM_BYTES = 8 * 1024;

/** Reads an `application/x-www-form-urlencoded` body of at most 8 KiB. */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new OAuthError('invalid_request', 'expected a form submission (application/x-www-form-urlencoded)');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new OAuthError('invalid_request', 'form body too large', { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
