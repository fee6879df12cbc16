import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authenticateRequest, createTokenVerifier, insufficientScope, type AuthenticateRequestOptions, type AuthenticateResult, type GuardFailure } from '../src/index.ts';
import { startTestIssuer, type TestIssuer } from './fixtures/issuer.ts';

const RESOURCE = 'http://localhost:9100/mcp';
const PRM = 'http://localhost:9100/.well-known/oauth-protected-resource/mcp';
const CHALLENGE = `Bearer resource_metadata="${PRM}", scope="mcp:read mcp:write"`;

function failed(result: AuthenticateResult): GuardFailure {
  assert.equal(result.ok, false, 'expected the request to be refused');
  return result as GuardFailure;
}

describe('authenticateRequest — bearer token usage (RFC 6750 §2–3, MCP authorization)', () => {
  let idp: TestIssuer;
  let options: AuthenticateRequestOptions;

  before(async () => {
    idp = await startTestIssuer({ audience: RESOURCE });
    options = {
      verifier: createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: idp.jwksUri }),
      resourceMetadataUrl: PRM,
      scopes: ['mcp:read', 'mcp:write'],
    };
  });
  after(() => idp.close());

  it('A12 answers 401 with the discovery challenge and no error code when no token is sent', async () => {
    const result = failed(await authenticateRequest({ headers: {}, url: '/mcp' }, options));
    assert.equal(result.status, 401);
    assert.equal(result.headers['www-authenticate'], CHALLENGE);
    assert.equal(result.headers['content-type'], 'application/json');
    assert.equal(result.headers['cache-control'], 'no-store');
    assert.deepEqual(result.body, {
      error: 'invalid_token',
      error_description: 'This resource requires an OAuth access token. Sign in with the authorization server named in the resource metadata and send Authorization: Bearer <token>.',
    });
  });

  it('treats another auth scheme (Basic) like a missing token', async () => {
    const result = failed(await authenticateRequest({ headers: { authorization: 'Basic YTpi' }, url: '/mcp' }, options));
    assert.equal(result.status, 401);
    assert.equal(result.headers['www-authenticate'], CHALLENGE);
  });

  it('A13 refuses a token in ?access_token= with 401 invalid_request, even when it is valid', async () => {
    const token = await idp.mint();
    for (const headers of [{}, { authorization: `Bearer ${token}` }]) {
      const result = failed(await authenticateRequest({ headers, url: `/mcp?access_token=${token}` }, options));
      assert.equal(result.status, 401);
      const description = 'Access tokens are accepted only in the Authorization header (RFC 6750 section 2.1), never in the URL. Remove access_token from the query and send Authorization: Bearer <token>.';
      assert.deepEqual(result.body, { error: 'invalid_request', error_description: description });
      assert.equal(result.headers['www-authenticate'], `${CHALLENGE}, error="invalid_request", error_description="${description}"`);
    }
  });

  it('answers 400 invalid_request to a malformed Bearer header', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer tok"en', 'Bearer\ttoken']) {
      const result = failed(await authenticateRequest({ headers: { authorization }, url: '/mcp' }, options));
      assert.equal(result.status, 400, authorization);
      const description = 'The Authorization header is malformed: expected exactly "Bearer <token>" with one token.';
      assert.deepEqual(result.body, { error: 'invalid_request', error_description: description });
      assert.equal(result.headers['www-authenticate'],
        `${CHALLENGE}, error="invalid_request", error_description="The Authorization header is malformed: expected exactly 'Bearer <token>' with one token."`);
    }
  });

  it('answers 401 invalid_token with the reason for a rejected token', async () => {
    const token = await idp.mint({ aud: 'http://localhost:9200/other' });
    const result = failed(await authenticateRequest({ headers: { authorization: `Bearer ${token}` }, url: '/mcp' }, options));
    assert.equal(result.status, 401);
    const description = `The access token was issued for another resource; request one for ${RESOURCE} (resource parameter, RFC 8707).`;
    assert.deepEqual(result.body, { error: 'invalid_token', error_description: description });
    assert.equal(result.headers['www-authenticate'], `${CHALLENGE}, error="invalid_token", error_description="${description}"`);
    assert.equal(result.error.code, 'invalid_token');
  });

  it('accepts a valid token from the Authorization header (scheme case-insensitive, web Headers too)', async () => {
    const token = await idp.mint();
    for (const headers of [{ authorization: `Bearer ${token}` }, { authorization: `bearer ${token}` }, new Headers({ Authorization: `Bearer ${token}` })]) {
      const result = await authenticateRequest({ headers, url: 'http://localhost:9100/mcp?x=1' }, options);
      assert.equal(result.ok, true);
      if (result.ok) assert.equal(result.auth.objectId, '11111111-1111-4111-8111-111111111111');
    }
  });

  it('A19 answers 403 insufficient_scope listing the needed and granted scopes', async () => {
    const token = await idp.mint({ scope: 'openid offline_access mcp:read' });
    const result = failed(await authenticateRequest({ headers: { authorization: `Bearer ${token}` }, url: '/mcp' }, { ...options, requiredScopes: ['mcp:write'] }));
    assert.equal(result.status, 403);
    assert.equal(result.headers['www-authenticate'],
      `Bearer error="insufficient_scope", scope="mcp:write openid offline_access mcp:read", resource_metadata="${PRM}", error_description="This request needs the scope mcp:write, which the access token was not granted."`);
    assert.deepEqual(result.body, {
      error: 'insufficient_scope',
      error_description: 'This request needs the scope mcp:write, which the access token was not granted. Authorize again with scope="mcp:write openid offline_access mcp:read".',
    });
  });

  it('answers 503 without a challenge when the verifier cannot reach the keys', async () => {
    const unreachable = { ...options, verifier: createTokenVerifier({ issuer: idp.issuer, audience: RESOURCE, jwksUri: 'http://127.0.0.1:1/jwks' }) };
    const result = failed(await authenticateRequest({ headers: { authorization: `Bearer ${await idp.mint()}` }, url: '/mcp' }, unreachable));
    assert.equal(result.status, 503);
    assert.equal(result.headers['www-authenticate'], undefined);
    assert.equal(result.headers['retry-after'], '5');
    assert.equal(result.body.error, 'temporarily_unavailable');
  });

  it('answers 500 server_error when the verifier throws something unexpected', async () => {
    const broken = { ...options, verifier: { verify: () => Promise.reject(new Error('boom')) } };
    const result = failed(await authenticateRequest({ headers: { authorization: 'Bearer abc' }, url: '/mcp' }, broken));
    assert.equal(result.status, 500);
    assert.deepEqual(result.body, { error: 'server_error', error_description: 'The access token could not be checked because of an internal error.' });
    assert.equal((result.error.cause as Error).message, 'boom');
  });
});

describe('insufficientScope — step-up challenge (RFC 6750 §3.1, MCP scope challenge handling)', () => {
  it('returns undefined when every needed scope is granted', () => {
    assert.equal(insufficientScope({ scopes: ['mcp:read', 'mcp:write'] }, ['mcp:write'], { resourceMetadataUrl: PRM }), undefined);
  });

  it('lists several missing scopes', () => {
    const failure = insufficientScope({ scopes: [] }, ['mcp:read', 'mcp:write'], { resourceMetadataUrl: PRM });
    assert.equal(failure?.status, 403);
    assert.equal(failure?.headers['www-authenticate'],
      `Bearer error="insufficient_scope", scope="mcp:read mcp:write", resource_metadata="${PRM}", error_description="This request needs the scopes mcp:read mcp:write, which the access token was not granted."`);
  });
});

describe('authenticateRequest — query parsing (RS7)', () => {
  it('finds access_token in any query position and ignores it in the path or fragment', async () => {
    const options = {
      verifier: { verify: () => Promise.reject(new Error('not called')) },
      resourceMetadataUrl: PRM,
      scopes: ['mcp:read'],
    };
    for (const url of ['/mcp?a=1&access_token=x', 'http://localhost:9100/mcp?access_token=', '/mcp?access_token']) {
      const result = failed(await authenticateRequest({ headers: {}, url }, options));
      assert.equal(result.body.error, 'invalid_request', url);
    }
    for (const url of ['/access_token', '/mcp#access_token=x', '/mcp?x=access_token']) {
      const result = failed(await authenticateRequest({ headers: {}, url }, options));
      assert.equal(result.status, 401, url);
      assert.equal(result.headers['www-authenticate'], `Bearer resource_metadata="${PRM}", scope="mcp:read"`, url);
    }
  });
});
