import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signInWithSimulator, startEntraSimulator, type EntraSimulator } from '../src/index.ts';
import { pkcePair } from './support/https-client.ts';

const REDIRECT = 'http://127.0.0.1:8080/cb';
let sim: EntraSimulator;
before(async () => {
  sim = await startEntraSimulator({ port: 0, clients: [{ clientId: 'app', clientSecret: 's', redirectUris: [REDIRECT] }] });
});
after(() => sim.close());

function url(clientId: string): string {
  const u = new URL(`${sim.authority}/oauth2/v2.0/authorize`);
  const params = { client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid User.Read', state: 's1', nonce: 'n1', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

describe('signInWithSimulator', () => {
  it('returns the redirect back to the client with code and state', async () => {
    const callback = await signInWithSimulator({ authorizeUrl: url('app'), username: 'bob@contoso.dev', caCertPem: sim.caCertPem });
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
    assert.equal(callback.searchParams.get('state'), 's1');
    assert.match(callback.searchParams.get('code') ?? '', /^[A-Za-z0-9_-]{64}$/);
  });

  it("throws with Entra's page text when the simulator shows an error page", async () => {
    await assert.rejects(
      signInWithSimulator({ authorizeUrl: url('unknown-app'), username: 'bob@contoso.dev', caCertPem: sim.caCertPem }),
      /refused the authorize request \(400\): AADSTS700016: Application with identifier 'unknown-app' was not found/,
    );
  });
});
