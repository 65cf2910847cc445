import { HttpError } from '../http';

/**
 * Google's JSON error body, as the Directory API sends it and gaxios reads it (`GaxiosError` takes
 * `error.message`, `error.code` and `error.errors`):
 * `{ error: { code, message, errors: [{ message, domain, reason }], status } }`.
 */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
    status?: string;
  };
}

/** An {@link HttpError} carrying Google's `reason` (`code`) and `domain`. */
export class GoogleApiError extends HttpError {
  constructor(
    status: number,
    message: string,
    reason: string,
    readonly domain = 'global',
    readonly statusText?: string,
    headers: Record<string, string> = {},
    readonly detail?: string,
  ) {
    super(status, message, reason, headers);
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The errors the sandbox Directory API answers with, worded as Google words them. */
export const googleErrors = {
  /** No or an unknown bearer token. */
  authError: () =>
    new GoogleApiError(
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      'authError',
      'global',
      'UNAUTHENTICATED',
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
      'Invalid Credentials',
    ),
  /** The token lacks every scope that allows the call. */
  insufficientScopes: () =>
    new GoogleApiError(
      403,
      'Request had insufficient authentication scopes.',
      'insufficientPermissions',
      'global',
      'PERMISSION_DENIED',
      { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"' },
      'Insufficient Permission',
    ),
  /** The token's user is no administrator (or the service account acts as itself, without a subject). */
  forbidden: () => new GoogleApiError(403, 'Not Authorized to access this resource/api', 'forbidden'),
  notFound: (what: 'groupKey' | 'memberKey' | 'userKey') =>
    new GoogleApiError(404, `Resource Not Found: ${what}`, 'notFound'),
  duplicate: () => new GoogleApiError(409, 'Member already exists.', 'duplicate'),
  invalid: (what: string) => new GoogleApiError(400, `Invalid Input: ${what}`, 'invalid'),
  userRateLimit: () =>
    new GoogleApiError(
      403,
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'.",
      'userRateLimitExceeded',
      'usageLimits',
      'PERMISSION_DENIED',
      {},
      'User Rate Limit Exceeded',
    ),
  rateLimit: (retryAfterSeconds: number) =>
    new GoogleApiError(
      429,
      "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'admin.googleapis.com'.",
      'rateLimitExceeded',
      'usageLimits',
      'RESOURCE_EXHAUSTED',
      { 'retry-after': String(retryAfterSeconds) },
      'Rate Limit Exceeded',
    ),
  backendError: () =>
    new GoogleApiError(
      503,
      'The service is currently unavailable.',
      'backendError',
      'global',
      'UNAVAILABLE',
      {},
      'Backend Error',
    ),
} as const;

/** Google's body for any {@link HttpError}: the sandbox's own, or the router's 404/405 and bad JSON. */
export function googleErrorBody(error: HttpError): GoogleErrorBody {
  const own = error instanceof GoogleApiError ? error : undefined;
  const reason = own
    ? error.code!
    : error.status === 404
      ? 'notFound'
      : error.status === 400
        ? 'parseError'
        : 'invalid';
  const message = own ? error.message : error.status === 404 ? 'Not Found' : error.message;
  const entry: GoogleErrorBody['error']['errors'][number] = {
    message: own?.detail ?? message,
    domain: own?.domain ?? 'global',
    reason,
  };
  if (reason === 'authError') Object.assign(entry, { location: 'Authorization', locationType: 'header' });
  return {
    error: {
      code: error.status,
      message,
      errors: [entry],
      status: own?.statusText ?? STATUS_TEXT[error.status] ?? 'UNKNOWN',
    },
  };
}
