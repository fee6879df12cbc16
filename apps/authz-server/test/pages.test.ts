import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consentWarnings } from '../src/interactions/routes.ts';
import { errorPageText } from '../src/pages.ts';

describe('consent page warnings (MCP AS5)', () => {
  it('warns that a loopback redirect means an app on this computer', () => {
    const warnings = consentWarnings('http://127.0.0.1:33418/');
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /runs on your computer/);
  });

  it('names the scheme of a private-use redirect', () => {
    assert.match(consentWarnings('cursor://anysphere.cursor-mcp/oauth/callback').at(-1)!, /handles cursor:\/\/ links/);
  });

  it('only flags the unverified name for an https redirect', () => {
    assert.deepEqual(consentWarnings('https://claude.ai/api/mcp/auth_callback'), [
      'This application registered itself with this service; its name has not been verified.',
    ]);
  });
});

describe('error page texts', () => {
  it('says what happened and what to do for each code, falling back for unknown codes', () => {
    for (const code of ['invalid_client', 'invalid_redirect_uri', 'session_expired', 'access_denied', 'temporarily_unavailable', 'server_error']) {
      const text = errorPageText(code);
      assert.ok(text.heading && text.explanation && text.advice, code);
    }
    assert.equal(errorPageText('something_new').heading, errorPageText('invalid_request').heading);
    assert.match(errorPageText('invalid_request', 'missing code').explanation, /\(missing code\)$/);
  });
});
