import { request } from 'node:https';

/** Options of {@link signInWithSimulator}. */
export interface SignInWithSimulatorOptions {
  /** The authorize URL a client built (e.g. `UpstreamIdp.authorizationUrl()`). */
  authorizeUrl: string;
  /** Who signs in. */
  username: string;
  /** The simulator's CA (`EntraSimulator.caCertPem`). */
  caCertPem: string;
  /** `cancel` presses Cancel instead of Next (Entra answers `access_denied`, AADSTS65004). */
  action?: 'signin' | 'cancel';
}

interface RawResponse {
  status: number;
  location: string | undefined;
  body: string;
}

function send(url: string, caCertPem: string, form?: URLSearchParams): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = form?.toString();
    const req = request(
      url,
      {
        method: form ? 'POST' : 'GET',
        ca: caCertPem,
        headers: form ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body ?? '') } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function field(html: string, pattern: RegExp, what: string): string {
  const value = pattern.exec(html)?.[1];
  if (value === undefined) throw new Error(`entra-simulator sign-in page has no ${what}`);
  return value.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>');
}

function pageError(html: string): string {
  return field(html, /id="(?:errorDescription|usernameError)"[^>]*>([^<]*)</, 'error message');
}

/**
 * Drives the simulator's sign-in page like a browser without cookies: opens the authorize URL,
 * submits `username` and returns where Entra sends the browser back (the client's redirect URI with
 * `code` and `state`, or with `error`). Throws when the simulator shows an error page or rejects
 * the username. For tests and scripted demos.
 *
 * @example
 * const callback = await signInWithSimulator({ authorizeUrl, username: 'alice@contoso.dev', caCertPem: sim.caCertPem });
 * const code = callback.searchParams.get('code');
 */
export async function signInWithSimulator(options: SignInWithSimulatorOptions): Promise<URL> {
  const page = await send(options.authorizeUrl, options.caCertPem);
  if (page.status === 302 && page.location !== undefined) return new URL(page.location);
  if (page.status !== 200) throw new Error(`entra-simulator refused the authorize request (${page.status}): ${pageError(page.body)}`);
  const action = field(page.body, /<form method="post" action="([^"]+)"/, 'form');
  const requestId = field(page.body, /name="request_id" value="([^"]+)"/, 'request id');
  const form = new URLSearchParams({ request_id: requestId, username: options.username, action: options.action ?? 'signin' });
  const answer = await send(new URL(action, options.authorizeUrl).toString(), options.caCertPem, form);
  if (answer.status === 302 && answer.location !== undefined) return new URL(answer.location);
  throw new Error(`entra-simulator did not sign in '${options.username}' (${answer.status}): ${pageError(answer.body)}`);
}
