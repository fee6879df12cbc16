import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUpstreamError } from '../src/index.ts';

describe('describeUpstreamError (RFC 6749 §4.1.2.1 error response from Entra)', () => {
  const cases: Array<[Parameters<typeof describeUpstreamError>[0], string, string]> = [
    [
      { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.\r\nTrace ID: x' },
      'access_denied',
      'You cancelled the sign-in or declined consent at Microsoft Entra ID (AADSTS65004).',
    ],
    [
      { error: 'invalid_request', error_description: "AADSTS50011: The redirect URI 'x' specified in the request does not match" },
      'server_error',
      "The bridge's redirect URI is not registered on its Entra app registration (AADSTS50011). Add it under Authentication > Web > Redirect URIs.",
    ],
    [
      { error: 'invalid_target', error_description: "AADSTS9010010: The resource parameter provided in the request doesn't match" },
      'server_error',
      "The bridge sent a 'resource' parameter to Entra (AADSTS9010010); it must send the resource's scopes only.",
    ],
    [
      { error: 'access_denied', error_description: 'AADSTS50105: Your administrator has configured the application…' },
      'access_denied',
      'Your account is not assigned to this application in Microsoft Entra ID. Ask an administrator for access (AADSTS50105).',
    ],
    [{ error: 'login_required' }, 'access_denied', 'Microsoft Entra ID did not sign you in (login_required).'],
    [{ error: 'temporarily_unavailable', error_description: 'try later' }, 'temporarily_unavailable', 'Microsoft Entra ID is not available right now. Try again in a minute. (temporarily_unavailable)'],
    [{ error: 'server_error', error_description: 'AADSTS90033: A transient error has occurred.' }, 'temporarily_unavailable', 'Microsoft Entra ID is not available right now. Try again in a minute. (AADSTS90033)'],
    [{ error: 'invalid_grant', error_description: 'AADSTS70008: expired' }, 'access_denied', 'The sign-in took too long and its code expired (AADSTS70008). Start the sign-in again.'],
    [{ error: 'weird_error' }, 'server_error', 'Microsoft Entra ID returned an unexpected error (weird_error).'],
  ];
  for (const [params, code, description] of cases) {
    it(`maps ${params.error} ${/AADSTS\d+/.exec(params.error_description ?? '')?.[0] ?? ''} to ${code}`, () => {
      const err = describeUpstreamError(params);
      assert.equal(err.code, code);
      assert.equal(err.description, description);
      assert.ok(err.cause instanceof Error);
      assert.match((err.cause as Error).message, new RegExp(params.error));
    });
  }

  it('never echoes Entra text', () => {
    const err = describeUpstreamError({ error: 'access_denied', error_description: 'AADSTS65004: <script>alert(1)</script>' });
    assert.doesNotMatch(err.description, /script/);
  });
});
