/**
 * The webhook starter's load, shared by `npm run bench:webhook` (bench/webhook.ts, which adds the
 * verdict) and figure 7 of `npm run bench`: deliveries recorded from the sandbox Jira, a raw
 * `signalWithStart` baseline at the same concurrency, then the deliveries POSTed to the starter.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { Pool } from 'undici';
import { sandboxCredentials, samplePerson } from '@leasehold/sandbox';
import { percentile, pool } from './common';
import { startRecorder, type Recorded } from './webhook-recorder';
import type { RunningStarter } from '../../src/starter/server';
import { statusChangedSignal } from '../../src/workflows/access-request/messages';
import type { AccessRequestInput, StatusChange } from '../../src/workflows/access-request/types';
import type { accessRequestWorkflow } from '../../src/workflows/access-request/workflow';
import { searchAttributes } from '../../src/workflows/search-attributes';
import type { Leasehold } from '../../test/harness/leasehold';

const JIRA_TIMEOUT_MS = 10_000;
/** Jira retries for ~30 minutes; a loopback run retries sooner (each wait is counted). */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface LoadOptions {
  issues: number;
  redeliveries: number;
  concurrency: number;
  seed: number;
  workerDuringLoad: boolean;
}

// ---- the load ---------------------------------------------------------------------------------

export interface Send {
  delivery: Recorded;
  redelivery: boolean;
}

export interface SendResult {
  status: number | 'lost';
  outcome?: string;
  attempts: number;
}

/** Deterministic shuffle (mulberry32). */
export function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Runs `fn` over `items` with at most `concurrency` in flight; returns the wall time in ms. */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  await pool(items, concurrency, fn);
  return performance.now() - started;
}

export interface Measured {
  calls: number;
  wallMs: number;
  latencies: number[];
  /** CPU this process spent meanwhile (client, and for the starter's run the starter and the sandboxes). */
  cpuMs?: number;
}

/** Runs the measured phase, recording its wall time and this process's CPU time. */
async function measure(m: Measured, run: () => Promise<number>): Promise<void> {
  const cpu = process.cpuUsage();
  m.wallMs = await run();
  const used = process.cpuUsage(cpu);
  m.cpuMs = (used.user + used.system) / 1000;
}

export function describeRun(label: string, m: Measured): string {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rate = m.calls / (m.wallMs / 1000);
  return (
    `${label.padEnd(50)} ${fmt(m.calls).padStart(6)} in ${fmt(m.wallMs / 1000, 1).padStart(5)} s = ${fmt(rate, 1).padStart(7)}/s` +
    `   p50 ${fmt(percentile(sorted, 50), 1).padStart(6)} ms  p95 ${fmt(percentile(sorted, 95), 1).padStart(6)} ms  p99 ${fmt(percentile(sorted, 99), 1).padStart(6)} ms`
  );
}

/** POSTs one delivery like Jira: same identifier on every try, X-Atlassian-Webhook-Retry from the first retry. */
export async function sendLikeJira(
  pool: Pool,
  webhookPath: string,
  send: Send,
  latencies: number[],
): Promise<SendResult> {
  const firstRetry = send.redelivery ? 1 : 0;
  for (let attempt = 0; ; attempt++) {
    const retry = firstRetry + attempt;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': send.delivery.identifier,
      'x-atlassian-webhook-flow': 'Primary',
      'x-hub-signature': send.delivery.signature,
    };
    if (retry > 0) headers['x-atlassian-webhook-retry'] = String(retry);
    const started = performance.now();
    let status: number | undefined;
    let outcome: string | undefined;
    try {
      const res = await pool.request({
        path: webhookPath,
        method: 'POST',
        headers,
        body: send.delivery.body,
        headersTimeout: JIRA_TIMEOUT_MS,
        bodyTimeout: JIRA_TIMEOUT_MS,
      });
      const text = await res.body.text();
      status = res.statusCode;
      outcome = (JSON.parse(text) as { outcome?: string }).outcome;
    } catch {
      status = undefined; // connection trouble or timeout: Jira retries
    }
    latencies.push(performance.now() - started);
    if (status !== undefined && status >= 200 && status < 300) return { status, outcome, attempts: attempt + 1 };
    const retryable =
      status === undefined || status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
    if (!retryable || attempt >= RETRY_DELAYS_MS.length)
      return { status: status ?? 'lost', outcome, attempts: attempt + 1 };
    await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
  }
}

// ---- the measured run --------------------------------------------------------------------------

export interface LoadRun {
  keys: string[];
  creates: Map<string, Recorded>;
  statuses: Map<string, Recorded>;
  sends: Send[];
  results: SendResult[];
  raw: Measured;
  load: Measured;
  rawErrors: number;
}

/**
 * Steps 1–3: people act in Jira (deliveries recorded), the raw baseline, the load through the starter.
 * The worker is stopped before the measured runs unless `workerDuringLoad`; the caller restarts it.
 */
export async function webhookLoad(
  lh: Leasehold,
  client: Client,
  starter: RunningStarter,
  opts: LoadOptions,
  cleanups: Array<() => Promise<unknown>>,
  out: (line?: string) => void,
): Promise<LoadRun> {
  const alice = samplePerson('alice');
  const erin = samplePerson('erin');
  const bob = samplePerson('bob');
  // 1. People act in Jira; its deliveries are recorded.
  const recorder = await startRecorder(bob.jiraAccountId);
  cleanups.push(() => recorder.close());
  lh.sandboxes.jira.registerWebhook({
    name: 'recorder',
    url: recorder.url,
    events: ['jira:issue_created', 'jira:issue_updated'],
    secret: sandboxCredentials.jira.webhookSecret,
  });
  const keys: string[] = [];
  for (let i = 0; i < opts.issues; i++) {
    const requester = i % 2 === 0 ? alice : erin;
    const issue = lh.sandboxes.jira.raiseRequest({
      reporter: requester.handle,
      application: 'Jira Software',
      accessType: 'Admin',
      justification: `bench request ${i}`,
    });
    keys.push(issue.key);
  }
  for (const key of keys) lh.sandboxes.jira.moveIssue(key, 'Approved by Manager', 'bob');
  await lh.sandboxes.jira.waitForDeliveries();
  const creates = new Map(recorder.deliveries.filter((d) => d.event === 'create').map((d) => [d.issueKey, d]));
  const statuses = new Map(recorder.deliveries.filter((d) => d.event === 'status').map((d) => [d.issueKey, d]));
  if (creates.size !== opts.issues || statuses.size !== opts.issues)
    throw new Error(`recorded ${creates.size} creates and ${statuses.size} status changes for ${opts.issues} issues`);

  // In issue order (deliveries arrive at the recorder in any order), so a seed always gives the same run.
  const distinct = shuffled([...keys.map((k) => creates.get(k)!), ...keys.map((k) => statuses.get(k)!)], opts.seed);
  const extra = Math.round(distinct.length * opts.redeliveries);
  const sends: Send[] = distinct.map((delivery) => ({ delivery, redelivery: false }));
  const picks = shuffled(distinct, opts.seed + 1).slice(0, extra);
  const positions = shuffled(
    Array.from({ length: sends.length + extra }, (_, i) => i),
    opts.seed + 2,
  ).slice(0, extra);
  positions.sort((a, b) => a - b).forEach((pos, i) => sends.splice(pos, 0, { delivery: picks[i]!, redelivery: true }));
  const firstSeen = new Map<string, number>();
  sends.forEach((s, i) => {
    const id = `${s.delivery.event}:${s.delivery.issueKey}`;
    if (!firstSeen.has(id)) firstSeen.set(id, i);
  });
  const outOfOrder = keys.filter((k) => firstSeen.get(`status:${k}`)! < firstSeen.get(`create:${k}`)!).length;
  out(
    `  deliveries: ${fmt(distinct.length)} distinct (${fmt(creates.size)} jira:issue_created + ${fmt(statuses.size)} jira:issue_updated status changes)` +
      ` + ${fmt(extra)} redeliveries = ${fmt(sends.length)} signed POSTs; ${fmt(outOfOrder)} status changes arrive before their create`,
  );

  if (!opts.workerDuringLoad) await lh.stopWorker();
  out(
    `  worker during the measured runs: ${opts.workerDuringLoad ? 'running' : 'stopped (started afterwards to run the requests)'}`,
  );
  out();

  // 2. Raw baseline: what Temporal alone takes for the same number of calls at the same concurrency.
  const rawQueue = `${lh.taskQueue}-raw`;
  const raw: Measured = { calls: sends.length, wallMs: 0, latencies: [] };
  let rawErrors = 0;
  await measure(raw, () =>
    runPool(sends, opts.concurrency, async (send) => {
      const key = send.delivery.issueKey;
      const input: AccessRequestInput = {
        issueKey: key,
        application: 'Jira Software',
        accessType: 'Admin',
        duration: null,
        justification: null,
        requester: { accountId: alice.jiraAccountId },
        requestedAt: new Date().toISOString(),
      };
      const change: StatusChange = {
        eventId: send.delivery.identifier,
        issueKey: key,
        decision: 'Approved',
        status: 'Approved by Manager',
        actorAccountId: bob.jiraAccountId,
        at: new Date().toISOString(),
      };
      const started = performance.now();
      try {
        await client.workflow.signalWithStart<typeof accessRequestWorkflow, [StatusChange]>('accessRequestWorkflow', {
          workflowId: `bench-raw-${key}`,
          taskQueue: rawQueue,
          args: [input],
          signal: statusChangedSignal,
          signalArgs: [change],
          typedSearchAttributes: [
            { key: searchAttributes.jiraKey, value: key },
            { key: searchAttributes.requester, value: alice.email },
            { key: searchAttributes.application, value: 'Jira Software' },
            { key: searchAttributes.accessLevel, value: 'Admin' },
            { key: searchAttributes.state, value: 'Resolving' },
          ],
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) rawErrors++;
      }
      raw.latencies.push(performance.now() - started);
    }),
  );

  // 3. The load through the starter.
  const pool = new Pool(starter.url, { connections: opts.concurrency, pipelining: 1 });
  cleanups.push(() => pool.close());
  const webhookPath = new URL(starter.webhookUrl).pathname;
  const load: Measured = { calls: sends.length, wallMs: 0, latencies: [] };
  const results: SendResult[] = new Array<SendResult>(sends.length);
  await measure(load, () =>
    runPool(sends, opts.concurrency, async (send, i) => {
      results[i] = await sendLikeJira(pool, webhookPath, send, load.latencies);
    }),
  );
  return { keys, creates, statuses, sends, results, raw, load, rawErrors };
}
