import fs from 'node:fs';
import path from 'node:path';
import { wantsSandboxes, type Env } from '../config/env';
import { logger } from '../logging';
import { parseRulesText, problemLine } from '../policy/parse';
import { RulesStore } from '../temporal/rules-store';
import { projectRoot, sandboxEnvFile, stateDir } from '../paths';
import type { RunningSandboxes, SandboxPackage } from './sandbox-package';
import type { RunningStarter } from '../starter/server';
import { temporalTarget } from '../temporal/connection';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { runStarter } from './starter-process';
import { serveWorkerHealth } from './worker-health';
import { runWorker, type RunningWorker } from './worker-process';

export interface Embedded {
  devServer?: DevServer;
  sandboxes?: RunningSandboxes;
  worker: RunningWorker;
  starter: RunningStarter;
  rulesVersion?: number;
  stop(): Promise<void>;
}

export const defaultRulesFile = path.join(projectRoot, 'rules', 'example.yaml');

/**
 * Everything on one machine: an embedded Temporal dev server with its UI (persisted under
 * .leasehold/), the sandboxes, the worker and the webhook starter, with the example rules applied.
 * With TEMPORAL_ADDRESS set it uses that cluster instead; with real Jira/Okta/Entra settings, no sandboxes.
 * `sandbox` is the loaded @leasehold/sandbox package (see ./sandbox-package).
 */
export async function startEmbedded(env: Env, sandbox: SandboxPackage): Promise<Embedded> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const fn of stoppers.reverse())
      await fn().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
  };
  try {
    let devServer: DevServer | undefined;
    if (!env.TEMPORAL_ADDRESS) {
      fs.mkdirSync(stateDir, { recursive: true });
      devServer = await startDevServer({
        port: env.LEASEHOLD_TEMPORAL_PORT,
        uiPort: env.LEASEHOLD_TEMPORAL_UI_PORT,
        dbFilename: env.LEASEHOLD_TEMPORAL_DB ?? path.join(stateDir, 'temporal.db'),
        logFile: path.join(stateDir, 'temporal.log'),
        namespace: env.TEMPORAL_NAMESPACE,
      });
      stoppers.push(() => devServer!.stop());
    }
    const target = temporalTarget(env, devServer?.address);

    let sandboxes: RunningSandboxes | undefined;
    if (wantsSandboxes(env)) {
      sandboxes = await sandbox.startSandboxes({
        stateDir,
        ports: {
          jira: env.LEASEHOLD_SANDBOX_JIRA_PORT,
          okta: env.LEASEHOLD_SANDBOX_OKTA_PORT,
          entra: env.LEASEHOLD_SANDBOX_ENTRA_PORT,
        },
      });
      stoppers.push(() => sandboxes!.close());
      // The example rules read these; the worker and the starter run in this process, and the
      // CLI in another shell reads them from the file (demo credentials of loopback sandboxes only).
      Object.assign(process.env, sandboxes.env);
      fs.writeFileSync(
        sandboxEnvFile,
        Object.entries(sandboxes.env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') + '\n',
      );
      stoppers.push(async () => fs.rmSync(sandboxEnvFile, { force: true }));
    }

    const worker = await runWorker(target, env.LEASEHOLD_TASK_QUEUE);
    stoppers.push(() => worker.stop());
    if (env.LEASEHOLD_WORKER_HEALTH_PORT !== undefined) {
      const health = await serveWorkerHealth(
        worker.worker,
        env.LEASEHOLD_WORKER_HEALTH_PORT,
        undefined,
        worker.metrics,
      );
      stoppers.push(() => health.close());
    }

    const rules = new RulesStore(worker.client, env.LEASEHOLD_TASK_QUEUE, 0);
    let rulesVersion = (await rules.current())?.version;
    if (rulesVersion === undefined) {
      const file = env.LEASEHOLD_RULES_FILE ?? defaultRulesFile;
      const parsed = parseRulesText(fs.readFileSync(file, 'utf8'));
      if (!parsed.ok)
        throw new Error(`${file} is not valid:\n${parsed.problems.map((p) => `  ${problemLine(file, p)}`).join('\n')}`);
      const result = await rules.submit({
        document: parsed.raw,
        submittedBy: 'leasehold start',
        comment: `initial rules from ${path.relative(projectRoot, file)}`,
      });
      rulesVersion = result.version;
    }

    const starter = await runStarter(target, env);
    stoppers.push(() => starter.close());
    if (sandboxes) {
      sandboxes.jira.registerWebhook({
        name: 'Leasehold',
        url: starter.webhookUrl,
        events: ['jira:issue_created', 'jira:issue_updated'],
        secret: sandbox.sandboxCredentials.jira.webhookSecret,
      });
    }
    return { devServer, sandboxes, worker, starter, rulesVersion, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
