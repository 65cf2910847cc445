import type { Command } from 'commander';
import { UsageError } from './failures';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import { loadSandboxPackage, sandboxDurationOptions } from '../app/sandbox-package';
import { out } from './output';

// Registering these commands loads nothing heavy: the Jira client and the sandbox package are imported
// when a command runs (the Duration options for --help come from a dependency-free module).

/** Acting in the sandbox Jira as one of the sample people, through the real REST API (jira.js). */
export async function gatewayAs(
  handle: string,
  site = process.env.JIRA_SITE ?? 'http://127.0.0.1:8091',
): Promise<JiraGateway> {
  const person = (await loadSandboxPackage('demo')).samplePerson(handle);
  const { JiraGateway } = await import('../connectors/jira/jira-gateway');
  return JiraGateway.connect({ host: site, email: person.email, apiToken: person.jiraApiToken });
}

export interface DemoRequest {
  as: string;
  app: string;
  level: string;
  duration?: string;
  why?: string;
  /** The issue's assignee when it is raised (a rule may name the Assignee field as approver). */
  assigneeAccountId?: string;
  type?: string;
  project?: string;
}

/** Raises a request in the portal as a person; returns the issue key. */
export async function raiseRequest(jira: JiraGateway, req: DemoRequest): Promise<string> {
  const { toAdf } = await import('../connectors/jira/jira-gateway');
  const byName = new Map((await jira.fields()).map((f) => [f.name.toLowerCase(), f.id]));
  const id = (name: string): string => {
    const found = byName.get(name.toLowerCase());
    if (!found) throw new Error(`the Jira site has no field "${name}"`);
    return found;
  };
  const fields: Record<string, unknown> = {
    project: { key: req.project ?? 'ACCESS' },
    // JSM: access and change requests need approvals; removals do not.
    issuetype: { name: /removal/i.test(req.type ?? '') ? 'Service Request' : 'Service Request with Approvals' },
    summary: `${req.type ?? 'Request Application Access'}: ${req.app} (${req.level})`,
    [id('Request Type')]: req.type ?? 'Request Application Access',
    [id('Application')]: { value: req.app },
    [id('Access Type')]: { value: req.level },
  };
  if (req.duration) fields[id('Duration')] = { value: req.duration };
  if (req.why) fields[id('Justification')] = toAdf(req.why);
  if (req.assigneeAccountId) fields.assignee = { accountId: req.assigneeAccountId };
  return jira.createIssue(fields);
}

export function registerDemoCommands(program: Command): void {
  const demo = program
    .command('demo')
    .description('act in the sandbox Jira as a sample person (alice, bob, carol, dave, erin, frank, mallory)');

  demo
    .command('request')
    .requiredOption('--as <person>', 'who asks, e.g. alice')
    .requiredOption('--app <application>', 'Application option, e.g. "Jira Software"')
    .requiredOption('--level <access type>', 'Access Type option, e.g. User')
    .option('--duration <duration>', 'Duration option, e.g. "5 minutes" (the values are listed below)')
    .option('--why <justification>', 'Justification')
    .option('--type <request type>', 'request type (default Request Application Access)')
    .description('raise an access request in the portal (fires jira:issue_created to the webhook)')
    .addHelpText('after', durationHelp)
    .action(async (opts: DemoRequest) => {
      const key = await raiseRequest(await gatewayAs(opts.as), opts);
      out(key);
    });

  demo
    .command('move')
    .argument('<issue>', 'issue key')
    .argument('<status>', 'target status, e.g. "Approved by Manager"')
    .requiredOption('--as <person>', 'who moves it, e.g. bob')
    .description('move an issue to a status as a person (an approval is such a move)')
    .action(async (issue: string, status: string, opts: { as: string }) => {
      await (await gatewayAs(opts.as)).transitionTo(issue, status);
      out(`${issue} → ${status} (by ${opts.as})`);
    });

  demo
    .command('slack')
    .argument('<decision>', 'approve or deny')
    .argument('<issue>', 'issue key, e.g. ACCESS-1')
    .requiredOption('--as <person>', 'who clicks, e.g. bob (in their Slack DM from Leasehold)')
    .description("click Approve or Deny in a person's Slack message about the request (the signed payload Slack sends)")
    .action(async (decision: string, issue: string, opts: { as: string }) => {
      if (decision !== 'approve' && decision !== 'deny') throw new UsageError('the decision is approve or deny');
      out(await slackClick(decision, issue.toUpperCase(), opts.as));
    });
}

/** Through the Slack sandbox's admin routes: find the person's message about the issue, click its button. */
async function slackClick(decision: 'approve' | 'deny', issue: string, as: string): Promise<string> {
  const base = (process.env.SLACK_API_URL ?? 'http://127.0.0.1:8097/api/').replace(/\/api\/?$/, '');
  const listed = await fetch(`${base}/__sandbox/messages?user=${encodeURIComponent(as)}`);
  if (!listed.ok) throw new Error(`the Slack sandbox at ${base} answered ${listed.status}: ${await listed.text()}`);
  const messages = (await listed.json()) as Array<{ ts: string; originalText: string }>;
  const message = messages.find((m) => m.originalText.includes(issue));
  if (!message) throw new Error(`no Slack message about ${issue} in ${as}'s DM (is \`slack:\` in the rules in force?)`);
  const clicked = await fetch(`${base}/__sandbox/click`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      as,
      ts: message.ts,
      actionId: decision === 'approve' ? 'leasehold_approve' : 'leasehold_deny',
    }),
  });
  if (!clicked.ok) throw new Error(`the click was refused: ${clicked.status} ${await clicked.text()}`);
  const delivery = (await clicked.json()) as { response?: { status: number }; error?: string };
  return `${as} clicked ${decision} on ${issue}: Leasehold answered ${delivery.response?.status ?? delivery.error}`;
}

/** The Duration field's options of the sandbox Jira (the same list its field catalog offers). */
function durationHelp(): string {
  const options = sandboxDurationOptions();
  if (!options) return '';
  return `\nAllowed --duration values (the sandbox Jira's Duration options; a rule's maximum still applies):\n${options
    .map((o) => `  "${o}"`)
    .join('\n')}`;
}
