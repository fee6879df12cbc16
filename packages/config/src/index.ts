export { ConfigSchema, type RawConfig } from './schema.ts';
export { loadConfig, ConfigError, type BridgeConfig, type EntraConfig, type CosmosConfig } from './load-config.ts';
export { renderConfigurationDocs } from './render-docs.ts';
