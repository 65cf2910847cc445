import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { eventually, type Leasehold } from '../harness/leasehold';
import { revokeNowUpdate, statusChangedSignal } from '../../src/workflows/access-request/messages';
import {
  accessRequestWorkflowId,
  DRIFT_WORKFLOW_ID,
  groupLeaseWorkflowId,
  POLICY_WORKFLOW_ID,
  reviewItemWorkflowId,
} from '../../src/workflows/ids';
import { DriftWatch } from '../../src/temporal/drift';
import { Reclaims } from '../../src/temporal/reclaim';
import { Reviews } from '../../src/temporal/reviews';
import { reviewItemStateQuery, reviewStatusChangedSignal } from '../../src/workflows/review/messages';
import { gatewayAs } from '../../src/cli/demo-commands';
import { oktaAdmin } from '../harness/okta-admin';
import { samplePerson } from '@leasehold/sandbox';
import * as registeredWorkflows from '../../src/workflows';

export const historiesDir = path.join(__dirname, 'histories');

/** Every workflow type the worker registers: each must have a saved history and be scanned for secrets. */
export const WORKFLOW_TYPES = Object.keys(registeredWorkflows).sort();

/**
 * Runs one request through each path of every workflow type and returns the workflow ids worth
 * keeping as histories (for replay tests) and scanning (for secrets).
 */
export async function runScenarios(lh: Leasehold): Promise<Record<string, string>> {
  const ids: Record<string, string> = { policy: POLICY_WORKFLOW_ID };

  // Okta grant approved by the manager, expired.
  const expired = await lh.request({
    as: 'alice',
    app: 'Jira Software',
    level: 'User',
    duration: '3 seconds',
    why: 'replay',
  });
  await lh.waitForState(expired, 'AwaitingApproval');
  await lh.approve(expired, 'bob');
  await lh.result(expired);
  ids['access-request-expired'] = accessRequestWorkflowId(expired);
  ids['group-lease-okta'] = groupLeaseWorkflowId('okta', '00gjirasoftware00001', samplePerson('alice').oktaId!);

  // Entra high-risk grant with an ignored self-approval and two approvers, revoked by an operator.
  const revoked = await lh.request({
    as: 'alice',
    app: 'Salesforce',
    level: 'Admin',
    duration: '1 day',
    why: 'replay',
  });
  await lh.waitForState(revoked, 'AwaitingApproval');
  await lh.approve(revoked, 'alice');
  await lh.approve(revoked, 'bob');
  await lh.approve(revoked, 'carol');
  await lh.waitForState(revoked, 'Active');
  await lh.client.workflow
    .getHandle(accessRequestWorkflowId(revoked))
    .executeUpdate(revokeNowUpdate, { args: [{ operator: 'dave', reason: 'replay' }] });
  await lh.result(revoked);
  ids['access-request-high-risk-revoked'] = accessRequestWorkflowId(revoked);
  ids['group-lease-entra'] = groupLeaseWorkflowId(
    'entra',
    '5f000000-0000-4000-8000-00000000a001',
    samplePerson('alice').entraId!,
  );

  // Denied; and an unknown application (manual handling).
  const denied = await lh.request({
    as: 'erin',
    app: 'AWS Production',
    level: 'Read-only',
    duration: '1 hour',
    why: 'replay',
  });
  await lh.waitForState(denied, 'AwaitingApproval');
  await lh.move(denied, 'Rejected', 'bob');
  await lh.result(denied);
  ids['access-request-denied'] = accessRequestWorkflowId(denied);

  // Decisions verified at their source: a forged approval ignored, the real one counted, a change
  // approved in Jira, then a removal request (each read from Jira and consumed).
  const trusted = await lh.request({
    as: 'alice',
    app: 'Salesforce',
    level: 'User',
    duration: '1 hour',
    why: 'replay',
  });
  await lh.waitForState(trusted, 'AwaitingApproval');
  const forged = {
    eventId: 'forged',
    issueKey: trusted,
    decision: 'Approved' as const,
    status: 'Approved by Manager',
    actorAccountId: samplePerson('bob').jiraAccountId,
    at: new Date().toISOString(),
  };
  await lh.client.workflow.getHandle(accessRequestWorkflowId(trusted)).signal(statusChangedSignal, forged);
  await lh.waitFor(trusted, (s) => s.ignored.length === 1);
  await lh.approve(trusted, 'bob');
  await lh.waitForState(trusted, 'Active');
  const change = await lh.request({
    as: 'alice',
    app: 'Salesforce',
    level: 'User',
    type: 'Request Access Change',
    duration: '1 day',
    why: 'replay',
  });
  await lh.waitFor(trusted, () => lh.jiraComments(change).some((c) => c.startsWith('Change request')));
  await lh.move(change, 'Approved by Manager', 'bob');
  await lh.waitFor(trusted, (s) => s.extensions.length === 1);
  await lh.request({ as: 'alice', app: 'Salesforce', level: 'User', type: 'Request Access Removal', why: 'replay' });
  await lh.result(trusted);
  ids['access-request-trust-boundary'] = accessRequestWorkflowId(trusted);
  ids['group-lease-entra-releases-first'] = groupLeaseWorkflowId(
    'entra',
    '5f000000-0000-4000-8000-00000000a002',
    samplePerson('alice').entraId!,
  );

  const manual = await lh.request({ as: 'alice', app: 'GitHub', level: 'User', duration: '1 hour', why: 'replay' });
  await lh.result(manual);
  ids['access-request-manual'] = accessRequestWorkflowId(manual);

  // Drift: the watch's first pass (with the rules) found the baseline; a member added outside Leasehold is reported.
  await oktaAdmin(lh).add('frank@example.com', 'aws-prod-admin');
  await new DriftWatch(lh.client, lh.taskQueue).reconcileNow('replay');
  ids['drift'] = DRIFT_WORKFLOW_ID;

  // Reclaim (the example reclaims AWS Production Admin): Frank, just added outside Leasehold, has not
  // signed in for 31 days: the sweep starts his reclaim, which sends the notice and starts the grace.
  lh.sandboxes.okta.recordLogin('frank@example.com', new Date(Date.now() - 31 * 86_400_000));
  const sweep = await new Reclaims(lh.client, lh.taskQueue).sweepNow('replay');
  ids['reclaim-sweep'] = sweep.workflowId;
  ids['reclaim'] = sweep.started[0]!;
  await eventually(
    async () => {
      const history = await lh.client.workflow.getHandle(ids['reclaim']!).fetchHistory();
      return history.events?.some((e) => e.timerStartedEventAttributes) === true;
    },
    20_000,
    'the reclaim in its grace period',
  );

  // Access review (the example's quarterly-production): a forged decision on Carol's Salesforce Admin item
  // is ignored; her manager's revoke, with a comment saying why, removes her through the lease.
  ids['review-campaign'] = await new Reviews(lh.client, lh.taskQueue).start('quarterly-production', 'replay');
  const carolItem = await eventually(
    () =>
      lh.sandboxes.jira
        .issues()
        .find(
          (i) =>
            i.summary.startsWith('Access review: ') &&
            /^Person: .*<carol@example.com>$/m.test(i.description ?? '') &&
            i.description!.includes('group SF-Admin '),
        ),
    30_000,
    "Carol's review item",
  );
  const item = lh.client.workflow.getHandle(reviewItemWorkflowId(carolItem.key));
  // The campaign creates the Jira item, then starts its workflow.
  await eventually(
    () =>
      item.describe().then(
        () => true,
        () => false,
      ),
    20_000,
    "Carol's review item workflow",
  );
  await item.signal(reviewStatusChangedSignal, {
    eventId: 'forged',
    issueKey: carolItem.key,
    decision: 'revoke',
    status: 'Revoke',
    actorAccountId: samplePerson('dave').jiraAccountId,
    at: new Date().toISOString(),
  });
  await eventually(async () => (await item.query(reviewItemStateQuery)).ignored === 1, 20_000, 'the forged decision');
  await (await gatewayAs('dave', lh.sandboxes.jira.url)).addComment(carolItem.key, 'replay: no longer an admin');
  await lh.move(carolItem.key, 'Revoke', 'dave');
  await item.result();
  ids['review-item-revoked'] = reviewItemWorkflowId(carolItem.key);
  return ids;
}

/** Saves each workflow's history as JSON (the format `temporal workflow show --output json` writes). */
export async function saveHistories(lh: Leasehold, ids: Record<string, string>, dir = historiesDir): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, workflowId] of Object.entries(ids)) {
    const history = await lh.client.workflow.getHandle(workflowId).fetchHistory();
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
    files.push(file);
  }
  // Workflow code may read its own id (lease operation ids do): replays need the original ids.
  const index = path.join(dir, 'workflow-ids.json');
  const known = fs.existsSync(index) ? (JSON.parse(fs.readFileSync(index, 'utf8')) as Record<string, string>) : {};
  for (const [name, workflowId] of Object.entries(ids)) known[`${name}.json`] = workflowId;
  fs.writeFileSync(index, `${JSON.stringify(known, null, 2)}\n`);
  return files;
}
