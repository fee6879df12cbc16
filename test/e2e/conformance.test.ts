import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetch } from 'undici';
import type { Stack } from '@mcp-bridge/bridge';
import { Browser } from './support/browser.ts';
import { deliverRedirect } from './support/cli-clients.ts';
import {
  countByStatus,
  describeProblems,
  freeLoopbackPort,
  parseScenarioSummary,
  parseTotals,
  readScenarioResults,
  spawnConformance,
  startNoAuthMcpServer,
  type ConformanceCheck,
  type ConformanceProcess,
  type NoAuthMcpServer,
  type ScenarioResult,
} from './support/conformance.ts';
import { completeInBrowser } from './support/mcp-client.ts';
import { startTestStack } from './support/stack.ts';

/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance` 0.2.0-alpha.12) against
 * the bridge: its `authorization` mode against our authorization server (a real sign-in through the
 * consent page and the dev Entra), and its `server` mode against the MCP server in its explicit
 * no-auth dev mode (the suite's server mode cannot authenticate). Every check must pass with no
 * warning; the CLI's own totals and its per-check `checks.json` are both asserted.
 */

/** The MCP revision the server scenarios run at (the stateful protocol the SDK 1.32 server speaks). */
const SPEC_VERSION = '2025-11-25';
/** The tools the MCP server offers; `tools-list` must report exactly these. */
const OUR_TOOLS = ['whoami', 'add_expense', 'list_expenses', 'delete_expense', 'reverse_text'];

/**
 * Server scenarios that apply to our MCP server, each with the checks that must succeed (so a
 * scenario that silently stops exercising something, e.g. reports "stateless, not applicable",
 * fails here instead of passing with zero checks).
 */
const APPLICABLE_SERVER_SCENARIOS: Record<string, readonly string[]> = {
  'server-initialize': ['server-initialize', 'server-session-id-visible-ascii', 'wire-schema-valid'],
  'server-session-lifecycle': ['server-session-initialized-accepted', 'server-session-delete-accepted', 'server-session-terminated-returns-404'],
  ping: ['ping', 'wire-schema-valid'],
  'tools-list': ['tools-list', 'tools-name-format', 'wire-schema-valid'],
  'server-sse-multiple-streams': ['server-accepts-multiple-post-streams', 'server-sse-streams-functional'],
  'dns-rebinding-protection': ['localhost-host-rebinding-rejected', 'localhost-host-valid-accepted'],
};

/**
 * Server scenarios that do not apply, with the reason. They target tools, resources, prompts or
 * client features of the suite's "everything" fixture server that we deliberately do not have, a
 * draft revision, or an optional extension. Every scenario `conformance list --server` prints must be
 * here or above (checked below), so a new suite version's scenarios are triaged, not ignored.
 */
const NOT_APPLICABLE_SERVER_SCENARIOS: ReadonlyArray<{ scenarios: readonly string[] | RegExp; reason: string }> = [
  {
    scenarios: ['tools-call-simple-text', 'tools-call-error'],
    reason: 'call fixture tools (`test_simple_text`, `test_error_handling`) we do not have; they would pass vacuously, because the SDK answers an unknown tool with an `isError` text result',
  },
  {
    scenarios: ['tools-call-image', 'tools-call-audio', 'tools-call-embedded-resource', 'tools-call-mixed-content'],
    reason: 'fixture tools returning image, audio or embedded-resource content; our tools return text and structured JSON only',
  },
  {
    scenarios: ['tools-call-with-progress'],
    reason: 'calls fixture tool `test_tool_with_progress`; our progress-reporting tool is `reverse_text` (covered by apps/mcp-server tests)',
  },
  {
    scenarios: ['logging-set-level', 'tools-call-with-logging'],
    reason: 'the server declares no `logging` capability (it sends no log notifications), so `logging/setLevel` is rightly "Method not found"',
  },
  {
    scenarios: ['completion-complete'],
    reason: 'no prompts or resource templates, hence no `completions` capability',
  },
  {
    scenarios: ['tools-call-sampling', 'tools-call-elicitation', 'elicitation-sep1034-defaults', 'elicitation-sep1330-enums'],
    reason: 'the server never asks the client for sampling or elicitation',
  },
  {
    scenarios: ['json-schema-2020-12'],
    reason: 'calls fixture tool `json_schema_2020_12_tool`',
  },
  {
    scenarios: ['server-sse-polling'],
    reason: 'calls fixture tool `test_reconnection` and needs SSE resumability (an event store), which the server does not offer',
  },
  {
    scenarios: ['resources-list', 'resources-read-text', 'resources-read-binary', 'resources-templates-read', 'resources-subscribe', 'resources-unsubscribe', 'sep-2164-resource-not-found'],
    reason: 'the server exposes no resources',
  },
  {
    scenarios: ['prompts-list', 'prompts-get-simple', 'prompts-get-with-args', 'prompts-get-embedded-resource', 'prompts-get-with-image'],
    reason: 'the server exposes no prompts',
  },
  {
    scenarios: ['server-stateless', 'caching', 'http-header-validation', 'http-custom-header-server-validation'],
    reason: 'draft revision 2026-07-28 only (stateless protocol, caching hints, Mcp-Method/Mcp-Name headers); the server speaks 2025-11-25',
  },
  {
    scenarios: /^input-required-result-/,
    reason: 'draft revision 2026-07-28 only (input-required results); no tool needs input from the client',
  },
  {
    scenarios: /^tasks-/,
    reason: 'tasks extension, optional (SEP-1730); no long-running tools',
  },
  {
    scenarios: /^sep-2640-skills-/,
    reason: 'skills extension (SEP-2640), optional; not offered',
  },
];

function notApplicableReason(scenario: string): string | undefined {
  return NOT_APPLICABLE_SERVER_SCENARIOS.find(({ scenarios }) =>
    scenarios instanceof RegExp ? scenarios.test(scenario) : scenarios.includes(scenario))?.reason;
}

/** Every CLI process started here, killed in `after` if a test left one running. */
const running = new Set<ConformanceProcess>();
function conformance(args: string[], timeoutMs: number): ConformanceProcess {
  const run = spawnConformance(args, { timeoutMs });
  running.add(run);
  void run.done.then(() => running.delete(run));
  return run;
}
after(() => {
  for (const run of running) run.kill();
});

function assertNoProblems(results: readonly ScenarioResult[], stdout: string): void {
  const problems = describeProblems(results);
  assert.equal(problems, '', `conformance reported problems:\n${problems}\n\n--- CLI output ---\n${stdout}`);
}

function assertSucceeded(result: ScenarioResult | undefined, checkIds: readonly string[]): void {
  assert.ok(result, 'the scenario wrote no results');
  const { scenario, checks } = result;
  for (const id of checkIds) {
    const check: ConformanceCheck | undefined = checks.find((candidate) => candidate.id === id);
    assert.equal(check?.status, 'SUCCESS', `${scenario} › ${id}: ${check ? `${check.status} ${check.errorMessage ?? ''}` : 'not reported'}`);
  }
}

describe('MCP conformance suite — authorization mode against the authorization server (RFC 8414, OAuth 2.1 §4.1)', () => {
  let stack: Stack;
  let browser: Browser;
  let outputDir: string;

  before(async () => {
    stack = await startTestStack();
    browser = new Browser({ caCertPem: stack.entra!.caCertPem });
    outputDir = await mkdtemp(join(tmpdir(), 'conformance-authorization-'));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  it('passes every check with no failure and no warning, after a real sign-in as alice', { timeout: 90_000 }, async (t) => {
    // The CLI listens for the authorization response itself, on a port it must be told.
    const port = await freeLoopbackPort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const registration = await fetch(`${stack.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'MCP conformance suite',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
    const client = await registration.json() as { client_id?: string };
    assert.equal(registration.status, 201, JSON.stringify(client));
    assert.ok(client.client_id);

    const run = conformance([
      'authorization',
      `--url=${stack.issuer}`,
      `--client-id=${client.client_id}`,
      `--resource=${stack.resourceUrl}`,
      `--port=${port}`,
      `--output-dir=${outputDir}`,
    ], 60_000);

    const authorizationUrl = new URL(await run.waitForLine(/^https?:\/\/\S+\?\S*response_type=code/));
    assert.equal(`${authorizationUrl.origin}${authorizationUrl.pathname}`, `${stack.issuer}/authorize`);
    const outcome = await completeInBrowser(browser, authorizationUrl, redirectUri, { username: 'alice@contoso.dev' });
    assert.ok(outcome.signInShown, 'the flow went through the dev Entra sign-in');
    // The browser lands on the CLI's listener, which then redeems the code at /token.
    await run.waitForLine(new RegExp(`^Callback server started: http://127\\.0\\.0\\.1:${port}$`));
    const landing = await deliverRedirect(outcome.redirect);
    assert.equal(landing.status, 200, landing.body);

    const { exitCode, stdout, stderr } = await run.done;
    const totals = parseTotals(stdout);
    const results = await readScenarioResults(outputDir, 'authorization-server');
    const checks = results.flatMap((result) => result.checks);
    const counts = countByStatus(checks);
    t.diagnostic(`conformance authorization: ${totals?.passed ?? '?'} passed, ${totals?.failed ?? '?'} failed, ${counts.WARNING} warnings`);
    for (const check of checks) t.diagnostic(`  ${check.id}: ${check.status}${check.errorMessage ? ` — ${check.errorMessage}` : ''}`);

    assert.ok(totals, `no "Total:" line in the CLI output:\n${stdout}\n${stderr}`);
    assert.deepEqual(results.map((result) => result.scenario).sort(), ['authorization-code-grant', 'authorization-server-metadata-endpoint']);
    assertNoProblems(results, stdout);
    assert.deepEqual({ passed: totals.passed, failed: totals.failed }, { passed: counts.SUCCESS, failed: counts.FAILURE });
    assert.equal(totals.failed, 0);
    assert.equal(counts.WARNING, 0);
    assertSucceeded(results.find((r) => r.scenario === 'authorization-server-metadata-endpoint'), ['authorization-server-metadata', 'authorization-server-metadata-cimd']);
    assertSucceeded(results.find((r) => r.scenario === 'authorization-code-grant'), ['authorization-code-grant']);
    assert.equal(exitCode, 0, stderr);
  });
});

describe('MCP conformance suite — server mode against the MCP server (dangerouslyDisableAuth)', () => {
  let server: NoAuthMcpServer;
  let outputDir: string;

  before(async () => {
    server = await startNoAuthMcpServer();
    outputDir = await mkdtemp(join(tmpdir(), 'conformance-server-'));
  });
  after(async () => {
    await server?.close();
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
  });

  it('every server scenario of the suite is either run here or listed as not applicable, with a reason', async () => {
    const { exitCode, stdout } = await conformance(['list', '--server'], 20_000).done;
    assert.equal(exitCode, 0);
    const listed = [...stdout.matchAll(/^ {2}- (\S+)/gm)].map((match) => match[1]!);
    assert.ok(listed.length > 0, stdout);
    const untriaged = listed.filter((scenario) => !(scenario in APPLICABLE_SERVER_SCENARIOS) && !notApplicableReason(scenario));
    assert.deepEqual(untriaged, [], 'new server scenarios: run them or say why they do not apply');
    const gone = [
      ...Object.keys(APPLICABLE_SERVER_SCENARIOS),
      ...NOT_APPLICABLE_SERVER_SCENARIOS.flatMap(({ scenarios }) => (scenarios instanceof RegExp ? [] : scenarios)),
    ].filter((scenario) => !listed.includes(scenario));
    assert.deepEqual(gone, [], 'scenarios no longer in the suite');
    for (const scenario of Object.keys(APPLICABLE_SERVER_SCENARIOS)) assert.equal(notApplicableReason(scenario), undefined, scenario);
  });

  for (const [scenario, checkIds] of Object.entries(APPLICABLE_SERVER_SCENARIOS)) {
    it(`${scenario} passes with no failure and no warning`, { timeout: 45_000 }, async (t) => {
      const scenarioDir = await mkdtemp(join(outputDir, `${scenario}-`));
      const { exitCode, stdout, stderr } = await conformance([
        'server',
        `--url=${server.url}`,
        `--scenario=${scenario}`,
        `--spec-version=${SPEC_VERSION}`,
        `--timeout=20000`,
        `--output-dir=${scenarioDir}`,
      ], 40_000).done;
      const summary = parseScenarioSummary(stdout);
      const results = await readScenarioResults(scenarioDir, 'server');
      t.diagnostic(`conformance server ${scenario}: ${summary ? `${summary.passed}/${summary.denominator} passed, ${summary.failed} failed, ${summary.warnings} warnings` : 'no summary'}`);

      assert.ok(summary, `no "Passed:" line (was the scenario skipped at ${SPEC_VERSION}?):\n${stdout}\n${stderr}`);
      assert.deepEqual(results.map((result) => result.scenario), [scenario]);
      assertNoProblems(results, stdout);
      assert.deepEqual(
        { failed: summary.failed, warnings: summary.warnings, passed: summary.passed },
        { failed: 0, warnings: 0, passed: summary.denominator },
      );
      assertSucceeded(results[0], checkIds);
      if (scenario === 'tools-list') {
        const details = results[0]!.checks.find((check) => check.id === 'tools-list')?.details as { tools?: string[] } | undefined;
        assert.deepEqual(details?.tools, OUR_TOOLS, 'the suite listed our tools');
      }
      assert.equal(exitCode, 0, stderr);
    });
  }
});

