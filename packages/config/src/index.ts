export { ConfigSchema, type RawConfig } from './schema.ts';
export {
  loadConfig,
  loadMcpServerConfig,
  loadOrExit,
  ConfigError,
  type BridgeConfig,
  type McpServerConfig,
  type EntraConfig,
  type CosmosConfig,
  type PreregisteredClientConfig,
} from './load-config.ts';
export { renderConfigurationDocs } from './render-docs.ts';
