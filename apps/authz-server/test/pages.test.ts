import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorPageText } from '../src/pages.ts';

describe('error page texts', () => {
  it('says what happened and what to do for each code, falling back for unknown codes', () => {
    for (const code of ['invalid_client', 'invalid_redirect_uri', 'session_expired', 'access_denied', 'temporarily_unavailable', 'server_error']) {
      const text = errorPageText(code);
      assert.ok(text.heading && text.explanation && text.advice, code);
    }
    assert.equal(errorPageText('something_new').heading, errorPageText('invalid_request').heading);
    assert.match(errorPageText('invalid_request', 'missing code').explanation, /\(missing code\)$/);
  });

  it('explains a client metadata document that could not be read, not a lost registration', () => {
    const text = errorPageText('invalid_client', 'client_id metadata document fetch failed');
    assert.equal(text.heading, 'This application’s description could not be read');
    assert.match(text.explanation, /\(client_id metadata document fetch failed\)$/);
    assert.equal(errorPageText('invalid_client_metadata', 'the client metadata document has no client_name').heading, text.heading);
    assert.equal(errorPageText('invalid_client', 'client not found').heading, 'This application is not known here');
  });
});
