import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { parseRulesText } from '../../src/policy/parse';
import { JIRA_FIELD_IDS, sandboxCredentials, signWebhookBody } from '@leasehold/sandbox';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import type { RequestSnapshot } from '../../src/workflows/access-request/types';
import { exampleRulesText, Leasehold } from '../../test/harness/leasehold';
import { raise, row, settle, sleep, writeBackComplete, type Row } from './measure';

/** The fault scenarios: each on a fresh Leasehold (own namespace, sandboxes, worker, starter). */

export interface ChaosContext {
  quick: boolean;
  /** Requests in a scenario: the full size or the quick one. */
  size(full: number, quick: number): number;
}

/** Example rules, with Salesforce User (Entra) auto-approved too, so both directories grant without people. */
const chaosRules = (): string =>
  exampleRulesText().replace(
    'groups: [SF-User]\n        risk: medium',
    'groups: [SF-User]\n        risk: low\n        autoApprove: true',
  );
const EXPIRY = '20 seconds';
const active = (s: RequestSnapshot): boolean => s.state === 'Active';
/** Ended, and Jira has heard all of it (the outbox is empty). */
const ended = (s: RequestSnapshot): boolean =>
  ['Expired', 'Revoked', 'Failed', 'Denied'].includes(s.state) &&
  s.jiraWriteBack !== undefined &&
  s.jiraWriteBack.pending === 0;
const grantSpec = (i: number) =>
  i % 2 === 0 ? { app: 'Confluence', level: 'User' } : { app: 'Salesforce', level: 'User' };

async function withLeasehold<T>(fn: (lh: Leasehold) => Promise<T>): Promise<T> {
  const lh = await Leasehold.start({ rules: chaosRules() });
  try {
    return await fn(lh);
  } finally {
    await lh.stop();
  }
}

/** Jira answering 5xx from just after the grants until past their expiry. */
export async function jiraDownAcrossExpiry(ctx: ChaosContext): Promise<Row> {
  return withLeasehold(async (lh) => {
    const keys = await raise(lh, ctx.size(20, 6), (i) => ({
      ...grantSpec(i),
      duration: EXPIRY,
      why: 'chaos: jira down',
    }));
    await settle(lh, keys, active, 120_000);
    lh.sandboxes.jira.faults.update({ errorRate: 1 });
    await sleep(ctx.quick ? 30_000 : 5 * 60_000);
    lh.sandboxes.jira.faults.update({ errorRate: 0 });
    const states = await settle(lh, keys, ended, 10 * 60_000);
    const incomplete = keys.filter((k) => !writeBackComplete(lh, k)).length;
    return row(
      'Jira 5xx across the expiry',
      lh,
      keys,
      states,
      `Jira down ${ctx.quick ? '30 s' : '5 min'} from the grants; write-backs incomplete after: ${incomplete}`,
    );
  });
}

/** Approvals judged (changelog and people read) while Jira answers 5xx. */
export async function jiraDownWhileJudging(ctx: ChaosContext): Promise<Row> {
  return withLeasehold(async (lh) => {
    // alice and erin ask; bob, their manager, approves.
    const keys = await raise(
      lh,
      ctx.size(10, 4),
      () => ({ app: 'AWS Production', level: 'Read-only', duration: EXPIRY, why: 'chaos: judging' }),
      ['alice', 'erin'],
    );
    await settle(lh, keys, (s) => s.state === 'AwaitingApproval', 120_000);
    await lh.stopWorker(); // the approvals are delivered now, judged once Jira is already down
    for (const key of keys) lh.sandboxes.jira.moveIssue(key, 'Approved by Manager', 'bob');
    await lh.sandboxes.jira.waitForDeliveries();
    lh.sandboxes.jira.faults.update({ errorRate: 1 });
    await lh.startWorker();
    await sleep(20_000);
    lh.sandboxes.jira.faults.update({ errorRate: 0 });
    const states = await settle(lh, keys, ended, 10 * 60_000);
    return row(
      'Jira 5xx while approvals are judged',
      lh,
      keys,
      states,
      'Jira down 20 s while the workflows verify the approvals',
    );
  });
}

/** Okta and Graph at 30 % 5xx with 429 bursts, from intake to expiry. */
export async function flakyDirectories(ctx: ChaosContext): Promise<Row> {
  return withLeasehold(async (lh) => {
    const faults = { errorRate: 0.3, rateLimitRate: 0.1, retryAfterSeconds: 2 };
    lh.sandboxes.okta.faults.update(faults);
    lh.sandboxes.entra.faults.update(faults);
    const keys = await raise(lh, ctx.size(30, 10), (i) => ({
      ...grantSpec(i),
      duration: EXPIRY,
      why: 'chaos: flaky idp',
    }));
    const states = await settle(lh, keys, ended, 10 * 60_000);
    return row(
      'Okta and Graph 30 % 5xx, 10 % 429 (Retry-After 2 s)',
      lh,
      keys,
      states,
      'bound: Retry-After + 5 s = 7 s',
    );
  });
}

/** A release queued while an acquire of the same membership is retrying through a directory outage. */
export async function releaseBehindAcquire(ctx: ChaosContext): Promise<Row> {
  return withLeasehold(async (lh) => {
    const keys: string[] = [];
    for (let i = 0; i < ctx.size(3, 1); i++) {
      const first = await lh.request({
        as: 'alice',
        app: 'Confluence',
        level: 'User',
        duration: EXPIRY,
        why: 'chaos: first grant',
      });
      const [granted] = [...(await settle(lh, [first], active, 60_000)).values()];
      lh.sandboxes.okta.faults.update({ errorRate: 1 });
      const second = await lh.request({
        as: 'alice',
        app: 'Confluence',
        level: 'User',
        duration: EXPIRY,
        why: 'chaos: second grant',
      });
      // The directory returns just before the first grant ends, while the second acquire pauses between rounds.
      await sleep(Math.max(0, Date.parse(granted!.expiresAt!) - Date.now() - 1_000));
      lh.sandboxes.okta.faults.update({ errorRate: 0 });
      await settle(lh, [first], ended, 5 * 60_000);
      keys.push(first);
      await settle(lh, [second], ended, 5 * 60_000);
      keys.push(second);
    }
    const states = await settle(lh, keys, ended, 60_000);
    return row(
      'release queued behind a failing acquire',
      lh,
      keys,
      states,
      'Okta down from the second grant until 1 s before the first ends',
    );
  });
}

/** Many status changes on active grants, on a server that terminates runs past 250 events. */
export async function longHistories(ctx: ChaosContext): Promise<Row> {
  const server = await startDevServer({
    dynamicConfig: { 'limit.historyCount.error': 250, 'limit.historyCount.suggestContinueAsNew': 150 },
  });
  const saved = process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS;
  process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  try {
    return await withLeasehold(async (lh) => {
      const keys = await raise(lh, ctx.size(3, 2), () => ({
        app: 'Confluence',
        level: 'User',
        duration: '20 seconds',
        why: 'chaos: long history',
      }));
      await settle(lh, keys, active, 60_000);
      // Each move is a decision that reaches the grant ("has no effect while active": recorded, ignored);
      // one at a time, so the starter finds the issue still in the status it was moved to.
      for (let round = 0; round < 60; round++) {
        for (const key of keys) {
          lh.sandboxes.jira.moveIssue(key, round % 2 === 0 ? 'Approved by Manager' : 'Rejected', 'bob');
          await lh.sandboxes.jira.waitForDeliveries();
        }
      }
      const states = await settle(lh, keys, ended, 5 * 60_000);
      let runs = 0;
      for (const key of keys)
        for await (const _ of lh.client.workflow.list({ query: `LeaseholdJiraKey = "${key}"` })) runs++;
      return row(
        'long histories (server limit 250 events)',
        lh,
        keys,
        states,
        `60 decisions per active grant; ${runs} runs for ${keys.length} grants (continue-as-new)`,
      );
    });
  } finally {
    process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = saved;
    await server.stop();
  }
}

/** The worker process killed with SIGKILL just before the grants expire, back 5 s later. */
export async function workerKilled(ctx: ChaosContext): Promise<Row> {
  return withLeasehold(async (lh) => {
    await lh.stopWorker();
    let worker = spawnWorker(lh);
    const keys = await raise(lh, ctx.size(10, 4), (i) => ({
      ...grantSpec(i),
      duration: EXPIRY,
      why: 'chaos: kill -9',
    }));
    const states0 = await settle(lh, keys, active, 120_000);
    const firstEnd = Math.min(...[...states0.values()].map((s) => Date.parse(s!.expiresAt!)));
    await sleep(Math.max(0, firstEnd - Date.now() - 2_000));
    worker.kill('SIGKILL');
    await sleep(5_000);
    worker = spawnWorker(lh);
    try {
      const states = await settle(lh, keys, ended, 5 * 60_000);
      return row(
        'worker kill -9 at expiry',
        lh,
        keys,
        states,
        'SIGKILL 2 s before the first expiry, restarted 5 s later',
      );
    } finally {
      worker.kill('SIGTERM');
    }
  });
}

/** The Temporal server stopped just before the grants expire, started again 5 s later on its database. */
export async function temporalRestart(ctx: ChaosContext): Promise<Row> {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-chaos-')), 'temporal.db');
  const port = await freePort();
  let server: DevServer = await startDevServer({ port, dbFilename: db });
  const saved = process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS;
  process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = server.address;
  try {
    return await withLeasehold(async (lh) => {
      const keys = await raise(lh, ctx.size(10, 4), (i) => ({
        ...grantSpec(i),
        duration: EXPIRY,
        why: 'chaos: temporal restart',
      }));
      const states0 = await settle(lh, keys, active, 120_000);
      const firstEnd = Math.min(...[...states0.values()].map((s) => Date.parse(s!.expiresAt!)));
      await sleep(Math.max(0, firstEnd - Date.now() - 2_000));
      await server.stop();
      await sleep(5_000);
      server = await startDevServer({ port, dbFilename: db });
      const states = await settle(lh, keys, ended, 5 * 60_000);
      return row(
        'Temporal restart at expiry',
        lh,
        keys,
        states,
        'server stopped 2 s before the first expiry, back 5 s later (same database)',
      );
    });
  } finally {
    process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = saved;
    await server.stop();
  }
}

/** Intake that would be lost: a rules document without the Jira secrets, a 20,000-deep signed body. */
export async function intakeSafety(): Promise<Row> {
  return withLeasehold(async (lh) => {
    const broken = parseRulesText(
      chaosRules()
        .replace('    webhookSecret: { env: JIRA_WEBHOOK_SECRET }\n', '')
        .replace('apiToken: { env: JIRA_API_TOKEN }', 'apiToken: { env: LEASEHOLD_CHAOS_UNSET }'),
    );
    if (!broken.ok) throw new Error(JSON.stringify(broken.problems));
    const refused = await lh.rules.submit({ document: broken.raw, submittedBy: 'chaos' }).then(
      () => false,
      () => true,
    );
    const justification = `${'{"type":"paragraph","content":['.repeat(20_000)}{"type":"text","text":"x"}${']}'.repeat(20_000)}`;
    const deep = `{"webhookEvent":"jira:issue_created","issue":{"id":"1","key":"ACCESS-1","fields":{"${JIRA_FIELD_IDS.justification}":{"type":"doc","version":1,"content":[${justification}]}}}}`;
    const answer = await fetch(lh.starter!.webhookUrl, {
      method: 'POST',
      body: deep,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signWebhookBody(sandboxCredentials.jira.webhookSecret, deep),
        'x-atlassian-webhook-identifier': 'chaos-deep',
      },
    });
    const ok = refused && answer.status === 400;
    return {
      scenario: 'rules without Jira secrets; a 20,000-deep Justification',
      requests: 2,
      lost: ok ? 0 : 1,
      duplicated: 0,
      failed: 0,
      note: `apply ${refused ? 'refused' : 'ACCEPTED'}; deep body answered ${answer.status}`,
    };
  });
}

function spawnWorker(lh: Leasehold): ChildProcess {
  return spawn(process.execPath, [path.join(projectRoot, 'bin', 'leasehold.js'), 'worker'], {
    env: lh.processEnv(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
