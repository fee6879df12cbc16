import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { createLogger } from '@mcp-bridge/logger';

import { connectCosmos, EMULATOR_WELL_KNOWN_KEY, startEmbeddedCosmos } from '../src/index.ts';

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'warn', destination }) };
}

describe('embedded Cosmos server (@vercel/cosmosdb-server in process)', () => {
  it('listens on a free port and answers the real SDK', async () => {
    const { logger } = captureLogger();
    const cosmos = await startEmbeddedCosmos({ logger });
    try {
      assert.match(cosmos.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(cosmos.key, EMULATOR_WELL_KNOWN_KEY);
      const { client, database } = await connectCosmos({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: 'embedded-test' });
      assert.equal(database.id, 'embedded-test');
      client.dispose();
    } finally {
      await cosmos.close();
    }
  });

  it('warns loudly that it is in-memory and not for production', async () => {
    const { lines, logger } = captureLogger();
    const cosmos = await startEmbeddedCosmos({ logger });
    await cosmos.close();
    const warning = lines.find((l) => l.level === 40);
    assert.ok(warning, 'a warn-level line');
    assert.match(String(warning.msg), /IN-MEMORY ONLY/);
    assert.match(String(warning.msg), /NEVER for production/);
    assert.equal(warning.endpoint, cosmos.endpoint);
    assert.equal(warning.pkg, 'store-cosmos');
  });

  it('refuses connections after close, and close is idempotent', async () => {
    const { logger } = captureLogger();
    const cosmos = await startEmbeddedCosmos({ logger });
    await cosmos.close();
    await cosmos.close();
    await assert.rejects(fetch(cosmos.endpoint), /fetch failed/);
  });

  it('reports a port that is already taken', async () => {
    const { logger } = captureLogger();
    const first = await startEmbeddedCosmos({ logger });
    try {
      const port = Number(new URL(first.endpoint).port);
      await assert.rejects(startEmbeddedCosmos({ logger, port }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
