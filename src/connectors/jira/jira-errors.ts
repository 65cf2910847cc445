import { HttpException } from 'jira.js';
import { ConnectorError, retryAfterMs } from '../connector-error';

/** Classifies a jira.js failure: 429 rate-limited (with Retry-After), 408/5xx/network retryable, other 4xx permanent. */
export function classifyJiraError(err: unknown, what: string, site: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof HttpException) {
    const response = err.response as { data?: unknown } | string;
    const data = typeof response === 'object' && response !== null && 'data' in response ? response.data : response;
    const headers = (err.cause as { response?: { headers?: Record<string, string> } } | undefined)?.response?.headers;
    return jiraStatusError(err.status, data, headers?.['retry-after'], what, err.message);
  }
  return jiraNetworkError(err, what, site);
}

/** A Jira error answer by its status: 429 rate-limited (with Retry-After), 408/5xx retryable, other 4xx permanent. */
function jiraStatusError(
  status: number,
  data: unknown,
  retryAfter: string | undefined,
  what: string,
  fallback: string,
): ConnectorError {
  const messages =
    typeof data === 'object' && data !== null
      ? [
          ...((data as { errorMessages?: string[] }).errorMessages ?? []),
          ...Object.entries((data as { errors?: Record<string, string> }).errors ?? {}).map(([k, v]) => `${k}: ${v}`),
        ]
      : [];
  const detail = messages.join('; ') || fallback;
  if (status === 429) {
    return new ConnectorError('rate-limited', `Jira rate limit on ${what}`, {
      service: 'jira',
      status,
      retryAfterMs: retryAfterMs(retryAfter) ?? 5_000,
    });
  }
  if (status === 408 || status >= 500)
    return new ConnectorError('retryable', `Jira ${what} failed with ${status}: ${detail}`, {
      service: 'jira',
      status,
    });
  const hint =
    status === 401
      ? ' (check the Jira email and API token)'
      : status === 403
        ? ' (the Jira account lacks permission)'
        : '';
  return new ConnectorError('permanent', `Jira ${what} failed with ${status}: ${detail}${hint}`, {
    service: 'jira',
    status,
  });
}

/** No answer at all (connection refused, reset, timed out): retryable. */
function jiraNetworkError(err: unknown, what: string, site: string): ConnectorError {
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError('retryable', `Jira ${what} at ${site} failed: ${message}`, { service: 'jira' });
}
