import { ConnectorRegistry } from '../../src/connectors/registry';
import { RulesStore } from '../../src/temporal/rules-store';
import { startWebhookStarter } from '../../src/starter/server';
import { Leasehold } from '../../test/harness/leasehold';
import { percentile, type PerfContext, type Row } from './common';
import { webhookLoad, type Measured } from './webhook-load';

/**
 * Figure 7: the webhook starter's throughput ÷ raw `signalWithStart`, same server, same run:
 * `npm run bench:webhook`'s load (recorded Jira deliveries, 10 % redeliveries, concurrency 32, the
 * worker stopped while measured) on a stack of its own.
 */
const cpuPerCall = (m: Measured): string => ((m.cpuMs ?? 0) / m.calls).toFixed(2);

export async function webhookFigure(ctx: PerfContext): Promise<Row[]> {
  const issues = ctx.size(1000, 200);
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const lh = await Leasehold.start({ starter: false, sandboxes: { okta: { rateLimitPerMinute: 1_000_000 } } });
    cleanups.push(() => lh.stop());
    const connectors = new ConnectorRegistry();
    const starter = await startWebhookStarter({
      client: lh.client,
      taskQueue: lh.taskQueue,
      rules: new RulesStore(lh.client, lh.taskQueue, 3_600_000),
      jira: (c) => connectors.jira(c),
      port: 0,
    });
    cleanups.push(() => starter.close());
    const run = await webhookLoad(
      lh,
      lh.client,
      starter,
      { issues, redeliveries: 0.1, concurrency: 32, seed: 7, workerDuringLoad: false },
      cleanups,
      () => undefined,
    );
    const refused = run.results.filter((r) => r.status === 'lost' || r.status >= 300).length;
    if (refused > 0) ctx.broken.push(`webhook: ${refused} deliveries never accepted by the starter`);
    if (run.rawErrors > 0) ctx.broken.push(`webhook: ${run.rawErrors} raw signalWithStart calls failed`);
    const starterRate = run.load.calls / (run.load.wallMs / 1000);
    const rawRate = run.raw.calls / (run.raw.wallMs / 1000);
    const ratio = starterRate / rawRate;
    return [
      {
        figure: `7. webhook starter throughput ÷ raw signalWithStart (${run.sends.length} POSTs, concurrency 32)`,
        measured: `${ratio.toFixed(2)} (${starterRate.toFixed(0)}/s vs ${rawRate.toFixed(0)}/s)`,
        target: '≥ 0.9',
        held: ratio >= 0.9,
        note:
          `per call p50/p99: starter ${percentile(run.load.latencies, 50).toFixed(1)}/${percentile(run.load.latencies, 99).toFixed(1)} ms, ` +
          `raw ${percentile(run.raw.latencies, 50).toFixed(1)}/${percentile(run.raw.latencies, 99).toFixed(1)} ms; ` +
          `this process's CPU per call (load generator, starter, sandboxes; the Temporal server is another): ` +
          `starter ${cpuPerCall(run.load)} ms, raw ${cpuPerCall(run.raw)} ms`,
      },
    ];
  } finally {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  }
}
