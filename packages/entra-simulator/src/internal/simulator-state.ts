import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@mcp-bridge/logger';
import { MULTI_TENANT_SEGMENTS } from './defaults.ts';
import { aadsts } from './entra-error.ts';
import type { ExpiringMap } from './expiring-map.ts';
import type { SigningKey } from './signing-key.ts';

/** A user of the simulated tenant. */
export interface SimulatedUser {
  username: string;
  name: string;
  oid: string;
}

/** An app registration: a confidential web client. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  redirectUris: readonly string[];
}

/** The parameters of a validated authorization request. */
export interface AuthorizationParams {
  tenantSegment: string;
  clientId: string;
  redirectUri: string;
  responseMode: 'query' | 'fragment' | 'form_post';
  scope: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  loginHint?: string;
  prompt?: string;
}

/** An authorization request waiting for the user to submit the sign-in form. */
export interface PendingSignIn {
  params: AuthorizationParams;
  expiresAt: number;
}

/** An issued authorization code. */
export interface IssuedCode {
  params: AuthorizationParams;
  user: SimulatedUser;
  expiresAt: number;
  redeemed: boolean;
}

/** An issued refresh token. */
export interface IssuedRefreshToken {
  clientId: string;
  user: SimulatedUser;
  scope: string;
  expiresAt: number;
}

/** A browser's single sign-on session (the `esim_sso` cookie). */
export interface SsoSession {
  user: SimulatedUser;
  sessionState: string;
  expiresAt: number;
}

/** Everything the route handlers share. */
export interface SimulatorState {
  origin: string;
  tenantId: string;
  users: readonly SimulatedUser[];
  clients: ReadonlyMap<string, RegisteredClient>;
  signingKey: SigningKey;
  now: () => number;
  logger: Logger;
  pending: ExpiringMap<PendingSignIn>;
  codes: ExpiringMap<IssuedCode>;
  refreshTokens: ExpiringMap<IssuedRefreshToken>;
  sessions: ExpiringMap<SsoSession>;
}

/** Name of the SSO cookie. */
export const SSO_COOKIE = 'esim_sso';

/** A random opaque handle (codes, refresh tokens, request and session ids). */
export function opaqueId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Accepts the tenant's GUID or a multi-tenant alias; anything else is AADSTS90002. */
export function checkTenant(state: SimulatorState, segment: string): void {
  if (segment.toLowerCase() === state.tenantId.toLowerCase()) return;
  if (MULTI_TENANT_SEGMENTS.has(segment.toLowerCase())) return;
  throw aadsts.tenantNotFound(segment);
}

/** The issuer of the tenant's v2.0 tokens. */
export function issuerOf(state: SimulatorState): string {
  return `${state.origin}/${state.tenantId}/v2.0`;
}

/** Finds a user by sign-in name, case-insensitively like Entra. */
export function findUser(state: SimulatorState, username: string): SimulatedUser | undefined {
  const wanted = username.trim().toLowerCase();
  return state.users.find((u) => u.username.toLowerCase() === wanted);
}

/** Compares secrets without leaking their length or content through timing. */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url') === challenge;
}
