import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { userOf } from '../internal/user.ts';
import { jsonResult, missingScope } from './tool-context.ts';

/** Registers `whoami` (mcp:read): who the verified token says the caller is. */
export function registerWhoami(server: McpServer): void {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'Returns the signed-in user (Entra object id, tenant id, name, username), the granted scopes and the client id.',
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (extra) => {
      const denied = missingScope(extra, 'mcp:read');
      if (denied) return denied;
      const auth = extra.authInfo;
      const user = userOf(auth);
      return jsonResult({
        oid: user?.objectId ?? null,
        tid: user?.tenantId ?? null,
        name: user?.name ?? null,
        username: user?.username ?? null,
        scopes: auth?.scopes ?? [],
        client_id: auth?.clientId ?? null,
      });
    },
  );
}
