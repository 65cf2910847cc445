/**
 * Load run of the webhook starter (`npm run bench:webhook`): not a test, a measurement with a
 * verdict. Everything runs in this process on loopback: a Temporal dev server of its own, the
 * sandboxes, the worker, and the webhook starter.
 *
 *  1. The sandbox Jira gets N access requests (alice and erin ask for Jira Software Admin) and bob,
 *     their manager, approves each. Its webhooks go to a recorder, so every delivery is kept as Jira
 *     sent it: exact bytes, X-Hub-Signature, X-Atlassian-Webhook-Identifier.
 *  2. Raw baseline: the same number of `client.workflow.signalWithStart` calls, at the same
 *     concurrency, against the same server (the real workflow type, on a task queue nobody polls).
 *  3. Load: the 2N deliveries, shuffled (some status changes arrive before their create), with
 *     redeliveries mixed in, POSTed to the starter like Jira would (retrying 5xx and timeouts).
 *  4. The worker runs the requests. Jira Software Admin needs two approvals, so each request stays
 *     waiting with exactly one: bob's, recorded under the identifier of his delivery.
 *  5. Verdict: every issue has one workflow run; every status change is recorded exactly once; the
 *     Jira issue has exactly one "Approved by" comment. Exit 1 if anything was lost or duplicated.
 *
 * By default the worker is stopped while steps 2 and 3 are measured, so both see the same idle
 * server (in production the worker is another process; here it would share this event loop).
 * `--worker-during-load` keeps it running instead (redeliveries then also meet issues that moved on).
 *
 *   npm run bench:webhook -- [--issues 1000] [--redeliveries 0.1] [--concurrency 32] [--seed 7] [--worker-during-load]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Pool } from 'undici';
import { ConnectorRegistry } from '../src/connectors/registry';
import { logger } from '../src/logging';
import { RulesStore } from '../src/temporal/rules-store';
import { sandboxCredentials, samplePerson } from '@leasehold/sandbox';
import { startWebhookStarter, type RunningStarter } from '../src/starter/server';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { installRuntimeLogging } from '../src/temporal/runtime';
import { stateQuery, statusChangedSignal } from '../src/workflows/access-request/messages';
import type { AccessRequestInput, RequestSnapshot, StatusChange } from '../src/workflows/access-request/types';
import type { accessRequestWorkflow } from '../src/workflows/access-request/workflow';
import { accessRequestWorkflowId } from '../src/workflows/ids';
import { searchAttributes } from '../src/workflows/search-attributes';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';
import { Leasehold } from '../test/harness/leasehold';

const JIRA_TIMEOUT_MS = 10_000;
/** Jira retries for ~30 minutes; a loopback run retries sooner (each wait is counted). */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];
const SETTLE_TIMEOUT_MS = 15 * 60_000;

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface Options {
  issues: number;
  redeliveries: number;
  concurrency: number;
  seed: number;
  workerDuringLoad: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      issues: { type: 'string', default: '1000' },
      redeliveries: { type: 'string', default: '0.1' },
      concurrency: { type: 'string', default: '32' },
      seed: { type: 'string', default: '7' },
      'worker-during-load': { type: 'boolean', default: false },
    },
  });
  return {
    issues: Number(values.issues),
    redeliveries: Number(values.redeliveries),
    concurrency: Number(values.concurrency),
    seed: Number(values.seed),
    workerDuringLoad: values['worker-during-load'] ?? false,
  };
}

// ---- recorded deliveries ------------------------------------------------------------------------

interface Recorded {
  identifier: string;
  signature: string;
  body: Buffer;
  event: 'create' | 'status';
  issueKey: string;
}

interface Recorder {
  url: string;
  deliveries: Recorded[];
  close(): Promise<void>;
}

/** Jira's webhook target during the preparation: keeps every create and every move to "Approved by Manager" by bob. */
async function startRecorder(approver: string): Promise<Recorder> {
  const deliveries: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(204).end();
      const body = Buffer.concat(chunks);
      const json = JSON.parse(body.toString('utf8')) as {
        webhookEvent: string;
        user?: { accountId: string };
        issue: { key: string };
        changelog?: { items: Array<{ field: string; toString: string | null }> };
      };
      const identifier = String(req.headers['x-atlassian-webhook-identifier']);
      const signature = String(req.headers['x-hub-signature']);
      if (json.webhookEvent === 'jira:issue_created')
        deliveries.push({ identifier, signature, body, event: 'create', issueKey: json.issue.key });
      const approved = json.changelog?.items.some((i) => i.field === 'status' && i.toString === 'Approved by Manager');
      if (json.webhookEvent === 'jira:issue_updated' && approved && json.user?.accountId === approver) {
        deliveries.push({ identifier, signature, body, event: 'status', issueKey: json.issue.key });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/jira`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- the load ---------------------------------------------------------------------------------

interface Send {
  delivery: Recorded;
  redelivery: boolean;
}

interface SendResult {
  status: number | 'lost';
  outcome?: string;
  attempts: number;
}

/** Deterministic shuffle (mulberry32). */
function shuffled<T>(items: T[], seed: number): T[] {
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
async function runPool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index]!, index);
      }
    }),
  );
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Measured {
  calls: number;
  wallMs: number;
  latencies: number[];
}

function describeRun(label: string, m: Measured): string {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  const rate = m.calls / (m.wallMs / 1000);
  return (
    `${label.padEnd(50)} ${fmt(m.calls).padStart(6)} in ${fmt(m.wallMs / 1000, 1).padStart(5)} s = ${fmt(rate, 1).padStart(7)}/s` +
    `   p50 ${fmt(percentile(sorted, 50), 1).padStart(6)} ms  p95 ${fmt(percentile(sorted, 95), 1).padStart(6)} ms  p99 ${fmt(percentile(sorted, 99), 1).padStart(6)} ms`
  );
}

/** POSTs one delivery like Jira: same identifier on every try, X-Atlassian-Webhook-Retry from the first retry. */
async function sendLikeJira(pool: Pool, webhookPath: string, send: Send, latencies: number[]): Promise<SendResult> {
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

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = options();
  logger.level = process.env.LEASEHOLD_LOG_LEVEL ?? 'warn';
  installRuntimeLogging();
  const alice = samplePerson('alice');
  const erin = samplePerson('erin');
  const bob = samplePerson('bob');

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-bench-'));
  const cleanups: Array<() => Promise<unknown>> = [async () => fs.rmSync(workDir, { recursive: true, force: true })];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };

  try {
    out('Leasehold webhook starter load run');
    out(
      `  ${os.cpus().length} CPUs, Node ${process.version}; ${fmt(opts.issues)} issues, ${opts.redeliveries * 100}% redeliveries, concurrency ${opts.concurrency}, seed ${opts.seed}`,
    );
    const setupStarted = performance.now();
    const devServer: DevServer = await startDevServer({ startTimeoutMs: 120_000 });
    cleanups.push(() => devServer.stop());
    process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS = devServer.address;
    process.env.LEASEHOLD_WORKFLOW_BUNDLE = await writeWorkflowBundle(path.join(workDir, 'workflow-bundle.js'));

    // A namespace, the sandboxes (Okta's rate limit lifted: this measures the starter), the worker and the example rules.
    const lh = await Leasehold.start({ starter: false, sandboxes: { okta: { rateLimitPerMinute: 1_000_000 } } });
    cleanups.push(() => lh.stop());
    const client = lh.client;
    // Without a worker nobody answers the rules query: the starter then reads them once and keeps them.
    const starterRules = new RulesStore(client, lh.taskQueue, opts.workerDuringLoad ? 2_000 : 3_600_000);
    const connectors = new ConnectorRegistry();
    const starter: RunningStarter = await startWebhookStarter({
      client,
      taskQueue: lh.taskQueue,
      rules: starterRules,
      jira: (c) => connectors.jira(c),
      port: 0,
    });
    cleanups.push(() => starter.close());
    out(
      `  Temporal dev server ${devServer.address}, namespace ${lh.namespace}; starter ${starter.webhookUrl} (set up in ${fmt((performance.now() - setupStarted) / 1000, 1)} s)`,
    );

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
    positions
      .sort((a, b) => a - b)
      .forEach((pos, i) => sends.splice(pos, 0, { delivery: picks[i]!, redelivery: true }));
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
    raw.wallMs = await runPool(sends, opts.concurrency, async (send) => {
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
    });

    // 3. The load through the starter.
    const pool = new Pool(starter.url, { connections: opts.concurrency, pipelining: 1 });
    cleanups.push(() => pool.close());
    const webhookPath = new URL(starter.webhookUrl).pathname;
    const load: Measured = { calls: sends.length, wallMs: 0, latencies: [] };
    const results: SendResult[] = new Array<SendResult>(sends.length);
    load.wallMs = await runPool(sends, opts.concurrency, async (send, i) => {
      results[i] = await sendLikeJira(pool, webhookPath, send, load.latencies);
    });

    out(describeRun('webhook starter (HTTP, HMAC, zod, Jira, Temporal)', load));
    out(describeRun('raw client.workflow.signalWithStart', raw));
    out(`  starter/raw throughput: ${fmt(load.calls / load.wallMs / (raw.calls / raw.wallMs), 2)}`);
    const byStatus = new Map<string, number>();
    const byOutcome = new Map<string, number>();
    for (const r of results) {
      byStatus.set(String(r.status), (byStatus.get(String(r.status)) ?? 0) + 1);
      if (r.outcome) byOutcome.set(r.outcome, (byOutcome.get(r.outcome) ?? 0) + 1);
    }
    const retries = results.reduce((n, r) => n + r.attempts - 1, 0);
    const list = (m: Map<string, number>): string =>
      [...m]
        .sort()
        .map(([k, v]) => `${k} ×${fmt(v)}`)
        .join(', ');
    out(
      `  starter answers: ${list(byStatus)}; outcomes: ${list(byOutcome)}; retries after 5xx/timeout: ${fmt(retries)}; raw call errors: ${rawErrors}`,
    );
    out();

    // 4. The worker runs the requests.
    if (!opts.workerDuringLoad) await lh.startWorker();
    const settleStarted = performance.now();
    const states = new Map<string, RequestSnapshot>();
    let pending = [...keys];
    const settled = (key: string, s: RequestSnapshot): boolean =>
      s.approvals.length + s.ignored.length > 0 &&
      s.state === 'AwaitingApproval' &&
      lh.sandboxes.jira.issue(key)?.status === 'Waiting for approval';
    while (pending.length > 0 && performance.now() - settleStarted < SETTLE_TIMEOUT_MS) {
      const still: string[] = [];
      await runPool(pending, opts.concurrency, async (key) => {
        const s = await client.workflow
          .getHandle(accessRequestWorkflowId(key))
          .query(stateQuery)
          .catch(() => undefined);
        if (s) states.set(key, s);
        if (!s || !settled(key, s)) still.push(key);
      });
      pending = still;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 2_000));
    }
    const settleMs = performance.now() - settleStarted;
    // One more pass over every request, now that all have settled.
    await runPool(keys, opts.concurrency, async (key) => {
      const s = await client.workflow
        .getHandle(accessRequestWorkflowId(key))
        .query(stateQuery)
        .catch(() => undefined);
      if (s) states.set(key, s);
    });

    // 5. Verdict.
    const runs = new Map<string, number>();
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'accessRequestWorkflow'` })) {
      if (wf.workflowId.startsWith('access-request-')) runs.set(wf.workflowId, (runs.get(wf.workflowId) ?? 0) + 1);
    }
    const problems: string[] = [];
    let lost = 0;
    let duplicated = 0;
    results.forEach((r, i) => {
      if (r.status === 'lost' || r.status >= 300) {
        lost++;
        problems.push(`${sends[i]!.delivery.event} of ${sends[i]!.delivery.issueKey} was never accepted (${r.status})`);
      }
    });
    let recordedOnce = 0;
    let approvedComments = 0;
    for (const key of keys) {
      const n = runs.get(accessRequestWorkflowId(key)) ?? 0;
      if (n === 0) {
        lost++;
        problems.push(`${key}: no workflow`);
        continue;
      }
      if (n > 1) {
        duplicated++;
        problems.push(`${key}: ${n} workflow runs`);
      }
      const s = states.get(key);
      const status = statuses.get(key)!;
      const mine = s?.approvals.filter((a) => a.eventId === status.identifier).length ?? 0;
      if (!s || mine === 0) {
        lost++;
        problems.push(
          `${key}: the status change ${status.identifier} was not recorded (${s ? `state ${s.state}, ${s.approvals.length} approvals` : 'no state'})`,
        );
      } else if (mine > 1 || s.approvals.length > 1 || s.ignored.length > 0) {
        duplicated++;
        problems.push(`${key}: ${s.approvals.length} approvals, ${s.ignored.length} ignored decisions`);
      } else {
        recordedOnce++;
      }
      const comments = lh.sandboxes.jira.comments(key).map((c) => c.text);
      const approved = comments.filter((c) => c.startsWith('Approved by')).length;
      approvedComments += approved;
      const again = comments.filter((c) => c.includes('already approved')).length;
      if (approved > 1 || again > 0) {
        duplicated++;
        problems.push(`${key}: ${approved} "Approved by" and ${again} "already approved" comments in Jira`);
      }
    }
    const oktaAdds = lh.sandboxes.okta.membershipChanges().filter((c) => c.op === 'add').length;
    if (oktaAdds > 0) {
      duplicated++;
      problems.push(`${oktaAdds} Okta group additions, though no request had its second approval`);
    }

    out(
      `effects (the worker took ${fmt(settleMs / 1000, 1)} s to run the ${fmt(keys.length)} requests to bob's approval; each now waits for a second one):`,
    );
    out(
      `  workflows: ${fmt(runs.size)} for ${fmt(keys.length)} issues, ${fmt([...runs.values()].filter((n) => n > 1).length)} with more than one run`,
    );
    out(
      `  status changes recorded exactly once (approval carries the delivery's identifier): ${fmt(recordedOnce)} of ${fmt(keys.length)}`,
    );
    out(`  Jira "Approved by" comments: ${fmt(approvedComments)}; Okta group additions: ${oktaAdds}`);
    for (const p of problems.slice(0, 20)) out(`  ! ${p}`);
    if (problems.length > 20) out(`  ! … and ${problems.length - 20} more`);
    out(`lost: ${lost}   duplicated effects: ${duplicated}   → ${lost === 0 && duplicated === 0 ? 'OK' : 'FAILED'}`);
    return lost === 0 && duplicated === 0 ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
