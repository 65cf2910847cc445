import { ApplicationFailure } from '@temporalio/activity';
import { ConnectorError } from '../connectors/connector-error';
import { SecretUnavailableError } from '../config/settings';

/**
 * Turns a classified connector failure into what Temporal's retry policy understands:
 * permanent → non-retryable with the human reason; rate-limited → retryable after the delay the
 * service asked for (`nextRetryDelay`); anything else is thrown as is and retried.
 */
export function asActivityFailure(err: unknown): unknown {
  if (err instanceof SecretUnavailableError) {
    return ApplicationFailure.create({
      message: `credentials unavailable: ${err.message}`,
      type: 'CredentialsUnavailable',
      nonRetryable: true,
    });
  }
  if (!(err instanceof ConnectorError)) return err;
  const details = [err.details];
  switch (err.kind) {
    case 'permanent':
      return ApplicationFailure.create({
        message: err.message,
        type: 'PermanentConnectorError',
        nonRetryable: true,
        details,
      });
    case 'rate-limited':
      return ApplicationFailure.create({
        message: err.message,
        type: 'RateLimited',
        details,
        nextRetryDelay: Math.max(1_000, err.details.retryAfterMs ?? 5_000),
      });
    default:
      return ApplicationFailure.create({ message: err.message, type: 'TransientConnectorError', details });
  }
}

/** Runs an activity body, converting connector failures on the way out. */
export async function classified<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asActivityFailure(err);
  }
}

export function permanent(message: string, type = 'PermanentError'): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}
