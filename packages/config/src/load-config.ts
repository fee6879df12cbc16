import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigSchema, type RawConfig } from './schema.ts';

export type EntraConfig =
  | { mode: 'dev'; port: number; scopes: string[] }
  | {
      mode: 'tenant';
      authorityHost: string;
      tenantId: string;
      clientId: string;
      clientSecret: string;
      scopes: string[];
      allowedTenants: string[];
    };

export type CosmosConfig =
  | { mode: 'embedded'; databaseId: string }
  | { mode: 'remote'; endpoint: string; key: string; databaseId: string };

/** The validated, frozen configuration of one bridge deployment. */
export interface BridgeConfig {
  authz: { issuer: string; host: string; port: number };
  mcp: { resourceUrl: string; host: string; port: number; allowedOrigins: string[]; revocationCacheSeconds: number };
  entra: EntraConfig;
  cosmos: CosmosConfig;
  keys: { signingJwks?: { keys: Record<string, unknown>[] }; signingKeyPem?: string; cookieKeys?: string[] };
  tokens: { accessTokenTtlSeconds: number; refreshTokenTtlSeconds: number };
  /** Client ID Metadata Documents (MCP AS4, AS5). */
  metadataDocuments: { enabled: boolean; allowedHosts: string[]; deniedHosts: string[]; trustedHosts: string[] };
  /** Clients configured by the operator (interop rule 14). */
  preregisteredClients: PreregisteredClientConfig[];
  dataDir: string;
  logLevel: RawConfig['LOG_LEVEL'];
  /** Things an operator must know at start (dev shortcuts in use); logged at warn level. */
  warnings: string[];
}

/** One entry of `PREREGISTERED_CLIENTS`. */
export interface PreregisteredClientConfig {
  clientId: string;
  clientName?: string;
  clientSecret?: string;
  redirectUris?: string[];
  tokenEndpointAuthMethod?: 'none' | 'client_secret_basic' | 'client_secret_post';
}

/** Thrown by {@link loadConfig} with every problem found, each naming its variable. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** A host name, or `*.` and a domain, as CIMD host lists take them. */
const HOST_PATTERN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/i;

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

function defaultPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * Reads the environment once, reports every problem at once and freezes the result.
 *
 * @example
 * const config = loadConfig(process.env);
 * // ConfigError: Invalid configuration:
 * //   - ENTRA_CLIENT_ID: required unless DANGEROUSLY_USE_DEV_ENTRA=true
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<BridgeConfig> {
  const raw = parseEnvironment(env);
  const issues: string[] = [];
  const warnings: string[] = [];

  const { issuer, resource } = publicUrls(raw, issues, warnings);

  let entra: EntraConfig | undefined;
  if (raw.DANGEROUSLY_USE_DEV_ENTRA) {
    entra = { mode: 'dev', port: raw.DEV_ENTRA_PORT, scopes: raw.ENTRA_SCOPES };
    warnings.push('DANGEROUSLY_USE_DEV_ENTRA=true: users sign in at the built-in dev Entra simulator with test accounts, not at Microsoft Entra ID');
  } else {
    const missing = (['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'] as const).filter((name) => !raw[name]);
    for (const name of missing) issues.push(`${name}: required unless DANGEROUSLY_USE_DEV_ENTRA=true`);
    if (raw.ENTRA_SCOPES.includes('offline_access') || raw.ENTRA_SCOPES.includes('openid')) {
      issues.push('ENTRA_SCOPES: list only the API scopes (e.g. User.Read); openid profile offline_access are always added');
    }
    if (missing.length === 0) {
      entra = {
        mode: 'tenant',
        authorityHost: raw.ENTRA_AUTHORITY_HOST.replace(/\/+$/, ''),
        tenantId: raw.ENTRA_TENANT_ID!,
        clientId: raw.ENTRA_CLIENT_ID!,
        clientSecret: raw.ENTRA_CLIENT_SECRET!,
        scopes: raw.ENTRA_SCOPES,
        allowedTenants: raw.ENTRA_ALLOWED_TENANTS,
      };
    }
  }

  const cosmos = cosmosConfig(raw, issues, warnings);

  let signingJwks: BridgeConfig['keys']['signingJwks'];
  let signingKeyPem: string | undefined;
  const keySources = (['SIGNING_KEYS_JWKS', 'SIGNING_KEY_PEM', 'SIGNING_KEYS_FILE'] as const).filter((name) => raw[name]);
  if (keySources.length > 1) issues.push(`${keySources.join(', ')}: set only one of them`);
  const keyText = raw.SIGNING_KEYS_JWKS ?? raw.SIGNING_KEY_PEM ?? (raw.SIGNING_KEYS_FILE ? readVariableFile('SIGNING_KEYS_FILE', raw.SIGNING_KEYS_FILE, issues) : undefined);
  const keyVariable = keySources[0];
  if (keyText !== undefined && keyVariable) {
    if (keyText.trimStart().startsWith('-----BEGIN')) {
      if (!/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(keyText)) issues.push(`${keyVariable}: expected a PEM private key (-----BEGIN PRIVATE KEY-----)`);
      else signingKeyPem = keyText;
    } else if (keyVariable === 'SIGNING_KEY_PEM') {
      issues.push('SIGNING_KEY_PEM: expected a PEM private key (-----BEGIN PRIVATE KEY-----)');
    } else {
      try {
        const value = JSON.parse(keyText) as { keys?: unknown };
        if (!Array.isArray(value.keys) || value.keys.length === 0 || !value.keys.every((key) => key && typeof key === 'object' && 'd' in key)) {
          issues.push(`${keyVariable}: expected a private JWKS {"keys":[…]} whose keys all have private parts`);
        } else {
          signingJwks = { keys: value.keys as Record<string, unknown>[] };
        }
      } catch {
        issues.push(`${keyVariable}: neither a JWKS (JSON) nor a PEM private key`);
      }
    }
  }
  if (raw.COOKIE_KEYS?.some((key) => key.length < 32)) issues.push('COOKIE_KEYS: every key must be at least 32 characters');
  const preregisteredClients = readPreregisteredClients(raw, issues);
  for (const name of ['CIMD_ALLOWED_HOSTS', 'CIMD_DENIED_HOSTS', 'CIMD_TRUSTED_HOSTS'] as const) {
    const invalid = raw[name].filter((pattern) => !HOST_PATTERN.test(pattern));
    // A URL or a typo would never match: a deny entry would silently deny nothing.
    if (invalid.length) issues.push(`${name}: ${invalid.join(', ')} is not a host name or *.domain pattern (e.g. vscode.dev, *.example.com)`);
  }

  if (issues.length > 0 || !entra || !cosmos) throw new ConfigError(issues);

  const config: BridgeConfig = {
    authz: { issuer: issuer.origin, host: raw.LISTEN_HOST, port: raw.AUTHZ_PORT ?? defaultPort(issuer) },
    mcp: {
      resourceUrl: resource.href,
      host: raw.LISTEN_HOST,
      port: raw.MCP_PORT ?? defaultPort(resource),
      allowedOrigins: raw.MCP_ALLOWED_ORIGINS,
      revocationCacheSeconds: raw.MCP_REVOCATION_CACHE_SECONDS,
    },
    entra,
    cosmos,
    keys: {
      ...(signingJwks ? { signingJwks } : {}),
      ...(signingKeyPem ? { signingKeyPem } : {}),
      ...(raw.COOKIE_KEYS ? { cookieKeys: raw.COOKIE_KEYS } : {}),
    },
    tokens: { accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL_SECONDS, refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS },
    metadataDocuments: {
      enabled: raw.CIMD_ENABLED,
      allowedHosts: raw.CIMD_ALLOWED_HOSTS,
      deniedHosts: raw.CIMD_DENIED_HOSTS,
      trustedHosts: raw.CIMD_TRUSTED_HOSTS,
    },
    preregisteredClients,
    dataDir: raw.DATA_DIR,
    logLevel: raw.LOG_LEVEL,
    warnings,
  };
  return deepFreeze(config);
}

/** The issuer and MCP URL, checked: issuer at an origin root, https outside loopback (MCP AS8). */
function publicUrls(raw: RawConfig, issues: string[], warnings: string[]): { issuer: URL; resource: URL } {
  const issuer = new URL(raw.AUTHZ_ISSUER);
  if (issuer.pathname !== '/' || issuer.search || issuer.hash) {
    issues.push('AUTHZ_ISSUER: must be an origin root such as https://auth.example.com (MCP clients expect the issuer at the root)');
  }
  const resource = new URL(raw.MCP_RESOURCE_URL);
  if (resource.search || resource.hash) issues.push('MCP_RESOURCE_URL: must not contain a query or fragment (RFC 8707 §2)');
  for (const [name, value] of [['AUTHZ_ISSUER', issuer], ['MCP_RESOURCE_URL', resource]] as const) {
    if (value.protocol === 'http:' && !isLoopback(value)) {
      if (raw.DANGEROUSLY_ALLOW_INSECURE_ISSUER) warnings.push(`${name} uses http:// on a non-loopback host (DANGEROUSLY_ALLOW_INSECURE_ISSUER=true)`);
      else issues.push(`${name}: must be https outside localhost (MCP authorization: HTTPS for every endpoint)`);
    }
  }
  return { issuer, resource };
}

/** Validates the variables against the schema; empty strings mean "unset" (docker-compose and shells produce them). */
function parseEnvironment(env: Record<string, string | undefined>): RawConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return parsed.data;
}

function cosmosConfig(raw: RawConfig, issues: string[], warnings: string[]): CosmosConfig | undefined {
  let cosmos: CosmosConfig | undefined;
  if (raw.COSMOS_CONNECTION_STRING) {
    const parts = Object.fromEntries(
      raw.COSMOS_CONNECTION_STRING.split(';')
        .filter(Boolean)
        .map((part) => {
          const at = part.indexOf('=');
          return [part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim()];
        }),
    );
    if (!parts.accountendpoint || !parts.accountkey) {
      issues.push('COSMOS_CONNECTION_STRING: expected AccountEndpoint=…;AccountKey=…;');
    } else {
      cosmos = { mode: 'remote', endpoint: parts.accountendpoint, key: parts.accountkey, databaseId: raw.COSMOS_DATABASE };
    }
  } else if (raw.COSMOS_ENDPOINT || raw.COSMOS_KEY) {
    if (!raw.COSMOS_ENDPOINT) issues.push('COSMOS_ENDPOINT: required when COSMOS_KEY is set');
    if (!raw.COSMOS_KEY) issues.push('COSMOS_KEY: required when COSMOS_ENDPOINT is set');
    if (raw.COSMOS_ENDPOINT && raw.COSMOS_KEY) {
      cosmos = { mode: 'remote', endpoint: raw.COSMOS_ENDPOINT, key: raw.COSMOS_KEY, databaseId: raw.COSMOS_DATABASE };
    }
  } else if (raw.DANGEROUSLY_USE_EMBEDDED_COSMOS) {
    cosmos = { mode: 'embedded', databaseId: raw.COSMOS_DATABASE };
    warnings.push('DANGEROUSLY_USE_EMBEDDED_COSMOS=true: all state is in memory and lost when the process exits');
  } else {
    issues.push('COSMOS_CONNECTION_STRING or COSMOS_ENDPOINT + COSMOS_KEY: required unless DANGEROUSLY_USE_EMBEDDED_COSMOS=true');
  }

  return cosmos;
}

const PreregisteredClientSchema = z
  .object({
    client_id: z
      .string()
      .min(1)
      .max(200)
      .refine((id) => !/^https:/i.test(id), 'an https URL is a Client ID Metadata Document, not a pre-registered id'),
    client_name: z.string().min(1).max(200).optional(),
    client_secret: z.string().min(32, 'must be at least 32 characters').optional(),
    redirect_uris: z.array(z.string().min(1)).min(1).optional(),
    token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).optional(),
  })
  .strict()
  .refine((client) => (client.token_endpoint_auth_method === 'none' ? !client.client_secret : true), 'token_endpoint_auth_method none cannot have a client_secret')
  .refine(
    (client) => (client.token_endpoint_auth_method && client.token_endpoint_auth_method !== 'none' ? Boolean(client.client_secret) : true),
    'client_secret is required for client_secret_basic / client_secret_post',
  );

/** `PREREGISTERED_CLIENTS` (or its file): every entry checked, every problem reported with its index. */
function readPreregisteredClients(raw: RawConfig, issues: string[]): PreregisteredClientConfig[] {
  if (raw.PREREGISTERED_CLIENTS && raw.PREREGISTERED_CLIENTS_FILE) {
    issues.push('PREREGISTERED_CLIENTS, PREREGISTERED_CLIENTS_FILE: set only one of them');
    return [];
  }
  const variable = raw.PREREGISTERED_CLIENTS_FILE ? 'PREREGISTERED_CLIENTS_FILE' : 'PREREGISTERED_CLIENTS';
  const text = raw.PREREGISTERED_CLIENTS_FILE
    ? readVariableFile('PREREGISTERED_CLIENTS_FILE', raw.PREREGISTERED_CLIENTS_FILE, issues)
    : raw.PREREGISTERED_CLIENTS;
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    issues.push(`${variable}: not valid JSON (expected an array of clients)`);
    return [];
  }
  const parsed = z.array(PreregisteredClientSchema).safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push(`${variable}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return [];
  }
  const ids = parsed.data.map((client) => client.client_id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) issues.push(`${variable}: client_id ${duplicate} appears twice`);
  return parsed.data.map((client) => ({
    clientId: client.client_id,
    ...(client.client_name ? { clientName: client.client_name } : {}),
    ...(client.client_secret ? { clientSecret: client.client_secret } : {}),
    ...(client.redirect_uris ? { redirectUris: client.redirect_uris } : {}),
    ...(client.token_endpoint_auth_method ? { tokenEndpointAuthMethod: client.token_endpoint_auth_method } : {}),
  }));
}

/** The text of the file a `*_FILE` variable names; a problem is reported under that variable. */
function readVariableFile(variable: 'SIGNING_KEYS_FILE' | 'PREREGISTERED_CLIENTS_FILE', path: string, issues: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    issues.push(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The slice of the configuration the MCP server needs when it runs on its own (apps/mcp-server). */
export interface McpServerConfig {
  resourceUrl: string;
  issuer: string;
  host: string;
  port: number;
  allowedOrigins: string[];
  revocationCacheSeconds: number;
  cosmos: Extract<CosmosConfig, { mode: 'remote' }>;
  dangerouslyDisableAuth: boolean;
  logLevel: RawConfig['LOG_LEVEL'];
  warnings: string[];
}

/**
 * Reads the MCP server's settings from the same schema as the bridge: `MCP_RESOURCE_URL`,
 * `AUTHZ_ISSUER`, Cosmos, `MCP_ALLOWED_ORIGINS`, `MCP_DANGEROUSLY_DISABLE_AUTH`. Entra settings are not
 * needed. Reports every problem at once.
 *
 * @example
 * const config = loadMcpServerConfig(process.env);
 */
export function loadMcpServerConfig(env: Record<string, string | undefined>): Readonly<McpServerConfig> {
  const raw = parseEnvironment(env);
  const issues: string[] = [];
  const warnings: string[] = [];
  const { issuer, resource } = publicUrls(raw, issues, warnings);
  const cosmos = cosmosConfig(raw, issues, warnings);
  if (cosmos?.mode === 'embedded') {
    issues.push('DANGEROUSLY_USE_EMBEDDED_COSMOS: the MCP server on its own needs a shared Cosmos DB (COSMOS_CONNECTION_STRING or COSMOS_ENDPOINT + COSMOS_KEY)');
  }
  if (raw.MCP_DANGEROUSLY_DISABLE_AUTH) warnings.push('MCP_DANGEROUSLY_DISABLE_AUTH=true: the MCP server accepts requests WITHOUT authentication');
  if (issues.length > 0 || !cosmos || cosmos.mode !== 'remote') throw new ConfigError(issues);
  return deepFreeze({
    resourceUrl: resource.href,
    issuer: issuer.origin,
    host: raw.LISTEN_HOST,
    port: raw.MCP_PORT ?? defaultPort(resource),
    allowedOrigins: raw.MCP_ALLOWED_ORIGINS,
    revocationCacheSeconds: raw.MCP_REVOCATION_CACHE_SECONDS,
    cosmos,
    dangerouslyDisableAuth: raw.MCP_DANGEROUSLY_DISABLE_AUTH,
    logLevel: raw.LOG_LEVEL,
    warnings,
  });
}

/**
 * For an app's entry point: runs `load` and, on a {@link ConfigError}, prints every problem and
 * exits with status 2 instead of a stack trace.
 *
 * @example
 * const config = loadOrExit(() => loadConfig(process.env));
 */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee docs/configuration.md.\n`);
    process.exit(2);
  }
}
