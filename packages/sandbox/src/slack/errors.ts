import { HttpError } from '../http';

/**
 * Slack Web API errors: HTTP 200 with `{ ok: false, error: '<code>' }` (and sometimes `response_metadata`
 * or `needed` / `provided`); @slack/web-api raises `WebAPIPlatformError` (`code: 'slack_webapi_platform_error'`,
 * `data` = the body). Rate limits are HTTP 429 with `Retry-After` (seconds) and `{ ok: false, error: 'ratelimited' }`.
 */
export class SlackApiError extends HttpError {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
    status = 200,
    headers: Record<string, string> = {},
  ) {
    super(status, error, error, headers);
  }
}

/** `{ ok: false, error }` with HTTP 200. */
export const slackError = (error: string, extra: Record<string, unknown> = {}): SlackApiError =>
  new SlackApiError(error, extra);

/** A missing required argument: `invalid_arguments` with the reason in `response_metadata.messages`. */
export const missingArgument = (name: string): SlackApiError =>
  slackError('invalid_arguments', { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });

/** HTTP 429 `{ ok: false, error: 'ratelimited' }` with `Retry-After: <seconds>`. */
export const rateLimited = (retryAfterSeconds: number): SlackApiError =>
  new SlackApiError('ratelimited', {}, 429, { 'retry-after': String(retryAfterSeconds) });

/** The body of any error, including the router's own 404 / 405 and unreadable bodies. */
export function slackErrorBody(error: HttpError): Record<string, unknown> {
  if (error instanceof SlackApiError) return { ok: false, error: error.error, ...error.extra };
  if (error.status === 404) return { ok: false, error: 'unknown_method' };
  if (error.status === 405) return { ok: false, error: 'invalid_post_type' };
  return { ok: false, error: 'invalid_form_data' };
}
