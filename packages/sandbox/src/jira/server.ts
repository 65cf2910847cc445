import { logger } from '../logging';
import type { SavedJira } from '../persistence/schemas';
import { FaultSwitch, type FaultSettingsInput } from '../faults';
import { Router, startSandboxServer } from '../http';
import { type AccountOptions, JiraAccountDirectory } from './accounts';
import { JiraAuthenticator } from './auth';
import { buildJiraCatalog, type ExtraSelectOptions, type JiraCatalog } from './catalog';
import { renderJiraError, renderJiraFault } from './errors';
import { fieldDescriptors } from './fields';
import { JiraGroupDirectory } from './groups';
import {
  attachmentSnapshot,
  commentSnapshot,
  issueSnapshot,
  type JiraAttachmentSnapshot,
  type JiraCommentSnapshot,
  type JiraIssueSnapshot,
} from './inspection';
import { adminRoutes } from './routes/admin';
import { attachmentRoutes } from './routes/attachments';
import { groupAdminRoutes, groupRoutes, groupsSnapshot, type JiraGroupsSnapshot } from './routes/groups';
import { issueRoutes } from './routes/issues';
import { serviceDeskRoutes } from './routes/servicedesk';
import { userAndMetaRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';
import { commentOn, moveIssue, raiseRequest, type RaiseRequestInput } from './simulated-people';
import type { JiraSite } from './site';
import { JiraStore } from './store';
import { type WebhookDelivery, WebhookDispatcher } from './webhook-delivery';
import { webhookMessages } from './webhook-payloads';
import { type RegisteredWebhook, type WebhookRegistrationInput, WebhookRegistry } from './webhook-registry';

export interface JiraSandboxWebhookOption {
  url: string;
  secret?: string;
  /** Default `jira:issue_created` and `jira:issue_updated`. */
  events?: string[];
  name?: string;
  /** JQL under `issue-related-events-section`; only `project = X` / `project in (...)` is applied. */
  jqlFilter?: string;
}

export interface JiraSandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Base URL written in `self` links and webhook bodies (default the listening URL). */
  publicUrl?: string;
  /** Initial fault settings, merged under `LEASEHOLD_SANDBOX_JIRA_FAULTS`. */
  faults?: FaultSettingsInput;
  /** Status of injected server errors: 500 (default) or 503 with Retry-After. */
  serverErrorStatus?: 500 | 503;
  /** Admin webhooks present from the start (they survive {@link JiraSandbox.reset}). */
  webhooks?: JiraSandboxWebhookOption[];
  /** Waits before each retry of a failed webhook; its length is the number of retries. */
  webhookRetryDelaysMs?: number[];
  /** How long a webhook receiver may take to answer (default 10 s). */
  webhookTimeoutMs?: number;
  /** Options added to the select fields beyond the standard ones (e.g. `{ duration: ['2 seconds'] }`). */
  extraOptions?: ExtraSelectOptions;
  /** Who hides their email address and who administers the site (see {@link AccountOptions}). */
  accounts?: AccountOptions;
  /** Issues, counters and deleted accounts to start from (a state saved by {@link JiraSandbox.savedState}). */
  savedState?: SavedJira;
  /** Initial faults of group membership writes (`POST`/`DELETE /rest/api/3/group/user`) only. */
  groupWriteFaults?: FaultSettingsInput;
}

export interface JiraSandbox {
  /** e.g. `http://127.0.0.1:8091`. */
  url: string;
  port: number;
  faults: FaultSwitch;
  catalog: JiraCatalog;
  issue(idOrKey: string): JiraIssueSnapshot | undefined;
  issues(): JiraIssueSnapshot[];
  comments(idOrKey: string): JiraCommentSnapshot[];
  attachments(idOrKey: string): JiraAttachmentSnapshot[];
  /** A requester raising a request in the portal (fires `jira:issue_created`). */
  raiseRequest(input: RaiseRequestInput): JiraIssueSnapshot;
  /** Someone moving the issue to a status in the Jira UI, e.g. a manager approving (fires `jira:issue_updated`). */
  moveIssue(idOrKey: string, status: string, actor?: string): JiraIssueSnapshot;
  /** An administrator deletes an account: its past changes stay, Jira no longer resolves it. */
  deleteAccount(handle: string): void;
  /** Faults of group membership writes only (`POST`/`DELETE /group/user`), e.g. a 429 on the next add. */
  groupWriteFaults: FaultSwitch;
  /** The site's groups with their members (email addresses, sorted) and the membership change log. */
  groups(): JiraGroupsSnapshot;
  /** Email addresses of a group's members (group by name or id), sorted. Throws for an unknown group. */
  groupMembers(groupNameOrId: string): string[];
  /** Someone commenting in the Jira UI. */
  comment(idOrKey: string, text: string, actor?: string): JiraCommentSnapshot;
  registerWebhook(input: WebhookRegistrationInput): RegisteredWebhook;
  webhooks(): RegisteredWebhook[];
  /** The webhook delivery log, oldest first. */
  deliveries(): WebhookDelivery[];
  /** Waits until no webhook delivery is pending (retries included), then returns the log. */
  waitForDeliveries(): Promise<WebhookDelivery[]>;
  /** What a restart needs to carry on: issues (with comments, attachments, history), counters, deleted accounts. */
  savedState(): SavedJira;
  /** Called after every change of what {@link savedState} returns. */
  onStateChange(listener: () => void): void;
  /** Forgets issues, deliveries, registered webhooks and faults; webhooks given at start stay. */
  reset(): void;
  /** Stops the server and every pending webhook delivery or retry. */
  close(): Promise<void>;
}

/** Starts the sandbox Jira Cloud / JSM site. */
export async function startJiraSandbox(options: JiraSandboxOptions = {}): Promise<JiraSandbox> {
  const faults = FaultSwitch.fromEnv('jira', options.faults);
  const catalog = buildJiraCatalog(options.extraOptions);
  const accounts = new JiraAccountDirectory(undefined, options.accounts);
  const store = new JiraStore(catalog);
  const groups = new JiraGroupDirectory(accounts);
  const groupWriteFaults = FaultSwitch.fromEnv('jira_group_writes', options.groupWriteFaults);
  const initialGroupWriteFaults = groupWriteFaults.current;
  const webhooks = new WebhookRegistry();
  const dispatcher = new WebhookDispatcher({
    retryDelaysMs: options.webhookRetryDelaysMs,
    timeoutMs: options.webhookTimeoutMs,
  });
  let base = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const site: JiraSite = {
    base: () => base,
    catalog,
    fields: fieldDescriptors(catalog),
    accounts,
    auth: new JiraAuthenticator(accounts),
    store,
    webhooks,
    dispatcher,
  };

  for (const [i, hook] of (options.webhooks ?? []).entries()) {
    webhooks.register(
      {
        name: hook.name ?? `Leasehold ${i + 1}`,
        url: hook.url,
        events: hook.events ?? ['jira:issue_created', 'jira:issue_updated'],
        secret: hook.secret,
        filters: hook.jqlFilter ? { 'issue-related-events-section': hook.jqlFilter } : undefined,
      },
      'options',
    );
  }

  store.onEvent((event) => {
    const ctx = { base, api: 2 as const, catalog, accounts, audience: 'webhook' as const };
    for (const message of webhookMessages(event, ctx)) {
      for (const hook of webhooks.subscribers(message.webhookEvent, message.projectKey))
        dispatcher.dispatch(hook, message);
    }
  });

  const stateListeners: Array<() => void> = [];
  const stateChanged = (): void => stateListeners.forEach((listener) => listener());
  store.onEvent(stateChanged);
  groups.onChange(stateChanged);
  if (options.savedState) {
    store.importState(options.savedState);
    if (options.savedState.groups) groups.importState(options.savedState.groups);
    for (const handle of options.savedState.deletedAccounts) if (accounts.find(handle)) accounts.delete(handle);
  }

  const reset = (): void => {
    store.clear();
    dispatcher.reset();
    webhooks.resetRegistered();
    faults.reset();
    groups.reset();
    groupWriteFaults.reset();
    groupWriteFaults.update(initialGroupWriteFaults);
    stateChanged();
  };

  const router = new Router();
  issueRoutes(router, site);
  attachmentRoutes(router, site);
  userAndMetaRoutes(router, site);
  serviceDeskRoutes(router, site);
  webhookRoutes(router, site);
  groupRoutes(router, site, { groups, writeFaults: groupWriteFaults });
  const admin = adminRoutes(site, reset);
  groupAdminRoutes(admin, site, { groups, writeFaults: groupWriteFaults });

  const serverErrorStatus = options.serverErrorStatus ?? 500;
  const server = await startSandboxServer({
    name: 'jira',
    host: options.host,
    port: options.port ?? 0,
    router,
    faults,
    renderFault: (fault, req) => renderJiraFault(fault, req, { serverErrorStatus }),
    renderError: renderJiraError,
    before: (req) => site.auth.check(req),
    admin,
    maxBodyBytes: 10 * 1024 * 1024,
  });
  base ||= server.url;
  logger.info({ url: server.url, webhooks: webhooks.list().length }, 'sandbox Jira listening');

  const snapshot = issueSnapshot;
  return {
    url: server.url,
    port: server.port,
    faults,
    catalog,
    issue: (key) => {
      const issue = store.find(key);
      return issue && snapshot(issue, catalog, accounts);
    },
    issues: () => store.issues().map((i) => snapshot(i, catalog, accounts)),
    comments: (key) => (store.find(key)?.comments ?? []).map((c) => commentSnapshot(c, accounts)),
    attachments: (key) => (store.find(key)?.attachments ?? []).map(attachmentSnapshot),
    raiseRequest: (input) => snapshot(raiseRequest(site, input), catalog, accounts),
    moveIssue: (key, status, actor) => snapshot(moveIssue(site, key, status, actor), catalog, accounts),
    deleteAccount: (handle) => {
      accounts.delete(handle);
      stateChanged();
    },
    groupWriteFaults,
    groups: () => groupsSnapshot(site, groups),
    groupMembers: (nameOrId) => {
      const found = groupsSnapshot(site, groups).groups.find((g) => g.groupId === nameOrId || g.name === nameOrId);
      if (!found) throw new Error(`no group ${nameOrId} on the sandbox Jira site`);
      return found.members;
    },
    comment: (key, text, actor) => commentSnapshot(commentOn(site, key, text, actor), accounts),
    registerWebhook: (input) => webhooks.register(input, 'rest'),
    webhooks: () => webhooks.list(),
    deliveries: () => dispatcher.deliveries(),
    waitForDeliveries: async () => {
      await dispatcher.idle();
      return dispatcher.deliveries();
    },
    savedState: () => ({
      ...store.exportState(),
      deletedAccounts: accounts
        .all()
        .filter((a) => a.deleted)
        .map((a) => a.handle),
      groups: groups.exportState(),
    }),
    onStateChange: (listener) => void stateListeners.push(listener),
    reset,
    close: async () => {
      dispatcher.close();
      await server.close();
    },
  };
}
