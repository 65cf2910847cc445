import http from 'node:http';
import type { Worker } from '@temporalio/worker';
import { logger } from '../logging';

/**
 * The worker's health endpoint for orchestrators: `GET /healthz` answers 200 while the worker is
 * polling (state RUNNING) and 503 with its state otherwise (starting, draining, stopped, failed).
 */
export async function serveWorkerHealth(
  worker: Pick<Worker, 'getState'>,
  port: number,
  host = '0.0.0.0',
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
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
  logger.info({ url: `${url}/healthz` }, 'worker health endpoint');
  return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
