/** What `main.ts` needs from the environment. */
export interface McpServerEnv {
  resourceUrl: string;
  issuer: string;
  cosmos: { endpoint: string; key: string; databaseId: string };
  /** Port to listen on; defaults to the port of `resourceUrl`. */
  port: number;
  allowedOrigins: string[];
  dangerouslyDisableAuth: boolean;
}

/**
 * Reads the MCP server's settings: `MCP_RESOURCE_URL`, `AUTHZ_ISSUER`, `COSMOS_ENDPOINT`, `COSMOS_KEY`,
 * `COSMOS_DATABASE` (default `mcp-bridge`), optional `MCP_PORT`, `MCP_ALLOWED_ORIGINS` (comma
 * separated) and `MCP_DANGEROUSLY_DISABLE_AUTH=true`. Throws one error listing every problem. A stopgap
 * until `@mcp-bridge/config`'s `loadConfig` replaces it.
 *
 * @example
 * const env = readMcpServerEnv(process.env);
 */
export function readMcpServerEnv(env: Record<string, string | undefined>): McpServerEnv {
  const problems: string[] = [];
  const url = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    else if (!URL.canParse(value)) problems.push(`${name} must be an absolute URL`);
    return value ?? '';
  };
  const required = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const resourceUrl = url('MCP_RESOURCE_URL');
  const issuer = url('AUTHZ_ISSUER');
  const endpoint = url('COSMOS_ENDPOINT');
  const key = required('COSMOS_KEY');
  const defaultPort = URL.canParse(resourceUrl) ? Number(new URL(resourceUrl).port || (resourceUrl.startsWith('https:') ? 443 : 80)) : 0;
  const port = env['MCP_PORT'] ? Number(env['MCP_PORT']) : defaultPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('MCP_PORT must be a port number');
  if (problems.length > 0) throw new Error(`Invalid MCP server configuration: ${problems.join('; ')}`);
  return {
    resourceUrl,
    issuer,
    cosmos: { endpoint, key, databaseId: env['COSMOS_DATABASE'] || 'mcp-bridge' },
    port,
    allowedOrigins: (env['MCP_ALLOWED_ORIGINS'] ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    dangerouslyDisableAuth: env['MCP_DANGEROUSLY_DISABLE_AUTH'] === 'true',
  };
}
