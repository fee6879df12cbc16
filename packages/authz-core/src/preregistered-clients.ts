import type { ClientMetadata } from 'oidc-provider';

/**
 * Redirect URIs of the MCP clients in ../shared/docs/client-interop.md, for a client id that people
 * paste into their client (interop rule 14). Loopback URIs match on any port (RFC 8252 §7.3), so one
 * entry per host and path covers every port those clients pick.
 */
export const KNOWN_CLIENT_REDIRECT_URIS: readonly string[] = [
  // VS Code (33418 or a random port, then its web redirectors)
  'http://127.0.0.1/',
  'http://localhost/',
  'https://vscode.dev/redirect',
  'https://insiders.vscode.dev/redirect',
  // claude.ai / Claude Desktop connectors
  'https://claude.ai/api/mcp/auth_callback',
  'https://claude.com/api/mcp/auth_callback',
  // Claude Code, Cursor (localhost:8787), Zed, Codex (older)
  'http://localhost/callback',
  'http://127.0.0.1/callback',
  'http://localhost/auth/callback',
  // mcp-remote, MCP Inspector (+ its debug page), Gemini CLI
  'http://localhost/oauth/callback',
  'http://127.0.0.1/oauth/callback',
  'http://localhost/oauth/callback/debug',
  // Cursor
  'cursor://anysphere.cursor-mcp/oauth/callback',
  'https://www.cursor.com/agents/mcp/oauth/callback',
  // Goose
  'http://127.0.0.1/oauth_callback',
  'http://[::1]/oauth_callback',
  // ChatGPT (legacy connector redirect)
  'https://chatgpt.com/connector_platform_oauth_redirect',
];

/** A client an operator configures (`PREREGISTERED_CLIENTS`, docs/configuration.md). */
export interface PreregisteredClient {
  clientId: string;
  clientName?: string;
  /** Present for a confidential client; it then authenticates with `tokenEndpointAuthMethod`. */
  clientSecret?: string;
  /** Defaults to {@link KNOWN_CLIENT_REDIRECT_URIS}. */
  redirectUris?: readonly string[];
  tokenEndpointAuthMethod?: 'none' | 'client_secret_basic' | 'client_secret_post';
}

/**
 * oidc-provider client metadata for a pre-registered client: public with PKCE unless it has a secret
 * (then `client_secret_basic`, what the MCP SDK picks for a pasted id + secret). The registration policy
 * (native promotion, refresh tokens) applies as for any client.
 *
 * @example
 * preregisteredClientMetadata({ clientId: 'vscode' })
 * // { client_id: 'vscode', token_endpoint_auth_method: 'none', redirect_uris: [...KNOWN_CLIENT_REDIRECT_URIS], … }
 */
export function preregisteredClientMetadata(client: PreregisteredClient): ClientMetadata {
  const method = client.tokenEndpointAuthMethod ?? (client.clientSecret ? 'client_secret_basic' : 'none');
  return {
    client_id: client.clientId,
    ...(client.clientName ? { client_name: client.clientName } : {}),
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    redirect_uris: [...(client.redirectUris ?? KNOWN_CLIENT_REDIRECT_URIS)],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: method,
  };
}
