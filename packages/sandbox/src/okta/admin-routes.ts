import { z } from 'zod';
import { HttpError, Router } from '../http';
import type { OktaSandbox } from './sandbox';
import { DirectoryError, newOktaUserSchema } from './directory';

const rateLimitBody = z.object({ perMinute: z.number().int().min(1) }).strict();
const lastLoginBody = z.object({ at: z.iso.datetime().optional() }).strict();

/**
 * The sandbox's own `/__sandbox/...` routes (no authentication, no faults):
 * `GET /__sandbox/state`, `PUT /__sandbox/rate-limit` `{ perMinute }`, `POST /__sandbox/users`
 * (a `NewOktaUser`), `PUT /__sandbox/users/{idOrLogin}/last-login` `{ at? }` (a sign-in then, default now),
 * `POST /__sandbox/reset` (sample org and start settings).
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
    .put('/__sandbox/users/:user/last-login', (req) => {
      const { at } = lastLoginBody.parse(req.json());
      try {
        sandbox.recordLogin(req.params.user!, at ? new Date(at) : new Date());
      } catch (err) {
        throw new HttpError(404, (err as Error).message);
      }
      return { status: 200, body: { user: req.params.user, lastLogin: at ?? new Date().toISOString() } };
    })
    .post('/__sandbox/reset', () => {
      sandbox.reset();
      return { status: 200, body: sandbox.state() };
    });
}
