import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { audienceFor, GRAPH_APP_ID, parseScope, scpFor } from '../../src/internal/scopes.ts';

describe('parseScope (Entra v2.0 scope rules)', () => {
  it('treats bare names as Microsoft Graph scopes', () => {
    const parsed = parseScope('User.Read openid profile offline_access');
    assert.deepEqual(parsed.oidc, ['openid', 'profile', 'offline_access']);
    assert.deepEqual(parsed.resourceScopes, ['User.Read']);
    assert.equal(parsed.resource, 'https://graph.microsoft.com');
    assert.equal(audienceFor(parsed.resource ?? ''), GRAPH_APP_ID);
  });

  it('reads the resource of api:// and https:// scopes', () => {
    assert.equal(parseScope('openid api://bridge/access_as_user api://bridge/.default').resource, 'api://bridge');
    assert.equal(parseScope('https://mcp.example.com/api/Read openid').resource, 'https://mcp.example.com/api');
    assert.equal(scpFor(['api://bridge/access_as_user', 'api://bridge/.default']), 'access_as_user user_impersonation');
  });

  it('defaults to Graph with only OIDC scopes and flags two resources', () => {
    assert.equal(parseScope('openid profile').resource, 'https://graph.microsoft.com');
    assert.equal(scpFor([]), 'User.Read');
    assert.equal(parseScope('openid User.Read api://other/.default').resource, undefined);
  });

  it('removes duplicates and empty entries', () => {
    assert.deepEqual(parseScope('  openid openid  User.Read ').all, ['openid', 'User.Read']);
  });
});
