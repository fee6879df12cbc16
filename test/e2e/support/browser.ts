import { Agent, fetch, type Response } from 'undici';

/**
 * A scripted browser for the sign-in flow: one cookie jar per host, redirects followed by hand so
 * every hop can be inspected, and trust for the dev Entra CA. Stops at a redirect to `stopAt`
 * (the client's redirect URI), like the client's loopback listener would receive it.
 */
export class Browser {
  readonly #cookies = new Map<string, Map<string, string>>();
  readonly #dispatcher: Agent;
  /** Every URL the browser loaded, in order (for assertions on the path taken). */
  readonly visited: string[] = [];

  constructor(options: { caCertPem?: string } = {}) {
    this.#dispatcher = new Agent({ connect: options.caCertPem ? { ca: options.caCertPem } : {} });
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const jar = this.#cookies.get(target.host);
    if (jar?.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin ??= target.origin;
      headers['sec-fetch-site'] ??= 'same-origin';
    }
    this.visited.push(url);
    const response = await fetch(target, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual', dispatcher: this.#dispatcher });
    this.#store(target.host, response.headers.getSetCookie());
    return response;
  }

  /** Follows redirects from `url` until a page (non-3xx) or a redirect to `stopAt`. */
  async follow(url: string, stopAt: string, init: { form?: Record<string, string> } = {}): Promise<{ page?: Response; redirect?: URL }> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 20; hops += 1) {
      if (response.status < 300 || response.status >= 400) return { page: response };
      const location = response.headers.get('location');
      if (!location) throw new Error(`redirect without Location from ${url}`);
      const next = new URL(location, response.url || url);
      await response.body?.cancel();
      if (next.href.startsWith(stopAt)) return { redirect: next };
      url = next.href;
      response = await this.request(url);
    }
    throw new Error('too many redirects');
  }

  #store(host: string, setCookies: string[]): void {
    let jar = this.#cookies.get(host);
    if (!jar) this.#cookies.set(host, (jar = new Map()));
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute) || /^\s*max-age=0\b/i.test(attribute));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}

/** Reads the consent form (action + CSRF token) out of the consent page HTML. */
export function parseConsentForm(html: string): { action: string; csrf: string } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new Error(`no consent form in page:\n${html.slice(0, 500)}`);
  return { action: decodeEntities(action), csrf: decodeEntities(csrf) };
}

/** Reads the dev Entra sign-in form: its action and hidden fields. */
export function parseSignInForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no sign-in form in page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const type = /type="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name && type === 'hidden') fields[name] = decodeEntities(value);
  }
  return { action: new URL(decodeEntities(form[1]!), pageUrl).href, fields };
}

function decodeEntities(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
