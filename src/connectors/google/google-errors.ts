import { ConnectorError, retryAfterMs } from '../connector-error';
import { scrubSecrets } from '../redaction';

/** What a 403/429 rate limit without `Retry-After` is taken to ask for (Google sends none as a rule; its quotas are per minute). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
/** Google's reasons for a rate or quota limit (403 or 429): back off and try again. */
const RATE_LIMIT_REASONS = new Set([
  'userRateLimitExceeded',
  'rateLimitExceeded',
  'quotaExceeded',
  'dailyLimitExceeded',
]);

/** What a Google call was doing, for classified error messages. */
export interface GoogleCallContext {
  /** A verb phrase: `add alice@example.com to eng-oncall@example.com`. */
  what: string;
  /** The scope the call needs, named when Google answers 403 insufficientPermissions. */
  scope: string;
  /** The group / user the call is about (named in "unknown group" / "unknown user"). */
  groupKey?: string;
  userKey?: string;
  /** The service account and the administrator it acts as, named in credential and delegation errors. */
  clientEmail: string;
  clientId?: string;
  subject: string;
  /** Every scope the client asks for (domain-wide delegation must grant them all). */
  scopes: readonly string[];
  /** Secret values that must never appear in a message (the private key). */
  secrets: readonly string[];
}

/** The HTTP answer behind a gaxios error (the client's errors are GaxiosError; read by shape, not by class). */
interface Answer {
  status: number;
  data: unknown;
  headers?: { get(name: string): string | null };
}

function answerOf(err: unknown): Answer | undefined {
  const response = (err as { response?: { status?: unknown; data?: unknown; headers?: unknown } } | null)?.response;
  if (!response || typeof response.status !== 'number') return undefined;
  const headers = response.headers as { get?: unknown } | undefined;
  return {
    status: response.status,
    data: response.data,
    headers: typeof headers?.get === 'function' ? (headers as Answer['headers']) : undefined,
  };
}

/** Google's API error: `{ error: { code, message, errors: [{ reason }], status } }`. */
export function apiError(err: unknown): { status: number; message: string; reasons: string[] } | undefined {
  const answer = answerOf(err);
  const error = (answer?.data as { error?: unknown } | undefined)?.error;
  if (!answer || typeof error !== 'object' || error === null) return undefined;
  const e = error as { message?: unknown; errors?: unknown; details?: unknown };
  const reasons = [
    ...(Array.isArray(e.errors) ? e.errors : []).map((x: { reason?: unknown }) => x?.reason),
    ...(Array.isArray(e.details) ? e.details : []).map((x: { reason?: unknown }) => x?.reason),
  ].filter((r): r is string => typeof r === 'string');
  return { status: answer.status, message: typeof e.message === 'string' ? e.message : '', reasons };
}

/**
 * Classifies a failure of a Google call (token endpoint or Directory API):
 *
 * | failure | kind |
 * |---|---|
 * | 429, or 403 `userRateLimitExceeded` / `rateLimitExceeded` / `quotaExceeded` / `dailyLimitExceeded` | `rate-limited`: Retry-After, else 10 s |
 * | 408, 5xx (API or token endpoint), no answer (network, timeout) | `retryable` |
 * | token: `invalid_grant` (bad signature, unknown account, unknown subject, clock) | `permanent` "bad credentials: …" |
 * | token: `unauthorized_client` (domain-wide delegation missing for a scope) | `permanent` "missing domain-wide delegation: …" naming the client id and scopes |
 * | 401 from the API (a revoked or expired access token) | `retryable`: the provider drops the token, the retry gets a new one |
 * | 403 `insufficientPermissions` | `permanent` "missing permission (scope): …" naming the scope |
 * | 403 `forbidden` | `permanent` "missing permission: …" (the subject is no administrator with that privilege) |
 * | 404 | `permanent` "unknown group / user …" (callers turn the benign 404s into success first) |
 * | other 4xx | `permanent` with Google's message |
 *
 * Secrets (the private key) are scrubbed from every message.
 */
export function classifyGoogleError(err: unknown, ctx: GoogleCallContext, now = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const make = (kind: ConnectorError['kind'], message: string, details: ConnectorError['details'] = {}) =>
    new ConnectorError(kind, scrubSecrets(message, ctx.secrets), { service: 'google', ...details });
  const answer = answerOf(err);
  if (!answer) {
    const text = err instanceof Error ? err.message : String(err);
    return make('retryable', `Google ${ctx.what} failed without an answer: ${firstLine(text)}`);
  }
  const oauth = oauthError(answer.data);
  if (oauth) return classifyTokenError(answer, oauth, ctx, make, now);

  const api = apiError(err);
  const status = answer.status;
  const reason = api?.reasons[0];
  const message = api?.message || (typeof answer.data === 'string' ? firstLine(answer.data) : `HTTP ${status}`);
  const details = { status, ...(reason ? { code: reason } : {}) };
  const said = `${status}${reason ? ` ${reason}` : ''}: ${message}`;

  if (status === 429 || (status === 403 && api?.reasons.some((r) => RATE_LIMIT_REASONS.has(r)))) {
    const wait = retryAfterMs(answer.headers?.get('retry-after'), now) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return make(
      'rate-limited',
      `Google rate limit reached on ${ctx.what} (${said}); retry in ${Math.ceil(wait / 1000)} s`,
      { ...details, retryAfterMs: Math.max(1_000, wait) },
    );
  }
  if (status === 408 || status >= 500) return make('retryable', `Google ${ctx.what} failed with ${said}`, details);
  if (status === 401) {
    // The access token was revoked or expired early: the provider drops it and the retry gets a new one,
    // which the token endpoint refuses (permanently) if the credentials themselves are bad.
    return make(
      'retryable',
      `Google refused the access token of ${ctx.clientEmail} for ${ctx.what} (${said}); a new token is fetched on the next attempt`,
      details,
    );
  }
  if (
    status === 403 &&
    api?.reasons.some((r) => r === 'insufficientPermissions' || r === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')
  ) {
    return make(
      'permanent',
      `missing permission (scope): ${ctx.scope} is needed to ${ctx.what}; grant it to the service account's client id${ctx.clientId ? ` ${ctx.clientId}` : ''} (domain-wide delegation) and request it`,
      details,
    );
  }
  if (status === 403) {
    return make(
      'permanent',
      `missing permission: ${ctx.subject}, whom the service account acts as, cannot ${ctx.what} (${said}); the subject must be a Workspace administrator with the Groups (and Users read) privileges`,
      details,
    );
  }
  if (status === 404) {
    const key = /Resource Not Found: (\w+)/.exec(message)?.[1];
    const unknownGroup = key === 'groupKey' || (!key && ctx.groupKey !== undefined && ctx.userKey === undefined);
    const unknownUser =
      key === 'userKey' || key === 'memberKey' || (!key && ctx.userKey !== undefined && !ctx.groupKey);
    if (unknownGroup)
      return make(
        'permanent',
        `unknown group ${ctx.groupKey ?? ''}: Google has no such group (while trying to ${ctx.what})`,
        details,
      );
    if (unknownUser)
      return make(
        'permanent',
        `unknown user ${ctx.userKey ?? ''}: Google has no such user (while trying to ${ctx.what})`,
        details,
      );
  }
  return make('permanent', `Google ${ctx.what} failed with ${said}`, details);
}

function oauthError(data: unknown): { error: string; description: string } | undefined {
  const d = data as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof d?.error !== 'string') return undefined;
  return { error: d.error, description: typeof d.error_description === 'string' ? d.error_description : '' };
}

function classifyTokenError(
  answer: Answer,
  oauth: { error: string; description: string },
  ctx: GoogleCallContext,
  make: (kind: ConnectorError['kind'], message: string, details?: ConnectorError['details']) => ConnectorError,
  now: number,
): ConnectorError {
  const said = `${oauth.error}${oauth.description ? `: ${oauth.description}` : ''}`;
  // No `status` in the details: `connections test` would prefix a 401 with "bad credentials", which a
  // missing delegation is not.
  const details = { code: oauth.error };
  if (answer.status === 429) {
    const wait = retryAfterMs(answer.headers?.get('retry-after'), now) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return make('rate-limited', `Google's token endpoint is rate limiting (${said})`, {
      ...details,
      retryAfterMs: wait,
    });
  }
  if (answer.status >= 500 || oauth.error === 'temporarily_unavailable' || oauth.error === 'internal_failure')
    return make('retryable', `Google's token endpoint failed for ${ctx.what} (${answer.status} ${said})`, details);
  if (oauth.error === 'unauthorized_client') {
    return make(
      'permanent',
      `missing domain-wide delegation: the service account ${ctx.clientEmail}${ctx.clientId ? ` (client id ${ctx.clientId})` : ''} may not act as ${ctx.subject} with the scopes ${ctx.scopes.join(', ')}; grant them in the Admin console (Security → Access and data control → API controls → Domain-wide delegation) (${said})`,
      details,
    );
  }
  const hint = /Invalid JWT Signature/i.test(oauth.description)
    ? 'the private key is not the service account key Google knows (wrong, rotated or deleted key)'
    : /account not found/i.test(oauth.description)
      ? `the service account ${ctx.clientEmail} does not exist`
      : /Invalid email or User ID/i.test(oauth.description)
        ? `the subject ${ctx.subject} is not a user of the Workspace domain`
        : /iat and exp|reasonable timeframe/i.test(oauth.description)
          ? "the worker's clock is off"
          : 'Google refused the service account assertion';
  return make('permanent', `bad credentials: ${hint} (token endpoint answered ${said}, for ${ctx.what})`, details);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0]!.trim();
}
