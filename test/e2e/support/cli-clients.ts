import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fetch, type Response } from 'undici';
import { Browser } from './browser.ts';

/*
 * Real, unmodified MCP clients run as child processes: mcp-remote (the stdio proxy desktop apps run)
 * and the MCP Inspector v2 CLI. Each gets its own temporary HOME and config directories, so nothing
 * touches the user's files or OS keychain, and is started with this process's Node (the repo's
 * pinned Node 22) and the package's own JS entry, never through PATH.
 */

const requireFromHere = createRequire(import.meta.url);

/**
 * The absolute path of a package's bin script, read from its package.json (resolved from test/).
 *
 * @example
 * const proxy = packageBin('mcp-remote', 'mcp-remote'); // …/mcp-remote/dist/proxy.js
 */
export function packageBin(packageName: string, binName: string): string {
  const manifestPath = requireFromHere.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string; bin?: string | Record<string, string> };
  const relative = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!relative) throw new Error(`${packageName}@${manifest.version} has no bin named ${binName}`);
  return join(dirname(manifestPath), relative);
}

/** The installed version of a package (from its package.json). */
export function packageVersion(packageName: string): string {
  const manifestPath = requireFromHere.resolve(`${packageName}/package.json`);
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version;
}

/**
 * Removes credentials from text that may end up in a test failure message: authorization codes,
 * tokens, secrets and verifiers in query strings or JSON, bearer headers and anything JWT-shaped.
 */
export function redact(text: string): string {
  return text
    .replace(/\b(code|access_token|refresh_token|id_token|client_secret|code_verifier|registration_access_token)=([^&\s"'<>]+)/gi, '$1=[redacted]')
    .replace(/"(code|access_token|refresh_token|id_token|client_secret|code_verifier|registration_access_token)"\s*:\s*"[^"]*"/gi, '"$1":"[redacted]"')
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[jwt redacted]')
    .replace(/\bBearer\s+[\w.~+/-]+=*/gi, 'Bearer [redacted]');
}

/** Rejects with `message()` (evaluated late, so it can include the latest stderr) after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Everything a child wrote to one stream, with waits on its content. */
export class OutputLog {
  #text = '';
  readonly #listeners = new Set<() => void>();

  constructor(readonly label: string) {}

  attach(stream: Readable | null | undefined): void {
    if (!stream) throw new Error(`${this.label}: no stream to read (spawn it with stdio "pipe")`);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.#text += chunk;
      for (const listener of this.#listeners) listener();
    });
  }

  get text(): string {
    return this.#text;
  }

  /** The last lines, credentials redacted, for error messages. */
  tail(lines = 30): string {
    const all = this.#text.trimEnd().split('\n');
    const shown = all.slice(-lines).join('\n');
    return `--- ${this.label} (last ${Math.min(lines, all.length)} of ${all.length} lines) ---\n${redact(shown) || '(nothing)'}\n---`;
  }

  /**
   * Resolves with the first match of `pattern` in the output at or after character `from`.
   * Rejects after `timeoutMs`, or at once when `exited` settles first, with the output's tail.
   */
  async waitFor(pattern: RegExp, options: { timeoutMs: number; what: string; from?: number; exited?: Promise<unknown> }): Promise<RegExpExecArray> {
    const from = options.from ?? 0;
    const search = () => pattern.exec(this.#text.slice(from));
    let listener: (() => void) | undefined;
    const found = new Promise<RegExpExecArray>((resolve) => {
      listener = () => {
        const match = search();
        if (match) resolve(match);
      };
      this.#listeners.add(listener);
      listener();
    });
    const racers: Array<Promise<RegExpExecArray>> = [found];
    if (options.exited) {
      racers.push(
        options.exited.then(
          () => Promise.reject(new Error(`${this.label}: the process exited while waiting for ${options.what}\n${this.tail()}`)),
          () => Promise.reject(new Error(`${this.label}: the process failed while waiting for ${options.what}\n${this.tail()}`)),
        ),
      );
    }
    try {
      return await within(Promise.race(racers), options.timeoutMs, () => `${this.label}: no ${options.what} within ${options.timeoutMs} ms\n${this.tail()}`);
    } finally {
      if (listener) this.#listeners.delete(listener);
    }
  }
}

/** A temporary directory tree for one client run; `remove()` deletes it. */
export async function makeScratchDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * The environment for a client child: this process's environment minus anything that would let it
 * find a desktop, a browser or the user's files, with HOME and XDG dirs inside `home`.
 */
function isolatedEnv(home: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    // xdg-open picks a desktop-specific opener when it sees one of these; without them it uses $BROWSER.
    if (/^(DISPLAY|WAYLAND_DISPLAY|XDG_.*|DESKTOP_SESSION|KDE_.*|GNOME_.*|DBUS_SESSION_BUS_ADDRESS|BROWSER|NODE_OPTIONS|MCP_.*)$/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: '1',
    ...extra,
  };
}

/**
 * A directory of stand-ins that fail at once, put first on a child's PATH: mcp-remote falls back
 * to `gio`, `x-www-browser` and `sensible-browser` when its opener fails, and on a machine with
 * Chromium installed those would try to start a real browser.
 */
async function writeNoBrowserDir(root: string): Promise<string> {
  const dir = join(root, 'no-browser-bin');
  await mkdir(dir, { recursive: true });
  for (const name of ['xdg-open', 'gio', 'x-www-browser', 'sensible-browser', 'www-browser']) {
    const file = join(dir, name);
    await writeFile(file, '#!/bin/sh\nexit 3\n');
    await chmod(file, 0o755);
  }
  return dir;
}

/** GETs a client's loopback redirect, as the user's browser does at the end of the sign-in. */
export async function deliverRedirect(redirect: URL): Promise<{ status: number; body: string }> {
  const response = await fetch(redirect, { redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

/**
 * The scripted {@link Browser}, also keeping the HTML of every page it was shown, so a test can
 * check what the person saw (e.g. the client name on the consent page).
 */
export class RecordingBrowser extends Browser {
  readonly pages: Array<{ url: string; html: string }> = [];

  override async request(url: string, init: Parameters<Browser['request']>[1] = {}): Promise<Response> {
    const response = await super.request(url, init);
    if (response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/html')) {
      this.pages.push({ url, html: await response.clone().text() });
    }
    return response;
  }

  /** The consent pages shown (recognised by their CSRF field). */
  get consentPages(): string[] {
    return this.pages.filter((page) => page.html.includes('name="csrf"')).map((page) => page.html);
  }
}

// ---------------------------------------------------------------------------------------------
// mcp-remote
// ---------------------------------------------------------------------------------------------

/** What mcp-remote keeps on disk for one server (under `$MCP_REMOTE_CONFIG_DIR/mcp-remote-v1/`). */
export interface McpRemoteStoredState {
  /** The DCR response it saved (`<hash>_client_info.json`). */
  clientInfo?: Record<string, unknown>;
  /** Whether a `<hash>_tokens.json` exists (its content is never read into the test). */
  hasTokens: boolean;
  files: string[];
}

/**
 * mcp-remote running as the stdio proxy a desktop app runs, with the MCP SDK's `Client` on the
 * other end of its stdin/stdout.
 *
 * @example
 * const session = await McpRemoteSession.start({ resourceUrl, configDir, home });
 * const url = await session.authorizationUrl(10_000);
 * // … sign in, deliver the redirect …
 * await session.ready(15_000);
 * await session.client.callTool({ name: 'whoami', arguments: {} });
 */
export class McpRemoteSession {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  readonly stderr: OutputLog;
  readonly args: string[];
  readonly #connected: Promise<void>;
  readonly #exited: Promise<void>;
  #exitedResolve!: () => void;
  #hasExited = false;

  private constructor(options: { resourceUrl: string; configDir: string; home: string; pathPrefix: string; label: string; extraArgs?: string[] }) {
    this.stderr = new OutputLog(options.label);
    this.args = [options.resourceUrl, '--host', '127.0.0.1', '--allow-http', ...(options.extraArgs ?? [])];
    this.transport = new StdioClientTransport({
      command: process.execPath,
      args: [packageBin('mcp-remote', 'mcp-remote'), ...this.args],
      env: isolatedEnv(options.home, {
        MCP_REMOTE_CONFIG_DIR: options.configDir,
        // mcp-remote's opener (`open`, then xdg-open) uses $BROWSER when no desktop is found; a
        // browser that fails makes it print the URL for the person to open, which the test reads.
        BROWSER: '/bin/false',
        PATH: `${options.pathPrefix}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      }),
      stderr: 'pipe',
    });
    this.stderr.attach(this.transport.stderr as Readable | null);
    this.#exited = new Promise<void>((resolve) => (this.#exitedResolve = resolve));
    // The SDK's Client chains this handler; it runs when the child process has closed.
    this.transport.onclose = () => {
      this.#hasExited = true;
      this.#exitedResolve();
    };
    this.client = new Client({ name: 'e2e-desktop-app', version: '1.0.0' });
    // The proxy connects to the MCP server (and signs in) before it answers `initialize`.
    this.#connected = this.client.connect(this.transport);
    this.#connected.catch(() => {});
  }

  static async start(options: { resourceUrl: string; configDir: string; home: string; label?: string; extraArgs?: string[] }): Promise<McpRemoteSession> {
    const pathPrefix = await writeNoBrowserDir(options.home);
    return new McpRemoteSession({ ...options, pathPrefix, label: options.label ?? 'mcp-remote stderr' });
  }

  /** The authorization URL mcp-remote prints when it cannot open a browser. */
  async authorizationUrl(timeoutMs: number): Promise<URL> {
    const match = await this.stderr.waitFor(/Please authorize this client by visiting:\s*\n\s*(\S+)/, {
      timeoutMs,
      what: '"Please authorize this client by visiting:" line',
      exited: this.#exited,
    });
    return new URL(match[1]!);
  }

  /** Waits until the MCP `initialize` through the proxy has completed. */
  async ready(timeoutMs: number): Promise<void> {
    await within(
      Promise.race([
        this.#connected,
        this.#exited.then(() => Promise.reject(new Error(`mcp-remote exited before the MCP session was ready\n${this.stderr.tail()}`))),
      ]),
      timeoutMs,
      () => `mcp-remote: MCP initialize did not complete within ${timeoutMs} ms\n${this.stderr.tail()}`,
    );
  }

  /**
   * Closes stdin (mcp-remote then shuts down; the SDK escalates to SIGTERM, then SIGKILL) and
   * kills the child if it is somehow still running; idempotent.
   */
  async close(): Promise<void> {
    const pid = this.transport.pid;
    await this.client.close().catch(() => {});
    if (pid && !this.#hasExited) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Reads what mcp-remote stored under `configDir` (the DCR response; tokens only as presence). */
  static async storedState(configDir: string): Promise<McpRemoteStoredState> {
    const dir = join(configDir, 'mcp-remote-v1');
    const files = await readdir(dir).catch(() => [] as string[]);
    const clientInfoFile = files.find((file) => file.endsWith('_client_info.json'));
    const clientInfo = clientInfoFile ? (JSON.parse(await readFile(join(dir, clientInfoFile), 'utf8')) as Record<string, unknown>) : undefined;
    return { clientInfo, hasTokens: files.some((file) => file.endsWith('_tokens.json')), files };
  }
}

// ---------------------------------------------------------------------------------------------
// MCP Inspector v2 CLI
// ---------------------------------------------------------------------------------------------

/** The Inspector CLI needs Node ≥ 22.19 (its package.json `engines`). */
export function nodeSupportsInspector(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 19);
}

/** One run of `mcp-inspector --cli …` as a child process. */
export class InspectorCliRun {
  readonly child: ChildProcess;
  readonly stdout: OutputLog;
  readonly stderr: OutputLog;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #browserLog: string;

  private constructor(child: ChildProcess, browserLog: string) {
    this.child = child;
    this.#browserLog = browserLog;
    this.stdout = new OutputLog('inspector stdout');
    this.stderr = new OutputLog('inspector stderr');
    this.stdout.attach(child.stdout);
    this.stderr.attach(child.stderr);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Starts the CLI through the package's launcher (`--cli` must come first). `home` holds HOME, the
   * Inspector's storage dir, catalog and client config; secrets stay in memory
   * (`MCP_INSPECTOR_SECRET_STORE=memory`), so @napi-rs/keyring is never asked for the OS keychain.
   * `BROWSER` is a script that appends the URL it is given to a file the test reads.
   */
  static async start(options: { home: string; args: string[] }): Promise<InspectorCliRun> {
    await mkdir(options.home, { recursive: true });
    const browserLog = join(options.home, 'browser-urls.log');
    const browserScript = join(options.home, 'record-browser-url.sh');
    await writeFile(browserScript, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${browserLog.replaceAll("'", "'\\''")}'\n`);
    await chmod(browserScript, 0o755);
    const storage = join(options.home, '.mcp-inspector', 'storage');
    const child = spawn(process.execPath, [packageBin('@modelcontextprotocol/inspector', 'mcp-inspector'), '--cli', ...options.args], {
      env: isolatedEnv(options.home, {
        // Opens the browser even without a TTY (the CLI otherwise refuses interactive OAuth).
        MCP_AUTO_OPEN_ENABLED: 'true',
        BROWSER: browserScript,
        MCP_STORAGE_DIR: storage,
        MCP_INSPECTOR_SECRET_STORE: 'memory',
        MCP_CATALOG_PATH: join(options.home, '.mcp-inspector', 'mcp.json'),
        MCP_CLIENT_CONFIG_PATH: join(storage, 'client.json'),
        MCP_INSPECTOR_OAUTH_STATE_PATH: join(storage, 'oauth.json'),
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new InspectorCliRun(child, browserLog);
  }

  /** The first URL the Inspector handed to $BROWSER (polls the file the BROWSER script appends to). */
  async browserUrl(timeoutMs: number): Promise<URL> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = (await readFile(this.#browserLog, 'utf8').catch(() => '')).split('\n')[0]?.trim();
      if (line) return new URL(line);
      if (exited) throw new Error(`the Inspector exited before it opened a browser\n${this.stderr.tail()}\n${this.stdout.tail(10)}`);
      if (Date.now() > deadline) throw new Error(`the Inspector did not hand a URL to $BROWSER within ${timeoutMs} ms\n${this.stderr.tail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for the process to end; the message on timeout carries stderr. */
  async finished(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return within(this.exited, timeoutMs, () => `the Inspector CLI did not exit within ${timeoutMs} ms\n${this.stderr.tail()}`);
  }

  /** Kills the process if it is still running; idempotent. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const stopped = await within(this.exited, 2_000, () => 'timeout').then(() => true, () => false);
    if (!stopped) this.child.kill('SIGKILL');
  }
}
