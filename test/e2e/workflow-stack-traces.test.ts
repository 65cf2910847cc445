import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { POLICY_WORKFLOW_ID } from '../../src/workflows/ids';
import { Leasehold, eventually } from '../harness/leasehold';

/**
 * The UI's "Stack Trace" tab is the `__stack_trace` query, which the Temporal SDK answers from a stack
 * trace it records for every promise a workflow creates, on every workflow task. `leasehold worker`
 * leaves that out unless LEASEHOLD_WORKFLOW_STACK_TRACES=on (our patch of the SDK, patches/): this
 * checks the patch is in node_modules and the setting reaches the workflow threads, in a worker
 * process of its own as the image runs it.
 */
describe('workflow stack traces (the UI tab)', () => {
  let lh: Leasehold;
  beforeAll(async () => {
    lh = await Leasehold.start();
    await lh.stopWorker();
  });
  afterAll(async () => {
    await lh?.stop();
  });

  /** The policy workflow's answer to `__stack_trace` (or the error it answers with), from `leasehold worker` with `setting`. */
  async function stackTrace(setting: 'on' | undefined): Promise<string> {
    const env = { ...lh.processEnv() };
    delete env.LEASEHOLD_WORKFLOW_STACK_TRACES;
    if (setting) env.LEASEHOLD_WORKFLOW_STACK_TRACES = setting;
    const worker = spawn(process.execPath, [path.join(projectRoot, 'bin', 'leasehold.js'), 'worker'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const policy = lh.client.workflow.getHandle(POLICY_WORKFLOW_ID);
      // Until the worker polls, the query times out on the server; then it answers, or fails with the
      // worker's reason.
      return await eventually(
        () =>
          policy
            .query<string>('__stack_trace')
            .catch((err: Error) => (/timeout|deadline/i.test(err.message) ? undefined : `${err.name}: ${err.message}`)),
        45_000,
        'the policy workflow to answer a stack-trace query',
      );
    } finally {
      const exited = once(worker, 'exit');
      worker.kill('SIGTERM');
      await exited;
    }
  }

  test('by default a worker records none, and the tab says so', async () => {
    expect(await stackTrace(undefined)).toBe(
      'QueryNotRegisteredError: Workflow stack traces are not enabled on this worker',
    );
  });

  test('with LEASEHOLD_WORKFLOW_STACK_TRACES=on the query shows where the policy workflow waits', async () => {
    expect(await stackTrace('on')).toMatch(/src\/workflows\/policy\//);
  });
});
