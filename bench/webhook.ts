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
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConnectorRegistry } from '../src/connectors/registry';
import { logger } from '../src/logging';
import { RulesStore } from '../src/temporal/rules-store';
import { startWebhookStarter, type RunningStarter } from '../src/starter/server';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { installRuntimeLogging } from '../src/temporal/runtime';
import { stateQuery } from '../src/workflows/access-request/messages';
import type { RequestSnapshot } from '../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../src/workflows/ids';
import { writeWorkflowBundle } from '../src/worker/workflow-bundle';
import { Leasehold } from '../test/harness/leasehold';
import { describeRun, fmt, runPool, webhookLoad, type LoadOptions } from './perf/webhook-load';

const SETTLE_TIMEOUT_MS = 15 * 60_000;

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

type Options = LoadOptions;

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

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = options();
  logger.level = process.env.LEASEHOLD_LOG_LEVEL ?? 'warn';
  installRuntimeLogging();

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

    const { keys, statuses, sends, results, raw, load, rawErrors } = await webhookLoad(
      lh,
      client,
      starter,
      opts,
      cleanups,
      out,
    );

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
