import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeBearerGuard, createTokenVerifier, type AuthenticatedIncomingMessage } from '../../src/index.ts';
import { startTestIssuer, type TestIssuer } from '../fixtures/issuer.ts';

describe('createNodeBearerGuard — node:http adapter (RFC 6750)', () => {
  let idp: TestIssuer;
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    idp = await startTestIssuer({ audience: url });
    const guard = createNodeBearerGuard({
      verifier: createTokenVerifier({ issuer: idp.issuer, audience: url, jwksUri: idp.jwksUri }),
      resourceMetadataUrl: 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp',
      scopes: ['mcp:read', 'mcp:write'],
    });
    server.on('request', (req, res) => {
      const needed = req.method === 'POST' ? ['mcp:write'] : undefined;
      void guard(req, res, needed).then((auth) => {
        if (!auth) return;
        const seen = (req as AuthenticatedIncomingMessage).auth;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ oid: seen?.objectId, same: seen === auth }));
      });
    });
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await idp.close();
  });

  it('answers 401 with the challenge and a JSON body', async () => {
    const res = await fetch(url);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource/mcp", scope="mcp:read mcp:write"');
    const body = await res.json() as { error: string; error_description: string };
    assert.equal(body.error, 'invalid_token');
    assert.match(body.error_description, /requires an OAuth access token/);
  });

  it('sets req.auth for a valid token', async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${await idp.mint()}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { oid: '11111111-1111-4111-8111-111111111111', same: true });
  });

  it('answers 403 insufficient_scope for per-call required scopes', async () => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${await idp.mint({ scope: 'mcp:read' })}` } });
    assert.equal(res.status, 403);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="insufficient_scope", scope="mcp:write mcp:read", resource_metadata="/);
    assert.equal((await res.json() as { error: string }).error, 'insufficient_scope');
  });
});
