import { ConnectorError, retryAfterMs as retryAfterHeaderMs } from '../connector-error';
import { scrubSecrets } from '../redaction';

/** What an AWS call was doing, for classified error messages. */
export interface AwsCallContext {
  /** A verb phrase: `add user … to group …`; completes "the AWS credentials cannot …". */
  what: string;
  /** The IAM action of the call (`identitystore:CreateGroupMembership`), named when access is denied. */
  action: string;
  userId?: string;
  groupId?: string;
  /** Secret values that must never appear in a message. */
  secrets?: readonly string[];
}

/** What a ThrottlingException without `RetryAfterSeconds` (or `Retry-After`) is taken to ask for. */
const DEFAULT_THROTTLE_WAIT_MS = 5_000;
const MIN_THROTTLE_WAIT_MS = 1_000;

/** Errors of AWS's front door that mean the credentials themselves are wrong (not a missing permission). */
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
]);

/** The parts of an SDK v3 service exception Leasehold reads. */
interface AwsServiceError {
  name: string;
  message: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string | undefined> };
  $retryable?: { throttling?: boolean };
  RetryAfterSeconds?: unknown;
  ResourceType?: unknown;
  ResourceId?: unknown;
  Reason?: unknown;
}

export function asServiceError(err: unknown): AwsServiceError | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & Partial<AwsServiceError>;
  // The SDK puts `$metadata` on network errors too; only an answer from AWS has a status.
  return typeof e.$metadata?.httpStatusCode === 'number' ? (e as AwsServiceError) : undefined;
}

/**
 * Classifies a failure of an AWS SDK call (Identity Store or sso-admin):
 *
 * | failure | kind | message |
 * |---|---|---|
 * | ThrottlingException (or any throttling error) | rate-limited | `retryAfterMs` = `RetryAfterSeconds` (else `Retry-After`, else 5 s), at least 1 s |
 * | InternalServerException, any 5xx, network errors, timeouts | retryable | AWS's words |
 * | ConflictException (a concurrent change) | retryable | AWS's words |
 * | UnrecognizedClientException, InvalidSignatureException, expired token … | permanent | `bad credentials: …` |
 * | no credentials in the chain (CredentialsProviderError) | permanent | `bad credentials: no AWS credentials …` |
 * | AccessDeniedException | permanent | `missing permission: … identitystore:CreateGroupMembership …` |
 * | ResourceNotFoundException | permanent | `unknown user` / `unknown group` / `unknown identity store` |
 * | ValidationException, ServiceQuotaExceededException, other client errors | permanent | AWS's words |
 *
 * Secret values are scrubbed from every message.
 */
export function classifyAwsError(err: unknown, ctx: AwsCallContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const secrets = ctx.secrets ?? [];
  const clean = (text: string) => scrubSecrets(text, secrets);
  const service = asServiceError(err);
  if (!service) {
    const name = err instanceof Error ? err.name : 'Error';
    const message = clean(err instanceof Error ? err.message : String(err));
    if (name === 'CredentialsProviderError')
      return new ConnectorError(
        'permanent',
        `bad credentials: no AWS credentials found for ${ctx.what} (set accessKeyId and secretAccessKey, or give the worker a role or profile): ${message}`,
        { service: 'aws', code: name },
      );
    return new ConnectorError('retryable', `AWS ${ctx.what} failed: ${message}`, { service: 'aws', code: name });
  }

  const status = service.$metadata?.httpStatusCode;
  const requestId = service.$metadata?.requestId;
  const details = { service: 'aws', code: service.name, ...(status !== undefined ? { status } : {}) };
  const said = clean(`${service.name}: ${service.message}${requestId ? ` (request ${requestId})` : ''}`);

  if (service.name === 'ThrottlingException' || service.$retryable?.throttling) {
    const waitMs = throttleWaitMs(service);
    return new ConnectorError(
      'rate-limited',
      `AWS throttled ${ctx.what} (${service.name}); retry in ${Math.ceil(waitMs / 1000)} s`,
      { ...details, retryAfterMs: waitMs },
    );
  }
  if (service.$fault === 'server' || (status !== undefined && status >= 500) || service.name === 'ConflictException')
    return new ConnectorError('retryable', `AWS ${ctx.what} failed with ${said}`, details);
  if (BAD_CREDENTIALS.has(service.name)) {
    return new ConnectorError(
      'permanent',
      `bad credentials: AWS refused the access key (${service.name}: ${clean(service.message)}) on ${ctx.what}; check the access key id and secret, or the worker's role`,
      details,
    );
  }
  if (service.name === 'AccessDeniedException') {
    const action = /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(service.message)?.[1] ?? ctx.action;
    return new ConnectorError(
      'permanent',
      `missing permission: the AWS credentials cannot ${ctx.what}: ${action} is not allowed (AWS said: ${clean(service.message)})`,
      { ...details, code: `AccessDeniedException ${action}` },
    );
  }
  if (service.name === 'ResourceNotFoundException') {
    const type = typeof service.ResourceType === 'string' ? service.ResourceType : undefined;
    const id = typeof service.ResourceId === 'string' ? service.ResourceId : undefined;
    const label =
      type === 'USER'
        ? `unknown user ${id ?? ctx.userId ?? ''}`
        : type === 'GROUP'
          ? `unknown group ${id ?? ctx.groupId ?? ''}`
          : type === 'IDENTITY_STORE'
            ? `unknown identity store ${id ?? ''}`
            : `not found (${type ?? 'resource'} ${id ?? ''})`;
    return new ConnectorError(
      'permanent',
      clean(`${label.trim()}: AWS has no such resource (while trying to ${ctx.what})`),
      details,
    );
  }
  return new ConnectorError('permanent', `AWS ${ctx.what} failed with ${said}`, details);
}

/** `RetryAfterSeconds` of the error body, else the `Retry-After` header, else 5 s; at least 1 s. */
export function throttleWaitMs(err: AwsServiceError): number {
  const seconds = Number(err.RetryAfterSeconds);
  if (err.RetryAfterSeconds !== undefined && Number.isFinite(seconds))
    return Math.max(MIN_THROTTLE_WAIT_MS, seconds * 1000);
  const header = retryAfterHeaderMs(err.$response?.headers?.['retry-after']);
  return header === undefined ? DEFAULT_THROTTLE_WAIT_MS : Math.max(MIN_THROTTLE_WAIT_MS, header);
}

/** Whether the error is ResourceNotFoundException, optionally of one resource type. */
export function isNotFound(err: unknown, type?: string): boolean {
  const service = asServiceError(err);
  if (service?.name !== 'ResourceNotFoundException') return false;
  return type === undefined || service.ResourceType === undefined || service.ResourceType === type;
}
