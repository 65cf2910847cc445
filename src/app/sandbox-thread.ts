import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunningSandboxes, SandboxPackage } from './sandbox-package';

/**
 * The demo's sandboxes on a thread of their own: they answer the worker's calls (TLS, JSON, the Jira
 * webhook deliveries) without taking turns with the worker and the webhook starter on one event loop.
 * Their state and ports are what they would be in process; the main thread sees the same
 * `RunningSandboxes` (URLs, the variables the example rules read, webhook registration, close).
 */

type Webhook = Parameters<RunningSandboxes['jira']['registerWebhook']>[0];
type Urls = Record<'jira' | 'okta' | 'entra' | 'github' | 'google' | 'aws', string>;

export type SandboxThreadRequest = { kind: 'registerWebhook'; webhook: Webhook } | { kind: 'close' };
export type SandboxThreadMessage =
  | {
      kind: 'ready';
      sandboxes: {
        urls: Urls;
        entraCaFile: string;
        env: Record<string, string>;
        restored: boolean;
        stateFile?: string;
      };
    }
  | { kind: 'failed'; message: string }
  | { kind: 'closed' };

const ENTRY = path.join(__dirname, 'sandbox-thread-entry.js');

/**
 * Starts the sandboxes on their own thread; where the compiled thread entry is missing (the sources run
 * through a TypeScript loader), in this thread through `sandbox`.
 */
export async function startSandboxesThread(
  sandbox: SandboxPackage,
  options: Parameters<SandboxPackage['startSandboxes']>[0],
): Promise<RunningSandboxes> {
  if (!fs.existsSync(ENTRY)) return sandbox.startSandboxes(options);
  const thread = new Worker(ENTRY, { workerData: options });
  const next = (): Promise<SandboxThreadMessage> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the sandboxes' thread exited (code ${code})`));
      thread.once('error', reject);
      thread.once('exit', onExit);
      thread.once('message', (message: SandboxThreadMessage) => {
        thread.off('error', reject);
        thread.off('exit', onExit);
        resolve(message);
      });
    });
  const first = await next();
  if (first.kind !== 'ready') {
    await thread.terminate();
    throw new Error(first.kind === 'failed' ? first.message : 'the sandboxes did not start');
  }
  const { urls, ...rest } = first.sandboxes;
  const request = (r: SandboxThreadRequest): void => thread.postMessage(r);
  return {
    ...rest,
    jira: { url: urls.jira, registerWebhook: (webhook) => request({ kind: 'registerWebhook', webhook }) },
    okta: { url: urls.okta },
    entra: { url: urls.entra },
    github: { url: urls.github },
    google: { url: urls.google },
    aws: { url: urls.aws },
    async close() {
      const closed = next().catch(() => undefined);
      request({ kind: 'close' });
      await closed;
      await thread.terminate();
    },
  };
}
