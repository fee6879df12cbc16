import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { openTestStore, T0, type TestStore } from './helpers/embedded-store.ts';

let t: TestStore;
before(async () => { t = await openTestStore(); });
after(() => t.close());

const RESOURCE = 'https://mcp.example/mcp';
const CIMD_CLIENT = 'https://app.example/oauth/client-metadata.json?tenant=a#x';

describe('consent store: per (account, client) registry', () => {
  it('records a consent for a client whose id is a URL', async () => {
    t.clock.ms = T0;
    const consent = await t.store.consents.grant('acc-1', CIMD_CLIENT, ['mcp:tools', 'mcp:tools'], RESOURCE);
    assert.deepEqual(consent, { accountId: 'acc-1', clientId: CIMD_CLIENT, scopes: ['mcp:tools'], resource: RESOURCE, redirectUris: [], grantedAt: new Date(T0).toISOString() });
    assert.deepEqual(await t.store.consents.find('acc-1', CIMD_CLIENT), consent);
  });

  it('merges scopes into an existing consent for the same resource', async () => {
    await t.store.consents.grant('acc-2', 'client-a', ['read'], RESOURCE);
    t.clock.ms = T0 + 5_000;
    const merged = await t.store.consents.grant('acc-2', 'client-a', ['write', 'read'], RESOURCE);
    assert.deepEqual(merged.scopes, ['read', 'write']);
    assert.equal(merged.grantedAt, new Date(T0 + 5_000).toISOString());
    assert.deepEqual((await t.store.consents.find('acc-2', 'client-a'))?.scopes, ['read', 'write']);
    t.clock.ms = T0;
  });

  it('remembers every redirect URI the user approved the client for', async () => {
    await t.store.consents.grant('acc-5', 'client-r', ['read'], RESOURCE, 'http://127.0.0.1:33418/');
    const both = await t.store.consents.grant('acc-5', 'client-r', ['read'], RESOURCE, 'https://vscode.dev/redirect');
    assert.deepEqual(both.redirectUris, ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect']);
    const again = await t.store.consents.grant('acc-5', 'client-r', ['read'], RESOURCE, 'http://127.0.0.1:33418/');
    assert.deepEqual(again.redirectUris, ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'], 'no duplicates');
  });

  it('replaces the scopes when the consent is for another resource', async () => {
    await t.store.consents.grant('acc-3', 'client-a', ['read'], RESOURCE);
    const other = await t.store.consents.grant('acc-3', 'client-a', ['admin'], 'https://other.example/mcp');
    assert.deepEqual(other.scopes, ['admin']);
    assert.equal(other.resource, 'https://other.example/mcp');
  });

  it('keeps every scope when grants for the same pair race (etag merge)', async () => {
    const scopes = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(scopes.map((s) => t.store.consents.grant('acc-4', 'client-race', [s], RESOURCE)));
    const found = await t.store.consents.find('acc-4', 'client-race');
    assert.deepEqual([...(found?.scopes ?? [])].sort(), scopes);
  });

  it('separates accounts and clients', async () => {
    await t.store.consents.grant('acc-5', 'client-a', ['read'], RESOURCE);
    assert.equal(await t.store.consents.find('acc-5', 'client-b'), undefined);
    assert.equal(await t.store.consents.find('acc-6', 'client-a'), undefined);
  });

  it('revokes a consent and reports whether one existed', async () => {
    await t.store.consents.grant('acc-7', CIMD_CLIENT, ['read'], RESOURCE);
    assert.equal(await t.store.consents.revoke('acc-7', CIMD_CLIENT), true);
    assert.equal(await t.store.consents.find('acc-7', CIMD_CLIENT), undefined);
    assert.equal(await t.store.consents.revoke('acc-7', CIMD_CLIENT), false);
  });
});
