import { z } from 'zod';
import { Router, type SandboxRequest } from '../http';

/** Run-time settings of the sandbox tenant. */
export interface EntraSandboxSettings {
  /** Membership reads lag membership writes by this much (Graph's eventual consistency). */
  replicationDelayMs: number;
  /** Entra ID P1/P2: without it `signInActivity` answers 403. */
  premiumTenant: boolean;
}

export const settingsPatchSchema = z
  .object({
    replicationDelayMs: z.number().int().min(0).max(3_600_000).optional(),
    premiumTenant: z.boolean().optional(),
  })
  .strict();

export type EntraSettingsPatch = z.infer<typeof settingsPatchSchema>;

export interface AdminRoutesContext {
  state(): unknown;
  reset(patch: EntraSettingsPatch): void;
  configure(patch: EntraSettingsPatch): EntraSandboxSettings;
  flushReplication(): void;
}

/**
 * `GET /__sandbox/state`, `POST /__sandbox/reset` (optional settings body), `PUT /__sandbox/settings`
 * and `POST /__sandbox/replicate` (make pending membership changes visible now).
 */
export function entraAdminRouter(ctx: AdminRoutesContext): Router {
  return new Router()
    .get('/__sandbox/state', () => ({ status: 200, body: ctx.state() }))
    .post('/__sandbox/reset', (req) => {
      ctx.reset(settingsPatchSchema.parse(optionalJson(req)));
      return { status: 200, body: ctx.state() };
    })
    .put('/__sandbox/settings', (req) => ({
      status: 200,
      body: ctx.configure(settingsPatchSchema.parse(optionalJson(req))),
    }))
    .post('/__sandbox/replicate', () => {
      ctx.flushReplication();
      return { status: 200, body: ctx.state() };
    });
}

function optionalJson(req: SandboxRequest): unknown {
  return req.rawBody.length === 0 ? {} : req.json();
}
