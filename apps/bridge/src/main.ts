/**
 * The bridge in one process (`npm start`, and the container image). Without Entra or Cosmos settings it uses the dev Entra
 * simulator (test users alice@contoso.dev and bob@contoso.dev) and an in-memory Cosmos-compatible
 * server; with them it runs against the real ones.
 */
import { resolve } from 'node:path';
import { loadConfig, loadOrExit } from '@mcp-bridge/config';
import { createLogger } from '@mcp-bridge/logger';
import { startStack } from './start-stack.ts';
import { banner } from './banner.ts';

const env = { ...process.env };
const hasEntra = Boolean(env.ENTRA_CLIENT_ID || env.ENTRA_TENANT_ID || env.ENTRA_CLIENT_SECRET);
const hasCosmos = Boolean(env.COSMOS_CONNECTION_STRING || env.COSMOS_ENDPOINT || env.COSMOS_KEY);
env.DANGEROUSLY_USE_DEV_ENTRA ??= hasEntra ? 'false' : 'true';
env.DANGEROUSLY_USE_EMBEDDED_COSMOS ??= hasCosmos ? 'false' : 'true';
// A relative DATA_DIR means relative to where the user typed the command (pnpm runs us in our package).
env.DATA_DIR = resolve(env.INIT_CWD ?? process.cwd(), env.DATA_DIR || '.data');

const config = loadOrExit(() => loadConfig(env));

const logger = createLogger({ name: 'mcp-auth-bridge', level: config.logLevel });
for (const warning of config.warnings) logger.warn(warning);

const stack = await startStack({ config, logger }).catch((error: unknown) => {
  // Problems found only when the servers start (an unreachable Cosmos, a pre-registered client the
  // provider refuses): one line a person can act on, the details in the log.
  logger.fatal({ err: error }, 'could not start');
  process.stderr.write(`\nCould not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
process.stdout.write(banner(stack));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');
    stack.close().then(() => process.exit(0), () => process.exit(1));
  });
}
