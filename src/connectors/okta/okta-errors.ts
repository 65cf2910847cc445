import { AsyncLocalStorage } from 'node:async_hooks';
import { OktaApiError, type Client, type Group } from '@okta/okta-sdk-nodejs';
import { scrubSecrets } from '../redaction';
import { ConnectorError, retryAfterMs as retryAfterHeaderMs } from '../connector-error';

/**
 * How a failed Okta call becomes a classified {@link ConnectorError}: the HTTP answer behind the SDK's
 * error, the last response seen on the request executor (a 204 the SDK returns as `void`, a 429 it
 * gave up retrying), and the rate limit's wait.
 */

/** What a 429 without `X-Rate-Limit-Reset` (or `Retry-After`) is taken to ask for: one Okta rate-limit window. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** The shortest wait a 429 yields (a reset that is already past still needs the window to roll over). */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;

/** What an Okta call was doing, for classified error messages. */
export interface OktaCallContext {
  /** A verb phrase: `add user 00u… to group 00g…`; completes "the Okta API token cannot …". */
  what: string;
  /** The user the call is about (named in "unknown user" when Okta's 404 does not say). */
  userId?: string;
  /** The group the call is about (named in "unknown group" when Okta's 404 does not say). */
  groupId?: string;
  /** Which of the two a bare 404 (no `(User)` / `(UserGroup)` in the summary) means. */
  notFound?: 'user' | 'group';
  /** Secret values that must never appear in a message (scrubbed if they do). */
  secrets?: readonly string[];
}

/** The last HTTP answer the SDK received during a call, seen through the request executor's `response` event. */
export interface OktaLastResponse {
  status: number;
  headers: HeaderReader;
}

export interface HeaderReader {
  get(name: string): string | null;
}

/** Per-call record of the answers the SDK got, so a 204 (which the SDK returns as `void`) still yields its request id. */
export interface CallTrace {
  last?: OktaLastResponse;
}

export const callTrace = new AsyncLocalStorage<CallTrace>();
const tracedExecutors = new WeakSet<object>();

/** Subscribes once per request executor: each response is recorded on the trace of the call that is waiting for it. */
export function traceResponses(client: Client): void {
  const executor = client.requestExecutor;
  if (tracedExecutors.has(executor)) return;
  tracedExecutors.add(executor);
  executor.on('response', (response: unknown) => {
    const trace = callTrace.getStore();
    if (!trace || typeof response !== 'object' || response === null) return;
    const { status, headers } = response as { status?: unknown; headers?: unknown };
    const reader = headerReader(headers);
    if (typeof status === 'number' && reader) trace.last = { status, headers: reader };
  });
}

/**
 * Classifies a failure of an Okta SDK call:
 *
 * | failure | kind | message |
 * |---|---|---|
 * | 429 (E0000047) | rate-limited | `retryAfterMs` = `X-Rate-Limit-Reset` − the answer's `Date` (else now), at least 1 s; else `Retry-After`; else 60 s |
 * | 408, 5xx | retryable | status, code and summary |
 * | 401 (E0000011) | permanent | `bad credentials: the Okta API token is invalid …` |
 * | 403 E0000006 | permanent | `missing permission: the Okta API token cannot <what>` |
 * | 404 E0000007 | permanent | `unknown user <id>` / `unknown group <id>` (from Okta's `(User)` / `(UserGroup)`) |
 * | other 4xx | permanent | status, code, Okta's errorSummary and causes |
 * | network error, timeout, anything else | retryable | the error's message |
 *
 * The SDK's own "429 retry delay would exceed requestTimeout" (when `maxRetries` > 0) is `rate-limited`
 * with the reset of the 429 it gave up on (`options.lastResponse`). Secret values are scrubbed.
 */
export function classifyOktaError(
  err: unknown,
  ctx: OktaCallContext,
  options: { lastResponse?: OktaLastResponse; now?: number } = {},
): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const secrets = ctx.secrets ?? [];
  const now = options.now ?? Date.now();
  const failure = httpFailure(err);
  if (!failure) {
    const message = scrubSecrets(err instanceof Error ? err.message : String(err), secrets);
    if (/429 retry delay would exceed/.test(message) && options.lastResponse?.status === 429) {
      return rateLimited(ctx, options.lastResponse.headers, now);
    }
    return new ConnectorError('retryable', `Okta ${ctx.what} failed: ${message}`, { service: 'okta' });
  }

  const { status, code, headers } = failure;
  const details = { service: 'okta', status, ...(code ? { code } : {}) };
  const said = scrubSecrets(
    [`${status}${code ? ` ${code}` : ''}`, failure.summary].filter(Boolean).join(': '),
    secrets,
  );
  if (status === 429) return rateLimited(ctx, headers, now);
  if (status === 408 || status >= 500)
    return new ConnectorError('retryable', `Okta ${ctx.what} failed with ${said}`, details);
  if (status === 401) {
    return new ConnectorError(
      'permanent',
      `bad credentials: the Okta API token is invalid (expired, revoked or for another org); Okta answered ${status}${code ? ` ${code}` : ''} to ${ctx.what}`,
      details,
    );
  }
  if (status === 403 && (!code || code === 'E0000006')) {
    return new ConnectorError(
      'permanent',
      `missing permission: the Okta API token cannot ${ctx.what} (its admin lacks a role that allows it)`,
      details,
    );
  }
  if (status === 404 && (!code || code === 'E0000007')) {
    const named = /Resource not found: (.*) \((User|UserGroup|Group)\)\s*$/.exec(failure.summary ?? '');
    const type = named ? (named[2] === 'User' ? 'user' : 'group') : ctx.notFound;
    const id = scrubSecrets(named?.[1] ?? (type === 'user' ? ctx.userId : ctx.groupId) ?? '', secrets);
    if (type)
      return new ConnectorError(
        'permanent',
        `unknown ${type} ${id}: Okta has no such ${type} (while trying to ${ctx.what})`,
        details,
      );
  }
  return new ConnectorError('permanent', `Okta ${ctx.what} failed with ${said}`, details);
}

// ---- classification helpers

interface HttpFailure {
  status: number;
  code?: string;
  summary?: string;
  headers?: HeaderReader;
}

/** The HTTP answer behind an SDK error: `OktaApiError` (JSON body) or the SDK's plain `HttpError` (other bodies). */
export function httpFailure(err: unknown): HttpFailure | undefined {
  if (err instanceof OktaApiError) {
    const causes = (err.errorCauses ?? [])
      .map((c) => c.errorSummary)
      .filter((s): s is string => typeof s === 'string' && s.length > 0);
    return {
      status: Number(err.status),
      code: err.errorCode === undefined || err.errorCode === null ? undefined : String(err.errorCode),
      summary: [err.errorSummary, ...causes].filter(Boolean).join('; ') || undefined,
      headers: headerReader(err.headers as unknown),
    };
  }
  if (err instanceof Error && err.name === 'HttpError') {
    const { status, headers } = err as Error & { status?: unknown; headers?: unknown };
    if (typeof status === 'number') return { status, headers: headerReader(headers) };
  }
  return undefined;
}

function headerReader(value: unknown): HeaderReader | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as { get?: unknown }).get !== 'function')
    return undefined;
  const source = value as { get(name: string): unknown };
  return {
    get(name: string): string | null {
      const found = source.get(name);
      return typeof found === 'string' ? found : null;
    },
  };
}

function rateLimited(ctx: OktaCallContext, headers: HeaderReader | undefined, now: number): ConnectorError {
  const waitMs = rateLimitWaitMs(headers, now);
  const limit = headers?.get('x-rate-limit-limit');
  return new ConnectorError(
    'rate-limited',
    `Okta rate limit reached on ${ctx.what}${limit ? ` (limit ${limit} per minute)` : ''}; retry in ${Math.ceil(waitMs / 1000)} s`,
    { service: 'okta', status: 429, code: 'E0000047', retryAfterMs: waitMs },
  );
}

/**
 * How long a 429 asks to wait: until `X-Rate-Limit-Reset` (epoch seconds), measured from the answer's
 * own `Date` as the SDK does (so a skewed worker clock does not matter), else from now; at least 1 s.
 */
export function rateLimitWaitMs(headers: HeaderReader | undefined, now = Date.now()): number {
  const reset = Number(headers?.get('x-rate-limit-reset') ?? NaN);
  if (Number.isFinite(reset) && reset > 0) {
    const date = Date.parse(headers?.get('date') ?? '');
    const from = Number.isNaN(date) ? now : date;
    return Math.max(MIN_RATE_LIMIT_WAIT_MS, reset * 1000 - from);
  }
  const retryAfter = retryAfterHeaderMs(headers?.get('retry-after'), now);
  return retryAfter === undefined ? DEFAULT_RATE_LIMIT_WAIT_MS : Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfter);
}

export function notManaged(group: Group): ConnectorError {
  const name = group.profile?.name ? `${group.profile.name} (${group.id})` : String(group.id);
  const why =
    group.type === 'APP_GROUP'
      ? 'memberships come from the app it is imported from'
      : 'Okta manages its memberships itself';
  return new ConnectorError('permanent', `group ${name} is not an Okta-managed group (${group.type}): ${why}`, {
    service: 'okta',
    status: 403,
    code: 'E0000006',
  });
}
