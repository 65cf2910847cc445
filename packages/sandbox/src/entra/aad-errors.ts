import { randomUUID } from 'node:crypto';
import type { Fault } from '../faults';
import { HttpError, type SandboxRequest, type SandboxResponse } from '../http';

/** An OAuth 2.0 error of the Microsoft identity platform (`AADSTS…`), e.g. from the token endpoint. */
export class AadError extends HttpError {
  constructor(
    status: number,
    /** OAuth error: `invalid_client`, `invalid_request`, `unauthorized_client`, ... */
    readonly error: string,
    /** The AADSTS number. */
    readonly aadsts: number,
    description: string,
    headers: Record<string, string> = {},
  ) {
    super(status, description, error, headers);
  }
}

/** The identity-platform errors the sandbox answers with, worded as Entra ID words them. */
export const aadErrors = {
  tenantNotFound: (tenant: string, error = 'invalid_request') =>
    new AadError(
      400,
      error,
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) =>
    new AadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrantType: (grantType: string) =>
    new AadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`),
  applicationNotFound: (clientId: string, tenantId: string) =>
    new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingClientCredential: () =>
    new AadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidClientSecret: (clientId: string) =>
    new AadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  scopeNotDefault: (scope: string) =>
    new AadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  resourceNotFound: (resource: string, tenantId: string) =>
    new AadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  notFound: (path: string) =>
    new AadError(
      404,
      'invalid_request',
      900561,
      `The endpoint only accepts POST or GET requests at known paths; '${path}' is not one.`,
    ),
  methodNotAllowed: (path: string) =>
    new AadError(405, 'invalid_request', 900561, `The endpoint '${path}' does not accept this HTTP method.`),
  transient: (status: number) =>
    new AadError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
};

/** `2024-01-09 02:02:12Z`, the identity platform's timestamp format. */
function aadTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Renders an identity-platform error body: `{ error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri }`. */
export function renderAadError(err: HttpError, req: SandboxRequest): SandboxResponse {
  const aad = err instanceof AadError ? err : toAadError(err, req);
  const traceId = randomUUID();
  const header = req.headers['client-request-id'];
  const correlationId = (Array.isArray(header) ? header[0] : header) ?? randomUUID();
  const timestamp = aadTimestamp(new Date());
  const origin = `https://${req.headers.host ?? 'login.microsoftonline.com'}`;
  return {
    status: aad.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store, no-cache',
      pragma: 'no-cache',
      'x-ms-request-id': traceId,
      'client-request-id': correlationId,
      ...aad.headers,
    },
    body: {
      error: aad.error,
      error_description: `AADSTS${aad.aadsts}: ${aad.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [aad.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${origin}/error?code=${aad.aadsts}`,
    },
  };
}

function toAadError(err: HttpError, req: SandboxRequest): AadError {
  if (err.code === 'NotFound') return aadErrors.notFound(req.path);
  if (err.code === 'MethodNotAllowed') return aadErrors.methodNotAllowed(req.path);
  return new AadError(err.status, 'invalid_request', 900144, err.message, err.headers);
}

/** An injected fault on the token endpoint: 429 or 503 `temporarily_unavailable`, with Retry-After. */
export function renderAadFault(fault: Fault, req: SandboxRequest, retryAfterSeconds: number): SandboxResponse {
  const status = fault.kind === 'rate-limit' ? 429 : 503;
  const wait = fault.kind === 'rate-limit' ? fault.retryAfterSeconds : retryAfterSeconds;
  const err = aadErrors.transient(status);
  return renderAadError(new AadError(status, err.error, err.aadsts, err.message, { 'Retry-After': String(wait) }), req);
}
