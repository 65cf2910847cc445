import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../../src/paths';
import { gatewayAs, raiseRequest } from '../../src/cli/demo-commands';
import { embeddedStartEnv } from '../harness/embedded';
import { eventually } from '../harness/leasehold';

/**
 * `npm start` as a newcomer runs it (the compiled CLI, no configuration beyond free ports): it prints
 * where everything is, the Temporal UI answers, and runs survive a restart.
 */
describe('leasehold start (embedded mode)', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leasehold-embedded-'));
  let env: NodeJS.ProcessEnv;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    env = await embeddedStartEnv(stateDir);
  });

  afterAll(async () => {
    await stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ output: string; ms: number }> {
    const started = Date.now();
    child = spawn(process.execPath, [path.join(projectRoot, 'bin', 'leasehold.js'), 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(
      () => output.includes('Ctrl-C stops everything') || child!.exitCode !== null,
      90_000,
      'the start banner',
    );
    if (!output.includes('Leasehold is running')) throw new Error(`leasehold start failed:\n${output}`);
    return { output, ms: Date.now() - started };
  }

  async function stop(): Promise<void> {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

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
    const first = await start();
    for (const port of [
      env.LEASEHOLD_TEMPORAL_UI_PORT,
      env.LEASEHOLD_WEBHOOK_PORT,
      env.LEASEHOLD_SANDBOX_JIRA_PORT,
      env.LEASEHOLD_SANDBOX_OKTA_PORT,
      env.LEASEHOLD_SANDBOX_ENTRA_PORT,
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

    await stop();
    expect(child!.exitCode).toBe(0);
    await start();
    expect(await listedRuns()).toContain(`access-request-${key}`);
  });
});
