import { randomBytes } from 'node:crypto';
import type { Fault } from '../faults';
import { HttpError, Router, type SandboxRequest, type SandboxServerOptions } from '../http';
import type { GitHubAuthority, GitHubCaller } from './auth';
import type { GitHubDirectory } from './directory';
import { githubDocs, githubError, githubErrorBody, secondaryLimitMessage } from './errors';
import { type GitHubRateLimiter, type RateLimitResource, rateLimitHeaders } from './rate-limit';
import { githubRoutes, type GitHubOperationId } from './routes';

/** The state the GitHub API routes work on. */
export interface GitHubServerState {
  directory: GitHubDirectory;
  authority: GitHubAuthority;
  limiter: GitHubRateLimiter;
  /** Requests that reached each operation (authenticated, within limits, not faulted). */
  requestCounts: Map<GitHubOperationId, number>;
  /** The status of a secondary-limit answer (GitHub sends 403 or 429). */
  secondaryLimitStatus: () => 403 | 429;
}

const API_VERSION = '2022-11-28';

/**
 * The GitHub-specific parts of a sandbox server: REST v3 routes, token / App authentication, the
 * primary rate limit per caller, and GitHub's headers (`x-ratelimit-*`, `x-github-request-id`,
 * `x-github-api-version-selected`, `x-accepted-github-permissions`) on every answer, errors included.
 */
export function githubServerOptions(
  state: GitHubServerState,
): Pick<SandboxServerOptions, 'router' | 'before' | 'renderError' | 'renderFault'> {
  const { limiter, authority } = state;
  const callers = new WeakMap<SandboxRequest, GitHubCaller>();
  const requestIds = new WeakMap<SandboxRequest, string>();
  const requestId = (req: SandboxRequest): string => {
    let id = requestIds.get(req);
    if (!id) {
      const hex = randomBytes(10).toString('hex').toUpperCase();
      id = `${hex.slice(0, 4)}:${hex.slice(4, 9)}:${hex.slice(9, 14)}:${hex.slice(14, 20)}:${Math.floor(
        Date.now() / 1000,
      )
        .toString(16)
        .toUpperCase()}`;
      requestIds.set(req, id);
    }
    return id;
  };
  const resourceOf = (req: SandboxRequest): RateLimitResource => (req.path.startsWith('/search/') ? 'search' : 'core');
  /** Who is asking, for the headers of an answer that did not get as far as authentication. */
  const callerKey = (req: SandboxRequest): string => {
    const known = callers.get(req);
    if (known) return known.key;
    try {
      return authority.authenticate(req).key;
    } catch {
      return `anonymous:${req.headers['x-forwarded-for'] ?? 'local'}`;
    }
  };
  const headers = (req: SandboxRequest): Record<string, string> => ({
    ...rateLimitHeaders(limiter.peek(callerKey(req), resourceOf(req))),
    'x-github-request-id': requestId(req),
    'x-github-api-version-selected': API_VERSION,
    'x-github-media-type': 'github.v3; format=json',
    date: new Date().toUTCString(),
  });

  const router = new Router();
  for (const route of githubRoutes(state.directory, authority)) {
    router.on(route.method, route.pattern, (req) => {
      const caller = callers.get(req)!;
      const accepted: Record<string, string> = route.permission
        ? { 'x-accepted-github-permissions': route.permission }
        : {};
      if (route.access === 'app' && caller.kind !== 'app')
        throw githubError(401, 'A JSON web token could not be decoded', githubDocs.installationToken);
      if (route.access !== 'app' && caller.kind === 'app')
        throw githubError(403, 'Resource not accessible by integration', githubDocs.rest);
      if (route.access === 'write' && caller.kind === 'token' && !caller.write)
        throw githubError(403, `Resource not accessible by ${caller.what}`, githubDocs.addMembership, accepted);
      state.requestCounts.set(route.operationId, (state.requestCounts.get(route.operationId) ?? 0) + 1);
      const response = route.handle(req, `${req.url.protocol}//${req.url.host}`, caller);
      return { ...response, headers: { ...headers(req), ...accepted, ...response.headers } };
    });
  }

  return {
    router,
    before(req) {
      const caller = authority.authenticate(req);
      callers.set(req, caller);
      const resource = resourceOf(req);
      const taken = limiter.take(caller.key, resource);
      if (!taken.allowed) {
        throw githubError(
          403,
          `API rate limit exceeded for ${caller.kind === 'app' ? 'app' : caller.what === 'integration' ? 'installation' : 'user'} ID ${caller.kind === 'app' ? authority.credentials.appId : 51000099}. If you reach out to GitHub Support for help, please include the request ID ${requestId(req)}.`,
          githubDocs.rateLimits,
          rateLimitHeaders(taken),
        );
      }
      return undefined;
    },
    renderError(error: HttpError, req) {
      return { status: error.status, headers: { ...headers(req), ...error.headers }, body: githubErrorBody(error) };
    },
    renderFault(fault: Fault, req) {
      if (fault.kind === 'server-error') {
        return {
          status: 502,
          headers: headers(req),
          body: githubErrorBody(new HttpError(502, 'Server Error', githubDocs.rest)),
        };
      }
      // A secondary limit: 403 or 429 with `retry-after`; the primary limit's headers are as they were.
      const status = state.secondaryLimitStatus();
      return {
        status,
        headers: { ...headers(req), 'retry-after': String(fault.retryAfterSeconds) },
        body: githubErrorBody(new HttpError(status, secondaryLimitMessage(requestId(req)), githubDocs.secondaryLimits)),
      };
    },
  };
}
