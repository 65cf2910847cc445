import { z } from 'zod';
import { HttpError, Router } from '../http';
import type { OktaSandbox } from './sandbox';
import { DirectoryError, newOktaUserSchema } from './directory';

const rateLimitBody = z.object({ perMinute: z.number().int().min(1) }).strict();

/**
 * The sandbox's own `/__sandbox/...` routes (no authentication, no faults):
 * `GET /__sandbox/state`, `PUT /__sandbox/rate-limit` `{ perMinute }`, `POST /__sandbox/users`
 * (a `NewOktaUser`), `POST /__sandbox/reset` (sample org and start settings).
 */
export function oktaAdminRouter(sandbox: OktaSandbox): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: sandbox.state() }))
    .put('/__sandbox/rate-limit', (req) => {
      const { perMinute } = rateLimitBody.parse(req.json());
      sandbox.setRateLimit(perMinute);
      return { status: 200, body: { perMinute } };
    })
    .post('/__sandbox/users', (req) => {
      try {
        return { status: 201, body: sandbox.addUser(newOktaUserSchema.parse(req.json())) };
      } catch (err) {
        if (err instanceof DirectoryError) throw new HttpError(409, err.message);
        throw err;
      }
    })
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}
