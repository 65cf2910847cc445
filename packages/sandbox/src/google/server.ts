import type { Fault, FaultSwitch } from '../faults';
import { type HttpError, Router, type SandboxRequest, type SandboxResponse, type SandboxServerOptions } from '../http';
import type { GoogleAuthority, GoogleCaller } from './auth';
import type { GoogleDirectory } from './directory';
import { GoogleApiError, googleErrorBody, googleErrors } from './errors';
import { googleRoutes, type GoogleOperationId } from './routes';

/** Where the sandbox serves Google's token endpoint (`https://oauth2.googleapis.com/token` in Google). */
export const TOKEN_PATH = '/token';

/** The state the Google routes work on. */
export interface GoogleServerState {
  directory: GoogleDirectory;
  authority: GoogleAuthority;
  /** Requests that reached each operation (authenticated, scoped, authorised, not faulted). */
  requestCounts: Map<GoogleOperationId | 'token', number>;
  /** Faults of membership writes only (insert, delete), after authentication: a throttled write changes nothing. */
  writeFaults: FaultSwitch;
  /** How a rate-limit fault answers: 403 `userRateLimitExceeded` (Google's usual) or 429 `rateLimitExceeded`. */
  rateLimitStatus: () => 403 | 429;
}

/**
 * The Google-specific parts of a sandbox server: the OAuth2 token endpoint (JWT bearer grant), the
 * Directory API routes with bearer tokens, per-call scopes and the administrator check (a delegated
 * token of a user who is no administrator, or the service account's own token, gets 403 `forbidden`),
 * and Google's error body on every error.
 */
export function googleServerOptions(
  state: GoogleServerState,
): Pick<SandboxServerOptions, 'router' | 'before' | 'renderError' | 'renderFault'> {
  const { authority, directory } = state;
  const callers = new WeakMap<SandboxRequest, GoogleCaller>();
  const count = (op: GoogleOperationId | 'token'): void => {
    state.requestCounts.set(op, (state.requestCounts.get(op) ?? 0) + 1);
  };
  const rateLimited = (fault: Extract<Fault, { kind: 'rate-limit' }>): GoogleApiError =>
    state.rateLimitStatus() === 429 ? googleErrors.rateLimit(fault.retryAfterSeconds) : googleErrors.userRateLimit();
  const render = (error: HttpError): SandboxResponse => ({
    status: error.status,
    headers: { ...error.headers, vary: 'Origin, X-Origin, Referer' },
    body: googleErrorBody(error),
  });

  const router = new Router();
  router.post(TOKEN_PATH, (req) => {
    count('token');
    return authority.grant(req, `${req.url.protocol}//${req.url.host}${TOKEN_PATH}`);
  });
  for (const route of googleRoutes(directory)) {
    router.on(route.method, route.pattern, async (req) => {
      const caller = callers.get(req)!;
      if (!route.scopes.some((s) => caller.scopes.has(s))) throw googleErrors.insufficientScopes();
      const subject = caller.subject ? directory.findUser(caller.subject) : undefined;
      if (!subject?.isAdmin) throw googleErrors.forbidden();
      if (route.write) {
        const fault = await state.writeFaults.next();
        if (fault?.kind === 'server-error') throw googleErrors.backendError();
        if (fault?.kind === 'rate-limit') throw rateLimited(fault);
      }
      count(route.operationId);
      return route.handle(req);
    });
  }

  return {
    router,
    before(req) {
      if (req.path !== TOKEN_PATH) callers.set(req, authority.authenticate(req));
      return undefined;
    },
    renderError: (error) => render(error),
    renderFault(fault) {
      return render(fault.kind === 'server-error' ? googleErrors.backendError() : rateLimited(fault));
    },
  };
}
