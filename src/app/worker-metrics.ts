import type { Client } from '@temporalio/client';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { IdentityProvider } from '../connectors/identity-provider';
import { logger } from '../logging';
import { temporalMetricsUrl } from '../temporal/runtime';
import { REQUEST_STATES } from '../workflows/access-request/types';

/** What the gauges read from Temporal visibility. */
export interface RequestCounts {
  byState: Map<string, number>;
  expiringSoon: number;
}

export interface WorkerMetricsOptions {
  /** How long one read of visibility serves scrapes (default 10 s). */
  cacheMs?: number;
  /** How long a scrape waits for Temporal (visibility, the SDK's endpoint) before answering without it (default 3 s). */
  timeoutMs?: number;
  /** The Temporal SDK's own Prometheus endpoint to merge in (default: the one the runtime was installed with). */
  temporalMetricsUrl?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The worker's Prometheus metrics, served at `/metrics` on the health port: Leasehold's gauges of
 * requests by state (from Temporal visibility, read on scrape with a short cache), IdP calls and
 * errors by connection, and the Temporal SDK's own metrics (core's endpoint, merged in).
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly idpCalls = new Counter({
    name: 'leasehold_idp_calls_total',
    help: 'Identity provider calls, by connection and operation',
    labelNames: ['connection', 'operation'] as const,
    registers: [this.registry],
  });
  readonly idpErrors = new Counter({
    name: 'leasehold_idp_errors_total',
    help: 'Identity provider calls that failed, by connection and operation',
    labelNames: ['connection', 'operation'] as const,
    registers: [this.registry],
  });
  private readonly requests = new Gauge({
    name: 'leasehold_requests',
    help: 'Running access requests by state (LeaseholdState), from Temporal visibility',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly revocationsFailing = new Gauge({
    name: 'leasehold_revocations_failing',
    help: 'Access requests whose revocation keeps failing (LeaseholdState = RevocationFailing)',
    registers: [this.registry],
  });
  private readonly expiringSoon = new Gauge({
    name: 'leasehold_grants_expiring_soon',
    help: 'Active grants that expire in the next 24 hours',
    registers: [this.registry],
  });
  private readonly visibilityUp = new Gauge({
    name: 'leasehold_visibility_up',
    help: '1 when the last read of Temporal visibility for the request gauges succeeded, 0 otherwise',
    registers: [this.registry],
  });
  private cached?: { at: number; counts: Promise<RequestCounts> };
  private readonly cacheMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly client: () => Client,
    private readonly options: WorkerMetricsOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    collectDefaultMetrics({ register: this.registry, prefix: 'leasehold_worker_' });
  }

  /** An identity provider whose calls are counted under its connection's name. */
  instrument(connection: string, provider: IdentityProvider): IdentityProvider {
    return new Proxy(provider, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return async (...args: unknown[]): Promise<unknown> => {
          const labels = { connection, operation: prop };
          this.idpCalls.inc(labels);
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } catch (err) {
            this.idpErrors.inc(labels);
            throw err;
          }
        };
      },
    });
  }

  /** The whole `/metrics` text: Leasehold's metrics, then the Temporal SDK's. */
  async render(): Promise<string> {
    const [, temporal] = await Promise.all([this.refreshGauges(), this.temporalText()]);
    const own = await this.registry.metrics();
    return temporal ? `${own.trimEnd()}\n${temporal.trimEnd()}\n` : own;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refreshGauges(): Promise<void> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= this.cacheMs) {
      const counts = withTimeout(readRequestCounts(this.client(), new Date(now)), this.timeoutMs, 'visibility');
      this.cached = { at: now, counts };
      // A failed read is not kept: the next scrape tries again.
      counts.catch(() => {
        if (this.cached?.counts === counts) this.cached = undefined;
      });
    }
    try {
      const counts = await this.cached.counts;
      this.requests.reset();
      for (const [state, n] of counts.byState) this.requests.set({ state }, n);
      this.revocationsFailing.set(counts.byState.get('RevocationFailing') ?? 0);
      this.expiringSoon.set(counts.expiringSoon);
      this.visibilityUp.set(1);
    } catch (err) {
      logger.warn({ err }, 'metrics: reading request counts from Temporal visibility failed');
      this.visibilityUp.set(0);
    }
  }

  private async temporalText(): Promise<string | undefined> {
    const url = this.options.temporalMetricsUrl ?? temporalMetricsUrl();
    if (!url) return undefined;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.text();
    } catch (err) {
      logger.warn({ err, url }, 'metrics: the Temporal SDK metrics endpoint did not answer');
      return undefined;
    }
  }
}

const running = `WorkflowType = "accessRequestWorkflow" AND ExecutionStatus = "Running"`;

/** Every LeaseholdState (a run may show a final one while it writes its evidence). */
const requestStates = REQUEST_STATES;

/**
 * Running access requests by LeaseholdState, and the Active ones expiring within 24 h of `now`. One
 * count per state: Temporal's visibility supports GROUP BY only on ExecutionStatus, not on custom
 * search attributes ("'GROUP BY' clause is not supported for search attribute LeaseholdState").
 */
export async function readRequestCounts(client: Client, now: Date): Promise<RequestCounts> {
  const soon = new Date(now.getTime() + DAY_MS).toISOString();
  const [expiring, ...perState] = await Promise.all([
    client.workflow.count(`${running} AND LeaseholdState = "Active" AND LeaseholdExpiresAt < "${soon}"`),
    ...requestStates.map((state) => client.workflow.count(`${running} AND LeaseholdState = "${state}"`)),
  ]);
  const byState = new Map<string, number>(requestStates.map((state, i) => [state, perState[i].count]));
  return { byState, expiringSoon: expiring.count };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
