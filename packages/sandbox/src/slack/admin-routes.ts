import { z } from 'zod';
import { HttpError, Router } from '../http';
import { SlackClickError } from './interactions';
import type { SlackSandbox } from './sandbox';

const rateLimitBody = z
  .object({
    method: z.string().min(1),
    count: z.number().int().min(0),
    retryAfter: z.number().int().min(0).max(3600).default(1),
  })
  .strict();
const interactivityBody = z.object({ url: z.url().nullable() }).strict();
const clickBody = z
  .object({
    as: z.string().min(1),
    channel: z.string().min(1).optional(),
    ts: z.string().regex(/^\d+\.\d{6}$/),
    actionId: z.string().min(1),
    tamper: z.enum(['bad-signature', 'stale-timestamp']).optional(),
  })
  .strict();
const postBody = z.object({ as: z.string().min(1), channel: z.string().min(1), text: z.string().min(1) }).strict();

const CLICK_STATUS = { 'not-found': 404, forbidden: 403, 'not-configured': 409 } as const;

/** Runs `fn`, turning a lookup failure (a thrown Error) into an admin 404. */
function notFoundOnError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(404, err instanceof Error ? err.message : String(err));
  }
}

/**
 * The sandbox's own `/__sandbox/...` routes (no authentication, no faults): `GET /__sandbox/state`,
 * `GET /__sandbox/messages?channel=<id|#name>` or `?user=<handle|id>` (the bot's DM with them),
 * `POST /__sandbox/messages` `{ as, channel, text }` (a person posts), `POST /__sandbox/rate-limit`
 * `{ method, count, retryAfter }`, `PUT /__sandbox/interactivity` `{ url }` (null: none),
 * `POST /__sandbox/click` `{ as, channel?, ts, actionId, tamper? }` (answers the delivery, with the app's
 * `response`), `GET /__sandbox/interactions`, `POST /__sandbox/reset`.
 */
export function slackAdminRouter(sandbox: SlackSandbox): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: sandbox.state() }))
    .get('/__sandbox/messages', (req) => {
      const channel = req.url.searchParams.get('channel');
      const user = req.url.searchParams.get('user');
      if (!channel && !user) throw new HttpError(400, 'give ?channel=<id or #name> or ?user=<handle or id>');
      return {
        status: 200,
        body: notFoundOnError(() => (channel ? sandbox.messages(channel) : sandbox.directMessages(user!))),
      };
    })
    .post('/__sandbox/messages', (req) => {
      const { as, channel, text } = postBody.parse(req.json());
      return { status: 201, body: notFoundOnError(() => sandbox.postAs(as, channel, text)) };
    })
    .post('/__sandbox/rate-limit', (req) => {
      const { method, count, retryAfter } = rateLimitBody.parse(req.json());
      sandbox.rateLimit(method, count, retryAfter);
      return { status: 200, body: sandbox.state().forcedRateLimits };
    })
    .put('/__sandbox/interactivity', (req) => {
      const { url } = interactivityBody.parse(req.json());
      sandbox.setInteractivityUrl(url ?? undefined);
      return { status: 200, body: { url } };
    })
    .post('/__sandbox/click', async (req) => {
      const click = clickBody.parse(req.json());
      try {
        return { status: 200, body: await sandbox.click(click) };
      } catch (err) {
        if (err instanceof SlackClickError) throw new HttpError(CLICK_STATUS[err.kind], err.message);
        throw err;
      }
    })
    .get('/__sandbox/interactions', () => ({ status: 200, body: sandbox.interactions() }))
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}
