/** Scopes answered by the OpenID provider itself rather than by a resource. */
export const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Microsoft Graph's app id, the audience Entra uses for Graph scopes given without a prefix. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** A requested scope string split the way Entra's v2 endpoint reads it. */
export interface ParsedScope {
  all: string[];
  oidc: string[];
  /** Fully qualified resource scopes, e.g. `api://app/.default` or `https://graph.microsoft.com/User.Read`. */
  resourceScopes: string[];
  /** The one resource the scopes are for, or undefined when they name several. */
  resource: string | undefined;
}

function qualify(scope: string): { resource: string; name: string } {
  const slash = scope.lastIndexOf('/');
  if (scope.includes('://') && slash > scope.indexOf('://') + 2) {
    return { resource: scope.slice(0, slash), name: scope.slice(slash + 1) };
  }
  // Bare names (`User.Read`) are Microsoft Graph scopes.
  return { resource: GRAPH_RESOURCE, name: scope };
}

/** Splits a space-separated scope string (RFC 6749 §3.3). */
export function parseScope(scope: string): ParsedScope {
  const all = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  const oidc = all.filter((s) => OIDC_SCOPES.has(s.toLowerCase()));
  const resourceScopes = all.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  const resources = new Set(resourceScopes.map((s) => qualify(s).resource.toLowerCase()));
  const first = resourceScopes[0];
  const resource = resources.size > 1 ? undefined : first === undefined ? GRAPH_RESOURCE : qualify(first).resource;
  return { all, oidc, resourceScopes, resource };
}

/** The access token audience for a resource (Graph is addressed by its app id, like Entra does). */
export function audienceFor(resource: string): string {
  return resource.toLowerCase() === GRAPH_RESOURCE ? GRAPH_APP_ID : resource;
}

/** The `scp` claim: short scope names; `.default` stands for the app's consented scopes. */
export function scpFor(resourceScopes: readonly string[]): string {
  const names = resourceScopes.map((s) => qualify(s).name).map((n) => (n === '.default' ? 'user_impersonation' : n));
  return names.length === 0 ? 'User.Read' : names.join(' ');
}
