import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { UpstreamAuthorizationRequest, UpstreamCallback, UpstreamIdentity, UpstreamIdp } from '@mcp-bridge/authz-core';
import { OAuthError } from '@mcp-bridge/authz-core';
import type { Logger } from '@mcp-bridge/logger';
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { EntraErrorContext } from './classify-entra-error.ts';
import { createMetadataLoader, type EntraMetadata } from './entra-metadata.ts';
import { createHttpsClient, createJoseFetch, createMsalNetworkClient, type HttpsSend } from './https-client.ts';
import { mapMsalError } from './map-msal-error.ts';
import { describeEntraCallbackError } from './describe-callback-error.ts';
import { verifyIdToken } from './verify-id-token.ts';

/** Validated settings of one Entra app registration. */
export interface EntraUpstreamSettings {
  /** `https://host[:port]` */
  authorityOrigin: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: readonly string[];
  caCertPem?: string;
  allowedTenantIds?: readonly string[];
  logger: Logger;
}

const MSAL_LOG: Record<LogLevel, 'warn' | 'debug' | 'trace'> = {
  [LogLevel.Error]: 'warn',
  [LogLevel.Warning]: 'warn',
  [LogLevel.Info]: 'debug',
  [LogLevel.Verbose]: 'trace',
  [LogLevel.Trace]: 'trace',
};

/** {@link UpstreamIdp} for Microsoft Entra ID on MSAL node's confidential client. */
export class EntraUpstream implements UpstreamIdp {
  readonly displayName = 'Microsoft Entra ID';
  readonly redirectUri: string;
  /** The MSAL application; exposed for tests that check its cache stays empty. */
  readonly msal: ConfidentialClientApplication;
  readonly #settings: EntraUpstreamSettings;
  readonly #send: HttpsSend;
  readonly #context: EntraErrorContext;
  readonly #metadata: () => Promise<EntraMetadata>;
  readonly #v1Metadata: () => Promise<EntraMetadata>;
  #jwks: { uri: string; getKey: JWTVerifyGetKey } | undefined;

  constructor(settings: EntraUpstreamSettings) {
    this.#settings = settings;
    this.redirectUri = settings.redirectUri;
    const host = new URL(settings.authorityOrigin).host;
    this.#send = createHttpsClient({
      allowedHosts: [host],
      ...(settings.caCertPem !== undefined ? { caCertPem: settings.caCertPem } : {}),
    });
    this.#context = {
      clientId: settings.clientId,
      tenantId: settings.tenantId,
      redirectUri: settings.redirectUri,
      scopes: settings.scopes,
    };
    const authority = `${settings.authorityOrigin}/${settings.tenantId}`;
    this.#metadata = createMetadataLoader(this.#send, `${authority}/v2.0/.well-known/openid-configuration`, this.#context);
    this.#v1Metadata = createMetadataLoader(this.#send, `${authority}/.well-known/openid-configuration`, this.#context);
    const logger = settings.logger;
    this.msal = new ConfidentialClientApplication({
      auth: {
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        authority,
        // Trusting the host skips instance discovery, so MSAL never calls login.microsoftonline.com
        // for another host; the network client refuses every host but this one anyway.
        knownAuthorities: [host],
      },
      system: {
        networkClient: createMsalNetworkClient(this.#send),
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Info,
          loggerCallback: (level, message) => logger[MSAL_LOG[level]]({ msal: true }, message),
        },
      },
    });
  }

  /** Builds the Entra authorize URL (RFC 6749 §4.1.1 with PKCE S256, RFC 7636 §4.3). */
  async authorizationUrl(request: UpstreamAuthorizationRequest): Promise<string> {
    // Our own discovery first: it turns a wrong tenant or host into an actionable error.
    await this.#metadata();
    try {
      return await this.msal.getAuthCodeUrl({
        scopes: [...this.#settings.scopes],
        redirectUri: this.#settings.redirectUri,
        state: request.state,
        nonce: request.nonce,
        codeChallenge: await pkceChallenge(request.codeVerifier),
        codeChallengeMethod: 'S256',
        responseMode: 'query',
        ...(request.loginHint !== undefined ? { loginHint: request.loginHint } : {}),
        ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
      });
    } catch (err) {
      throw mapMsalError(err, this.#context);
    }
  }

  /** Redeems the code (RFC 6749 §4.1.3), verifies the id_token and returns who signed in. */
  async redeem(callback: UpstreamCallback): Promise<UpstreamIdentity> {
    const metadata = await this.#metadata();
    let idToken: string;
    try {
      const result = await this.msal.acquireTokenByCode(
        {
          code: callback.code,
          scopes: [...this.#settings.scopes],
          redirectUri: this.#settings.redirectUri,
          codeVerifier: callback.codeVerifier,
          state: callback.state,
          nonce: callback.nonce,
        },
        { code: callback.code, state: callback.state },
      );
      idToken = result.idToken;
    } catch (err) {
      throw mapMsalError(err, this.#context);
    } finally {
      // We keep no Entra tokens; MSAL's cache would otherwise hold every user's.
      this.msal.clearCache();
    }
    if (!idToken) throw new OAuthError('server_error', 'Microsoft Entra ID returned no id_token; the openid scope must be allowed for the bridge.');
    return verifyIdToken(idToken, callback.nonce, {
      clientId: this.#settings.clientId,
      issuerTemplate: metadata.issuer,
      v1IssuerTemplate: async () => (await this.#v1Metadata()).issuer,
      jwks: this.#jwksFor(metadata.jwks_uri),
      ...(this.#settings.allowedTenantIds !== undefined ? { allowedTenantIds: this.#settings.allowedTenantIds } : {}),
    });
  }

  /** Translates `?error=…` on the callback (RFC 6749 §4.1.2.1); Entra's text stays in `cause`. */
  describeCallbackError(params: { error: string; error_description?: string }): OAuthError {
    return describeEntraCallbackError(params, this.#context);
  }

  #jwksFor(uri: string): JWTVerifyGetKey {
    if (this.#jwks?.uri !== uri) {
      this.#jwks = {
        uri,
        getKey: createRemoteJWKSet(new URL(uri), {
          [customFetch]: createJoseFetch(this.#send),
          timeoutDuration: 10_000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        }),
      };
    }
    return this.#jwks.getKey;
  }
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return Buffer.from(digest).toString('base64url');
}
