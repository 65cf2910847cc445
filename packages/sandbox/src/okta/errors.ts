import { randomBytes } from 'node:crypto';
import { HttpError } from '../http';

/**
 * Okta's error body, as the Management API sends it and `OktaApiError` reads it:
 * `{ errorCode, errorSummary, errorLink, errorId, errorCauses }` (errorLink repeats the code).
 */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** The Okta error codes the sandbox answers with, and their fixed summaries. */
export const oktaErrors = {
  validation: { status: 400, code: 'E0000001', summary: 'Api validation failed' },
  malformedBody: { status: 400, code: 'E0000003', summary: 'The request body was not well-formed.' },
  accessDenied: {
    status: 403,
    code: 'E0000006',
    summary: 'You do not have permission to perform the requested action',
  },
  notFound: { status: 404, code: 'E0000007', summary: 'Not found' },
  internal: { status: 500, code: 'E0000009', summary: 'Internal Server Error' },
  invalidToken: { status: 401, code: 'E0000011', summary: 'Invalid token provided' },
  methodNotSupported: {
    status: 405,
    code: 'E0000022',
    summary: 'The endpoint does not support the provided HTTP method',
  },
  invalidSearch: { status: 400, code: 'E0000031', summary: 'Invalid search criteria.' },
  rateLimited: { status: 429, code: 'E0000047', summary: 'API call exceeded rate limit due to too many requests.' },
} as const;

export type OktaErrorKind = keyof typeof oktaErrors;

/** Okta error ids look like `oaeIp2gJC9iR_mSLH6kapkAHw`: `oae` and 22 URL-safe characters. */
export function newErrorId(): string {
  return `oae${randomBytes(17).toString('base64url').slice(0, 22)}`;
}

export function oktaErrorBody(code: string, summary: string, causes: string[] = []): OktaErrorBody {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: newErrorId(),
    errorCauses: causes.map((c) => ({ errorSummary: c })),
  };
}

/** An {@link HttpError} carrying an Okta code; `summary` overrides the kind's fixed summary. */
export function oktaError(kind: OktaErrorKind, summary?: string): HttpError {
  const e = oktaErrors[kind];
  return new HttpError(e.status, summary ?? e.summary, e.code);
}

/** 404 as Okta words it: `Not found: Resource not found: 00u… (User)`; Okta calls groups `UserGroup`. */
export function resourceNotFound(id: string, type: 'User' | 'UserGroup'): HttpError {
  return oktaError('notFound', `Not found: Resource not found: ${id} (${type})`);
}

/** The Okta code and summary for any {@link HttpError}, including the router's own 404/405 and bad JSON. */
export function describeHttpError(error: HttpError, path: string): { status: number; code: string; summary: string } {
  if (error.code?.startsWith('E0000')) return { status: error.status, code: error.code, summary: error.message };
  if (error.status === 405) return describe('methodNotSupported');
  if (error.status === 404)
    return { ...describe('notFound'), summary: `Not found: Resource not found: ${path} (GenericResource)` };
  if (error.status === 400) return describe('malformedBody');
  if (error.status === 401) return describe('invalidToken');
  if (error.status === 403) return describe('accessDenied');
  if (error.status === 429) return describe('rateLimited');
  return describe('internal');
}

function describe(kind: OktaErrorKind): { status: number; code: string; summary: string } {
  const e = oktaErrors[kind];
  return { status: e.status, code: e.code, summary: e.summary };
}
