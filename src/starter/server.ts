import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { handleSlackInteraction, SLACK_PATH } from './slack-interactions';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { JiraGateway } from '../connectors/jira/jira-gateway';
import { logger } from '../logging';
import type { JiraConnection } from '../policy/schema';
import { problemsOf } from '../policy/validate';
import type { RulesVersion } from '../workflows/policy/types';
import { beforeDeadline } from './deadline';
import { DeliveryMemory } from './delivery-memory';
import { DependencyUnavailableError, Dispatcher, isUnavailable } from './dispatcher';
import { exceedsDepth, jiraWebhookSchema, MAX_JSON_DEPTH } from './jira-payload';
import { StarterMetrics } from './metrics';
import { assertSecretsConfigured, authenticate, header } from './authentication';
import { RulesUnavailableError, StarterRules, type RulesReader } from './starter-rules';

export const WEBHOOK_PATH = '/webhooks/jira';
export { AUTOMATION_SECRET_HEADER } from './authentication';

export interface StarterOptions {
  client: Client;
  taskQueue: string;
  /** The rules in force (a {@link RulesStore} on the policy workflow). */
  rules: RulesReader;
  jira: (connection: JiraConnection) => JiraGateway;
  host?: string;
  port?: number;
  /** Accept unsigned deliveries (local development only). */
  allowUnsigned?: boolean;
  maxBodyBytes?: number;
  /**
   * How long one delivery may wait on Temporal (rules read, start, signal) before it is answered 503.
   * Jira gives up on a webhook after 10 s; the SDK alone would retry an unreachable server for ~20 s.
   */
  temporalTimeoutMs?: number;
}

export interface RunningStarter {
  url: string;
  webhookUrl: string;
  metrics: StarterMetrics;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The webhook starter: Jira events in, Temporal starts and signals out. Answers 2xx only after
 * Temporal durably accepted the effect; 401/400/413 for bad deliveries (nothing reaches Temporal);
 * 503 when Temporal or Jira is unreachable, so Jira delivers again.
 */
export async function startWebhookStarter(options: StarterOptions): Promise<RunningStarter> {
  const metrics = new StarterMetrics();
  const dispatcher = new Dispatcher({ client: options.client, taskQueue: options.taskQueue, jira: options.jira });
  const settling = new Settling();
  const deliveries = new DeliveryMemory();
  const rules = new StarterRules(options.rules, options.client);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const temporalTimeoutMs = options.temporalTimeoutMs ?? 5_000;

  // Also the first read of the rules, which the starter falls back on while they cannot be read.
  await assertSecretsConfigured(options, () => rules.current(Date.now() + 30_000));

  /** Every delivery counts as received (rejected ones too), by event; `unparsed` when it never was one. */
  const handleWebhook = async (req: IncomingMessage): Promise<Reply> => {
    const seen = { event: 'unparsed' };
    try {
      return await handleDelivery(req, seen);
    } finally {
      metrics.received.inc({ event: seen.event });
    }
  };

  const handleDelivery = async (req: IncomingMessage, seen: { event: string }): Promise<Reply> => {
    const webhookId = header(req, 'x-atlassian-webhook-identifier');
    const log = logger.child({ webhookId, retry: header(req, 'x-atlassian-webhook-retry') });
    const body = await readBody(req, maxBody);
    if (body === 'too-large') return reject('too_large', 413, `body exceeds ${maxBody} bytes`, { connection: 'close' });

    // One budget for everything this delivery asks of Temporal, so Jira hears 503 before it times out.
    const deadline = Date.now() + temporalTimeoutMs;
    let current;
    try {
      current = await rules.current(deadline);
    } catch (err) {
      if (err instanceof RulesUnavailableError) {
        log.warn({ err: err.message }, 'webhook deferred: cannot read the rules');
        return reject('unavailable', 503, 'Temporal is unavailable (cannot read the rules)', { 'retry-after': '30' });
      }
      throw err;
    }
    if (!current) return reject('unavailable', 503, 'no rules have been applied yet', { 'retry-after': '60' });
    const jiraConnection = current.rules.connections[current.rules.portal.connection] as JiraConnection;

    const auth = authenticate(req, body, jiraConnection, options.allowUnsigned ?? false);
    if (!auth.ok) {
      log.warn({ reason: auth.reason }, 'webhook rejected: unauthorized');
      return reject('unauthorized', 401, auth.reason);
    }

    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      return reject('malformed_json', 400, `malformed JSON: ${(err as Error).message}`);
    }
    if (exceedsDepth(json))
      return reject('invalid_payload', 400, `the payload nests deeper than ${MAX_JSON_DEPTH} levels`);
    const parsed = jiraWebhookSchema.safeParse(json);
    if (!parsed.success) {
      const problems = problemsOf(parsed.error);
      log.warn({ problems }, 'webhook rejected: invalid payload');
      return {
        ...reject('invalid_payload', 400, 'the payload is not a Jira issue event'),
        body: { error: 'the payload is not a Jira issue event', problems },
      };
    }
    const payload = parsed.data;
    seen.event = payload.webhookEvent ?? 'automation';
    const eventId = webhookId ?? automationEventId(payload);

    try {
      const rulesInForce = current.rules;
      const result = await beforeDeadline(
        deadline,
        settling.track(
          options.client.withDeadline(deadline, () =>
            deliveries.once(eventId, body, () => dispatcher.dispatch(payload, eventId, rulesInForce)),
          ),
        ),
        () => new DependencyUnavailableError(`no answer from Temporal or Jira within ${temporalTimeoutMs} ms`),
      );
      metrics.outcomes.inc({ outcome: result.outcome });
      log.info({ issue: payload.issue.key, event: payload.webhookEvent, ...result }, `webhook ${result.outcome}`);
      return { status: result.status, body: { ...result } };
    } catch (err) {
      if (err instanceof DependencyUnavailableError || isUnavailable(err)) {
        log.warn({ issue: payload.issue.key, err: (err as Error).message }, 'webhook deferred: dependency unavailable');
        return reject('unavailable', 503, (err as Error).message, { 'retry-after': '30' });
      }
      log.error({ issue: payload.issue.key, err }, 'webhook failed');
      return reject('error', 500, 'internal error; Jira will deliver again');
    }
  };

  const reject = (reason: string, status: number, message: string, headers?: Record<string, string>): Reply => {
    metrics.rejected.inc({ reason });
    return { status, body: { error: message }, headers };
  };

  const route = async (req: IncomingMessage): Promise<Reply> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === WEBHOOK_PATH) {
      if (req.method !== 'POST') return { status: 405, body: { error: 'use POST' }, headers: { allow: 'POST' } };
      return handleWebhook(req);
    }
    if (path === SLACK_PATH) {
      if (req.method !== 'POST') return { status: 405, body: { error: 'use POST' }, headers: { allow: 'POST' } };
      const body = await readBody(req, maxBody);
      if (body === 'too-large') return reject('too_large', 413, `body exceeds ${maxBody} bytes`);
      const current = await rules.current(Date.now() + temporalTimeoutMs).catch(() => undefined);
      if (!current) return reject('unavailable', 503, 'the rules cannot be read');
      const deadline = Date.now() + temporalTimeoutMs;
      return options.client
        .withDeadline(deadline, () =>
          handleSlackInteraction(options.client, current.rules, body.toString('utf8'), {
            signature: header(req, 'x-slack-signature'),
            timestamp: header(req, 'x-slack-request-timestamp'),
          }),
        )
        .catch((err: unknown) => {
          logger.warn({ err: (err as Error).message }, 'Slack interaction deferred: Temporal unavailable');
          return reject('unavailable', 503, 'Temporal is unavailable');
        });
    }
    if (path === '/healthz') return { status: 200, body: { status: 'ok' } };
    if (path === '/readyz') {
      // Ready means a delivery would be taken: Temporal answers and rules are in force.
      try {
        await options.client.connection.withDeadline(Date.now() + 2_000, () =>
          options.client.workflowService.getSystemInfo({}),
        );
      } catch (err) {
        return { status: 503, body: { status: 'unavailable', error: `Temporal: ${(err as Error).message}` } };
      }
      let current: RulesVersion | undefined;
      try {
        current = await rules.current(Date.now() + 2_000);
      } catch (err) {
        return { status: 503, body: { status: 'unavailable', error: (err as Error).message } };
      }
      if (!current)
        return {
          status: 503,
          body: {
            status: 'not ready',
            error: 'no rules applied yet: deliveries are answered 503 until `leasehold rules apply`',
          },
        };
      return { status: 200, body: { status: 'ready', rulesVersion: current.version } };
    }
    return { status: 404, body: { error: `no route ${path}` } };
  };

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && req.method === 'GET') {
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    route(req)
      .catch((err: unknown): Reply => {
        logger.error({ err }, 'webhook starter crashed on a request');
        return { status: 500, body: { error: 'internal error' } };
      })
      .then((reply) => {
        const payload = JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(reply.headers ?? {}),
        });
        res.end(payload);
        if (path === WEBHOOK_PATH)
          metrics.latency.observe({ status: String(reply.status) }, Number(process.hrtime.bigint() - started) / 1e9);
      })
      .catch((err: unknown) => logger.error({ err }, 'could not answer'));
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    webhookUrl: `${url}${WEBHOOK_PATH}`,
    metrics,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      // A delivery answered 503 at its deadline may still have a Temporal call in its retry backoff:
      // it fails at once once it wakes (its deadline has passed). Closing waits for it, so the caller
      // can close the connection after.
      await Promise.all([settling.drained(), rules.drained()]);
    },
  };
}

/** Work still running after its caller stopped waiting (see `beforeDeadline`). */
class Settling {
  private readonly pending = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return work;
  }

  async drained(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    req.resume();
    return 'too-large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Jira Automation sends no identifier: the same issue in the same state at the same update time is the same event. */
function automationEventId(payload: {
  issue: { key: string; fields: { status?: { name: string }; updated?: string } };
}): string {
  const { key, fields } = payload.issue;
  return `automation:${key}:${fields.status?.name ?? ''}:${fields.updated ?? ''}`;
}
