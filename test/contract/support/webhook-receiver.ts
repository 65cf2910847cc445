import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link WebhookReceiver} got: headers, exact body bytes, the status it answered. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  status: number;
  json(): Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses to answer with, in order; once used up, 200. `'hang'` never answers. */
  answerWith(statuses: Array<number | 'hang'>): void;
  close(): Promise<void>;
}

/** A plain node HTTP server standing in for Leasehold's webhook endpoint. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let script: Array<number | 'hang'> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const next = script.shift() ?? 200;
      const rawBody = Buffer.concat(chunks);
      const status = next === 'hang' ? 0 : next;
      received.push({
        headers: req.headers,
        rawBody,
        status,
        json: () => JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>,
      });
      if (next !== 'hang') res.writeHead(next, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/jira`,
    received,
    answerWith: (statuses) => {
      script = [...statuses];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
