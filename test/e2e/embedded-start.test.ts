import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { gatewayAs, raiseRequest } from '../../src/cli/demo-commands';
import { EmbeddedStart, embeddedStartEnv } from '../harness/embedded';
import { eventually } from '../harness/leasehold';

/**
 * `npm start` as a newcomer runs it (the compiled CLI, no configuration beyond free ports): it prints
 * where everything is, the Temporal UI answers, and runs survive a restart.
 */
describe('leasehold start (embedded mode)', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-embedded-'));
  let env: NodeJS.ProcessEnv;
  let leasehold: EmbeddedStart;

  beforeAll(async () => {
    env = await embeddedStartEnv(stateDir);
    leasehold = new EmbeddedStart(env);
  });

  afterAll(async () => {
    await leasehold.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function listedRuns(): Promise<string[]> {
    const connection = await Connection.connect({ address: `127.0.0.1:${env.LEASEHOLD_TEMPORAL_PORT}` });
    try {
      const ids: string[] = [];
      for await (const wf of new Client({ connection }).workflow.list({
        query: `WorkflowType = 'accessRequestWorkflow'`,
      }))
        ids.push(wf.workflowId);
      return ids;
    } finally {
      await connection.close();
    }
  }

  test('prints the UI, webhook and sandbox addresses; the UI answers; runs are still listed after a restart', async () => {
    const first = await leasehold.start();
    for (const port of [
      env.LEASEHOLD_TEMPORAL_UI_PORT,
      env.LEASEHOLD_WEBHOOK_PORT,
      env.LEASEHOLD_SANDBOX_JIRA_PORT,
      env.LEASEHOLD_SANDBOX_OKTA_PORT,
      env.LEASEHOLD_SANDBOX_ENTRA_PORT,
      env.LEASEHOLD_SANDBOX_GITHUB_PORT,
      env.LEASEHOLD_SANDBOX_GOOGLE_PORT,
      env.LEASEHOLD_SANDBOX_AWS_PORT,
    ]) {
      expect(first.output).toContain(`:${port}`);
    }
    expect(first.output).toMatch(/Temporal UI\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(first.output).toContain('Try it');
    expect((await fetch(`http://127.0.0.1:${env.LEASEHOLD_TEMPORAL_UI_PORT}`)).status).toBe(200);

    const key = await raiseRequest(await gatewayAs('alice', `http://127.0.0.1:${env.LEASEHOLD_SANDBOX_JIRA_PORT}`), {
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '1 hour',
    });
    await eventually(
      async () => (await listedRuns()).includes(`access-request-${key}`),
      30_000,
      'the request workflow',
    );
    // The embedded worker's /metrics: the Temporal SDK's metrics (the runtime installed once, with
    // logging) and the gauges, the request waiting for its approval.
    const metrics = await eventually(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${env.LEASEHOLD_WORKER_HEALTH_PORT}/metrics`)).text();
        return /^leasehold_requests\{state="AwaitingApproval"\} 1$/m.test(text) && text;
      },
      30_000,
      'leasehold_requests{state="AwaitingApproval"} 1',
    );
    expect(metrics).toMatch(/^temporal_request\{/m);
    expect(metrics).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);

    expect(await leasehold.stop()).toBe(0);
    await leasehold.start();
    expect(await listedRuns()).toContain(`access-request-${key}`);
  });
});
