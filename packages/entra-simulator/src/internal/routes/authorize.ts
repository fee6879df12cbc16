import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import {
  AUTHORIZATION_CODE_TTL_SECONDS,
  PENDING_SIGN_IN_TTL_SECONDS,
  SSO_SESSION_TTL_SECONDS,
} from '../defaults.ts';
import { aadsts, errorDescription, EntraError, traceIds } from '../entra-error.ts';
import { readForm } from '../http.ts';
import { parseScope } from '../scopes.ts';
import {
  checkTenant,
  findUser,
  opaqueId,
  SSO_COOKIE,
  type AuthorizationParams,
  type SimulatedUser,
  type SimulatorState,
} from '../simulator-state.ts';
import { renderErrorPage, renderFormPost, renderSignedOutPage, renderSignInPage } from '../views.ts';

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);
const RESPONSE_MODES = new Set(['query', 'fragment', 'form_post']);
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** The unknown-user message of Entra's sign-in page. */
export const UNKNOWN_USER_MESSAGE =
  "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.";

function traceFor(ctx: Context, state: SimulatorState) {
  return traceIds(ctx.get('client-request-id') || undefined, new Date(state.now()));
}

function showErrorPage(ctx: Context, state: SimulatorState, err: EntraError): void {
  state.logger.info({ aadsts: err.aadsts, error: err.error }, 'authorize request rejected without redirect');
  ctx.status = 400;
  ctx.type = 'html';
  ctx.body = renderErrorPage(errorDescription(err, traceFor(ctx, state)));
}

/** Sends the browser back to the client: query, fragment or form_post (OAuth 2.0 Multiple Response Types §2). */
function sendToClient(
  ctx: Context,
  target: { redirectUri: string; responseMode: AuthorizationParams['responseMode'] },
  values: Record<string, string>,
): void {
  if (target.responseMode === 'form_post') {
    ctx.status = 200;
    ctx.type = 'html';
    ctx.body = renderFormPost(target.redirectUri, values);
    return;
  }
  const url = new URL(target.redirectUri);
  if (target.responseMode === 'fragment') {
    url.hash = new URLSearchParams(values).toString();
  } else {
    for (const [name, value] of Object.entries(values)) url.searchParams.set(name, value);
  }
  ctx.redirect(url.toString());
}

function redirectError(
  ctx: Context,
  state: SimulatorState,
  target: { redirectUri: string; responseMode: AuthorizationParams['responseMode']; state: string | undefined },
  err: EntraError,
): void {
  state.logger.info({ aadsts: err.aadsts, error: err.error }, 'authorize request rejected with redirect');
  const values: Record<string, string> = {
    error: err.error,
    error_description: errorDescription(err, traceFor(ctx, state)),
  };
  if (target.state !== undefined) values['state'] = target.state;
  sendToClient(ctx, target, values);
}

function issueCode(ctx: Context, state: SimulatorState, params: AuthorizationParams, user: SimulatedUser, sessionState: string): void {
  const code = opaqueId(48);
  state.codes.set(code, {
    params,
    user,
    redeemed: false,
    expiresAt: state.now() + AUTHORIZATION_CODE_TTL_SECONDS * 1000,
  });
  state.logger.info({ clientId: params.clientId, username: user.username, oid: user.oid }, 'user signed in');
  sendToClient(ctx, params, { code, state: params.state, session_state: sessionState });
}

function currentSession(ctx: Context, state: SimulatorState) {
  const id = ctx.cookies.get(SSO_COOKIE);
  return id === undefined ? undefined : state.sessions.get(id);
}

function renderForm(
  ctx: Context,
  state: SimulatorState,
  requestId: string,
  params: AuthorizationParams,
  username: string,
  error?: EntraError,
): void {
  ctx.status = 200;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderSignInPage({
    action: `/${params.tenantSegment}/login`,
    requestId,
    username,
    knownUsers: state.users.map((u) => u.username),
    ...(error ? { error: { message: UNKNOWN_USER_MESSAGE, details: errorDescription(error, traceFor(ctx, state)) } } : {}),
  });
}

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3).
 *
 * Until the client and redirect URI are known good, errors render a page (RFC 6749 §4.1.2.1);
 * after that they are sent to the redirect URI with `error`, `error_description` and `state`.
 */
export function authorize(ctx: Context, state: SimulatorState, tenantSegment: string): void {
  const q = ctx.URL.searchParams;
  const clientId = q.get('client_id');
  const redirectUri = q.get('redirect_uri');
  let client;
  try {
    checkTenant(state, tenantSegment);
    if (!clientId) throw aadsts.missingParameter('client_id');
    client = state.clients.get(clientId);
    if (client === undefined) throw aadsts.unknownClient(clientId, tenantSegment);
    if (!redirectUri) throw aadsts.missingParameter('redirect_uri');
    if (!client.redirectUris.includes(redirectUri)) throw aadsts.redirectMismatch(redirectUri, clientId);
  } catch (err) {
    if (err instanceof EntraError) return showErrorPage(ctx, state, err);
    throw err;
  }

  const rawMode = q.get('response_mode') ?? 'query';
  const responseMode = (RESPONSE_MODES.has(rawMode) ? rawMode : 'query') as AuthorizationParams['responseMode'];
  const clientState = q.get('state') ?? undefined;
  const target = { redirectUri, responseMode, state: clientState };
  try {
    if (!RESPONSE_MODES.has(rawMode)) throw aadsts.unsupportedResponseMode(rawMode);
    if (q.has('resource')) throw aadsts.resourceParameter();
    const responseType = q.get('response_type');
    if (!responseType) throw aadsts.missingParameter('response_type');
    if (responseType !== 'code') throw aadsts.unsupportedResponseType(responseType);
    const scope = q.get('scope');
    if (!scope || scope.trim() === '') throw aadsts.missingParameter('scope');
    const parsedScope = parseScope(scope);
    if (!parsedScope.all.includes('openid')) throw aadsts.invalidScope(scope);
    if (parsedScope.resource === undefined) throw aadsts.multipleResources();
    const codeChallenge = q.get('code_challenge');
    if (!codeChallenge) throw aadsts.missingParameter('code_challenge');
    const method = q.get('code_challenge_method') ?? 'plain';
    if (method !== 'S256') throw aadsts.pkceMethod(method);
    if (!PKCE_CHALLENGE.test(codeChallenge)) throw aadsts.malformed();
    if (!clientState) throw aadsts.missingParameter('state');
    const nonce = q.get('nonce');
    if (!nonce) throw aadsts.missingParameter('nonce');
    const prompt = q.get('prompt') ?? undefined;
    if (prompt !== undefined && !PROMPTS.has(prompt)) throw aadsts.invalidPrompt(prompt);
    const loginHint = q.get('login_hint') ?? undefined;

    const params: AuthorizationParams = {
      tenantSegment,
      clientId,
      redirectUri,
      responseMode,
      scope: parsedScope.all.join(' '),
      state: clientState,
      nonce,
      codeChallenge,
      ...(loginHint !== undefined ? { loginHint } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
    };

    // Single sign-on: reuse the browser session unless the client asked for a fresh sign-in
    // or hinted at another account.
    const session = currentSession(ctx, state);
    const sessionFits =
      session !== undefined &&
      prompt !== 'login' &&
      prompt !== 'select_account' &&
      (loginHint === undefined || loginHint.toLowerCase() === session.user.username.toLowerCase());
    if (session !== undefined && sessionFits) return issueCode(ctx, state, params, session.user, session.sessionState);
    if (prompt === 'none') throw aadsts.loginRequired();

    const requestId = opaqueId();
    state.pending.set(requestId, { params, expiresAt: state.now() + PENDING_SIGN_IN_TTL_SECONDS * 1000 });
    renderForm(ctx, state, requestId, params, loginHint ?? (prompt === 'login' ? '' : (session?.user.username ?? '')));
  } catch (err) {
    if (err instanceof EntraError) return redirectError(ctx, state, target, err);
    throw err;
  }
}

/**
 * `POST /{tenant}/login`: the sign-in form. A known `username` completes the authorization request;
 * an unknown one shows the form again with Entra's AADSTS50034 message; `action=cancel` returns
 * `access_denied` (AADSTS65004) to the client.
 */
export async function submitSignIn(ctx: Context, state: SimulatorState, tenantSegment: string): Promise<void> {
  const form = (await readForm(ctx)) ?? new URLSearchParams();
  const requestId = form.get('request_id') ?? '';
  const pending = requestId === '' ? undefined : state.pending.get(requestId);
  if (pending === undefined || pending.params.tenantSegment !== tenantSegment) {
    return showErrorPage(ctx, state, aadsts.signInExpired());
  }
  const { params } = pending;
  if (form.get('action') === 'cancel') {
    state.pending.delete(requestId);
    return redirectError(ctx, state, params, aadsts.userCancelled());
  }
  const username = form.get('username') ?? '';
  const user = findUser(state, username);
  if (user === undefined) {
    state.logger.info({ clientId: params.clientId }, 'sign-in with an unknown username');
    return renderForm(ctx, state, requestId, params, username, aadsts.unknownUser());
  }
  state.pending.delete(requestId);
  const sessionId = opaqueId();
  const sessionState = randomUUID();
  state.sessions.set(sessionId, { user, sessionState, expiresAt: state.now() + SSO_SESSION_TTL_SECONDS * 1000 });
  ctx.cookies.set(SSO_COOKIE, sessionId, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    maxAge: SSO_SESSION_TTL_SECONDS * 1000,
  });
  issueCode(ctx, state, params, user, sessionState);
}

/**
 * `GET /{tenant}/oauth2/v2.0/logout` (OIDC RP-Initiated Logout 1.0): ends the SSO session and
 * returns to `post_logout_redirect_uri` when it is one of a registered client's redirect URIs.
 */
export function logout(ctx: Context, state: SimulatorState, tenantSegment: string): void {
  try {
    checkTenant(state, tenantSegment);
  } catch (err) {
    if (err instanceof EntraError) return showErrorPage(ctx, state, err);
    throw err;
  }
  const id = ctx.cookies.get(SSO_COOKIE);
  if (id !== undefined) state.sessions.delete(id);
  ctx.cookies.set(SSO_COOKIE, null, { path: '/', secure: true, httpOnly: true });
  const target = ctx.URL.searchParams.get('post_logout_redirect_uri');
  const registered = [...state.clients.values()].some((c) => target !== null && c.redirectUris.includes(target));
  if (target !== null && registered) {
    const url = new URL(target);
    const clientState = ctx.URL.searchParams.get('state');
    if (clientState !== null) url.searchParams.set('state', clientState);
    return ctx.redirect(url.toString());
  }
  ctx.status = 200;
  ctx.type = 'html';
  ctx.body = renderSignedOutPage();
}
