import type { Stack } from './start-stack.ts';

/** What `pnpm start` prints: where everything is and what to paste into each client. */
export function banner(stack: Stack): string {
  const name = 'entra-demo';
  const vscode = JSON.stringify({ servers: { [name]: { type: 'http', url: stack.resourceUrl } } }, null, 2);
  const claudeDesktop = JSON.stringify({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'mcp-remote', stack.resourceUrl] } } }, null, 2);
  const lines = [
    '',
    'MCP Auth Bridge is running.',
    '',
    `  Authorization server (issuer)  ${stack.issuer}`,
    `  MCP server                     ${stack.resourceUrl}`,
    ...(stack.entra
      ? [
          `  Dev Entra simulator            ${stack.entra.origin}  (test users: ${stack.entra.users.map((user) => user.username).join(', ')})`,
        ]
      : []),
    `  Cosmos DB                      ${stack.cosmosEndpoint}`,
    '',
    'VS Code — .vscode/mcp.json:',
    indent(vscode),
    '',
    'Claude Code:',
    `  claude mcp add --transport http ${name} ${stack.resourceUrl}`,
    '',
    'Claude Desktop (through mcp-remote) — claude_desktop_config.json:',
    indent(claudeDesktop),
    '',
    'MCP Inspector:',
    `  npx @modelcontextprotocol/inspector  → Streamable HTTP, URL ${stack.resourceUrl}`,
    '',
    'Cursor, mcp-remote, pasted client ids and what each client shows: docs/clients.md',
    '',
    ...(stack.entra
      ? [
          'Sign in with alice@contoso.dev or bob@contoso.dev. Your browser will warn about the dev Entra',
          'certificate the first time: it is made on this machine (see README, "Trusting the dev Entra").',
          '',
        ]
      : []),
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
