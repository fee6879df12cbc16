import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination }) };
}

describe('createLogger redaction (MCP RS9: never log tokens)', () => {
  it('redacts tokens, codes, secrets and cookies at the top level and one level down', () => {
    const { lines, logger } = capture();
    logger.info({
      access_token: 'eyJ.secret.at',
      refresh_token: 'rt-secret',
      code: 'code-secret',
      client_secret: 'cs-secret',
      body: { id_token: 'eyJ.secret.id', code_verifier: 'verifier-secret', state: 'state-secret' },
      req: { headers: { authorization: 'Bearer eyJ.secret', cookie: 'session=secret' } },
      clientId: 'visible-client',
    }, 'event');
    const line = lines.join('');
    for (const secret of ['eyJ.secret.at', 'rt-secret', 'code-secret', 'cs-secret', 'eyJ.secret.id', 'verifier-secret', 'state-secret', 'Bearer eyJ.secret', 'session=secret']) {
      assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
    }
    assert.match(line, /visible-client/);
    assert.match(line, /\[redacted\]/);
  });
});
