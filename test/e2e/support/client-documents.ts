/**
 * The Client ID Metadata Documents real MCP clients publish (../shared/docs/client-interop.md), as the
 * bridge fetches them: served by `startMetadataHost` under their real URLs.
 */

export const VSCODE_CIMD = 'https://vscode.dev/oauth/client-metadata.json';
export const CLAUDE_AI_CIMD = 'https://claude.ai/oauth/mcp-oauth-client-metadata';
export const CLAUDE_CODE_CIMD = 'https://claude.ai/oauth/claude-code-client-metadata';

export const VSCODE_DOCUMENT = {
  client_id: VSCODE_CIMD,
  client_name: 'Visual Studio Code',
  client_uri: 'https://code.visualstudio.com',
  redirect_uris: ['http://127.0.0.1:33418/', 'http://127.0.0.1/', 'https://vscode.dev/redirect', 'https://insiders.vscode.dev/redirect'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
};

export const CLAUDE_AI_DOCUMENT = {
  client_id: CLAUDE_AI_CIMD,
  client_name: 'Claude',
  client_uri: 'https://claude.ai',
  redirect_uris: ['https://claude.ai/api/mcp/auth_callback', 'https://claude.com/api/mcp/auth_callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

/** Loopback redirects WITHOUT a port and no application_type (interop rule 15). */
export const CLAUDE_CODE_DOCUMENT = {
  client_id: CLAUDE_CODE_CIMD,
  client_name: 'Claude Code',
  redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};
