import { randomUUID } from 'node:crypto';
import { HttpError, type SandboxResponse } from '../http';

/** The namespace AWS puts in `x-amzn-ErrorType` after the error name (the SDK keeps the part before `:`). */
const CORAL = 'http://internal.amazon.com/coral/com.amazonaws.identitystore/';

/**
 * An AWS error as the awsJson1.1 protocol sends it: `__type` names the error, the body carries its
 * members. Errors of the service's model (Identity Store, sso-admin) spell the message `Message` and
 * carry `RequestId`; errors of AWS's front door (authentication) spell it `message`.
 */
export class AwsError extends HttpError {
  constructor(
    status: number,
    readonly type: string,
    message: string,
    readonly members: Record<string, unknown> = {},
    headers: Record<string, string> = {},
    /** Front-door errors (signature, unknown key) say `message`; modelled errors `Message`. */
    readonly frontDoor = false,
  ) {
    super(status, message, type, headers);
  }
}

/** The HTTP status each modelled error has in the SDK's model (`httpError` trait). */
const STATUS: Record<string, number> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 400,
};

export type ResourceType = 'GROUP' | 'USER' | 'IDENTITY_STORE' | 'GROUP_MEMBERSHIP' | 'PERMISSION_SET';

export const awsErrors = {
  validation: (message: string) => new AwsError(STATUS.ValidationException!, 'ValidationException', message),
  notFound: (type: ResourceType, id: string, message = `${type} not found.`) =>
    new AwsError(STATUS.ResourceNotFoundException!, 'ResourceNotFoundException', message, {
      ResourceType: type,
      ResourceId: id,
    }),
  conflict: (reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' | 'CONCURRENT_MODIFICATION', message: string) =>
    new AwsError(STATUS.ConflictException!, 'ConflictException', message, { Reason: reason }),
  accessDenied: (principalArn: string, action: string, resourceArn: string) =>
    new AwsError(
      STATUS.AccessDeniedException!,
      'AccessDeniedException',
      `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resourceArn} because no identity-based policy allows the ${action} action`,
    ),
  throttling: (retryAfterSeconds: number) =>
    new AwsError(
      STATUS.ThrottlingException!,
      'ThrottlingException',
      'Rate exceeded',
      { RetryAfterSeconds: retryAfterSeconds },
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  internal: () =>
    new AwsError(STATUS.InternalServerException!, 'InternalServerException', 'An internal error occurred.', {
      RetryAfterSeconds: 1,
    }),
  // AWS's front door: authentication problems are 400 (403 for a missing token) with a lower-case `message`.
  missingToken: () =>
    new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', {}, {}, true),
  incompleteSignature: (message: string) => new AwsError(400, 'IncompleteSignatureException', message, {}, {}, true),
  unrecognizedClient: () =>
    new AwsError(
      400,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      {},
      {},
      true,
    ),
  invalidSignature: (message: string) => new AwsError(400, 'InvalidSignatureException', message, {}, {}, true),
  unknownOperation: (target: string) =>
    new AwsError(400, 'UnknownOperationException', `Unknown operation ${target}`, {}, {}, true),
  serialization: (message: string) => new AwsError(400, 'SerializationException', message, {}, {}, true),
};

/** Renders any {@link HttpError} (the router's 404/405 and bad JSON too) as AWS does. */
export function renderAwsError(error: HttpError): SandboxResponse {
  const aws =
    error instanceof AwsError
      ? error
      : error.status === 404 || error.status === 405
        ? awsErrors.unknownOperation(error.message)
        : error.status === 400
          ? awsErrors.serialization(error.message)
          : awsErrors.internal();
  const requestId = randomUUID();
  const body: Record<string, unknown> = aws.frontDoor
    ? { __type: aws.type, message: aws.message }
    : { __type: aws.type, Message: aws.message, RequestId: requestId, ...aws.members };
  return {
    status: aws.status,
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'x-amzn-RequestId': requestId,
      'x-amzn-ErrorType': `${aws.type}:${CORAL}`,
      ...aws.headers,
    },
    body: JSON.stringify(body),
  };
}
