import { loadConfig } from '@mcp-bridge/config';
import { startStack, type Stack } from '@mcp-bridge/bridge';
import { createLogger } from '@mcp-bridge/logger';
import type { GuardedFetch } from '@mcp-bridge/outbound-fetch';

/**
 * The bridge as `pnpm start` runs it (dev Entra simulator, in-process Cosmos-compatible server),
 * every server on port 0 so that parallel runs never collide. `fetchMetadataWith` is the test-only
 * switch for Client ID Metadata Documents (see `startMetadataHost`).
 */
export async function startTestStack(
  env: Record<string, string> = {},
  options: { fetchMetadataWith?: GuardedFetch } = {},
): Promise<Stack> {
  const config = loadConfig({
    DANGEROUSLY_USE_DEV_ENTRA: 'true',
    DANGEROUSLY_USE_EMBEDDED_COSMOS: 'true',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
    // Revocation must show at once in tests; production keeps a short cache (docs/configuration.md).
    MCP_REVOCATION_CACHE_SECONDS: '0',
    ...env,
  });
  const logger = createLogger({ name: 'e2e', level: config.logLevel });
  return startStack({
    config,
    logger,
    ports: { authz: 0, mcp: 0, entra: 0 },
    ...(options.fetchMetadataWith ? { dangerouslyFetchMetadataWith: options.fetchMetadataWith } : {}),
  });
}
