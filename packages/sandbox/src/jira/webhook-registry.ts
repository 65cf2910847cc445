import { z } from 'zod';
import { logger } from '../logging';

/**
 * The site's admin webhooks (`/rest/webhooks/1.0/webhook` and the ones given at start): which URL
 * hears which events, optionally narrowed by a JQL filter, and signed when a secret is set.
 */

export const JIRA_WEBHOOK_EVENTS = ['jira:issue_created', 'jira:issue_updated', 'comment_created'] as const;

export const webhookRegistrationSchema = z.object({
  name: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.string().min(1)).min(1),
  filters: z.record(z.string(), z.string()).optional(),
  excludeBody: z.boolean().optional(),
  secret: z.string().min(1).optional(),
  enabled: z.boolean().optional(),
});

export type WebhookRegistrationInput = z.input<typeof webhookRegistrationSchema>;

export interface RegisteredWebhook {
  id: number;
  name: string;
  url: string;
  events: string[];
  filters: Record<string, string>;
  excludeBody: boolean;
  secret?: string;
  enabled: boolean;
  /** `options` for webhooks given at start (kept by reset), `rest` for registered ones. */
  source: 'options' | 'rest';
  lastUpdated: number;
  lastUpdatedUser?: string;
  lastUpdatedDisplayName?: string;
}

const ISSUE_FILTER = 'issue-related-events-section';

/** The project keys a JQL filter names, when it is only `project = X` or `project in (X, Y)`. */
function projectsOfJql(jql: string): string[] | undefined {
  const eq = /^\s*project\s*=\s*"?([A-Za-z][A-Za-z0-9_]*)"?\s*$/i.exec(jql);
  if (eq) return [eq[1]!.toUpperCase()];
  const inList = /^\s*project\s+in\s*\(([^)]*)\)\s*$/i.exec(jql);
  if (inList) return inList[1]!.split(',').map((k) => k.trim().replace(/^"|"$/g, '').toUpperCase());
  return undefined;
}

export class WebhookRegistry {
  private readonly hooks = new Map<number, RegisteredWebhook>();
  private counter = 0;

  register(
    input: WebhookRegistrationInput,
    source: RegisteredWebhook['source'],
    by?: { accountId: string; displayName: string },
  ): RegisteredWebhook {
    const parsed = webhookRegistrationSchema.parse(input);
    this.counter += 1;
    const hook: RegisteredWebhook = {
      id: this.counter,
      name: parsed.name,
      url: parsed.url,
      events: parsed.events,
      filters: parsed.filters ?? {},
      excludeBody: parsed.excludeBody ?? false,
      secret: parsed.secret,
      enabled: parsed.enabled ?? true,
      source,
      lastUpdated: Date.now(),
      lastUpdatedUser: by?.accountId,
      lastUpdatedDisplayName: by?.displayName,
    };
    const jql = hook.filters[ISSUE_FILTER];
    if (jql && !projectsOfJql(jql))
      logger.warn(
        { webhook: hook.name, jql },
        'sandbox Jira applies only "project = X" webhook filters; this one is ignored',
      );
    this.hooks.set(hook.id, hook);
    return hook;
  }

  list(): RegisteredWebhook[] {
    return [...this.hooks.values()];
  }

  get(id: number): RegisteredWebhook | undefined {
    return this.hooks.get(id);
  }

  delete(id: number): boolean {
    return this.hooks.delete(id);
  }

  /** Drops the webhooks registered through REST; those given at start stay. */
  resetRegistered(): void {
    for (const hook of this.list()) if (hook.source === 'rest') this.hooks.delete(hook.id);
  }

  /** Enabled webhooks listening to `webhookEvent` whose filter lets an issue of `projectKey` through. */
  subscribers(webhookEvent: string, projectKey: string): RegisteredWebhook[] {
    return this.list().filter((hook) => {
      if (!hook.enabled || !hook.events.includes(webhookEvent)) return false;
      const jql = hook.filters[ISSUE_FILTER];
      const projects = jql ? projectsOfJql(jql) : undefined;
      return !projects || projects.includes(projectKey);
    });
  }
}

/** A webhook as `GET /rest/webhooks/1.0/webhook` shows it (never with its secret). */
export function webhookJson(hook: RegisteredWebhook, base: string): Record<string, unknown> {
  return {
    name: hook.name,
    url: hook.url,
    excludeBody: hook.excludeBody,
    filters: { [ISSUE_FILTER]: hook.filters[ISSUE_FILTER] ?? '', ...hook.filters },
    events: hook.events,
    enabled: hook.enabled,
    self: `${base}/rest/webhooks/1.0/webhook/${hook.id}`,
    lastUpdatedUser: hook.lastUpdatedUser,
    lastUpdatedDisplayName: hook.lastUpdatedDisplayName,
    lastUpdated: hook.lastUpdated,
  };
}
