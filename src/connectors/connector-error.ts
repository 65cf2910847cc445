export type ConnectorErrorKind = 'retryable' | 'rate-limited' | 'permanent';

/**
 * A classified failure of an external system (identity provider, Jira). `permanent` carries a human
 * reason (unknown user or group, bad credentials, missing permission) and is not retried;
 * `rate-limited` carries how long the service asked us to wait; `retryable` is transient.
 */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly details: { service?: string; status?: number; code?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

/** Seconds from a `Retry-After` header (delta-seconds or an HTTP date) as milliseconds. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
