import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ServerError } from '@azure/msal-node';
import { isOAuthError, type OAuthError, type UpstreamIdp } from '@mcp-bridge/authz-core';
import { signInWithSimulator, startEntraSimulator, type EntraSimulator } from '@mcp-bridge/entra-simulator';
import { createEntraUpstream, type EntraUpstreamOptions } from '../src/index.ts';
import { EntraUpstream } from '../src/internal/entra-upstream.ts';

const REDIRECT = 'http://localhost:3000/upstream/callback';
const CLIENT = { clientId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', clientSecret: 'bridge-secret', redirectUris: [REDIRECT] };
const ALICE_OID = 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b';

let sim: EntraSimulator;
before(async () => {
  sim = await startEntraSimulator({ port: 0, clients: [CLIENT] });
});
after(() => sim.close());

function upstream(overrides: Partial<EntraUpstreamOptions> = {}): UpstreamIdp {
  return createEntraUpstream({
    authorityHost: sim.origin,
    tenantId: sim.tenantId,
    clientId: CLIENT.clientId,
    clientSecret: CLIENT.clientSecret,
    redirectUri: REDIRECT,
    scopes: ['User.Read'],
    caCertPem: sim.caCertPem,
    ...overrides,
  });
}

function signInSecrets() {
  return {
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    codeVerifier: randomBytes(32).toString('base64url'),
  };
}

/** authorize → sign-in form → callback; returns what the bridge's callback would receive. */
async function signIn(idp: UpstreamIdp, username = 'alice@contoso.dev') {
  const secrets = signInSecrets();
  const url = await idp.authorizationUrl(secrets);
  const callback = await signInWithSimulator({ authorizeUrl: url, username, caCertPem: sim.caCertPem });
  assert.equal(callback.searchParams.get('state'), secrets.state);
  const code = callback.searchParams.get('code');
  assert.ok(code, callback.toString());
  return { ...secrets, code };
}

async function rejection(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isOAuthError(err), `expected an OAuthError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('createEntraUpstream: authorization URL (RFC 6749 §4.1.1, RFC 7636 §4.3)', () => {
  it('asks the tenant authorize endpoint for a code with PKCE S256, state, nonce and no resource', async () => {
    const secrets = signInSecrets();
    const url = new URL(await upstream().authorizationUrl({ ...secrets, loginHint: 'alice@contoso.dev', prompt: 'login' }));
    const q = url.searchParams;
    assert.equal(`${url.origin}${url.pathname}`, `${sim.authority}/oauth2/v2.0/authorize`);
    assert.equal(q.get('client_id'), CLIENT.clientId);
    assert.equal(q.get('redirect_uri'), REDIRECT);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('response_mode'), 'query');
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['User.Read', 'offline_access', 'openid', 'profile']);
    assert.equal(q.get('state'), secrets.state);
    assert.equal(q.get('nonce'), secrets.nonce);
    assert.equal(q.get('code_challenge'), createHash('sha256').update(secrets.codeVerifier).digest('base64url'));
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('login_hint'), 'alice@contoso.dev');
    assert.equal(q.get('prompt'), 'login');
    assert.equal(q.has('resource'), false);
    assert.equal(q.has('code_verifier'), false);
    assert.equal(q.has('client_secret'), false);
  });

  it('maps an unknown tenant to server_error naming the tenant (AADSTS90002)', async () => {
    const err = await rejection(upstream({ tenantId: 'contoso.example' }).authorizationUrl(signInSecrets()));
    assert.equal(err.code, 'server_error');
    assert.equal(err.description, "The Entra tenant 'contoso.example' configured for the bridge was not found (AADSTS90002). Check the tenant id and the authority host.");
  });

  it('maps an untrusted certificate to server_error asking for caCertPem', async () => {
    const idp = createEntraUpstream({
      authorityHost: sim.origin,
      tenantId: sim.tenantId,
      clientId: CLIENT.clientId,
      clientSecret: CLIENT.clientSecret,
      redirectUri: REDIRECT,
      scopes: ['User.Read'],
    });
    const err = await rejection(idp.authorizationUrl(signInSecrets()));
    assert.equal(err.code, 'server_error');
    assert.match(err.description, /^The bridge does not trust the TLS certificate of its Entra authority host \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)\. For the dev simulator, pass its CA as caCertPem\.$/);
  });

  it('maps an unreachable Entra to temporarily_unavailable', async () => {
    const down = await startEntraSimulator({ port: 0, clients: [CLIENT] });
    await down.close();
    const idp = upstream({ authorityHost: down.origin, tenantId: down.tenantId, caCertPem: down.caCertPem });
    const err = await rejection(idp.authorizationUrl(signInSecrets()));
    assert.equal(err.code, 'temporarily_unavailable');
    assert.equal(err.description, 'Microsoft Entra ID could not be reached. Try again in a minute.');
    assert.equal(err.status, 503);
  });
});

describe('createEntraUpstream: redeem (RFC 6749 §4.1.3, OIDC Core §3.1.3.7)', () => {
  it('returns the verified identity of the user who signed in and keeps no tokens', async () => {
    const idp = upstream();
    const identity = await idp.redeem(await signIn(idp));
    assert.deepEqual(identity, {
      tenantId: sim.tenantId,
      objectId: ALICE_OID,
      name: 'Alice Example',
      username: 'alice@contoso.dev',
    });
    assert.ok(idp instanceof EntraUpstream);
    assert.deepEqual(await idp.msal.getTokenCache().getAllAccounts(), []);
  });

  it('signs in two users one after the other with one instance', async () => {
    const idp = upstream();
    const bob = await idp.redeem(await signIn(idp, 'bob@contoso.dev'));
    const alice = await idp.redeem(await signIn(idp, 'alice@contoso.dev'));
    assert.equal(bob.username, 'bob@contoso.dev');
    assert.equal(alice.objectId, ALICE_OID);
  });

  it('rejects an id_token whose nonce belongs to another sign-in with access_denied', async () => {
    const idp = upstream();
    const callback = await signIn(idp);
    const err = await rejection(idp.redeem({ ...callback, nonce: 'another-attempt' }));
    assert.equal(err.code, 'access_denied');
    assert.equal(err.description, 'The sign-in response did not match this sign-in attempt. Start the sign-in again.');
    assert.ok(idp instanceof EntraUpstream);
    assert.deepEqual(await idp.msal.getTokenCache().getAllAccounts(), []);
  });

  it('rejects a replayed code with invalid_grant (AADSTS54005)', async () => {
    const idp = upstream();
    const callback = await signIn(idp);
    await idp.redeem(callback);
    const err = await rejection(idp.redeem(callback));
    assert.equal(err.code, 'invalid_grant');
    assert.equal(err.description, 'This sign-in code was already used (AADSTS54005). Start the sign-in again.');
    assert.ok(err.cause instanceof ServerError);
  });

  it('rejects a wrong PKCE verifier with invalid_grant (AADSTS501481)', async () => {
    const idp = upstream();
    const callback = await signIn(idp);
    const err = await rejection(idp.redeem({ ...callback, codeVerifier: randomBytes(32).toString('base64url') }));
    assert.equal(err.code, 'invalid_grant');
    assert.match(err.description, /\(AADSTS501481\)/);
  });

  it('reports a wrong client secret as server_error an operator can act on, without Entra text', async () => {
    const idp = upstream({ clientSecret: 'not-the-secret' });
    const err = await rejection(idp.redeem(await signIn(idp)));
    assert.equal(err.code, 'server_error');
    assert.equal(err.status, 500);
    assert.equal(
      err.description,
      "The bridge's Entra client secret is wrong (AADSTS7000215). Copy the secret's Value (not its Secret ID) from the app registration's Certificates & secrets page into the bridge configuration.",
    );
    assert.ok(err.cause instanceof ServerError);
    assert.match(String((err.cause as ServerError).errorMessage), /Invalid client secret provided/);
    assert.doesNotMatch(err.description, /Invalid client secret provided/);
  });

  it('reports a redirect URI missing from the app registration (AADSTS50011) at the callback', async () => {
    const idp = upstream({ redirectUri: 'http://localhost:3000/not-registered' });
    const url = await idp.authorizationUrl(signInSecrets());
    await assert.rejects(signInWithSimulator({ authorizeUrl: url, username: 'alice@contoso.dev', caCertPem: sim.caCertPem }), /AADSTS50011/);
  });

  it('describes a cancelled sign-in sent to the callback as access_denied', async () => {
    const idp = upstream();
    const url = await idp.authorizationUrl(signInSecrets());
    const callback = await signInWithSimulator({ authorizeUrl: url, username: '', caCertPem: sim.caCertPem, action: 'cancel' });
    const err = idp.describeCallbackError({
      error: callback.searchParams.get('error') ?? '',
      error_description: callback.searchParams.get('error_description') ?? '',
    });
    assert.equal(err.code, 'access_denied');
    assert.equal(err.description, 'You cancelled the sign-in or declined consent at Microsoft Entra ID (AADSTS65004).');
  });
});

describe('createEntraUpstream: multi-tenant (organizations)', () => {
  it('accepts the token of any tenant through the {tenantid} issuer template', async () => {
    const idp = upstream({ tenantId: 'organizations' });
    const identity = await idp.redeem(await signIn(idp));
    assert.equal(identity.tenantId, sim.tenantId);
    assert.equal(identity.objectId, ALICE_OID);
  });

  it('enforces allowedTenantIds with access_denied', async () => {
    const allowed = upstream({ tenantId: 'organizations', allowedTenantIds: [sim.tenantId.toUpperCase()] });
    assert.equal((await allowed.redeem(await signIn(allowed))).tenantId, sim.tenantId);
    const idp = upstream({ tenantId: 'organizations', allowedTenantIds: ['00000000-0000-4000-8000-000000000000'] });
    const err = await rejection(idp.redeem(await signIn(idp)));
    assert.equal(err.code, 'access_denied');
    assert.equal(err.description, `Accounts from organization ${sim.tenantId} are not allowed to use this server.`);
  });
});

describe('createEntraUpstream: options', () => {
  const base: EntraUpstreamOptions = {
    authorityHost: 'https://login.microsoftonline.com',
    tenantId: 'organizations',
    clientId: 'c',
    clientSecret: 's',
    redirectUri: REDIRECT,
    scopes: ['User.Read'],
  };
  const cases: Array<[string, Partial<EntraUpstreamOptions>, RegExp]> = [
    ['an http authority', { authorityHost: 'http://localhost:9443' }, /must use https/],
    ['an authority with a path', { authorityHost: 'https://login.microsoftonline.com/common' }, /origin without path/],
    ['no scopes', { scopes: [] }, /at least one resource scope/],
    ['only OIDC scopes', { scopes: ['openid', 'profile'] }, /at least one resource scope/],
    ['an empty scope', { scopes: ['User.Read', ' '] }, /non-empty strings/],
    ['scopes of two resources', { scopes: ['User.Read', 'api://other/.default'] }, /one resource/],
    ['consumers', { tenantId: 'consumers' }, /not supported/],
  ];
  for (const [what, overrides, message] of cases) {
    it(`throws a TypeError for ${what}`, () => {
      assert.throws(() => createEntraUpstream({ ...base, ...overrides }), (err: unknown) => err instanceof TypeError && message.test(err.message));
    });
  }

  it('names itself and exposes its redirect URI', () => {
    const idp = createEntraUpstream(base);
    assert.equal(idp.displayName, 'Microsoft Entra ID');
    assert.equal(idp.redirectUri, REDIRECT);
  });
});
