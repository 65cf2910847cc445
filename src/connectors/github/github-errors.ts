import { ConnectorError, retryAfterMs } from '../connector-error';
import { scrubSecrets } from '../redaction';

/** What a GitHub call was doing, for classified error messages. */
export interface GitHubCallContext {
  /** A verb phrase: `add alice-gh to team platform`; completes "the GitHub credentials cannot …". */
  what: string;
  org: string;
  /** The team the call is about (named in "unknown team"). */
  team?: string;
  /** The user the call is about (named in "unknown user"). */
  user?: string;
  /** What a 404 means for this call. */
  notFound?: 'user' | 'team';
  /** Secret values that must never appear in a message (scrubbed if they do). */
  secrets?: readonly string[];
}

/** An HTTP failure as @octokit/request raises it (`RequestError`, name `HttpError`). */
export interface GitHubHttpFailure {
  status: number;
  message: string;
  headers: Record<string, string | undefined>;
}

/** What a secondary limit without `retry-after` asks for: GitHub says to wait at least one minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;
/** The shortest wait a rate limit yields (a reset already past still needs the window to roll over). */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** Teams whose membership comes from an identity-provider group refuse changes through the API. */
const IDP_SYNCED =
  /synchroni[sz]ed with an? (identity provider|IdP)|team synchroni[sz]ation|externally managed|managed by (your|an) (identity provider|IdP)/i;
const SECONDARY = /secondary rate limit|abuse detection/i;

/** The HTTP answer behind an Octokit error, or undefined for anything else (network errors are RequestError 500). */
export function githubFailure(err: unknown): GitHubHttpFailure | undefined {
  if (!(err instanceof Error) || err.name !== 'HttpError') return undefined;
  const { status, response } = err as Error & {
    status?: unknown;
    response?: { headers?: Record<string, unknown>; data?: unknown };
  };
  if (typeof status !== 'number') return undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(response?.headers ?? {}))
    headers[k.toLowerCase()] = v === undefined ? undefined : String(v);
  const data = response?.data;
  const said =
    typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : err.message;
  return { status, message: said, headers };
}

/**
 * Classifies a failure of an Octokit call:
 *
 * | failure | kind | message |
 * |---|---|---|
 * | 403/429 with `x-ratelimit-remaining: 0` (primary limit) | rate-limited | `retryAfterMs` = `x-ratelimit-reset` − the answer's `Date` (else now), at least 1 s |
 * | 403/429 with `retry-after` or "secondary rate limit" | rate-limited | `retry-after` seconds, else 60 s |
 * | other 429 | rate-limited | `retry-after`, else 60 s |
 * | 408, 5xx, network error, timeout | retryable | status and GitHub's message |
 * | 401 | permanent | `bad credentials: …` |
 * | 403 on a team synchronized with an IdP group | permanent | `team … is synchronized with an identity-provider group …` |
 * | other 403 | permanent | `missing permission: …` (with `x-accepted-github-permissions` when sent) |
 * | 404 | permanent | `unknown team …` / `unknown user …` (GitHub also answers 404 for what the credentials cannot see) |
 * | other 4xx | permanent | status and GitHub's message |
 *
 * Secret values are scrubbed from every message.
 */
export function classifyGitHubError(err: unknown, ctx: GitHubCallContext, now = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const secrets = ctx.secrets ?? [];
  const failure = githubFailure(err);
  if (!failure || failure.status === 500 || failure.status === 0) {
    const text = failure?.message ?? (err instanceof Error ? err.message : String(err));
    return new ConnectorError('retryable', scrubSecrets(`GitHub ${ctx.what} failed: ${text}`, secrets), {
      service: 'github',
      ...(failure ? { status: failure.status } : {}),
    });
  }
  const { status, headers } = failure;
  const said = scrubSecrets(`${status}: ${failure.message}`, secrets);
  const details = { service: 'github', status };
  const limited = rateLimit(failure, now);
  if (limited) {
    const why = limited.primary
      ? `primary rate limit reached${headers['x-ratelimit-limit'] ? ` (${headers['x-ratelimit-limit']} requests per hour${headers['x-ratelimit-resource'] ? `, ${headers['x-ratelimit-resource']}` : ''})` : ''}`
      : 'secondary rate limit reached';
    return new ConnectorError(
      'rate-limited',
      `GitHub ${why} on ${ctx.what}; retry in ${Math.ceil(limited.waitMs / 1000)} s`,
      { ...details, code: limited.primary ? 'PrimaryRateLimit' : 'SecondaryRateLimit', retryAfterMs: limited.waitMs },
    );
  }
  if (status === 408 || status >= 500)
    return new ConnectorError('retryable', `GitHub ${ctx.what} failed with ${said}`, details);
  if (status === 401) {
    return new ConnectorError(
      'permanent',
      `bad credentials: GitHub refused the connection's token or App credentials (expired, revoked or for another account) on ${ctx.what}; GitHub answered ${said}`,
      { ...details, code: 'BadCredentials' },
    );
  }
  if (status === 403 && IDP_SYNCED.test(failure.message)) {
    return new ConnectorError(
      'permanent',
      `team ${ctx.team ?? '(unknown)'} of ${ctx.org} is synchronized with an identity-provider group: its memberships change in the identity provider, not through GitHub (while trying to ${ctx.what}); GitHub answered ${said}`,
      { ...details, code: 'TeamSyncedWithIdp' },
    );
  }
  if (status === 403) {
    const accepted = headers['x-accepted-github-permissions'] || headers['x-accepted-oauth-scopes'];
    return new ConnectorError(
      'permanent',
      `missing permission: the GitHub credentials cannot ${ctx.what} (they need the organisation permission Members: read and write${accepted ? `; GitHub accepts ${accepted}` : ''}); GitHub answered ${said}`,
      { ...details, code: 'MissingPermission' },
    );
  }
  if (status === 404 && ctx.notFound) {
    const name = scrubSecrets((ctx.notFound === 'team' ? ctx.team : ctx.user) ?? '', secrets);
    const what =
      ctx.notFound === 'team' ? `unknown team ${name}: ${ctx.org} has no team with that slug` : `unknown user ${name}`;
    return new ConnectorError('permanent', `${what} (or the credentials cannot see it), while trying to ${ctx.what}`, {
      ...details,
      code: ctx.notFound === 'team' ? 'UnknownTeam' : 'UnknownUser',
    });
  }
  return new ConnectorError('permanent', `GitHub ${ctx.what} failed with ${said}`, details);
}

/** Whether an answer is a rate limit, and how long it asks to wait. */
function rateLimit(failure: GitHubHttpFailure, now: number): { primary: boolean; waitMs: number } | undefined {
  const { status, headers, message } = failure;
  if (status !== 403 && status !== 429) return undefined;
  // GitHub: wait `retry-after` when present; otherwise, with `x-ratelimit-remaining: 0`, until the reset.
  const primary = headers['x-ratelimit-remaining'] === '0';
  const retryAfter = retryAfterMs(headers['retry-after'], now);
  if (retryAfter !== undefined) return { primary, waitMs: Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfter) };
  if (primary) return { primary, waitMs: primaryWaitMs(headers, now) };
  if (status === 429 || SECONDARY.test(message)) return { primary: false, waitMs: SECONDARY_LIMIT_WAIT_MS };
  return undefined;
}

/**
 * Until `x-ratelimit-reset` (epoch seconds), measured from the answer's own `Date` when it has one (so a
 * skewed worker clock does not matter), else from now; at least 1 s.
 */
export function primaryWaitMs(headers: Record<string, string | undefined>, now = Date.now()): number {
  const reset = Number(headers['x-ratelimit-reset'] ?? NaN);
  if (!Number.isFinite(reset) || reset <= 0) return SECONDARY_LIMIT_WAIT_MS;
  const date = Date.parse(headers.date ?? '');
  const from = Number.isNaN(date) ? now : date;
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, reset * 1000 - from);
}
