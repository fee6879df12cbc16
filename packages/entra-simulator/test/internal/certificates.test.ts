import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateTlsMaterial, loadOrCreateTlsMaterial } from '../../src/internal/certificates.ts';
import { startEntraSimulator } from '../../src/index.ts';
import { send } from '../support/https-client.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'entra-sim-'));
  dirs.push(dir);
  return dir;
}

describe('TLS material', () => {
  it('makes a CA and a localhost server certificate signed by it', () => {
    const tls = generateTlsMaterial();
    const ca = new X509Certificate(tls.caCertPem);
    const server = new X509Certificate(tls.serverCertPem);
    assert.equal(ca.ca, true);
    assert.equal(server.ca, false);
    assert.ok(server.verify(ca.publicKey));
    assert.ok(server.checkIssued(ca));
    assert.equal(server.checkHost('localhost'), 'localhost');
    assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
    assert.match(server.subjectAltName ?? '', /DNS:localhost/);
    assert.ok(Date.parse(server.validTo) - Date.now() <= 398 * 24 * 3600 * 1000);
    assert.ok(server.checkPrivateKey(createPrivateKey(tls.serverKeyPem)));
  });

  it('creates files on first start and reuses them afterwards', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateTlsMaterial(dir);
    assert.equal((await stat(join(dir, 'ca.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'server.key'))).mode & 0o777, 0o600);
    const second = await loadOrCreateTlsMaterial(dir);
    assert.deepEqual(second, first);
  });

  it('re-issues a missing server certificate under the same CA', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateTlsMaterial(dir);
    await unlink(join(dir, 'server.crt'));
    const second = await loadOrCreateTlsMaterial(dir);
    assert.equal(second.caCertPem, first.caCertPem);
    assert.notEqual(second.serverCertPem, first.serverCertPem);
    assert.ok(new X509Certificate(second.serverCertPem).verify(new X509Certificate(first.caCertPem).publicKey));
  });

  it('keeps the CA and the token signing key across simulator restarts with certDir', async () => {
    const dir = await tempDir();
    const keysOf = async (sim: Awaited<ReturnType<typeof startEntraSimulator>>) =>
      (await send(`${sim.authority}/discovery/v2.0/keys`, { ca: sim.caCertPem })).json();
    const a = await startEntraSimulator({ port: 0, clients: [], certDir: dir });
    const aKeys = await keysOf(a);
    await a.close();
    const b = await startEntraSimulator({ port: 0, clients: [], certDir: dir });
    try {
      assert.equal(b.caCertPem, a.caCertPem);
      assert.deepEqual(await keysOf(b), aKeys);
    } finally {
      await b.close();
    }
  });
});

