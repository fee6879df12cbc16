#!/usr/bin/env node
// `npm start` / `npm test` on a fresh machine with only Node (any version ≥ 20) and npm:
// installs the workspace with pnpm when needed (which also brings Node 22, the runtime oidc-provider
// and @azure/cosmos need, from the npm registry), then runs the task under that Node.
// Plain JavaScript with no dependencies, because it runs before anything is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM_VERSION = '10.34.8';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const task = process.argv[2];
const tasks = {
  start: ['pnpm', ['--filter', '@mcp-bridge/bridge', 'start']],
  test: ['pnpm', ['exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=1', '--output-logs=full', '--log-order=grouped']],
};
if (!tasks[task]) {
  console.error(`usage: bootstrap.mjs ${Object.keys(tasks).join('|')}`);
  process.exit(2);
}

const run = (command, args, extraEnv = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (result.error) throw result.error;
  return result.status ?? 1;
};

const hasPnpm = spawnSync('pnpm', ['--version'], { stdio: 'ignore' }).status === 0;
const pnpm = hasPnpm ? ['pnpm', []] : ['npx', ['-y', `pnpm@${PNPM_VERSION}`]];

const marker = join(root, 'node_modules', '.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.log('Installing dependencies (first run)…');
  const status = run(pnpm[0], [...pnpm[1], 'install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}

// Node 22 from node_modules/.bin comes first on PATH, as it does inside `pnpm run`.
const [command, args] = tasks[task];
const path = `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`;
const finalCommand = command === 'pnpm' ? pnpm[0] : command;
const finalArgs = command === 'pnpm' ? [...pnpm[1], ...args] : args;
const env = { ...process.env, PATH: path, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' };
if (task !== 'test') process.exit(run(finalCommand, finalArgs, env));

// Tests: pass the output through and close with one total over every package's node:test summary.
const child = spawn(finalCommand, finalArgs, { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
const totals = { pass: 0, fail: 0 };
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString('utf8');
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const match = /ℹ (pass|fail) (\d+)\s*$/.exec(line);
    if (match) totals[match[1]] += Number(match[2]);
  }
});
child.on('close', (code) => {
  const status = code ?? 1;
  console.log(`\nTotal: ${totals.pass} passed, ${totals.fail} failed`);
  process.exit(status === 0 && totals.fail > 0 ? 1 : status);
});
