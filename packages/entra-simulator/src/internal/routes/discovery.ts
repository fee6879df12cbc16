import { MULTI_TENANT_SEGMENTS } from '../defaults.ts';
import { checkTenant, issuerOf, type SimulatorState } from '../simulator-state.ts';

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3), with the
 * fields and values Entra's v2 endpoint publishes. Multi-tenant aliases get the `{tenantid}` issuer
 * template, exactly like Entra.
 */
export function openIdConfiguration(state: SimulatorState, tenantSegment: string): Record<string, unknown> {
  checkTenant(state, tenantSegment);
  const multi = MULTI_TENANT_SEGMENTS.has(tenantSegment.toLowerCase());
  const base = `${state.origin}/${tenantSegment}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: multi ? `${state.origin}/{tenantid}/v2.0` : issuerOf(state),
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    code_challenge_methods_supported: ['S256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host',
      'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash',
      'c_hash', 'email',
    ],
    tenant_region_scope: multi ? null : 'EU',
    cloud_instance_name: 'localhost',
    cloud_graph_host_name: 'localhost',
    msgraph_host: 'localhost',
    rbac_url: state.origin,
  };
}

/** `GET /{tenant}/discovery/v2.0/keys`: the JWK Set (RFC 7517 §5) tokens are signed with. */
export function keySet(state: SimulatorState, tenantSegment: string): Record<string, unknown> {
  checkTenant(state, tenantSegment);
  return { keys: [state.signingKey.publicJwk] };
}

/**
 * `GET /common/discovery/instance`: Entra's instance discovery, answered for MSAL configurations
 * that do not list the host in `knownAuthorities`. Aliases are only this simulator's host.
 */
export function instanceDiscovery(state: SimulatorState, authorizationEndpoint: string | null): Record<string, unknown> {
  const host = new URL(state.origin).host;
  let tenant = 'common';
  if (authorizationEndpoint !== null) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/')[1] || 'common';
    } catch {
      // Entra falls back to the common tenant for an unparsable endpoint.
    }
  }
  return {
    tenant_discovery_endpoint: `${state.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
