import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { parse as parseQuery } from 'node:querystring';
import { isSameResource, withDefaultResourceScopes } from '@mcp-bridge/authz-core';
import type { Logger } from '@mcp-bridge/logger';
import { renderErrorPage } from './pages.ts';
import { readBody } from './read-form.ts';

/**
 * Headers on every response: no framing anywhere (MCP AS11, attack catalogue A23), no MIME sniffing,
 * no referrer leaking codes or state.
 */
export const securityHeaders: Middleware = async (ctx, next) => {
  await next();
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (!ctx.response.get('Referrer-Policy')) ctx.set('Referrer-Policy', 'no-referrer');
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

/** `resource` naming our MCP server in another spelling → the exact configured URL; anything else unchanged. */
function canonicalResourceOf(resourceUrl: string) {
  return (value: unknown) => (typeof value === 'string' && value !== resourceUrl && isSameResource(value, resourceUrl) ? resourceUrl : value);
}

/**
 * The bridge's policies on a GET /authorize request, applied before oidc-provider reads it (one parse
 * of the query):
 * - a request naming no resource scope gets all of them (`withDefaultResourceScopes`; RFC 6749 §3.3);
 * - a `resource` naming our MCP server in another spelling (trailing slash, case, default port —
 *   RFC 8707 §2, interop rule 8) becomes the exact configured URL, so the grant holds one spelling.
 * Repeated parameters are left for oidc-provider to reject (RFC 6749 §3.1).
 */
export function authorizationRequestPolicy(authorizationPath: string, resourceUrl: string): Middleware {
  const canonical = canonicalResourceOf(resourceUrl);
  return async (ctx, next) => {
    if (ctx.path === authorizationPath && ctx.method === 'GET' && ctx.query.client_id !== undefined) {
      const params = new URLSearchParams(ctx.querystring);
      let changed = false;
      if (params.getAll('scope').length <= 1) {
        const scope = withDefaultResourceScopes(params.get('scope'));
        changed ||= scope !== params.get('scope');
        params.set('scope', scope);
      }
      const resources = params.getAll('resource');
      if (resources.length === 1 && canonical(resources[0]) !== resources[0]) {
        params.set('resource', resourceUrl);
        changed = true;
      }
      if (changed) ctx.querystring = params.toString();
    }
    await next();
  };
}

/**
 * The same `resource` policy on POST /token, where a `resource` that is not ours is refused before
 * oidc-provider sees it: oidc-provider rotates (consumes) a refresh token before it checks `resource`,
 * so a client that sent a wrong one would lose its refresh token (RFC 8707 §2.2).
 *
 * The form body is read here (same 56 KiB limit as oidc-provider) and handed on as
 * `ctx.request.body`, which oidc-provider accepts in place of the stream.
 */
export function tokenRequestPolicy(tokenPath: string, resourceUrl: string): Middleware {
  const canonical = canonicalResourceOf(resourceUrl);
  return async (ctx, next) => {
    if (ctx.path === tokenPath && ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
      const body = parseQuery(await readBody(ctx.req, TOKEN_BODY_LIMIT_BYTES));
      if (body.resource !== undefined && (typeof body.resource !== 'string' || !isSameResource(body.resource, resourceUrl))) {
        ctx.status = 400;
        ctx.set('Cache-Control', 'no-store');
        if (ctx.get('origin')) ctx.set('Access-Control-Allow-Origin', '*');
        ctx.body = {
          error: 'invalid_target',
          error_description: `this server issues tokens for ${resourceUrl} only; send that resource or none`,
        };
        return;
      }
      body.resource = canonical(body.resource) as string | undefined;
      if (body.resource === undefined) delete body.resource;
      (ctx.request as { body?: unknown }).body = body;
    }
    await next();
  };
}

/** oidc-provider's own limit for request bodies. */
const TOKEN_BODY_LIMIT_BYTES = 56 * 1024;


/**
 * CORS for endpoints browser-based MCP clients call (MCP Inspector in direct mode; interop rule 11)
 * that oidc-provider does not cover itself: dynamic registration. Any origin, no credentials.
 */
export function openCors(path: string, methods: string[]): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== path || !ctx.get('origin')) return next();
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Origin', '*');
      ctx.set('Access-Control-Allow-Methods', methods.join(', '));
      ctx.set('Access-Control-Allow-Headers', ctx.get('access-control-request-headers') || 'content-type');
      ctx.set('Access-Control-Max-Age', '3600');
      ctx.status = 204;
      return;
    }
    await next();
    if (methods.includes(ctx.method)) ctx.set('Access-Control-Allow-Origin', '*');
  };
}

/**
 * No error is redirected from /authorize itself, only from its resume after the person interacted
 * (attack catalogue A3; RFC 9700 §4.11.2 open redirectors). oidc-provider redirects errors such as
 * `invalid_scope`, `login_required` or a missing PKCE challenge to any registered redirect URI — and
 * registration is open, so that URI may be an attacker's, and the error code would tell a page whether
 * its visitor has a session here. Such responses become our error page instead; only `query` responses
 * are allowed (a `form_post` error page would post the same leak).
 */
export function noErrorRedirectsFromAuthorize(authorizationPath: string, issuer: string, upstreamName: string): Middleware {
  const ownOrigin = new URL(issuer).origin;
  return async (ctx, next) => {
    if (ctx.path !== authorizationPath) return next();
    const responseMode = ctx.method === 'GET' ? ctx.query.response_mode : undefined;
    if (responseMode !== undefined && responseMode !== 'query') {
      await renderErrorPage(ctx, { status: 400, code: 'invalid_request', description: 'only response_mode=query is supported', upstreamName });
      return;
    }
    await next();
    const location = ctx.status >= 300 && ctx.status < 400 ? ctx.response.get('location') : '';
    const target = location ? URL.parse(location, issuer) : null;
    if (!target || target.origin === ownOrigin || !target.searchParams.has('error')) return;
    ctx.remove('Location');
    await renderErrorPage(ctx, {
      status: 400,
      code: target.searchParams.get('error') ?? 'invalid_request',
      description: target.searchParams.get('error_description') ?? undefined,
      upstreamName,
    });
  };
}
