import { randomUUID } from 'node:crypto';
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { logger } from '../logging';
import type { WebhookMessage } from './webhook-payloads';
import type { RegisteredWebhook } from './webhook-registry';
import { signWebhookBody } from './webhook-signature';

/**
 * Delivers webhook messages the way Jira Cloud does: asynchronously, one POST per webhook, retried
 * on 408/409/425/429/5xx, connection failure or timeout after the configured delays, with the same
 * `X-Atlassian-Webhook-Identifier` on every try and `X-Atlassian-Webhook-Retry` from the first retry.
 * Every delivery and attempt is logged for tests and the `/__sandbox/webhook-deliveries` route.
 */

/** Jira retries for up to about 30 minutes; these five retries span about 23. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [10_000, 30_000, 120_000, 300_000, 900_000];
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_LOGGED = 1000;

export interface DeliveryAttempt {
  /** 0 for the first try, then the retry count sent in `X-Atlassian-Webhook-Retry`. */
  retry: number;
  startedAt: string;
  durationMs: number;
  /** The receiver's status, when it answered. */
  status?: number;
  /** Connection failure or timeout. */
  error?: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface WebhookDelivery {
  /** `X-Atlassian-Webhook-Identifier`: one per event and webhook, the same on every retry. */
  identifier: string;
  webhookId: number;
  webhookName: string;
  url: string;
  webhookEvent: string;
  issueEventTypeName?: string;
  issueKey: string;
  /** The exact body sent (UTF-8). */
  body: string;
  /** The `X-Hub-Signature` sent, when the webhook has a secret. */
  signature?: string;
  state: DeliveryState;
  attempts: DeliveryAttempt[];
}

export interface DispatcherOptions {
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
}

interface Delivery extends Omit<WebhookDelivery, 'body'> {
  bytes: Buffer;
}

const RETRYABLE = new Set([408, 409, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status) || status >= 500;
}

export class WebhookDispatcher {
  private readonly log: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<ClientRequest>();
  private waiters: Array<() => void> = [];
  private readonly retryDelaysMs: readonly number[];
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: DispatcherOptions = {}) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  }

  /** Queues one delivery; the first try starts on a later tick, so callers are never held up. */
  dispatch(hook: RegisteredWebhook, message: WebhookMessage): void {
    if (this.closed) return;
    const bytes = hook.excludeBody ? Buffer.alloc(0) : message.body;
    const delivery: Delivery = {
      identifier: randomUUID(),
      webhookId: hook.id,
      webhookName: hook.name,
      url: hook.url,
      webhookEvent: message.webhookEvent,
      issueEventTypeName: message.issueEventTypeName,
      issueKey: message.issueKey,
      bytes,
      signature: hook.secret ? signWebhookBody(hook.secret, bytes) : undefined,
      state: 'pending',
      attempts: [],
    };
    this.log.push(delivery);
    this.trimLog();
    this.schedule(delivery, 0, 0);
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map(({ bytes, attempts, ...rest }) => ({
      ...rest,
      body: bytes.toString('utf8'),
      attempts: attempts.map((a) => ({ ...a })),
    }));
  }

  /** Resolves once no delivery is pending (delivered, given up or cancelled), scheduled retries included. */
  idle(): Promise<void> {
    if (!this.log.some((d) => d.state === 'pending')) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels pending deliveries and forgets the log. */
  reset(): void {
    this.cancelPending();
    this.log.length = 0;
  }

  /** Cancels pending deliveries and retries; later dispatches are dropped. */
  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  private cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
    for (const d of this.log) if (d.state === 'pending') d.state = 'cancelled';
    this.settle();
  }

  private schedule(delivery: Delivery, retry: number, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, retry);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(delivery: Delivery, retry: number): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': delivery.identifier,
      'x-atlassian-webhook-flow': 'Primary',
    };
    if (retry > 0) headers['x-atlassian-webhook-retry'] = String(retry);
    if (delivery.signature) headers['x-hub-signature'] = delivery.signature;

    const started = Date.now();
    const record: DeliveryAttempt = { retry, startedAt: new Date(started).toISOString(), durationMs: 0 };
    try {
      record.status = await this.post(delivery.url, headers, delivery.bytes);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    }
    record.durationMs = Date.now() - started;
    if (delivery.state !== 'pending') return; // cancelled meanwhile
    delivery.attempts.push(record);

    const retryable = record.status === undefined || isRetryableStatus(record.status);
    if (record.status !== undefined && record.status >= 200 && record.status < 300) {
      delivery.state = 'delivered';
    } else if (retryable && retry < this.retryDelaysMs.length) {
      logger.debug(
        { url: delivery.url, identifier: delivery.identifier, status: record.status, error: record.error, retry },
        'sandbox Jira webhook will be retried',
      );
      this.schedule(delivery, retry + 1, this.retryDelaysMs[retry]!);
      return;
    } else {
      delivery.state = 'failed';
      logger.warn(
        {
          url: delivery.url,
          identifier: delivery.identifier,
          status: record.status,
          error: record.error,
          attempts: delivery.attempts.length,
        },
        'sandbox Jira gave up on a webhook',
      );
    }
    this.settle();
  }

  private post(url: string, headers: Record<string, string>, body: Buffer): Promise<number> {
    const target = new URL(url);
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        target,
        { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent: false },
        (res) => {
          // The status is the answer; the body is read and dropped.
          resolve(res.statusCode ?? 0);
          res.resume();
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      this.inflight.add(req);
      req.on('error', reject);
      req.on('close', () => {
        clearTimeout(timer);
        this.inflight.delete(req);
        reject(new Error('connection closed before a response'));
      });
      req.end(body);
    });
  }

  private settle(): void {
    if (this.log.some((d) => d.state === 'pending')) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private trimLog(): void {
    while (this.log.length > MAX_LOGGED) {
      const index = this.log.findIndex((d) => d.state !== 'pending');
      if (index < 0) return;
      this.log.splice(index, 1);
    }
  }
}
