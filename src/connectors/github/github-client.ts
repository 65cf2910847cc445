import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { logger } from '../../logging';

const log = logger.child({ connector: 'github' });

/** What authenticates the client: a fine-grained (or classic) token, or a GitHub App installation. */
export type GitHubAuth = { token: string } | { app: { appId: string; installationId: string; privateKey: string } };

export interface GitHubClientOptions {
  /** REST API root, e.g. `https://api.github.com` (or a sandbox `http://127.0.0.1:8094`). */
  baseUrl: string;
  auth: GitHubAuth;
  /** Budget of one HTTP request in ms; past it the call fails as a retryable error (default 20 s). */
  requestTimeoutMs?: number;
}

/** The REST API version Leasehold's calls are written against (`X-GitHub-Api-Version`). */
export const GITHUB_API_VERSION = '2022-11-28';

const USER_AGENT = 'leasehold';

/**
 * The @octokit/rest client Leasehold uses. Retries belong to Temporal: the client is built WITHOUT
 * `@octokit/plugin-throttling` and `@octokit/plugin-retry`, so a rate-limited or failing call surfaces at
 * once as a classified error (see github-errors.ts), and the activity's retry policy waits the
 * `x-ratelimit-reset` / `retry-after` the answer asked for (`nextRetryDelay`), visible in the workflow
 * history, with the worker slot free meanwhile. Having both would multiply the retries and hide the
 * waits inside an activity, past its timeouts.
 *
 * App auth (`@octokit/auth-app`): a JWT signed with the App's private key is exchanged at
 * `POST /app/installations/{id}/access_tokens` for an installation token (1 h), cached and renewed by
 * the SDK. The SDK itself repeats a 401 only within 5 s of creating that token (GitHub replicates new
 * tokens with a delay); that is authentication, not a retry policy.
 */
export function createGitHubClient(options: GitHubClientOptions): Octokit {
  const timeoutMs = options.requestTimeoutMs ?? 20_000;
  const octokitLog = {
    debug: (message: string) => log.trace(message),
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warn(message),
    // The request log reports every non-2xx answer (404 = "not a member") as an error: callers classify them.
    error: (message: string) => log.debug(message),
  };
  const common = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: USER_AGENT,
    log: octokitLog,
    headers: { 'x-github-api-version': GITHUB_API_VERSION },
    request: { fetch: timedFetch(timeoutMs) },
  };
  if ('token' in options.auth) return new Octokit({ ...common, auth: options.auth.token });
  const { appId, installationId, privateKey } = options.auth.app;
  return new Octokit({
    ...common,
    authStrategy: createAppAuth,
    auth: { appId, privateKey, installationId, log: octokitLog },
  });
}

/** `fetch` with a per-request deadline (the SDK has no timeout of its own). */
function timedFetch(timeoutMs: number): typeof fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetch(input, { ...init, signal });
  };
}
