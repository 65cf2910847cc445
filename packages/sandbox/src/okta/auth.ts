import type { SandboxRequest } from '../http';
import { sandboxCredentials } from '../sample-data';
import { oktaError } from './errors';

/** The sandbox's second API token: reads work, writes get 403 E0000006 (a token of a read-only admin). */
export const OKTA_READONLY_TOKEN = 'sandbox-okta-readonly-token';

export interface OktaTokens {
  /** Full access (a super admin's API token). */
  admin: string;
  /** Read-only access. */
  readOnly: string;
}

export const defaultOktaTokens: OktaTokens = { admin: sandboxCredentials.okta.token, readOnly: OKTA_READONLY_TOKEN };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Checks `Authorization: SSWS <token>` as Okta does: a missing or unknown token is 401 E0000011; a
 * read-only token writing is 403 E0000006.
 */
export function authorize(req: SandboxRequest, tokens: OktaTokens): void {
  const header = req.headers.authorization ?? '';
  const match = /^SSWS\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1];
  if (token === tokens.admin) return;
  if (token === tokens.readOnly) {
    if (READ_METHODS.has(req.method)) return;
    throw oktaError('accessDenied');
  }
  throw oktaError('invalidToken');
}
