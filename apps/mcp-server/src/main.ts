import { createServer } from 'node:http';
import { createLogger } from '@mcp-bridge/logger';
import { connectCosmos } from '@mcp-bridge/store-cosmos';
import { createMcpApp } from './app.ts';
import { readMcpServerEnv } from './env.ts';

const logger = createLogger({ name: 'mcp-server' });
const env = readMcpServerEnv(process.env);
const { database, client } = await connectCosmos(env.cosmos);
const app = await createMcpApp({
  resourceUrl: env.resourceUrl,
  issuer: env.issuer,
  database,
  allowedOrigins: env.allowedOrigins,
  dangerouslyDisableAuth: env.dangerouslyDisableAuth,
  logger,
});
const server = createServer(app.handler);
server.listen(env.port, () => logger.info({ resourceUrl: env.resourceUrl, port: env.port }, 'MCP server listening'));

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
