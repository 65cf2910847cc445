import { randomUUID } from 'node:crypto';
import type { Fault } from '../faults';
import { HttpError, type SandboxRequest, type SandboxResponse } from '../http';

/** What Microsoft Graph sends as Content-Type on JSON success answers. */
export const GRAPH_JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export type GraphErrorCode =
  | 'BadRequest'
  | 'Request_BadRequest'
  | 'Request_ResourceNotFound'
  | 'Request_UnsupportedQuery'
  | 'InvalidAuthenticationToken'
  | 'Authorization_RequestDenied'
  | 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'
  | 'TooManyRequests'
  | 'serviceNotAvailable';

/** A Graph error a handler throws; rendered as `{ error: { code, message, innerError } }`. */
export class GraphHttpError extends HttpError {
  constructor(
    status: number,
    readonly graphCode: GraphErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(status, message, graphCode, headers);
  }
}

/** The errors the sandbox Graph answers with, worded as Microsoft Graph words them. */
export const graphErrors = {
  resourceNotFound: (resource: string) =>
    new GraphHttpError(
      404,
      'Request_ResourceNotFound',
      `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  invalidObjectIdentifier: (id: string) =>
    new GraphHttpError(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`),
  alreadyMember: () =>
    new GraphHttpError(
      400,
      'Request_BadRequest',
      "One or more added object references already exist for the following modified properties: 'members'.",
    ),
  insufficientPrivileges: () =>
    new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  nonPremiumTenant: () =>
    new GraphHttpError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    ),
  invalidToken: (message: string) =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    }),
  badRequest: (message: string) => new GraphHttpError(400, 'BadRequest', message),
  requestBadRequest: (message: string) => new GraphHttpError(400, 'Request_BadRequest', message),
  unsupportedQuery: (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message),
};

const requestIds = new WeakMap<SandboxRequest, { requestId: string; clientRequestId: string }>();

/** The `request-id` Graph assigns this request and the caller's `client-request-id` (echoed, or the same). */
export function graphRequestIds(req: SandboxRequest): { requestId: string; clientRequestId: string } {
  let ids = requestIds.get(req);
  if (!ids) {
    const requestId = randomUUID();
    const header = req.headers['client-request-id'];
    ids = { requestId, clientRequestId: (Array.isArray(header) ? header[0] : header) ?? requestId };
    requestIds.set(req, ids);
  }
  return ids;
}

/** Headers Graph puts on every answer. */
export function graphHeaders(req: SandboxRequest): Record<string, string> {
  const { requestId, clientRequestId } = graphRequestIds(req);
  return {
    'request-id': requestId,
    'client-request-id': clientRequestId,
    'x-ms-ags-diagnostic': JSON.stringify({
      ServerInfo: { DataCenter: 'Sandbox', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'LEASEHOLD-SANDBOX' },
    }),
  };
}

export function graphErrorResponse(
  req: SandboxRequest,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  const { requestId, clientRequestId } = graphRequestIds(req);
  return {
    status,
    headers: { ...graphHeaders(req), 'content-type': 'application/json', ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    },
  };
}

/** Renders a thrown error on a Graph path, translating the shared router's generic 404/405/400. */
export function renderGraphError(err: HttpError, req: SandboxRequest): SandboxResponse {
  if (err instanceof GraphHttpError)
    return graphErrorResponse(req, err.status, err.graphCode, err.message, err.headers);
  switch (err.code) {
    case 'NotFound': {
      const segment = req.path.split('/').filter(Boolean).at(-1) ?? '';
      return graphErrorResponse(req, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
    }
    case 'MethodNotAllowed':
      return graphErrorResponse(
        req,
        405,
        'Request_BadRequest',
        'Specified HTTP method is not allowed for the request target.',
      );
    case 'InvalidJson':
      return graphErrorResponse(
        req,
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      );
    default:
      return graphErrorResponse(req, err.status, err.code ?? 'UnknownError', err.message, err.headers);
  }
}

/** An injected fault as Graph sends it: 429 TooManyRequests or 503 serviceNotAvailable, both with Retry-After. */
export function renderGraphFault(fault: Fault, req: SandboxRequest, retryAfterSeconds: number): SandboxResponse {
  if (fault.kind === 'rate-limit') {
    return graphErrorResponse(req, 429, 'TooManyRequests', 'Too many requests', {
      'Retry-After': String(fault.retryAfterSeconds),
    });
  }
  return graphErrorResponse(req, 503, 'serviceNotAvailable', 'Service unavailable', {
    'Retry-After': String(retryAfterSeconds),
  });
}
