import { randomBytes } from 'node:crypto';
import type { Fault } from '../faults';
import { HttpError, Router, type SandboxRequest, type SandboxResponse, type SandboxServerOptions } from '../http';
import type { ApiRoute, OktaOperationId } from './api-route';
import { authorize, type OktaTokens } from './auth';
import type { OktaDirectory } from './directory';
import { describeHttpError, oktaError, oktaErrorBody, oktaErrors } from './errors';
import { groupRoutes } from './group-routes';
import { type RateLimiter, type RateLimitState, rateLimitBucket, rateLimitHeaders } from './rate-limiter';
import { userRoutes } from './user-routes';

/** The state the Okta API routes work on. */
export interface OktaServerState {
  directory: OktaDirectory;
  limiter: RateLimiter;
  tokens: OktaTokens;
  /** Requests that reached each operation (after authentication and rate limiting). */
  requestCounts: Map<OktaOperationId, number>;
  now: () => number;
}

/** Every operation the sandbox serves, in registration order. */
export function oktaApiRoutes(directory: OktaDirectory): ApiRoute[] {
  return [...userRoutes(directory), ...groupRoutes(directory)];
}

/**
 * The Okta-specific parts of a sandbox server: routes, SSWS authentication, rate limiting, and Okta's
 * error bodies and headers (`X-Rate-Limit-*`, `Date`, `X-Okta-Request-Id`) on every answer.
 */
export function oktaServerOptions(
  state: OktaServerState,
): Pick<SandboxServerOptions, 'router' | 'before' | 'renderError' | 'renderFault'> {
  const { limiter, now } = state;
  /** `at` is the clock reading the `Date` header shows (a forced 429 derives its reset from the same one). */
  const headers = (
    req: SandboxRequest,
    at = now(),
    rateLimit: RateLimitState = limiter.peek(rateLimitBucket(req.path)),
  ): Record<string, string> => ({
    ...rateLimitHeaders(rateLimit, at),
    'X-Okta-Request-Id': randomBytes(15).toString('base64url'),
  });

  const errorResponse = (
    status: number,
    code: string,
    summary: string,
    extraHeaders: Record<string, string>,
  ): SandboxResponse => ({
    status,
    headers: extraHeaders,
    body: oktaErrorBody(code, summary),
  });

  const router = new Router();
  for (const route of oktaApiRoutes(state.directory)) {
    router.on(route.method, route.pattern, (req) => {
      state.requestCounts.set(route.operationId, (state.requestCounts.get(route.operationId) ?? 0) + 1);
      const response = route.handle(req, `${req.url.protocol}//${req.url.host}`);
      return { ...response, headers: { ...headers(req), ...response.headers } };
    });
  }

  return {
    router,
    before(req) {
      authorize(req, state.tokens);
      if (!limiter.take(rateLimitBucket(req.path)).allowed) throw oktaError('rateLimited');
      return undefined;
    },
    renderError(error: HttpError, req) {
      const { status, code, summary } = describeHttpError(error, req.path);
      return errorResponse(status, code, summary, { ...headers(req), ...error.headers });
    },
    renderFault(fault: Fault, req) {
      if (fault.kind === 'server-error') {
        const e = oktaErrors.internal;
        return errorResponse(e.status, e.code, e.summary, headers(req));
      }
      // A forced 429 looks like a real one: the window is used up and resets after retryAfterSeconds.
      const e = oktaErrors.rateLimited;
      const at = now();
      const reset = Math.floor(at / 1000) + fault.retryAfterSeconds;
      return errorResponse(
        e.status,
        e.code,
        e.summary,
        headers(req, at, { limit: limiter.perMinute, remaining: 0, reset }),
      );
    },
  };
}
