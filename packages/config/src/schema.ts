import { z } from 'zod';

const url = z.url({ protocol: /^https?$/ });
const csv = z
  .string()
  .transform((value) => value.split(/[\s,]+/).map((item) => item.trim()).filter(Boolean));
const bool = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every environment variable the bridge reads, in one place (house style rule 8).
 * `docs/configuration.md` is generated from the `.describe()` texts: `pnpm --filter @mcp-bridge/config docs`.
 */
export const ConfigSchema = z.object({
  AUTHZ_ISSUER: url
    .default('http://localhost:9000')
    .describe('Public origin of the authorization server; the OAuth issuer. Must be an origin root (no path) and https outside localhost.'),
  AUTHZ_PORT: port.optional().describe('Port the authorization server listens on. Defaults to the port in AUTHZ_ISSUER.'),
  MCP_RESOURCE_URL: url
    .default('http://localhost:9100/mcp')
    .describe('The MCP server URL users paste into their client; the `aud` of every access token.'),
  MCP_PORT: port.optional().describe('Port the MCP server listens on. Defaults to the port in MCP_RESOURCE_URL.'),
  MCP_ALLOWED_ORIGINS: csv
    .default([])
    .describe('Browser origins allowed to call the MCP server (comma separated), besides its own origin.'),
  MCP_REVOCATION_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(15)
    .describe('How long the MCP server trusts its last answer to "is this grant still active?" (0 = ask the store on every request). Bounds how late a revocation takes effect.'),
  LISTEN_HOST: z.string().default('127.0.0.1').describe('Interface both servers bind to. Use 0.0.0.0 in a container.'),

  ENTRA_AUTHORITY_HOST: url
    .default('https://login.microsoftonline.com')
    .describe('Entra ID authority host. Only the dev simulator changes it.'),
  ENTRA_TENANT_ID: z
    .string()
    .min(1)
    .optional()
    .describe('Directory (tenant) id of the Entra app registration, or `organizations` for a multi-tenant app.'),
  ENTRA_CLIENT_ID: z.string().min(1).optional().describe('Application (client) id of the bridge’s Entra app registration.'),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional().describe('Client secret of that app registration.'),
  ENTRA_SCOPES: csv
    .default(['User.Read'])
    .describe('Scopes of ONE resource requested from Entra besides `openid profile offline_access`, e.g. `User.Read` or `api://<app-id>/.default`.'),
  ENTRA_ALLOWED_TENANTS: csv
    .default([])
    .describe('When set, only users from these tenant ids may sign in (useful with a multi-tenant app).'),

  CIMD_ENABLED: bool
    .default(true)
    .describe('Accept Client ID Metadata Documents: an https URL as `client_id`, whose JSON this server fetches (VS Code, claude.ai, Claude Code). Fetches go only to public addresses, over https, without redirects, ≤ 5 KiB, within 2.5 s, directly (no HTTP proxy): the bridge needs outbound https to the clients’ hosts, or set this to false.'),
  CIMD_ALLOWED_HOSTS: csv
    .default([])
    .describe('When set, only metadata documents on these hosts are accepted (comma separated; `*.example.com` for subdomains), e.g. `vscode.dev,claude.ai`. Empty: any public host.'),
  CIMD_DENIED_HOSTS: csv.default([]).describe('Metadata documents on these hosts are refused (wins over CIMD_ALLOWED_HOSTS).'),
  CIMD_TRUSTED_HOSTS: csv
    .default(['vscode.dev', 'insiders.vscode.dev', 'claude.ai'])
    .describe('Publishers whose clients the consent page shows as verified (the whole host vouches: list only hosts that publish nothing but their own clients’ documents). Clients from other hosts get a warning.'),
  PREREGISTERED_CLIENTS: z
    .string()
    .min(1)
    .optional()
    .describe('Clients for people who paste a client id into their MCP client: a JSON array of `{"client_id", "client_name"?, "client_secret"?, "redirect_uris"?, "token_endpoint_auth_method"?}`. Without `redirect_uris` the redirect URIs of VS Code, Claude, Claude Code, Cursor, mcp-remote, Inspector and others are allowed (loopback on any port). With a `client_secret` (≥ 32 chars) the client is confidential (`client_secret_basic` unless set).'),
  PREREGISTERED_CLIENTS_FILE: z.string().min(1).optional().describe('Path to a file holding the PREREGISTERED_CLIENTS JSON.'),

  COSMOS_CONNECTION_STRING: z
    .string()
    .min(1)
    .optional()
    .describe('Cosmos DB connection string (`AccountEndpoint=…;AccountKey=…;`). Alternative to COSMOS_ENDPOINT + COSMOS_KEY.'),
  COSMOS_ENDPOINT: url.optional().describe('Cosmos DB account endpoint.'),
  COSMOS_KEY: z.string().min(1).optional().describe('Cosmos DB account key.'),
  COSMOS_DATABASE: z.string().min(1).default('mcp-bridge').describe('Cosmos DB database id; created if missing.'),

  SIGNING_KEYS_JWKS: z
    .string()
    .min(1)
    .optional()
    .describe('Private JWKS (JSON `{"keys":[…]}`) for signing access tokens; the first key signs. Generated once and kept in the store when unset.'),
  SIGNING_KEY_PEM: z
    .string()
    .min(1)
    .optional()
    .describe('Alternative to SIGNING_KEYS_JWKS: one PKCS#8 PEM private key (EC P-256 → ES256, RSA → RS256, Ed25519 → EdDSA).'),
  SIGNING_KEYS_FILE: z.string().min(1).optional().describe('Path to a file holding that private JWKS or PEM key.'),
  COOKIE_KEYS: csv
    .optional()
    .describe('Secrets (comma separated, ≥ 32 chars each) that sign cookies; the first signs. Generated once and kept in the store when unset.'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(600).describe('Access token lifetime (60–900 s).'),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(14 * 24 * 3600)
    .describe('Refresh token lifetime; each use rotates the token.'),

  DANGEROUSLY_USE_DEV_ENTRA: bool
    .default(false)
    .describe('Start the built-in dev Entra simulator (test users alice@contoso.dev, bob@contoso.dev) instead of a real tenant. Never in production.'),
  DEV_ENTRA_PORT: port.default(9443).describe('Port of the dev Entra simulator.'),
  DANGEROUSLY_USE_EMBEDDED_COSMOS: bool
    .default(false)
    .describe('Start an in-memory Cosmos-compatible server in process when no Cosmos is configured. Data is lost on exit. Never in production.'),
  MCP_DANGEROUSLY_DISABLE_AUTH: bool
    .default(false)
    .describe('MCP server only (apps/mcp-server run on its own): serve tools WITHOUT authentication, as one anonymous user — for the MCP conformance suite. Never in production.'),
  DANGEROUSLY_ALLOW_INSECURE_ISSUER: bool
    .default(false)
    .describe('Allow an http:// issuer on a non-loopback host. Never in production.'),
  DATA_DIR: z.string().default('.data').describe('Where dev-only files live (the dev Entra CA).'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
});

export type RawConfig = z.output<typeof ConfigSchema>;
