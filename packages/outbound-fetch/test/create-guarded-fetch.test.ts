import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import {
  createGuardedFetch,
  OUTBOUND_USER_AGENT,
  OutboundRequestFailed,
  OutboundRequestRefused,
  type GuardedFetchOptions,
} from '../src/index.ts';
import { startPlainServer, startTestServer, type TestServer } from './support/test-server.ts';
import { generateTlsMaterial, type TlsMaterial } from '@mcp-bridge/entra-simulator';

const CLIENT_DOCUMENT = { client_id: 'https://cimd.test/client.json', client_name: 'Test', redirect_uris: ['http://127.0.0.1/cb'] };
const LIMIT = 1024;
const SHORT_TIMEOUT_MS = 300;
// A broken deadline must fail its test quickly, not hang the file.
const DEADLINE_TEST_TIMEOUT_MS = 3000;

type Lookup = NonNullable<GuardedFetchOptions['lookup']>;

/** A lookup that answers `answers` for every name and records the names it was asked. */
function fixedLookup(...answers: string[]): Lookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    return answers.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(lookup, { calls });
}

async function refusal(promise: Promise<unknown>): Promise<OutboundRequestRefused> {
  const error = await promise.then(
    () => assert.fail('expected the request to be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutboundRequestRefused, `expected OutboundRequestRefused, got ${String(error)}`);
  return error;
}

async function failure(promise: Promise<unknown>): Promise<OutboundRequestFailed> {
  const error = await promise.then(
    () => assert.fail('expected the request to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutboundRequestFailed, `expected OutboundRequestFailed, got ${String(error)}`);
  return error;
}

describe('createGuardedFetch (CIMD SSRF guard, attack catalogue A27/A29, requirement AS5)', () => {
  let tls: TlsMaterial;
  let server: TestServer;
  let base: string;
  /** Allowed to reach the local test server. */
  let allowLocal: GuardedFetchOptions;

  before(async () => {
    // A throwaway CA; the server certificate names localhost, 127.0.0.1, ::1 and cimd.test.
    tls = generateTlsMaterial(['cimd.test']);
    server = await startTestServer(tls, {
      '/client.json': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(CLIENT_DOCUMENT));
      },
      '/redirect': (_req, res) => {
        res.writeHead(302, { location: `${base}/target` }).end();
      },
      '/target': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      '/declared-too-large': (_req, res) => {
        res.writeHead(200, { 'content-length': String(LIMIT + 1) }).end(Buffer.alloc(LIMIT + 1, 0x61));
      },
      '/streamed-too-large': (_req, res) => {
        // No Content-Length: chunked transfer encoding.
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 8; i += 1) res.write(Buffer.alloc(256, 0x61));
        res.end();
      },
      '/exactly-at-limit': (_req, res) => {
        res.writeHead(200);
        for (let i = 0; i < 4; i += 1) res.write(Buffer.alloc(LIMIT / 4, 0x61));
        res.end();
      },
      '/gzip-bomb': (_req, res) => {
        const compressed = gzipSync(Buffer.alloc(100 * LIMIT, 0x61));
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(compressed.length) }).end(compressed);
      },
      '/no-headers': () => {
        // Never answers.
      },
      '/slow-body': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"client_id":');
        // ...and never finishes.
      },
      '/echo': (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => res.writeHead(200).end(`${req.method ?? ''} ${Buffer.concat(chunks).toString('utf8')}`));
      },
      '/odd-status': (_req, res) => {
        res.writeHead(999).end('{}');
      },
      '/no-content': (_req, res) => {
        res.writeHead(204).end();
      },
    });
    base = `https://127.0.0.1:${server.port}`;
    allowLocal = { ca: tls.caCertPem, dangerouslyAllowAddresses: ['127.0.0.1'] };
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => server.reset());

  describe('fetching', () => {
    it('fetches a JSON document from an allowed address, trusting the extra CA', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const response = await guardedFetch(`${base}/client.json`, { method: 'GET', headers: { accept: 'application/json' } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.deepEqual(await response.json(), CLIENT_DOCUMENT);
      assert.equal(server.log.requests.length, 1);
      assert.equal(server.log.requests[0]?.headers.accept, 'application/json');
    });

    it('supports reading the body by async iteration, as oidc-provider does', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const response = await guardedFetch(`${base}/client.json`);
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
      assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString('utf8')), CLIENT_DOCUMENT);
    });

    it('sends a fixed user-agent and no cookies, whatever the caller set', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const response = await guardedFetch(`${base}/client.json`, {
        // oidc-provider passes a (global) Headers instance.
        headers: new Headers({ 'user-agent': 'attacker-chosen', cookie: 'session=secret', 'proxy-authorization': 'Basic eDp5' }),
      });
      await response.arrayBuffer();
      const headers = server.log.requests[0]?.headers;
      assert.equal(headers?.['user-agent'], OUTBOUND_USER_AGENT);
      assert.equal(headers?.['user-agent'], 'mcp-auth-bridge (client metadata fetch)');
      assert.equal(headers?.cookie, undefined);
      assert.equal(headers?.['proxy-authorization'], undefined);
    });

    it('connects a name to the address its lookup vetted and checks the certificate against the name', async () => {
      const lookup = fixedLookup('127.0.0.1');
      const guardedFetch = createGuardedFetch({ ...allowLocal, lookup });
      const response = await guardedFetch(`https://cimd.test:${server.port}/client.json`);
      assert.deepEqual(await response.json(), CLIENT_DOCUMENT);
      assert.deepEqual(lookup.calls, ['cimd.test']);
      assert.equal(server.log.requests[0]?.headers.host, `cimd.test:${server.port}`);
    });

    it('passes method and body through (oidc-provider POSTs back-channel logout notifications)', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const response = await guardedFetch(`${base}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: 'x.y.z' }),
      });
      assert.equal(response.status, 200);
      assert.equal(await response.text(), 'POST logout_token=x.y.z');
    });

    it('returns a 204 with an empty body', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, maxResponseBytes: LIMIT });
      const response = await guardedFetch(`${base}/no-content`);
      assert.equal(response.status, 204);
      assert.equal(response.body, null);
    });

    it('fails a response with a status outside 200-599 rather than returning it', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const error = await failure(guardedFetch(`${base}/odd-status`));
      assert.equal(error.message, `GET ${base} answered with HTTP status 999`);
    });
  });

  describe('special-use addresses are refused before any TCP connection', () => {
    it('refuses https://127.0.0.1 by default', async () => {
      const guardedFetch = createGuardedFetch({ ca: tls.caCertPem });
      const error = await refusal(guardedFetch(`${base}/client.json`));
      assert.equal(error.reason, '127.0.0.1 is a loopback address (127.0.0.0/8)');
      assert.equal(error.message, 'outbound request refused: 127.0.0.1 is a loopback address (127.0.0.0/8)');
      assert.equal(server.log.connections, 0);
    });

    it('refuses https://localhost by default (the system resolver answers loopback)', async () => {
      const guardedFetch = createGuardedFetch({ ca: tls.caCertPem });
      const error = await refusal(guardedFetch(`https://localhost:${server.port}/client.json`));
      assert.match(error.reason, /^localhost resolves to (127\.0\.0\.1|::1), (a|the) loopback address \((127\.0\.0\.0\/8|::1\/128)\)$/);
      assert.equal(server.log.connections, 0);
    });

    it('judges the host as the URL parser normalises it (0x7f.1, 2130706433, 127.1, [::ffff:127.0.0.1])', async () => {
      const guardedFetch = createGuardedFetch({ ca: tls.caCertPem });
      const cases: [string, string][] = [
        ['0x7f.1', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
        ['2130706433', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
        ['127.1', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
        ['0177.0.0.1', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
        ['[::ffff:127.0.0.1]', '[::ffff:7f00:1] is the IPv4-mapped form of 127.0.0.1, a loopback address (127.0.0.0/8)'],
      ];
      for (const [host, reason] of cases) {
        const error = await refusal(guardedFetch(`https://${host}:${server.port}/client.json`));
        assert.equal(error.reason, reason, host);
      }
      assert.equal(server.log.connections, 0);
    });

    it('refuses IPv6 literals: [::1], [fe80::1], [fd00::1]', async () => {
      const guardedFetch = createGuardedFetch();
      assert.equal((await refusal(guardedFetch('https://[::1]/'))).reason, '[::1] is the loopback address (::1/128)');
      assert.equal((await refusal(guardedFetch('https://[fe80::1]/'))).reason, '[fe80::1] is a link-local address (fe80::/10)');
      assert.equal(
        (await refusal(guardedFetch('https://[fd00::1]/'))).reason,
        '[fd00::1] is a unique local (private) address (fc00::/7)',
      );
    });

    it('refuses a name that resolves to a private address (10.0.0.1)', async () => {
      const lookup = fixedLookup('10.0.0.1');
      const guardedFetch = createGuardedFetch({ lookup });
      const error = await refusal(guardedFetch('https://metadata.test/client.json'));
      assert.equal(error.reason, 'metadata.test resolves to 10.0.0.1, a private address (10.0.0.0/8)');
      assert.deepEqual(lookup.calls, ['metadata.test']);
    });

    it('refuses a name that resolves to the cloud metadata address (169.254.169.254)', async () => {
      const guardedFetch = createGuardedFetch({ lookup: fixedLookup('169.254.169.254') });
      const error = await refusal(guardedFetch('https://metadata.test/latest/meta-data/'));
      assert.equal(error.reason, 'metadata.test resolves to 169.254.169.254, a link-local address (169.254.0.0/16)');
    });

    it('refuses a name whose answers mix public and private addresses', async () => {
      const guardedFetch = createGuardedFetch({ lookup: fixedLookup('93.184.216.34', '2606:4700::1111', 'fd00::7'), timeoutMs: 1000 });
      const error = await refusal(guardedFetch('https://mixed.test/client.json'));
      assert.equal(error.reason, 'mixed.test resolves to fd00::7, a unique local (private) address (fc00::/7)');
    });

    it('refuses mixed answers even when the first answer is reachable', async () => {
      // 127.0.0.1 stands in for a public address here: were the guard to connect to the "good"
      // answer and ignore the bad one, the test server would see a connection.
      const guardedFetch = createGuardedFetch({ ...allowLocal, lookup: fixedLookup('127.0.0.1', '192.168.1.1') });
      const error = await refusal(guardedFetch(`https://cimd.test:${server.port}/client.json`));
      assert.equal(error.reason, 'cimd.test resolves to 192.168.1.1, a private address (192.168.0.0/16)');
      assert.equal(server.log.connections, 0);
    });

    it('refuses a name that resolves to the test server when its address is not allowed', async () => {
      const guardedFetch = createGuardedFetch({ ca: tls.caCertPem, lookup: fixedLookup('127.0.0.1') });
      const error = await refusal(guardedFetch(`https://cimd.test:${server.port}/client.json`));
      assert.equal(error.reason, 'cimd.test resolves to 127.0.0.1, a loopback address (127.0.0.0/8)');
      assert.equal(server.log.connections, 0);
    });

    it('refuses a lookup answer that is not an IP address', async () => {
      const guardedFetch = createGuardedFetch({ lookup: fixedLookup('localhost') });
      const error = await refusal(guardedFetch('https://odd.test/'));
      assert.equal(error.reason, 'odd.test resolves to localhost, not a plain IP address');
    });

    it('connects only to the address it vetted, so DNS rebinding cannot reach another', async () => {
      // First answer: 127.0.0.2 (allowed, nothing listens there). Any later answer: 127.0.0.1, where
      // the server listens. A guard that vets one answer and lets the connection resolve again
      // (through this lookup or the system's, where localhost is 127.0.0.1) would reach the server.
      let calls = 0;
      const rebinding: Lookup = async () => {
        calls += 1;
        return [{ address: calls === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
      };
      const guardedFetch = createGuardedFetch({ ca: tls.caCertPem, dangerouslyAllowAddresses: ['127.0.0.2'], lookup: rebinding });
      const error = await failure(guardedFetch(`https://localhost:${server.port}/client.json`));
      assert.match(error.message, new RegExp(`^GET https://localhost:${server.port} failed: connect ECONNREFUSED 127\\.0\\.0\\.2:${server.port}$`));
      assert.equal(calls, 1);
      assert.equal(server.log.connections, 0);
    });
  });

  describe('network failures', () => {
    it('says which vetted addresses could not be reached', async () => {
      const lookup = fixedLookup('127.0.0.2', '127.0.0.3');
      const guardedFetch = createGuardedFetch({ dangerouslyAllowAddresses: ['127.0.0.2', '127.0.0.3'], lookup });
      const error = await failure(guardedFetch(`https://down.test:${server.port}/client.json`));
      assert.equal(
        error.message,
        `GET https://down.test:${server.port} failed: connect ECONNREFUSED 127.0.0.2:${server.port}; connect ECONNREFUSED 127.0.0.3:${server.port}`,
      );
    });

    it('reports a name that does not resolve', async () => {
      const guardedFetch = createGuardedFetch({ lookup: fixedLookup() });
      const error = await failure(guardedFetch('https://nowhere.test/client.json'));
      assert.equal(error.message, 'GET https://nowhere.test failed: nowhere.test does not resolve to any address (ENOTFOUND)');
    });
  });

  describe('URL policy', () => {
    it('refuses http:// before connecting', async () => {
      const plain = await startPlainServer();
      try {
        const guardedFetch = createGuardedFetch(allowLocal);
        const error = await refusal(guardedFetch(`http://127.0.0.1:${plain.port}/client.json`));
        assert.equal(error.reason, 'only https: URLs are fetched, not http:');
        assert.equal(plain.log.connections, 0);
      } finally {
        await plain.close();
      }
    });

    it('refuses other schemes and relative or invalid URLs', async () => {
      const guardedFetch = createGuardedFetch();
      assert.equal((await refusal(guardedFetch('file:///etc/passwd'))).reason, 'only https: URLs are fetched, not file:');
      assert.equal((await refusal(guardedFetch('data:application/json,{}'))).reason, 'only https: URLs are fetched, not data:');
      assert.equal((await refusal(guardedFetch('/client.json'))).reason, 'the URL is not a valid absolute URL');
      await assert.rejects(guardedFetch(new Request('https://cimd.test/client.json')), {
        name: 'TypeError',
        message: 'guarded fetch takes a URL (string or URL), not a Request',
      });
    });

    it('refuses a URL with userinfo before connecting', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const error = await refusal(guardedFetch(`https://user:secret@127.0.0.1:${server.port}/client.json`));
      assert.equal(error.reason, 'the URL carries userinfo (user:password@)');
      assert.equal((await refusal(guardedFetch(`https://user@127.0.0.1:${server.port}/`))).reason, error.reason);
      assert.equal(server.log.connections, 0);
    });
  });

  describe('redirects and dispatcher', () => {
    it('returns a 302 as the response and never requests its target (A27)', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      // oidc-provider passes redirect: 'manual'; 'follow' must not change anything either.
      const response = await guardedFetch(`${base}/redirect`, { redirect: 'follow' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), `${base}/target`);
      await response.arrayBuffer();
      assert.deepEqual(
        server.log.requests.map((r) => r.path),
        ['/redirect'],
      );
    });

    it("ignores the caller's dispatcher (oidc-provider passes its own)", async () => {
      let callerDispatches = 0;
      class CountingAgent extends Agent {
        override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
          callerDispatches += 1;
          return super.dispatch(options, handler);
        }
      }
      // A permissive dispatcher: no certificate checks, no address checks.
      const callerDispatcher = new CountingAgent({ connect: { rejectUnauthorized: false } });
      // Typed through RequestInit: the global type names an older undici's Dispatcher.
      const callerInit = { dispatcher: callerDispatcher } as unknown as RequestInit;
      try {
        const guarded = createGuardedFetch({ ca: tls.caCertPem });
        await refusal(guarded(`${base}/client.json`, callerInit));

        const withoutCa = createGuardedFetch({ dangerouslyAllowAddresses: ['127.0.0.1'] });
        await failure(withoutCa(`${base}/client.json`, callerInit));

        const allowed = createGuardedFetch(allowLocal);
        const response = await allowed(`${base}/client.json`, callerInit);
        assert.deepEqual(await response.json(), CLIENT_DOCUMENT);
        assert.equal(callerDispatches, 0);
      } finally {
        await callerDispatcher.close();
      }
    });
  });

  describe('TLS verification', () => {
    it('fails when the certificate is not issued by a trusted CA', async () => {
      const guardedFetch = createGuardedFetch({ dangerouslyAllowAddresses: ['127.0.0.1'] });
      const error = await failure(guardedFetch(`${base}/client.json`));
      assert.equal(error.message, `GET ${base} failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`);
      assert.equal(server.log.requests.length, 0);
    });

    it('fails when the certificate does not name the URL host', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, lookup: fixedLookup('127.0.0.1') });
      const error = await failure(guardedFetch(`https://other.test:${server.port}/client.json`));
      assert.match(error.message, /^GET https:\/\/other\.test:\d+ failed: Hostname\/IP does not match certificate's altnames: Host: other\.test\. is not in the cert's altnames/);
      assert.equal(server.log.requests.length, 0);
    });

    it('keeps verifying when NODE_TLS_REJECT_UNAUTHORIZED=0 is set', async () => {
      const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      try {
        const guardedFetch = createGuardedFetch({ dangerouslyAllowAddresses: ['127.0.0.1'] });
        const error = await failure(guardedFetch(`${base}/client.json`));
        assert.match(error.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      } finally {
        if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
      }
    });
  });

  describe('size limit', () => {
    it('refuses a response whose Content-Length is over maxResponseBytes, without reading it', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, maxResponseBytes: LIMIT });
      const error = await refusal(guardedFetch(`${base}/declared-too-large`));
      assert.equal(
        error.reason,
        `the response from ${base} declares ${LIMIT + 1} bytes (Content-Length), over the ${LIMIT}-byte limit`,
      );
    });

    it('fails a streamed body (no Content-Length) once it passes maxResponseBytes', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, maxResponseBytes: LIMIT });
      const response = await guardedFetch(`${base}/streamed-too-large`);
      assert.equal(response.headers.get('content-length'), null);
      const error = await refusal(response.arrayBuffer());
      assert.equal(error.reason, `the response from ${base} is over the ${LIMIT}-byte limit`);

      const iterated = await guardedFetch(`${base}/streamed-too-large`);
      await refusal(
        (async () => {
          for await (const _ of iterated.body as unknown as AsyncIterable<Uint8Array>) {
            // read on
          }
        })(),
      );
    });

    it('accepts a body of exactly maxResponseBytes', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, maxResponseBytes: LIMIT });
      const response = await guardedFetch(`${base}/exactly-at-limit`);
      assert.equal((await response.arrayBuffer()).byteLength, LIMIT);
    });

    it('counts decoded bytes, so a small gzip body cannot expand past the limit', async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, maxResponseBytes: LIMIT });
      const response = await guardedFetch(`${base}/gzip-bomb`);
      assert.ok(Number(response.headers.get('content-length')) <= LIMIT);
      await refusal(response.arrayBuffer());
    });

    it('places no limit when maxResponseBytes is not set', async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const response = await guardedFetch(`${base}/declared-too-large`);
      assert.equal((await response.arrayBuffer()).byteLength, LIMIT + 1);
    });
  });

  describe('deadline', () => {
    it('fails when the headers do not arrive in time', { timeout: DEADLINE_TEST_TIMEOUT_MS }, async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, timeoutMs: SHORT_TIMEOUT_MS });
      const started = performance.now();
      const error = await failure(guardedFetch(`${base}/no-headers`));
      const elapsed = performance.now() - started;
      assert.equal(error.message, `GET ${base} timed out after ${SHORT_TIMEOUT_MS} ms before the response headers`);
      assert.ok(elapsed >= SHORT_TIMEOUT_MS - 50 && elapsed < SHORT_TIMEOUT_MS + 1000, `took ${elapsed} ms`);
    });

    it('covers the body: a body that stalls fails at the same deadline', { timeout: DEADLINE_TEST_TIMEOUT_MS }, async () => {
      const guardedFetch = createGuardedFetch({ ...allowLocal, timeoutMs: SHORT_TIMEOUT_MS });
      const started = performance.now();
      const response = await guardedFetch(`${base}/slow-body`);
      assert.equal(response.status, 200);
      const error = await failure(response.text());
      const elapsed = performance.now() - started;
      assert.equal(error.message, `GET ${base} timed out after ${SHORT_TIMEOUT_MS} ms while reading the body`);
      assert.ok(elapsed < SHORT_TIMEOUT_MS + 1000, `took ${elapsed} ms`);
    });

    it("honours the caller's signal and keeps its abort reason", { timeout: DEADLINE_TEST_TIMEOUT_MS }, async () => {
      const guardedFetch = createGuardedFetch(allowLocal);
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(guardedFetch(`${base}/no-headers`, { signal: controller.signal }), (error) => error === reason);
    });
  });

  describe('options', () => {
    it('rejects invalid options when created', () => {
      assert.throws(() => createGuardedFetch({ timeoutMs: 0 }), { name: 'TypeError', message: 'timeoutMs must be a positive integer' });
      assert.throws(() => createGuardedFetch({ maxResponseBytes: -1 }), {
        name: 'TypeError',
        message: 'maxResponseBytes must be a non-negative integer',
      });
      assert.throws(() => createGuardedFetch({ dangerouslyAllowAddresses: ['localhost'] }), {
        name: 'TypeError',
        message: 'dangerouslyAllowAddresses: "localhost" is not an IP address',
      });
    });
  });
});
