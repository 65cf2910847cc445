import { JiraAccountDirectory } from './accounts';
import { JiraAuthenticator } from './auth';
import { buildJiraCatalog } from './catalog';
import { fieldDescriptors } from './fields';
import { commentOn, moveIssue, raiseRequest, type RaiseRequestInput } from './simulated-people';
import type { JiraSite } from './site';
import { JiraStore } from './store';
import { WebhookDispatcher } from './webhook-delivery';
import { webhookMessages, type WebhookMessage } from './webhook-payloads';
import { WebhookRegistry } from './webhook-registry';

/**
 * The webhook bodies the sandbox Jira would POST, produced in memory (no HTTP): people raise, move and
 * comment on issues through the sandbox's own code, and every event is rendered by the same
 * `webhookMessages` the sandbox uses for its deliveries (v2 issue shape, no email addresses).
 */
export interface SandboxJiraEvents {
  /** Every message rendered so far, oldest first. */
  messages: WebhookMessage[];
  raise(input: RaiseRequestInput): string;
  move(key: string, status: string, actor: string): void;
  comment(key: string, text: string, actor: string): void;
  /** The exact bytes of the last message for `key` of the given webhook event. */
  last(key: string, webhookEvent: string): Buffer;
}

export function sandboxJiraEvents(base = 'https://acme.atlassian.net'): SandboxJiraEvents {
  const catalog = buildJiraCatalog();
  const accounts = new JiraAccountDirectory();
  const store = new JiraStore(catalog);
  const site: JiraSite = {
    base: () => base,
    catalog,
    fields: fieldDescriptors(catalog),
    accounts,
    auth: new JiraAuthenticator(accounts),
    store,
    webhooks: new WebhookRegistry(),
    dispatcher: new WebhookDispatcher(),
  };
  const messages: WebhookMessage[] = [];
  store.onEvent((event) =>
    messages.push(...webhookMessages(event, { base, api: 2, catalog, accounts, audience: 'webhook' })),
  );
  return {
    messages,
    raise: (input) => raiseRequest(site, input).key,
    move: (key, status, actor) => void moveIssue(site, key, status, actor),
    comment: (key, text, actor) => void commentOn(site, key, text, actor),
    last: (key, webhookEvent) => {
      const found = messages.filter((m) => m.issueKey === key && m.webhookEvent === webhookEvent).at(-1);
      if (!found) throw new Error(`no ${webhookEvent} message for ${key}`);
      return found.body;
    },
  };
}
