#!/usr/bin/env node
// `npm start` / `npm test` on a fresh machine with only Node (any version ≥ 20) and npm:
// installs the workspace with pnpm when needed (which also brings Node 22, the runtime oidc-provider
// and @azure/cosmos need, from the npm registry), then runs the task under that Node.
// Plain JavaScript with no dependencies, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
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
process.exit(run(finalCommand, finalArgs, { PATH: path, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' }));
