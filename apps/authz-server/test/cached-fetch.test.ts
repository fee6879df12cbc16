import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GuardedFetch } from '@mcp-bridge/outbound-fetch';
import { withResponseCache } from '../src/cached-fetch.ts';

/** A fetch that answers from a script and counts calls. */
function scripted(answers: Array<() => Response>) {
  const calls: string[] = [];
  const fetch: GuardedFetch = async (url) => {
    calls.push(String(url));
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  };
  return { fetch, calls };
}

const bounds = { minSeconds: 60, maxSeconds: 3600, maxEntries: 2 };
const json = (body: unknown, headers: Record<string, string> = {}) => () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });

describe('outbound response cache (RFC 9111 §4.2.1 freshness, attack catalogue A27)', () => {
  it('serves a 200 again within its max-age, then fetches anew', async () => {
    let now = 0;
    const { fetch, calls } = scripted([json({ keys: [1] }, { 'cache-control': 'max-age=120' }), json({ keys: [2] })]);
    const cached = withResponseCache(fetch, bounds, () => now);
    assert.deepEqual(await (await cached('https://chatgpt.com/oauth/jwks.json')).json(), { keys: [1] });
    now = 119_000;
    const again = await cached('https://chatgpt.com/oauth/jwks.json');
    assert.equal(again.headers.get('content-type'), 'application/json');
    assert.deepEqual(await again.json(), { keys: [1] });
    assert.equal(calls.length, 1);
    now = 121_000;
    assert.deepEqual(await (await cached('https://chatgpt.com/oauth/jwks.json')).json(), { keys: [2] });
    assert.equal(calls.length, 2);
  });

  it('never caches a failure', async () => {
    const { fetch, calls } = scripted([() => new Response('down', { status: 503 }), json({ ok: true })]);
    const cached = withResponseCache(fetch, bounds, () => 0);
    assert.equal((await cached('https://a.example/doc.json')).status, 503);
    assert.equal((await cached('https://a.example/doc.json')).status, 200);
    assert.equal(calls.length, 2);
  });

  it('keeps at least the minimum and at most the maximum, whatever the headers say', async () => {
    let now = 0;
    const { fetch, calls } = scripted([json(1, { 'cache-control': 'no-store' }), json(2, { 'cache-control': 'max-age=999999' }), json(3)]);
    const cached = withResponseCache(fetch, bounds, () => now);
    await cached('https://a.example/x');
    now = 59_000;
    await cached('https://a.example/x');
    assert.equal(calls.length, 1, 'no-store is still kept for the minimum');
    now = 61_000;
    await cached('https://a.example/x');
    now = 61_000 + 3_599_000;
    await cached('https://a.example/x');
    assert.equal(calls.length, 2, 'a huge max-age is cut to the maximum');
    now = 61_000 + 3_601_000;
    await cached('https://a.example/x');
    assert.equal(calls.length, 3);
  });

  it('drops the oldest entry beyond maxEntries and passes other methods through', async () => {
    const { fetch, calls } = scripted([json('a'), json('b'), json('c'), json('a2'), json('post')]);
    const cached = withResponseCache(fetch, bounds, () => 0);
    for (const path of ['a', 'b', 'c', 'a']) await cached(`https://h.example/${path}`);
    assert.deepEqual(calls.map((url) => url.slice(-1)), ['a', 'b', 'c', 'a']);
    await cached('https://h.example/a', { method: 'POST' });
    assert.equal(calls.length, 5);
  });

  it('fetches every time what the caller says is not cacheable', async () => {
    const { fetch, calls } = scripted([json(1), json(2)]);
    const cached = withResponseCache(fetch, { ...bounds, cacheable: (_url, init) => init?.redirect !== 'manual' }, () => 0);
    await cached('https://a.example/doc.json', { redirect: 'manual' });
    await cached('https://a.example/doc.json', { redirect: 'manual' });
    assert.equal(calls.length, 2);
  });
});
