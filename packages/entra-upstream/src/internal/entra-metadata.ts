import { OAuthError } from '@mcp-bridge/authz-core';
import { aadstsNumber, classifyEntraError, type EntraErrorContext } from './classify-entra-error.ts';
import { getJson, UpstreamCertificateError, UpstreamUnreachableError, type HttpsSend } from './https-client.ts';
import { certificateError } from './map-msal-error.ts';

/** The parts of Entra's OpenID configuration the bridge relies on. */
export interface EntraMetadata {
  /** May contain `{tenantid}` for `organizations` / `common`. */
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

const METADATA_TTL_MS = 24 * 3600 * 1000;

function isMetadata(body: unknown): body is EntraMetadata {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint'].every((k) => typeof b[k] === 'string');
}

/**
 * Fetches an OpenID configuration document (OpenID Connect Discovery 1.0 §4) once and caches it;
 * failures are not cached and come out as `OAuthError`s.
 */
export function createMetadataLoader(send: HttpsSend, url: string, context: EntraErrorContext): () => Promise<EntraMetadata> {
  let cached: { value: EntraMetadata; until: number } | undefined;
  let inflight: Promise<EntraMetadata> | undefined;

  async function load(): Promise<EntraMetadata> {
    let response: { status: number; body: unknown };
    try {
      response = await getJson<unknown>(send, url);
    } catch (err) {
      if (err instanceof UpstreamCertificateError) throw certificateError(err);
      if (err instanceof UpstreamUnreachableError) {
        throw new OAuthError('temporarily_unavailable', 'Microsoft Entra ID could not be reached. Try again in a minute.', { cause: err });
      }
      throw new OAuthError('server_error', 'The bridge could not load the Entra OpenID configuration.', { cause: err });
    }
    const { status, body } = response;
    if (status === 200 && isMetadata(body)) return body;
    const b = (typeof body === 'object' && body !== null ? body : {}) as { error?: unknown; error_description?: unknown; error_codes?: unknown[] };
    const aadsts = aadstsNumber(b.error_codes?.[0], typeof b.error_description === 'string' ? b.error_description : undefined);
    const cause = new Error(`GET ${url} answered HTTP ${status}: ${JSON.stringify(body)}`);
    if (aadsts !== undefined || status >= 500) {
      const classified = classifyEntraError(
        { status, ...(typeof b.error === 'string' ? { error: b.error } : {}), ...(aadsts !== undefined ? { aadsts } : {}) },
        context,
      );
      throw new OAuthError(classified.code, classified.description, { cause });
    }
    throw new OAuthError(
      'server_error',
      `The bridge could not read Entra's OpenID configuration at ${url} (HTTP ${status}). Check the authority host and tenant id.`,
      { cause },
    );
  }

  return async () => {
    if (cached !== undefined && cached.until > Date.now()) return cached.value;
    inflight ??= load().finally(() => {
      inflight = undefined;
    });
    const value = await inflight;
    cached = { value, until: Date.now() + METADATA_TTL_MS };
    return value;
  };
}
