import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerChallenge } from '../src/index.ts';

const PRM = 'http://localhost:9100/.well-known/oauth-protected-resource/mcp';

describe('bearerChallenge — WWW-Authenticate (RFC 6750 §3, RFC 9728 §5.1)', () => {
  it('builds the 401 challenge without an error code when no token was sent', () => {
    assert.equal(
      bearerChallenge({ resourceMetadataUrl: PRM, scopes: ['mcp:read', 'mcp:write'] }),
      `Bearer resource_metadata="${PRM}", scope="mcp:read mcp:write"`,
    );
  });

  it('appends error and error_description for a rejected token', () => {
    assert.equal(
      bearerChallenge({ resourceMetadataUrl: PRM, scopes: ['mcp:read', 'mcp:write'], error: 'invalid_token', errorDescription: 'The access token has expired.' }),
      `Bearer resource_metadata="${PRM}", scope="mcp:read mcp:write", error="invalid_token", error_description="The access token has expired."`,
    );
  });

  it('builds the 403 insufficient_scope challenge with error first', () => {
    assert.equal(
      bearerChallenge({ resourceMetadataUrl: PRM, scopes: ['mcp:write', 'mcp:read'], error: 'insufficient_scope', errorDescription: 'Needs mcp:write.' }),
      `Bearer error="insufficient_scope", scope="mcp:write mcp:read", resource_metadata="${PRM}", error_description="Needs mcp:write."`,
    );
  });

  it('keeps error_description within the characters RFC 6750 allows (no quote, backslash or non-ASCII)', () => {
    const header = bearerChallenge({ resourceMetadataUrl: PRM, error: 'invalid_token', errorDescription: 'bad "token" \\ § é\r\nX-Injected: 1' });
    assert.equal(header, `Bearer resource_metadata="${PRM}", error="invalid_token", error_description="bad 'token' ' ' '''X-Injected: 1"`);
  });

  it('omits scope when none is given', () => {
    assert.equal(bearerChallenge({ resourceMetadataUrl: PRM }), `Bearer resource_metadata="${PRM}"`);
  });
});
