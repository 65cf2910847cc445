import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the webhook starter, served at `/metrics`. */
export class StarterMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'leasehold_webhooks_received_total',
    help: 'Jira webhook deliveries received, rejected ones included (event "unparsed" when the body was never read as an event)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'leasehold_webhooks_outcome_total',
    help: 'Deliveries by outcome (started, signalled, routed, duplicate, ignored)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'leasehold_webhooks_rejected_total',
    help: 'Deliveries rejected, by reason (unauthorized, malformed_json, invalid_payload, too_large, unavailable, error)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'leasehold_webhook_duration_seconds',
    help: 'Time from receiving a delivery to answering it',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'leasehold_starter_' });
  }
}
