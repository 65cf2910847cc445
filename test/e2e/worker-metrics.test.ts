import { serveWorkerHealth } from '../../src/app/worker-health';
import { eventually, Leasehold } from '../harness/leasehold';

/** The worker's `/metrics`: the Temporal SDK's own metrics and Leasehold's gauges, on the health port. */
describe('worker /metrics', () => {
  let lh: Leasehold;
  let health: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    lh = await Leasehold.start();
    const running = lh.runningWorker!;
    health = await serveWorkerHealth(running.worker, 0, '127.0.0.1', running.metrics);
  });
  afterAll(async () => {
    await health?.close();
    await lh?.stop();
  });

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${health.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  test('an Active grant shows in the gauges, the IdP calls are counted, and the SDK metrics are merged in', async () => {
    const key = await lh.request({
      as: 'alice',
      app: 'Jira Software',
      level: 'User',
      duration: '20 seconds',
      why: 'metrics',
    });
    await lh.waitForState(key, 'AwaitingApproval');
    await lh.move(key, 'Approved by Manager', 'bob');
    await lh.waitForState(key, 'Active');

    const text = await eventually(
      async () => {
        const t = await scrape();
        return value(t, 'leasehold_requests{state="Active"}') === 1 && t;
      },
      15_000,
      'leasehold_requests{state="Active"} 1',
    );
    expect(value(text, 'leasehold_grants_expiring_soon')).toBe(1);
    expect(value(text, 'leasehold_revocations_failing')).toBe(0);
    expect(value(text, 'leasehold_visibility_up')).toBe(1);
    // The grant's membership change went through the Okta connection, and was counted there.
    expect(text).toMatch(/^leasehold_idp_calls_total\{connection="[^"]+",operation="addMember"\} [1-9]/m);
    expect(text).toMatch(/^# TYPE leasehold_idp_errors_total counter$/m);
    // The Temporal SDK's metrics (core's Prometheus endpoint), in the same text.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_bucket\{/m);
    expect(text).toMatch(/^temporal_request\{/m);
    expect(text).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*namespace="${lh.namespace}"`, 'm'));

    const health200 = await fetch(`${health.url}/healthz`);
    expect(health200.status).toBe(200);
  });
});
