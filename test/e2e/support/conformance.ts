import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { silentLogger } from '@mcp-bridge/logger';
// The deployable (`@mcp-bridge/bridge`) never turns MCP authentication off; the no-auth dev mode is
// reached through the MCP server's own package (a devDependency of test/).
import { createMcpApp, type McpApp } from '@mcp-bridge/mcp-server';
import { connectCosmos, startEmbeddedCosmos } from '@mcp-bridge/store-cosmos';

/**
 * `@modelcontextprotocol/conformance`'s CLI, run with this process's Node (22: the CLI needs
 * `fs.globSync`), never through PATH.
 */
export const CONFORMANCE_CLI = createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/dist/index.js');

/** One check the suite recorded, as in its `checks.json`. */
export interface ConformanceCheck {
  id: string;
  name: string;
  description: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
  details?: unknown;
}

/** The checks of one scenario, read from `<outputDir>/<prefix>-<scenario>-<timestamp>/checks.json`. */
export interface ScenarioResult {
  scenario: string;
  checks: ConformanceCheck[];
}

/** A finished CLI run. */
export interface ConformanceRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process. */
export interface ConformanceProcess {
  child: ChildProcess;
  /** Resolves when the process exits (never rejects). */
  done: Promise<ConformanceRun>;
  /**
   * Resolves with the first stdout line (already printed or still to come) matching `pattern`;
   * rejects if the process exits without printing one.
   */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Kills the process if it is still running. */
  kill(): void;
}

/**
 * Spawns `conformance <args>` with this process's Node and collects its output. After `timeoutMs`
 * it is killed, so a scenario that hangs (the authorization mode waits 5 minutes for a browser)
 * fails the test instead of stalling CI. Pass option values as `--name=value`: a value starting
 * with `-` (oidc-provider client ids can) would otherwise be parsed as another option.
 */
export function spawnConformance(args: string[], options: { timeoutMs: number }): ConformanceProcess {
  const child = spawn(process.execPath, [CONFORMANCE_CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The CLI needs none of this process's loaders (tsx).
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  // The CLI colours its report even when piped; lines and output are returned as plain text.
  let rawStdout = '';
  let rawStderr = '';
  let partial = '';
  let closed = false;
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve(line: string): void; reject(err: Error): void }>();
  const output = () => `${stripVTControlCharacters(rawStdout)}\n${stripVTControlCharacters(rawStderr)}`;

  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    rawStdout += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts.map(stripVTControlCharacters)) {
      lines.push(line);
      for (const waiter of waiters) {
        if (!waiter.pattern.test(line)) continue;
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    rawStderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const done = new Promise<ConformanceRun>((resolve) => {
    child.once('close', (exitCode, signal) => {
      closed = true;
      clearTimeout(timer);
      for (const waiter of waiters) {
        waiter.reject(new Error(`conformance exited (${exitCode ?? signal}) without printing a line matching ${waiter.pattern}:\n${output()}`));
      }
      waiters.clear();
      resolve({ exitCode, signal, stdout: stripVTControlCharacters(rawStdout), stderr: stripVTControlCharacters(rawStderr) });
    });
  });
  return {
    child,
    done,
    waitForLine(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      if (closed) return Promise.reject(new Error(`conformance exited without printing a line matching ${pattern}:\n${output()}`));
      return new Promise((resolve, reject) => waiters.add({ pattern, resolve, reject }));
    },
    kill() {
      if (!closed && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Reads the `checks.json` of every scenario the CLI ran with `--output-dir`: one directory per
 * scenario, `<prefix>-<scenario>-<ISO timestamp>`. A scenario the CLI skipped has a directory but
 * no `checks.json`, and is returned with no checks.
 */
export async function readScenarioResults(outputDir: string, prefix: 'server' | 'authorization-server'): Promise<ScenarioResult[]> {
  const pattern = new RegExp(`^${prefix}-(.+)-\\d{4}-\\d{2}-\\d{2}T[\\d-]+Z$`);
  const results: ScenarioResult[] = [];
  for (const entry of (await readdir(outputDir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const scenario = entry.isDirectory() ? pattern.exec(entry.name)?.[1] : undefined;
    if (scenario === undefined) continue;
    let checks: ConformanceCheck[] = [];
    try {
      checks = JSON.parse(await readFile(join(outputDir, entry.name, 'checks.json'), 'utf8')) as ConformanceCheck[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    results.push({ scenario, checks });
  }
  return results;
}

/** The closing `Total: N passed, N failed` line of a run of several scenarios (the CLI prints no warning count there). */
export function parseTotals(stdout: string): { passed: number; failed: number } | undefined {
  const last = [...stdout.matchAll(/^Total: (\d+) passed, (\d+) failed$/gm)].at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

/** The `Passed: P/D, F failed, W warnings` line of a single-scenario run (`--scenario`). */
export function parseScenarioSummary(stdout: string): { passed: number; denominator: number; failed: number; warnings: number } | undefined {
  const last = [...stdout.matchAll(/^Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings$/gm)].at(-1);
  return last ? { passed: Number(last[1]), denominator: Number(last[2]), failed: Number(last[3]), warnings: Number(last[4]) } : undefined;
}

/** Counts checks by status. */
export function countByStatus(checks: readonly ConformanceCheck[]): Record<ConformanceCheck['status'], number> {
  const counts = { SUCCESS: 0, FAILURE: 0, WARNING: 0, SKIPPED: 0, INFO: 0 };
  for (const check of checks) counts[check.status] += 1;
  return counts;
}

/** One line per check that failed, warned or was skipped, for assertion messages. */
export function describeProblems(results: readonly ScenarioResult[]): string {
  return results
    .flatMap(({ scenario, checks }) => checks
      .filter((check) => check.status === 'FAILURE' || check.status === 'WARNING' || check.status === 'SKIPPED')
      .map((check) => `${scenario} › ${check.id} ${check.status}: ${check.errorMessage ?? check.description}`))
    .join('\n');
}

/** A free loopback port (bound, read and released), for listeners the CLI opens itself. */
export async function freeLoopbackPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The MCP server in its explicit no-auth dev mode, on an embedded Cosmos. */
export interface NoAuthMcpServer {
  /** e.g. `http://127.0.0.1:PORT/mcp`. */
  url: string;
  app: McpApp;
  close(): Promise<void>;
}

/**
 * Starts `createMcpApp({ dangerouslyDisableAuth: true })` on 127.0.0.1 port 0 with a fresh database
 * on the embedded Cosmos-compatible server: the only way to run the conformance suite's `server`
 * mode, which has no authorization option.
 */
export async function startNoAuthMcpServer(): Promise<NoAuthMcpServer> {
  const cosmos = await startEmbeddedCosmos({ logger: silentLogger });
  const { client, database } = await connectCosmos({ endpoint: cosmos.endpoint, key: cosmos.key, databaseId: `conformance-${randomUUID()}` });
  const server: Server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    const app = await createMcpApp({
      resourceUrl: url,
      // Never contacted with authentication disabled; it only appears in the RFC 9728 metadata.
      issuer: 'http://127.0.0.1:9/unused-issuer',
      database,
      dangerouslyDisableAuth: true,
      logger: silentLogger,
    });
    server.on('request', app.handler);
    return {
      url,
      app,
      async close() {
        await app.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        client.dispose();
        await cosmos.close();
      },
    };
  } catch (error) {
    server.close();
    client.dispose();
    await cosmos.close();
    throw error;
  }
}
