import type { Context } from 'koa';
import { REFRESH_TOKEN_TTL_SECONDS, TOKEN_TTL_SECONDS } from '../defaults.ts';
import { aadsts } from '../entra-error.ts';
import { readBasicAuth, readForm } from '../http.ts';
import { parseScope, type ParsedScope } from '../scopes.ts';
import {
  checkTenant,
  issuerOf,
  opaqueId,
  pkceMatches,
  secretEquals,
  type RegisteredClient,
  type SimulatedUser,
  type SimulatorState,
} from '../simulator-state.ts';
import { clientInfo, mintAccessToken, mintIdToken, type TokenGrant } from '../tokens.ts';

/** Client authentication: `client_secret_basic` or `client_secret_post` (RFC 6749 §2.3.1). */
function authenticateClient(ctx: Context, state: SimulatorState, form: URLSearchParams): RegisteredClient {
  const basic = readBasicAuth(ctx.get('authorization') || undefined);
  const clientId = basic?.clientId ?? form.get('client_id');
  if (!clientId) throw aadsts.missingParameter('client_id');
  const client = state.clients.get(clientId);
  if (client === undefined) throw aadsts.unknownClient(clientId, state.tenantId);
  const secret = basic?.clientSecret ?? form.get('client_secret');
  if (!secret) throw aadsts.missingClientSecret();
  if (!secretEquals(secret, client.clientSecret)) throw aadsts.invalidClientSecret(clientId);
  return client;
}

async function tokenResponse(
  state: SimulatorState,
  client: RegisteredClient,
  user: SimulatedUser,
  scope: ParsedScope,
  nonce: string | undefined,
): Promise<Record<string, unknown>> {
  const grant: TokenGrant = {
    issuer: issuerOf(state),
    tenantId: state.tenantId,
    clientId: client.clientId,
    user,
    scope,
    nowSeconds: Math.floor(state.now() / 1000),
    ...(nonce !== undefined ? { nonce } : {}),
  };
  // Entra lists the resource's scopes first, then the OIDC ones it honoured.
  const grantedScope = [...scope.resourceScopes, ...scope.oidc].join(' ');
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: grantedScope,
    expires_in: TOKEN_TTL_SECONDS,
    ext_expires_in: TOKEN_TTL_SECONDS,
    access_token: await mintAccessToken(grant, state.signingKey),
  };
  if (scope.oidc.includes('offline_access')) {
    const refreshToken = opaqueId(64);
    state.refreshTokens.set(refreshToken, {
      clientId: client.clientId,
      user,
      scope: scope.all.join(' '),
      expiresAt: state.now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
    });
    body['refresh_token'] = refreshToken;
  }
  if (scope.oidc.includes('openid')) body['id_token'] = await mintIdToken(grant, state.signingKey);
  body['client_info'] = clientInfo(user.oid, state.tenantId);
  return body;
}

async function authorizationCodeGrant(state: SimulatorState, client: RegisteredClient, form: URLSearchParams) {
  const code = form.get('code');
  if (!code) throw aadsts.missingParameter('code');
  const issued = state.codes.get(code);
  if (issued === undefined) throw aadsts.invalidCode();
  if (issued.params.clientId !== client.clientId) throw aadsts.codeForOtherClient();
  if (issued.redeemed) throw aadsts.codeRedeemed();
  if (issued.expiresAt <= state.now()) throw aadsts.codeExpired();
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) throw aadsts.missingParameter('redirect_uri');
  if (redirectUri !== issued.params.redirectUri) throw aadsts.tokenRedirectMismatch(redirectUri);
  const verifier = form.get('code_verifier');
  if (!verifier) throw aadsts.missingParameter('code_verifier');
  if (!pkceMatches(verifier, issued.params.codeChallenge)) throw aadsts.pkceMismatch();
  // Single use (RFC 6749 §4.1.2); the entry stays so a replay is told apart from a bad code.
  issued.redeemed = true;
  return tokenResponse(state, client, issued.user, parseScope(issued.params.scope), issued.params.nonce);
}

async function refreshTokenGrant(state: SimulatorState, client: RegisteredClient, form: URLSearchParams) {
  const token = form.get('refresh_token');
  if (!token) throw aadsts.missingParameter('refresh_token');
  const issued = state.refreshTokens.get(token);
  if (issued === undefined) throw aadsts.invalidRefreshToken();
  if (issued.clientId !== client.clientId) throw aadsts.refreshTokenForOtherClient();
  if (issued.expiresAt <= state.now()) throw aadsts.codeExpired();
  const requested = form.get('scope');
  const scope = parseScope(requested && requested.trim() !== '' ? requested : issued.scope);
  if (scope.resource === undefined) throw aadsts.multipleResources();
  // Entra keeps the old refresh token valid until it expires; the response carries a new one.
  return tokenResponse(state, client, issued.user, scope, undefined);
}

/**
 * `POST /{tenant}/oauth2/v2.0/token` (RFC 6749 §3.2, §4.1.3, §6; RFC 7636 §4.5). Errors follow
 * Entra's JSON shape and are thrown as `EntraError`.
 */
export async function token(ctx: Context, state: SimulatorState, tenantSegment: string): Promise<Record<string, unknown>> {
  checkTenant(state, tenantSegment);
  const form = await readForm(ctx);
  if (form === undefined) throw aadsts.malformed();
  if (form.has('resource')) throw aadsts.resourceParameter();
  const grantType = form.get('grant_type');
  if (!grantType) throw aadsts.missingParameter('grant_type');
  const client = authenticateClient(ctx, state, form);
  switch (grantType) {
    case 'authorization_code':
      return authorizationCodeGrant(state, client, form);
    case 'refresh_token':
      return refreshTokenGrant(state, client, form);
    default:
      throw aadsts.unsupportedGrantType(grantType);
  }
}
