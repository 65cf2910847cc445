import { parentPort, workerData } from 'node:worker_threads';
import { loadSandboxPackage, type RunningSandboxes, type SandboxPackage } from './sandbox-package';
import type { SandboxThreadMessage, SandboxThreadRequest } from './sandbox-thread';

/**
 * The sandboxes' thread (see ./sandbox-thread): starts them, reports what the main thread needs to
 * know of them, and serves its requests (register a webhook, close).
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const send = (message: SandboxThreadMessage): void => port.postMessage(message);
  let sandboxes: RunningSandboxes;
  try {
    const pkg: SandboxPackage = await loadSandboxPackage('start');
    sandboxes = await pkg.startSandboxes(workerData as Parameters<SandboxPackage['startSandboxes']>[0]);
  } catch (err) {
    send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const { jira, okta, entra, github, google, aws, entraCaFile, env, stateFile, restored } = sandboxes;
  send({
    kind: 'ready',
    sandboxes: {
      urls: { jira: jira.url, okta: okta.url, entra: entra.url, github: github.url, google: google.url, aws: aws.url },
      entraCaFile,
      env,
      restored,
      ...(stateFile ? { stateFile } : {}),
    },
  });
  port.on('message', (request: SandboxThreadRequest) => {
    if (request.kind === 'registerWebhook') sandboxes.jira.registerWebhook(request.webhook);
    else
      void sandboxes.close().then(
        () => send({ kind: 'closed' }),
        () => send({ kind: 'closed' }),
      );
  });
}

void main();
