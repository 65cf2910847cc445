import type { Client } from '@temporalio/client';
import { WorkerMetrics } from '../../../src/app/worker-metrics';
import type { IdentityProvider } from '../../../src/connectors/identity-provider';

const clientCounting = (count: (query: string) => Promise<{ count: number; groups: [] }>) =>
  (() => ({ workflow: { count } })) as unknown as () => Client;

const series = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('WorkerMetrics', () => {
  test('a Temporal that never answers does not hang the scrape: it answers after the timeout, visibility down', async () => {
    const metrics = new WorkerMetrics(
      clientCounting(() => new Promise(() => undefined)),
      { timeoutMs: 200, temporalMetricsUrl: '' },
    );
    const started = Date.now();
    const text = await metrics.render();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(series(text, 'leasehold_visibility_up')).toBe(0);
  });

  test('counts by state come from one visibility count per state, cached between scrapes', async () => {
    const queries: string[] = [];
    const metrics = new WorkerMetrics(
      clientCounting(async (query) => {
        queries.push(query);
        const n = query.includes('LeaseholdExpiresAt')
          ? 2
          : query.includes('"RevocationFailing"')
            ? 3
            : query.includes('"Active"')
              ? 5
              : 0;
        return { count: n, groups: [] };
      }),
      { cacheMs: 60_000, temporalMetricsUrl: '' },
    );
    const text = await metrics.render();
    expect(series(text, 'leasehold_requests{state="Active"}')).toBe(5);
    expect(series(text, 'leasehold_requests{state="RevocationFailing"}')).toBe(3);
    expect(series(text, 'leasehold_revocations_failing')).toBe(3);
    expect(series(text, 'leasehold_grants_expiring_soon')).toBe(2);
    expect(series(text, 'leasehold_visibility_up')).toBe(1);
    const asked = queries.length;
    await metrics.render();
    expect(queries.length).toBe(asked);
  });

  test('IdP calls and errors are counted by connection and operation; the answer and the error pass through', async () => {
    const metrics = new WorkerMetrics(
      clientCounting(async () => ({ count: 0, groups: [] })),
      { temporalMetricsUrl: '' },
    );
    const provider = metrics.instrument('okta-prod', {
      kind: 'okta',
      isMember: async () => true,
      addMember: async () => {
        throw new Error('429 Too Many Requests');
      },
    } as unknown as IdentityProvider);
    expect(provider.kind).toBe('okta');
    await expect(provider.isMember('g', 'u')).resolves.toBe(true);
    await expect(provider.addMember('g', 'u')).rejects.toThrow('429 Too Many Requests');
    const text = await metrics.registry.metrics();
    expect(series(text, 'leasehold_idp_calls_total{connection="okta-prod",operation="isMember"}')).toBe(1);
    expect(series(text, 'leasehold_idp_calls_total{connection="okta-prod",operation="addMember"}')).toBe(1);
    expect(series(text, 'leasehold_idp_errors_total{connection="okta-prod",operation="addMember"}')).toBe(1);
    expect(series(text, 'leasehold_idp_errors_total{connection="okta-prod",operation="isMember"}')).toBeUndefined();
  });
});
