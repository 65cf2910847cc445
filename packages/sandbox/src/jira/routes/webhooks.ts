import type { Router, SandboxRequest } from '../../http';
import type { JiraAccount } from '../accounts';
import { JiraError } from '../errors';
import type { JiraSite } from '../site';
import { type RegisteredWebhook, webhookJson, webhookRegistrationSchema } from '../webhook-registry';

/** Admin webhooks: `/rest/webhooks/1.0/webhook` (register, list, read, delete); Jira administrators only. */
export function webhookRoutes(router: Router, site: JiraSite): void {
  const admin = (req: SandboxRequest): JiraAccount => {
    const actor = site.auth.actor(req);
    if (!actor.admin)
      throw new JiraError(403, [
        'You are not authorized to perform this action. Administrator privileges are required.',
      ]);
    return actor;
  };
  const findHook = (req: SandboxRequest): RegisteredWebhook => {
    const id = Number(req.params.id);
    const hook = Number.isInteger(id) ? site.webhooks.get(id) : undefined;
    if (!hook) throw new JiraError(404, [`Webhook with id '${req.params.id}' does not exist.`]);
    return hook;
  };

  router.post('/rest/webhooks/1.0/webhook', (req) => {
    const actor = admin(req);
    const parsed = webhookRegistrationSchema.safeParse(req.json());
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'webhook'), i.message]));
      throw new JiraError(400, [], errors);
    }
    const hook = site.webhooks.register(parsed.data, 'rest', {
      accountId: actor.accountId,
      displayName: actor.displayName,
    });
    const json = webhookJson(hook, site.base());
    return { status: 201, headers: { location: String(json.self) }, body: json };
  });

  router.get('/rest/webhooks/1.0/webhook', (req) => {
    admin(req);
    return { status: 200, body: site.webhooks.list().map((h) => webhookJson(h, site.base())) };
  });

  router.get('/rest/webhooks/1.0/webhook/:id', (req) => {
    admin(req);
    return { status: 200, body: webhookJson(findHook(req), site.base()) };
  });

  router.delete('/rest/webhooks/1.0/webhook/:id', (req) => {
    admin(req);
    site.webhooks.delete(findHook(req).id);
    return { status: 204 };
  });
}
