import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { withDefaultResourceScopes } from '@mcp-bridge/authz-core';
import type { Logger } from '@mcp-bridge/logger';

/**
 * Headers on every response: no framing anywhere (MCP AS11, attack catalogue A23), no MIME sniffing,
 * no referrer leaking codes or state.
 */
export const securityHeaders: Middleware = async (ctx, next) => {
  await next();
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
};

/**
 * One access-log line per request with a request id. Only method, path and status are logged:
 * query strings carry codes and state, headers carry tokens and cookies (MCP RS9).
 */
export function requestLog(logger: Logger): Middleware {
  const log = logger.child({ pkg: 'http' });
  return async (ctx, next) => {
    const started = performance.now();
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId as string);
    try {
      await next();
    } finally {
      const line = { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) };
      if (ctx.status >= 500) log.error(line, 'request failed');
      else log.debug(line, 'request');
    }
  };
}

/**
 * Applies the default-scope policy to GET /authorize before oidc-provider reads it: a request that
 * names no resource scope gets all of them (see `withDefaultResourceScopes`; RFC 6749 §3.3).
 */
export function defaultScopeOnAuthorize(authorizationPath: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path === authorizationPath && ctx.method === 'GET' && ctx.query.client_id !== undefined) {
      const params = new URLSearchParams(ctx.querystring);
      // A repeated `scope` is left for oidc-provider to reject (RFC 6749 §3.1).
      if (params.getAll('scope').length <= 1) {
        params.set('scope', withDefaultResourceScopes(params.get('scope')));
        ctx.querystring = params.toString();
      }
    }
    await next();
  };
}

/** Liveness and store reachability for load balancers; 503 when the store is down (fail closed). */
export function healthCheck(path: string, check: () => Promise<void>, logger: Logger): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== path || ctx.method !== 'GET') return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      await check();
      ctx.body = { status: 'ok' };
    } catch (error) {
      logger.error({ err: error }, 'health check failed: store unreachable');
      ctx.status = 503;
      ctx.body = { status: 'unavailable', error: 'temporarily_unavailable', error_description: 'the store is unreachable' };
    }
  };
}
