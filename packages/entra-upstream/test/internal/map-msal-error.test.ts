import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { OAuthError } from '@mcp-bridge/authz-core';
import { mapMsalError } from '../../src/internal/map-msal-error.ts';
import { UpstreamCertificateError, UpstreamUnreachableError } from '../../src/internal/https-client.ts';

const CONTEXT = { clientId: 'app-1', tenantId: 'tenant-1', redirectUri: 'https://bridge.example/cb', scopes: ['User.Read'] };

function serverError(error: string, aadsts: number | undefined, status = 400): ServerError {
  const text = aadsts === undefined ? 'Entra says no' : `AADSTS${aadsts}: Entra's own wording that must not leak.`;
  return new ServerError(error, 'corr-1', `Error(s): ${aadsts} - Description: ${text}`, undefined, aadsts === undefined ? undefined : String(aadsts), status);
}

describe('mapMsalError (house-style rule 7)', () => {
  const cases: Array<[string, ServerError, string, string]> = [
    ['AADSTS70008', serverError('invalid_grant', 70008), 'invalid_grant', 'The sign-in took too long and its code expired (AADSTS70008). Start the sign-in again.'],
    ['AADSTS54005', serverError('invalid_grant', 54005), 'invalid_grant', 'This sign-in code was already used (AADSTS54005). Start the sign-in again.'],
    ['an unlisted invalid_grant', serverError('invalid_grant', 123456), 'invalid_grant', 'Microsoft Entra ID did not accept the sign-in code (AADSTS123456). Start the sign-in again.'],
    ['AADSTS65004', serverError('access_denied', 65004), 'access_denied', 'You cancelled the sign-in or declined consent at Microsoft Entra ID (AADSTS65004).'],
    ['AADSTS7000222', serverError('invalid_client', 7000222, 401), 'server_error', "The bridge's Entra client secret has expired (AADSTS7000222). Create a new client secret on the app registration and update the bridge configuration."],
    ['AADSTS700016', serverError('unauthorized_client', 700016), 'server_error', "The bridge's Entra client id 'app-1' is not an application in tenant 'tenant-1' (AADSTS700016). Check the client id and tenant id, or make the app registration multi-tenant."],
    ['AADSTS50011', serverError('invalid_request', 50011), 'server_error', "The bridge's redirect URI 'https://bridge.example/cb' is not registered on its Entra app registration (AADSTS50011). Add it under Authentication > Web > Redirect URIs."],
    ['AADSTS90002', serverError('invalid_request', 90002), 'server_error', "The Entra tenant 'tenant-1' configured for the bridge was not found (AADSTS90002). Check the tenant id and the authority host."],
    ['a 503', serverError('temporarily_unavailable', undefined, 503), 'temporarily_unavailable', 'Microsoft Entra ID is not available right now. Try again in a minute. (temporarily_unavailable)'],
    ['a 500 with an AADSTS code we do not list', serverError('server_error', 90099, 500), 'temporarily_unavailable', 'Microsoft Entra ID is not available right now. Try again in a minute. (AADSTS90099)'],
    ['an unknown invalid_client', serverError('invalid_client', 7000299, 401), 'server_error', "Microsoft Entra ID rejected the bridge's request (AADSTS7000299). Check the bridge's Entra settings (client id, secret, tenant, redirect URI, scopes)."],
  ];
  for (const [what, err, code, description] of cases) {
    it(`maps ${what} to ${code}`, () => {
      const mapped = mapMsalError(err, CONTEXT);
      assert.equal(mapped.code, code);
      assert.equal(mapped.description, description);
      assert.equal(mapped.cause, err);
      assert.doesNotMatch(mapped.description, /wording|Entra says no/);
    });
  }

  it('reads the AADSTS number from the message when error_codes is absent', () => {
    const err = new ServerError('invalid_grant', 'c', 'AADSTS54005: OAuth2 Authorization code was already redeemed');
    assert.match(mapMsalError(err, CONTEXT).description, /\(AADSTS54005\)/);
  });

  it('maps interaction-required errors (MFA) to access_denied', () => {
    const err = new InteractionRequiredAuthError('interaction_required', 'c', 'AADSTS50076: MFA', undefined, '', '', '', '50076');
    const mapped = mapMsalError(err, CONTEXT);
    assert.equal(mapped.code, 'access_denied');
    assert.equal(mapped.description, 'Microsoft Entra ID requires multi-factor authentication for this sign-in (AADSTS50076).');
  });

  it('maps network and endpoint resolution failures to temporarily_unavailable', () => {
    for (const err of [new AuthError('network_error', 'c'), new AuthError('endpoints_resolution_error', 'c'), new UpstreamUnreachableError('down')]) {
      assert.equal(mapMsalError(err, CONTEXT).code, 'temporarily_unavailable');
    }
  });

  it('maps an untrusted TLS certificate wrapped by MSAL to server_error', () => {
    const wrapped = new AuthError('untrusted_host', '', 'x');
    Object.defineProperty(wrapped, 'cause', { value: new UpstreamCertificateError('localhost:9443', 'SELF_SIGNED_CERT_IN_CHAIN') });
    const mapped = mapMsalError(wrapped, CONTEXT);
    assert.equal(mapped.code, 'server_error');
    assert.match(mapped.description, /does not trust the TLS certificate .*SELF_SIGNED_CERT_IN_CHAIN/);
  });

  it('maps nonce and state mismatches to access_denied, and anything else to server_error', () => {
    assert.equal(mapMsalError(new AuthError('nonce_mismatch', 'c'), CONTEXT).code, 'access_denied');
    assert.equal(mapMsalError(new AuthError('state_mismatch', 'c'), CONTEXT).code, 'access_denied');
    const other = mapMsalError(new Error('boom'), CONTEXT);
    assert.equal(other.code, 'server_error');
    assert.equal(other.description, 'Signing in with Microsoft Entra ID failed unexpectedly.');
  });

  it('passes OAuthErrors through', () => {
    const err = new OAuthError('access_denied', 'x');
    assert.equal(mapMsalError(err, CONTEXT), err);
  });
});
