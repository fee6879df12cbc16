import type { OAuthErrorCode } from '@mcp-bridge/authz-core';

/** What is known about an error Entra returned (token endpoint body or authorization callback). */
export interface EntraFailure {
  /** The OAuth `error` value. */
  error?: string;
  /** The AADSTS number from `error_codes` or the start of `error_description`. */
  aadsts?: number;
  /** HTTP status of the token endpoint response, when there was one. */
  status?: number;
}

/** Configuration values that make misconfiguration descriptions actionable. */
export interface EntraErrorContext {
  clientId?: string;
  tenantId?: string;
  redirectUri?: string;
  scopes?: readonly string[];
}

/** Our error code and a wire-safe description written for people and operators. */
export interface ClassifiedError {
  code: OAuthErrorCode;
  description: string;
}

/** Extracts the AADSTS number from `error_codes[0]` or from text like `AADSTS70008: …`. */
export function aadstsNumber(errorNo: unknown, text: string | undefined): number | undefined {
  if (typeof errorNo === 'number' && Number.isInteger(errorNo)) return errorNo;
  if (typeof errorNo === 'string' && /^\d+$/.test(errorNo)) return Number(errorNo);
  const match = text === undefined ? null : /AADSTS(\d+)/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

const SIGN_IN_AGAIN = 'Start the sign-in again.';
const UNAVAILABLE = 'Microsoft Entra ID is not available right now. Try again in a minute.';

type Entry = (n: number, ctx: EntraErrorContext) => ClassifiedError;

const denied = (text: string): Entry => (n) => ({ code: 'access_denied', description: `${text} (AADSTS${n}).` });
const grant = (text: string): Entry => (n) => ({ code: 'invalid_grant', description: `${text} (AADSTS${n}). ${SIGN_IN_AGAIN}` });
const config = (text: (ctx: EntraErrorContext) => string): Entry => (n, ctx) => ({
  code: 'server_error',
  description: text(ctx).replace('{code}', `AADSTS${n}`),
});
const unavailable: Entry = (n) => ({ code: 'temporarily_unavailable', description: `${UNAVAILABLE} (AADSTS${n})` });

const the = (value: string | undefined): string => (value === undefined ? '' : ` '${value}'`);

/**
 * AADSTS codes we translate, by number (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 * Descriptions never repeat Entra's own text; they say what the person or operator can do.
 */
const CATALOG: ReadonlyMap<number, Entry> = new Map<number, Entry>([
  // The person at the browser said no, or policy stopped them.
  [65004, denied('You cancelled the sign-in or declined consent at Microsoft Entra ID')],
  [65001, denied('Your organization has not consented to this application. Ask an administrator to grant consent in Microsoft Entra ID')],
  [50105, denied('Your account is not assigned to this application in Microsoft Entra ID. Ask an administrator for access')],
  [53003, denied("Access was blocked by your organization's Conditional Access policy")],
  [50020, denied('Accounts from your organization cannot sign in to this application')],
  [50034, denied("This account does not exist in the organization's directory")],
  [50057, denied('This account is disabled in Microsoft Entra ID')],
  [50053, denied('This account is locked in Microsoft Entra ID. Try again later or contact your administrator')],
  [50058, denied('Microsoft Entra ID needs you to sign in')],
  [50076, denied('Microsoft Entra ID requires multi-factor authentication for this sign-in')],
  [50079, denied('Microsoft Entra ID requires you to register for multi-factor authentication')],
  [50158, denied('Microsoft Entra ID requires an additional security check for this sign-in')],
  // The authorization code cannot be redeemed (again).
  [70008, grant('The sign-in took too long and its code expired')],
  [54005, grant('This sign-in code was already used')],
  [70000, grant('The sign-in code from Microsoft Entra ID is not valid')],
  [9002313, grant('The sign-in code from Microsoft Entra ID is not valid')],
  [700005, grant('The sign-in code belongs to another tenant')],
  [700003, grant('The sign-in code belongs to another application')],
  [501481, grant('The sign-in code does not match this sign-in attempt (PKCE verifier)')],
  [500112, grant("The sign-in code was issued for another redirect URI")],
  [50173, grant('The grant was revoked (for example after a password change)')],
  [70043, grant('The session expired because of a Conditional Access sign-in frequency policy')],
  // The bridge's own configuration is wrong: tell the operator what to fix.
  [7000215, config(() => "The bridge's Entra client secret is wrong ({code}). Copy the secret's Value (not its Secret ID) from the app registration's Certificates & secrets page into the bridge configuration.")],
  [7000222, config(() => "The bridge's Entra client secret has expired ({code}). Create a new client secret on the app registration and update the bridge configuration.")],
  [7000218, config(() => "The bridge sent no client secret to Entra ({code}). Configure the Entra client secret.")],
  [700016, config((c) => `The bridge's Entra client id${the(c.clientId)} is not an application in tenant${the(c.tenantId)} ({code}). Check the client id and tenant id, or make the app registration multi-tenant.`)],
  [50011, config((c) => `The bridge's redirect URI${the(c.redirectUri)} is not registered on its Entra app registration ({code}). Add it under Authentication > Web > Redirect URIs.`)],
  [90002, config((c) => `The Entra tenant${the(c.tenantId)} configured for the bridge was not found ({code}). Check the tenant id and the authority host.`)],
  [900023, config((c) => `The Entra tenant id${the(c.tenantId)} configured for the bridge is not valid ({code}).`)],
  [90019, config(() => "The bridge's Entra authority names no tenant ({code}). Configure a tenant id, 'organizations' or 'common'.")],
  [50194, config(() => "The bridge's Entra app registration is single-tenant ({code}). Configure its tenant id instead of 'organizations'/'common', or make the app multi-tenant.")],
  [700054, config(() => "The bridge's Entra app registration does not allow this response type ({code}).")],
  [7000112, config(() => "The bridge's Entra application is disabled ({code}). Enable it in the tenant.")],
  [700025, config(() => "The bridge's Entra app registration is configured as a public client ({code}); it must be a confidential web app.")],
  [9010010, config(() => "The bridge sent a 'resource' parameter to Entra ({code}); it must send the resource's scopes only.")],
  [28000, config((c) => `The bridge's configured Entra scopes${c.scopes ? ` (${c.scopes.join(' ')})` : ''} name more than one resource ({code}). Configure scopes of one API only.`)],
  [70011, config((c) => `The bridge's configured Entra scopes${c.scopes ? ` (${c.scopes.join(' ')})` : ''} are not valid ({code}).`)],
  [650053, config((c) => `The bridge's configured Entra scopes${c.scopes ? ` (${c.scopes.join(' ')})` : ''} do not exist on the resource ({code}).`)],
  [500011, config(() => "The resource named in the bridge's configured Entra scopes was not found in the tenant ({code}).")],
  // Entra itself had trouble.
  [90033, unavailable],
  [90006, unavailable],
]);

const ACCESS_DENIED_ERRORS = new Set(['access_denied', 'consent_required', 'interaction_required', 'login_required']);
const CONFIG_ERRORS = new Set([
  'invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_scope', 'unsupported_response_type',
  'unsupported_grant_type', 'invalid_resource', 'invalid_target', 'invalid_tenant', 'unsupported_response_mode',
]);
const UNAVAILABLE_ERRORS = new Set(['temporarily_unavailable', 'server_error']);

/**
 * Translates an Entra error into our error code and description (house-style rule 7): known AADSTS
 * numbers first, then the HTTP status, then the OAuth `error` value.
 */
export function classifyEntraError(failure: EntraFailure, context: EntraErrorContext = {}): ClassifiedError {
  const { error, aadsts, status } = failure;
  const ref = aadsts !== undefined ? ` (AADSTS${aadsts})` : error !== undefined ? ` (${error})` : '';
  const entry = aadsts === undefined ? undefined : CATALOG.get(aadsts);
  if (entry !== undefined && aadsts !== undefined) return entry(aadsts, context);
  if ((status !== undefined && status >= 500) || (error !== undefined && UNAVAILABLE_ERRORS.has(error))) {
    return { code: 'temporarily_unavailable', description: `${UNAVAILABLE}${ref}` };
  }
  if (error !== undefined && ACCESS_DENIED_ERRORS.has(error)) {
    return { code: 'access_denied', description: `Microsoft Entra ID did not sign you in${ref}.` };
  }
  if (error === 'invalid_grant') {
    return { code: 'invalid_grant', description: `Microsoft Entra ID did not accept the sign-in code${ref}. ${SIGN_IN_AGAIN}` };
  }
  if (error !== undefined && CONFIG_ERRORS.has(error)) {
    return {
      code: 'server_error',
      description: `Microsoft Entra ID rejected the bridge's request${ref}. Check the bridge's Entra settings (client id, secret, tenant, redirect URI, scopes).`,
    };
  }
  return { code: 'server_error', description: `Microsoft Entra ID returned an unexpected error${ref}.` };
}
