import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Context } from 'koa';

const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));

/**
 * Renders one of our pages with a per-response CSP nonce. Pages may not be framed
 * (MCP AS11 `frame-ancestors 'none'`; attack catalogue A23) and load nothing from elsewhere.
 */
export async function renderPage(ctx: Context, view: 'consent' | 'error', data: Record<string, unknown>): Promise<void> {
  const nonce = randomBytes(16).toString('base64');
  const html = await ejs.renderFile(`${VIEWS_DIR}${view}.ejs`, { ...data, nonce }, { async: true, root: VIEWS_DIR, cache: true });
  ctx.set('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'`);
  ctx.set('Cache-Control', 'no-store');
  // Same-origin referrers only: the consent form's POST then carries our Origin (with no-referrer,
  // browsers send `Origin: null`), and nothing leaks to other sites.
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.type = 'html';
  ctx.body = html;
}

/** What a person reads for an error code: what happened and what to do next. */
export interface ErrorPageText {
  heading: string;
  explanation: string;
  advice: string;
}

const TEXTS: Record<string, ErrorPageText> = {
  invalid_client: {
    heading: 'This application is not known here',
    explanation: 'The application that sent you here is not registered with this sign-in service, or its registration has expired.',
    advice:
      'Remove the MCP server from the application and add it again, so that it registers anew (some applications keep an old registration until you do; the MCP Inspector needs --relogin). If you typed a client id, ask your administrator whether it is configured here.',
  },
  invalid_redirect_uri: {
    heading: 'This application asked to send you somewhere it did not register',
    explanation: 'For your safety, sign-in stops here instead of sending you to an address the application never registered.',
    advice: 'Go back to the application and try again. If it keeps happening, tell the application’s publisher.',
  },
  invalid_request: {
    heading: 'The sign-in request was not valid',
    explanation: 'The application sent a sign-in request this service cannot accept.',
    advice: 'Go back to the application and try connecting again.',
  },
  session_expired: {
    heading: 'This sign-in has expired',
    explanation: 'The sign-in page was open too long, was already used, or was opened in a different browser than the one that started it.',
    advice: 'Go back to the application and start the sign-in again.',
  },
  access_denied: {
    heading: 'Sign-in was cancelled',
    explanation: 'The sign-in did not complete, so the application was not given access.',
    advice: 'Go back to the application and start again if you want to connect it.',
  },
  temporarily_unavailable: {
    heading: 'Sign-in is temporarily unavailable',
    explanation: 'The sign-in service or the identity provider behind it did not answer in time.',
    advice: 'Wait a minute, then go back to the application and try again.',
  },
  server_error: {
    heading: 'Something went wrong on our side',
    explanation: 'The sign-in service could not complete your request.',
    advice: 'Try again in a few minutes. If it keeps happening, give the reference below to your administrator.',
  },
};

/** An application identified by the web address of its metadata document (CIMD) that could not be read. */
const METADATA_DOCUMENT_TEXT: ErrorPageText = {
  heading: 'This application’s description could not be read',
  explanation: 'The application identifies itself by a web address. This sign-in service could not fetch a valid description of the application from there, or its administrator does not accept applications from that address.',
  advice: 'Try again in a minute. If it keeps happening, give the reference below to your administrator: the sign-in service may not be allowed to reach that address.',
};

/** The page text for `code`, falling back to a generic text; `description` refines the explanation. */
export function errorPageText(code: string, description?: string): ErrorPageText {
  const aboutMetadataDocument = code.startsWith('invalid_client') && /metadata document/.test(description ?? '');
  const base = aboutMetadataDocument ? METADATA_DOCUMENT_TEXT : (TEXTS[code] ?? TEXTS.invalid_request!);
  return description ? { ...base, explanation: `${base.explanation} (${description})` } : base;
}

/**
 * Renders the error page for a person at the browser: what happened, what to do, a reference.
 * `description` is shown only for client errors; a server error's detail stays in the logs.
 */
export async function renderErrorPage(
  ctx: Context,
  options: { status: number; code: string; description?: string | undefined; upstreamName: string },
): Promise<void> {
  ctx.status = options.status;
  await renderPage(ctx, 'error', {
    title: 'Sign-in problem',
    ...errorPageText(options.code, options.status >= 500 ? undefined : options.description),
    code: options.code,
    requestId: ctx.state.requestId as string | undefined,
    upstreamName: options.upstreamName,
  });
}
