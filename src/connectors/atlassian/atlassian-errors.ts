import { HttpException } from 'jira.js';
import { ConnectorError, retryAfterMs as retryAfterHeaderMs } from '../connector-error';
import { scrubSecrets } from '../redaction';

/** What a 429 without `Retry-After` or `X-RateLimit-Reset` is taken to ask for. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
/** The shortest wait a 429 yields. */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** What an Atlassian call was doing, for classified error messages. */
export interface AtlassianCallContext {
  /** A verb phrase: `add user 5b10… to group 6e1a…`; completes "<email> cannot …". */
  what: string;
  /** The site, e.g. `https://example.atlassian.net`. */
  site: string;
  /** The account whose API token is used. */
  email: string;
  userId?: string;
  groupId?: string;
  /** Which of the two a bare 404 means. */
  notFound?: 'user' | 'group';
  /** Secret values that must never appear in a message. */
  secrets?: readonly string[];
}

/** The parts of a jira.js {@link HttpException} the classification reads. */
export interface AtlassianHttpFailure {
  status: number;
  /** Jira's `errorMessages` and `errors` (as `field: message`), or a plain-text body. */
  messages: string[];
  header(name: string): string | undefined;
}

/** Jira's answer to a membership that already is (add) or is not (remove) as wanted: success for Leasehold. */
export const ALREADY_MEMBER = /already a member/i;
export const NOT_A_MEMBER = /not a member/i;
/** Jira's 403 for a group synced from an identity provider (SCIM, Google Workspace, Azure AD). */
const SYNCED_GROUP = /externalDirectory(\.[a-z]+)?|synced|managed (by|in|from) (an? )?(external|identity)/i;

/** The HTTP answer behind a jira.js error, or undefined for a network failure or anything else. */
export function httpFailure(err: unknown): AtlassianHttpFailure | undefined {
  if (!(err instanceof HttpException)) return undefined;
  const response = err.response as { data?: unknown } | string;
  const data = typeof response === 'object' && response !== null && 'data' in response ? response.data : response;
  const messages: string[] = [];
  if (typeof data === 'string' && data.trim()) messages.push(data.trim());
  else if (typeof data === 'object' && data !== null) {
    const body = data as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    if (Array.isArray(body.errorMessages)) messages.push(...body.errorMessages.map(String));
    if (typeof body.errors === 'object' && body.errors !== null)
      messages.push(...Object.entries(body.errors).map(([k, v]) => `${k}: ${String(v)}`));
    if (messages.length === 0 && typeof body.message === 'string') messages.push(body.message);
  }
  const headers = (err.cause as { response?: { headers?: unknown } } | undefined)?.response?.headers;
  return { status: err.status, messages, header: (name) => readHeader(headers, name) };
}

function readHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value =
    typeof getter === 'function'
      ? (getter as (n: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name.toLowerCase()];
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * Classifies a failure of a jira.js call on the site group API:
 *
 * | failure | kind | message |
 * |---|---|---|
 * | 429 | rate-limited | `retryAfterMs` from `Retry-After`, else `X-RateLimit-Reset`, else 10 s; at least 1 s |
 * | 408, 5xx, network error, timeout | retryable | status and Jira's messages |
 * | 401 | permanent | `bad credentials: the Atlassian API token of <email> …` |
 * | 403 naming an external directory | permanent | `group … is synced from an identity provider …` |
 * | other 403 | permanent | `missing permission: <email> cannot <what> …` (site administration needed) |
 * | 404 | permanent | `unknown user …` / `unknown group …` |
 * | other 4xx | permanent | status and Jira's messages |
 */
export function classifyAtlassianError(err: unknown, ctx: AtlassianCallContext, now = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const scrub = (text: string): string => scrubSecrets(text, ctx.secrets ?? []);
  const failure = httpFailure(err);
  if (!failure) {
    const message = scrub(err instanceof Error ? err.message : String(err));
    return new ConnectorError('retryable', `Atlassian ${ctx.what} at ${ctx.site} failed: ${message}`, {
      service: 'atlassian',
    });
  }
  const { status } = failure;
  const details = { service: 'atlassian', status };
  const said = scrub([String(status), failure.messages.join('; ')].filter(Boolean).join(': '));
  if (status === 429) return rateLimited(ctx, failure, now);
  if (status === 408 || status >= 500)
    return new ConnectorError('retryable', `Atlassian ${ctx.what} failed with ${said}`, details);
  if (status === 401) {
    return new ConnectorError(
      'permanent',
      `bad credentials: the Atlassian API token of ${ctx.email} is invalid (expired, revoked, or not for ${ctx.site}); the site answered 401 to ${ctx.what}`,
      details,
    );
  }
  if (status === 403) {
    const synced = failure.messages.join(' ').match(SYNCED_GROUP);
    if (synced && ctx.groupId) {
      return new ConnectorError(
        'permanent',
        `group ${ctx.groupId} is synced from an identity provider (${synced[0]}): its memberships can only be changed there, not on ${ctx.site}`,
        { ...details, code: 'GroupSyncedFromIdentityProvider' },
      );
    }
    return new ConnectorError(
      'permanent',
      `missing permission: ${ctx.email} cannot ${ctx.what} on ${ctx.site} (group changes need a site administrator, reads need "Browse users and groups"); the site answered ${said}`,
      details,
    );
  }
  if (status === 404) {
    const text = failure.messages.join(' ');
    const type = /\buser\b/i.test(text) ? 'user' : /\bgroup\b/i.test(text) ? 'group' : ctx.notFound;
    const id = type === 'user' ? ctx.userId : ctx.groupId;
    if (type) {
      return new ConnectorError(
        'permanent',
        `unknown ${type}${id ? ` ${scrub(id)}` : ''}: the Atlassian site ${ctx.site} has no such ${type} (while trying to ${ctx.what})`,
        { ...details, code: type === 'user' ? 'UnknownUser' : 'UnknownGroup' },
      );
    }
  }
  return new ConnectorError('permanent', `Atlassian ${ctx.what} failed with ${said}`, details);
}

function rateLimited(ctx: AtlassianCallContext, failure: AtlassianHttpFailure, now: number): ConnectorError {
  const waitMs = rateLimitWaitMs(failure.header, now);
  const reason = failure.header('ratelimit-reason');
  return new ConnectorError(
    'rate-limited',
    `Atlassian rate limit reached on ${ctx.what}${reason ? ` (${reason})` : ''}; retry in ${Math.ceil(waitMs / 1000)} s`,
    { service: 'atlassian', status: 429, retryAfterMs: waitMs },
  );
}

/**
 * How long a 429 asks to wait: `Retry-After` (seconds), else until `X-RateLimit-Reset` (an ISO 8601
 * time, measured from the answer's `Date` when present), else {@link DEFAULT_RATE_LIMIT_WAIT_MS}; at least 1 s.
 */
export function rateLimitWaitMs(header: (name: string) => string | undefined, now = Date.now()): number {
  const date = Date.parse(header('date') ?? '');
  const from = Number.isNaN(date) ? now : date;
  const retryAfter = retryAfterHeaderMs(header('retry-after'), from);
  if (retryAfter !== undefined) return Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfter);
  const reset = Date.parse(header('x-ratelimit-reset') ?? '');
  if (!Number.isNaN(reset)) return Math.max(MIN_RATE_LIMIT_WAIT_MS, reset - from);
  return DEFAULT_RATE_LIMIT_WAIT_MS;
}
