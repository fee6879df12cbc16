/**
 * The MCP server on its own, for deployments that run it apart from the authorization server
 * (`apps/bridge` runs both in one process). Settings: docs/configuration.md.
 */
import { createServer } from 'node:http';
import { loadMcpServerConfig, loadOrExit } from '@mcp-bridge/config';
import { createLogger } from '@mcp-bridge/logger';
import { connectCosmos, createGrantStatusReader } from '@mcp-bridge/store-cosmos';
import { createMcpApp } from './app.ts';

const config = loadOrExit(() => loadMcpServerConfig(process.env));
const logger = createLogger({ name: 'mcp-server', level: config.logLevel });
for (const warning of config.warnings) logger.warn(warning);

const { database, client } = await connectCosmos(config.cosmos);
const app = await createMcpApp({
  resourceUrl: config.resourceUrl,
  issuer: config.issuer,
  database,
  allowedOrigins: config.allowedOrigins,
  dangerouslyDisableAuth: config.dangerouslyDisableAuth,
  grants: createGrantStatusReader({ database, cacheSeconds: config.revocationCacheSeconds }),
  logger,
});
const server = createServer(app.handler);
server.listen(config.port, config.host, () => logger.info({ resourceUrl: config.resourceUrl, port: config.port }, 'MCP server listening'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'MCP server shutting down');
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => {
      client.dispose();
      process.exit(0);
    });
  });
}
