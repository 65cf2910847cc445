import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../src/paths';
import { parseRulesText } from '../../../src/policy/parse';
import type { Portal } from '../../../src/policy/schema';
import { JiraAccountDirectory } from '../../../src/sandbox/jira/accounts';
import { JiraAuthenticator } from '../../../src/sandbox/jira/auth';
import { buildJiraCatalog, JIRA_FIELD_IDS } from '../../../src/sandbox/jira/catalog';
import { fieldDescriptors } from '../../../src/sandbox/jira/fields';
import { commentOn, moveIssue, raiseRequest, type RaiseRequestInput } from '../../../src/sandbox/jira/simulated-people';
import type { JiraSite } from '../../../src/sandbox/jira/site';
import { JiraStore } from '../../../src/sandbox/jira/store';
import { WebhookDispatcher } from '../../../src/sandbox/jira/webhook-delivery';
import { webhookMessages, type WebhookMessage } from '../../../src/sandbox/jira/webhook-payloads';
import { WebhookRegistry } from '../../../src/sandbox/jira/webhook-registry';
import type { PortalFieldIds } from '../../../src/starter/request-mapping';

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
  store.onEvent((event) => messages.push(...webhookMessages(event, { base, api: 2, catalog, accounts, audience: 'webhook' })));
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

/** The portal section of the example rules (what `leasehold start` applies). */
export function examplePortal(): Portal {
  const parsed = parseRulesText(fs.readFileSync(path.join(projectRoot, 'rules', 'example.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(`example rules invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.rules.portal;
}

/** The sandbox site's custom field ids (what the starter resolves by name through GET /rest/api/3/field). */
export const sandboxFieldIds: PortalFieldIds = { ...JIRA_FIELD_IDS };
