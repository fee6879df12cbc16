import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEntraSimulator, type EntraSimulator } from '@mcp-bridge/entra-simulator';
import {
  createHttpsClient,
  createMsalNetworkClient,
  UpstreamCertificateError,
  UpstreamHostNotAllowedError,
} from '../../src/internal/https-client.ts';

let sim: EntraSimulator;
before(async () => {
  sim = await startEntraSimulator({ port: 0, clients: [] });
});
after(() => sim.close());

describe('createHttpsClient', () => {
  it('calls the allowed host trusting the extra CA', async () => {
    const send = createHttpsClient({ allowedHosts: [new URL(sim.origin).host], caCertPem: sim.caCertPem });
    const res = await send(`${sim.issuer}/.well-known/openid-configuration`, { method: 'GET' });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body.toString())['issuer'], sim.issuer);
  });

  it('refuses any other host, login.microsoftonline.com included, and plain http', async () => {
    const send = createHttpsClient({ allowedHosts: [new URL(sim.origin).host], caCertPem: sim.caCertPem });
    await assert.rejects(send('https://login.microsoftonline.com/common/discovery/instance', { method: 'GET' }), UpstreamHostNotAllowedError);
    await assert.rejects(send(sim.origin.replace('https:', 'http:'), { method: 'GET' }), UpstreamHostNotAllowedError);
  });

  it('reports an untrusted certificate as such', async () => {
    const send = createHttpsClient({ allowedHosts: [new URL(sim.origin).host] });
    await assert.rejects(send(`${sim.issuer}/.well-known/openid-configuration`, { method: 'GET' }), UpstreamCertificateError);
  });
});

describe('createMsalNetworkClient (INetworkModule)', () => {
  it('returns status, lower-case headers and parsed JSON for error responses too', async () => {
    const client = createMsalNetworkClient(createHttpsClient({ allowedHosts: [new URL(sim.origin).host], caCertPem: sim.caCertPem }));
    const res = await client.sendPostRequestAsync<Record<string, unknown>>(`${sim.authority}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&client_id=nope&client_secret=x',
    });
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'] ?? '', /application\/json/);
    assert.equal(res.body['error'], 'unauthorized_client');
  });
});
