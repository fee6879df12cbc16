import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_TTL_SECONDS } from './defaults.ts';
import { audienceFor, scpFor, type ParsedScope } from './scopes.ts';
import type { SigningKey } from './signing-key.ts';

/** The user as the token endpoint sees it. */
export interface TokenSubject {
  username: string;
  name: string;
  oid: string;
}

/** What a token response is minted from. */
export interface TokenGrant {
  issuer: string;
  tenantId: string;
  clientId: string;
  user: TokenSubject;
  scope: ParsedScope;
  nonce?: string;
  nowSeconds: number;
}

/** Entra's `sub` is pairwise: stable per user and application. */
function pairwiseSub(oid: string, clientId: string): string {
  return createHash('sha256').update(`${oid}:${clientId}`).digest('base64url').slice(0, 43);
}

/** A v2.0 id_token (OIDC Core §2) with Entra's claims. */
export async function mintIdToken(grant: TokenGrant, key: SigningKey): Promise<string> {
  const { user, nowSeconds } = grant;
  const claims: Record<string, unknown> = {
    oid: user.oid,
    tid: grant.tenantId,
    preferred_username: user.username,
    name: user.name,
    ver: '2.0',
    uti: randomUUID().replaceAll('-', ''),
  };
  if (grant.nonce !== undefined) claims['nonce'] = grant.nonce;
  if (grant.scope.oidc.includes('email')) claims['email'] = user.username;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(grant.issuer)
    .setAudience(grant.clientId)
    .setSubject(pairwiseSub(user.oid, grant.clientId))
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}

/** A v2.0 access token for the one resource the scopes name. */
export async function mintAccessToken(grant: TokenGrant, key: SigningKey): Promise<string> {
  const { user, nowSeconds } = grant;
  return new SignJWT({
    oid: user.oid,
    tid: grant.tenantId,
    azp: grant.clientId,
    azpacr: '1',
    scp: scpFor(grant.scope.resourceScopes),
    preferred_username: user.username,
    name: user.name,
    ver: '2.0',
    uti: randomUUID().replaceAll('-', ''),
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(grant.issuer)
    .setAudience(audienceFor(grant.scope.resource ?? ''))
    .setSubject(pairwiseSub(user.oid, grant.clientId))
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + TOKEN_TTL_SECONDS)
    .sign(key.privateKey);
}

/** MSAL's `client_info`: base64url JSON with the home account's object and tenant ids. */
export function clientInfo(oid: string, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: oid, utid: tenantId })).toString('base64url');
}
