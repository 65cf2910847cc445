import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { runWorker, type RunningWorker } from '../../src/app/worker-process';
import { gatewayAs, raiseRequest, type DemoRequest } from '../../src/cli/demo-commands';
import { envSchema } from '../../src/config/env';
import { ConnectorRegistry } from '../../src/connectors/registry';
import { parseRulesText } from '../../src/policy/parse';
import { RulesStore } from '../../src/temporal/rules-store';
import { exampleRulesText } from './example-rules';
import { sandboxCredentials, type Sandboxes, type SandboxesOptions, startSandboxes } from '@leasehold/sandbox';
import { startWebhookStarter, type RunningStarter } from '../../src/starter/server';
import { ensureNamespace } from '../../src/temporal/namespace';
import { stateQuery } from '../../src/workflows/access-request/messages';
import type { RequestSnapshot } from '../../src/workflows/access-request/types';
import { accessRequestWorkflowId } from '../../src/workflows/ids';

export { exampleRulesText };

export interface HarnessOptions {
  /** Rules text (YAML) to apply; default the example rules. */
  rules?: string;
  /** Run the webhook starter and register it in the sandbox Jira (default true). */
  starter?: boolean;
  sandboxes?: Partial<SandboxesOptions>;
}

/**
 * A whole Leasehold on the real Temporal test server, in a namespace of its own: the sandboxes, a
 * worker with the real activities on a unique task queue, the rules applied, and the webhook starter
 * registered in the sandbox Jira. Tests act as people through the real Jira REST API.
 */
export class Leasehold {
  private constructor(
    readonly client: Client,
    readonly namespace: string,
    readonly taskQueue: string,
    readonly sandboxes: Sandboxes,
    readonly rules: RulesStore,
    readonly starter: RunningStarter | undefined,
    private worker: RunningWorker | undefined,
    private readonly stateDir: string,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Leasehold> {
    const address = process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!;
    const namespace = `test-${randomUUID().slice(0, 8)}`;
    const connection = await Connection.connect({ address });
    await ensureNamespace(connection, namespace, 1);
    const client = new Client({ connection, namespace });
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-test-'));
    const sandboxes = await startSandboxes({
      stateDir,
      ...options.sandboxes,
      jira: {
        webhookRetryDelaysMs: [200, 500, 1000, 2000, 5000],
        extraOptions: { duration: ['3 seconds', '5 seconds', '8 seconds', '12 seconds', '20 seconds'] },
        ...options.sandboxes?.jira,
      },
    });
    Object.assign(process.env, sandboxes.env);
    const taskQueue = `leasehold-${namespace}`;
    const rules = new RulesStore(client, taskQueue, 0);
    const harness = new Leasehold(client, namespace, taskQueue, sandboxes, rules, undefined, undefined, stateDir);
    await harness.startWorker();

    const parsed = parseRulesText(options.rules ?? exampleRulesText());
    if (!parsed.ok) throw new Error(`test rules invalid: ${JSON.stringify(parsed.problems)}`);
    await rules.submit({ document: parsed.raw, submittedBy: 'test-harness' });

    if (options.starter !== false) {
      const connectors = new ConnectorRegistry();
      const starter = await startWebhookStarter({
        client,
        taskQueue,
        rules: new RulesStore(client, taskQueue, 0),
        jira: (c) => connectors.jira(c),
        port: 0,
      });
      sandboxes.jira.registerWebhook({
        name: 'Leasehold',
        url: starter.webhookUrl,
        events: ['jira:issue_created', 'jira:issue_updated'],
        secret: sandboxCredentials.jira.webhookSecret,
      });
      (harness as { starter: RunningStarter | undefined }).starter = starter;
    }
    return harness;
  }

  /** Starts (or restarts) the worker: the one `leasehold worker` runs, on this file's namespace and task queue. */
  async startWorker(): Promise<void> {
    this.worker = await runWorker(
      { address: process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS!, namespace: this.namespace },
      this.taskQueue,
      {
        workflowBundlePath: process.env.LEASEHOLD_WORKFLOW_BUNDLE,
        rulesCacheMs: 0,
        followRulesEveryMs: 1_000,
        // As `leasehold worker` configures it. Under jest the workflow threads keep the SDK's default
        // (jest gives a test file its own copy of process.env, which threads don't see): the bench
        // measures the product's setting, and workflow-stack-traces.test.ts checks it in a process.
        workflowStackTraces:
          envSchema.shape.LEASEHOLD_WORKFLOW_STACK_TRACES.parse(process.env.LEASEHOLD_WORKFLOW_STACK_TRACES) === 'on',
      },
    );
  }

  /** The running worker (its client, its metrics), if started. */
  get runningWorker(): RunningWorker | undefined {
    return this.worker;
  }

  /** The environment of a `leasehold` process (CLI, worker) that joins this one: its Temporal namespace and queue, the sandboxes. */
  processEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...this.sandboxes.env,
      TEMPORAL_ADDRESS: process.env.LEASEHOLD_TEST_TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: this.namespace,
      LEASEHOLD_TASK_QUEUE: this.taskQueue,
      LEASEHOLD_LOG_LEVEL: 'error',
    };
  }

  /** Stops the worker: from then on nothing polls the task queue, as when a worker is down. */
  async stopWorker(): Promise<void> {
    await this.worker?.stop();
    this.worker = undefined;
  }

  /** A person raises a request in the portal (through the Jira REST API). */
  async request(req: DemoRequest): Promise<string> {
    return raiseRequest(await gatewayAs(req.as, this.sandboxes.jira.url), req);
  }

  /** A person moves an issue to a status in Jira (an approval is such a move). */
  async move(issueKey: string, status: string, as: string): Promise<void> {
    await (await gatewayAs(as, this.sandboxes.jira.url)).transitionTo(issueKey, status);
  }

  /**
   * An approver approves (moves the issue to "Approved by Manager") and the workflow has taken it in:
   * the approval is recorded and, if more are needed, the issue is back to waiting for the next one.
   */
  async approve(issueKey: string, as: string): Promise<void> {
    // A person approves an issue that shows as waiting: after an ignored decision the issue sits in
    // "Approved by Manager" until write-back moves it back, and moving it there again changes nothing.
    await this.waitFor(issueKey, () => this.jiraIssue(issueKey).status !== 'Approved by Manager');
    const before = await this.state(issueKey);
    const moved = await (await gatewayAs(as, this.sandboxes.jira.url)).transitionTo(issueKey, 'Approved by Manager');
    if (!moved) throw new Error(`${issueKey} was already "Approved by Manager": ${as}'s approval changed nothing`);
    const after = await this.waitFor(
      issueKey,
      (s) =>
        s.approvals.length > before.approvals.length ||
        s.ignored.length > before.ignored.length ||
        s.state !== 'AwaitingApproval',
    );
    if (after.state === 'AwaitingApproval')
      await this.waitFor(issueKey, () => this.jiraIssue(issueKey).status === 'Waiting for approval');
  }

  async state(issueKey: string): Promise<RequestSnapshot> {
    return this.client.workflow.getHandle(accessRequestWorkflowId(issueKey)).query(stateQuery);
  }

  /** Polls the request's state until `predicate` holds (or throws after `timeoutMs` with the last state). */
  async waitFor(
    issueKey: string,
    predicate: (s: RequestSnapshot) => boolean,
    timeoutMs = 60_000,
  ): Promise<RequestSnapshot> {
    const deadline = Date.now() + timeoutMs;
    let last: RequestSnapshot | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await this.state(issueKey);
        if (predicate(last)) return last;
      } catch (err) {
        lastError = err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (String(lastError).includes('Nondeterminism')) await this.keepHistory(accessRequestWorkflowId(issueKey));
    throw new Error(
      `timed out waiting on ${issueKey}; last state ${last ? JSON.stringify({ state: last.state, problem: last.problem, ignored: last.ignored }) : String(lastError)}`,
    );
  }

  /** A history that does not replay, kept for diagnosis (CI prints where). */
  private async keepHistory(workflowId: string): Promise<void> {
    const { historyToJSON } = await import('@temporalio/common/lib/proto-utils');
    const file = path.join(os.tmpdir(), `leasehold-nondeterminism-${workflowId}-${Date.now()}.json`);
    fs.writeFileSync(file, historyToJSON(await this.client.workflow.getHandle(workflowId).fetchHistory()));
    process.stderr.write(`history that did not replay: ${file}\n`);
  }

  async waitForState(issueKey: string, state: RequestSnapshot['state'], timeoutMs?: number): Promise<RequestSnapshot> {
    return this.waitFor(issueKey, (s) => s.state === state, timeoutMs);
  }

  /** Waits until the workflow has closed and returns its result. */
  async result<T = unknown>(issueKey: string): Promise<T> {
    await this.waitFor(issueKey, () => true); // the webhook may still be on its way
    return this.client.workflow.getHandle(accessRequestWorkflowId(issueKey)).result() as Promise<T>;
  }

  jiraIssue(issueKey: string) {
    return this.sandboxes.jira.issue(issueKey)!;
  }

  jiraComments(issueKey: string): string[] {
    return this.sandboxes.jira.comments(issueKey).map((c) => c.text);
  }

  async stop(): Promise<void> {
    // Outside in: no new deliveries, then no new requests, then no workers, then the connections.
    await this.sandboxes.jira.close();
    await this.starter?.close();
    await this.stopWorker().catch(() => undefined);
    await this.sandboxes.close();
    await this.client.connection.close();
    fs.rmSync(this.stateDir, { recursive: true, force: true });
  }
}

/** Polls until `check` returns a value (not undefined/false) or throws after the timeout. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
