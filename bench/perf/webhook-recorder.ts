import http from 'node:http';
import type { AddressInfo } from 'node:net';

// ---- recorded deliveries ------------------------------------------------------------------------

export interface Recorded {
  identifier: string;
  signature: string;
  body: Buffer;
  event: 'create' | 'status';
  issueKey: string;
}

interface Recorder {
  url: string;
  deliveries: Recorded[];
  close(): Promise<void>;
}

/** Jira's webhook target during the preparation: keeps every create and every move to "Approved by Manager" by bob. */
export async function startRecorder(approver: string): Promise<Recorder> {
  const deliveries: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(204).end();
      const body = Buffer.concat(chunks);
      const json = JSON.parse(body.toString('utf8')) as {
        webhookEvent: string;
        user?: { accountId: string };
        issue: { key: string };
        changelog?: { items: Array<{ field: string; toString: string | null }> };
      };
      const identifier = String(req.headers['x-atlassian-webhook-identifier']);
      const signature = String(req.headers['x-hub-signature']);
      if (json.webhookEvent === 'jira:issue_created')
        deliveries.push({ identifier, signature, body, event: 'create', issueKey: json.issue.key });
      const approved = json.changelog?.items.some((i) => i.field === 'status' && i.toString === 'Approved by Manager');
      if (json.webhookEvent === 'jira:issue_updated' && approved && json.user?.accountId === approver) {
        deliveries.push({ identifier, signature, body, event: 'status', issueKey: json.issue.key });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/jira`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
