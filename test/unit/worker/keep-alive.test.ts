import { MockActivityEnvironment } from '@temporalio/testing';
import { keepAlive } from '../../../src/worker/keep-alive';

/**
 * The keep-alive lets Temporal notice a directory or Jira call lost with its worker after the heartbeat
 * timeout (10 s) instead of the start-to-close timeout (a minute): it must heartbeat while a call with
 * a heartbeat timeout runs, stop when it ends, and leave short calls and calls without one alone.
 */
describe('keep-alive of activities with a heartbeat timeout', () => {
  const call = (ms: number) => () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), ms));

  async function heartbeatsDuring(heartbeatTimeoutMs: number | undefined, runMs: number): Promise<number> {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs }, { interceptors: [keepAlive] });
    let beats = 0;
    env.on('heartbeat', () => beats++);
    await expect(env.run(call(runMs))).resolves.toBe('done');
    const after = beats;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(beats).toBe(after); // nothing once the call has ended
    return beats;
  }

  test('a call running longer than a third of its heartbeat timeout heartbeats about every third', async () => {
    expect(await heartbeatsDuring(3_000, 2_500)).toBe(2);
  });

  test('a short call sends no heartbeat (no extra round trip on the hot paths)', async () => {
    expect(await heartbeatsDuring(10_000, 50)).toBe(0);
  });

  test('a call scheduled without a heartbeat timeout is left alone', async () => {
    expect(await heartbeatsDuring(undefined, 1_500)).toBe(0);
  });
});
