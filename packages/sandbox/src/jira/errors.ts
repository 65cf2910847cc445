import type { Fault } from '../faults';
import { HttpError, type SandboxRequest, type SandboxResponse } from '../http';
import { rateLimitReset } from './dates';

/**
 * Jira's error answers. The platform REST API answers `{ errorMessages: [...], errors: { field: msg } }`;
 * the JSM API (`/rest/servicedeskapi`) answers `{ errorMessage, i18nErrorMessage: { i18nKey, parameters } }`;
 * failed authentication is a plain-text 401.
 */

export interface JiraErrorBody {
  errorMessages: string[];
  errors: Record<string, string>;
}

/** A platform REST error with Jira's two lists: general messages and per-field messages. */
export class JiraError extends HttpError {
  constructor(
    status: number,
    readonly errorMessages: string[],
    readonly errors: Record<string, string> = {},
    headers: Record<string, string> = {},
  ) {
    super(status, errorMessages[0] ?? Object.values(errors)[0] ?? 'Error', undefined, headers);
  }
}

/** A JSM API error (`/rest/servicedeskapi/...`) with its i18n key. */
export class JsmError extends HttpError {
  constructor(
    status: number,
    message: string,
    readonly i18nKey: string,
  ) {
    super(status, message, i18nKey);
  }
}

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
export const NOT_AUTHENTICATED = 'Client must be authenticated to access this resource.';

export const issueNotFound = (): JiraError => new JiraError(404, [ISSUE_NOT_FOUND]);

/** 400 with per-field messages, as Jira answers a create or edit with invalid fields. */
export const fieldErrors = (errors: Record<string, string>): JiraError => new JiraError(400, [], errors);

export const notAuthenticated = (reason: 'AUTHENTICATED_FAILED' | 'AUTHENTICATION_DENIED'): HttpError =>
  new HttpError(401, NOT_AUTHENTICATED, 'NotAuthenticated', {
    'www-authenticate': 'Basic realm="Jira"',
    'x-seraph-loginreason': reason,
  });

function isJsmPath(req: SandboxRequest): boolean {
  return req.path.startsWith('/rest/servicedeskapi/');
}

export function jiraErrorBody(errorMessages: string[], errors: Record<string, string> = {}): JiraErrorBody {
  return { errorMessages, errors };
}

/** Renders any {@link HttpError} (including the router's 404/405 and bad JSON) in the format of its API. */
export function renderJiraError(error: HttpError, req: SandboxRequest): SandboxResponse {
  const headers = { ...error.headers };
  if (error.status === 401) {
    return {
      status: 401,
      headers: { ...headers, 'content-type': 'text/plain;charset=UTF-8' },
      body: NOT_AUTHENTICATED,
    };
  }
  if (isJsmPath(req)) {
    const i18nKey = error instanceof JsmError ? error.i18nKey : `sd.error.http.${error.status}`;
    const message =
      error instanceof JiraError ? [...error.errorMessages, ...Object.values(error.errors)].join(' ') : error.message;
    return {
      status: error.status,
      headers,
      body: { errorMessage: message, i18nErrorMessage: { i18nKey, parameters: [] } },
    };
  }
  if (error instanceof JiraError)
    return { status: error.status, headers, body: jiraErrorBody(error.errorMessages, error.errors) };
  if (error.status === 404 && error.code === 'NotFound') {
    return { status: 404, headers, body: jiraErrorBody([`No REST resource at ${req.path}.`]) };
  }
  return { status: error.status, headers, body: jiraErrorBody([error.message]) };
}

export interface FaultRenderOptions {
  /** Status of injected server errors: 500 (default) or 503 (with Retry-After, as Jira does under load). */
  serverErrorStatus: 500 | 503;
  now?: () => Date;
}

/** Renders an injected fault: 429 with Jira's rate-limit headers, or a 500/503 in Jira's body format. */
export function renderJiraFault(fault: Fault, req: SandboxRequest, options: FaultRenderOptions): SandboxResponse {
  const now = options.now?.() ?? new Date();
  if (fault.kind === 'rate-limit') {
    const headers = {
      'retry-after': String(fault.retryAfterSeconds),
      'x-ratelimit-reset': rateLimitReset(now, fault.retryAfterSeconds),
      'ratelimit-reason': 'jira-burst-based',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
    };
    return renderJiraError(new JiraError(429, ['Rate limit exceeded.'], {}, headers), req);
  }
  if (options.serverErrorStatus === 503) {
    return renderJiraError(new JiraError(503, ['Service Unavailable'], {}, { 'retry-after': '1' }), req);
  }
  return renderJiraError(new JiraError(500, ['Internal server error'], {}), req);
}
