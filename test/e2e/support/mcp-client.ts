import { randomBytes } from 'node:crypto';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { Browser, parseConsentForm, parseSignInForm } from './browser.ts';

/**
 * The MCP SDK's `OAuthClientProvider`, kept in memory as a real client keeps it on disk. The
 * "open the browser" step records the URL; the test's scripted browser takes it from there.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl: string;
  readonly clientMetadata: OAuthClientMetadata;
  /** A Client ID Metadata Document URL: the SDK then uses it as `client_id` when the server supports CIMD. */
  readonly clientMetadataUrl?: string;
  authorizationUrl?: URL;
  lastState?: string;
  #client?: OAuthClientInformationMixed;
  #tokens?: OAuthTokens;
  #verifier?: string;

  constructor(options: { clientName: string; redirectUrl?: string; clientMetadataUrl?: string }) {
    this.redirectUrl = options.redirectUrl ?? 'http://127.0.0.1:43117/callback';
    if (options.clientMetadataUrl) this.clientMetadataUrl = options.clientMetadataUrl;
    this.clientMetadata = {
      client_name: options.clientName,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  state(): string {
    this.lastState = randomBytes(16).toString('base64url');
    return this.lastState;
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.#client = info;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    if (!this.#verifier) throw new Error('no code verifier saved');
    return this.#verifier;
  }
}

/** A person at the browser: who signs in at the dev Entra, and what they click on the consent page. */
export interface Person {
  username: string;
  decision?: 'allow' | 'deny' | 'switch';
}

/**
 * Drives the browser from the authorization URL to the redirect back to the client: our consent
 * page (when shown), the dev Entra sign-in form, the callback, and oidc-provider's resume.
 * Returns the redirect the client's loopback listener would receive and whether consent was shown.
 */
export async function completeInBrowser(
  browser: Browser,
  authorizationUrl: URL,
  redirectUrl: string,
  person: Person,
): Promise<{ redirect: URL; consentShown: boolean; signInShown: boolean }> {
  let consentShown = false;
  let signInShown = false;
  let step = await browser.follow(authorizationUrl.href, redirectUrl);
  for (let pages = 0; pages < 5 && !step.redirect; pages += 1) {
    const page = step.page!;
    const html = await page.text();
    if (page.status !== 200) throw new Error(`page ${page.url} answered ${page.status}:\n${html.replace(/[\s\S]*<main>/, '').slice(0, 800)}`);
    if (html.includes('name="csrf"')) {
      consentShown = true;
      const form = parseConsentForm(html);
      // "switch" is clicked once; the person who then signs in sees the page for themselves and allows.
      const decision = person.decision === 'switch' && signInShown ? 'allow' : (person.decision ?? 'allow');
      step = await browser.follow(new URL(form.action, page.url).href, redirectUrl, {
        form: { csrf: form.csrf, decision },
      });
    } else if (html.includes('name="username"')) {
      signInShown = true;
      const form = parseSignInForm(html, page.url);
      step = await browser.follow(form.action, redirectUrl, { form: { ...form.fields, username: person.username } });
    } else if (/<form[^>]*method="post"/i.test(html) && /document\.forms\[0\]\.submit|onload/i.test(html)) {
      // An auto-submitting form (oidc-provider's logout confirmation when the account changes).
      const form = parseSignInForm(html.replace(/type="hidden"/g, 'type="hidden"'), page.url);
      step = await browser.follow(form.action, redirectUrl, { form: form.fields });
    } else {
      throw new Error(`unexpected page ${page.url}:\n${html.slice(0, 800)}`);
    }
  }
  if (!step.redirect) throw new Error('the flow did not come back to the client');
  return { redirect: step.redirect, consentShown, signInShown };
}

/**
 * The full MCP client sign-in with the SDK's own `auth()`: discovery (RFC 9728 → RFC 8414), dynamic
 * registration, PKCE authorization in the scripted browser, and the code exchange.
 */
export async function signIn(options: {
  resourceUrl: string;
  provider: MemoryOAuthProvider;
  browser: Browser;
  person: Person;
}): Promise<{ consentShown: boolean; signInShown: boolean }> {
  const { provider, browser, resourceUrl } = options;
  const first = await auth(provider, { serverUrl: resourceUrl });
  if (first === 'AUTHORIZED') return { consentShown: false, signInShown: false };
  if (!provider.authorizationUrl) throw new Error('auth() asked for a redirect but gave no URL');
  const outcome = await completeInBrowser(browser, provider.authorizationUrl, provider.redirectUrl, options.person);
  const code = outcome.redirect.searchParams.get('code');
  if (!code) throw new Error(`no code in redirect: ${outcome.redirect.href}`);
  const second = await auth(provider, { serverUrl: resourceUrl, authorizationCode: code });
  if (second !== 'AUTHORIZED') throw new Error(`code exchange ended in ${second}`);
  return { consentShown: outcome.consentShown, signInShown: outcome.signInShown };
}

/** An MCP client connected over streamable HTTP with the provider's tokens. */
export async function connect(resourceUrl: string, provider: MemoryOAuthProvider): Promise<Client> {
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(resourceUrl), { authProvider: provider }));
  return client;
}

/** The JSON a tool returned as its first text content. */
export function toolJson(result: unknown): unknown {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  const text = content.find((item) => item.type === 'text')?.text;
  if (text === undefined) throw new Error(`tool returned no text: ${JSON.stringify(result)}`);
  return JSON.parse(text);
}
