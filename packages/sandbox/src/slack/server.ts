import type { Fault } from '../faults';
import { HttpError, Router, type SandboxRequest, type SandboxServerOptions } from '../http';
import { slackMethods, type SlackApiContext, type SlackArgs, type SlackMethodName } from './api-methods';
import { rateLimited, slackError, slackErrorBody } from './errors';
import type { ForcedRateLimits } from './rate-limit';

/** The state the Web API routes work on. */
export interface SlackServerState extends SlackApiContext {
  /** The bot tokens the workspace accepts. */
  tokens: readonly string[];
  limits: ForcedRateLimits;
  /** Calls that reached each method (authenticated, not rate limited, not faulted). */
  requestCounts: Map<string, number>;
}

/** The scopes of the sandbox app's bot token (`x-oauth-scopes`), and what each method needs. */
export const SLACK_BOT_SCOPES = ['chat:write', 'im:write', 'users:read', 'users:read.email'] as const;
const ACCEPTED_SCOPES: Record<SlackMethodName, string> = {
  'auth.test': '',
  'users.lookupByEmail': 'users:read.email',
  'users.info': 'users:read',
  'conversations.open': 'channels:manage,groups:write,im:write,mpim:write',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
};

interface ParsedCall {
  method: string;
  args: SlackArgs;
  /** A JSON body without `charset=utf-8`: Slack answers with the warning `missing_charset`. */
  missingCharset: boolean;
}

const API_PREFIX = '/api/';

/**
 * Reads a call's arguments the ways Slack takes them: query string, `application/x-www-form-urlencoded`
 * (what @slack/web-api sends; objects such as `blocks` as JSON strings) or `application/json` (the token
 * must then be in the `Authorization` header: a `token` member is not read).
 */
function parseCall(req: SandboxRequest): ParsedCall {
  const method = decodeURIComponent(req.path.slice(API_PREFIX.length));
  const args: SlackArgs = Object.fromEntries(req.url.searchParams);
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  let missingCharset = false;
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      throw slackError('invalid_json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw slackError('json_not_object');
    const { token: _ignored, ...members } = body as SlackArgs;
    Object.assign(args, members);
    missingCharset = !type.includes('charset=');
  } else if (req.rawBody.length > 0) {
    if (type !== '' && !type.startsWith('application/x-www-form-urlencoded')) throw slackError('invalid_form_data');
    Object.assign(args, Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))));
  }
  return { method, args, missingCharset };
}

/** `Authorization: Bearer <token>`, else a `token` argument (form or query string). */
function tokenOf(req: SandboxRequest, args: SlackArgs): string | undefined {
  const header = req.headers.authorization;
  if (header) return /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim() ?? '';
  return typeof args.token === 'string' ? args.token : undefined;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/**
 * The Slack-specific parts of a sandbox server: `GET|POST /api/<method>`, bot-token authentication,
 * forced 429s, and Slack's answers (HTTP 200 `{ ok, … }`, `x-oauth-scopes` / `x-accepted-oauth-scopes`).
 */
export function slackServerOptions(
  state: SlackServerState,
): Pick<SandboxServerOptions, 'router' | 'before' | 'renderError' | 'renderFault'> {
  const calls = new WeakMap<SandboxRequest, ParsedCall>();
  const scopeHeaders = (req: SandboxRequest): Record<string, string> => {
    const method = calls.get(req)?.method as SlackMethodName | undefined;
    const accepted = method && method in ACCEPTED_SCOPES ? ACCEPTED_SCOPES[method] : undefined;
    return {
      'x-oauth-scopes': SLACK_BOT_SCOPES.join(','),
      ...(accepted === undefined ? {} : { 'x-accepted-oauth-scopes': accepted }),
    };
  };

  const handle = (req: SandboxRequest) => {
    const call = calls.get(req)!;
    if (!Object.hasOwn(slackMethods, call.method)) {
      // Methods Slack has but the sandbox does not serve answer as an unknown one does (unverified status).
      throw new HttpError(404, 'unknown_method');
    }
    const method = call.method as SlackMethodName;
    state.requestCounts.set(method, (state.requestCounts.get(method) ?? 0) + 1);
    const body = slackMethods[method](call.args, state);
    const warning = call.missingCharset
      ? { warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } }
      : {};
    return { status: 200, headers: { ...jsonHeaders, ...scopeHeaders(req) }, body: { ...body, ...warning } };
  };
  const router = new Router()
    .post('/api/:method', handle)
    .get('/api/:method', handle)
    // Interaction payloads point `response_url` here; the sandbox does not serve it (use chat.update).
    .post('/actions/:team/:id/:secret', () => ({
      status: 501,
      headers: jsonHeaders,
      body: { ok: false, error: 'sandbox_response_url_not_supported', hint: 'update the message with chat.update' },
    }));

  return {
    router,
    before(req) {
      if (!req.path.startsWith(API_PREFIX)) return undefined;
      const call = parseCall(req);
      calls.set(req, call);
      const token = tokenOf(req, call.args);
      if (token === undefined || token === '') throw slackError('not_authed');
      if (!state.tokens.includes(token)) throw slackError('invalid_auth');
      const retryAfter = state.limits.take(call.method);
      if (retryAfter !== undefined) throw rateLimited(retryAfter);
      return undefined;
    },
    renderError(error: HttpError, req) {
      const body = slackErrorBody(error);
      if (error.status === 404 && req.path.startsWith(API_PREFIX))
        Object.assign(body, { req_method: calls.get(req)?.method ?? req.path.slice(API_PREFIX.length) });
      const status = error.status === 405 ? 200 : error.status;
      return { status, headers: { ...jsonHeaders, ...scopeHeaders(req), ...error.headers }, body };
    },
    renderFault(fault: Fault) {
      if (fault.kind === 'rate-limit') {
        return {
          status: 429,
          headers: { ...jsonHeaders, 'retry-after': String(fault.retryAfterSeconds) },
          body: { ok: false, error: 'ratelimited' },
        };
      }
      return { status: 500, headers: jsonHeaders, body: { ok: false, error: 'internal_error' } };
    },
  };
}
