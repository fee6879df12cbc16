import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { DEFAULT_TENANT_ID, signInWithSimulator, startEntraSimulator, type EntraSimulator } from '../src/index.ts';
import { pkcePair, send } from './support/https-client.ts';

const CLIENT = { clientId: '11111111-2222-4333-8444-555555555555', clientSecret: 'dev-secret~1', redirectUris: ['http://localhost:3000/callback'] };
const OTHER = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: ['https://other.example/cb'] };
const REDIRECT = CLIENT.redirectUris[0] ?? '';

let sim: EntraSimulator;
let now = Date.now();

before(async () => {
  sim = await startEntraSimulator({ port: 0, clients: [CLIENT, OTHER], clock: () => now });
});
after(() => sim.close());

function authorizeUrl(overrides: Record<string, string | null> = {}, tenant = sim.tenantId): { url: string; verifier: string } {
  const { verifier, challenge } = pkcePair();
  const params: Record<string, string | null> = {
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    response_mode: 'query',
    scope: 'User.Read openid profile offline_access',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const url = new URL(`${sim.origin}/${tenant}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return { url: url.toString(), verifier };
}

async function obtainCode(overrides: Record<string, string | null> = {}, username = 'alice@contoso.dev') {
  const { url, verifier } = authorizeUrl(overrides);
  const callback = await signInWithSimulator({ authorizeUrl: url, username, caCertPem: sim.caCertPem });
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in ${callback.toString()}`);
  return { code, verifier, callback };
}

function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  return send(`${sim.authority}/oauth2/v2.0/token`, { ca: sim.caCertPem, form, headers });
}

function redeem(code: string, verifier: string, extra: Record<string, string> = {}) {
  return tokenRequest({
    grant_type: 'authorization_code',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    code,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...extra,
  });
}

async function jwks(): Promise<ReturnType<typeof createLocalJWKSet>> {
  const res = await send(`${sim.authority}/discovery/v2.0/keys`, { ca: sim.caCertPem });
  return createLocalJWKSet(res.json<JSONWebKeySet>());
}

function assertEntraError(body: Record<string, unknown>, error: string, aadsts: number): void {
  assert.equal(body['error'], error);
  assert.match(String(body['error_description']), new RegExp(`^AADSTS${aadsts}: `));
  assert.deepEqual(body['error_codes'], [aadsts]);
  assert.match(String(body['timestamp']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.match(String(body['trace_id']), /^[0-9a-f-]{36}$/);
  assert.match(String(body['correlation_id']), /^[0-9a-f-]{36}$/);
}

describe('startEntraSimulator', () => {
  it('serves on https://localhost with a certificate signed by the returned CA', () => {
    assert.match(sim.origin, /^https:\/\/localhost:\d+$/);
    assert.equal(sim.tenantId, DEFAULT_TENANT_ID);
    assert.equal(sim.authority, `${sim.origin}/${DEFAULT_TENANT_ID}`);
    assert.equal(sim.issuer, `${sim.origin}/${DEFAULT_TENANT_ID}/v2.0`);
    assert.match(sim.caCertPem, /^-----BEGIN CERTIFICATE-----/);
    assert.deepEqual(sim.users.map((u) => u.username), ['alice@contoso.dev', 'bob@contoso.dev']);
  });

  it('is not trusted without the CA', async () => {
    await assert.rejects(
      new Promise((resolve, reject) => {
        import('node:https').then(({ get }) => get(`${sim.authority}/discovery/v2.0/keys`, resolve).on('error', reject), reject);
      }),
      /self-signed certificate|unable to (get|verify)/,
    );
  });

  it('rejects invalid options at start', async () => {
    await assert.rejects(startEntraSimulator({ port: 0, tenantId: 'contoso', clients: [] }), /tenantId must be a GUID/);
    await assert.rejects(startEntraSimulator({ port: 0, clients: [CLIENT, CLIENT] }), /duplicate clientId/);
  });

  it('derives a stable oid for users given without one', async () => {
    const a = await startEntraSimulator({ port: 0, clients: [], users: [{ username: 'carol@contoso.dev', name: 'Carol' }] });
    const b = await startEntraSimulator({ port: 0, clients: [], users: [{ username: 'Carol@contoso.dev', name: 'Carol' }] });
    try {
      assert.match(a.users[0]?.oid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(a.users[0]?.oid, b.users[0]?.oid);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('discovery (OpenID Connect Discovery 1.0)', () => {
  it('publishes Entra v2.0 metadata for the tenant', async () => {
    const res = await send(`${sim.issuer}/.well-known/openid-configuration`, { ca: sim.caCertPem });
    assert.equal(res.status, 200);
    const doc = res.json();
    assert.equal(doc['issuer'], sim.issuer);
    assert.equal(doc['authorization_endpoint'], `${sim.authority}/oauth2/v2.0/authorize`);
    assert.equal(doc['token_endpoint'], `${sim.authority}/oauth2/v2.0/token`);
    assert.equal(doc['jwks_uri'], `${sim.authority}/discovery/v2.0/keys`);
    assert.equal(doc['end_session_endpoint'], `${sim.authority}/oauth2/v2.0/logout`);
    assert.deepEqual(doc['id_token_signing_alg_values_supported'], ['RS256']);
    assert.deepEqual(doc['scopes_supported'], ['openid', 'profile', 'email', 'offline_access']);
    assert.ok((doc['response_types_supported'] as string[]).includes('code'));
    assert.equal(doc['tenant_region_scope'], 'EU');
  });

  it('uses the {tenantid} issuer template for organizations, like Entra', async () => {
    const doc = (await send(`${sim.origin}/organizations/v2.0/.well-known/openid-configuration`, { ca: sim.caCertPem })).json();
    assert.equal(doc['issuer'], `${sim.origin}/{tenantid}/v2.0`);
    assert.equal(doc['token_endpoint'], `${sim.origin}/organizations/oauth2/v2.0/token`);
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await send(`${sim.origin}/contoso.example/v2.0/.well-known/openid-configuration`, { ca: sim.caCertPem });
    assert.equal(res.status, 400);
    assertEntraError(res.json(), 'invalid_tenant', 90002);
    assert.match(String(res.json()['error_description']), /Tenant 'contoso.example' not found/);
  });

  it('publishes the RS256 signing key with a kid and no private parts', async () => {
    const body = (await send(`${sim.authority}/discovery/v2.0/keys`, { ca: sim.caCertPem })).json<{ keys: Record<string, unknown>[] }>();
    assert.equal(body.keys.length, 1);
    const [key] = body.keys;
    assert.equal(key?.['kty'], 'RSA');
    assert.equal(key?.['use'], 'sig');
    assert.match(String(key?.['kid']), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(key?.['d'], undefined);
  });

  it('answers instance discovery with only its own host', async () => {
    const host = new URL(sim.origin).host;
    const url = `${sim.origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${sim.authority}/oauth2/v2.0/authorize`)}`;
    const body = (await send(url, { ca: sim.caCertPem })).json();
    assert.equal(body['tenant_discovery_endpoint'], `${sim.issuer}/.well-known/openid-configuration`);
    assert.deepEqual(body['metadata'], [{ preferred_network: host, preferred_cache: host, aliases: [host] }]);
  });
});

describe('authorize endpoint (RFC 6749 §4.1.1, RFC 7636)', () => {
  it('renders a sign-in form carrying a pending request id', async () => {
    const res = await send(authorizeUrl({ login_hint: 'bob@contoso.dev' }).url, { ca: sim.caCertPem });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.text, new RegExp(`<form method="post" action="/${sim.tenantId}/login"`));
    assert.match(res.text, /<input type="hidden" name="request_id" value="[A-Za-z0-9_-]{43}">/);
    assert.match(res.text, /name="username" value="bob@contoso.dev"/);
    assert.match(res.text, /<button type="submit" class="primary" name="action" value="signin">Next<\/button>/);
  });

  it('shows AADSTS700016 for an unknown client instead of redirecting', async () => {
    const res = await send(authorizeUrl({ client_id: 'nope' }).url, { ca: sim.caCertPem });
    assert.equal(res.status, 400);
    assert.equal(res.headers.location, undefined);
    assert.match(res.text, /AADSTS700016: Application with identifier &#39;nope&#39; was not found in the directory/);
  });

  it('shows AADSTS50011 for a redirect URI that is not registered exactly', async () => {
    const res = await send(authorizeUrl({ redirect_uri: `${REDIRECT}/` }).url, { ca: sim.caCertPem });
    assert.equal(res.status, 400);
    assert.equal(res.headers.location, undefined);
    assert.match(res.text, /AADSTS50011: The redirect URI &#39;http:\/\/localhost:3000\/callback\/&#39; specified in the request does not match/);
  });

  const redirected: Array<[string, Record<string, string | null>, string, number]> = [
    ['a resource parameter', { resource: 'https://mcp.example/mcp' }, 'invalid_target', 9010010],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type', 700054],
    ['a scope without openid', { scope: 'User.Read offline_access' }, 'invalid_scope', 70011],
    ['scopes of two resources', { scope: 'openid User.Read api://other/.default' }, 'invalid_scope', 28000],
    ['no code_challenge', { code_challenge: null }, 'invalid_request', 900144],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request', 9002313],
    ['no nonce', { nonce: null }, 'invalid_request', 900144],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required', 50058],
  ];
  for (const [what, overrides, error, aadsts] of redirected) {
    it(`redirects ${error} (AADSTS${aadsts}) with state for ${what}`, async () => {
      const res = await send(authorizeUrl(overrides).url, { ca: sim.caCertPem });
      assert.equal(res.status, 302);
      const location = new URL(String(res.headers.location));
      assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
      assert.equal(location.searchParams.get('error'), error);
      assert.match(location.searchParams.get('error_description') ?? '', new RegExp(`^AADSTS${aadsts}: .*\\r\\nTrace ID: .*\\r\\nCorrelation ID: .*\\r\\nTimestamp: `, 's'));
      assert.equal(location.searchParams.get('state'), 'state-123');
      assert.equal(location.searchParams.get('code'), null);
    });
  }

  it('redirects without state when state is missing (AADSTS900144)', async () => {
    const res = await send(authorizeUrl({ state: null }).url, { ca: sim.caCertPem });
    const location = new URL(String(res.headers.location));
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /^AADSTS900144: The request body must contain the following parameter: 'state'\./);
    assert.equal(location.searchParams.has('state'), false);
  });
});

describe('sign-in form', () => {
  it('shows the form again with AADSTS50034 for an unknown user', async () => {
    await assert.rejects(
      signInWithSimulator({ authorizeUrl: authorizeUrl().url, username: 'mallory@contoso.dev', caCertPem: sim.caCertPem }),
      /did not sign in 'mallory@contoso.dev' \(200\): This username may be incorrect\. Make sure you typed it correctly\. Otherwise, contact your admin\./,
    );
    const page = await send(authorizeUrl().url, { ca: sim.caCertPem });
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const again = await send(`${sim.authority}/login`, { ca: sim.caCertPem, form: { request_id: requestId, username: 'nobody@contoso.dev' } });
    assert.equal(again.status, 200);
    assert.match(again.text, /AADSTS50034: The user account \{EUII Hidden\} does not exist in the directory/);
    assert.match(again.text, /name="username" value="nobody@contoso.dev"/);
    assert.match(again.text, new RegExp(`name="request_id" value="${requestId}"`));
  });

  it('redirects with code, state and session_state for a known user (case-insensitive)', async () => {
    const { callback } = await obtainCode({}, 'ALICE@contoso.dev');
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT);
    assert.equal(callback.searchParams.get('state'), 'state-123');
    assert.match(callback.searchParams.get('session_state') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('returns access_denied AADSTS65004 when the user cancels', async () => {
    const callback = await signInWithSimulator({ authorizeUrl: authorizeUrl().url, username: '', caCertPem: sim.caCertPem, action: 'cancel' });
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.match(callback.searchParams.get('error_description') ?? '', /^AADSTS65004: User declined to consent to access the app\./);
    assert.equal(callback.searchParams.get('state'), 'state-123');
  });

  it('rejects a pending request id that is unknown or already used (AADSTS50196)', async () => {
    const res = await send(`${sim.authority}/login`, { ca: sim.caCertPem, form: { request_id: 'made-up', username: 'alice@contoso.dev' } });
    assert.equal(res.status, 400);
    assert.match(res.text, /AADSTS50196: This sign-in request is no longer valid/);
  });

  it('posts the code back with response_mode=form_post', async () => {
    const callback = authorizeUrl({ response_mode: 'form_post' });
    const page = await send(callback.url, { ca: sim.caCertPem });
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const res = await send(`${sim.authority}/login`, { ca: sim.caCertPem, form: { request_id: requestId, username: 'bob@contoso.dev' } });
    assert.equal(res.status, 200);
    assert.match(res.text, /<form method="post" action="http:\/\/localhost:3000\/callback">/);
    assert.match(res.text, /<input type="hidden" name="code" value="[A-Za-z0-9_-]{64}">/);
    assert.match(res.text, /<input type="hidden" name="state" value="state-123">/);
  });

  it('signs in silently with the SSO cookie, and prompt=login forces the form', async () => {
    const page = await send(authorizeUrl().url, { ca: sim.caCertPem });
    const requestId = /name="request_id" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const signedIn = await send(`${sim.authority}/login`, { ca: sim.caCertPem, form: { request_id: requestId, username: 'bob@contoso.dev' } });
    const cookie = String(signedIn.headers['set-cookie']?.[0]).split(';')[0] ?? '';
    assert.match(cookie, /^esim_sso=/);
    const attributes = String(signedIn.headers['set-cookie']?.[0]).toLowerCase().split('; ');
    for (const attribute of ['secure', 'httponly', 'samesite=lax', 'path=/']) assert.ok(attributes.includes(attribute), attribute);

    const silent = await send(authorizeUrl({ prompt: 'none' }).url, { ca: sim.caCertPem, headers: { cookie } });
    assert.equal(silent.status, 302);
    assert.ok(new URL(String(silent.headers.location)).searchParams.get('code'));

    const forced = await send(authorizeUrl({ prompt: 'login' }).url, { ca: sim.caCertPem, headers: { cookie } });
    assert.equal(forced.status, 200);
    assert.match(forced.text, /name="username" value=""/);

    const otherHint = await send(authorizeUrl({ login_hint: 'alice@contoso.dev' }).url, { ca: sim.caCertPem, headers: { cookie } });
    assert.equal(otherHint.status, 200);

    const logout = await send(`${sim.authority}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`, { ca: sim.caCertPem, headers: { cookie } });
    assert.equal(logout.status, 302);
    assert.equal(logout.headers.location, REDIRECT);
    const afterLogout = await send(authorizeUrl({ prompt: 'none' }).url, { ca: sim.caCertPem, headers: { cookie } });
    assert.equal(new URL(String(afterLogout.headers.location)).searchParams.get('error'), 'login_required');
  });
});

describe('token endpoint: authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6)', () => {
  it('issues Entra v2.0 tokens for a valid code and PKCE verifier', async () => {
    const { code, verifier } = await obtainCode();
    const res = await redeem(code, verifier);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['scope'], 'User.Read openid profile offline_access');
    assert.equal(body['expires_in'], 3600);
    assert.equal(body['ext_expires_in'], 3600);
    assert.equal(typeof body['refresh_token'], 'string');
    assert.deepEqual(JSON.parse(Buffer.from(String(body['client_info']), 'base64url').toString()), {
      uid: 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b',
      utid: sim.tenantId,
    });

    const { payload, protectedHeader } = await jwtVerify(String(body['id_token']), await jwks(), {
      issuer: sim.issuer,
      audience: CLIENT.clientId,
      algorithms: ['RS256'],
      currentDate: new Date(now),
    });
    assert.equal(protectedHeader.typ, 'JWT');
    assert.ok(protectedHeader.kid);
    assert.equal(payload['oid'], 'a11ce0b1-7c2d-4e3f-8a9b-0c1d2e3f4a5b');
    assert.equal(payload['tid'], sim.tenantId);
    assert.equal(payload['preferred_username'], 'alice@contoso.dev');
    assert.equal(payload['name'], 'Alice Example');
    assert.equal(payload['nonce'], 'nonce-456');
    assert.equal(payload['ver'], '2.0');
    assert.match(String(payload.sub), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(payload.iat, Math.floor(now / 1000));
    assert.equal(payload.nbf, payload.iat);
    assert.equal(payload.exp, (payload.iat ?? 0) + 3600);

    const access = decodeJwt(String(body['access_token']));
    assert.equal(access.aud, '00000003-0000-0000-c000-000000000000');
    assert.equal(access['scp'], 'User.Read');
    assert.equal(access['azp'], CLIENT.clientId);
  });

  it('accepts client_secret_basic', async () => {
    const { code, verifier } = await obtainCode();
    const basic = Buffer.from(`${encodeURIComponent(CLIENT.clientId)}:${encodeURIComponent(CLIENT.clientSecret)}`).toString('base64');
    const res = await tokenRequest(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
      { authorization: `Basic ${basic}` },
    );
    assert.equal(res.status, 200);
    assert.equal(typeof res.json()['id_token'], 'string');
  });

  it('scopes an access token for an api:// resource to that resource', async () => {
    const { code, verifier } = await obtainCode({ scope: 'api://bridge/.default openid profile offline_access' });
    const body = (await redeem(code, verifier)).json();
    assert.equal(body['scope'], 'api://bridge/.default openid profile offline_access');
    assert.equal(decodeJwt(String(body['access_token'])).aud, 'api://bridge');
  });

  it('rejects a wrong PKCE verifier with AADSTS501481 and keeps the code usable', async () => {
    const { code, verifier } = await obtainCode();
    const res = await redeem(code, pkcePair().verifier);
    assert.equal(res.status, 400);
    assertEntraError(res.json(), 'invalid_grant', 501481);
    assert.match(String(res.json()['error_description']), /^AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request\./);
    assert.equal((await redeem(code, verifier)).status, 200);
  });

  it('rejects a replayed code with AADSTS54005', async () => {
    const { code, verifier } = await obtainCode();
    assert.equal((await redeem(code, verifier)).status, 200);
    const replay = await redeem(code, verifier);
    assert.equal(replay.status, 400);
    assertEntraError(replay.json(), 'invalid_grant', 54005);
  });

  it('rejects a code older than 10 minutes with AADSTS70008', async () => {
    const { code, verifier } = await obtainCode();
    now += 10 * 60 * 1000 + 1;
    try {
      const res = await redeem(code, verifier);
      assert.equal(res.status, 400);
      assertEntraError(res.json(), 'invalid_grant', 70008);
    } finally {
      now = Date.now();
    }
  });

  it('rejects a wrong client secret with 401 AADSTS7000215', async () => {
    const { code, verifier } = await obtainCode();
    const res = await redeem(code, verifier, { client_secret: 'wrong' });
    assert.equal(res.status, 401);
    assertEntraError(res.json(), 'invalid_client', 7000215);
    assert.match(String(res.json()['error_description']), /not the client secret ID, for a secret added to app '11111111-2222-4333-8444-555555555555'/);
  });

  it('rejects a missing client secret with 401 AADSTS7000218', async () => {
    const { code, verifier } = await obtainCode();
    const res = await tokenRequest({ grant_type: 'authorization_code', client_id: CLIENT.clientId, code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(res.status, 401);
    assertEntraError(res.json(), 'invalid_client', 7000218);
  });

  it('rejects a code redeemed by another client, a wrong redirect_uri and garbage codes', async () => {
    const { code, verifier } = await obtainCode();
    const other = await redeem(code, verifier, { client_id: OTHER.clientId, client_secret: OTHER.clientSecret });
    assertEntraError(other.json(), 'invalid_grant', 70000);
    const wrongRedirect = await redeem(code, verifier, { redirect_uri: 'http://localhost:3000/elsewhere' });
    assertEntraError(wrongRedirect.json(), 'invalid_grant', 500112);
    const garbage = await redeem('not-a-code', verifier);
    assertEntraError(garbage.json(), 'invalid_grant', 70000);
  });

  it('rejects an unknown client, a resource parameter and an unknown grant type', async () => {
    const unknown = await tokenRequest({ grant_type: 'authorization_code', client_id: 'nope', client_secret: 'x', code: 'x' });
    assert.equal(unknown.status, 400);
    assertEntraError(unknown.json(), 'unauthorized_client', 700016);
    const resource = await tokenRequest({ grant_type: 'authorization_code', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, resource: 'https://x' });
    assertEntraError(resource.json(), 'invalid_target', 9010010);
    const grant = await tokenRequest({ grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    assertEntraError(grant.json(), 'unsupported_grant_type', 70003);
  });

  it('uses client-request-id as the correlation id', async () => {
    const id = '0b9b7a3e-4a9c-4d33-8c0e-7a1c2b3d4e5f';
    const res = await tokenRequest({ grant_type: 'authorization_code', client_id: 'nope', client_secret: 'x' }, { 'client-request-id': id });
    assert.equal(res.json()['correlation_id'], id);
  });
});

describe('token endpoint: refresh_token (RFC 6749 §6)', () => {
  it('issues new tokens without a nonce from a refresh token', async () => {
    const { code, verifier } = await obtainCode({}, 'bob@contoso.dev');
    const first = (await redeem(code, verifier)).json();
    const res = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      refresh_token: String(first['refresh_token']),
    });
    assert.equal(res.status, 200);
    const body = res.json();
    assert.notEqual(body['refresh_token'], first['refresh_token']);
    const { payload } = await jwtVerify(String(body['id_token']), await jwks(), { issuer: sim.issuer, audience: CLIENT.clientId, currentDate: new Date(now) });
    assert.equal(payload['oid'], 'b0b5e1c2-8d3e-4f4a-9b0c-1d2e3f4a5b6c');
    assert.equal(payload['nonce'], undefined);
  });

  it('rejects unknown refresh tokens and refresh tokens of another client', async () => {
    const { code, verifier } = await obtainCode();
    const first = (await redeem(code, verifier)).json();
    const unknown = await tokenRequest({ grant_type: 'refresh_token', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, refresh_token: 'nope' });
    assert.equal(unknown.status, 400);
    assertEntraError(unknown.json(), 'invalid_grant', 9002313);
    const stolen = await tokenRequest({ grant_type: 'refresh_token', client_id: OTHER.clientId, client_secret: OTHER.clientSecret, refresh_token: String(first['refresh_token']) });
    assertEntraError(stolen.json(), 'invalid_grant', 700003);
  });
});

describe('multi-tenant aliases', () => {
  it('completes a sign-in through /organizations with the tenant issuer in the id_token', async () => {
    const { url, verifier } = authorizeUrl({}, 'organizations');
    const callback = await signInWithSimulator({ authorizeUrl: url, username: 'alice@contoso.dev', caCertPem: sim.caCertPem });
    const res = await send(`${sim.origin}/organizations/oauth2/v2.0/token`, {
      ca: sim.caCertPem,
      form: {
        grant_type: 'authorization_code',
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        code: callback.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(decodeJwt(String(res.json()['id_token'])).iss, sim.issuer);
  });
});
