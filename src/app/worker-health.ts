import http from 'node:http';
import type { Worker } from '@temporalio/worker';
import { logger } from '../logging';
import type { WorkerMetrics } from './worker-metrics';

/**
 * The worker's health endpoint for orchestrators: `GET /healthz` answers 200 while the worker is
 * polling (state RUNNING) and 503 with its state otherwise (starting, draining, stopped, failed).
 * With `metrics`, `GET /metrics` answers Prometheus text: Leasehold's metrics and the Temporal SDK's.
 */
export async function serveWorkerHealth(
  worker: Pick<Worker, 'getState'>,
  port: number,
  host = '0.0.0.0',
  metrics?: Pick<WorkerMetrics, 'render' | 'contentType'>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && metrics) {
      metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType });
          res.end(text);
        },
        (err: unknown) => {
          logger.warn({ err }, 'metrics: rendering failed');
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('metrics unavailable\n');
        },
      );
      return;
    }
    const state = worker.getState();
    const [status, body] =
      path !== '/healthz'
        ? [404, { error: `no route ${path}` }]
        : state === 'RUNNING'
          ? [200, { status: 'ok', worker: state }]
          : [503, { status: 'unavailable', worker: state }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${typeof address === 'object' && address ? address.port : port}`;
  logger.info({ url: `${url}/healthz`, metrics: metrics ? `${url}/metrics` : undefined }, 'worker health endpoint');
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
