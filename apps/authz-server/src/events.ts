import type Provider from 'oidc-provider';
import type { Logger } from '@mcp-bridge/logger';

/**
 * Audit-relevant provider events, logged without tokens: only ids of clients, accounts and grants.
 * See oidc-provider's events documentation for the full list.
 */
export function subscribeProviderEvents(provider: Provider, logger: Logger): void {
  const log = logger.child({ pkg: 'oidc-provider' });
  provider.on('registration_create.success', (_ctx, client) => {
    log.info({ event: 'client.registered', clientId: client.clientId, clientName: client.clientName }, 'client registered');
  });
  provider.on('grant.success', (ctx) => {
    log.info({ event: 'grant.success', clientId: ctx.oidc.client?.clientId, grantType: ctx.oidc.params?.grant_type }, 'tokens issued');
  });
  provider.on('grant.revoked', (_ctx, grantId) => {
    log.info({ event: 'grant.revoked', grantId }, 'grant revoked');
  });
  provider.on('server_error', (_ctx, error) => {
    log.error({ err: error }, 'oidc-provider server error');
  });
  const refused = (event: string) => (_ctx: unknown, error: Error & { error?: string; error_description?: string; error_detail?: string }) => {
    // `detail` says why, e.g. why a client metadata document could not be fetched ("… resolves to
    // 10.0.0.7, a private address"); oidc-provider fills it from the error's cause.
    log.info({ event, error: error.error, description: error.error_description, detail: error.error_detail }, 'request refused');
  };
  provider.on('grant.error', refused('grant.error'));
  provider.on('authorization.error', refused('authorization.error'));
  provider.on('registration_create.error', refused('registration_create.error'));
  provider.on('revocation.error', refused('revocation.error'));
  provider.on('introspection.error', refused('introspection.error'));
}
