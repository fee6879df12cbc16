import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { errors, type default as Provider, type InteractionResults, type UnknownObject } from 'oidc-provider';
import {
  OAuthError,
  accountIdFor,
  coversScopes,
  describeClientIdentity,
  describeScopes,
  displayClientName,
  isOAuthError,
  isResourceScope,
  isSameRedirectTarget,
  parseScope,
  type AccountClaims,
  type AccountReader,
  type UpstreamIdp,
} from '@mcp-bridge/authz-core';
import type { Logger } from '@mcp-bridge/logger';
import { renderErrorPage, renderPage } from '../pages.ts';
import { readForm } from '../read-form.ts';
import { newUpstreamSecrets, type UpstreamLoginStore } from './upstream-login.ts';

/** The consent registry: what each user approved for each client (MCP AS11). */
export interface ConsentRegistry {
  find(accountId: string, clientId: string): Promise<{ scopes: string[]; resource: string; redirectUris: string[] } | undefined>;
  grant(accountId: string, clientId: string, scopes: string[], resource: string, redirectUri: string): Promise<unknown>;
}

/** Where signed-in users are recorded and read back. */
export interface AccountWriter extends AccountReader {
  upsert(account: AccountClaims): Promise<unknown>;
}

export interface InteractionRoutesOptions {
  provider: Provider;
  upstream: UpstreamIdp;
  upstreamLogins: UpstreamLoginStore;
  consents: ConsentRegistry;
  accounts: AccountWriter;
  /** The MCP resource URL; the default resource and the name shown on the consent page. */
  resourceUrl: string;
  /** Key for the consent form's CSRF token. */
  csrfKey: Buffer;
  /** Our issuer; its origin is the only one allowed to post the consent form. */
  issuer: string;
  /** Path of the upstream callback on our origin. */
  callbackPath: string;
  /** Metadata-document hosts whose clients the consent page shows as verified (`CIMD_TRUSTED_HOSTS`). */
  trustedMetadataHosts: readonly string[];
  /** Ids of the clients the operator configured (`PREREGISTERED_CLIENTS`). */
  preregisteredClientIds: ReadonlySet<string>;
  logger: Logger;
}


/**
 * The pages between /authorize and the code: consent (before anything is sent upstream, MCP AS11),
 * the hop to Entra and its callback. Everything else is oidc-provider's.
 */
export function interactionRoutes(options: InteractionRoutesOptions): Middleware {
  const { provider, upstream, upstreamLogins, consents, accounts, logger } = options;
  const log = logger.child({ pkg: 'interactions' });

  const csrfFor = (uid: string) => createHmac('sha256', options.csrfKey).update(`consent:${uid}`).digest('base64url');

  async function showInteraction(ctx: Context, uid: string): Promise<void> {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    const client = await provider.Client.find(String(details.params.client_id));
    if (!client) throw new errors.InvalidClient('client not found');
    const request = requestedAccess(details.params, options.resourceUrl);
    log.debug({ uid, prompt: details.prompt.name, reasons: details.prompt.reasons, promptDetails: details.prompt.details, clientId: client.clientId }, 'interaction');

    if (details.prompt.name === 'consent') {
      const accountId = details.session?.accountId;
      if (!accountId) throw new errors.SessionNotFound('no session for consent');
      const forcedConsent = parseScope(String(details.params.prompt ?? '')).includes('consent');
      const approved = await consents.find(accountId, client.clientId);
      const redirectUri = String(details.params.redirect_uri);
      if (
        !forcedConsent &&
        approved &&
        coversScopes(approved.scopes, request.scopes) &&
        approved.redirectUris.some((uri) => isSameRedirectTarget(uri, redirectUri))
      ) {
        // This user already approved this client, for these scopes and this redirect target: no page
        // (MCP AS11 is per client). A new redirect target is asked again: clients with a public
        // client_id (CIMD) share it with every app that can listen on its redirect URIs.
        const grantId = await saveGrant(provider, details, accountId, client.clientId, request);
        await finish(ctx, { consent: { grantId } });
        return;
      }
    } else if (details.prompt.name !== 'login') {
      throw new OAuthError('server_error', `unexpected prompt ${details.prompt.name}`);
    }

    const account = details.session?.accountId ? await lookupAccountLabel(accounts, details.session.accountId) : undefined;
    const redirectUri = String(details.params.redirect_uri);
    const identity = describeClientIdentity(
      {
        clientId: client.clientId,
        provenance: (client as { clientIdMetadataDocument?: boolean }).clientIdMetadataDocument
          ? 'metadata-document'
          : options.preregisteredClientIds.has(client.clientId)
            ? 'preconfigured'
            : 'registered',
        redirectUri,
        redirectUris: client.redirectUris ?? [],
      },
      options.trustedMetadataHosts,
    );
    const name = displayClientName(client.clientName);
    await renderPage(ctx, 'consent', {
      title: `Allow ${name ?? 'this application'}?`,
      clientName: name ?? 'An unnamed application',
      verifiedBy: identity.verifiedBy,
      publisher: identity.publisher,
      redirectHost: redirectHostOf(redirectUri),
      resource: options.resourceUrl,
      resourceName: new URL(options.resourceUrl).host,
      accountLabel: account,
      warnings: identity.warnings,
      scopes: describeScopes(request.scopes),
      action: `/interaction/${uid}/decision`,
      csrf: csrfFor(uid),
      upstreamName: upstream.displayName,
    });
  }

  async function decide(ctx: Context, uid: string): Promise<void> {
    assertSameOrigin(ctx, new URL(options.issuer).origin);
    const form = await readForm(ctx);
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    if (!constantTimeEqual(form.get('csrf') ?? '', csrfFor(uid))) {
      throw new OAuthError('invalid_request', 'the form was not submitted from the consent page', { status: 403 });
    }
    const decision = form.get('decision');
    if (decision === 'deny') {
      await finish(ctx, { error: 'access_denied', error_description: 'The user denied the request.' });
      return;
    }
    if (decision !== 'allow' && decision !== 'switch') throw new OAuthError('invalid_request', 'decision must be allow, deny or switch');

    const clientId = String(details.params.client_id);
    const request = requestedAccess(details.params, options.resourceUrl);

    if (decision === 'allow' && details.prompt.name === 'consent' && details.session?.accountId) {
      const accountId = details.session.accountId;
      await consents.grant(accountId, clientId, request.scopes, request.resource, String(details.params.redirect_uri));
      const grantId = await saveGrant(provider, details, accountId, clientId, request);
      await finish(ctx, { consent: { grantId } });
      return;
    }

    // Login needed: only now, after the person approved this client, is the upstream involved.
    const secrets = newUpstreamSecrets();
    const interactionSecondsLeft = details.exp - Math.floor(Date.now() / 1000);
    await upstreamLogins.save(
      secrets.state,
      {
        interactionUid: uid,
        clientId,
        // "Not you?" only changes who signs in: the new person gets the consent page for themselves.
        consented: decision === 'allow',
        nonce: secrets.nonce,
        codeVerifier: secrets.codeVerifier,
        approvedScopes: request.scopes,
        resource: request.resource,
        redirectUri: String(details.params.redirect_uri),
      },
      interactionSecondsLeft,
    );
    // "Not you?" lets the person pick another account; a client asking for a fresh sign-in
    // (prompt=login, max_age) gets one upstream too (OIDC Core §3.1.2.1).
    const forceLogin = details.prompt.reasons.some((reason) => reason === 'login_prompt' || reason === 'max_age');
    const prompt = decision === 'switch' ? ('select_account' as const) : forceLogin ? ('login' as const) : undefined;
    const url = await upstream.authorizationUrl({
      state: secrets.state,
      nonce: secrets.nonce,
      codeVerifier: secrets.codeVerifier,
      ...(prompt ? { prompt } : {}),
    });
    ctx.status = 303;
    ctx.redirect(url);
  }

  /**
   * The one fixed redirect URI registered at the upstream. The interaction cookie is scoped to
   * `/interaction/<uid>` (so that parallel sign-ins in two tabs stay apart), so this only finds the
   * interaction the state belongs to and hands the response on to it.
   */
  async function callback(ctx: Context): Promise<void> {
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
    if (!state) throw new OAuthError('invalid_request', 'the sign-in response has no state');
    const interactionUid = await upstreamLogins.interactionOf(state);
    if (!interactionUid) throw new errors.SessionNotFound('unknown, used or expired upstream state');
    ctx.status = 303;
    ctx.redirect(`/interaction/${interactionUid}/upstream?${ctx.querystring}`);
  }

  async function upstreamResponse(ctx: Context, uid: string): Promise<void> {
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
    if (!state) throw new OAuthError('invalid_request', 'the sign-in response has no state');
    const login = await upstreamLogins.take(state);
    if (!login || login.interactionUid !== uid) throw new errors.SessionNotFound('unknown, used, expired or foreign upstream state');
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) throw new errors.SessionNotFound('the sign-in came back to another browser session');

    // From here the client and its redirect URI are validated and the person has interacted: upstream
    // failures go back to the client as OAuth errors (with `iss` and its `state`), not only to this page.
    let identity;
    try {
      if (typeof ctx.query.error === 'string') {
        throw upstream.describeCallbackError({
          error: ctx.query.error,
          ...(typeof ctx.query.error_description === 'string' ? { error_description: ctx.query.error_description } : {}),
        });
      }
      const code = typeof ctx.query.code === 'string' ? ctx.query.code : undefined;
      if (!code) throw new OAuthError('invalid_request', 'the sign-in response has no code');
      identity = await upstream.redeem({ code, state, nonce: login.nonce, codeVerifier: login.codeVerifier });
    } catch (error) {
      if (!isOAuthError(error)) throw error;
      if (error.status >= 500) log.error({ err: error }, 'upstream sign-in failed');
      else log.warn({ error: error.code, detail: error.description }, 'upstream sign-in refused');
      const clientCode = error.code === 'temporarily_unavailable' ? 'temporarily_unavailable' : error.code === 'server_error' ? 'server_error' : 'access_denied';
      await finish(ctx, { error: clientCode, error_description: `Sign-in at ${upstream.displayName} did not complete: ${error.description}` });
      return;
    }

    const accountId = accountIdFor(identity);
    await accounts.upsert({
      accountId,
      tenantId: identity.tenantId,
      objectId: identity.objectId,
      ...(identity.name ? { name: identity.name } : {}),
      ...(identity.username ? { username: identity.username } : {}),
      ...(identity.email ? { email: identity.email } : {}),
    });
    if (!login.consented) {
      log.info({ accountId, clientId: login.clientId }, 'user signed in upstream with another account');
      await finish(ctx, { login: { accountId } });
      return;
    }
    // The person approved this client on the consent page before signing in.
    await consents.grant(accountId, login.clientId, login.approvedScopes, login.resource, login.redirectUri);
    const grantId = await saveGrant(provider, details, accountId, login.clientId, {
      scopes: login.approvedScopes,
      resource: login.resource,
    });
    log.info({ accountId, clientId: login.clientId }, 'user signed in upstream and approved client');
    await finish(ctx, { login: { accountId }, consent: { grantId } });
  }

  async function finish(ctx: Context, result: InteractionResults): Promise<void> {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  return async function interactions(ctx: Context, next: Next) {
    const match = /^\/interaction\/([\w-]{1,64})(\/decision|\/upstream)?$/.exec(ctx.path);
    try {
      if (match && !match[2] && ctx.method === 'GET') return await noStore(ctx, () => showInteraction(ctx, match[1]!));
      if (match && match[2] === '/decision' && ctx.method === 'POST') return await noStore(ctx, () => decide(ctx, match[1]!));
      if (match && match[2] === '/upstream' && ctx.method === 'GET') return await noStore(ctx, () => upstreamResponse(ctx, match[1]!));
      if (ctx.path === options.callbackPath && ctx.method === 'GET') return await noStore(ctx, () => callback(ctx));
    } catch (error) {
      return renderInteractionError(ctx, error, log, upstream.displayName);
    }
    return next();
  };
}

async function noStore(ctx: Context, handler: () => Promise<void>): Promise<void> {
  ctx.set('Cache-Control', 'no-store');
  await handler();
}

interface RequestedAccess {
  /** Supported scopes requested (OpenID + resource), after the default-scope policy. */
  scopes: string[];
  resource: string;
}

function requestedAccess(params: UnknownObject, resourceUrl: string): RequestedAccess {
  const scopes = parseScope(typeof params.scope === 'string' ? params.scope : '').filter(
    (scope) => isResourceScope(scope) || scope === 'openid' || scope === 'offline_access',
  );
  const resource = typeof params.resource === 'string' ? params.resource : resourceUrl;
  return { scopes, resource };
}

async function saveGrant(
  provider: Provider,
  details: Awaited<ReturnType<Provider['interactionDetails']>>,
  accountId: string,
  clientId: string,
  request: RequestedAccess,
): Promise<string> {
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant =
    existing && existing.accountId === accountId && existing.clientId === clientId
      ? existing
      : new provider.Grant({ accountId, clientId });
  // The MCP scopes are also in oidc-provider's `scopes` (so that discovery lists them and DCR accepts
  // them), which makes the provider expect them among the grant's OpenID scopes as well as under the
  // resource: grant them in both places.
  if (request.scopes.length) grant.addOIDCScope(request.scopes.join(' '));
  const resourceScopes = request.scopes.filter(isResourceScope);
  if (resourceScopes.length) grant.addResourceScope(request.resource, resourceScopes.join(' '));
  return grant.save();
}

async function lookupAccountLabel(accounts: AccountReader, accountId: string): Promise<string | undefined> {
  const account = await accounts.find(accountId);
  if (!account) return undefined;
  const { name, username } = account;
  return name && username ? `${name} (${username})` : (name ?? username);
}

function redirectHostOf(redirectUri: string): string {
  const url = URL.parse(redirectUri);
  if (!url) return redirectUri;
  return url.host || `${url.protocol}//`;
}

/**
 * Cross-site form posts are refused (attack catalogue A22); SameSite=Lax cookies and the CSRF token are
 * further lines. `Sec-Fetch-Site` decides where browsers send it; otherwise `Origin` must be ours.
 */
function assertSameOrigin(ctx: Context, ownOrigin: string): void {
  const site = ctx.get('sec-fetch-site');
  const origin = ctx.get('origin');
  // Koa's ctx.origin echoes the request's Origin header, so compare with the issuer's origin. Our pages
  // send same-origin referrers, so browsers give our origin here; `null` is accepted only when
  // Sec-Fetch-Site vouches for the request.
  const siteAllowed = !site || site === 'same-origin' || site === 'none';
  const originAllowed = !origin || origin === ownOrigin || (origin === 'null' && (site === 'same-origin' || site === 'none'));
  if (!siteAllowed || !originAllowed) throw new OAuthError('invalid_request', 'cross-site form submission refused', { status: 403 });
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function renderInteractionError(ctx: Context, error: unknown, log: Logger, upstreamName: string): Promise<void> {
  let code = 'server_error';
  let status = 500;
  let description: string | undefined;
  if (error instanceof errors.SessionNotFound || (error instanceof errors.InvalidRequest && /interaction/i.test(String(error.message)))) {
    code = 'session_expired';
    status = 400;
  } else if (error instanceof errors.OIDCProviderError) {
    code = error.error;
    status = error.status;
    description = error.error_description;
  } else if (isOAuthError(error)) {
    code = error.code;
    status = error.status;
    description = error.description;
  }
  if (status >= 500) log.error({ err: error }, 'interaction failed');
  else log.info({ error: code, detail: (error as Error).message }, 'interaction refused');
  await renderErrorPage(ctx, { status, code, description, upstreamName });
}
